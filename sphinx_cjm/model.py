"""The journey-map model: plain dataclasses and validation, free of Sphinx.

Directives, YAML/CSV files, tables, curves and the JSON export all share it.
A record knows where it was written (``docname``, ``source``, ``lineno``) so the
Sphinx layer can point a warning at the right line, but nothing here imports Sphinx.
"""

from __future__ import annotations

import datetime
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: Lanes that hold free-text items, one per line (stage options of the same name).
TEXT_LANES: tuple[str, ...] = (
    "actions",
    "goals",
    "expectations",
    "positive",
    "doubts",
    "negative",
    "barriers",
    "solutions",
    "business-goals",
    "kpis",
    "backstage",
    "owners",
    "systems",
    "evidence",
    "frontstage",
    "support",
)
#: Lanes computed from the stage's touchpoints, emotion and reach rather than typed in
#: (``curve``: the emotion curve drawn on the table's grid; by default its last row).
COMPUTED_LANES: tuple[str, ...] = ("touchpoints", "emotion", "conversion", "curve")
LANES: tuple[str, ...] = TEXT_LANES + COMPUTED_LANES

#: Lanes whose rows also gather a field of every touchpoint of the stage.
TOUCHPOINT_FIELD_OF_LANE: Mapping[str, str] = {"barriers": "barrier", "solutions": "solution"}

#: Named lane sets usable in ``:lanes:``, expanded in place.
LANE_PRESETS: Mapping[str, tuple[str, ...]] = {
    # The service blueprint's rows, top to bottom (Shostack; Bitner, Ostrom and Morgan).
    "blueprint": ("evidence", "actions", "frontstage", "backstage", "support"),
}

#: Each lane's zone in a service blueprint, top to bottom: what the customer does and
#: feels, what staff do in the customer's sight, what happens out of sight, and the
#: processes and systems behind it. Lanes not listed (solutions: the map authors'
#: recommendations) stand on neither side and draw no line.
LANE_ZONES: Mapping[str, int] = {
    **dict.fromkeys(
        (
            "evidence",
            "actions",
            "goals",
            "expectations",
            "touchpoints",
            "emotion",
            "positive",
            "doubts",
            "negative",
            "barriers",
        ),
        0,
    ),
    "frontstage": 1,
    **dict.fromkeys(("backstage", "business-goals", "kpis", "owners"), 2),
    **dict.fromkeys(("support", "systems"), 3),
}
#: The blueprint line between two zones, by the zone below it.
ZONE_LINES: Mapping[int, str] = {1: "interaction", 2: "visibility", 3: "internal-interaction"}

#: The kinds of channel; each is also a channel name of its own kind.
CHANNELS: tuple[str, ...] = ("online", "offline")
DEFAULT_CHANNELS: Mapping[str, str] = {kind: kind for kind in CHANNELS}
DEFAULT_EMOTION_SCALE: tuple[float, float] = (-2, 2)
DEFAULT_LANES: tuple[str, ...] = (
    "actions",
    "goals",
    "touchpoints",
    "emotion",
    "barriers",
    "solutions",
)

#: Recommendation vocabularies (``cjm_recommendation_types`` holds the types).
DEFAULT_RECOMMENDATION_TYPES: tuple[str, ...] = ("digital", "process")
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
RECOMMENDATION_STATUSES: tuple[str, ...] = ("proposed", "planned", "in-progress", "done", "rejected")
DEFAULT_STATUS = "proposed"
#: Impact and effort are scored on this closed scale.
SCORE_RANGE: tuple[int, int] = (1, 5)
EVIDENCE_KINDS: tuple[str, ...] = ("quote", "interview", "survey", "analytics", "observation", "review")

ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Number = int | float


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; ``subtype`` becomes the warning's ``cjm.*`` type."""

    subtype: str
    message: str


@dataclass
class Origin:
    """Where an object was written: its document, and the file and line of its text."""

    docname: str = ""
    source: str = ""
    lineno: int = 0
    #: The object's HTML anchor where its id was already an HTML id on the page ('' when the anchor is the id).
    anchor: str = ""
    #: Where the id was derived from the title: the parent id it was derived under ('' for none); None if given.
    derived_from: str | None = None


@dataclass
class Persona:
    id: str
    title: str
    segment: str = ""
    origin: Origin = field(default_factory=Origin)


@dataclass
class Journey:
    id: str
    title: str
    persona: str = ""
    lanes: list[str] = field(default_factory=lambda: list(DEFAULT_LANES))
    stage_order: list[str] = field(default_factory=list)
    origin: Origin = field(default_factory=Origin)
    #: The language its table, curve and registers are labelled in; '' for the project's.
    language: str = ""
    #: Lint switches for this journey only, replacing the project's; None for the project's.
    lint: list[str] | None = None
    #: Titles of the stages its ``cjm_stage_templates`` give, by stage id: texts of its page, so translated there.
    stage_titles: dict[str, str] = field(default_factory=dict)
    #: Whether its map shows the emotion curve (``:no-curve:`` turns it off), on its page and its full-map page.
    curve: bool = True


@dataclass
class Stage:
    id: str
    title: str
    journey: str
    lanes: dict[str, list[str]] = field(default_factory=dict)
    emotion: Number | None = None
    #: Position among the stages nested in the journey directive; None when written elsewhere.
    nested_index: int | None = None
    origin: Origin = field(default_factory=Origin)
    #: Made from the journey's stage template, with no ``stage`` directive of its own.
    from_template: bool = False
    #: How many customers reach the stage (the funnel).
    reach: int | None = None


@dataclass
class Touchpoint:
    id: str
    title: str
    stage: str
    #: The channel's name, and its kind (``online`` or ``offline``).
    channel: str = ""
    emotion: Number | None = None
    barrier: str = ""
    solution: str = ""
    owner: str = ""
    kpi: str = ""
    nested_index: int | None = None
    origin: Origin = field(default_factory=Origin)
    channel_kind: str = ""


@dataclass
class Metric:
    """A measured value of a stage: its plan (a number or a range, with a unit) and its fact."""

    id: str
    title: str
    stage: str
    plan: str = ""
    fact: str = ""
    #: ``higher`` or ``lower``: which way of the plan the fact should lie.
    better: str = "higher"
    nested_index: int | None = None
    origin: Origin = field(default_factory=Origin)
    #: The facts file (source-relative) the fact was read from, and the fact's date there.
    fact_source: str = ""
    fact_date: str = ""


@dataclass
class Recommendation:
    """A change the map recommends, addressing touchpoints or stages (their barriers count as solved)."""

    id: str
    title: str
    #: Ids of the touchpoints and stages it addresses.
    addresses: list[str] = field(default_factory=list)
    type: str = ""
    priority: str = ""
    impact: int | None = None
    effort: int | None = None
    owner: str = ""
    status: str = DEFAULT_STATUS
    #: An ISO date, ``YYYY-MM-DD``.
    due: str = ""
    budget: str = ""
    origin: Origin = field(default_factory=Origin)

    @property
    def score(self) -> float | None:
        """Impact per unit of effort: the higher, the sooner it pays."""
        if self.impact is None or self.effort is None:
            return None
        return self.impact / self.effort


@dataclass
class Evidence:
    """Research behind the map: a quote, an interview, analytics... supporting touchpoints or stages."""

    id: str
    title: str
    kind: str = ""
    source: str = ""
    #: Ids of the touchpoints and stages it supports.
    supports: list[str] = field(default_factory=list)
    origin: Origin = field(default_factory=Origin)


@dataclass
class AssembledStage:
    stage: Stage
    touchpoints: list[Touchpoint]
    #: The stage's own emotion, or the mean of its touchpoints' emotions.
    emotion: Number | None
    metrics: list[Metric] = field(default_factory=list)
    #: Recommendations and evidence by the id of the stage or touchpoint they address or support.
    recommendations: dict[str, list[Recommendation]] = field(default_factory=dict)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    def recommendations_of(self, object_id: str) -> list[Recommendation]:
        return self.recommendations.get(object_id, [])

    def evidence_of(self, object_id: str) -> list[Evidence]:
        return self.evidence.get(object_id, [])

    def all_recommendations(self) -> list[Recommendation]:
        """Those addressing the stage or any of its touchpoints, each once, the stage's first."""
        found: dict[str, Recommendation] = {}
        for object_id in [self.stage.id, *(t.id for t in self.touchpoints)]:
            for recommendation in self.recommendations_of(object_id):
                found.setdefault(recommendation.id, recommendation)
        return list(found.values())

    def is_supported(self, touchpoint: Touchpoint) -> bool:
        """Whether evidence supports the touchpoint or its stage."""
        return bool(self.evidence_of(touchpoint.id) or self.evidence_of(self.stage.id))

    def lane_items(self, lane: str) -> list[str]:
        """The stage's items for a text lane, plus the matching field of its touchpoints."""
        items = list(self.stage.lanes.get(lane, []))
        touchpoint_field = TOUCHPOINT_FIELD_OF_LANE.get(lane)
        if touchpoint_field:
            items += [getattr(t, touchpoint_field) for t in self.touchpoints if getattr(t, touchpoint_field)]
        return items


@dataclass
class AssembledJourney:
    journey: Journey
    persona: Persona | None
    stages: list[AssembledStage]

    @property
    def has_evidence(self) -> bool:
        return any(stage.evidence for stage in self.stages)


# --- parsing and validation of single values -------------------------------------------------


def normalise_number(value: float) -> Number:
    """Keep integral values as ints so ``1`` stays ``1`` in tables and the export."""
    rounded = round(value, 4)
    return int(rounded) if float(rounded).is_integer() else rounded


#: A number as people type it: an optional sign (``-``, ``+`` or the real minus U+2212), digits
#: (thousands may be grouped by spaces), a decimal point or comma, an exponent. No underscores or other digits.
_NUMBER = re.compile(
    r"[-+\u2212]?(?:[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?|[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)"
    r"(?:[eE][-+]?[0-9]+)?"
)


def parse_number(raw: object) -> float | None:
    """A finite number from any source (directive option, YAML, CSV, command line); None if it is not one.

    Accepts ``-1``, ``\u22121``, ``+1``, ``1.5`` and ``1,5``; a YAML number as it was read; never a bool.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # an integer beyond any float
            return None
    elif isinstance(raw, str) and _NUMBER.fullmatch(text := raw.strip()):
        value = float(re.sub(r"[ \u00a0\u202f]", "", text).replace("\u2212", "-").replace(",", "."))
    else:
        return None
    return value if math.isfinite(value) else None


def as_written(raw: object, limit: int = 40) -> str:
    """A value as the user wrote it, shortened for a message."""
    text = str(raw).strip()
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def parse_emotion(raw: object, scale: tuple[float, float]) -> tuple[Number | None, list[Problem]]:
    """An emotion score inside ``scale``; anything else is dropped with a problem."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, []
    value = parse_number(raw)
    low, high = scale
    if value is None:
        return None, [Problem("emotion", f"emotion {as_written(raw)} is not a number; it is ignored")]
    if not low <= value <= high:
        return None, [
            Problem("emotion", f"emotion {as_written(raw)} is outside the scale {low:g}..{high:g}; it is ignored")
        ]
    return normalise_number(value), []


#: Mermaid's journey diagrams score each task from 1 (worst) to 5 (best).
MERMAID_SCORES = (1, 5)
#: How a touchpoint read from Mermaid names its actors, when only some of the journey's do the task.
MERMAID_ACTORS_NOTE = "Actors:"


def emotion_of_score(score: float, scale: tuple[float, float]) -> Number:
    """A Mermaid score placed on the emotion scale, linearly: 1 is its low end, 5 its high end."""
    (first, last), (low, high) = MERMAID_SCORES, scale
    return normalise_number(low + (score - first) * (high - low) / (last - first))


def score_of_emotion(emotion: float, scale: tuple[float, float]) -> Number:
    """The inverse of :func:`emotion_of_score`, to two decimals."""
    (first, last), (low, high) = MERMAID_SCORES, scale
    return normalise_number(round(first + (emotion - low) * (last - first) / (high - low), 2))


def parse_scale(raw: object) -> tuple[float, float] | None:
    """An emotion scale ``(low, high)``: two finite numbers, low below high; None if ``raw`` is not one."""
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        return None
    low, high = (parse_number(v) for v in raw)
    if low is None or high is None or not low < high:
        return None
    return normalise_number(low), normalise_number(high)


#: What cannot stand in XML or HTML text and attributes: control characters other than tab and line
#: ends (C0, DEL, C1), lone surrogates (no encoding can write them) and the noncharacters U+FFFE/U+FFFF.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> tuple[str, list[Problem]]:
    """``text`` with every character that cannot be shown replaced by U+FFFD, and a problem naming them."""
    found = sorted(set(_UNSHOWABLE.findall(text)))
    if not found:
        return text, []
    names = ", ".join(f"U+{ord(ch):04X}" for ch in found[:5]) + (", ..." if len(found) > 5 else "")
    message = f"control characters or invalid code points ({names}) replaced by U+FFFD"
    return _UNSHOWABLE.sub(REPLACEMENT, text), [Problem("text", message)]


def parse_channel(raw: str | None, channels: Mapping[str, str] = DEFAULT_CHANNELS) -> tuple[str, str, list[Problem]]:
    """A channel name of ``channels`` (name -> kind), its kind, and problems; unknown names are dropped."""
    channel = (raw or "").strip().lower()
    if not channel:
        return "", "", []
    if channel in channels:
        return channel, channels[channel], []
    return "", "", [Problem("option", f"unknown channel {raw!r:.40}; use one of: {', '.join(channels)}")]


#: Names a configured lane may not take: the stage directive's other options and the lane presets.
RESERVED_LANE_NAMES = frozenset({"id", "journey", "emotion", "title", "description", "touchpoints", *LANE_PRESETS})
LANE_KEY = re.compile(r"^[a-z][a-z0-9-]*$")


def configured_lanes(setting: object) -> tuple[dict[str, object], list[Problem]]:
    """The text lanes ``cjm_lanes`` adds (key -> label as given), and problems with the setting."""
    if not setting:
        return {}, []
    if not isinstance(setting, Mapping):
        return {}, [Problem("option", f"cjm_lanes must be a dict of lane key to label, not {type(setting).__name__}")]
    lanes: dict[str, object] = {}
    problems: list[Problem] = []
    for key, label in setting.items():
        if not isinstance(key, str) or not LANE_KEY.match(key):
            problems.append(
                Problem("option", f"cjm_lanes: {key!r:.40} is not a lane key (lowercase letters, digits, '-')")
            )
        elif key in LANES or key in RESERVED_LANE_NAMES:
            problems.append(Problem("option", f"cjm_lanes: {key!r} is already a lane or an option of a stage"))
        elif not (
            isinstance(label, str) or (isinstance(label, Mapping) and all(isinstance(v, str) for v in label.values()))
        ):
            problems.append(
                Problem("option", f"cjm_lanes[{key!r}]: the label must be a string or a dict of language to string")
            )
        else:
            lanes[key] = label
    return lanes, problems


def configured_channels(setting: object) -> tuple[dict[str, str], list[Problem]]:
    """Channel name -> kind: ``online`` and ``offline``, plus what ``cjm_channels`` adds; and problems."""
    channels = dict(DEFAULT_CHANNELS)
    if not setting:
        return channels, []
    if not isinstance(setting, Mapping):
        return channels, [
            Problem("option", f"cjm_channels must be a dict of channel name to kind, not {type(setting).__name__}")
        ]
    problems = []
    for name, kind in setting.items():
        key = name.strip().lower() if isinstance(name, str) else ""
        if not key or not ID_PATTERN.match(key):
            problems.append(
                Problem("option", f"cjm_channels: {name!r:.40} is not a channel name (letters, digits, '-', '_', '.')")
            )
        elif kind not in CHANNELS:
            problems.append(
                Problem("option", f"cjm_channels[{name!r}]: the kind must be one of: {', '.join(CHANNELS)}")
            )
        elif key in CHANNELS and kind != key:
            problems.append(Problem("option", f"cjm_channels: {key!r} is always of kind {key!r}"))
        else:
            channels[key] = kind
    return channels, problems


def check_id(object_id: str) -> list[Problem]:
    if ID_PATTERN.match(object_id):
        return []
    return [Problem("option", f"id {object_id!r:.60} may hold only ASCII letters, digits, '-', '_' and '.'")]


def split_items(raw: str | None) -> list[str]:
    """One item per line; blank lines dropped."""
    return [line.strip() for line in (raw or "").splitlines() if line.strip()]


def split_list(raw: str | None) -> list[str]:
    """A comma- or whitespace-separated list (lanes, stage ids)."""
    return [part for part in re.split(r"[\s,]+", raw or "") if part]


def parse_choice(raw: object, allowed: Iterable[str], what: str) -> tuple[str, list[Problem]]:
    """One of ``allowed`` (case and surrounding space ignored); anything else is dropped with a problem."""
    text = str(raw).strip() if raw is not None else ""
    value = text.lower()
    allowed = list(allowed)
    if not value or value in allowed:
        return value, []
    return "", [Problem("option", f"unknown {what} {text!r:.40}; use one of: {', '.join(allowed)}")]


def parse_score(raw: object, what: str) -> tuple[int | None, list[Problem]]:
    """A whole number on :data:`SCORE_RANGE` (impact, effort); anything else is dropped with a problem."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, []
    low, high = SCORE_RANGE
    text = str(raw).strip()
    if isinstance(raw, bool) or not re.fullmatch(r"[+]?\d+", text) or not low <= int(text) <= high:
        return None, [
            Problem("option", f"{what} {text!r:.40} is not a whole number from {low} to {high}; it is ignored")
        ]
    return int(text), []


def parse_date(raw: object) -> tuple[str, list[Problem]]:
    """An ISO date (``2027-03-01``) as text; YAML's own dates are accepted too."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "", []
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw.isoformat(), []
    text = str(raw).strip()
    if ISO_DATE.match(text):
        try:
            return datetime.date.fromisoformat(text).isoformat(), []
        except ValueError:
            pass
    return "", [Problem("option", f"due date {text!r:.40} is not an ISO date such as 2027-03-01; it is ignored")]


def parse_lanes(
    raw: str | Iterable[str] | None, default: Iterable[str], extra_lanes: Iterable[str] = ()
) -> tuple[list[str], list[Problem]]:
    """Lane keys in order, presets expanded; ``extra_lanes`` are the project's own (``cjm_lanes``)."""
    names = split_list(raw) if isinstance(raw, str) or raw is None else [str(n) for n in raw]
    if not names:
        names = list(default)
    names = [lane for name in names for lane in LANE_PRESETS.get(name.strip().lower(), (name,))]
    lanes = (*LANES, *extra_lanes)
    known, problems = [], []
    for name in names:
        key = name.strip().lower()
        if key in lanes:
            if key not in known:
                known.append(key)
        else:
            problems.append(Problem("option", f"unknown lane {name!r:.40}; known lanes: {', '.join(lanes)}"))
    return known, problems


def blueprint_lines(lanes: Iterable[str]) -> dict[int, str]:
    """Row index -> the blueprint line drawn above that row.

    A line is drawn where the rows first pass into a lower zone (see ``LANE_ZONES``);
    passing from the customer's side straight to hidden work crosses the line of
    visibility. Each line is drawn once.
    """
    lines: dict[int, str] = {}
    zone = None
    for row, lane in enumerate(lanes):
        lane_zone = LANE_ZONES.get(lane)
        if lane_zone is None:
            continue
        if zone is not None and lane_zone > zone:
            line = ZONE_LINES[2] if zone < 2 <= lane_zone else ZONE_LINES[lane_zone]
            if line not in lines.values():
                lines[row] = line
        zone = lane_zone if zone is None else max(zone, lane_zone)
    return lines


# --- KPIs and metrics with plan and fact --------------------------------------------------------

#: A number: spaces may group thousands; comma or point decimals; an ASCII or a real minus.
NUMBER = r"[-\u2212+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|[-\u2212+]?\d+(?:[.,]\d+)?"
#: ``40%``, ``15 000 ₽``, a range ``35–40 days``, a bound ``≤ 40 days``: numbers, then a unit without digits.
MEASURE = re.compile(
    rf"^(?P<bound>[\u2264\u2265]|<=|>=)?\s*(?P<low>{NUMBER})"
    rf"(?:\s*(?:\u2013|\u2014|-|\.\.)\s*(?P<high>{NUMBER}))?(?P<space>\s*)(?P<unit>[^\d]*)$"
)
#: ``Name: plan / fact``, split at the last colon.
KPI_PLAN_FACT = re.compile(r"^(?P<name>.*\S)\s*:\s*(?P<plan>[^:/]*?)\s*/\s*(?P<fact>[^:/]*?)\s*$")
BETTER = ("higher", "lower")
#: Whether a fact meets its plan, as the JSON export and the table's classes name it.
STATUSES = ("met", "below", "unknown")


@dataclass(frozen=True)
class Measure:
    """A planned or measured value: one number (``low == high``) or a range, and its unit as written."""

    low: float
    high: float
    unit: str = ""
    #: A space stood between the number and the unit.
    spaced: bool = False
    #: ``lower`` for a plan written ``≤ 40``, ``higher`` for ``≥ 40``, else ''.
    better: str = ""

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def parse_measure(text: str) -> Measure | None:
    """``40%``, ``35–40 days``, ``≤ 40 days`` -> a :class:`Measure`; None when it is not one."""
    match = MEASURE.match(text.strip())
    if not match:
        return None
    low = parse_number(match["low"])
    high = parse_number(match["high"]) if match["high"] else low
    if low is None or high is None or high < low:
        return None
    bound = {"\u2264": "lower", "<=": "lower", "\u2265": "higher", ">=": "higher"}.get(match["bound"] or "", "")
    unit = match["unit"].strip()
    return Measure(low, high, unit, bool(match["space"]) and bool(unit), bound)


def judge(plan: Measure, fact: float, better: str) -> str:
    """``met`` or ``below``: a fact inside the planned range is met, beyond it on the ``better`` side too.

    ``better`` empty (a range in an old ``Name: plan / fact`` item, which names no
    direction): a fact outside the range is below it.
    """
    if plan.low <= fact <= plan.high:
        return "met"
    if better == "higher":
        return "met" if fact > plan.high else "below"
    if better == "lower":
        return "met" if fact < plan.low else "below"
    return "below"


def metric_status(metric: Metric) -> str:
    """``met``, ``below``, or ``unknown`` when the plan or the fact is missing or not a number."""
    plan, fact = parse_measure(metric.plan), parse_measure(metric.fact)
    if plan is None or fact is None or fact.is_range:
        return "unknown"
    return judge(plan, fact.low, metric.better)


def check_metric_values(plan: str, fact: str, better: str) -> list[Problem]:
    """Problems with a metric's ``plan``, ``fact`` and ``better`` as written (empty values are fine)."""
    problems = []
    if plan.strip() and parse_measure(plan) is None:
        problems.append(Problem("metric", f"plan {plan!r:.60} is not a number or a range with an optional unit"))
    measured = parse_measure(fact) if fact.strip() else None
    if fact.strip() and (measured is None or measured.is_range):
        problems.append(Problem("metric", f"fact {fact!r:.60} is not one number with an optional unit"))
    if better and better not in BETTER:
        problems.append(Problem("metric", f"better {better!r:.40} is not one of: {', '.join(BETTER)}"))
    return problems


def metric_better(better: str, plan: str) -> str:
    """``:better:`` as given, else from the plan's bound (``≤ 40``: lower), else ``higher``."""
    better = better.strip().lower()
    if better in BETTER:
        return better
    measure = parse_measure(plan)
    return measure.better if measure and measure.better else "higher"


def parse_reach(raw: object) -> tuple[int | None, list[Problem]]:
    """A stage's reach: a whole number of customers, not negative (thousands may be grouped)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, []
    text = str(raw).strip()
    value = parse_number(text) if re.fullmatch(r"\+?\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\+?\d+", text) else None
    # Past 2**53 a float no longer holds every whole number: no funnel is that wide.
    if not isinstance(raw, bool) and value is not None and value < 2**53:
        return int(value), []
    return None, [Problem("option", f"reach {text!r:.40} is not a whole number of customers; it is ignored")]


@dataclass(frozen=True)
class Conversion:
    """A stage's reach and its share of the previous stage's and of the first stage's (0..1)."""

    reach: int | None
    of_previous: float | None
    of_first: float | None


def conversions(stages: Iterable[AssembledStage]) -> list[Conversion]:
    """The funnel: each stage's reach, as a share of the stage before it and of the first."""
    result: list[Conversion] = []
    first = previous = None
    for stage in stages:
        reach = stage.stage.reach
        if first is None and reach is not None:
            first = reach
        result.append(
            Conversion(
                reach,
                reach / previous if reach is not None and previous else None,
                reach / first if reach is not None and first else None,
            )
        )
        previous = reach
    return result


@dataclass(frozen=True)
class KpiValue:
    name: str
    plan: str
    fact: str
    status: str

    @property
    def below_plan(self) -> bool:
        return self.status == "below"


def parse_kpi(item: str) -> tuple[KpiValue | None, list[Problem]]:
    """``Visits with a first order: 40% / 27%`` -> name, plan, fact; a plain name -> None.

    The plan may be a range (``35–40 days``: a fact inside it is met) or a bound
    (``≤ 40 days``: lower is better); a plain number plan is met by a fact as high or higher.
    """
    match = KPI_PLAN_FACT.match(item.strip())
    if not match:
        return None, []
    plan, fact = parse_measure(match["plan"]), parse_measure(match["fact"])
    if plan is None or fact is None or fact.is_range or fact.better:
        return None, [
            Problem(
                "option",
                f"KPI {item!r:.80}: plan and fact must each be one number with an optional unit "
                "(the plan may be a range), as in 'Visits with a first order: 40% / 27%'",
            )
        ]
    better = plan.better or ("" if plan.is_range else "higher")
    return KpiValue(match["name"], match["plan"], match["fact"], judge(plan, fact.low, better)), []


def stage_kpi_values(stage: Stage) -> list[KpiValue]:
    """The stage's KPIs that carry plan and fact values (malformed ones left out)."""
    return [value for value in (parse_kpi(item)[0] for item in stage.lanes.get("kpis", [])) if value]


def export_metric(metric: Metric) -> dict:
    return {
        "id": metric.id,
        "title": metric.title,
        "stage": metric.stage,
        "plan": metric.plan,
        "fact": metric.fact,
        "better": metric.better,
        "status": metric_status(metric),
    }


# --- ids derived from titles -----------------------------------------------------------------

# The transliteration table reads best as two lines, letter above letter.
# fmt: off
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "-", "y", "-", "e", "yu", "ya", "i", "yi", "ye", "g", "u"],
        strict=True,
    )
)
# fmt: on


def slugify(title: str) -> str:
    """An ASCII id fragment for a title: Cyrillic transliterated, other letters folded."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in title.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def derive_id(title: str, parent_id: str, kind: str, position: int) -> str:
    """``<parent>-<slug>``; where the title leaves no ASCII slug, ``<parent>-<kind>-<n>``."""
    slug = slugify(title)[:48].strip("-") or f"{kind}-{position}"
    return f"{parent_id}-{slug}" if parent_id else slug


def unique_id(candidate: str, taken: set[str]) -> str:
    """``candidate``, or ``candidate-2``, ``-3``... if it is already taken."""
    if candidate not in taken:
        return candidate
    return next(f"{candidate}-{n}" for n in itertools.count(2) if f"{candidate}-{n}" not in taken)


# --- assembly --------------------------------------------------------------------------------


def _written_order(obj: Stage | Touchpoint | Metric) -> tuple:
    """Nested objects first in their order, then the rest by document and line."""
    nested = obj.nested_index is not None
    return (0, obj.nested_index, "", 0) if nested else (1, 0, obj.origin.docname, obj.origin.lineno)


def mean_emotion(touchpoints: Iterable[Touchpoint]) -> Number | None:
    values = [t.emotion for t in touchpoints if t.emotion is not None]
    return normalise_number(sum(values) / len(values)) if values else None


def assemble(
    journey: Journey,
    persona: Persona | None,
    stages: Iterable[Stage],
    touchpoints: Iterable[Touchpoint],
    metrics: Iterable[Metric] = (),
    recommendations: Iterable[Recommendation] = (),
    evidence: Iterable[Evidence] = (),
) -> AssembledJourney:
    """Order a journey's stages and touchpoints and compute what is derived from them.

    Stage order: ``journey.stage_order`` first, then nested stages in order, then the
    others by document name and line. ``stages``, ``touchpoints``, ``metrics``,
    ``recommendations`` and ``evidence`` may hold objects of other journeys; they are
    filtered here, and the last two keep the order given.
    """
    own_stages = sorted((s for s in stages if s.journey == journey.id), key=_written_order)
    rank = {stage_id: n for n, stage_id in enumerate(journey.stage_order)}
    own_stages.sort(key=lambda s: rank.get(s.id, len(rank)))
    by_stage: dict[str, list[Touchpoint]] = {s.id: [] for s in own_stages}
    for touchpoint in touchpoints:
        if touchpoint.stage in by_stage:
            by_stage[touchpoint.stage].append(touchpoint)
    metrics_of: dict[str, list[Metric]] = {s.id: [] for s in own_stages}
    for metric in metrics:
        if metric.stage in metrics_of:
            metrics_of[metric.stage].append(metric)
    assembled = []
    for stage in own_stages:
        points = sorted(by_stage[stage.id], key=_written_order)
        emotion = stage.emotion if stage.emotion is not None else mean_emotion(points)
        own_ids = {stage.id, *(t.id for t in points)}
        assembled.append(
            AssembledStage(
                stage,
                points,
                emotion,
                sorted(metrics_of[stage.id], key=_written_order),
                recommendations=_by_target(recommendations, "addresses", own_ids),
                evidence=_by_target(evidence, "supports", own_ids),
            )
        )
    return AssembledJourney(journey, persona, assembled)


def fragment(
    assembled: AssembledJourney, stage_ids: Iterable[str] | None, lanes: Iterable[str] | None
) -> tuple[AssembledJourney, list[str]]:
    """The journey with only the given stages (in the order given) and lanes; None keeps all.

    Returns the fragment and the stage ids that are not stages of the journey.
    """
    stages, unknown = assembled.stages, []
    if stage_ids is not None:
        by_id = {s.stage.id: s for s in assembled.stages}
        unknown = [stage_id for stage_id in stage_ids if stage_id not in by_id]
        stages = [by_id[stage_id] for stage_id in dict.fromkeys(stage_ids) if stage_id in by_id]
    journey = assembled.journey if lanes is None else replace(assembled.journey, lanes=list(lanes))
    return AssembledJourney(journey, assembled.persona, stages), unknown


def _by_target(records: Iterable[Any], targets: str, wanted: set[str]) -> dict[str, list[Any]]:
    """Target id -> the records naming it in their ``targets`` field, for the ids in ``wanted``."""
    found: dict[str, list[Any]] = {}
    for record in records:
        for target in dict.fromkeys(getattr(record, targets)):
            if target in wanted:
                found.setdefault(target, []).append(record)
    return found


@dataclass(frozen=True)
class Limits:
    """The most stages, touchpoints and lanes a journey shows (``cjm_max_stages``, ...)."""

    stages: int = 100
    touchpoints: int = 1000
    lanes: int = 50


def limit_problems(journey_id: str, stages: int, touchpoints: int, lanes: int, limits: Limits) -> list[Problem]:
    """What :func:`apply_limits` leaves out of a journey of that size, one problem per limit passed."""
    counts = {"stages": (stages, limits.stages), "touchpoints": (touchpoints, limits.touchpoints)}
    counts["lanes"] = (lanes, limits.lanes)
    return [
        Problem(
            "limit",
            f"journey {journey_id!r} has {count} {what}, more than cjm_max_{what} ({limit}); "
            f"only the first {limit} are shown",
        )
        for what, (count, limit) in counts.items()
        if count > limit
    ]


def apply_limits(assembled: AssembledJourney, limits: Limits) -> AssembledJourney:
    """The journey cut to ``limits``: first stages, touchpoints and lanes in order."""
    stages, room = [], limits.touchpoints
    for stage in assembled.stages[: limits.stages]:
        points = stage.touchpoints[: max(room, 0)]
        room -= len(points)
        stages.append(
            stage if len(points) == len(stage.touchpoints) else AssembledStage(stage.stage, points, stage.emotion)
        )
    journey = assembled.journey
    if len(journey.lanes) > limits.lanes:
        journey = replace(journey, lanes=journey.lanes[: limits.lanes])
    return AssembledJourney(journey, assembled.persona, stages)


def export_journey(assembled: AssembledJourney) -> dict:
    """The journey as the JSON export shows it (contract order of keys)."""
    journey = assembled.journey
    return {
        "id": journey.id,
        "title": journey.title,
        "persona": journey.persona,
        "docname": journey.origin.docname,
        "lanes": list(journey.lanes),
        "stages": [
            {
                "id": s.stage.id,
                "title": s.stage.title,
                "docname": s.stage.origin.docname,
                "emotion": s.emotion,
                "lanes": {lane: items for lane, items in s.stage.lanes.items() if items},
                "touchpoints": [
                    {
                        "id": t.id,
                        "title": t.title,
                        "docname": t.origin.docname,
                        "channel": t.channel,
                        "channel_kind": t.channel_kind,
                        "emotion": t.emotion,
                        "barrier": t.barrier,
                        "solution": t.solution,
                        "owner": t.owner,
                        "kpi": t.kpi,
                        "evidence": [e.id for e in s.evidence_of(t.id)],
                    }
                    for t in s.touchpoints
                ],
                "kpi_values": [
                    {"name": k.name, "plan": k.plan, "fact": k.fact, "below_plan": k.below_plan}
                    for k in stage_kpi_values(s.stage)
                ],
                "reach": s.stage.reach,
                "evidence": [e.id for e in s.evidence_of(s.stage.id)],
            }
            for s in assembled.stages
        ],
        "metrics": [export_metric(m) for s in assembled.stages for m in s.metrics],
    }


def export_recommendation(recommendation: Recommendation, journey: str) -> dict:
    """A recommendation as the JSON export shows it (contract order of keys)."""
    r = recommendation
    return {
        "id": r.id,
        "title": r.title,
        "docname": r.origin.docname,
        "journey": journey,
        "addresses": list(r.addresses),
        "type": r.type,
        "priority": r.priority,
        "impact": r.impact,
        "effort": r.effort,
        "owner": r.owner,
        "status": r.status,
        "due": r.due,
        "budget": r.budget,
    }


def export_evidence(evidence: Evidence) -> dict:
    e = evidence
    return {
        "id": e.id,
        "title": e.title,
        "docname": e.origin.docname,
        "kind": e.kind,
        "source": e.source,
        "supports": list(e.supports),
    }


def export_persona(persona: Persona) -> dict:
    return {"id": persona.id, "title": persona.title, "segment": persona.segment, "docname": persona.origin.docname}
