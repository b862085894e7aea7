"""Metric facts read from analytics exports (``cjm_metric_facts``), free of Sphinx.

A CSV file has a header ``metric,fact,date`` (more columns are ignored; ``;`` or tab
may separate them); a JSON file is ``{"metric-id": {"fact": ..., "date": "YYYY-MM-DD"}}``.
A metric listed on several rows takes the row of the newest date (the last of equal
dates), so an export may keep a history. Reading never raises on bad input: every
problem comes back as a :class:`~sphinx_cjm.files.FileProblem` with its line.

What the domain keeps (``env.domaindata['cjm']['facts']``) is plain data:
``{"records": {metric id: {"fact", "date", "source", "line"}}, "newest": {source: date}}``,
``source`` being the file's path relative to the source directory.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model
from .files import CSV_DELIMITERS, FileProblem, _read_text

FORMATS = (".csv", ".json")
HEADER = ("metric", "fact", "date")


@dataclass(frozen=True)
class Fact:
    metric: str
    fact: str
    date: str
    line: int


@dataclass
class FactsFile:
    path: Path
    facts: dict[str, Fact] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def newest(self) -> str:
        return max((f.date for f in self.facts.values() if f.date), default="")

    def problem(self, subtype: str, message: str, line: int) -> None:
        self.problems.append(FileProblem(subtype, message, line))

    def add(self, metric: str, fact: object, date: object, line: int) -> None:
        """One row: checked, then kept unless a row of a newer date holds the same metric."""
        metric = metric.strip() if isinstance(metric, str) else ""
        text = "" if fact is None or isinstance(fact, bool) else str(fact).strip()
        date_text = str(date).strip() if isinstance(date, str | int) and not isinstance(date, bool) else ""
        if not metric:
            self.problem("metric", "a row names no metric; it is left out", line)
            return
        measured = model.parse_measure(text)
        if measured is None or measured.is_range or measured.better:
            self.problem("metric", f"{metric}: fact {text!r:.40} is not one number with an optional unit", line)
            return
        if date_text and not valid_date(date_text):
            self.problem("metric", f"{metric}: date {date_text!r:.40} is not a date as YYYY-MM-DD", line)
            date_text = ""
        kept = self.facts.get(metric)
        if kept is None or date_text >= kept.date:
            self.facts[metric] = Fact(metric, text, date_text, line)


def valid_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


def read(path: Path, max_bytes: int) -> FactsFile:
    """The facts of one CSV or JSON file; unreadable files give problems and no facts."""
    result = FactsFile(path)
    if path.suffix.lower() not in FORMATS:
        result.problem("file", f"{path.name}: unknown facts file type; use .csv or .json", 0)
        return result
    text = _read_text(path, max_bytes, result.problems)
    if text is not None:
        (read_json if path.suffix.lower() == ".json" else read_csv)(result, text)
    result.problems.sort(key=lambda p: p.line)
    return result


def read_csv(result: FactsFile, text: str) -> None:
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = []
        previous = 0
        for cells in reader:
            rows.append((previous + 1, cells))
            previous = reader.line_num
    except csv.Error as error:
        result.problem("file", f"not valid CSV: {error}", reader.line_num)
        return
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        return
    header = [cell.strip().casefold() for cell in rows[0][1]]
    if "metric" not in header or "fact" not in header:
        result.problem("file", f"the first row must name the columns {','.join(HEADER)}", rows[0][0])
        return
    columns = {name: header.index(name) for name in HEADER if name in header}
    for line, cells in rows[1:]:
        values = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
        result.add(values["metric"], values["fact"], values.get("date", ""), line)


def read_json(result: FactsFile, text: str) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        result.problem("file", f"not valid JSON: {error.msg}", error.lineno)
        return
    if not isinstance(data, dict):
        result.problem("file", 'the file must hold an object: {"metric-id": {"fact": ..., "date": ...}}', 1)
        return
    for metric, entry in data.items():
        line = key_line(text, metric)
        if not isinstance(entry, dict):
            result.problem("metric", f"{metric}: expected {{'fact': ..., 'date': ...}}", line)
            continue
        result.add(metric, entry.get("fact"), entry.get("date", ""), line)


def key_line(text: str, key: str) -> int:
    """The line of a JSON object key (the json module keeps no positions)."""
    match = re.search(re.escape(json.dumps(key)) + r"\s*:", text) or re.search(
        re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text
    )
    return text.count("\n", 0, match.start()) + 1 if match else 1


def stale(newest: str, max_age: int | None, today: datetime.date) -> int | None:
    """How many days ``newest`` is older than ``max_age`` allows, or None when it is recent enough (or unchecked)."""
    if max_age is None or not newest:
        return None
    age = (today - datetime.date.fromisoformat(newest)).days
    return age if age > max_age else None


# --- facts as the domain keeps them ------------------------------------------------------------


def merged(files: list[tuple[str, FactsFile]]) -> dict[str, Any]:
    """The facts of every file, each metric from the file listed last."""
    records: dict[str, dict[str, Any]] = {}
    newest: dict[str, str] = {}
    for source, loaded in files:
        newest[source] = loaded.newest
        for metric, fact in loaded.facts.items():
            records[metric] = {"fact": fact.fact, "date": fact.date, "source": source, "line": fact.line}
    return {"records": records, "newest": newest} if records or newest else {}


def with_fact(metric: model.Metric, facts: dict[str, Any]) -> model.Metric:
    """The metric, its fact overridden by the one read from a file (a bare number takes the plan's unit)."""
    record = facts.get("records", {}).get(metric.id)
    if record is None:
        return metric
    fact, plan = record["fact"], model.parse_measure(metric.plan)
    measured = model.parse_measure(fact)
    if measured is not None and not measured.unit and plan is not None and plan.unit:
        fact += (" " if plan.spaced else "") + plan.unit
    return dataclasses.replace(metric, fact=fact, fact_source=record["source"], fact_date=record["date"])


def sources_of(journey: model.AssembledJourney, facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts files the journey's metrics come from, with each file's newest date, in file order."""
    used = {m.fact_source for s in journey.stages for m in s.metrics if m.fact_source}
    return [(source, date) for source, date in facts.get("newest", {}).items() if source in used]
