"""Journeys kept in files: YAML (checked against the shipped JSON Schema) and CSV spreadsheets.

Free of Sphinx, so ``sphinx-cjm`` uses it as well as ``journey :file:``. Reading
never runs code from the file (PyYAML's SafeLoader only) and never raises on bad
input: every problem comes back as a :class:`FileProblem` with the line it is on.
"""

from __future__ import annotations

import csv
import gettext
import io
import json
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from . import model
from .i18n import CHANNEL_LABELS, FIELD_LABELS, LANE_LABELS, LINKED_ROW_LABELS, LOCALE_DIR, MESSAGE_CATALOG, msgid

SCHEMA_PATH = Path(__file__).parent / "schema" / "journey.schema.json"
DEFAULT_MAX_BYTES = 1024 * 1024
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".mmd": "mermaid", ".mermaid": "mermaid"}
#: Nodes a YAML file may expand to through aliases: a guard against "billion laughs".
MAX_EXPANDED_NODES = 100_000
#: How deep YAML collections may nest (a journey needs six levels); deeper would exhaust Python's stack.
MAX_YAML_DEPTH = 50
#: Fields of a touchpoint item in a CSV cell, separated by ``|``.
CSV_TOUCHPOINT_FIELDS = ("title", "channel", "emotion", "barrier", "solution", "owner", "kpi")
#: Fields of a metric item in a CSV cell of the ``metrics`` row, separated by ``|``.
CSV_METRIC_FIELDS = ("title", "plan", "fact", "better")
#: CSV rows that are not lanes: the stages' reach (shown as the conversion lane) and metrics (in the KPIs).
CSV_ROWS_SHOWN_AS = {"reach": "conversion", "metrics": "kpis"}
CSV_DELIMITERS = ",;\t"
CHUNK_BYTES = 1024 * 1024

#: Where a value sits in the YAML document: keys and list indices from the root.
NodePath = tuple[str | int, ...]
#: Takes the problems of one field of a record read from a file.
ReportField = Callable[[str, list[model.Problem]], None]
#: Fields of a recommendation and of evidence in a CSV cell, separated by ``|`` (they are about the column's stage).
CSV_LINKED_FIELDS = {
    "recommendations": ("title", "type", "priority", "impact", "effort", "owner", "status", "due", "budget"),
    "research": ("title", "kind", "source"),
}
#: CSV rows of recommendations and evidence about a touchpoint of the column's stage, named in a first field.
CSV_TOUCHPOINT_LINKED_ROWS = {"touchpoint-recommendations": "recommendations", "touchpoint-research": "research"}
#: How a problem names an item of each linked row.
CSV_LINKED_ITEM_NAMES = {"recommendations": "recommendation", "research": "evidence"}


@dataclass(frozen=True)
class FileProblem:
    """A problem in a journey file; ``subtype`` becomes ``cjm.<subtype>``, ``line`` is 1-based (0: whole file)."""

    subtype: str
    message: str
    line: int = 0


@dataclass
class Settings:
    """What a project's configuration decides about reading a file."""

    scale: tuple[float, float] = model.DEFAULT_EMOTION_SCALE
    default_lanes: Iterable[str] = model.DEFAULT_LANES
    max_bytes: int = DEFAULT_MAX_BYTES
    #: ``cjm_lane_labels`` and the labels of ``cjm_lanes``: a spreadsheet may name its rows with them too.
    lane_labels: Mapping[str, Any] = field(default_factory=dict)
    #: The text lanes the project adds (``cjm_lanes``).
    lanes: tuple[str, ...] = ()
    #: Every channel name -> its kind (``cjm_channels``).
    channels: Mapping[str, str] = field(default_factory=lambda: dict(model.DEFAULT_CHANNELS))
    #: The keys of ``cjm_recommendation_types``.
    recommendation_types: tuple[str, ...] = model.DEFAULT_RECOMMENDATION_TYPES

    @property
    def text_lanes(self) -> tuple[str, ...]:
        return (*model.TEXT_LANES, *self.lanes)

    #: ``cjm_max_stages``...: the reader stops there, so a huge file costs no more than a large one.
    limits: model.Limits = field(default_factory=model.Limits)


@dataclass
class Overrides:
    """Values given outside the file (the journey directive's options); empty means "from the file"."""

    title: str = ""
    id: str = ""
    persona: str = ""
    lanes: list[str] | None = None
    stage_order: list[str] = field(default_factory=list)


@dataclass
class FileLinked:
    """A recommendation or evidence written in a stage or touchpoint of the file, with its text."""

    record: model.Recommendation | model.Evidence
    description: str = ""


@dataclass
class FileTouchpoint:
    touchpoint: model.Touchpoint
    description: str = ""
    linked: list[FileLinked] = field(default_factory=list)


@dataclass
class FileMetric:
    metric: model.Metric
    description: str = ""


@dataclass
class FileStage:
    stage: model.Stage
    description: str = ""
    touchpoints: list[FileTouchpoint] = field(default_factory=list)
    linked: list[FileLinked] = field(default_factory=list)
    metrics: list[FileMetric] = field(default_factory=list)


@dataclass
class JourneyFile:
    """What a file holds; ``journey`` is None when the file could not be read at all."""

    path: Path
    journey: model.Journey | None = None
    #: The persona written in the file itself (a persona given by id is only ``journey.persona``).
    persona: model.Persona | None = None
    persona_description: str = ""
    description: str = ""
    stages: list[FileStage] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)

    def all_stages(self) -> list[model.Stage]:
        return [s.stage for s in self.stages]

    def all_touchpoints(self) -> list[model.Touchpoint]:
        return [t.touchpoint for s in self.stages for t in s.touchpoints]

    def all_linked(self) -> list[FileLinked]:
        """Recommendations and evidence, in the order written."""
        return [item for s in self.stages for item in [*s.linked, *(i for t in s.touchpoints for i in t.linked)]]

    def all_metrics(self) -> list[model.Metric]:
        return [m.metric for s in self.stages for m in s.metrics]

    def assembled(self) -> model.AssembledJourney | None:
        if self.journey is None:
            return None
        records = [item.record for item in self.all_linked()]
        return model.assemble(
            self.journey,
            self.persona,
            self.all_stages(),
            self.all_touchpoints(),
            self.all_metrics(),
            recommendations=[r for r in records if isinstance(r, model.Recommendation)],
            evidence=[r for r in records if isinstance(r, model.Evidence)],
        )


@cache
def shipped_schema() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


def schema(settings: Settings | None = None) -> dict[str, Any]:
    """The JSON Schema of the YAML format; with ``settings``, knowing the project's own lanes and channels."""
    result = json.loads(shipped_schema())
    if settings is None:
        return result
    lanes = [lane for lane in settings.lanes if lane not in model.TEXT_LANES]
    enum = result["properties"]["lanes"]["items"]["enum"]
    result["properties"]["lanes"]["items"]["enum"] = [*model.LANES, *lanes, *enum[len(model.LANES) :]]
    result["$defs"]["stage"]["properties"].update({lane: {"$ref": "#/$defs/items"} for lane in lanes})
    result["$defs"]["touchpoint"]["properties"]["channel"]["enum"] = list(settings.channels)
    return result


def load(
    path: str | Path,
    settings: Settings | None = None,
    overrides: Overrides | None = None,
    docname: str = "",
    kind: str | None = None,
) -> JourneyFile:
    """Read a YAML, CSV or Mermaid journey file into model records whose origin is ``docname`` and the file's lines.

    ``kind`` (``yaml``, ``csv``, ``mermaid``) overrides what the file's suffix says.
    """
    path = Path(path)
    settings, overrides = settings or Settings(), overrides or Overrides()
    result = JourneyFile(path)
    kind = kind or FORMATS.get(path.suffix.lower())
    if kind is None:
        result.problems.append(FileProblem("file", f"{path.name}: unknown file type; use .yaml, .yml, .csv or .mmd"))
        return result
    text = _read_text(path, settings.max_bytes, result.problems)
    if text is not None:
        reader: type[_Reader]
        if kind == "yaml":
            from .files_yaml import YamlReader

            reader = YamlReader
        else:
            reader = {"csv": _CsvReader, "mermaid": _MermaidReader}[kind]
        reader(result, text, settings, overrides, docname).read()
    result.problems.sort(key=lambda p: p.line)
    return result


def _read_text(path: Path, max_bytes: int, problems: list[FileProblem]) -> str | None:
    try:
        # Only regular files: opening a FIFO or a device would block or never end.
        if not stat.S_ISREG(path.stat().st_mode):
            problems.append(FileProblem("file", f"{path.name} is not a regular file; it is not read"))
            return None
        with path.open("rb") as stream:
            data = _read_at_most(stream, max_bytes + 1)
    except OSError as error:
        problems.append(FileProblem("file", f"cannot read {path.name}: {error.strerror or error}"))
        return None
    if len(data) > max_bytes:
        problems.append(
            FileProblem("file", f"{path.name} is larger than cjm_file_max_bytes ({max_bytes} bytes); it is not read")
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(FileProblem("file", f"{path.name} is not UTF-8 text (save it as UTF-8)", line))
        return None


def _read_at_most(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, read in chunks: a huge limit must not allocate a huge buffer."""
    chunks, total = [], 0
    while total < size and (chunk := stream.read(min(CHUNK_BYTES, size - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def check_max_bytes(value: object) -> int | None:
    """``cjm_file_max_bytes`` / ``--max-bytes``: a whole number of bytes, 1 to ``sys.maxsize``; None otherwise."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= sys.maxsize:
        return value
    return None


def _stripped(value: object) -> str:
    """A string value with surrounding whitespace removed; anything else (already reported) is empty."""
    return value.strip() if isinstance(value, str) else ""


def _one_line(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _value_text(value: object) -> str:
    """A metric value as text: ``40%`` as written, a YAML number ``40`` as ``40``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(model.normalise_number(value))
    return _one_line(value)


def _items(value: object) -> list[str]:
    """A lane: a list of strings, or one string with an item per line."""
    if isinstance(value, str):
        return model.split_items(value)
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


class _Reader:
    """Shared by the YAML and CSV readers: settings, overrides and the records' origin."""

    def __init__(self, result: JourneyFile, text: str, settings: Settings, overrides: Overrides, docname: str):
        self.result, self.text, self.settings, self.overrides, self.docname = result, text, settings, overrides, docname
        self.limits_passed: set[str] = set()
        self.derived_ids: set[str] = set()

    def origin(self, line: int) -> model.Origin:
        return model.Origin(docname=self.docname, source=str(self.result.path), lineno=line)

    def read(self) -> None:
        raise NotImplementedError

    def problem(self, subtype: str, message: str, line: int) -> None:
        self.result.problems.append(FileProblem(subtype, message, line))

    def targets(self, raw: Mapping[str, Any], key: str, parent_id: str) -> list[str]:
        given = raw.get(key)
        extra = [_stripped(t) for t in given if isinstance(t, str)] if isinstance(given, list) else []
        return list(dict.fromkeys([parent_id, *filter(None, extra)]))

    def make_recommendation(
        self, raw: Mapping[str, Any], parent_id: str, position: int, line: int, report: ReportField
    ) -> FileLinked:
        """A recommendation addressing ``parent_id``; ``report`` takes the problems of each field."""
        title = _one_line(raw["title"])
        scores = {}
        for name in ("impact", "effort"):
            scores[name], problems = model.parse_score(raw.get(name), name)
            report(name, problems)
        due, problems = model.parse_date(raw.get("due"))
        report("due", problems)
        choices = {}
        for name, allowed in (
            ("type", self.settings.recommendation_types),
            ("priority", model.PRIORITIES),
            ("status", model.RECOMMENDATION_STATUSES),
        ):
            choices[name], problems = model.parse_choice(raw.get(name), allowed, name)
            report(name, problems)
        budget = raw.get("budget")
        recommendation = model.Recommendation(
            id=_stripped(raw.get("id")) or self.derived_id(title, parent_id, "recommendation", position + 1),
            title=title,
            addresses=self.targets(raw, "addresses", parent_id),
            type=choices["type"],
            priority=choices["priority"],
            impact=scores["impact"],
            effort=scores["effort"],
            owner=_one_line(raw.get("owner")),
            status=choices["status"] or model.DEFAULT_STATUS,
            due=due,
            budget=_one_line(str(budget)) if isinstance(budget, str | int | float) else "",
            origin=self.origin(line),
        )
        return FileLinked(recommendation, _stripped(raw.get("description")))

    def make_evidence(
        self, raw: Mapping[str, Any], parent_id: str, position: int, line: int, report: ReportField
    ) -> FileLinked:
        """Evidence supporting ``parent_id``; ``report`` takes the problems of each field."""
        title = _one_line(raw["title"])
        kind, problems = model.parse_choice(raw.get("kind"), model.EVIDENCE_KINDS, "evidence kind")
        report("kind", problems)
        evidence = model.Evidence(
            id=_stripped(raw.get("id")) or self.derived_id(title, parent_id, "evidence", position + 1),
            title=title,
            kind=kind,
            source=_one_line(raw.get("source")),
            supports=self.targets(raw, "supports", parent_id),
            origin=self.origin(line),
        )
        return FileLinked(evidence, _stripped(raw.get("description")))

    def clean_text(self) -> None:
        """Control characters would break the curve's SVG and the page's attributes: replace them, line by line."""
        if not model.clean_text(self.text)[1]:
            return
        lines = self.text.split("\n")
        for n, line in enumerate(lines):
            lines[n], problems = model.clean_text(line)
            for problem in problems:
                self.problem(problem.subtype, problem.message, n + 1)
        self.text = "\n".join(lines)

    def past_limit(self, what: str, limit: int, line: int) -> None:
        """Reading stops at a limit, once: past it the rest is not read."""
        if what not in self.limits_passed:
            self.limits_passed.add(what)
            self.problem("limit", f"more than cjm_max_{what} ({limit}) {what}; the rest are not read", line)

    def derived_id(self, title: str, parent_id: str, kind: str, position: int) -> str:
        """An id derived from the title, unique in the file (a repeated title gets ``-2``, ``-3``)."""
        object_id = model.unique_id(model.derive_id(title, parent_id, kind, position), self.derived_ids)
        self.derived_ids.add(object_id)
        return object_id

    def make_journey(self, title: str, file_id: str, persona: str, lanes: list[str], line: int) -> model.Journey:
        title = self.overrides.title or title or self.result.path.stem
        return model.Journey(
            id=self.overrides.id or file_id or model.derive_id(title, "", "journey", 1),
            title=title,
            persona=self.overrides.persona or persona,
            lanes=self.overrides.lanes if self.overrides.lanes is not None else lanes,
            stage_order=list(self.overrides.stage_order),
            origin=self.origin(line),
        )


# --- CSV ---------------------------------------------------------------------------------------


@cache
def _catalogs() -> tuple[gettext.NullTranslations, ...]:
    """Every shipped message catalog, read directly: a spreadsheet may use any language's labels."""
    files = sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{MESSAGE_CATALOG}.mo"))
    return tuple(gettext.translation(MESSAGE_CATALOG, LOCALE_DIR, [f.parent.parent.name]) for f in files)


def _spellings(labels: Mapping[str, object], extra: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Each way to write a key (the key, its English label, its label in every catalog), casefolded.

    ``extra`` are the project's own keys with their labels: one text, or one per language.
    """
    spellings: dict[str, str] = {}
    for key, label in labels.items():
        # A label is Sphinx's lazy message; str() would follow the language of whatever build ran last.
        english = msgid(label)
        for text in (key, english, *(catalog.gettext(english) for catalog in _catalogs())):
            spellings.setdefault(text.casefold(), key)
    for key, label in (extra or {}).items():
        texts = label.values() if isinstance(label, Mapping) else [label]
        for text in (key, *texts):
            spellings.setdefault(str(text).casefold(), key)
    return spellings


def _cells(line: int, cells: list[str]) -> Iterator[tuple[int, str, int]]:
    """Each cell of a row after its label: its column and the line of the file it starts on."""
    cell_line = line + cells[0].count("\n")
    for column, cell in enumerate(cells[1:], start=1):
        yield column, cell, cell_line
        cell_line += cell.count("\n")


class _CsvReader(_Reader):
    """First row: the journey's title, then one stage title per column; then one row per lane."""

    def read(self) -> None:
        rows = self.rows()
        if rows is None:
            return
        rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
        if not rows:
            self.problem("csv", "the file is empty; it holds no journey", 1)
            return
        (header_line, header), body = rows[0], rows[1:]
        while header and not header[-1].strip():
            header.pop()
        journey = self.make_journey(header[0].strip() if header else "", "", "", [], header_line)
        self.result.journey = journey
        self.columns: dict[int, FileStage] = {}
        self.touchpoints_read = 0
        for column, title in enumerate(header[1:], start=1):
            if len(self.columns) == self.settings.limits.stages:
                self.past_limit("stages", self.settings.limits.stages, header_line)
                break
            if not title.strip():
                self.problem("csv", f"column {column + 1} has no stage title; it is left out", header_line)
                continue
            stage = model.Stage(
                id=self.derived_id(title.strip(), journey.id, "stage", column),
                title=" ".join(title.split()),
                journey=journey.id,
                nested_index=len(self.columns),
                origin=self.origin(header_line),
            )
            self.columns[column] = FileStage(stage)
            self.result.stages.append(self.columns[column])
        self.width = len(header)
        self.lane_spellings = _spellings(
            {**LANE_LABELS, "reach": FIELD_LABELS["reach"], "metrics": FIELD_LABELS["metrics"]},
            {**dict.fromkeys(self.settings.lanes, ()), **self.settings.lane_labels},
        )
        self.linked_spellings = _spellings(LINKED_ROW_LABELS)
        #: Rows about touchpoints wait until every touchpoint is read: the touchpoints row may come after them.
        self.touchpoint_linked_rows: list[tuple[str, int, list[str]]] = []
        lanes = [CSV_ROWS_SHOWN_AS.get(lane, lane) for line, cells in body if (lane := self.read_row(line, cells))]
        for key, line, cells in self.touchpoint_linked_rows:
            self.read_linked_row(key, line, cells)
        if self.overrides.lanes is None:
            journey.lanes = list(dict.fromkeys(lanes)) or list(self.settings.default_lanes)

    def rows(self) -> list[tuple[int, list[str]]] | None:
        self.clean_text()
        first_line = self.text.split("\n", 1)[0]
        delimiter = max(CSV_DELIMITERS, key=first_line.count)
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=delimiter)
        rows, previous = [], 0
        try:
            for cells in reader:
                rows.append((previous + 1, cells))
                previous = reader.line_num
        except csv.Error as error:
            self.problem("csv", f"not valid CSV: {error}", reader.line_num)
            return None
        return rows

    def read_row(self, line: int, cells: list[str]) -> str:
        """Put one lane row into the stages; returns the lane's key ('' when the row is left out)."""
        label = cells[0].strip().rstrip(":").strip()
        lane = self.lane_spellings.get(label.casefold())
        linked = self.linked_spellings.get(label.casefold())
        if linked in CSV_TOUCHPOINT_LINKED_ROWS:
            self.touchpoint_linked_rows.append((linked, line, cells))
            return ""
        if linked is not None:
            self.read_linked_row(linked, line, cells)
            return ""
        if lane is None:
            known = ", ".join((*model.LANES, *self.settings.lanes))
            self.problem("csv", f"unknown lane {label!r:.60} in the first column; known lanes: {known}", line)
            return ""
        for column, cell, cell_line in _cells(line, cells):
            if cell.strip():
                stage = self.columns.get(column)
                if stage is not None:
                    self.read_cell(stage, lane, cell, cell_line)
                elif column >= self.width:
                    self.problem("csv", f"{label}: column {column + 1} has no stage; its text is left out", cell_line)
        return lane

    def read_linked_row(self, key: str, line: int, cells: list[str]) -> None:
        """A row of recommendations or research evidence: one per line of a cell.

        They are about the column's stage, or, in a touchpoint row, about the stage's touchpoint named first.
        """
        kind = CSV_TOUCHPOINT_LINKED_ROWS.get(key, key)
        about_touchpoint = key in CSV_TOUCHPOINT_LINKED_ROWS
        names = ("touchpoint", *CSV_LINKED_FIELDS[kind]) if about_touchpoint else CSV_LINKED_FIELDS[kind]
        build = self.make_recommendation if kind == "recommendations" else self.make_evidence
        for column, cell, cell_line in _cells(line, cells):
            stage = self.columns.get(column)
            for offset, item in enumerate(cell.split("\n")):
                item_line = cell_line + offset
                if not item.strip() or stage is None:
                    continue
                values = self.split_fields(item, names, CSV_LINKED_ITEM_NAMES[kind], item_line)
                about: FileStage | FileTouchpoint | None = stage
                if about_touchpoint:
                    about = self.touchpoint_named(stage, values["touchpoint"], item_line)
                if about is None:
                    continue
                if not values.get("title"):
                    self.problem("csv", f"a {CSV_LINKED_ITEM_NAMES[kind]} item has no title; it is left out", item_line)
                    continue

                def report(
                    name: str, problems: list[model.Problem], at: int = item_line, title: str = values["title"]
                ) -> None:
                    for problem in problems:
                        self.problem(problem.subtype, f"{title!r:.60}: {problem.message}", at)

                about_id = about.stage.id if isinstance(about, FileStage) else about.touchpoint.id
                about.linked.append(build(values, about_id, len(about.linked), item_line, report))

    def touchpoint_named(self, stage: FileStage, name: str, line: int) -> FileTouchpoint | None:
        """The stage's touchpoint with this title (spacing and case aside) or id; None, with a problem, if none."""
        wanted = " ".join(name.split()).casefold()
        for point in stage.touchpoints:
            if wanted in (point.touchpoint.title.casefold(), point.touchpoint.id.casefold()):
                return point
        known = ", ".join(repr(p.touchpoint.title) for p in stage.touchpoints) or "none"
        self.problem(
            "csv",
            f"{name!r:.60} is not a touchpoint of stage {stage.stage.title!r:.60} (its touchpoints: {known:.200}); "
            "the item is left out",
            line,
        )
        return None

    def split_fields(self, item: str, names: tuple[str, ...], what: str, line: int) -> dict[str, str]:
        """The ``|``-separated fields of one item of a cell, by name; fields past the last name are reported."""
        parts = [part.strip() for part in item.split("|")]
        if len(parts) > len(names):
            self.problem(
                "csv",
                f"{what} {parts[0]!r:.60} has more than {len(names)} fields ({' | '.join(names)}); "
                "the rest is left out",
                line,
            )
        return dict(zip(names, parts, strict=False))

    def read_cell(self, stage: FileStage, lane: str, cell: str, line: int) -> None:
        if lane == "reach":
            reach, problems = model.parse_reach(cell)
            for problem in problems:
                self.problem(problem.subtype, f"{stage.stage.title}: {problem.message}", line)
            stage.stage.reach = reach if reach is not None else stage.stage.reach
            return
        if lane == "emotion":
            emotion, problems = model.parse_emotion(cell, self.settings.scale)
            for problem in problems:
                self.problem(problem.subtype, f"{stage.stage.title}: {problem.message}", line)
            if emotion is not None:
                stage.stage.emotion = emotion
            return
        for offset, item in enumerate(cell.split("\n")):
            if not item.strip():
                continue
            if lane == "touchpoints":
                self.read_touchpoint(stage, item, line + offset)
            elif lane == "metrics":
                self.read_metric(stage, item, line + offset)
            else:
                stage.stage.lanes.setdefault(lane, []).append(item.strip())

    def read_metric(self, stage: FileStage, item: str, line: int) -> None:
        """``Title | plan | fact | better``; its id derived from the title and the stage's id."""
        values = {name: "" for name in CSV_METRIC_FIELDS} | self.split_fields(item, CSV_METRIC_FIELDS, "metric", line)
        if not values["title"]:
            self.problem("csv", "a metric has no title; it is left out", line)
            return
        for problem in model.check_metric_values(values["plan"], values["fact"], values["better"]):
            self.problem(problem.subtype, f"metric {values['title']!r:.60}: {problem.message}", line)
        position = len(stage.metrics)
        metric = model.Metric(
            id=self.derived_id(values["title"], stage.stage.id, "metric", position + 1),
            title=values["title"],
            stage=stage.stage.id,
            plan=values["plan"],
            fact=values["fact"],
            better=model.metric_better(values["better"], values["plan"]),
            nested_index=position,
            origin=self.origin(line),
        )
        stage.metrics.append(FileMetric(metric))

    def read_touchpoint(self, stage: FileStage, item: str, line: int) -> None:
        values = self.split_fields(item, CSV_TOUCHPOINT_FIELDS, "touchpoint", line)
        if self.touchpoints_read == self.settings.limits.touchpoints:
            self.past_limit("touchpoints", self.settings.limits.touchpoints, line)
            return
        if not values["title"]:
            self.problem("csv", "a touchpoint has no title; it is left out", line)
            return
        raw_channel = values.get("channel", "")
        channel, channel_kind, problems = model.parse_channel(
            _spellings(CHANNEL_LABELS).get(raw_channel.casefold(), raw_channel), self.settings.channels
        )
        emotion, emotion_problems = model.parse_emotion(values.get("emotion"), self.settings.scale)
        for problem in [*problems, *emotion_problems]:
            self.problem(problem.subtype, f"touchpoint {values['title']!r:.60}: {problem.message}", line)
        position = len(stage.touchpoints)
        self.touchpoints_read += 1
        stage.touchpoints.append(
            FileTouchpoint(
                model.Touchpoint(
                    id=self.derived_id(values["title"], stage.stage.id, "touchpoint", position + 1),
                    title=values["title"],
                    stage=stage.stage.id,
                    channel=channel,
                    channel_kind=channel_kind,
                    emotion=emotion,
                    nested_index=position,
                    origin=self.origin(line),
                    **{name: values.get(name, "") for name in ("barrier", "solution", "owner", "kpi")},
                )
            )
        )


# --- Mermaid -----------------------------------------------------------------------------------

_MERMAID_TASK = re.compile(r"^(?P<title>[^:]+):(?P<score>[^:]*)(?::(?P<actors>.*))?$")


@dataclass
class _MermaidTask:
    title: str
    score: str
    actors: list[str]
    line: int


class _MermaidReader(_Reader):
    """Mermaid's ``journey`` diagram: sections are stages, tasks touchpoints, scores 1–5 emotions on the scale.

    The actors (the people after a task's score) become one persona named after them all;
    a task done by only some of them says which in its description (``Actors: ...``).
    """

    def read(self) -> None:
        self.clean_text()
        statements = [(n, line.strip()) for n, line in enumerate(self.text.split("\n"), start=1)]
        statements = [(n, text) for n, text in statements if text and not text.startswith("%%")]
        if not statements or statements[0][1].split()[0].lower() != "journey":
            self.problem("mermaid", "not a Mermaid journey diagram: its first statement is not 'journey'", 1)
            return
        header_line = statements[0][0]
        title, notes = "", []
        sections: list[tuple[str, int, list[_MermaidTask]]] = []
        rest = iter(statements[1:])
        for line, text in rest:
            keyword, _space, value = text.partition(" ")
            lowered = text.lower()
            if keyword.lower() == "title":
                title = " ".join(value.split())
            elif keyword.lower() == "section":
                sections.append((" ".join(value.split()), line, []))
            elif lowered.startswith(("acctitle:", "accdescr:")):
                notes.append(text.partition(":")[2].strip())
            elif lowered.startswith("accdescr") and text.endswith("{"):
                for _inner_line, inner in rest:
                    if inner.startswith("}"):
                        break
                    notes.append(inner)
            elif match := _MERMAID_TASK.match(text):
                actors = [a.strip() for a in (match["actors"] or "").split(",") if a.strip()]
                task = _MermaidTask(" ".join(match["title"].split()), match["score"].strip(), actors, line)
                if not sections:
                    self.problem("mermaid", f"task {task.title!r:.60} comes before any section; it opens one", line)
                    sections.append(("", line, []))
                sections[-1][2].append(task)
            else:
                self.problem("mermaid", f"statement {text!r:.60} is not a title, section or task; it is left out", line)
        self.build(title, "\n\n".join(notes), sections, header_line)

    def build(
        self, title: str, description: str, sections: list[tuple[str, int, list[_MermaidTask]]], line: int
    ) -> None:
        actors = list(dict.fromkeys(actor for _t, _l, tasks in sections for task in tasks for actor in task.actors))
        persona = None
        if actors:
            names = ", ".join(actors)
            persona = model.Persona(id=model.derive_id(names, "", "persona", 1), title=names, origin=self.origin(line))
            self.result.persona, self.result.persona_description = (
                persona,
                f"The actors of the Mermaid journey: {names}.",
            )
        journey = self.make_journey(title, "", persona.id if persona else "", [], line)
        journey.lanes = journey.lanes or list(self.settings.default_lanes)
        self.result.journey, self.result.description = journey, description
        for position, (section_title, section_line, tasks) in enumerate(sections):
            stage_title = section_title or journey.title
            stage = FileStage(
                model.Stage(
                    id=self.derived_id(stage_title, journey.id, "stage", position + 1),
                    title=stage_title,
                    journey=journey.id,
                    nested_index=position,
                    origin=self.origin(section_line),
                )
            )
            self.result.stages.append(stage)
            for task in tasks:
                self.add_touchpoint(stage, task, all_actors=actors)

    def add_touchpoint(self, stage: FileStage, task: _MermaidTask, all_actors: list[str]) -> None:
        score, problems = model.parse_emotion(task.score, model.MERMAID_SCORES)
        for problem in problems:
            self.problem(problem.subtype, f"task {task.title!r:.60}: Mermaid score: {problem.message}", task.line)
        position = len(stage.touchpoints)
        touchpoint = model.Touchpoint(
            id=self.derived_id(task.title, stage.stage.id, "touchpoint", position + 1),
            title=task.title,
            stage=stage.stage.id,
            emotion=None if score is None else model.emotion_of_score(score, self.settings.scale),
            nested_index=position,
            origin=self.origin(task.line),
        )
        only_some = task.actors and task.actors != all_actors
        stage.touchpoints.append(
            FileTouchpoint(touchpoint, f"{model.MERMAID_ACTORS_NOTE} {', '.join(task.actors)}" if only_some else "")
        )
