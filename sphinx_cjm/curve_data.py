"""The emotion curve's data, free of matplotlib: what a figure shows and the name of its file.

Every build needs these (to name, describe and lay out figures); only drawing a
figure needs :mod:`sphinx_cjm.curve` and matplotlib, which are slow to import.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import model
from .numbers import format_number

FORMATS = ("svg", "pdf", "png")
DEFAULT_SCALE: tuple[float, float] = model.DEFAULT_EMOTION_SCALE

#: Colours of drawn files (PDF, PNG): dark text for paper and the white ground of a raster. (HTML pages
#: draw their curves as inline SVG in the theme's colours: cjm.css.)
DEFAULT_PALETTE: dict[str, Any] = {
    "lines": ["#4c78c8", "#e08a2e", "#9467bd", "#2a9d8f", "#d0568f", "#8c8c3c"],
    "positive": "#3aa864",
    "negative": "#e05252",
    "pain": "#e0301e",
    "text": "#333333",
    "grid": "#8c8c8c",
}
#: Words the figure shows; the Sphinx layer passes them translated.
DEFAULT_MESSAGES: dict[str, str] = {
    "emotion": "Emotion",
    "empty": "No emotion scores yet",
    "pain": "Pain point (barrier)",
    "unsupported": "No research evidence",
    "touchpoint": "Touchpoint",
    "stage": "Stage's own emotion (no touchpoint scored)",
    "gap": "No emotion in this stage",
}
#: The modules whose code shapes a curve's bytes.
DRAWING_CODE = ("curve.py", "curve_data.py")


@functools.cache
def code_digest(modules: tuple[str, ...] = DRAWING_CODE) -> str:
    """A digest of the drawing code: the named modules of this package."""
    digest = hashlib.sha256()
    for name in modules:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


@functools.cache
def matplotlib_version() -> str:
    # From the installed metadata: importing matplotlib to read it would cost what this module avoids.
    return importlib.metadata.version("matplotlib")


def plotted_data(journeys: Sequence[model.AssembledJourney]) -> list[dict[str, Any]]:
    """What the figure shows of each journey, as plain JSON-able data (also hashed to name files)."""
    return [
        {
            "id": j.journey.id,
            "title": j.journey.title,
            "stages": [
                {
                    "id": s.stage.id,
                    "title": s.stage.title,
                    "emotion": s.emotion,
                    "points": [
                        {
                            "id": t.id,
                            "title": t.title,
                            "emotion": t.emotion,
                            "pain": bool(t.barrier),
                            # Only a journey with evidence tells research from guesses.
                            "supported": not j.has_evidence or s.is_supported(t),
                        }
                        for t in s.touchpoints
                        if t.emotion is not None
                    ],
                }
                for s in j.stages
            ],
        }
        for j in journeys
    ]


def curve_points(journey: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The journey's points left to right.

    Each has ``x`` (stage ``i`` spans ``i..i+1``), ``y``, ``id``, ``title``, ``pain``,
    ``stage`` (its stage's title) and ``is_stage`` (a stage plotted at its own emotion).
    """
    points = []
    for column, stage in enumerate(journey["stages"]):
        plotted = stage["points"]
        for n, point in enumerate(plotted):
            x = column + (n + 1) / (len(plotted) + 1)
            points.append({**point, "x": x, "y": point["emotion"], "stage": stage["title"], "is_stage": False})
        if not plotted and stage["emotion"] is not None:
            points.append(
                {
                    "id": stage["id"],
                    "title": stage["title"],
                    "emotion": stage["emotion"],
                    "pain": False,
                    "supported": True,
                    "x": column + 0.5,
                    "y": stage["emotion"],
                    "stage": stage["title"],
                    "is_stage": True,
                }
            )
    return points


def fingerprint(data: Any, fmt: str, *, drawing_code: tuple[str, ...] = DRAWING_CODE, **options: Any) -> str:
    """A digest of everything that shapes a figure's file: data, options, format, matplotlib and the drawing code."""
    key = {
        "data": data,
        "format": fmt,
        "options": options,
        "matplotlib": matplotlib_version(),
        "code": code_digest(drawing_code),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True, ensure_ascii=False, default=list).encode()).hexdigest()


def figure_size(plotted: Sequence[Mapping[str, Any]], size: Sequence[float] | None = None) -> tuple[float, float]:
    """``size`` in inches, or one that gives each stage room for its title."""
    if size:
        return float(size[0]), float(size[1])
    # Pages scale the figure to their column: a narrow figure keeps its text readable there.
    columns = max((len(j["stages"]) for j in plotted), default=0)
    return min(max(6.4, 1.0 + 0.95 * columns), 9.0), 3.9


def resolve_palette(palette: Mapping[str, Any] | Sequence[str] | None) -> dict[str, Any]:
    """:data:`DEFAULT_PALETTE` with the configured colours: a dict overrides keys, a list the lines."""
    if not palette:
        return dict(DEFAULT_PALETTE)
    if isinstance(palette, Mapping):
        return {**DEFAULT_PALETTE, **palette}
    return {**DEFAULT_PALETTE, "lines": list(palette)}


def valid_scale(scale: Any) -> bool:
    return model.parse_scale(scale) is not None


def stage_titles(plotted: Sequence[Mapping[str, Any]], columns: int) -> list[str]:
    """Each column's title; overlaid journeys whose stages differ there show all, in journey order."""
    titles = []
    for column in range(columns):
        names: list[str] = []
        for journey in plotted:
            if column < len(journey["stages"]) and journey["stages"][column]["title"] not in names:
                names.append(journey["stages"][column]["title"])
        titles.append(" / ".join(names))
    return titles


def signed(value: float, language: str | None = None) -> str:
    """``+1``, ``0``, ``−0,5``: the sign tells the side at a glance; the number is written in ``language``."""
    return format_number(value, language, signed=True)


#: Matplotlib's warning for a character its font cannot draw (the figure shows a box instead).
MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from")


@contextlib.contextmanager
def font_problems() -> Iterator[list[model.Problem]]:
    """Collect matplotlib's missing-glyph warnings while drawing as one ``font`` problem; others pass on.

    The list it gives is filled when the block ends.
    """
    problems: list[model.Problem] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield problems
    missing: dict[int, None] = {}
    for warning in caught:
        match = MISSING_GLYPH.search(str(warning.message))
        if match:
            missing[int(match[1])] = None
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if missing:
        characters = " ".join(chr(code) for code in sorted(missing)[:12]) + (" ..." if len(missing) > 12 else "")
        problems.append(
            model.Problem(
                "font",
                f"the curve's font has no glyph for {characters}; they show as boxes. "
                "Set matplotlib's font.sans-serif (rcParams) to a font that has them, or use SVG",
            )
        )
