"""Journeys kept in YAML files, checked against the shipped JSON Schema (:mod:`sphinx_cjm.files` reads them).

Imported when a YAML file is read: PyYAML costs every build that reads none.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import yaml

from . import model
from .files import (
    MAX_EXPANDED_NODES,
    MAX_YAML_DEPTH,
    FileLinked,
    FileMetric,
    FileProblem,
    FileStage,
    FileTouchpoint,
    NodePath,
    _items,
    _one_line,
    _Reader,
    _stripped,
    _value_text,
    schema,
)


def _path_text(path: Iterable[str | int]) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _expanded_size(node: yaml.Node, sizes: dict[int, int | None]) -> int:
    """How many nodes ``node`` stands for once aliases are expanded (cycles count as too many)."""
    key = id(node)
    if key in sizes:
        size = sizes[key]
        return MAX_EXPANDED_NODES + 1 if size is None else size
    sizes[key] = None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    size = 1
    for child in children:
        size += _expanded_size(child, sizes)
        if size > MAX_EXPANDED_NODES:
            break
    sizes[key] = size
    return size


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader (it never runs code) that turns what would raise into problems.

    Nesting deeper than :data:`MAX_YAML_DEPTH` stops reading (Python's stack is finite);
    an integer too long for Python or a date that does not exist stays the text it is,
    with a problem at its line.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0
        self.problems: list[FileProblem] = []

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.depth >= MAX_YAML_DEPTH:
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, f"collections nest deeper than {MAX_YAML_DEPTH} levels", mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_as_text(self, node: yaml.ScalarNode, constructor: Any, what: str) -> Any:
        try:
            return constructor(self, node)
        except (ValueError, OverflowError) as error:
            self.problems.append(
                FileProblem(
                    "yaml",
                    f"{node.value[:40]!r} is not a valid {what} ({error}); it is read as text",
                    node.start_mark.line + 1,
                )
            )
            return node.value


def _construct_int(loader: _BoundedLoader, node: yaml.ScalarNode) -> Any:
    return loader.construct_as_text(node, yaml.SafeLoader.construct_yaml_int, "integer")


def _construct_timestamp(loader: _BoundedLoader, node: yaml.ScalarNode) -> Any:
    return loader.construct_as_text(node, yaml.SafeLoader.construct_yaml_timestamp, "date")


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _scalars(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """Every scalar under ``root``, each once (aliases share nodes), without recursion."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))


class YamlReader(_Reader):
    def read(self) -> None:
        root, data = self.parse()
        if root is None:
            return
        self.root = root
        stages, limit = data.get("stages") if isinstance(data, dict) else None, self.settings.limits.stages
        if isinstance(stages, list) and len(stages) > limit + 1:
            # Stages past the limit are not read: neither checked against the schema nor built.
            data = {**data, "stages": stages[: limit + 1]}
        self.check_duplicate_keys(root)
        self.schema_paths: set[NodePath] = set()
        self.validate(data)
        self.build(data if isinstance(data, dict) else {})

    def parse(self) -> tuple[yaml.Node | None, Any]:
        loader = None
        try:
            loader = _BoundedLoader(self.text)
            root = loader.get_single_node()
            if root is None:
                self.problem("yaml", "the file is empty; it holds no journey", 1)
                return None, None
            if _expanded_size(root, {}) > MAX_EXPANDED_NODES:
                self.problem(
                    "yaml",
                    f"the file expands to more than {MAX_EXPANDED_NODES} values (aliases expand in place); it is not read",
                    1,
                )
                return None, None
            self.clean_scalars(root)
            data = loader.construct_document(root)
            self.result.problems.extend(loader.problems)
            return root, data
        except yaml.reader.ReaderError as error:
            # A raw character YAML does not allow (a control character, U+FFFF...): it may only be written escaped.
            line = self.text[: error.position].count("\n") + 1
            code = error.character if isinstance(error.character, int) else ord(error.character)
            self.problem("yaml", f"not valid YAML: character U+{code:04X} is not allowed in a YAML file", line)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            message = " ".join(part for part in (error.context, error.problem) if part)
            self.problem("yaml", f"not valid YAML: {message}", mark.line + 1 if mark else 0)
        except yaml.YAMLError as error:
            self.problem("yaml", f"not valid YAML: {error}", 0)
        finally:
            if loader is not None:
                loader.dispose()
        return None, None

    def clean_scalars(self, root: yaml.Node) -> None:
        """Escapes may write characters no page can show (controls, lone surrogates): replace them."""
        for node in _scalars(root):
            node.value, problems = model.clean_text(node.value)
            for problem in problems:
                self.problem(problem.subtype, problem.message, node.start_mark.line + 1)

    def check_duplicate_keys(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        self.problem(
                            "yaml", f"key {key.value!r} appears twice; the last one is used", key.start_mark.line + 1
                        )
                    seen.add(key.value)
                self.check_duplicate_keys(value)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                self.check_duplicate_keys(child)

    def node_at(self, path: Iterable[str | int]) -> yaml.Node:
        node = self.root
        for key in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(key)), node)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                break
        return node

    def line(self, path: Iterable[str | int]) -> int:
        return self.node_at(path).start_mark.line + 1

    def validate(self, data: Any) -> None:
        import jsonschema  # slow to import: only projects with journey files pay for it, when one is read

        errors = list(jsonschema.Draft202012Validator(schema(self.settings)).iter_errors(data))
        while errors:
            error = errors.pop(0)
            if error.context:
                # Of "a persona id or a persona", report what is wrong with the kind of value written.
                matching = [e for e in error.context if e.validator != "type"]
                errors[:0] = matching or [jsonschema.exceptions.best_match(error.context)]
                continue
            path = tuple(error.absolute_path)
            self.schema_paths.add(path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                self.unknown_keys(path, error.instance, error.schema.get("properties", {}))
                continue
            message = error.message
            if error.validator == "enum":
                message = f"{error.instance!r:.60} is not one of: {', '.join(map(str, error.validator_value))}"
            where = _path_text(path)
            self.problem("yaml", f"{where}: {message}" if where else message, self.line(path))

    def unknown_keys(self, path: NodePath, instance: dict, known: Mapping[str, Any]) -> None:
        node = self.node_at(path)
        for key_node, _value in node.value if isinstance(node, yaml.MappingNode) else []:
            key = str(key_node.value)
            if key in known:
                continue
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(known)}"
            where = _path_text(path)
            self.problem(
                "yaml", f"{where + ': ' if where else ''}unknown key {key!r}{hint}", key_node.start_mark.line + 1
            )

    def report(self, path: NodePath, problems: Iterable[model.Problem]) -> None:
        """Model-level problems, unless the schema already reported that node."""
        if path not in self.schema_paths:
            for problem in problems:
                where = _path_text(path)
                self.problem(problem.subtype, f"{where}: {problem.message}", self.line(path))

    def emotion(self, value: object, path: NodePath) -> model.Number | None:
        emotion, problems = model.parse_emotion(value, self.settings.scale)
        self.report(path, problems)
        return emotion

    def build(self, data: dict) -> None:
        persona = data.get("persona")
        persona_id = _stripped(persona)
        if isinstance(persona, dict) and _one_line(persona.get("title")) and not self.overrides.persona:
            title = _one_line(persona["title"])
            persona_id = _stripped(persona.get("id")) or model.derive_id(title, "", "persona", 1)
            self.result.persona = model.Persona(
                id=persona_id,
                title=title,
                segment=_one_line(persona.get("segment")),
                origin=self.origin(self.line(("persona",))),
            )
            self.result.persona_description = _stripped(persona.get("description"))
        lanes: list[str] = []
        if isinstance(data.get("lanes"), list):
            for n, name in enumerate(data["lanes"]):
                if isinstance(name, str):
                    self.report(("lanes", n), model.parse_lanes([name], (), self.settings.lanes)[1])
            lanes = [name for name in data["lanes"] if isinstance(name, str)]
        journey = self.make_journey(
            _one_line(data.get("title")),
            _stripped(data.get("id")),
            persona_id,
            model.parse_lanes(lanes, self.settings.default_lanes, self.settings.lanes)[0]
            or list(self.settings.default_lanes),
            self.root.start_mark.line + 1,
        )
        journey.language = _stripped(data.get("language"))
        self.result.journey = journey
        self.result.description = _stripped(data.get("description"))
        stages = data.get("stages")
        self.touchpoints_left = self.settings.limits.touchpoints
        for n, raw in enumerate(stages if isinstance(stages, list) else []):
            if len(self.result.stages) == self.settings.limits.stages:
                self.past_limit("stages", self.settings.limits.stages, self.line(("stages", n)))
                break
            if isinstance(raw, dict) and _one_line(raw.get("title")):
                self.result.stages.append(self.build_stage(raw, journey.id, n, ("stages", n)))

    def build_stage(self, raw: dict, journey_id: str, position: int, path: NodePath) -> FileStage:
        title = _one_line(raw["title"])
        stage = model.Stage(
            id=_stripped(raw.get("id")) or self.derived_id(title, journey_id, "stage", position + 1),
            title=title,
            journey=journey_id,
            lanes={lane: _items(raw[lane]) for lane in self.settings.text_lanes if _items(raw.get(lane))},
            emotion=self.emotion(raw.get("emotion"), (*path, "emotion")),
            nested_index=position,
            origin=self.origin(self.line(path)),
            reach=self.reach(raw.get("reach"), (*path, "reach")),
        )
        result = FileStage(stage, _stripped(raw.get("description")), linked=self.build_linked(raw, stage.id, path))
        touchpoints = raw.get("touchpoints")
        for n, point in enumerate(touchpoints if isinstance(touchpoints, list) else []):
            if not self.touchpoints_left:
                self.past_limit("touchpoints", self.settings.limits.touchpoints, self.line((*path, "touchpoints", n)))
                break
            if isinstance(point, dict) and _one_line(point.get("title")):
                result.touchpoints.append(self.build_touchpoint(point, stage.id, n, (*path, "touchpoints", n)))
                self.touchpoints_left -= 1
        metrics = raw.get("metrics")
        for n, item in enumerate(metrics if isinstance(metrics, list) else []):
            if isinstance(item, dict) and _one_line(item.get("title")):
                metric = self.metric(item, stage.id, n, (*path, "metrics", n))
                result.metrics.append(FileMetric(metric, _stripped(item.get("description"))))
        return result

    def reach(self, value: object, path: NodePath) -> int | None:
        reach, problems = model.parse_reach(value)
        self.report(path, problems)
        return reach

    def metric(self, raw: dict, stage_id: str, position: int, path: NodePath) -> model.Metric:
        title = _one_line(raw["title"])
        values = {name: _value_text(raw.get(name)) for name in ("plan", "fact", "better")}
        # Each value's problem at its own line; a bad ``better`` is the schema's to report.
        self.report((*path, "plan"), model.check_metric_values(values["plan"], "", ""))
        self.report((*path, "fact"), model.check_metric_values("", values["fact"], ""))
        return model.Metric(
            id=_stripped(raw.get("id")) or self.derived_id(title, stage_id, "metric", position + 1),
            title=title,
            stage=stage_id,
            plan=values["plan"],
            fact=values["fact"],
            better=model.metric_better(values["better"], values["plan"]),
            nested_index=position,
            origin=self.origin(self.line(path)),
        )

    def build_touchpoint(self, raw: dict, stage_id: str, position: int, path: NodePath) -> FileTouchpoint:
        title = _one_line(raw["title"])
        channel, channel_kind, problems = model.parse_channel(_stripped(raw.get("channel")), self.settings.channels)
        self.report((*path, "channel"), problems)
        touchpoint = model.Touchpoint(
            id=_stripped(raw.get("id")) or self.derived_id(title, stage_id, "touchpoint", position + 1),
            title=title,
            stage=stage_id,
            channel=channel,
            channel_kind=channel_kind,
            emotion=self.emotion(raw.get("emotion"), (*path, "emotion")),
            barrier=_one_line(raw.get("barrier")),
            solution=_one_line(raw.get("solution")),
            owner=_one_line(raw.get("owner")),
            kpi=_one_line(raw.get("kpi")),
            nested_index=position,
            origin=self.origin(self.line(path)),
        )
        return FileTouchpoint(
            touchpoint, _stripped(raw.get("description")), linked=self.build_linked(raw, touchpoint.id, path)
        )

    def build_linked(self, raw: dict, parent_id: str, path: NodePath) -> list[FileLinked]:
        """The ``recommendations`` and ``evidence`` written in a stage or touchpoint: they are about it."""
        found = []
        for key, build in (("recommendations", self.make_recommendation), ("evidence", self.make_evidence)):
            items = raw.get(key)
            for n, item in enumerate(items if isinstance(items, list) else []):
                # A stage's ``evidence`` may also hold the physical-evidence lane's text items.
                if isinstance(item, dict) and _one_line(item.get("title")):
                    where = (*path, key, n)

                    def report(name: str, problems: list[model.Problem], where: NodePath = where) -> None:
                        self.report((*where, name), problems)

                    found.append(build(item, parent_id, n, self.line(where), report))
        return found
