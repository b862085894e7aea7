"""The emotion curve as inline SVG for HTML pages, from :mod:`sphinx_cjm.curve_geometry` (no matplotlib).

Each stage gets an SVG of its own, as wide as its column (a table cell, or a column of
the standalone figure's grid): points and labels sit at percentages of that width with
fixed pixel offsets, and the line is drawn in a layer stretched to the column
(``preserveAspectRatio="none"`` with strokes that do not scale), so the columns may take
any width. Colours are CSS variables and ``currentColor`` (``cjm.css``), so the curve
follows the theme's light or dark mode; text stays text. User text is escaped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from .curve_data import signed
from .curve_geometry import LINE_HEIGHT, Label, Layout, Mark, Piece

#: One font size of the layout, in CSS pixels (the labels' size: at least 11 px for legibility).
FONT = 12.0

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: str) -> str:
    """User text for SVG or HTML: escaped, without the control characters XML forbids."""
    return html.escape(_CONTROL.sub("", value), quote=True)


def px(value: float) -> str:
    return f"{round(value * FONT, 2):g}"


def pct(fraction: float) -> str:
    return f"{round(fraction * 100, 3):g}%"


def num(value: float) -> str:
    return f"{round(value, 4):g}"


def point_title(mark: Mark, language: str | None) -> str:
    where = mark.stage if mark.is_stage else mark.title
    return f"{where}: {signed(mark.value, language)}"


def marker(mark: Mark) -> str:
    """The point's shape, centred on its place: a nested SVG at a percentage holds a shape in pixels."""
    r = mark.radius * FONT
    if mark.is_stage:
        shape = f'<path class="cjm-curve-stage-mark" d="M0,{-r:g}L{r:g},0L0,{r:g}L{-r:g},0Z"/>'
    elif mark.unsupported:
        shape = f'<circle class="cjm-curve-hollow-mark" r="{r:g}"/>'
    else:
        shape = f'<circle class="cjm-curve-mark" r="{r:g}"/>'
    if mark.pain:
        shape += f'<circle class="cjm-curve-pain-mark" r="{round(0.8 * FONT, 2):g}"/>'
    return f'<svg x="{pct(mark.fraction)}" y="{px(mark.y)}" overflow="visible">{shape}</svg>'


def label_text(label: Label) -> str:
    x = pct(label.box.fraction)
    dx = px(label.dx)
    # The first baseline sits about one ascent (0.9 font size) below the box's top.
    # Lines apart by a newline (a space once rendered), so a search index reads them as separate words.
    lines = "\n".join(
        f'<tspan x="{x}" dx="{dx}" y="{px(label.box.top + 0.92 + n * LINE_HEIGHT)}">{text(line)}</tspan>'
        for n, line in enumerate(label.lines)
    )
    parts = [f'<text class="cjm-curve-label" text-anchor="{label.anchor}">{lines}</text>']
    if label.leader:
        mark = label.mark
        below = label.box.top > mark.y
        y_end = label.box.top if below else label.box.bottom
        y_mark = mark.y + (mark.outer_radius if below else -mark.outer_radius)
        parts.insert(
            0,
            f'<line class="cjm-curve-leader" x1="{x}" y1="{px(y_end)}" x2="{pct(mark.fraction)}" y2="{px(y_mark)}"/>',
        )
    return "\n".join(parts)


def lines_layer(layout: Layout, pieces: Sequence[Piece], tinted: bool) -> str:
    """Grid, zero line, the tinted area and the line pieces, in a layer stretched to the column's width."""
    height = layout.height * FONT
    top = layout.top * FONT
    out = [
        f'<svg class="cjm-curve-layer" width="100%" height="{height:g}" viewBox="0 {-top:g} 1 {height:g}" '
        'preserveAspectRatio="none" overflow="visible">'
    ]
    for _value, y in layout.ticks:
        kind = "cjm-curve-zero" if abs(y - layout.baseline) < 1e-9 else "cjm-curve-grid"
        out.append(f'<line class="{kind}" x1="0" x2="1" y1="{px(y)}" y2="{px(y)}"/>')
    base = layout.baseline
    if tinted:
        for piece in pieces:
            if piece.gap:
                continue
            for start, y0, end, y1 in split_at(piece, base):
                side = "positive" if min(y0, y1) < base else "negative"
                points = f"{num(start)},{px(base)} {num(start)},{px(y0)} {num(end)},{px(y1)} {num(end)},{px(base)}"
                out.append(f'<polygon class="cjm-curve-{side}" points="{points}"/>')
    for piece in pieces:
        kind = "cjm-curve-gap" if piece.gap else "cjm-curve-line"
        out.append(
            f'<line class="{kind} cjm-curve-j{piece.journey % 6}" x1="{num(piece.start)}" y1="{px(piece.y0)}" '
            f'x2="{num(piece.end)}" y2="{px(piece.y1)}"/>'
        )
    out.append("</svg>")
    return "".join(out)


def split_at(piece: Piece, base: float) -> list[tuple[float, float, float, float]]:
    """The piece as one or two spans, cut where it crosses the baseline (each span on one side)."""
    d0, d1 = piece.y0 - base, piece.y1 - base
    if d0 * d1 >= 0:
        return [(piece.start, piece.y0, piece.end, piece.y1)]
    cross = piece.start + (piece.end - piece.start) * d0 / (d0 - d1)
    return [(piece.start, piece.y0, cross, base), (cross, base, piece.end, piece.y1)]


def stage_svg(
    layout: Layout, column: int, hrefs: Mapping[str, str], style: str = "", language: str | None = None
) -> str:
    """The SVG of one stage's column: its share of the line, its points and their labels (values in ``language``)."""
    marks, pieces, labels = layout.in_column(column)
    height = layout.height * FONT
    extra_style = f"; {style}" if style else ""
    out = [
        f'<svg class="cjm-curve-stage" width="100%" height="{height:g}" '
        f'style="min-width: {px(layout.min_widths[column])}px{extra_style}">',
        lines_layer(layout, pieces, tinted=len(layout.titles) == 1),
        f'<g transform="translate(0 {layout.top * FONT:g})">',
    ]
    label_of = {id(lb.mark): lb for lb in labels}
    for mark in marks:
        label = label_of.get(id(mark))
        inner = f"<title>{text(point_title(mark, language))}</title>\n{marker(mark)}"
        if label:
            inner += "\n" + label_text(label)
        href = hrefs.get(mark.id)
        group = f'<g class="cjm-curve-point cjm-curve-j{mark.journey % 6}">'
        if href:
            out.append(f'{group}<a href="{text(href)}">{inner}</a></g>')
        else:
            out.append(f"{group}{inner}</g>")
    out.append("</g></svg>")
    return "\n".join(out)


def scale_svg(layout: Layout, language: str | None = None) -> str:
    """The emotion scale, right-aligned in its column (the table's lane column, or the figure's first).

    Its numbers are written in ``language`` (Russian ``−3,5``), like every other number of the map.
    """
    height = layout.height * FONT
    out = [
        f'<svg class="cjm-curve-scale" width="100%" height="{height:g}" aria-hidden="true">',
        f'<g transform="translate(0 {layout.top * FONT:g})">',
    ]
    for value, y in layout.ticks:
        out.append(
            f'<text x="100%" dx="-6" y="{px(y)}" dy="0.35em" text-anchor="end">{text(signed(value, language))}</text>'
        )
    out.append("</g></svg>")
    return "\n".join(out)


#: A small drawing of each kind of mark or line, for the legend (24 × 16 px).
_KEYS = {
    "touchpoint": '<circle class="cjm-curve-mark" cx="12" cy="8" r="5"/>',
    "unsupported": '<circle class="cjm-curve-hollow-mark" cx="12" cy="8" r="5"/>',
    "stage": '<path class="cjm-curve-stage-mark" d="M12,2L18,8L12,14L6,8Z"/>',
    "pain": '<circle class="cjm-curve-mark" cx="12" cy="8" r="5"/><circle class="cjm-curve-pain-mark" cx="12" cy="8" r="7.5"/>',
    "gap": '<line class="cjm-curve-gap" x1="0" y1="8" x2="24" y2="8"/>',
}


def legend(layout: Layout, messages: Mapping[str, str], style: str = "") -> str:
    """Every mark and line style the curve uses, named; overlaid journeys by title and colour."""
    entries = []
    if len(layout.titles) > 1:
        for n, title in enumerate(layout.titles):
            entries.append(
                (
                    f'<g class="cjm-curve-j{n % 6}"><line class="cjm-curve-line" x1="0" y1="8" x2="24" y2="8"/>'
                    '<circle class="cjm-curve-mark" cx="12" cy="8" r="4"/></g>',
                    title,
                )
            )
    for kind in layout.used():
        if len(layout.titles) > 1 and kind == "touchpoint":
            continue  # the journeys' own entries show it
        entries.append((f'<g class="cjm-curve-j0">{_KEYS[kind]}</g>', messages[kind]))
    if not entries:
        return ""
    items = "".join(
        f'<li><svg width="24" height="16" aria-hidden="true">{key}</svg> {text(name)}</li>' for key, name in entries
    )
    style_attribute = f' style="{style}"' if style else ""
    return f'<ul class="cjm-curve-legend"{style_attribute}>{items}</ul>'


def figure(
    layout: Layout,
    hrefs: Mapping[str, str],
    stage_titles: Sequence[str],
    *,
    alt: str,
    title: str,
    messages: Mapping[str, str],
    attributes: str,
    style: str = "",
    language: str | None = None,
) -> str:
    """The standalone figure: the scale and one column per stage in a grid, stage titles under them, the legend."""
    columns = layout.columns
    cells = [f'<div class="cjm-curve-axis">{scale_svg(layout, language)}</div>']
    cells += [
        f'<div class="cjm-curve-column">{stage_svg(layout, c, hrefs, style, language)}</div>' for c in range(columns)
    ]
    cells.append("<div></div>")
    cells += [f'<div class="cjm-curve-stage-title">{text(t)}</div>' for t in stage_titles]
    if not layout.marks:
        cells.append(f'<div class="cjm-curve-empty">{text(messages["empty"])}</div>')
    caption = f'<figcaption class="cjm-curve-title">{text(title)}</figcaption>' if title else ""
    return (
        f"<figure {attributes}>{caption}"
        f'<div class="cjm-curve-scroll"><div class="cjm-curve-grid" '
        f'style="grid-template-columns: max-content repeat({columns}, minmax(min-content, 1fr))">'
        f"{''.join(cells)}</div></div>{legend(layout, messages, style)}"
        f'<p class="cjm-visually-hidden">{text(alt)}</p></figure>\n'
    )
