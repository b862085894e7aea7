"""Labels shown to readers, translated through Sphinx's message catalogs.

A new language is a ``locale/<lang>/LC_MESSAGES/sphinx_cjm.po`` file (compiled to
``.mo`` by ``make locale``), not a code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sphinx.locale import get_translation

MESSAGE_CATALOG = "sphinx_cjm"
LOCALE_DIR = Path(__file__).parent / "locale"

_ = get_translation(MESSAGE_CATALOG)

LANE_LABELS = {
    "actions": _("Actions"),
    "goals": _("Customer goals"),
    "expectations": _("Expectations"),
    "touchpoints": _("Touchpoints"),
    "emotion": _("Emotion"),
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
}

CHANNEL_LABELS = {"online": _("online"), "offline": _("offline")}

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
    "below-plan": _("below plan"),
}


def lane_label(lane: str, overrides: Mapping[str, str]) -> str:
    """The lane's row label: ``cjm_lane_labels`` first, then the catalog."""
    return str(overrides.get(lane) or LANE_LABELS.get(lane, lane))
