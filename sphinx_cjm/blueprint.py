"""Service-blueprint lines in the journey table.

Where the table's rows pass from the customer's side to the company's, the table
draws the line between them (line of interaction, of visibility, of internal
interaction; which lanes lie where is ``model.LANE_ZONES``):

- in HTML the first row below the line carries ``cjm-blueprint-line`` and
  ``cjm-line-of-<line>``; cjm.css dashes its top border and shows the line's name
  (a ``data-label`` attribute) above the lane label. The table keeps one row per
  lane, as the contract promises to readers of the HTML.
- LaTeX, text and the other formats, which cannot style a row's border, get a
  separator row across the table naming the line (in LaTeX after a dashed rule).
  It is a ``row`` subclass, so every translator draws it as a row, and the HTML
  translators skip it.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.util.docutils import SphinxTranslator

from .i18n import Labels

DASHED_RULE_LATEX = (
    r"\noindent\hbox to \linewidth{\leaders\hbox to 6pt{\hss\vrule width 4pt height 0.8pt\hss}\hfill}\par"
)


class blueprint_line_row(nodes.row):
    """A row naming a blueprint line, for formats that cannot style a row's border."""


def skip_line_row(translator: SphinxTranslator, node: blueprint_line_row) -> None:
    raise nodes.SkipNode


def draw_line(row: nodes.row, line: str, columns: int, labels: Labels) -> list[nodes.row]:
    """Mark the lane ``row`` as the first below blueprint ``line``; returns the separator row to put before it."""
    label = labels.register(f"line-{line}")
    row["classes"] += ["cjm-blueprint-line", f"cjm-line-of-{line}"]
    stub = row.next_node(nodes.paragraph)
    assert stub is not None, "a lane row starts with its label"
    stub.insert(0, nodes.raw("", f'<span class="cjm-line-label" data-label="{escape(label)}"></span>', format="html"))
    entry = nodes.entry(
        "",
        nodes.raw("", DASHED_RULE_LATEX, format="latex"),
        nodes.paragraph("", "", nodes.emphasis(label, label)),
        morecols=columns - 1,
    )
    return [blueprint_line_row("", entry)]
