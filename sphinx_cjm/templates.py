"""Stage templates: ``:stages: template:NAME`` fills a journey's stages from a named list.

A templated stage's id is ``<journey-id>-<slug>``, the slug made from the English
title, so ids stay the same whatever the project's language. The template fixes the
stages' order and default titles (built-in titles translated through the message
catalog); a ``stage`` directive with a templated id adds its lanes, emotion and
touchpoints, and a title it gives replaces the template's. A templated stage with no
directive of its own is still a column of the map.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from . import model

#: Translates a built-in title into the language of the journey it is shown in.
Translate = Callable[[str], str]

TEMPLATE_PREFIX = "template:"

#: Built-in templates; the English titles are msgids of the message catalog (see domain.md).
BUILTIN_TEMPLATES: Mapping[str, tuple[str, ...]] = {
    "retail": (
        "Awareness and information search",
        "Choosing a company",
        "Studying the site and shop",
        "Store visit",
        "Contract or purchase",
        "Delivery, installation, warranty",
        "Keeping in touch, repeat purchase",
    ),
    "normative": ("First comprehension", "Evaluation", "Deal", "Experience", "Trigger", "Loyalty loop"),
    "classic": ("Awareness", "Consideration", "Purchase", "Retention", "Advocacy"),
}


@dataclasses.dataclass(frozen=True)
class TemplateStage:
    slug: str
    title: str


def template_stages(
    name: str, user_templates: Mapping[str, Any], translate: Translate = str
) -> tuple[list[TemplateStage] | None, list[model.Problem]]:
    """The stages of template ``name`` (``cjm_stage_templates`` first, then built-ins); None if unknown.

    A user template is a list whose entries are titles (slug from the title) or
    ``{"id": slug, "title": title}`` mappings.
    """
    if name in user_templates:
        entries = user_templates[name]
        if isinstance(entries, (str, bytes)) or not isinstance(entries, (list, tuple)):
            return None, [model.Problem("option", f"cjm_stage_templates[{name!r}] must be a list of stage titles")]
        stages, problems = [], []
        for position, entry in enumerate(entries, start=1):
            if isinstance(entry, Mapping) and isinstance(entry.get("title"), str):
                title, slug = entry["title"], str(entry.get("id") or "")
            elif isinstance(entry, str):
                title, slug = entry, ""
            else:
                problems.append(
                    model.Problem(
                        "option",
                        f"cjm_stage_templates[{name!r}]: entry {entry!r:.40} is not a title or an {{id, title}} mapping",
                    )
                )
                continue
            slug = slug or model.slugify(title)[:48].strip("-") or f"stage-{position}"
            problems += model.check_id(slug)
            stages.append(TemplateStage(slug, title))
        return stages, problems
    if name in BUILTIN_TEMPLATES:
        return [TemplateStage(model.slugify(title), translate(title)) for title in BUILTIN_TEMPLATES[name]], []
    known = sorted({*BUILTIN_TEMPLATES, *user_templates})
    return None, [model.Problem("option", f"unknown stage template {name!r:.40}; known templates: {', '.join(known)}")]


def expand_stage_order(
    journey: model.Journey, user_templates: Mapping[str, Any], translate: Translate = str
) -> tuple[list[str], dict[str, str], list[model.Problem]]:
    """The journey's ``:stages:`` with each ``template:NAME`` replaced by its stage ids.

    Returns the stage order, the templated stage ids with their titles, and problems.
    """
    order: list[str] = []
    titles: dict[str, str] = {}
    problems: list[model.Problem] = []
    for item in journey.stage_order:
        if not item.startswith(TEMPLATE_PREFIX):
            order.append(item)
            continue
        stages, found = template_stages(item[len(TEMPLATE_PREFIX) :], user_templates, translate)
        problems += found
        for stage in stages or []:
            stage_id = f"{journey.id}-{stage.slug}"
            if stage_id not in titles:
                titles[stage_id] = stage.title
                order.append(stage_id)
    return order, titles, problems


def conf_template_titles(journey: model.Journey, user_templates: Mapping[str, Any]) -> dict[str, str]:
    """The titles of the journey's stages from ``cjm_stage_templates``, by stage id (problems are reported on expanding)."""
    titles: dict[str, str] = {}
    for item in journey.stage_order:
        name = item.removeprefix(TEMPLATE_PREFIX)
        if item.startswith(TEMPLATE_PREFIX) and name in user_templates:
            for stage in template_stages(name, user_templates)[0] or []:
                titles.setdefault(f"{journey.id}-{stage.slug}", stage.title)
    return titles


def apply_templates(
    journeys: dict[str, model.Journey],
    stages: dict[str, model.Stage],
    user_templates: Mapping[str, Any],
    translator_of: Callable[[model.Journey], Translate] = lambda journey: str,
) -> list[tuple[model.Journey, model.Problem]]:
    """Expand templated journeys in place: their stage order, and their templated stages.

    A templated stage without a directive is made here (``from_template``, placed
    where its journey is written); one whose directive gave no title takes the
    template's. Returns the problems found, each with the journey it belongs to.
    """
    problems = []
    for journey_id, journey in list(journeys.items()):
        if not any(item.startswith(TEMPLATE_PREFIX) for item in journey.stage_order):
            continue
        order, titles, found = expand_stage_order(journey, user_templates, translator_of(journey))
        problems += [(journey, problem) for problem in found]
        journeys[journey_id] = dataclasses.replace(journey, stage_order=order)
        for stage_id, template_title in titles.items():
            # A conf.py template's title as the journey's page translated it.
            title = journey.stage_titles.get(stage_id, template_title)
            stage = stages.get(stage_id)
            if stage is None:
                stages[stage_id] = model.Stage(stage_id, title, journey_id, origin=journey.origin, from_template=True)
            elif not stage.title and stage.journey == journey_id:
                stages[stage_id] = dataclasses.replace(stage, title=title)
    ordered = dict(sorted(stages.items()))
    stages.clear()
    stages.update(ordered)
    return problems
