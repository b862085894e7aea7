"""The ``priority-matrix`` figure in Sphinx, made like the emotion curve (:mod:`sphinx_cjm.figure`).

The directive leaves a placeholder; a post-transform fills in the recommendations
(plain data); once the page is resolved its file is named by a digest of all that
shapes it, and each builder's translator draws the file (with :mod:`sphinx_cjm.matrix`)
only if no file of that name exists yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.writers.html5 import HTML5Translator

from . import figure, figure_cache, figure_files
from .domain import CJMDomain, cjm_domain
from .held import held
from .i18n import QUADRANT_LABELS, Labels, project_labels
from .recommendations import Register
from .registers import RegisterDirective, ResolveRegisters

if TYPE_CHECKING:
    from sphinx.writers.latex import LaTeXTranslator
    from sphinx.writers.texinfo import TexinfoTranslator

#: The modules whose code shapes a matrix's bytes.
DRAWING_CODE = ("matrix.py", "curve.py")


class priority_matrix_placeholder(nodes.General, nodes.Element):
    """Where a priority matrix goes; ``journeys`` as given."""


class priority_matrix(nodes.General, nodes.Element):
    """A matrix ready to draw: ``points`` (plain data), ``targets`` (id -> docname and anchor), ``alt``; then ``file``,
    ``format`` and ``options`` for builders that draw. Its child paragraph is the text alternative."""


class PriorityMatrixDirective(RegisterDirective):
    """``.. priority-matrix::`` impact against effort, every recommendation a linked point."""

    placeholder = priority_matrix_placeholder
    option_spec: ClassVar[dict[str, Any]] = {"journey": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        return self.make_placeholder()


def matrix_points(domain: CJMDomain, journey_ids: list[str] | None, labels: Labels) -> list[dict[str, Any]]:
    """The scored recommendations, best score first, numbered in that order."""
    register = Register(domain, {}, labels)
    chosen = [
        r
        for r in domain.written("recommendation")
        if r.impact is not None
        and r.effort is not None
        and (journey_ids is None or register.journeys(r) & set(journey_ids))
    ]
    chosen.sort(key=register.sort_key("score"))
    return [
        {"id": r.id, "title": r.title, "impact": r.impact, "effort": r.effort, "priority": r.priority, "number": n}
        for n, r in enumerate(chosen, start=1)
    ]


def describe(points: list[dict[str, Any]], labels: Labels) -> str:
    """The text alternative: how many, and which fall in each quadrant."""
    from .matrix import quadrant  # cheap: matplotlib itself is imported by sphinx_cjm.matrix only to draw

    parts = [labels.register("matrix-alt") % {"count": len(points)}]
    for key, label in QUADRANT_LABELS.items():
        titles = [f"{p['number']} {p['title']}" for p in points if quadrant(p["impact"], p["effort"]) == key]
        if titles:
            parts.append(f"{labels.gettext(label)}: {'; '.join(titles)}.")
    return " ".join(parts)


class ResolvePriorityMatrices(ResolveRegisters):
    """Replace matrix placeholders with the scored recommendations of the whole project."""

    def run(self, **kwargs: Any) -> None:
        domain = cjm_domain(self.env)
        for node in held(self.document, priority_matrix_placeholder):
            journey_ids = self.chosen_journeys(domain, node)
            labels = self.shared_labels(domain, journey_ids)
            points = matrix_points(domain, journey_ids, labels)
            if not points:
                self.replace(node, "cjm-priority-matrix", [], labels.register("no-recommendations"))
                continue
            alt = describe(points, labels)
            ids = {p["id"] for p in points}
            matrix = priority_matrix(
                "",
                nodes.paragraph(alt, alt),
                points=points,
                targets={r.id: list(domain.anchor(r)) for r in domain.written("recommendation") if r.id in ids},
                alt=alt,
                language=labels.language,
                classes=["cjm-priority-matrix"],
            )
            matrix.source, matrix.line = node.source, node.line
            node.replace_self(matrix)


def messages(labels: Labels) -> dict[str, str]:
    from .matrix import QUADRANT_KEYS

    words = {QUADRANT_KEYS[quadrant]: labels.gettext(label) for quadrant, label in QUADRANT_LABELS.items()}
    return {**words, "impact": labels.field("impact"), "effort": labels.field("effort")}


def name_matrix_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Name the matrices of a page about to be written and note their files (``doctree-resolved``)."""
    figure_files.note_page_files(app, doctree, docname, priority_matrix, priority_matrix_placeholder, name_file)


def name_file(builder: Builder, node: priority_matrix) -> str:
    words = messages(project_labels(builder.env, node["language"]))
    return figure_files.name_file(builder, node, "matrix", node["points"], DRAWING_CODE, messages=words)


def draw(node: priority_matrix, directory: Path, builder: Builder) -> str:
    """The node's file in ``directory``: left alone if there, else copied from the figure cache or drawn."""

    def draw_matrix() -> bytes:
        from . import matrix  # matplotlib is slow to import: only drawing needs it

        return matrix.draw_matrix(node["points"], node["format"], **node["options"])

    figure_cache.figure_file(builder, directory, node["file"], node["fingerprint"], draw_matrix)
    return node["file"]


def html_visit(self: HTML5Translator, node: priority_matrix) -> None:
    from .matrix import figure_size

    name = draw(node, Path(self.builder.outdir, self.builder.imagedir), self.builder)
    figure.visit_figure_file(self, node, name, figure_size(node["points"]))


def latex_visit(self: LaTeXTranslator, node: priority_matrix) -> None:
    name = draw(node, Path(self.builder.outdir, self.builder.imagedir), self.builder)
    figure.latex_visit_file(self, name, "\\linewidth")


def texinfo_visit(self: TexinfoTranslator, node: priority_matrix) -> None:
    figure.texinfo_visit_file(self, node, draw)


def add_matrix_node(app: Sphinx) -> None:
    """Register the matrix node with its visitors: drawn where images are shown, its alt text elsewhere."""
    app.add_node(
        priority_matrix,
        html=(html_visit, None),
        latex=(latex_visit, None),
        texinfo=(texinfo_visit, None),
        text=(figure.visit_as_text, figure.depart_as_text),
        man=(figure.visit_as_text, figure.depart_as_text),
    )
