"""The emotion curve drawn with matplotlib, free of Sphinx (like ``sphinx.ext.graphviz``'s renderer).

Stages are equal columns; each touchpoint with an emotion is a point inside its
stage, a stage without such touchpoints is a point at its own emotion, and a smooth
line joins them. Several journeys overlay in one figure, stages matched by position.

Drawing uses the :class:`matplotlib.figure.Figure` object API (no pyplot state) and
fixed settings (``svg.hashsalt``, no dates in metadata), so the same input gives
the same bytes in any process: the Sphinx layer names files by
:func:`~sphinx_cjm.curve_data.fingerprint` and draws each one once. The data helpers
live in :mod:`sphinx_cjm.curve_data`, which every build imports without matplotlib.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, IdentityTransform, ScaledTranslation

from . import model

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType
from .curve_data import (
    DEFAULT_MESSAGES,
    DEFAULT_SCALE,
    FORMATS,
    curve_points,
    figure_size,
    plotted_data,
    resolve_palette,
    signed,
    stage_titles,
    valid_scale,
)

_FONT_SIZE = 9.5
_TITLE_SIZE = 11.5
_LABEL_SIZE = 8.0
_LINE = 1.25  # line height, in font sizes
_MARGIN = 8.0  # points around the drawing
_TITLE_PAD = 6.0  # points between the columns and their titles
_DPI = {"png": 150}
#: No dates in the files' metadata, so rebuilds give the same bytes.
_METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
    "png": {},
}
_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, translatable by the browser
    "svg.hashsalt": "sphinx-cjm",
    "pdf.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": _FONT_SIZE,
    "text.usetex": False,
}


# --- drawing ---------------------------------------------------------------------------------


def draw_curve(
    journeys: list[model.AssembledJourney],
    fmt: str,
    *,
    title: str = "",
    scale: Sequence[float] = DEFAULT_SCALE,
    size: Sequence[float] | None = None,
    palette: Mapping[str, Any] | Sequence[str] | None = None,
    links: dict[str, str] | None = None,
    messages: Mapping[str, str] | None = None,
) -> bytes:
    """The emotion curve of one journey, or several overlaid, as SVG, PDF or PNG bytes.

    ``links`` maps touchpoint (or stage) ids to the hrefs their points open (SVG only);
    ``palette`` overrides :data:`DEFAULT_PALETTE` keys, or is a list of line colours;
    ``size`` is in inches (default: from the number of stages).
    """
    return draw_plotted(
        plotted_data(journeys),
        fmt,
        title=title,
        scale=scale,
        size=size,
        palette=palette,
        links=links,
        messages=messages,
    )


def draw_plotted(
    plotted: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    title: str = "",
    scale: Sequence[float] = DEFAULT_SCALE,
    size: Sequence[float] | None = None,
    palette: Mapping[str, Any] | Sequence[str] | None = None,
    links: Mapping[str, str] | None = None,
    messages: Mapping[str, str] | None = None,
) -> bytes:
    """:func:`draw_curve` for data already reduced by :func:`plotted_data`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown curve format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if not valid_scale(scale):
        raise ValueError(f"the emotion scale {scale!r} is not two numbers, low then high")
    text_colour = resolve_palette(palette)["text"]
    with matplotlib.rc_context():
        # Matplotlib's own defaults, not the user's matplotlibrc: the fingerprint must say it all.
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_RC)
        matplotlib.rcParams.update({"text.color": text_colour, "axes.labelcolor": text_colour})
        figure = Figure(figsize=figure_size(plotted, size))
        draw_into(figure, plotted, title=title, scale=scale, palette=palette, links=links, messages=messages)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            if fmt == "svg":  # the browser draws the text, falling back on its own fonts
                warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
            figure.savefig(buffer, format=fmt, transparent=True, metadata=_METADATA[fmt], dpi=_DPI.get(fmt, 72))
    data = buffer.getvalue()
    if fmt == "svg":
        # Matplotlib opens links in a new window; the reader expects the page holding the figure.
        data = re.sub(rb'(<a xlink:href="[^"]*") target="_blank"', rb'\1 target="_top"', data)
    return data


def plain(text: str) -> str:
    """User text shown literally: a ``$`` would otherwise start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def draw_into(
    figure: Figure,
    plotted: Sequence[Mapping[str, Any]],
    *,
    title: str = "",
    scale: Sequence[float] = DEFAULT_SCALE,
    palette: Mapping[str, Any] | Sequence[str] | None = None,
    links: Mapping[str, str] | None = None,
    messages: Mapping[str, str] | None = None,
) -> None:
    """Draw the curve onto an existing figure (a pyplot one in a notebook, say) without saving it.

    The figure should be empty: the curve takes all of it, laid out for its size.
    """
    colours = resolve_palette(palette)
    words = {**DEFAULT_MESSAGES, **(messages or {})}
    links = links or {}
    low, high = float(scale[0]), float(scale[1])
    baseline = 0.0 if low < 0 < high else (low + high) / 2
    columns = max((len(j["stages"]) for j in plotted), default=0)
    text_colour, grid = colours["text"], colours["grid"]
    figure_width, figure_height = figure.get_size_inches()
    overlay = len(plotted) > 1

    # The layout is worked out from the wrapped texts' line counts rather than by a layout
    # engine, which would draw the figure several times over: drawing is most of the cost.
    column_titles = [wrap(plain(t), figure_width, columns) for t in stage_titles(plotted, columns)]
    title_text = wrap(plain(title), figure_width, 1, font_size=_TITLE_SIZE) if title else ""
    legend_entries = [plain(j["title"]) for j in plotted] if overlay else []
    if any(p["pain"] for j in plotted for s in j["stages"] for p in s["points"]):
        legend_entries.append(plain(words["pain"]))
    if not all(p.get("supported", True) for j in plotted for s in j["stages"] for p in s["points"]):
        legend_entries.append(plain(words["unsupported"]))
    legend_columns, legend_labels = legend_layout(legend_entries, figure_width)
    legend_rows = [legend_labels[i : i + legend_columns] for i in range(0, len(legend_labels), legend_columns)]
    legend_lines = sum(max(map(lines, row)) for row in legend_rows)
    top = _MARGIN + (lines(title_text) * _TITLE_SIZE * _LINE + 6 if title_text else 0)
    bottom = _MARGIN + _TITLE_PAD + max(map(lines, column_titles), default=1) * _FONT_SIZE * _LINE
    bottom += legend_lines * _FONT_SIZE * 1.45 + 8 if legend_lines else 0
    left, right = _MARGIN + 34, _MARGIN
    width_pt, height_pt = figure_width * 72, figure_height * 72
    area_size = (max(width_pt - left - right, 36.0), max(height_pt - top - bottom, 36.0))
    # Room inside the plot area for point titles above a peak and below a dip at the ends of the scale.
    pad = (high - low) * 0.08
    if not overlay:  # only a single curve has its points titled
        label_lines = max(
            (
                lines(wrap(plain(p["title"]), figure_width, columns, font_size=_LABEL_SIZE))
                for j in plotted
                for s in j["stages"]
                for p in s["points"]
            ),
            default=1,
        )
        pad = max(
            pad, min((label_lines * _LABEL_SIZE * _LINE + 20) / (area_size[1] / (high - low)), (high - low) * 0.3)
        )
    area = PlotArea(figure, (left, bottom), area_size, (max(columns, 1), (low - pad, high + pad)))

    # Stage columns, the positive and negative halves, the zero line.
    for column in range(0, columns, 2):
        area.add(Rectangle((column, low - pad), 1, high - low + 2 * pad, color=grid, alpha=0.07, lw=0, zorder=0))
    width = max(columns, 1)
    positive_half = area.add(
        Rectangle((0, baseline), width, high + pad - baseline, color=colours["positive"], alpha=0.07, lw=0, zorder=0)
    )
    negative_half = area.add(
        Rectangle((0, low - pad), width, baseline - low + pad, color=colours["negative"], alpha=0.07, lw=0, zorder=0)
    )
    area.add(Line2D([0, width], [baseline, baseline], color=text_colour, lw=0.9, ls=(0, (4, 3)), zorder=1))

    # Stage titles under their columns, the scale on the left, the title above.
    for column, column_title in enumerate(column_titles):
        area.text(
            column + 0.5,
            low - pad,
            column_title,
            (0, -_TITLE_PAD),
            ha="center",
            va="top",
            fontsize=_FONT_SIZE,
            color=text_colour,
        )
    for value in emotion_ticks(low, high):
        area.text(0, value, signed(value), (-5, 0), ha="right", va="center", fontsize=_FONT_SIZE - 1, color=text_colour)
    area.text(
        0,
        (low + high) / 2,
        plain(words["emotion"]),
        (-(left - _MARGIN), 0),
        ha="left",
        va="center",
        rotation=90,
        fontsize=_FONT_SIZE,
        color=text_colour,
    )
    if title_text:
        figure.text(
            left / width_pt,
            1 - _MARGIN / height_pt,
            title_text,
            ha="left",
            va="top",
            fontsize=_TITLE_SIZE,
            fontweight="bold",
            color=text_colour,
        )

    handles: list[Line2D] = []
    any_points = any_pain = any_unsupported = False
    for n, journey in enumerate(plotted):
        colour = colours["lines"][n % len(colours["lines"])]
        points = curve_points(journey)
        handles.append(Line2D([], [], color=colour, marker="o", markersize=5, label=plain(journey["title"])))
        if not points:
            continue
        any_points = True
        smooth_x, smooth_y = smooth([p["x"] for p in points], [p["y"] for p in points])
        area.add(Line2D(smooth_x, smooth_y, color=colour, lw=2.2, solid_capstyle="round", zorder=3))
        if not overlay:
            # The area between curve and zero, tinted by the half it lies in (clipped to it).
            outline = [(smooth_x[0], baseline), *zip(smooth_x, smooth_y, strict=True), (smooth_x[-1], baseline)]
            for half, tint in ((positive_half, colours["positive"]), (negative_half, colours["negative"])):
                area.add(Polygon(outline, closed=True, color=tint, alpha=0.22, lw=0, zorder=2)).set_clip_path(half)
        touchpoints = [p for p in points if not p["is_stage"] and p["supported"]]
        # A touchpoint no evidence supports: hollow, so guesses do not pass for research.
        unsupported = [p for p in points if not p["is_stage"] and not p["supported"]]
        any_unsupported = any_unsupported or bool(unsupported)
        # A stage's own emotion, where no touchpoint of it is plotted: hollow, to tell it apart.
        stage_points = [p for p in points if p["is_stage"]]
        pains = [p for p in points if p["pain"]]
        if pains:
            any_pain = True
        area.markers(touchpoints, links, "o", 42, facecolors=colour, edgecolors=colour, linewidths=1.0, zorder=5)
        area.markers(unsupported, links, "o", 42, facecolors="none", edgecolors=colour, linewidths=1.8, zorder=5)
        area.markers(stage_points, links, "D", 46, facecolors="none", edgecolors=colour, linewidths=1.8, zorder=5)
        area.markers(pains, links, "o", 190, facecolors="none", edgecolors=colours["pain"], linewidths=1.8, zorder=6)
        if not overlay:
            label_points(area, points, figure_width, columns, links, text_colour)

    if not any_points:
        area.text(
            width / 2,
            baseline + (high - low) * 0.25,
            plain(words["empty"]),
            (0, 0),
            ha="center",
            va="center",
            fontsize=_FONT_SIZE + 2,
            color=text_colour,
            zorder=7,
        )
    if any_pain:
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="o",
                markersize=10,
                markerfacecolor="none",
                markeredgecolor=colours["pain"],
                markeredgewidth=1.8,
                label=plain(words["pain"]),
            )
        )
    if any_unsupported:
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="o",
                markersize=5,
                markerfacecolor="none",
                markeredgecolor=colours["lines"][0],
                markeredgewidth=1.8,
                label=plain(words["unsupported"]),
            )
        )
    shown = handles if overlay else handles[1:]
    if shown:
        figure.legend(
            handles=shown,
            labels=legend_labels,
            loc="lower center",
            bbox_to_anchor=(0.5, _MARGIN / 2 / height_pt),
            ncols=legend_columns,
            frameon=False,
            fontsize=_FONT_SIZE,
            labelcolor=text_colour,
            borderpad=0.2,
        )


class PlotArea:
    """The rectangle of the figure the curve is drawn in, with its own data coordinates.

    Artists go straight onto the figure: an Axes would bring ticks, spines and limit
    bookkeeping the curve does not use, and would cost more than the drawing itself.
    """

    def __init__(
        self,
        figure: Figure,
        origin: tuple[float, float],
        size: tuple[float, float],
        limits: tuple[float, tuple[float, float]],
    ):
        self.figure, self.size = figure, size
        self.columns, (self.bottom, self.top) = limits
        # Data to points from the figure's lower left, then points to the figure's pixels.
        to_points = (
            Affine2D()
            .translate(0, -self.bottom)
            .scale(size[0] / self.columns, size[1] / (self.top - self.bottom))
            .translate(*origin)
        )
        self.transform = to_points + Affine2D().scale(1 / 72) + figure.dpi_scale_trans

    def add(self, artist: Any) -> Any:
        artist.set_transform(self.transform)
        return self.figure.add_artist(artist)

    def points(self, x: Any, y: Any) -> tuple[Any, Any]:
        """Data coordinates to points from the area's lower left."""
        return x / self.columns * self.size[0], (y - self.bottom) / (self.top - self.bottom) * self.size[1]

    def text(self, x: float, y: float, text: str, offset: tuple[float, float], **style: Any) -> Text:
        shift = ScaledTranslation(offset[0] / 72, offset[1] / 72, self.figure.dpi_scale_trans)
        return self.figure.text(x, y, text, transform=self.transform + shift, **style)

    def markers(
        self, points: list[dict[str, Any]], links: Mapping[str, str], marker: str, size: float, **style: Any
    ) -> None:
        """One marker per point, each a link to its object where ``links`` has one."""
        if not points:
            return
        shape = MarkerStyle(marker)
        markers = PathCollection(
            (shape.get_path().transformed(shape.get_transform()),),
            sizes=[size],
            offsets=[(p["x"], p["y"]) for p in points],
            offset_transform=self.transform,
            **style,
        )
        markers.set_transform(IdentityTransform())  # marker sizes are in points, as in scatter
        markers.set_urls([links.get(p["id"]) for p in points])
        self.figure.add_artist(markers)


def lines(text: str) -> int:
    return text.count("\n") + 1


def legend_layout(labels: list[str], figure_width: float) -> tuple[int, list[str]]:
    """All entries in one row when they fit the figure's width, else one per row, wrapped."""
    capacity = int(figure_width * 72 * 0.92 / (_FONT_SIZE * 0.6))
    if sum(len(label) + 6 for label in labels) <= capacity:
        return max(len(labels), 1), labels
    return 1, [textwrap.fill(label, width=capacity - 6, break_long_words=False) for label in labels]


#: Where a title may sit around its point: offset in points and alignment, by name.
_LABEL_SPOTS: dict[str, tuple[tuple[float, float], str, str]] = {
    "above": ((0, 9), "center", "bottom"),
    "below": ((0, -9), "center", "top"),
    "upper left": ((-5, 5), "right", "bottom"),
    "upper right": ((5, 5), "left", "bottom"),
    "lower left": ((-5, -5), "right", "top"),
    "lower right": ((5, -5), "left", "top"),
}
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points from the axes' lower left


def label_points(
    area: PlotArea,
    points: list[dict[str, Any]],
    figure_width: float,
    columns: int,
    links: Mapping[str, str],
    colour: str,
) -> None:
    """Touchpoint titles beside their points, each where it hides least of the curve and the other titles.

    The spots are tried in an order of taste (above a peak, below a dip, beside a slope
    on the side the curve leaves free); texts are measured from their line counts, so
    this needs no drawing.
    """
    at = [area.points(p["x"], p["y"]) for p in points]
    dense_x, dense_y = smooth([p["x"] for p in points], [p["y"] for p in points], samples=24)
    curve = area.points(np.asarray(dense_x), np.asarray(dense_y))
    marks = np.array([(x - 6, y - 6, x + 6, y + 6) for x, y in at])
    frame = np.array([(0, 0, *area.size)])
    placed = np.empty((0, 4))
    for n, point in enumerate(points):
        if point["is_stage"]:
            continue
        text = wrap(plain(point["title"]), figure_width, columns, font_size=_LABEL_SIZE)
        size = (max(map(len, text.split("\n"))) * _LABEL_SIZE * 0.62 + 2, lines(text) * _LABEL_SIZE * _LINE + 2)
        y = point["y"]
        before = points[n - 1]["y"] if n > 0 else y
        after = points[n + 1]["y"] if n + 1 < len(points) else y
        if y >= before and y >= after:
            order = ["above", "upper right", "upper left", "below", "lower right", "lower left"]
        elif y <= before and y <= after:
            order = ["below", "lower right", "lower left", "above", "upper right", "upper left"]
        elif before < y:
            order = ["upper left", "lower right", "above", "below", "upper right", "lower left"]
        else:
            order = ["upper right", "lower left", "above", "below", "upper left", "lower right"]
        spot, box = min(
            ((name, label_box(at[n], size, *_LABEL_SPOTS[name])) for name in order),
            key=lambda item: order.index(item[0]) + label_cost(item[1], placed, marks, curve, frame),
        )
        placed = np.vstack([placed, box])
        offset, ha, va = _LABEL_SPOTS[spot]
        label = area.text(point["x"], y, text, offset, ha=ha, va=va, fontsize=_LABEL_SIZE, color=colour, zorder=7)
        label.set_url(links.get(point["id"]))


def label_cost(
    box: Box, placed: np.ndarray, marks: np.ndarray, curve: tuple[np.ndarray, np.ndarray], frame: np.ndarray
) -> float:
    """How badly a title in ``box`` hides the titles placed so far, the curve and the point marks, or leaves the frame."""
    box_area = (box[2] - box[0]) * (box[3] - box[1])
    clash = overlaps(box, placed).sum() / box_area
    curve_x, curve_y = curve
    hidden = np.count_nonzero(
        (curve_x >= box[0] - 2) & (curve_x <= box[2] + 2) & (curve_y >= box[1] - 2) & (curve_y <= box[3] + 2)
    )
    covered = overlaps(box, marks).sum() / 144
    outside = (box_area - overlaps(box, frame).sum()) / box_area
    # Titles over titles are unreadable, a title over the curve only untidy.
    return float(300 * (clash > 0) + 1000 * clash + 3 * hidden + 20 * covered + 200 * outside)


def label_box(
    anchor: tuple[float, float], size: tuple[float, float], offset: tuple[float, float], ha: str, va: str
) -> Box:
    width, height = size
    x = anchor[0] + offset[0] - {"left": 0, "center": width / 2, "right": width}[ha]
    y = anchor[1] + offset[1] - {"bottom": 0, "top": height}[va]
    return x, y, x + width, y + height


def overlaps(box: Box, others: np.ndarray) -> np.ndarray:
    """The area ``box`` shares with each of ``others`` (rows of x0, y0, x1, y1)."""
    width = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    height = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return np.clip(width, 0, None) * np.clip(height, 0, None)


def wrap(text: str, figure_width: float, slots: int, font_size: float = _FONT_SIZE) -> str:
    """Break ``text`` into lines that fit one of ``slots`` equal parts of the figure's width."""
    slot_points = figure_width * 72 * 0.86 / max(slots, 1)
    width = max(10, int(slot_points / (font_size * 0.58)))
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=True)) or text


def emotion_ticks(low: float, high: float) -> list[float]:
    if high - low <= 10:
        return [float(v) for v in range(math.ceil(low), math.floor(high) + 1)]
    step = (high - low) / 4
    return [low + step * i for i in range(5)]


def smooth(xs: Sequence[float], ys: Sequence[float], samples: int = 16) -> tuple[list[float], list[float]]:
    """A monotone cubic (Fritsch-Carlson) through the points: it never overshoots them, so it stays on the scale."""
    if len(xs) < 3:
        return list(xs), list(ys)
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    h = np.diff(x)
    d = np.diff(y) / h
    m = np.empty_like(x)
    m[0], m[-1] = d[0], d[-1]
    for k in range(1, len(x) - 1):
        if d[k - 1] * d[k] <= 0:
            m[k] = 0.0
        else:
            w1, w2 = 2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1]
            m[k] = (w1 + w2) / (w1 / d[k - 1] + w2 / d[k])
    out_x: list[float] = []
    out_y: list[float] = []
    t = np.linspace(0, 1, samples, endpoint=False)
    h00, h10, h01, h11 = 2 * t**3 - 3 * t**2 + 1, t**3 - 2 * t**2 + t, -2 * t**3 + 3 * t**2, t**3 - t**2
    for k in range(len(x) - 1):
        out_x += list(x[k] + t * h[k])
        out_y += list(h00 * y[k] + h10 * h[k] * m[k] + h01 * y[k + 1] + h11 * h[k] * m[k + 1])
    return [*out_x, float(x[-1])], [*out_y, float(y[-1])]
