"""``sphinx-cjm validate`` of reStructuredText and MyST documents: a quiet Sphinx build, its warnings kept.

The documents are read by Sphinx itself with the extension loaded, so what is checked is
exactly what a build checks (directives, options, ids, references, journey files they
read). Nothing is written next to the documents: the output goes to a temporary
directory. A document inside a Sphinx project (a ``conf.py`` in its folder or above)
is checked in its project, with the project's configuration and every page, so
references to other pages resolve; the problems reported are those in the documents
named and the files they read. Documents outside any project are read together as
one project, with the extension and, for Markdown, MyST.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.console import nocolor
from sphinx.util.docutils import docutils_namespace, patch_docutils

_WARNING = re.compile(
    r"^(?P<file>.+?)(?::(?P<line>\d+))?: (?:WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*?)(?: \[(?P<type>[\w.-]+)\])?$"
)


@dataclass(frozen=True)
class Finding:
    """One warning of the build: its file, line (0: the whole file), type (``cjm.ref``; ``docutils`` when untyped)."""

    path: Path
    line: int
    type: str
    message: str


def find_project(document: Path) -> Path | None:
    """The folder of the Sphinx project ``document`` belongs to: the nearest one above it with a ``conf.py``."""
    for folder in document.resolve().parents:
        if (folder / "conf.py").is_file():
            return folder
    return None


def check(documents: Iterable[Path], scale: tuple[float, float], max_bytes: int) -> list[Finding]:
    """Every problem a Sphinx build finds in ``documents`` and the journey files they read, in file and line order."""
    groups: dict[Path | None, list[Path]] = {}
    for document in documents:
        groups.setdefault(find_project(document), []).append(document.resolve())
    findings: list[Finding] = []
    for project, members in groups.items():
        findings += _build(project, members, scale, max_bytes)
    return sorted(set(findings), key=lambda f: (str(f.path), f.line, f.type, f.message))


def _build(project: Path | None, documents: list[Path], scale: tuple[float, float], max_bytes: int) -> list[Finding]:
    if project is None:
        srcdir = Path(os.path.commonpath([d.parent for d in documents]))
        names = [d.relative_to(srcdir).as_posix() for d in documents]
        overrides: dict[str, Any] = {
            "extensions": ["sphinx_cjm", *(["myst_parser"] if any(d.suffix == ".md" for d in documents) else [])],
            "include_patterns": names,
            "root_doc": os.path.splitext(names[0])[0],
            "cjm_emotion_scale": scale,
            "cjm_file_max_bytes": max_bytes,
            # Pages read alone are in no toctree; that is not the map's problem.
            "suppress_warnings": ["toc.not_included"],
        }
    else:
        srcdir, overrides = project, {}
    overrides["show_warning_types"] = True
    warnings = io.StringIO()
    nocolor()
    with (
        tempfile.TemporaryDirectory(prefix="sphinx-cjm-validate-") as scratch,
        patch_docutils(project or srcdir),
        docutils_namespace(),
    ):
        app = Sphinx(
            srcdir,
            project,
            Path(scratch, "out"),
            Path(scratch, "doctrees"),
            "dummy",
            confoverrides=overrides,
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build(force_all=True)
        docnames = {app.env.path2doc(str(d)) for d in documents}
        read = {
            Path(app.srcdir, dependency).resolve()
            for name in docnames
            if name
            for dependency in app.env.dependencies.get(name, ())
        }
    wanted = set(documents) | read
    return [f for f in parse_warnings(warnings.getvalue()) if f.path.resolve() in wanted]


def parse_warnings(text: str) -> list[Finding]:
    """The warnings of a Sphinx build's warning stream (continuation lines, such as a quoted directive, dropped)."""
    findings = []
    for record in text.splitlines():
        match = _WARNING.match(record)
        if match:
            path = Path(match["file"])
            findings.append(Finding(path, int(match["line"] or 0), match["type"] or "docutils", match["message"]))
    return findings
