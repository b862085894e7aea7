"""Where every mark, line piece and label of an emotion curve goes, in plain Python (no matplotlib, no numpy).

The curve is laid out stage by stage: each stage is a column of its own width, its
points at fixed fractions of that width, the line cut at the columns' edges at the
value it has there. So a browser can give the columns any width (the inline SVG of
:mod:`sphinx_cjm.curve_svg`, one per table cell) and matplotlib can give them equal
ones (:mod:`sphinx_cjm.curve`): the same layout serves both.

Labels are placed for the narrowest width a column may take (``min_width``). A label
sits at a fixed offset from its point, and its point at a fixed fraction of the column,
so as the column widens points move apart and never closer: two labels (or a label and
a marker) that are apart at the narrowest width are apart at every width, provided the
one belonging to the point further left stays on the left (checked in :func:`apart`).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .curve_data import DEFAULT_SCALE, curve_points
from .curve_data import figure_size as default_figure_size

#: Marker radii and the gap between a marker and its label, in units of the label font size.
MARKER_RADIUS = 0.42
STAGE_RADIUS = 0.5
PAIN_RADIUS = 0.8
GAP = 0.35
LINE_HEIGHT = 1.25
#: Narrowest a column may be, in font sizes: room for two or three words a line.
MIN_COLUMN = 12.5
#: Extra width a column gets for each labelled point beyond the first.
COLUMN_PER_POINT = 2.0
MAX_COLUMN = 16.0
#: A label line is at most this wide, in font sizes, however wide the column.
MAX_LABEL = 11.0

# Widths of characters in font sizes, on the wide side of common sans-serif fonts (DejaVu Sans),
# so a label measured here takes no more room in the browser than it was given.
_NARROW = set("ijlI.,:;'!|()[]{}ftr -ї1")
_WIDE = set("mwMWжшщюфыЖШЩЮФЫ@%—")


def text_width(text: str) -> float:
    """The width of ``text`` in font sizes (an estimate from character classes)."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 0.42
        elif char in _WIDE:
            width += 0.98
        elif char.isupper() or char.isdigit():
            width += 0.76
        else:
            width += 0.64
    return width


#: A word's pieces a line may break after: "long-term" -> "long-", "term" (a leading minus stays).
_HYPHENATED = re.compile(r"[^-]+-+(?=[^-])|.+")


def wrap_label(text: str, width: float) -> list[str] | None:
    """``text`` in lines of at most ``width`` font sizes, or None if a word is wider."""
    lines = _wrapped(text, width)
    return list(lines) if lines else None


@functools.lru_cache(maxsize=8192)
def _wrapped(text: str, width: float) -> tuple[str, ...]:
    """Greedy wrapping by measured width (a label is tried at several widths, and laid out for page and full map)."""
    lines: list[str] = []
    line, line_width = "", 0.0
    for word in text.split():
        for n, piece in enumerate(_HYPHENATED.findall(word)):
            piece_width = text_width(piece)
            if piece_width > width:
                return ()
            gap = "" if n > 0 or not line else " "  # a word's pieces join without a space
            if line and line_width + text_width(gap) + piece_width > width:
                lines.append(line)
                line, line_width = piece, piece_width
            else:
                line += gap + piece
                line_width += text_width(gap) + piece_width
    return (*lines, line) if line else ()


@dataclass(frozen=True)
class Box:
    """A rectangle in a column: horizontally ``fraction × width + left .. right``; vertically ``top .. bottom``."""

    fraction: float
    left: float
    right: float
    top: float
    bottom: float

    def at(self, width: float) -> tuple[float, float]:
        return self.fraction * width + self.left, self.fraction * width + self.right


def apart(a: Box, b: Box, width: float, margin: float) -> bool:
    """Whether ``a`` and ``b`` stay apart in a column of ``width`` and in every wider one."""
    if a.bottom + margin <= b.top or b.bottom + margin <= a.top:
        return True
    if a.fraction > b.fraction:
        a, b = b, a
    # Only the box of the point further left may be on the left: its lead grows as the column widens.
    if a.fraction < b.fraction:
        return a.at(width)[1] + margin <= b.at(width)[0]
    return a.right + margin <= b.left or b.right + margin <= a.left


def inside(box: Box, width: float, margin: float) -> bool:
    """Whether ``box`` stays inside the column at ``width`` and every wider one."""
    left, right = box.at(width)
    return left >= margin and right <= width - margin


@dataclass
class Mark:
    """A point: ``journey`` index, ``column``, ``fraction`` of the column, ``y`` from the plot's top."""

    journey: int
    column: int
    fraction: float
    y: float
    value: float
    id: str
    title: str
    stage: str
    is_stage: bool
    pain: bool
    unsupported: bool = False  # no research evidence backs it: drawn hollow

    @property
    def radius(self) -> float:
        return STAGE_RADIUS if self.is_stage else MARKER_RADIUS

    @property
    def outer_radius(self) -> float:
        return max(self.radius, PAIN_RADIUS if self.pain else 0)


@dataclass
class Label:
    """A point's title: its lines, where the text is anchored and the box it takes."""

    mark: Mark
    lines: list[str]
    anchor: str  # start, middle or end: where the text hangs from its x
    dx: float  # the text's x: the box's fraction of the column plus this (font sizes)
    box: Box
    leader: bool  # drawn away from its point: a thin line joins them


@dataclass
class Piece:
    """A straight piece of one journey's line inside one column, from fraction ``start`` to ``end``.

    ``gap``: the line crosses a stage without any emotion here (drawn dashed).
    """

    journey: int
    column: int
    start: float
    y0: float
    end: float
    y1: float
    gap: bool


@dataclass
class Layout:
    """A whole curve; lengths are in font sizes, ``y`` grows downwards from the plot area's top."""

    columns: int
    min_widths: list[float]
    plot_height: float
    top: float  # room above the plot area (labels above the highest points)
    bottom: float  # room below it
    scale: tuple[float, float]
    baseline: float
    ticks: list[tuple[float, float]]  # (value, y)
    marks: list[Mark] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.top + self.plot_height + self.bottom

    def used(self) -> list[str]:
        """The kinds of mark and line the curve shows, for its legend (in a fixed order)."""
        kinds = []
        if any(not m.is_stage and not m.unsupported for m in self.marks):
            kinds.append("touchpoint")
        if any(m.unsupported for m in self.marks):
            kinds.append("unsupported")
        if any(m.is_stage for m in self.marks):
            kinds.append("stage")
        if any(m.pain for m in self.marks):
            kinds.append("pain")
        if any(p.gap for p in self.pieces):
            kinds.append("gap")
        return kinds

    def in_column(self, column: int) -> tuple[list[Mark], list[Piece], list[Label]]:
        return (
            [m for m in self.marks if m.column == column],
            [p for p in self.pieces if p.column == column],
            [lb for lb in self.labels if lb.mark.column == column],
        )


def emotion_ticks(low: float, high: float) -> list[float]:
    if high - low <= 10:
        return [float(v) for v in range(math.ceil(low), math.floor(high) + 1)]
    step = (high - low) / 4
    return [low + step * i for i in range(5)]


def layout(
    plotted: Sequence[Mapping[str, Any]],
    scale: Sequence[float] = DEFAULT_SCALE,
    *,
    plot_height: float = 13.0,
    labelled: bool | None = None,
    column_width: float | None = None,
) -> Layout:
    """Lay out the curve of one journey, or several overlaid (stages matched by position).

    ``plot_height`` is the height between the scale's ends, in font sizes; ``labelled``
    (default: a single journey) titles each touchpoint; ``column_width`` fixes every
    column's width (matplotlib) instead of the narrowest width a browser may give it.
    """
    low, high = float(scale[0]), float(scale[1])
    columns = max((len(j["stages"]) for j in plotted), default=0)
    labelled = len(plotted) == 1 if labelled is None else labelled

    def y_of(value: float) -> float:
        return (high - min(max(value, low), high)) / (high - low) * plot_height

    baseline = 0.0 if low < 0 < high else (low + high) / 2
    marks: list[Mark] = []
    pieces: list[Piece] = []
    for n, journey in enumerate(plotted):
        points = curve_points(journey)
        journey_marks = []
        for point in points:
            column = int(point["x"])
            journey_marks.append(
                Mark(
                    journey=n,
                    column=column,
                    fraction=point["x"] - column,
                    y=y_of(point["y"]),
                    value=point["y"],
                    id=point["id"],
                    title=point["title"],
                    stage=point["stage"],
                    is_stage=point["is_stage"],
                    pain=point["pain"],
                    unsupported=not point.get("supported", True),
                )
            )
        marks += journey_marks
        for a, b in itertools.pairwise(journey_marks):
            pieces += cut(n, a, b)

    per_column = [0] * columns
    for mark in marks:
        if labelled and not mark.is_stage:
            per_column[mark.column] += 1
    if column_width is not None:
        min_widths = [column_width] * columns
    else:
        min_widths = [min(MIN_COLUMN + COLUMN_PER_POINT * max(k - 1, 0), MAX_COLUMN) for k in per_column]

    labels: list[Label] = []
    if labelled:
        for column in range(columns):
            in_column = [m for m in marks if m.column == column]
            labels += place_labels(
                in_column, [p for p in pieces if p.column == column], min_widths[column], plot_height
            )

    top = max([0.6, *(-lb.box.top + 0.3 for lb in labels), *(-m.y + m.outer_radius + 0.3 for m in marks)])
    bottom = max(
        [
            0.6,
            *(lb.box.bottom - plot_height + 0.3 for lb in labels),
            *(m.y + m.outer_radius - plot_height + 0.3 for m in marks),
        ]
    )
    return Layout(
        columns=columns,
        min_widths=min_widths,
        plot_height=plot_height,
        top=top,
        bottom=bottom,
        scale=(low, high),
        baseline=y_of(baseline),
        ticks=[(value, y_of(value)) for value in emotion_ticks(low, high)],
        marks=marks,
        pieces=pieces,
        labels=labels,
        titles=[str(j["title"]) for j in plotted],
    )


def cut(journey: int, a: Mark, b: Mark) -> list[Piece]:
    """The straight line from ``a`` to ``b`` cut at the columns' edges, dashed across stages without emotion."""
    xa, xb = a.column + a.fraction, b.column + b.fraction
    gap = b.column - a.column > 1

    def y_at(x: float) -> float:
        return a.y + (b.y - a.y) * (x - xa) / (xb - xa) if xb != xa else a.y

    pieces = []
    for column in range(a.column, b.column + 1):
        start, end = max(xa, column), min(xb, column + 1)
        if end > start:
            pieces.append(Piece(journey, column, start - column, y_at(start), end - column, y_at(end), gap))
    return pieces


#: Where a label may go around its point, in order of taste for a peak, a dip and a slope.
_ABOVE = ("above", "upper right", "upper left", "right", "left", "below", "lower right", "lower left")
_BELOW = ("below", "lower right", "lower left", "right", "left", "above", "upper right", "upper left")
_RISING = ("upper left", "lower right", "left", "right", "above", "below", "upper right", "lower left")
_FALLING = ("upper right", "lower left", "right", "left", "above", "below", "upper left", "lower right")


def place_labels(marks: list[Mark], pieces: list[Piece], width: float, plot_height: float) -> list[Label]:
    """Each touchpoint title of one column beside its point, clear of every other title and marker.

    Spots are tried in an order of taste (above a peak, below a dip, beside a slope);
    one that overlaps a title placed before or any marker, or leaves the column, is out;
    among the rest the cheapest wins (taste, crossing the line, leaving the plot area).
    If none is free the title goes above (or below) everything in the column, with a
    leader line to its point: there is always room there.
    """
    margin = 0.25
    obstacles = [
        Box(m.fraction, -m.outer_radius, m.outer_radius, m.y - m.outer_radius, m.y + m.outer_radius) for m in marks
    ]
    labels: list[Label] = []
    placed: list[Box] = []
    for n, mark in enumerate(marks):
        if mark.is_stage:
            continue
        before = marks[n - 1].y if n > 0 else mark.y
        after = marks[n + 1].y if n + 1 < len(marks) else mark.y
        # y grows downwards: a peak has the smallest y.
        if mark.y <= before and mark.y <= after:
            order = _ABOVE
        elif mark.y >= before and mark.y >= after:
            order = _BELOW
        elif before > mark.y:
            order = _RISING
        else:
            order = _FALLING
        best: tuple[float, Label] | None = None
        for rank, spot in enumerate(order):
            label = spot_label(mark, spot, width)
            if label is None:
                continue
            box = label.box
            if not inside(box, width, margin):
                continue
            # A label keeps a margin from the others; beside its own marker the spot's gap is enough.
            others = (*placed, *(o for k, o in enumerate(obstacles) if k != n))
            if not (apart(box, obstacles[n], width, 0) and all(apart(box, o, width, margin) for o in others)):
                continue
            outside = max(0.0, -box.top) + max(0.0, box.bottom - plot_height)
            cost = rank + 4 * crossings(box, pieces, width) + 3 * outside
            if best is None or cost < best[0]:
                best = (cost, label)
        label = best[1] if best else stacked_label(mark, width, [*placed, *obstacles], plot_height)
        labels.append(label)
        placed.append(label.box)
    return labels


def spot_label(mark: Mark, spot: str, width: float) -> Label | None:
    """The label of ``mark`` at ``spot``, wrapped to the room the column leaves there."""
    r, g = mark.outer_radius, GAP
    diagonal = r * 0.75
    left_room, right_room = mark.fraction * width, (1 - mark.fraction) * width
    if spot in ("above", "below"):
        room = 2 * min(left_room, right_room) - 0.6
        anchor, dx = "middle", 0.0
    elif spot.endswith("right"):
        dx = (diagonal if " " in spot else r) + g
        room, anchor = right_room - dx - 0.3, "start"
    else:
        dx = -((diagonal if " " in spot else r) + g)
        room, anchor = left_room + dx - 0.3, "end"
    lines = wrap_label(mark.title, min(room, MAX_LABEL))
    if lines is None:
        return None
    text = max(map(text_width, lines))
    height = len(lines) * LINE_HEIGHT
    left = {"start": dx, "middle": -text / 2, "end": dx - text}[anchor]
    if spot == "above":
        top = mark.y - r - g - height
    elif spot == "below":
        top = mark.y + r + g
    elif spot.startswith("upper"):
        top = mark.y - diagonal - g - height
    elif spot.startswith("lower"):
        top = mark.y + diagonal + g
    else:
        top = mark.y - height / 2
    return Label(mark, lines, anchor, dx, Box(mark.fraction, left, left + text, top, top + height), leader=False)


def stacked_label(mark: Mark, width: float, taken: list[Box], plot_height: float) -> Label:
    """The label above everything else in the column (below it for a point in the lower half), centred there."""
    lines = wrap_label(mark.title, min(width - 0.6, MAX_LABEL)) or textwrap.wrap(mark.title, max(int(width), 1))
    text = max(map(text_width, lines))
    height = len(lines) * LINE_HEIGHT
    top = min(b.top for b in taken) - GAP - height if mark.y <= plot_height / 2 else max(b.bottom for b in taken) + GAP
    # Centred on the column's middle, whatever its width, and joined to its point by a leader line.
    return Label(mark, lines, "middle", 0.0, Box(0.5, -text / 2, text / 2, top, top + height), leader=True)


def crossings(box: Box, pieces: list[Piece], width: float) -> float:
    """How much of the line runs under ``box``, in font sizes, at the column's narrowest width."""
    x0, x1 = box.at(width)
    total = 0.0
    for piece in pieces:
        total += clipped_length(
            (piece.start * width, piece.y0), (piece.end * width, piece.y1), (x0, box.top, x1, box.bottom)
        )
    return total


def clipped_length(a: tuple[float, float], b: tuple[float, float], rect: tuple[float, float, float, float]) -> float:
    """The length of segment ``a``-``b`` inside ``rect`` (x0, y0, x1, y1): Liang-Barsky clipping."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - rect[0]), (dx, rect[2] - a[0]), (-dy, a[1] - rect[1]), (dy, rect[3] - a[1])):
        if p == 0:
            if q < 0:
                return 0.0
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return 0.0
    return (t1 - t0) * math.hypot(dx, dy)


def figure_size(
    plotted: Sequence[Mapping[str, Any]],
    size: Sequence[float] | None = None,
    scale: Sequence[float] = DEFAULT_SCALE,
    label_size: float = 9.0,
) -> tuple[float, float]:
    """A drawn figure's size in inches: ``size``, or the default grown to hold the point labels.

    The scale keeps a band of 120 points however long the labels; titles, legend and
    margins take about 120 more.
    """
    if size:
        return float(size[0]), float(size[1])
    width, height = default_figure_size(plotted)
    columns = max((len(j["stages"]) for j in plotted), default=1) or 1
    shape = layout(plotted, scale, plot_height=120 / label_size, column_width=(width * 72 - 50) / columns / label_size)
    return width, max(height, (240 + (shape.top + shape.bottom) * label_size) / 72)
