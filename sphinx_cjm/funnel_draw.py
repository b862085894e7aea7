"""The conversion funnel drawn with matplotlib, free of Sphinx (like :mod:`sphinx_cjm.curve`).

One centred bar per stage, as wide as the stage's reach is against the widest, its
title on the left and its numbers beside the bar; in SVG each bar and title links
to its stage. Fixed settings (``svg.hashsalt``, no dates in metadata) give the same
bytes for the same data in any process, so files are named by their content.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.typing import RcKeyType

from .curve_data import DEFAULT_PALETTE

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

_FONT_SIZE = 9.5
_DPI = {"png": 150}
_METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
    "png": {},
}
_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable
    "svg.hashsalt": "sphinx-cjm-funnel",
    "pdf.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": _FONT_SIZE,
    "text.usetex": False,
}
#: Inches of margin above and below the bars.
MARGIN = 0.35


def plain(text: str) -> str:
    """User text shown literally: a ``$`` would otherwise start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def draw_funnel(
    bars: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    size: tuple[float, float],
    links: Mapping[str, str] | None = None,
    palette: Mapping[str, Any] | None = None,
) -> bytes:
    """The funnel as SVG, PDF or PNG bytes, ``size`` inches.

    ``bars``: one per stage, top to bottom, each ``{"id", "title", "reach", "label"}``
    (``reach`` None: no bar; ``label`` the numbers written beside it); ``links`` maps
    stage ids to hrefs (SVG only); ``palette`` overrides :data:`DEFAULT_PALETTE` keys.
    """
    colours = {**DEFAULT_PALETTE, **(palette or {})}
    links = links or {}
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_RC)
        width, height = size
        figure = Figure(figsize=(width, height))
        # The left 30 % holds the titles, the rest the bars, centred on its middle.
        bottom, span = MARGIN / height / 2, 1 - MARGIN / height
        area = figure.add_axes((0.31, bottom, 0.67, span))
        area.set_axis_off()
        area.set_xlim(-0.5, 0.5)
        area.set_ylim(len(bars), 0)
        widest = max((b["reach"] for b in bars if b["reach"]), default=0)
        colour = colours["lines"][0]
        for row, bar in enumerate(bars):
            href = links.get(bar["id"])
            # The titles' column is 30 % of the width: about 22 characters a line at this size.
            title = textwrap.fill(plain(bar["title"]), width=22, break_long_words=False)
            text = figure.text(0.30, 0, title, ha="right", va="center", color=colours["text"], fontsize=_FONT_SIZE)
            text.set_y(1 - bottom - (row + 0.5) / len(bars) * span)
            text.set_url(href)
            share = bar["reach"] / widest if bar["reach"] and widest else 0
            if share:
                patch = area.add_patch(
                    Rectangle((-share / 2, row + 0.12), share, 0.76, color=colour, alpha=0.85 - 0.5 * row / len(bars))
                )
                patch.set_url(href)
            inside = share > 0.45
            label = area.text(
                0 if inside else share / 2 + 0.02,
                row + 0.5,
                plain(bar["label"]),
                ha="center" if inside else "left",
                va="center",
                color="white" if inside else colours["text"],
                fontsize=_FONT_SIZE,
            )
            label.set_url(href)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, transparent=True, metadata=_METADATA[fmt], dpi=_DPI.get(fmt, 72))
    data = buffer.getvalue()
    if fmt == "svg":
        # Matplotlib opens links in a new window; the reader expects the page holding the figure.
        data = re.sub(rb'(<a xlink:href="[^"]*") target="_blank"', rb'\1 target="_top"', data)
    return data
