"""The journey table: stages as columns, lanes as rows, as a plain docutils table.

Placed in a post-transform, when every document has been read, so stages and
touchpoints written anywhere in the project join their journey. Links are left as
``pending_xref`` nodes for Sphinx's own resolver (which runs right after), so every
builder (LaTeX, text, ...) renders them its own way. The ``html`` and ``dirhtml``
builders make the table as they write the page (:mod:`sphinx_cjm.table_html`), from a
placeholder that holds the table's words for the search index.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform

from . import model
from .blueprint import draw_line
from .directives import items_body, xref
from .domain import builder_of, cjm_domain, warn
from .figure import curve_row, curve_texts, inline_curve, usable_palette
from .full_map import full_map_link, note_full_map_source, writes_full_maps
from .held import held
from .i18n import Labels, project_labels
from .kpis import conversion_cell_body, kpi_cell_body
from .latex_map import paper_tables
from .metrics import facts_source_lines
from .nodes import full_map_source, journey_table, persona_journeys, written_journey_table
from .numbers import format_number
from .registers import recommendation_link

EMPTY_MARK = "\u2014"
#: Builders whose translator makes the tables (:mod:`sphinx_cjm.table_html`). Single-page HTML and EPUB
#: rework a page's links and ids after it is resolved (Sphinx 8.1's ``fix_refuris``, EPUB's ``fix_ids``),
#: so their tables are made with the page; a single page gains nothing from ``-j`` either.
TABLES_TRANSLATED_BY = ("html", "dirhtml")


def cell(*children: nodes.Node) -> nodes.entry:
    """A table cell; an empty one shows a muted dash, so it does not look like a rendering bug."""
    if not children:
        children = (nodes.paragraph("", "", nodes.inline(EMPTY_MARK, EMPTY_MARK, classes=["cjm-empty"])),)
    return nodes.entry("", *children)


def lane_cell(stage: model.AssembledStage, lane: str, labels: Labels) -> nodes.entry:
    if lane == "touchpoints":
        links = [nodes.paragraph("", "", xref("touchpoint", t.id, t.title)) for t in stage.touchpoints]
        if len(links) > 1:
            return cell(
                nodes.bullet_list("", *(nodes.list_item("", p) for p in links), classes=["cjm-touchpoint-list"])
            )
        return cell(*links)
    if lane == "emotion":
        if stage.emotion is None:
            return cell()
        text = format_number(stage.emotion, labels.language)
        return cell(nodes.paragraph(text, text))
    if lane == "kpis":
        return cell(*kpi_cell_body(stage, labels))
    items = stage.lane_items(lane)
    if lane == "solutions" and stage.all_recommendations():
        # Recommendations addressing the stage or its touchpoints, as links to their descriptions.
        paragraphs = [nodes.paragraph(item, item) for item in items]
        paragraphs += [recommendation_link(r) for r in stage.all_recommendations()]
        return cell(nodes.bullet_list("", *(nodes.list_item("", p) for p in paragraphs)))
    return cell(*items_body(items)) if items else cell()


def build_table(assembled: model.AssembledJourney, labels: Labels, curve: nodes.row | None = None) -> nodes.container:
    """The table; ``curve`` is the curve's row (:func:`sphinx_cjm.figure.curve_row`), placed where ``:lanes:``
    has ``curve``, else last. Without it a ``curve`` lane is left out (the builder shows a figure instead)."""
    stages = assembled.stages
    conversions = model.conversions(stages)
    table = nodes.table(classes=["cjm-journey-table"])
    group = nodes.tgroup(cols=len(stages) + 1)
    table += group
    group += nodes.colspec(colwidth=14, stub=1)
    for _stage in stages:
        group += nodes.colspec(colwidth=20)
    stage_label = labels.field("stage")
    header = nodes.row("", cell(nodes.paragraph(stage_label, stage_label)))
    for stage in stages:
        header += cell(nodes.paragraph("", "", xref("stage", stage.stage.id, stage.stage.title)))
    group += nodes.thead("", header)
    body = nodes.tbody()
    lines = model.blueprint_lines(assembled.journey.lanes)
    for row_index, lane in enumerate(assembled.journey.lanes):
        if lane == "curve":
            body += [curve] if curve is not None else []
            continue
        label = labels.lane(lane)
        row = nodes.row("", cell(nodes.paragraph(label, label)), classes=[f"cjm-lane-{lane}"])
        if row_index in lines:
            body += draw_line(row, lines[row_index], len(stages) + 1, labels)
        for stage, conversion in zip(stages, conversions, strict=True):
            if lane == "conversion":
                row += cell(*conversion_cell_body(conversion, labels))
            else:
                row += lane_cell(stage, lane, labels)
        body += row
    if curve is not None and "curve" not in assembled.journey.lanes:
        body += curve
    group += body
    # The wrapper scrolls a wide table sideways while the lane column stays put (cjm.css).
    return nodes.container("", table, classes=["cjm-journey-table-wrapper"])


def shown_table(
    builder: Builder, fromdocname: str, assembled: model.AssembledJourney, labels: Labels, curve: bool
) -> list[nodes.Node]:
    """The table, with the curve as its row and the legend under it if ``curve``."""
    if not curve:
        return [build_table(assembled, labels)]
    row, legend = curve_row(builder, fromdocname, assembled, labels)
    return [build_table(assembled, labels, row), legend]


def table_text(config: Config, assembled: model.AssembledJourney, labels: Labels, curve: bool) -> str:
    """Every text :func:`shown_table` shows, the curve's included: the words the search index needs."""
    stages = assembled.stages
    texts = [labels.field("stage"), *(stage.stage.title for stage in stages)]
    lines = model.blueprint_lines(assembled.journey.lanes)
    for row_index, lane in enumerate(assembled.journey.lanes):
        if lane == "curve":
            continue
        texts.append(labels.lane(lane))
        if row_index in lines:
            texts.append(labels.register(f"line-{lines[row_index]}"))
        if lane in ("kpis", "conversion"):  # values with their verdicts: as the cells write them
            texts += [
                lane_cell_text(stage, lane, labels, conversion)
                for stage, conversion in zip(stages, model.conversions(stages), strict=True)
            ]
            continue
        for stage in stages:
            if lane == "touchpoints":
                cell_texts = [touchpoint.title for touchpoint in stage.touchpoints]
            elif lane == "emotion":
                cell_texts = [] if stage.emotion is None else [format_number(stage.emotion, labels.language)]
            else:
                cell_texts = stage.lane_items(lane)
                if lane == "solutions":
                    cell_texts += [recommendation.title for recommendation in stage.all_recommendations()]
            texts += cell_texts or [EMPTY_MARK]
    if curve:
        texts += curve_texts(config, assembled, labels)
    return " ".join(texts)


def lane_cell_text(stage: model.AssembledStage, lane: str, labels: Labels, conversion: model.Conversion) -> str:
    body = conversion_cell_body(conversion, labels) if lane == "conversion" else kpi_cell_body(stage, labels)
    return " ".join(element.astext() for element in body) or EMPTY_MARK


class ResolveJourneyPlaceholders(SphinxPostTransform):
    """Replace table and persona placeholders with content from the whole project."""

    # Before ReferencesResolver (10), so the links made here are resolved too (in HTML: those of the
    # persona cards; the translator runs the resolver on each table it makes).
    default_priority = 5

    def curve_on_table(self, node: journey_table, assembled: model.AssembledJourney) -> bool:
        """Whether the table shows the curve as a row: HTML with inline curves, unless a fragment's
        ``:lanes:`` leave out ``curve``."""
        if not node.get("curve") or not inline_curve(builder_of(self.env)):
            return False
        return not node.get("lanes") or "curve" in assembled.journey.lanes

    def journey_tables(
        self, placeholder: journey_table, assembled: model.AssembledJourney, labels: Labels
    ) -> list[nodes.Node]:
        """The journey's table; in HTML pages, a placeholder the translator makes it from; on paper, its LaTeX
        layout (:mod:`sphinx_cjm.latex_map`)."""
        builder = builder_of(self.env)
        if builder.name in TABLES_TRANSLATED_BY:
            return [self.written_table(placeholder, assembled, labels)]
        if builder.format == "latex":
            return paper_tables(placeholder, assembled, lambda journey: build_table(journey, labels), labels)
        return shown_table(builder, self.env.docname, assembled, labels, self.curve_on_table(placeholder, assembled))

    def written_table(
        self, placeholder: journey_table, assembled: model.AssembledJourney, labels: Labels
    ) -> written_journey_table:
        """The placeholder of a table the HTML translator makes (:mod:`sphinx_cjm.table_html`)."""
        curve = self.curve_on_table(placeholder, assembled)
        if curve:
            usable_palette(self.config, placeholder)  # a bad palette is reported once, not by each writing process
        node = written_journey_table(
            "",
            nodes.Text(table_text(self.config, assembled, labels, curve)),
            journey=assembled.journey.id,
            stages=placeholder.get("stages"),
            lanes=placeholder.get("lanes"),
            curve=curve,
            fromdocname=self.env.docname,
        )
        node.source, node.line = placeholder.source, placeholder.line
        return node

    def run(self, **kwargs: Any) -> None:
        domain = cjm_domain(self.env)
        for node in held(self.document, journey_table):
            assembled = domain.assembled(node["journey"])
            if assembled is None:
                warn(f"journey-table: unknown journey id {node['journey']!r}", "ref", node)
                node.replace_self([])
                continue
            assembled, unknown = model.fragment(assembled, node.get("stages"), node.get("lanes"))
            for stage_id in unknown:
                warn(f"journey-table: :stages: names {stage_id!r}, not a stage of {node['journey']!r}", "ref", node)
            if not assembled.stages:
                warn(f"journey {node['journey']!r} has no stages; its table is left out", "ref", node)
                node.replace_self([])
            else:
                labels = project_labels(self.env, assembled.journey.language)
                shown = self.journey_tables(node, assembled, labels)
                shown += facts_source_lines(assembled, domain)
                if node.get("full_map") and writes_full_maps(builder_of(self.env)):
                    text = labels.gettext("Open the full map")
                    link = full_map_link(builder_of(self.env), self.env.docname, assembled.journey.id, text)
                    shown = [link, full_map_source("", *shown, journey=assembled.journey.id)]
                    note_full_map_source(builder_of(self.env), assembled.journey.id)
                node.replace_self(shown)
        for listing in held(self.document, persona_journeys):
            journeys = [j for j in domain.objects("journey").values() if j.persona == listing["persona"]]
            if not journeys:
                listing.replace_self([])
                continue
            links = nodes.paragraph()
            for n, journey in enumerate(journeys):
                links += [nodes.Text(", ")] if n else []
                links += xref("journey", journey.id, journey.title)
            label = project_labels(self.env).field("journeys")
            listing.replace_self(
                nodes.field_list("", nodes.field("", nodes.field_name(label, label), nodes.field_body("", links)))
            )
