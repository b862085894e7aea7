"""``.. funnel:: JOURNEY-ID``: the journey's stages as a conversion funnel (figure class ``cjm-funnel``).

Like the emotion curve (:mod:`sphinx_cjm.figure`): a placeholder, filled once every
page is read with plain data (each stage's reach, its share of the previous and the
first stage, in the journey's language); the file is named by a digest of all that
shapes it and drawn by the builder's translator when no file of that name exists
(SVG for HTML with bars linking to the stages, PDF for LaTeX); a text alternative
always. Matplotlib is imported only to draw.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from . import figure_cache, figure_files, model
from .directives import CJMDirective
from .domain import cjm_domain, warn
from .figure import depart_as_text, latex_visit_file, quoted, usable_palette, visit_as_text, visit_figure_file
from .held import held
from .i18n import Labels, project_labels
from .kpis import format_share
from .numbers import format_number

if TYPE_CHECKING:
    from sphinx.writers.latex import LaTeXTranslator

logger = logging.getLogger(__name__)

#: The modules whose code shapes a funnel's bytes.
DRAWING_CODE = ("funnel_draw.py",)
#: The figure's width, and the height of a stage's row, in inches (see :mod:`sphinx_cjm.funnel_draw`).
WIDTH, ROW, MARGIN = 6.4, 0.5, 0.35


def figure_size(stages: int) -> tuple[float, float]:
    return WIDTH, MARGIN + ROW * max(stages, 1)


class funnel_placeholder(nodes.General, nodes.Element):
    """Where a funnel goes; ``journey`` holds its id, ``width`` and ``alt`` the options."""


class funnel_figure(nodes.General, nodes.Element):
    """A funnel ready to draw, as plain data.

    ``bars`` (:func:`bars_of`), ``targets`` (stage id -> [docname, anchor]), ``alt``, ``width``;
    for builders that draw, ``file``, ``format`` and ``options``. Its child paragraph holds the alt text.
    """


class FunnelDirective(CJMDirective):
    kind = "funnel"
    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "width": directives.length_or_percentage_or_unitless,
        "alt": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        journey_id = self.arguments[0].strip()
        node = funnel_placeholder(journey=journey_id, **{name: self.options.get(name, "") for name in ("width", "alt")})
        self.set_source_info(node)
        self.domain.note_use(self.env.docname, "journey", journey_id)
        return [node]


def bars_of(journey: model.AssembledJourney, labels: Labels) -> list[dict[str, Any]]:
    """Each stage: id, title, reach, and the numbers written beside its bar (``450 · 45 %``)."""
    bars = []
    for stage, conversion in zip(journey.stages, model.conversions(journey.stages), strict=True):
        label = "\u2014"
        if conversion.reach is not None:
            label = format_number(conversion.reach, labels.language)
            if conversion.of_previous is not None:
                label += " \u00b7 " + format_share(conversion.of_previous, labels.language)
        bars.append({"id": stage.stage.id, "title": stage.stage.title, "reach": conversion.reach, "label": label})
    return bars


def describe(journey: model.AssembledJourney, labels: Labels) -> str:
    """The text alternative: every stage with its reach and its share of the previous and the first."""
    parts = []
    for stage, conversion in zip(journey.stages, model.conversions(journey.stages), strict=True):
        if conversion.reach is None:
            parts.append(f"{stage.stage.title}: \u2014")
            continue
        text = f"{stage.stage.title}: {format_number(conversion.reach, labels.language)}"
        if conversion.of_previous is not None and conversion.of_first is not None:
            previous = labels.register("of-previous") % format_share(conversion.of_previous, labels.language)
            first = labels.register("of-first") % format_share(conversion.of_first, labels.language)
            text += f" ({previous}, {first})"
        parts.append(text)
    title = labels.gettext("Conversion funnel of %s") % quoted(journey.journey.title, labels)
    return f"{title}: {'; '.join(parts)}."


class ResolveFunnels(SphinxPostTransform):
    """Replace funnel placeholders with the data of their journeys."""

    # Before ReferencesResolver (10), like the table's transform.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = cjm_domain(self.env)
        for node in held(self.document, funnel_placeholder):
            journey = domain.assembled(node["journey"])
            if journey is None:
                warn(f"funnel: unknown journey id {node['journey']!r}", "ref", node)
                node.replace_self([])
                continue
            if all(stage.stage.reach is None for stage in journey.stages):
                warn(
                    f"funnel: no stage of journey {node['journey']!r} has a :reach:; the funnel is left out",
                    "ref",
                    node,
                )
                node.replace_self([])
                continue
            labels = project_labels(self.env, journey.journey.language)
            alt = node["alt"] or describe(journey, labels)
            figure = funnel_figure(
                "",
                nodes.paragraph(alt, alt),
                bars=bars_of(journey, labels),
                targets={s.stage.id: list(domain.anchor(s.stage)) for s in journey.stages},
                alt=alt,
                width=node["width"],
                classes=["cjm-funnel"],
            )
            figure.source, figure.line = node.source, node.line
            node.replace_self(figure)


# --- files -----------------------------------------------------------------------------------


def name_funnel_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Name the funnels of a page about to be written, beside its curves (``doctree-resolved``, after the curves')."""
    figure_files.note_page_files(app, doctree, docname, funnel_figure, funnel_placeholder, name_file)


def name_file(builder: Builder, node: funnel_figure) -> str:
    palette = usable_palette(builder.config, node)
    if isinstance(palette, list | tuple):
        palette = {"lines": list(palette)}
    size = list(figure_size(len(node["bars"])))
    return figure_files.name_file(builder, node, "funnel", node["bars"], DRAWING_CODE, palette=palette, size=size)


def draw(builder: Builder, node: funnel_figure, directory: Path) -> str:
    """The node's file in ``directory``: left alone if there, else from the figure cache or drawn."""

    def draw_funnel() -> bytes:
        from .funnel_draw import draw_funnel  # matplotlib is slow to import: only drawing needs it

        options = node["options"]
        logger.verbose("cjm: drawing funnel %s", node["file"])
        return draw_funnel(
            node["bars"],
            node["format"],
            size=tuple(options["size"]),
            links=options["links"],
            palette=options["palette"],
        )

    figure_cache.figure_file(builder, directory, node["file"], node["fingerprint"], draw_funnel)
    return node["file"]


def html_visit(self: HTML5Translator, node: funnel_figure) -> None:
    name = draw(self.builder, node, Path(self.builder.outdir, self.builder.imagedir))
    visit_figure_file(self, node, name, figure_size(len(node["bars"])))


def latex_visit(self: LaTeXTranslator, node: funnel_figure) -> None:
    name = draw(self.builder, node, Path(self.builder.outdir, self.builder.imagedir))
    latex_visit_file(self, name, self.latex_image_length(node["width"]) if node["width"] else None)


def add_funnel_node(app: Sphinx) -> None:
    """Register the funnel node: drawn in HTML and LaTeX, its alt text elsewhere."""
    app.add_node(
        funnel_figure,
        html=(html_visit, None),
        latex=(latex_visit, None),
        text=(visit_as_text, depart_as_text),
        man=(visit_as_text, depart_as_text),
        texinfo=(visit_as_text, depart_as_text),
    )
