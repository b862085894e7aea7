"""Checks run once reading is over: coverage lint (opt-in) and data problems found late.

Coverage lint answers "what is this map still missing?" as ``cjm.coverage``
warnings, each behind its own switch in ``cjm_lint`` (all off by default, so ``-W``
fails only on what a team opted into)::

    cjm_lint = ["barrier-without-solution", "stage-without-kpi"]   # or ["all"]
    cjm_lint = {"barrier-without-solution": True}                   # or a dict

Running from ``env-check-consistency`` rather than while reading keeps the warnings
in one order with ``-j`` builds and repeats them on every incremental build that
reads anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from . import model
from .domain import CJMDomain, cjm_domain, record_location, warn
from .registers import barrier_entries

ALL = "all"
Finding = tuple[str, Any, str]  # message, location, the id of the journey it belongs to ('' if none)


def stages(domain: CJMDomain) -> Iterator[tuple[model.AssembledJourney, model.AssembledStage]]:
    for journey_id in domain.objects("journey"):
        assembled = domain.assembled(journey_id)
        if assembled is None:
            continue
        for stage in assembled.stages:
            yield assembled, stage


def stage_without_touchpoints(domain: CJMDomain) -> Iterator[Finding]:
    for journey, stage in stages(domain):
        if not stage.touchpoints:
            yield (
                f"journey {journey.journey.id!r}: stage {stage.stage.id!r} has no touchpoints",
                record_location(stage.stage),
                journey.journey.id,
            )


def barrier_without_solution(domain: CJMDomain) -> Iterator[Finding]:
    for journey, stage in stages(domain):
        for entry in barrier_entries(stage):
            if entry.barrier and not entry.solved:
                where = entry.touchpoint or stage.stage
                yield (
                    f"journey {journey.journey.id!r}, stage {stage.stage.id!r}: barrier {entry.barrier!r:.80} has no solution",
                    record_location(where),
                    journey.journey.id,
                )


def touchpoint_without_emotion(domain: CJMDomain) -> Iterator[Finding]:
    for touchpoint in domain.objects("touchpoint").values():
        if touchpoint.emotion is None:
            yield (
                f"touchpoint {touchpoint.id!r} has no emotion",
                record_location(touchpoint),
                domain.journey_of(touchpoint),
            )


def stage_without_kpi(domain: CJMDomain) -> Iterator[Finding]:
    for journey, stage in stages(domain):
        if not stage.stage.lanes.get("kpis") and not any(t.kpi for t in stage.touchpoints):
            yield (
                f"journey {journey.journey.id!r}: stage {stage.stage.id!r} has no KPI",
                record_location(stage.stage),
                journey.journey.id,
            )


def journey_without_persona(domain: CJMDomain) -> Iterator[Finding]:
    for journey in domain.objects("journey").values():
        if not journey.persona:
            yield f"journey {journey.id!r} has no persona", record_location(journey), journey.id


def emotion_without_evidence(domain: CJMDomain) -> Iterator[Finding]:
    """In a journey with any evidence, each plotted touchpoint that no evidence supports (nor its stage)."""
    for journey, stage in stages(domain):
        if not journey.has_evidence:
            continue
        for point in stage.touchpoints:
            if point.emotion is not None and not stage.is_supported(point):
                yield (
                    f"journey {journey.journey.id!r}: the emotion of touchpoint {point.id!r} rests on no evidence",
                    record_location(point),
                    journey.journey.id,
                )


def recommendation_without_owner(domain: CJMDomain) -> Iterator[Finding]:
    for recommendation in domain.written("recommendation"):
        if not recommendation.owner:
            journey = domain.journey_of(recommendation)
            yield f"recommendation {recommendation.id!r} has no owner", record_location(recommendation), journey


#: Switch name -> check, in the order their warnings are given.
LINT_CHECKS: dict[str, Callable[[CJMDomain], Iterator[Finding]]] = {
    "stage-without-touchpoints": stage_without_touchpoints,
    "barrier-without-solution": barrier_without_solution,
    "touchpoint-without-emotion": touchpoint_without_emotion,
    "stage-without-kpi": stage_without_kpi,
    "journey-without-persona": journey_without_persona,
    "emotion-without-evidence": emotion_without_evidence,
    "recommendation-without-owner": recommendation_without_owner,
}


def enabled_switches(setting: Any, where: str = "cjm_lint", location: Any = None) -> list[str]:
    """The switches ``cjm_lint`` (or a journey's ``:lint:``) turns on, in ``LINT_CHECKS`` order; unknown names warn."""
    if isinstance(setting, dict):
        names = [name for name, on in setting.items() if on]
    elif isinstance(setting, (list, tuple, set, frozenset)):
        names = list(setting)
    else:
        warn(f"{where} must be a list of switch names or a dict of them, not {type(setting).__name__}", "option", None)
        return []
    for name in sorted(map(str, names)):
        if name != ALL and name not in LINT_CHECKS:
            warn(f"{where}: unknown switch {name!r}; switches: {', '.join([ALL, *LINT_CHECKS])}", "option", location)
    return [name for name in LINT_CHECKS if ALL in names or name in names]


def report_data_problems(domain: CJMDomain) -> None:
    """Problems that need the whole project: stage templates, untitled stages, KPI values."""
    for journey, problem in domain.template_problems():
        warn(f"journey {journey.id!r}: {problem.message}", problem.subtype, record_location(journey))
    for stage in domain.objects("stage").values():
        if not stage.title:
            warn(
                f"stage {stage.id!r} has no title and is not a stage of its journey's template",
                "option",
                record_location(stage),
            )
        for item in stage.lanes.get("kpis", []):
            for problem in model.parse_kpi(item)[1]:
                warn(f"stage {stage.id!r}: {problem.message}", problem.subtype, record_location(stage))


def check_project(app: Sphinx, env: BuildEnvironment) -> None:
    """Data problems, then each lint switch's findings; a journey's ``:lint:`` replaces ``cjm_lint`` for it."""
    domain = cjm_domain(env)
    report_data_problems(domain)
    project = enabled_switches(app.config.cjm_lint)
    journeys = [j for j in domain.objects("journey").values() if isinstance(j, model.Journey)]
    of_journey = {
        journey.id: enabled_switches(journey.lint, f"journey {journey.id!r} :lint:", record_location(journey))
        for journey in journeys
        if journey.lint is not None
    }
    for switch in LINT_CHECKS:
        if switch not in project and not any(switch in switches for switches in of_journey.values()):
            continue
        for message, location, journey_id in LINT_CHECKS[switch](domain):
            if switch in of_journey.get(journey_id, project):
                warn(f"{message} [lint: {switch}]", "coverage", location)
