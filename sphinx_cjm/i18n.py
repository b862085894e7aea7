"""Labels shown to readers, translated through message catalogs.

A new language is a ``locale/<lang>/LC_MESSAGES/sphinx_cjm.po`` file (compiled to
``.mo`` by ``make locale``), not a code change. A project may add one of its own, or
override shipped labels, with a ``sphinx_cjm.po`` (or ``.mo``) under one of its
``locale_dirs``.

Labels are asked for in one language at a time (:func:`labels_for`, or
:func:`project_labels` in a Sphinx build), because one site may show journeys in
several languages (a journey's ``:language:``). The module-level ``_`` follows the
project's ``language`` only, for the few texts that belong to the site as a whole.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.locale import get_translation

MESSAGE_CATALOG = "sphinx_cjm"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"

_ = get_translation(MESSAGE_CATALOG)

LANE_LABELS = {
    "actions": _("Actions"),
    "goals": _("Customer goals"),
    "expectations": _("Expectations"),
    "touchpoints": _("Touchpoints"),
    "emotion": _("Emotion"),
    "conversion": _("Conversion"),
    "curve": _("Emotion curve"),
    "positive": _("Positive emotions"),
    "doubts": _("Doubts"),
    "negative": _("Negative emotions"),
    "barriers": _("Barriers"),
    "solutions": _("Solutions"),
    "business-goals": _("Business goals"),
    "kpis": _("KPIs"),
    "backstage": _("Actions inside the company"),
    "owners": _("Responsible"),
    "systems": _("Technology systems"),
    "evidence": _("Physical evidence"),
    "frontstage": _("Frontstage actions"),
    "support": _("Support processes"),
}

FIELD_LABELS = {
    "persona": _("Persona"),
    "segment": _("Segment"),
    "journey": _("Journey"),
    "journeys": _("Journeys"),
    "stage": _("Stage"),
    "channel": _("Channel"),
    "emotion": _("Emotion"),
    "barrier": _("Barrier"),
    "solution": _("Solution"),
    "owner": _("Owner"),
    "kpi": _("KPI"),
    "metric": _("Metric"),
    "metrics": _("Metrics"),
    "plan": _("Plan"),
    "fact": _("Fact"),
    "better": _("Better"),
    "status": _("Status"),
    "reach": _("Reach"),
    "recommendation": _("Recommendation"),
    "addresses": _("Addresses"),
    "type": _("Type"),
    "priority": _("Priority"),
    "impact": _("Impact"),
    "effort": _("Effort"),
    "due": _("Due"),
    "budget": _("Budget"),
    "evidence": _("Evidence"),
    "quote": _("Quote"),
    "kind": _("Kind"),
    "source": _("Source"),
    "supports": _("Supports"),
}

#: The default ``cjm_recommendation_types``: digital changes and changes to business processes.
RECOMMENDATION_TYPES = {"digital": "Digital", "process": "Business process"}
#: Built-in type labels, so the catalog translates them (the config holds the English text).
_TYPE_MESSAGES = (_("Digital"), _("Business process"))
PRIORITY_LABELS = {"high": _("high"), "medium": _("medium"), "low": _("low")}
STATUS_LABELS = {
    "proposed": _("proposed"),
    "planned": _("planned"),
    "in-progress": _("in progress"),
    "done": _("done"),
    "rejected": _("rejected"),
}
EVIDENCE_KIND_LABELS = {
    "quote": _("quote"),
    "interview": _("interview"),
    "survey": _("survey"),
    "analytics": _("analytics"),
    "observation": _("observation"),
    "review": _("review"),
}
#: The impact × effort matrix's quadrants, by (high impact, high effort).
QUADRANT_LABELS = {
    (True, False): _("Quick wins"),
    (True, True): _("Big bets"),
    (False, False): _("Fill-ins"),
    (False, True): _("Money pits"),
}

CHANNEL_LABELS = {"online": _("online"), "offline": _("offline")}

#: Rows of a CSV journey that hold recommendations and research evidence rather than a lane's items.
LINKED_ROW_LABELS = {
    "recommendations": _("Recommendations"),
    "research": _("Research evidence"),
    "touchpoint-recommendations": _("Touchpoint recommendations"),
    "touchpoint-research": _("Touchpoint research evidence"),
}

#: Registers (touchpoint-index, barrier-list), blueprint lines and KPI values.
REGISTER_LABELS = {
    "touchpoint": _("Touchpoint"),
    "group-online": _("Online"),
    "group-offline": _("Offline"),
    "group-": _("No channel"),
    "no-touchpoints": _("No touchpoints match."),
    "no-barriers": _("No barriers match."),
    "no-solution": _("No solution yet"),
    "line-interaction": _("Line of interaction"),
    "line-visibility": _("Line of visibility"),
    "line-internal-interaction": _("Line of internal interaction"),
    "plan": _("plan"),
    "fact": _("fact"),
    "below-plan": _("plan not met"),
    "plan-met": _("plan met"),
    "higher": _("higher is better"),
    "lower": _("lower is better"),
    "unknown": _("no fact yet"),
    "reach": _("reach %s"),
    "of-previous": _("%s of the previous stage"),
    "of-first": _("%s of the first stage"),
    "facts-source": _("Facts from %(file)s, as of %(date)s"),
    "no-recommendations": _("No recommendations match."),
    "no-evidence": _("No evidence matches."),
    "download-csv": _("Download the register as CSV"),
    "no-group": _("Not set"),
    "unsupported": _("No research evidence"),
    "matrix-alt": _("Priority matrix of %(count)d recommendations, impact against effort."),
}

#: A label given in configuration: one text for every language, or ``{language: text}``.
ConfiguredLabel = str | Mapping[str, str]


def msgid(message: object) -> str:
    """The English text (the catalog's key) of a label: Sphinx's lazy message or a plain string."""
    return getattr(message, "_message", None) or str(message)


def base_language(language: str) -> str:
    """``pt_BR`` -> ``pt``; ``ru-RU`` -> ``ru``."""
    return language.replace("-", "_").partition("_")[0].lower()


def pick_label(label: ConfiguredLabel, language: str) -> str | None:
    """The text of a configured label in ``language`` (then its base language, then English); None if it has none."""
    if isinstance(label, str):
        return label
    if not isinstance(label, Mapping):
        return None
    for code in (language, base_language(language), DEFAULT_LANGUAGE):
        text = label.get(code)
        if isinstance(text, str) and text:
            return text
    return next((text for text in label.values() if isinstance(text, str) and text), None)


@functools.cache
def _read_catalog(path: Path, mtime_ns: int) -> dict[str, str]:
    """The messages of one catalog file (``.mo``, or a ``.po`` compiled in memory); ``mtime_ns`` keys the cache."""
    data = path.read_bytes()
    if path.suffix == ".po":
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        compiled = io.BytesIO()
        write_mo(compiled, read_po(io.BytesIO(data)))
        data = compiled.getvalue()
    catalog = gettext.GNUTranslations(io.BytesIO(data))
    return {key: text for key, text in catalog._catalog.items() if isinstance(key, str) and text}  # type: ignore[attr-defined]


class Catalog(gettext.NullTranslations):
    """Messages merged from several catalog files."""

    def __init__(self, messages: Mapping[str, str]) -> None:
        super().__init__()
        self.messages = dict(messages)

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message


def catalog_files(language: str, locale_dirs: Iterable[str | Path]) -> list[Path]:
    """The ``sphinx_cjm`` catalogs for ``language``: the project's directories first, then the shipped one.

    A ``.po`` is read when it is newer than its ``.mo`` (or has none), so a project need not compile it.
    """
    found = []
    for directory in [*locale_dirs, LOCALE_DIR]:
        for code in dict.fromkeys((language, base_language(language))):
            stem = Path(directory, code, "LC_MESSAGES", MESSAGE_CATALOG)
            po, mo = stem.with_suffix(".po"), stem.with_suffix(".mo")
            if po.is_file() and (not mo.is_file() or po.stat().st_mtime_ns > mo.stat().st_mtime_ns):
                found.append(po)
            elif mo.is_file():
                found.append(mo)
    return found


def translations(language: str, locale_dirs: Iterable[str | Path] = ()) -> Catalog:
    """Every catalog for ``language``, merged: the first one that has a message wins."""
    messages: dict[str, str] = {}
    for path in reversed(catalog_files(language, locale_dirs)):
        messages.update(_read_catalog(path, path.stat().st_mtime_ns))
    return Catalog(messages)


def has_catalog(language: str, locale_dirs: Iterable[str | Path] = ()) -> bool:
    """Whether labels exist in ``language``: English always; else a shipped or project catalog."""
    return base_language(language) == DEFAULT_LANGUAGE or bool(catalog_files(language, locale_dirs))


def shipped_languages() -> list[str]:
    return sorted(
        {DEFAULT_LANGUAGE, *(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{MESSAGE_CATALOG}.mo"))}
    )


@dataclass(frozen=True)
class Labels:
    """Every label in one language.

    ``lane_labels`` are the project's own: ``cjm_lanes`` and ``cjm_lane_labels`` merged
    (key -> a text, or ``{language: text}``). A plain-string label is still looked up in
    the catalogs, so a project's ``sphinx_cjm.po`` may translate it.
    """

    language: str = DEFAULT_LANGUAGE
    catalog: gettext.NullTranslations = field(default_factory=gettext.NullTranslations, compare=False, repr=False)
    lane_labels: Mapping[str, ConfiguredLabel] = field(default_factory=dict)

    def gettext(self, message: object) -> str:
        """``message`` (a plain English text or a lazy label) in this language."""
        return self.catalog.gettext(msgid(message))

    __call__ = gettext

    def lane(self, lane: str) -> str:
        """The lane's row label: the project's label first, then the catalog, then the key itself."""
        configured = self.lane_labels.get(lane)
        if configured is not None:
            text = pick_label(configured, self.language)
            if text:
                return self.gettext(text) if isinstance(configured, str) else text
        return self.gettext(LANE_LABELS[lane]) if lane in LANE_LABELS else lane

    def field(self, name: str) -> str:
        return self.gettext(FIELD_LABELS[name])

    def channel(self, name: str) -> str:
        """A channel's name as shown: ``online``/``offline`` translated; a configured name through the catalogs too."""
        return self.gettext(CHANNEL_LABELS.get(name, name))

    def register(self, name: str) -> str:
        return self.gettext(REGISTER_LABELS[name])

    def status(self, key: str) -> str:
        """A recommendation's status as shown (``in-progress``: "in progress", "в работе"); an unknown key as is."""
        return self.gettext(STATUS_LABELS[key]) if key in STATUS_LABELS else key


def recommendation_type_label(key: str, types: Mapping[str, object], labels: Labels) -> str:
    """A type's label from ``cjm_recommendation_types``: a text (looked up in the catalogs) or one per language."""
    configured = types.get(key) if isinstance(types, Mapping) else None
    text = pick_label(configured, labels.language) if isinstance(configured, str | Mapping) else None
    if not text:
        return key
    return labels.gettext(text) if isinstance(configured, str) else text


def labels_for(
    language: str | None,
    locale_dirs: Iterable[str | Path] = (),
    lane_labels: Mapping[str, ConfiguredLabel] | None = None,
) -> Labels:
    """The labels in ``language`` (English when None or empty), from the shipped catalogs and ``locale_dirs``."""
    language = language or DEFAULT_LANGUAGE
    return Labels(language, translations(language, locale_dirs), dict(lane_labels or {}))


def configured_lane_labels(config: Any) -> dict[str, ConfiguredLabel]:
    """The project's lane labels: each ``cjm_lanes`` lane's label, overridden by ``cjm_lane_labels``."""
    lanes = getattr(config, "cjm_lanes", None) or {}
    labels: dict[str, ConfiguredLabel] = {
        str(key): label for key, label in (lanes.items() if isinstance(lanes, Mapping) else []) if label
    }
    overrides = getattr(config, "cjm_lane_labels", None) or {}
    labels.update({str(k): v for k, v in overrides.items() if v} if isinstance(overrides, Mapping) else {})
    return labels


def project_locale_dirs(config: Any, srcdir: str | Path) -> list[Path]:
    return [Path(srcdir, directory) for directory in getattr(config, "locale_dirs", None) or ()]


def project_catalog_stamps(config: Any, srcdir: str | Path) -> dict[str, int]:
    """Each ``sphinx_cjm`` catalog (``.po`` or ``.mo``) in the project's ``locale_dirs``, with its modification time."""
    return {
        path.as_posix(): path.stat().st_mtime_ns
        for directory in project_locale_dirs(config, srcdir)
        for path in sorted(directory.glob(f"*/LC_MESSAGES/{MESSAGE_CATALOG}.[mp]o"))
    }


def project_labels(env: Any, language: str | None = None) -> Labels:
    """The labels of a Sphinx project (its ``env``) in ``language``, by default the project's ``language``.

    For a journey, pass its ``:language:`` (``journey.language``; empty means the project's).
    """
    config = env.config
    return labels_for(
        language or config.language or DEFAULT_LANGUAGE,
        project_locale_dirs(config, env.srcdir),
        configured_lane_labels(config),
    )


def lane_label(lane: str, overrides: Mapping[str, str]) -> str:
    """The lane's row label in the project's language: ``cjm_lane_labels`` first, then the catalog."""
    return str(overrides.get(lane) or LANE_LABELS.get(lane, lane))
