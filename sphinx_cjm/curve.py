"""The emotion curve drawn with matplotlib, free of Sphinx (like ``sphinx.ext.graphviz``'s renderer).

Stages are equal columns; each touchpoint with an emotion is a point inside its
stage, a stage without such touchpoints is a point at its own emotion, and straight
lines join them (dashed across stages without emotion). Marks and labels go where
:mod:`sphinx_cjm.curve_geometry` puts them, as in the HTML pages' inline SVG. Several journeys overlay in one figure, stages matched by position.

Drawing uses the :class:`matplotlib.figure.Figure` object API (no pyplot state) and
fixed settings (``svg.hashsalt``, no dates in metadata), so the same input gives
the same bytes in any process: the Sphinx layer names files by
:func:`~sphinx_cjm.curve_data.fingerprint` and draws each one once. The data helpers
live in :mod:`sphinx_cjm.curve_data`, which every build imports without matplotlib.
"""

from __future__ import annotations

import io
import itertools
import re
import textwrap
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, IdentityTransform, ScaledTranslation

from . import curve_geometry, model

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType
from .curve_data import (
    DEFAULT_MESSAGES,
    DEFAULT_SCALE,
    FORMATS,
    curve_points,
    plotted_data,
    resolve_palette,
    signed,
    stage_titles,
    valid_scale,
)

_FONT_SIZE = 9.5
_TITLE_SIZE = 11.5
_LABEL_SIZE = 9.0
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
    language: str | None = None,
) -> bytes:
    """The emotion curve of one journey, or several overlaid, as SVG, PDF or PNG bytes.

    ``links`` maps touchpoint (or stage) ids to the hrefs their points open (SVG only);
    ``palette`` overrides :data:`DEFAULT_PALETTE` keys, or is a list of line colours;
    ``size`` is in inches (default: from the number of stages); the scale's numbers are
    written in ``language`` (English by default), the figure's words are ``messages``.
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
        language=language,
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
    language: str | None = None,
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
        figure = Figure(figsize=curve_geometry.figure_size(plotted, size, scale, _LABEL_SIZE))
        draw_into(
            figure,
            plotted,
            title=title,
            scale=scale,
            palette=palette,
            links=links,
            messages=messages,
            language=language,
        )
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            if fmt == "svg":  # the browser draws the text, falling back on its own fonts
                warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
            # Vector files stay transparent on paper; a raster gets a white ground, so its dark text reads on
            # any page (HTML pages draw their curves as inline SVG in the theme's colours instead).
            figure.savefig(
                buffer,
                format=fmt,
                transparent=fmt != "png",
                facecolor="white",
                metadata=_METADATA[fmt],
                dpi=_DPI.get(fmt, 72),
            )
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
    language: str | None = None,
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
    # Every kind of mark and line used is named (the marks of overlaid journeys by their titles).
    kinds = [k for k in curve_geometry.layout(plotted, (low, high)).used() if not (overlay and k == "touchpoint")]
    legend_entries = [plain(j["title"]) for j in plotted] if overlay else []
    legend_entries += [plain(words[kind]) for kind in kinds]
    legend_columns, legend_labels = legend_layout(legend_entries, figure_width)
    legend_rows = [legend_labels[i : i + legend_columns] for i in range(0, len(legend_labels), legend_columns)]
    legend_lines = sum(max(map(lines, row)) for row in legend_rows)
    top = _MARGIN + (lines(title_text) * _TITLE_SIZE * _LINE + 6 if title_text else 0)
    bottom = _MARGIN + _TITLE_PAD + max(map(lines, column_titles), default=1) * _FONT_SIZE * _LINE
    bottom += legend_lines * _FONT_SIZE * 1.45 + 8 if legend_lines else 0
    left, right = _MARGIN + 34, _MARGIN
    width_pt, height_pt = figure_width * 72, figure_height * 72
    area_size = (max(width_pt - left - right, 36.0), max(height_pt - top - bottom, 36.0))
    # Room inside the plot area for point titles above the highest points and below the lowest: the
    # shared layout (curve_geometry) says how much, for columns of this width (in label font sizes).
    column_points = area_size[0] / max(columns, 1)
    shape = curve_geometry.layout(
        plotted, (low, high), plot_height=area_size[1] * 0.6 / _LABEL_SIZE, column_width=column_points / _LABEL_SIZE
    )
    points_per_unit = area_size[1] / (high - low)
    for _ in range(3):  # the layout's height depends on the scale's, and the scale's on the room left
        room = (shape.top + shape.bottom) * _LABEL_SIZE
        points_per_unit = max(area_size[1] - room, area_size[1] * 0.35) / (high - low)
        shape = curve_geometry.layout(
            plotted,
            (low, high),
            plot_height=(high - low) * points_per_unit / _LABEL_SIZE,
            column_width=column_points / _LABEL_SIZE,
        )
    pad_top = shape.top * _LABEL_SIZE / points_per_unit
    pad_bottom = shape.bottom * _LABEL_SIZE / points_per_unit
    # The scale as drawn: labels are converted with it, so their gaps to the markers stay as laid out.
    points_per_unit = area_size[1] / (high - low + pad_top + pad_bottom)
    area = PlotArea(figure, (left, bottom), area_size, (max(columns, 1), (low - pad_bottom, high + pad_top)))

    # Stage columns, the positive and negative halves, the zero line.
    for column in range(0, columns, 2):
        area.add(
            Rectangle(
                (column, low - pad_bottom), 1, high - low + pad_top + pad_bottom, color=grid, alpha=0.07, lw=0, zorder=0
            )
        )
    width = max(columns, 1)
    positive_half = area.add(
        Rectangle(
            (0, baseline), width, high + pad_top - baseline, color=colours["positive"], alpha=0.07, lw=0, zorder=0
        )
    )
    negative_half = area.add(
        Rectangle(
            (0, low - pad_bottom),
            width,
            baseline - low + pad_bottom,
            color=colours["negative"],
            alpha=0.07,
            lw=0,
            zorder=0,
        )
    )
    area.add(Line2D([0, width], [baseline, baseline], color=text_colour, lw=0.9, ls=(0, (4, 3)), zorder=1))

    # Stage titles under their columns, the scale on the left, the title above.
    for column, column_title in enumerate(column_titles):
        area.text(
            column + 0.5,
            low - pad_bottom,
            column_title,
            (0, -_TITLE_PAD),
            ha="center",
            va="top",
            fontsize=_FONT_SIZE,
            color=text_colour,
        )
    for value in curve_geometry.emotion_ticks(low, high):
        area.text(
            0,
            value,
            signed(value, language),
            (-5, 0),
            ha="right",
            va="center",
            fontsize=_FONT_SIZE - 1,
            color=text_colour,
        )
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
    for n, journey in enumerate(plotted):
        colour = colours["lines"][n % len(colours["lines"])]
        handles.append(Line2D([], [], color=colour, marker="o", markersize=5, label=plain(journey["title"])))
        points = curve_points(journey)
        for a, b in itertools.pairwise(points):
            # Straight: the line never leaves the two values it joins. Dashed across stages without emotion.
            gap = int(b["x"]) - int(a["x"]) > 1
            style: dict[str, Any] = {"ls": (0, (1, 3)), "lw": 1.8} if gap else {"lw": 2.4}
            area.add(
                Line2D([a["x"], b["x"]], [a["y"], b["y"]], color=colour, solid_capstyle="round", zorder=3, **style)
            )
            if not overlay and not gap:
                # The area between line and zero, tinted by the half it lies in (clipped to it).
                outline = [(a["x"], baseline), (a["x"], a["y"]), (b["x"], b["y"]), (b["x"], baseline)]
                for half, tint in ((positive_half, colours["positive"]), (negative_half, colours["negative"])):
                    area.add(Polygon(outline, closed=True, color=tint, alpha=0.22, lw=0, zorder=2)).set_clip_path(half)
        touchpoints = [p for p in points if not p["is_stage"] and p["supported"]]
        # A touchpoint no evidence supports: hollow, so guesses do not pass for research.
        unsupported = [p for p in points if not p["is_stage"] and not p["supported"]]
        # A stage's own emotion, where no touchpoint of it is plotted: a hollow diamond, to tell it apart.
        stage_points = [p for p in points if p["is_stage"]]
        pains = [p for p in points if p["pain"]]
        area.markers(touchpoints, links, "o", 42, facecolors=colour, edgecolors=colour, linewidths=1.0, zorder=5)
        area.markers(unsupported, links, "o", 42, facecolors="white", edgecolors=colour, linewidths=1.8, zorder=5)
        area.markers(stage_points, links, "D", 46, facecolors="white", edgecolors=colour, linewidths=1.8, zorder=5)
        area.markers(pains, links, "o", 190, facecolors="none", edgecolors=colours["pain"], linewidths=1.8, zorder=6)
    if not overlay:
        for label in shape.labels:
            place_label(area, label, column_points, points_per_unit, (high, links, text_colour))

    if not shape.marks:
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
    line_colour = colours["lines"][0]
    keys = {
        "touchpoint": Line2D([], [], ls="none", marker="o", markersize=6, color=line_colour),
        "unsupported": Line2D([], [], ls="none", marker="o", markersize=6, markerfacecolor="white", color=line_colour),
        "stage": Line2D([], [], ls="none", marker="D", markersize=6, markerfacecolor="white", color=line_colour),
        "pain": Line2D(
            [], [], ls="none", marker="o", markersize=10, markerfacecolor="none", markeredgecolor=colours["pain"],
            markeredgewidth=1.8,
        ),
        "gap": Line2D([], [], ls=(0, (1, 3)), lw=1.8, color=line_colour),
    }  # fmt: skip
    shown = (handles if overlay else []) + [keys[kind] for kind in kinds]
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


def place_label(
    area: PlotArea,
    label: curve_geometry.Label,
    column_points: float,
    points_per_unit: float,
    context: tuple[float, Mapping[str, str], str],
) -> None:
    """A touchpoint title where the shared layout put it (its lengths are in label font sizes)."""
    high, links, colour = context
    mark = label.mark
    x = mark.column + label.box.fraction + label.dx * _LABEL_SIZE / column_points
    top = high - label.box.top * _LABEL_SIZE / points_per_unit
    align = {"start": "left", "middle": "center", "end": "right"}[label.anchor]
    text = area.text(
        x,
        top,
        "\n".join(plain(line) for line in label.lines),
        (0, 0),
        ha=align,
        va="top",
        fontsize=_LABEL_SIZE,
        linespacing=1.05,
        color=colour,
        zorder=7,
    )
    text.set_url(links.get(mark.id))
    if label.leader:
        below = label.box.top > mark.y
        end = label.box.top if below else label.box.bottom
        start = mark.y + (mark.outer_radius if below else -mark.outer_radius)
        area.add(
            Line2D(
                [mark.column + 0.5, mark.column + mark.fraction],
                [high - end * _LABEL_SIZE / points_per_unit, high - start * _LABEL_SIZE / points_per_unit],
                color=colour,
                lw=0.6,
                zorder=4,
            )
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


def wrap(text: str, figure_width: float, slots: int, font_size: float = _FONT_SIZE) -> str:
    """Break ``text`` into lines that fit one of ``slots`` equal parts of the figure's width."""
    slot_points = figure_width * 72 * 0.86 / max(slots, 1)
    width = max(10, int(slot_points / (font_size * 0.58)))
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=True)) or text
