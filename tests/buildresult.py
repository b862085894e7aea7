"""What tests read of a Sphinx build (``make_app``): its warnings, the pages it wrote, its output files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any


def plain(text: str) -> str:
    """Sphinx's log without its colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def warning_lines(app: Any) -> list[str]:
    return [line for line in plain(app._warning.getvalue()).splitlines() if "WARNING" in line]


def warned(warnings: list[str], location: str, text: str, subtype: str) -> bool:
    """Whether a warning of type ``subtype`` (``cjm.ref``) at ``location`` (``path:line``) says ``text``."""
    return any(w.startswith(f"{location}: WARNING:") and text in w and w.endswith(f"[{subtype}]") for w in warnings)


def written_pages(status: str) -> set[str]:
    return set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", plain(status)))


def output_files(outdir: Path, source: Path | None = None) -> dict[str, bytes]:
    """Every file of the output by its path, with the path of ``source`` in it written ``SRC`` (builds in two places)."""
    files = {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(Path(outdir).rglob("*")) if p.is_file()}
    if source is not None:
        files = {name: data.replace(str(source).encode(), b"SRC") for name, data in files.items()}
    return files


def assert_same_files(actual: dict[str, bytes], expected: dict[str, bytes]) -> None:
    assert actual.keys() == expected.keys()
    for name in expected:
        assert actual[name] == expected[name], name


def parallel_outputs(make_app: Any, root: Path, tmp_path: Path, **kwargs: Any) -> dict[int, dict[str, bytes]]:
    """The output of a copy of ``root`` built with ``-j 1`` and with ``-j 2``, each in its own place.

    Four pages are added, since Sphinx reads in parallel only from six pages on; the ``-j 2``
    build must really read in chunks.
    """
    outputs = {}
    for jobs in (1, 2):
        source = tmp_path / f"src-{jobs}"
        shutil.copytree(root, source)
        for n in range(4):
            (source / f"extra-{n}.rst").write_text(f":orphan:\n\nExtra {n}\n=======\n", encoding="utf-8")
        app = make_app("html", srcdir=source, builddir=tmp_path / f"build-{jobs}", parallel=jobs, **kwargs)
        app.build()
        status = plain(app._status.getvalue())
        assert jobs == 1 or re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)  # in chunks
        outputs[jobs] = output_files(app.outdir, source)
        app.cleanup()
    return outputs
