"""What changed between two ``cjm.json`` exports, free of Sphinx.

Used by ``sphinx-cjm diff OLD.json NEW.json`` (text, Markdown for a pull-request
comment, JSON) and by the ``journey-diff`` directive. Objects are matched by id:
journeys, stages and touchpoints added, removed or retitled; emotions changed, with
their deltas; barriers opened and closed (a touchpoint's ``barrier``, a stage's
``barriers`` items); metrics' plans and facts; recommendations' statuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from . import model


class BadExport(ValueError):
    """The file is not a ``cjm.json`` export; the message says why."""


@dataclass(frozen=True)
class Change:
    """One difference. ``kind``: journey, stage, touchpoint, barrier, metric, recommendation;
    ``action``: added, removed, retitled, emotion, opened, closed, plan, fact, status."""

    journey: str
    kind: str
    action: str
    id: str
    title: str
    before: Any = None
    after: Any = None
    #: ``after - before`` of an emotion.
    delta: float | None = None
    #: Where a barrier stands: the touchpoint's or stage's title.
    where: str = ""


#: English words of the reports; the directive passes translated ones.
WORDS: dict[str, str] = {
    "journey": "journey",
    "stage": "stage",
    "touchpoint": "touchpoint",
    "barrier": "barrier",
    "metric": "metric",
    "recommendation": "recommendation",
    "added": "added",
    "removed": "removed",
    "retitled": "retitled",
    "emotion": "emotion",
    "opened": "opened",
    "closed": "closed",
    "plan": "plan",
    "fact": "fact",
    "status": "status",
    "none": "none",
    "no-changes": "No changes in the journey maps.",
    "heading": "Journey map changes",
    "change": "Change",
    "object": "Object",
    "before": "Before",
    "after": "After",
    "other": "Recommendations of no journey",
}


# --- reading ---------------------------------------------------------------------------------


def load(path: str | Path) -> dict[str, Any]:
    """A ``cjm.json`` export, checked for the shape the comparison needs."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise BadExport(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BadExport(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadExport(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from None
    return checked(data, str(path))


def checked(data: Any, name: str) -> dict[str, Any]:
    def objects(value: Any, where: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value):
            raise BadExport(f"{name}: {where} must be a list of objects with an 'id'")
        return value

    if not isinstance(data, dict) or not isinstance(data.get("journeys"), list):
        raise BadExport(f"{name}: not a cjm.json export (no 'journeys' list)")
    for journey in objects(data["journeys"], "journeys"):
        for stage in objects(journey.get("stages"), f"journey {journey['id']!r}: stages"):
            objects(stage.get("touchpoints"), f"stage {stage['id']!r}: touchpoints")
        objects(journey.get("metrics"), f"journey {journey['id']!r}: metrics")
    objects(data.get("recommendations"), "recommendations")
    return data


def by_id(items: Iterable[Mapping[str, Any]] | None) -> dict[str, Mapping[str, Any]]:
    return {item["id"]: item for item in items or []}


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- comparing -------------------------------------------------------------------------------


def compare(old: Mapping[str, Any], new: Mapping[str, Any], journey: str | None = None) -> list[Change]:
    """Every change from ``old`` to ``new`` (of one journey, if given), journey by journey."""
    old_journeys, new_journeys = by_id(old.get("journeys")), by_id(new.get("journeys"))
    ids = [journey] if journey else sorted(old_journeys.keys() | new_journeys.keys())
    changes: list[Change] = []
    for journey_id in ids:
        before, after = old_journeys.get(journey_id), new_journeys.get(journey_id)
        if before is None and after is None:
            continue
        changes += objects_changed(
            journey_id, "journey", {journey_id: before} if before else {}, {journey_id: after} if after else {}
        )
        if before is not None and after is not None:
            changes += journey_changes(journey_id, before, after)
    changes += recommendation_changes(old, new, journey)
    return changes


def objects_changed(
    journey: str, kind: str, before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
) -> list[Change]:
    """Added, removed and retitled objects of one kind, in the order they stand (the new order first)."""
    changes = []
    for object_id, item in after.items():
        if object_id not in before:
            changes.append(Change(journey, kind, "added", object_id, text(item.get("title"))))
        elif text(before[object_id].get("title")) != text(item.get("title")):
            old_title, new_title = text(before[object_id].get("title")), text(item.get("title"))
            changes.append(Change(journey, kind, "retitled", object_id, new_title, old_title, new_title))
    for object_id, item in before.items():
        if object_id not in after:
            changes.append(Change(journey, kind, "removed", object_id, text(item.get("title"))))
    return changes


def mean_of_touchpoints(stage: Mapping[str, Any]) -> float | None:
    values = [v for t in stage.get("touchpoints") or [] if (v := number(t.get("emotion"))) is not None]
    return model.normalise_number(sum(values) / len(values)) if values else None


def emotion_changed(journey: str, kind: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    old, new = number(before.get("emotion")), number(after.get("emotion"))
    if old == new:
        return []
    if kind == "stage" and old == mean_of_touchpoints(before) and new == mean_of_touchpoints(after):
        return []  # a stage's mean follows its touchpoints, whose changes are listed
    delta = model.normalise_number(new - old) if old is not None and new is not None else None
    return [Change(journey, kind, "emotion", text(after.get("id")), text(after.get("title")), old, new, delta)]


def barriers_changed(journey: str, owner: Mapping[str, Any], before: list[str], after: list[str]) -> list[Change]:
    where = text(owner.get("title"))
    changes = [
        Change(journey, "barrier", "opened", text(owner.get("id")), b, where=where) for b in after if b not in before
    ]
    changes += [
        Change(journey, "barrier", "closed", text(owner.get("id")), b, where=where) for b in before if b not in after
    ]
    return changes


def stage_barriers(stage: Mapping[str, Any]) -> list[str]:
    lanes = stage.get("lanes")
    items = lanes.get("barriers") if isinstance(lanes, dict) else None
    return [item for item in items or [] if isinstance(item, str)]


def journey_changes(journey: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    changes = []
    if text(before.get("title")) != text(after.get("title")):
        old_title, new_title = text(before.get("title")), text(after.get("title"))
        changes.append(Change(journey, "journey", "retitled", journey, new_title, old_title, new_title))
    old_stages, new_stages = by_id(before.get("stages")), by_id(after.get("stages"))
    changes += objects_changed(journey, "stage", old_stages, new_stages)
    old_points = {t["id"]: t for s in old_stages.values() for t in s.get("touchpoints") or []}
    new_points = {t["id"]: t for s in new_stages.values() for t in s.get("touchpoints") or []}
    changes += objects_changed(journey, "touchpoint", old_points, new_points)
    for stage_id, stage in new_stages.items():
        if stage_id in old_stages:
            changes += emotion_changed(journey, "stage", old_stages[stage_id], stage)
            changes += barriers_changed(journey, stage, stage_barriers(old_stages[stage_id]), stage_barriers(stage))
    for point_id, point in new_points.items():
        old_point = old_points.get(point_id, {})
        if point_id in old_points:
            changes += emotion_changed(journey, "touchpoint", old_point, point)
        old_barrier, new_barrier = text(old_point.get("barrier")), text(point.get("barrier"))
        changes += barriers_changed(
            journey, point, [old_barrier] if old_barrier else [], [new_barrier] if new_barrier else []
        )
    for point_id, point in old_points.items():
        if point_id not in new_points and text(point.get("barrier")):
            changes += barriers_changed(journey, point, [text(point["barrier"])], [])
    old_metrics, new_metrics = by_id(before.get("metrics")), by_id(after.get("metrics"))
    changes += objects_changed(journey, "metric", old_metrics, new_metrics)
    for metric_id, metric in new_metrics.items():
        old_metric = old_metrics.get(metric_id)
        for name in ("plan", "fact") if old_metric is not None else ():
            old_value, new_value = text(old_metric.get(name)), text(metric.get(name))  # type: ignore[union-attr]
            if old_value != new_value:
                title = text(metric.get("title"))
                changes.append(Change(journey, "metric", name, metric_id, title, old_value, new_value))
    return changes


def recommendation_changes(old: Mapping[str, Any], new: Mapping[str, Any], journey: str | None) -> list[Change]:
    def of_journey(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        items = by_id(data.get("recommendations"))
        return {i: r for i, r in items.items() if journey is None or text(r.get("journey")) == journey}

    before, after = of_journey(old), of_journey(new)
    changes = []
    for rec_id, rec in {**before, **after}.items():
        where = text(rec.get("journey"))
        if rec_id not in before:
            changes.append(
                Change(where, "recommendation", "added", rec_id, text(rec.get("title")), None, text(rec.get("status")))
            )
        elif rec_id not in after:
            changes.append(
                Change(where, "recommendation", "removed", rec_id, text(rec.get("title")), text(rec.get("status")))
            )
        elif text(before[rec_id].get("status")) != text(rec.get("status")):
            old_status, new_status = text(before[rec_id].get("status")), text(rec.get("status"))
            changes.append(
                Change(where, "recommendation", "status", rec_id, text(rec.get("title")), old_status, new_status)
            )
    return sorted(changes, key=lambda c: (c.journey, c.id))


def assembled_from_export(journey: Mapping[str, Any], title: str = "") -> model.AssembledJourney:
    """A journey of an export as the model's records (for its curve), titled ``title`` if given."""
    record = model.Journey(id=journey["id"], title=title or text(journey.get("title")))
    stages, touchpoints = [], []
    for n, stage in enumerate(journey.get("stages") or []):
        emotion = number(stage.get("emotion"))
        stages.append(model.Stage(stage["id"], text(stage.get("title")), record.id, emotion=emotion, nested_index=n))
        for m, point in enumerate(stage.get("touchpoints") or []):
            touchpoints.append(
                model.Touchpoint(
                    point["id"],
                    text(point.get("title")),
                    stage["id"],
                    emotion=number(point.get("emotion")),
                    barrier=text(point.get("barrier")),
                    nested_index=m,
                )
            )
    return model.assemble(record, None, stages, touchpoints)


# --- reports ---------------------------------------------------------------------------------

#: Actions whose change is a value going from ``before`` to ``after``.
VALUE_ACTIONS = ("retitled", "emotion", "plan", "fact", "status")
MISSING, PRESENT = "\u2014", "\u2713"


def plain_number(value: float) -> str:
    number = model.normalise_number(value)
    return f"\u2212{-number}" if number < 0 else str(number)


def value_text(value: Any, format_number: Callable[[float], str]) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def before_after(change: Change, format_number: Callable[[float], str] = plain_number) -> tuple[str, str]:
    """The change's two sides as text: values (an emotion's delta after it), or present/missing marks."""
    if change.action in VALUE_ACTIONS or change.kind == "recommendation":
        after = value_text(change.after, format_number)
        if change.delta is not None:
            sign = "+" if change.delta > 0 else "\u2212"
            after += f" ({sign}{format_number(abs(change.delta))})"
        return value_text(change.before, format_number), after
    return (MISSING, PRESENT) if change.action in ("added", "opened") else (PRESENT, MISSING)


def with_status_labels(change: Change, status_label: Callable[[str], str]) -> Change:
    """A recommendation's change with its statuses as the register shows them ("in progress", not ``in-progress``)."""
    if change.kind != "recommendation":
        return change
    before, after = (status_label(value) if value else value for value in (change.before, change.after))
    return replace(change, before=before, after=after)


def what(change: Change, words: Mapping[str, str]) -> str:
    """``touchpoint added``, ``barrier closed``, ``metric fact``."""
    return f"{words[change.kind]} {words[change.action]}"


def subject(change: Change) -> str:
    """The object: its title and id; a barrier's text and where it stands."""
    return f"{change.title} ({change.where})" if change.where else f"{change.title} ({change.id})"


def grouped(changes: list[Change], old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Change]]:
    """Changes by journey, each under its heading (title and id)."""
    names = {j["id"]: text(j.get("title")) for data in (old, new) for j in data.get("journeys") or []}
    groups: dict[str, list[Change]] = {}
    for change in changes:
        heading = (
            f"{names.get(change.journey) or change.journey} ({change.journey})" if change.journey else WORDS["other"]
        )
        groups.setdefault(heading, []).append(change)
    return groups


def to_text(changes: list[Change], old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    if not changes:
        return WORDS["no-changes"] + "\n"
    lines = []
    for heading, items in grouped(changes, old, new).items():
        lines.append(heading)
        for change in items:
            line = f"  {what(change, WORDS)}: {subject(change)}"
            if change.action in VALUE_ACTIONS:
                line += ": {} \u2192 {}".format(*before_after(change))
            lines.append(line)
    return "\n".join(lines) + "\n"


def markdown_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(changes: list[Change], old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """A pull-request comment: a table of changes per journey."""
    lines = [f"## {WORDS['heading']}", ""]
    if not changes:
        return "\n".join([*lines, WORDS["no-changes"], ""])
    for heading, items in grouped(changes, old, new).items():
        lines += [f"### {markdown_cell(heading)}", ""]
        lines += [
            f"| {WORDS['change']} | {WORDS['object']} | {WORDS['before']} | {WORDS['after']} |",
            "|---|---|---|---|",
        ]
        for change in items:
            cells = [what(change, WORDS), subject(change), *before_after(change)]
            lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def to_json(changes: list[Change]) -> str:
    return json.dumps({"changes": [asdict(c) for c in changes]}, ensure_ascii=False, indent=2) + "\n"
