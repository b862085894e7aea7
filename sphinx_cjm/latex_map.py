"""The journey table on paper: a LaTeX longtable that loses nothing.

Sphinx's own table machinery does the work: the table gets the class ``longtable``
(it breaks between rows and repeats its stage header on every page), a
``tabularcolumns`` spec (column widths from the stage count, compact ragged cells:
``\\cjmcell`` in :mod:`sphinx_cjm.latex_styles`) and the journey's title as caption.
It is ruled around every cell, as in HTML (Sphinx's ``standard`` style, no row colours).
A map of more than :data:`MAX_PORTRAIT_STAGES` stages goes on landscape pages
(``pdflscape``), its curve with it; one of more than :data:`MAX_STAGES_PER_PAGE`
stages is split into several tables of consecutive stages, each with the lane column and
a caption saying which stages it holds ("Renovating a flat — stages 1–5 of 9").

What still cannot fit, a row taller than a page, is a ``cjm.latex`` warning at the
stage's file and line (LaTeX itself would only write ``Overfull \\vbox`` to its log
and cut the row at the page's foot).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable

from docutils import nodes
from sphinx import addnodes

from . import model
from .domain import record_location, warn
from .i18n import Labels
from .nodes import emotion_curve_placeholder

#: Up to this many stages a map stays on portrait pages.
MAX_PORTRAIT_STAGES = 4
#: A landscape A4 or Letter page holds the lane column and this many stages of ~3 cm.
MAX_STAGES_PER_PAGE = 7

#: Room for one row, in points, with Sphinx's default 1 in margins on A4 or Letter, less the
#: caption and the repeated stage header: a landscape page's height, a portrait page's.
ROW_ROOM = {"landscape": 400.0, "portrait": 580.0}
#: Text width of those pages, in points.
TEXT_WIDTH = {"landscape": 640.0, "portrait": 450.0}
#: ``\\cjmcell`` text (8 pt): an average glyph's width and a line's height, generously.
GLYPH_WIDTH = 4.6
LINE_HEIGHT = 9.5
#: Space between two items of a cell and the cell's padding.
ITEM_GAP = 2.0
CELL_PADDING = 8.0

LANDSCAPE_BEGIN = "\\begin{landscape}\n"
LANDSCAPE_END = "\\end{landscape}\n"


def stage_groups(stages: list[model.AssembledStage]) -> list[list[model.AssembledStage]]:
    """Consecutive stages, at most :data:`MAX_STAGES_PER_PAGE` a table, the tables' sizes at most one apart.

    So no table is left with a stage or two (43 stages: 7 + 6 × 6, not 6 × 7 + 1).
    """
    count = math.ceil(len(stages) / MAX_STAGES_PER_PAGE)
    size, larger = divmod(len(stages), count)
    bounds = [n * size + min(n, larger) for n in range(count + 1)]
    return [stages[start:end] for start, end in itertools.pairwise(bounds)]


def column_widths(table: nodes.table, stage_columns: int) -> list[float]:
    """Each column's share of the text width, in a table of ``stage_columns`` stages.

    Split maps are measured against their largest table, so all their stage columns are one width.
    """
    widths = [colspec["colwidth"] for colspec in table.findall(nodes.colspec)]
    total = widths[0] + widths[-1] * stage_columns
    return [width / total for width in widths]


def column_spec(table: nodes.table, stage_columns: int) -> addnodes.tabular_col_spec:
    """``tabularcolumns`` of the columns' widths, each cell compact (``\\cjmcell``), ruled between stages."""
    columns = (f">{{\\cjmcell}}\\Y{{{share:.4f}}}" for share in column_widths(table, stage_columns))
    return addnodes.tabular_col_spec(spec="|" + "|".join(columns) + "|")


def estimated_height(entry: nodes.Element, width: float) -> float:
    """How tall a cell's text sets in ``width`` points, erring on the tall side."""
    paragraphs = [p.astext() for p in entry.findall(nodes.paragraph)] or [entry.astext()]
    per_line = max(1, int(width / GLYPH_WIDTH))
    lines = sum(max(1, math.ceil(len(text) / per_line)) for text in paragraphs)
    return CELL_PADDING + lines * LINE_HEIGHT + (len(paragraphs) - 1) * ITEM_GAP


def warn_rows_too_tall(
    table: nodes.table, group: list[model.AssembledStage], stage_columns: int, journey_id: str, page: str
) -> None:
    """A ``cjm.latex`` warning for each row that no page can hold, at the tallest cell's stage."""
    stage_width = TEXT_WIDTH[page] * column_widths(table, stage_columns)[-1]
    for row in table.findall(nodes.row):
        if isinstance(row.parent, nodes.thead) or len(row) != len(group) + 1:
            continue  # the header, a blueprint line
        cells = [entry for entry in row.children[1:] if isinstance(entry, nodes.entry)]
        heights = [estimated_height(entry, stage_width) for entry in cells]
        tallest = max(range(len(heights)), key=heights.__getitem__)
        if heights[tallest] > ROW_ROOM[page]:
            warn(
                f"journey {journey_id!r}: the row {row[0].astext()!r} of stage "
                f"{group[tallest].stage.title!r} is taller than a {page} PDF page and would be cut there; "
                "split or shorten its items",
                "latex",
                record_location(group[tallest].stage),
            )


def part_caption(title: str, first: int, last: int, count: int, labels: Labels) -> str:
    """The caption of one of a split map's tables: the journey's title and the stages it holds (1-based)."""
    message = labels.gettext("%(journey)s — stages %(first)d–%(last)d of %(count)d")
    return message % {"journey": title, "first": first, "last": last, "count": count}


def paper_tables(
    placeholder: nodes.Element,
    assembled: model.AssembledJourney,
    build_table: Callable[[model.AssembledJourney], nodes.container],
    labels: Labels,
) -> list[nodes.Node]:
    """The journey's table(s) for LaTeX, in place of ``placeholder``; ``build_table`` makes one table."""
    groups = stage_groups(assembled.stages)
    landscape = len(assembled.stages) > MAX_PORTRAIT_STAGES
    page = "landscape" if landscape else "portrait"
    result: list[nodes.Node] = []
    first = 1
    for group in groups:
        wrapper = build_table(dataclasses.replace(assembled, stages=group))
        table = next(iter(wrapper.findall(nodes.table)))
        # Ruled like the HTML table, every cell framed: Sphinx's "standard" style, as booktabs
        # (the default) breaks the vertical rules at its rules' padding; no row colours, as
        # viewers paint a row's colour over the hairlines beside it.
        table["classes"] += ["longtable", "standard", "nocolorrows"]
        caption = assembled.journey.title
        if len(groups) > 1:
            caption = part_caption(caption, first, first + len(group) - 1, len(assembled.stages), labels)
        first += len(group)
        table.insert(0, nodes.title(caption, caption))
        table.parent.insert(table.parent.index(table), column_spec(table, len(groups[0])))
        warn_rows_too_tall(table, group, len(groups[0]), assembled.journey.id, page)
        result.append(wrapper)
    if landscape:
        result.insert(0, nodes.raw("", LANDSCAPE_BEGIN, format="latex"))
        # The journey's curve follows its table onto the landscape pages.
        after = placeholder.next_node(descend=False, siblings=True)
        if isinstance(after, emotion_curve_placeholder) and after["journeys"] == [assembled.journey.id]:
            after.parent.insert(after.parent.index(after) + 1, nodes.raw("", LANDSCAPE_END, format="latex"))
        else:
            result.append(nodes.raw("", LANDSCAPE_END, format="latex"))
    return result
