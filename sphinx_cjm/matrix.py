"""The priority matrix drawn with matplotlib, free of Sphinx: impact against effort.

Effort runs along x and impact up y, both 1–5, split into four quadrants at the
middle of the scale. Each recommendation is a numbered point; the numbers are keyed
to the titles in a column beside the plot, so no label can overlap another however
many recommendations share a score (points of one cell are spread around its centre).
Same settings as the curve (:mod:`sphinx_cjm.curve`): no dates in the files, text as
text in SVG, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from .curve import _METADATA, _RC, plain
from .curve_data import DEFAULT_PALETTE

LOW, HIGH = 1, 5
#: Quadrant boundary: a score on it counts on the better side (high impact, low effort).
MIDDLE = 3
_FONT_SIZE = 9.5
_KEY_SIZE = 8.5
_KEY_CHARS = 44  # characters of a key line before it wraps
_LINE = 1.3
_POINT_RADIUS = 0.17  # in score units
_SPREAD = 0.24  # least distance of the points of a shared score from its centre

#: Colour of a point by priority; "" for none.
PRIORITY_COLOURS = {"high": "#e05252", "medium": "#e08a2e", "low": "#4c78c8", "": "#8c8c8c"}
#: Quadrant tints: (high impact, high effort).
QUADRANT_TINTS = {
    (True, False): "#3aa864",
    (True, True): "#4c78c8",
    (False, False): "#8c8c8c",
    (False, True): "#e05252",
}
DEFAULT_MESSAGES = {
    "impact": "Impact",
    "effort": "Effort",
    "quick-wins": "Quick wins",
    "big-bets": "Big bets",
    "fill-ins": "Fill-ins",
    "money-pits": "Money pits",
}
QUADRANT_KEYS = {
    (True, False): "quick-wins",
    (True, True): "big-bets",
    (False, False): "fill-ins",
    (False, True): "money-pits",
}


def quadrant(impact: int, effort: int) -> tuple[bool, bool]:
    """(high impact, high effort) of a point; the middle counts on the better side."""
    return impact >= MIDDLE, effort > MIDDLE


def positions(points: Sequence[Mapping[str, Any]]) -> list[tuple[float, float]]:
    """Where each point is drawn: at its scores, spread evenly around them when several share them."""
    cells: dict[tuple[int, int], list[int]] = {}
    for n, point in enumerate(points):
        cells.setdefault((point["effort"], point["impact"]), []).append(n)
    placed: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    for (effort, impact), members in cells.items():
        for rank, n in enumerate(members):
            if len(members) == 1:
                placed[n] = (float(effort), float(impact))
                continue
            angle = math.pi / 2 + 2 * math.pi * rank / len(members)
            # Far enough apart that neighbours do not touch, up to nearly half-way to the next score.
            radius = min(max(_SPREAD, _POINT_RADIUS * 1.05 / math.sin(math.pi / len(members))), 0.45)
            placed[n] = (effort + radius * math.cos(angle), impact + radius * math.sin(angle))
    return placed


def key_lines(points: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Each point's key entry, ``N  title`` wrapped to the key column."""
    return [
        textwrap.wrap(f"{p['number']}  {plain(p['title'])}", _KEY_CHARS, subsequent_indent="     ")
        or [str(p["number"])]
        for p in points
    ]


def figure_size(points: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    lines = sum(len(entry) for entry in key_lines(points))
    return 8.0, max(4.4, 0.6 + lines * _KEY_SIZE * _LINE / 72 + 0.08 * len(points))


def draw_matrix(
    points: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    links: Mapping[str, str] | None = None,
    messages: Mapping[str, str] | None = None,
    text_colour: str = DEFAULT_PALETTE["text"],
) -> bytes:
    """The matrix as SVG, PDF or PNG bytes. ``points``: dicts of id, title, impact, effort, priority, number."""
    words = {**DEFAULT_MESSAGES, **(messages or {})}
    links = links or {}
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_RC)
        matplotlib.rcParams.update({"text.color": text_colour})
        width, height = figure_size(points)
        figure = Figure(figsize=(width, height))
        draw_into(figure, points, links, words, text_colour)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            if fmt == "svg":
                warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
            figure.savefig(
                buffer, format=fmt, transparent=True, metadata=_METADATA[fmt], dpi=150 if fmt == "png" else 72
            )
    data = buffer.getvalue()
    if fmt == "svg":
        data = re.sub(rb'(<a xlink:href="[^"]*") target="_blank"', rb'\1 target="_top"', data)
    return data


def draw_into(
    figure: Figure,
    points: Sequence[Mapping[str, Any]],
    links: Mapping[str, str],
    words: Mapping[str, str],
    text_colour: str,
) -> None:
    width, height = figure.get_size_inches()
    # A square plot on the left (in inches), the key on the right.
    side = min(height - 0.9, 3.9)
    left, bottom = 0.75, height - side - 0.3
    axes = figure.add_axes((left / width, bottom / height, side / width, side / height))
    # A margin around the scores wide enough for the quadrant names in the corners, clear of any point.
    low, high = LOW - 0.75, HIGH + 0.75
    axes.set_xlim(low, high)
    axes.set_ylim(low, high)
    axes.set_aspect("equal")
    axes.set_xticks(range(LOW, HIGH + 1))
    axes.set_yticks(range(LOW, HIGH + 1))
    axes.tick_params(colors=text_colour, labelsize=_FONT_SIZE - 1, length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_xlabel(plain(words["effort"]), color=text_colour, fontsize=_FONT_SIZE)
    axes.set_ylabel(plain(words["impact"]), color=text_colour, fontsize=_FONT_SIZE)
    for (high_impact, high_effort), tint in QUADRANT_TINTS.items():
        x0 = MIDDLE if high_effort else low
        y0 = MIDDLE if high_impact else low
        x1 = high if high_effort else MIDDLE
        y1 = high if high_impact else MIDDLE
        axes.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color=tint, alpha=0.1, lw=0, zorder=0))
        # The quadrant's name in its outer corner, clear of the points (which sit at whole scores).
        axes.text(
            x1 - 0.08 if high_effort else x0 + 0.08,
            y1 - 0.08 if high_impact else y0 + 0.08,
            # Wrapped to its quadrant, so a long name ("Неблагодарные задачи") stays on its side of the line.
            textwrap.fill(plain(words[QUADRANT_KEYS[(high_impact, high_effort)]]), 16, break_long_words=False),
            ha="right" if high_effort else "left",
            va="top" if high_impact else "bottom",
            fontsize=_FONT_SIZE - 0.5,
            fontweight="bold",
            color=text_colour,
            zorder=1,
        )
    axes.axvline(MIDDLE, color=text_colour, lw=0.8, ls=(0, (4, 3)), zorder=1)
    axes.axhline(MIDDLE, color=text_colour, lw=0.8, ls=(0, (4, 3)), zorder=1)
    for point, (x, y) in zip(points, positions(points), strict=True):
        url = links.get(point["id"])
        marker = axes.add_patch(
            Circle((x, y), _POINT_RADIUS, color=PRIORITY_COLOURS.get(point["priority"], "#8c8c8c"), zorder=3)
        )
        marker.set_url(url)
        number = axes.text(
            x,
            y,
            str(point["number"]),
            ha="center",
            va="center",
            fontsize=7.5,
            color="white",
            fontweight="bold",
            zorder=4,
        )
        number.set_url(url)
    # The key: one entry per point, top to bottom, each a link too.
    x = (left + side + 0.35) / width
    y = 1 - 0.3 / height
    for point, entry in zip(points, key_lines(points), strict=True):
        text = figure.text(x, y, "\n".join(entry), ha="left", va="top", fontsize=_KEY_SIZE, color=text_colour)
        text.set_url(links.get(point["id"]))
        y -= (len(entry) * _KEY_SIZE * _LINE + 0.08 * 72) / 72 / height
