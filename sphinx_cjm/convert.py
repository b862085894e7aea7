"""A journey read from a file, written back as YAML, reStructuredText or MyST directives.

``sphinx-cjm convert`` uses it: a spreadsheet becomes a YAML file, and a YAML file
becomes a page of ``persona``/``journey``/``stage``/``touchpoint`` directives that
builds into the same map. Every id is written out, so the objects keep them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from docutils.utils import column_width

from . import model
from .files import FileLinked, FileMetric, FileStage, FileTouchpoint, JourneyFile

TOUCHPOINT_FIELDS = ("channel", "emotion", "barrier", "solution", "owner", "kpi")
RECOMMENDATION_FIELDS = ("type", "priority", "impact", "effort", "owner", "status", "due", "budget")
EVIDENCE_FIELDS = ("kind", "source")


class _Dumper(yaml.SafeDumper):
    """Multi-line text as ``|`` blocks, so descriptions stay readable."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _represent_text)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


# --- YAML --------------------------------------------------------------------------------------


def journey_data(loaded: JourneyFile) -> dict[str, Any]:
    """The journey in the shape of the YAML format (``schema/journey.schema.json``), empty values left out."""
    journey = loaded.journey
    assert journey is not None
    data: dict[str, Any] = {"id": journey.id, "title": journey.title}
    if loaded.persona:
        persona = loaded.persona
        data["persona"] = _without_empty(
            {
                "id": persona.id,
                "title": persona.title,
                "segment": persona.segment,
                "description": loaded.persona_description,
            }
        )
    elif journey.persona:
        data["persona"] = journey.persona
    data["lanes"] = list(journey.lanes)
    data.update(_without_empty({"language": journey.language, "description": loaded.description}))
    data["stages"] = [_stage_data(stage) for stage in loaded.stages]
    return data


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def _text_lanes(stage: model.Stage) -> list[str]:
    """The built-in text lanes, then the project's own ones the stage has (``cjm_lanes``)."""
    return [*model.TEXT_LANES, *(lane for lane in stage.lanes if lane not in model.TEXT_LANES)]


def _stage_data(loaded: FileStage) -> dict[str, Any]:
    stage = loaded.stage
    lanes: dict[str, list[Any] | None] = {lane: stage.lanes.get(lane) for lane in _text_lanes(stage)}
    linked = _linked_data(loaded.linked, stage.id)
    # A stage's ``evidence`` holds both the physical-evidence lane's text items and research evidence.
    lanes["evidence"] = [*(lanes.get("evidence") or []), *linked["evidence"]]
    return _without_empty(
        {
            "id": stage.id,
            "title": stage.title,
            "emotion": stage.emotion,
            "reach": stage.reach,
            **lanes,
            "description": loaded.description,
            "touchpoints": [_touchpoint_data(point) for point in loaded.touchpoints],
            "recommendations": linked["recommendations"],
            "metrics": [_metric_data(metric) for metric in loaded.metrics],
        }
    )


def _touchpoint_data(loaded: FileTouchpoint) -> dict[str, Any]:
    point = loaded.touchpoint
    fields = {name: getattr(point, name) for name in TOUCHPOINT_FIELDS}
    return _without_empty(
        {
            "id": point.id,
            "title": point.title,
            **fields,
            "description": loaded.description,
            **_linked_data(loaded.linked, point.id),
        }
    )


def _metric_fields(metric: model.Metric) -> dict[str, str]:
    """Plan, fact, and ``better`` when reading the plan would not give it."""
    better = "" if metric.better == model.metric_better("", metric.plan) else metric.better
    return _without_empty({"plan": metric.plan, "fact": metric.fact, "better": better})


def _metric_data(loaded: FileMetric) -> dict[str, Any]:
    metric = loaded.metric
    return {
        "id": metric.id,
        "title": metric.title,
        **_metric_fields(metric),
        **_without_empty({"description": loaded.description}),
    }


def _linked_fields(record: model.Recommendation | model.Evidence, parent_id: str) -> dict[str, Any]:
    """The fields of a recommendation or evidence written in ``parent_id``: the ids it is about besides that one."""
    if isinstance(record, model.Recommendation):
        others = {"addresses": [t for t in record.addresses if t != parent_id]}
        # The default status is what reading gives when none is written.
        values = {name: getattr(record, name) for name in RECOMMENDATION_FIELDS}
        values["status"] = "" if record.status == model.DEFAULT_STATUS else record.status
    else:
        others = {"supports": [t for t in record.supports if t != parent_id]}
        values = {name: getattr(record, name) for name in EVIDENCE_FIELDS}
    return _without_empty({**others, **values})


def _linked_data(items: list[FileLinked], parent_id: str) -> dict[str, list[dict[str, Any]]]:
    """The ``recommendations`` and ``evidence`` written in a stage or touchpoint, in the YAML format's shape."""
    found: dict[str, list[dict[str, Any]]] = {"recommendations": [], "evidence": []}
    for item in items:
        record = item.record
        key = "recommendations" if isinstance(record, model.Recommendation) else "evidence"
        fields = _linked_fields(record, parent_id)
        found[key].append(
            {"id": record.id, "title": record.title, **fields, **_without_empty({"description": item.description})}
        )
    return found


def to_yaml(loaded: JourneyFile) -> str:
    return _dump(journey_data(loaded))


# --- reStructuredText and MyST -----------------------------------------------------------------

# Characters that start inline markup in reStructuredText or Markdown; both take a backslash escape.
_INLINE_MARKUP = re.compile(r"([\\`*_|\[\]<>{}$@])")
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+#>=:.~^\"'])")
#: A URI scheme (``javascript:``, ``https:``): docutils links standalone URIs, so its colon is escaped.
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):")


def escape(text: str) -> str:
    """Plain text as markup that renders to the same text (descriptions are never markup, nor links)."""
    lines = []
    for line in text.split("\n"):
        line = _INLINE_MARKUP.sub(r"\\\1", line.strip())
        line = _SCHEME.sub(r"\1\\:", line)
        line = _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", line)
        if line.endswith("::"):  # would start a literal block in reStructuredText
            line = line[:-1] + "\\:"
        lines.append(line)
    return "\n".join(lines)


def _stage_options(stage: model.Stage) -> dict[str, str]:
    lanes = {lane: "\n".join(stage.lanes[lane]) for lane in _text_lanes(stage) if stage.lanes.get(lane)}
    emotion = "" if stage.emotion is None else str(stage.emotion)
    reach = "" if stage.reach is None else str(stage.reach)
    return {"id": stage.id, **lanes, **_without_empty({"emotion": emotion, "reach": reach})}


def _touchpoint_options(point: model.Touchpoint) -> dict[str, str]:
    values = {name: "" if getattr(point, name) is None else str(getattr(point, name)) for name in TOUCHPOINT_FIELDS}
    return {"id": point.id, **_without_empty(values)}


def _option_text(value: object) -> str:
    """An option's value: ids comma-separated, numbers as written, nothing for None."""
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def _linked_blocks(items: list[FileLinked], parent_id: str, depth: int) -> list[Block]:
    """``recommendation`` and ``evidence`` directives nested in their stage or touchpoint."""
    blocks = []
    for item in items:
        record = item.record
        name = "recommendation" if isinstance(record, model.Recommendation) else "evidence"
        fields = {key: _option_text(value) for key, value in _linked_fields(record, parent_id).items()}
        blocks.append((depth, name, record.title, {"id": record.id, **fields}, item.description))
    return blocks


#: A directive to write: (depth, name, title, options, description).
Block = tuple[int, str, str, dict[str, str], str]


def _blocks(loaded: JourneyFile) -> list[Block]:
    """The directives to write, in order: (depth, name, title, options, description)."""
    journey = loaded.journey
    assert journey is not None
    blocks = []
    if loaded.persona:
        persona = _without_empty({"id": loaded.persona.id, "segment": loaded.persona.segment})
        blocks.append((0, "persona", loaded.persona.title, persona, loaded.persona_description))
    options = _without_empty(
        {
            "id": journey.id,
            "persona": journey.persona,
            "lanes": ", ".join(journey.lanes),
            "stages": ", ".join(journey.stage_order),
            "language": journey.language,
        }
    )
    blocks.append((0, "journey", journey.title, options, loaded.description))
    for stage in loaded.stages:
        blocks.append((1, "stage", stage.stage.title, _stage_options(stage.stage), stage.description))
        for metric in stage.metrics:
            options = {"id": metric.metric.id, **_metric_fields(metric.metric)}
            blocks.append((2, "metric", metric.metric.title, options, metric.description))
        blocks += _linked_blocks(stage.linked, stage.stage.id, 2)
        for point in stage.touchpoints:
            blocks.append(
                (2, "touchpoint", point.touchpoint.title, _touchpoint_options(point.touchpoint), point.description)
            )
            blocks += _linked_blocks(point.linked, point.touchpoint.id, 3)
    return blocks


def to_rst(loaded: JourneyFile) -> str:
    journey = loaded.journey
    assert journey is not None
    heading = escape(journey.title)
    # docutils measures a title by display width: a CJK character takes two columns.
    out = [heading, "=" * max(column_width(heading), 3), ""]
    for depth, name, title, options, description in _blocks(loaded):
        indent = "   " * depth
        out.append(f"{indent}.. {name}:: {title}")
        for key, value in options.items():
            first, *rest = value.split("\n")
            out.append(f"{indent}   :{key}: {first}")
            out += [f"{indent}      {line}" for line in rest]
        out.append("")
        if description:
            out += [f"{indent}   {line}" if line else "" for line in escape(description).split("\n")]
            out.append("")
    return "\n".join(out)


def to_myst(loaded: JourneyFile) -> str:
    journey = loaded.journey
    assert journey is not None
    out = [f"# {escape(journey.title)}", ""]
    blocks = _blocks(loaded)
    # A backtick fence cannot carry a title with a backtick, a tilde fence can.
    mark = "~" if any("`" in title for _depth, _name, title, _options, _text in blocks) else "`"
    open_fences: list[tuple[int, str]] = []
    for n, (depth, name, title, options, description) in enumerate(blocks):
        while open_fences and open_fences[-1][0] >= depth:
            out += [open_fences.pop()[1], ""]
        fence = mark * (3 + _levels_inside(blocks, n))
        out.append(f"{fence}{{{name}}} {title}")
        out += ["---", _dump(options).rstrip("\n"), "---"]
        if description:
            out += [escape(description), ""]
        open_fences.append((depth, fence))
    while open_fences:
        out += [open_fences.pop()[1], ""]
    return "\n".join(out)


def _levels_inside(blocks: list[Block], n: int) -> int:
    """How many levels of directives nest inside block ``n``: an enclosing fence is longer than those inside."""
    depth, deepest = blocks[n][0], blocks[n][0]
    for inner in blocks[n + 1 :]:
        if inner[0] <= depth:
            break
        deepest = max(deepest, inner[0])
    return deepest - depth


# --- Mermaid -----------------------------------------------------------------------------------

# Characters that end a title, section or task name in Mermaid's grammar, and look-alikes that do not.
_MERMAID_STOPS = str.maketrans({":": "：", ";": "；", "#": "＃"})


def _mermaid_text(text: str) -> str:
    return " ".join(text.split()).translate(_MERMAID_STOPS)


def _without_a_place_in_mermaid(loaded: JourneyFile) -> list[str]:
    """What the journey holds that a Mermaid diagram cannot say (sections, tasks, scores and actors it can)."""
    stages, points = loaded.stages, [p.touchpoint for s in loaded.stages for p in s.touchpoints]
    records = [item.record for item in loaded.all_linked()]
    held = {
        "lanes": any(s.stage.lanes for s in stages),
        "stage emotions": any(s.stage.emotion is not None for s in stages),
        "reach": any(s.stage.reach is not None for s in stages),
        "metrics": any(s.metrics for s in stages),
        "recommendations": any(isinstance(r, model.Recommendation) for r in records),
        "research evidence": any(isinstance(r, model.Evidence) for r in records),
        "channels": any(p.channel for p in points),
        "touchpoints' barriers, solutions, owners and KPIs": any(
            p.barrier or p.solution or p.owner or p.kpi for p in points
        ),
    }
    return [name for name, present in held.items() if present]


def to_mermaid(loaded: JourneyFile, scale: tuple[float, float] = model.DEFAULT_EMOTION_SCALE) -> tuple[str, list[str]]:
    """The journey as a Mermaid ``journey`` diagram, and what it could not carry.

    Stages are sections, touchpoints tasks whose score is the emotion placed on 1–5; the
    actors are a touchpoint's ``Actors:`` note (as a Mermaid import writes it), else the
    persona's title. A touchpoint without an emotion has no score and is left out.
    """
    journey = loaded.journey
    assert journey is not None
    persona = loaded.persona.title if loaded.persona else journey.persona
    out = ["journey", f"    title {_mermaid_text(journey.title)}"]
    left_out = []
    if dropped := _without_a_place_in_mermaid(loaded):
        left_out.append(f"a Mermaid diagram has no place for the journey's {', '.join(dropped)}; they are left out")
    for stage in loaded.stages:
        out.append(f"    section {_mermaid_text(stage.stage.title)}")
        for point in stage.touchpoints:
            touchpoint = point.touchpoint
            if touchpoint.emotion is None:
                left_out.append(f"touchpoint {touchpoint.title!r} has no emotion, so no Mermaid score; it is left out")
                continue
            note = next(
                (line for line in point.description.split("\n") if line.startswith(model.MERMAID_ACTORS_NOTE)), ""
            )
            actors = note.removeprefix(model.MERMAID_ACTORS_NOTE).strip() or persona
            task = f"      {_mermaid_text(touchpoint.title)}: {model.score_of_emotion(touchpoint.emotion, scale)}"
            out.append(f"{task}: {_mermaid_text(actors)}" if actors else task)
    return "\n".join(out) + "\n", left_out
