"""``journey :file:`` with YAML: every field, schema errors at their lines, safety, rebuilds."""

from __future__ import annotations

import html.parser
import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from sphinx_cjm import files, model

ROOTS = Path(__file__).parent / "roots"


class Tables(html.parser.HTMLParser):
    """The text of every cell of each ``cjm-journey-table``, row by row, and every element id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.ids: set[str] = set()
        self.hrefs: dict[str, str] = {}
        self._table: list[list[str]] | None = None
        self._cell: str | None = None
        self._href: list[str] | None = None
        self._curve_row = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "table" and "cjm-journey-table" in (a.get("class") or ""):
            self._table = []
        elif tag == "tr" and self._table is not None:
            # The curve's row (cjm-curve-row) is drawn on the table's grid; it is not a lane.
            self._curve_row = "cjm-curve-row" in (a.get("class") or "").split()
            if not self._curve_row:
                self._table.append([])
        elif tag in ("td", "th") and self._table is not None and not self._curve_row:
            self._cell = ""
        elif tag == "a" and a.get("href"):
            self._href = [a["href"], ""]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "a" and self._href:
            self.hrefs[" ".join(self._href[1].split())] = self._href[0]
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data
        if self._href:
            self._href[1] += data


def page(app, name: str) -> str:
    return (Path(app.outdir) / f"{name}.html").read_text(encoding="utf-8")


def journey_json(app, journey_id: str) -> dict:
    data = json.loads((Path(app.outdir) / "cjm.json").read_text(encoding="utf-8"))
    return next(j for j in data["journeys"] if j["id"] == journey_id)


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.sphinx("html", testroot="yaml")
def test_every_field_reaches_table_export_and_anchors(app):
    app.build()
    warnings = app._warning.getvalue()
    assert "WARNING" not in warnings, warnings
    index = Tables(page(app, "index"))
    table = index.tables[0]
    assert table[0] == ["Stage", "Search", "Landing page", "Aftercare"]
    # (Rows of one cell are the service blueprint's lines, not lanes.)
    rows = {row[0]: row[1:] for row in table[1:] if len(row) == len(table[0])}
    assert list(rows) == [
        "Actions",
        "Customer goals",
        "Touchpoints",
        "Emotion",
        "Barriers",
        "Solutions",
        "KPIs",
        "Responsible",
    ]
    assert rows["Actions"] == [
        "Searches for doors in the city Opens three shops",
        "Filters by size",
        "Calls about a squeaking hinge",
    ]
    assert rows["Touchpoints"] == ["Search ad", "Landing page with calculator Final offer", "Service call"]
    assert rows["Emotion"] == ["0.5", "\u22120.25", "\u22121"]  # a real minus sign
    assert rows["Barriers"][1] == "Installation price hidden"
    assert rows["Solutions"][1] == "Show the full price"
    # Descriptions of file-born objects are rendered where the journey stands, anchored by id.
    assert {
        "doors-search",
        "doors-landing",
        "doors-landing-page",
        "doors-landing-final-offer",
        "doors-owner",
    } <= index.ids
    assert index.hrefs["Landing page with calculator"] == "#doors-landing-page"
    assert index.hrefs["Service call"] == "other.html#doors-service-call"
    text = page(app, "index")
    assert "Flat owner &lt;b&gt;" in text and "<b>" not in text.split("<body")[1].split("Flat owner")[1][:20]
    assert "From 14 interviews &amp; web analytics." in text
    assert text.index("From 14 interviews") < text.index("Text written on the page") < text.index("cjm-journey-table")
    assert "Asks for width and height only." in text and "Asks the family before paying." in text

    exported = journey_json(app, "doors")
    assert exported["title"] == "Buying a front door" and exported["persona"] == "doors-owner"
    assert exported["docname"] == "index"
    assert exported["lanes"] == [
        "actions",
        "goals",
        "touchpoints",
        "emotion",
        "barriers",
        "solutions",
        "kpis",
        "owners",
    ]
    search, landing, aftercare = exported["stages"]
    assert {key: search[key] for key in ("id", "title", "docname", "emotion", "lanes", "touchpoints")} == {
        "id": "doors-search",
        "title": "Search",
        "docname": "index",
        "emotion": 0.5,
        "lanes": {
            "actions": ["Searches for doors in the city", "Opens three shops"],
            "goals": ["Understand the price"],
            "kpis": ["Click-through of the search ad"],
            "owners": ["Performance marketing"],
        },
        "touchpoints": [
            {
                "id": "doors-ad",
                "title": "Search ad",
                "docname": "index",
                "channel": "online",
                "channel_kind": "online",
                "emotion": 0,
                "barrier": "",
                "solution": "",
                "owner": "",
                "kpi": "",
                "evidence": [],
            }
        ],
    }
    assert landing["touchpoints"][0] == {
        "id": "doors-landing-page",
        "title": "Landing page with calculator",
        "docname": "index",
        "channel": "online",
        "channel_kind": "online",
        "emotion": -1.5,
        "barrier": "Installation price hidden",
        "solution": "Show the full price",
        "owner": "Web team",
        "kpi": "Calculator completion",
        "evidence": [],
    }
    assert aftercare["id"] == "doors-aftercare" and aftercare["docname"] == "other"
    data = json.loads((Path(app.outdir) / "cjm.json").read_text(encoding="utf-8"))
    assert {"id": "doors-owner", "title": "Flat owner <b>", "segment": "City flats", "docname": "index"} in data[
        "personas"
    ]

    # Roles elsewhere resolve to the file-born objects on the journey's page.
    other = Tables(page(app, "other"))
    assert other.hrefs["Landing page with calculator"] == "index.html#doors-landing-page"
    assert other.hrefs["Flat owner <b>"] == "index.html#doors-owner"
    assert other.hrefs["Search"] == "index.html#doors-search"


@pytest.mark.sphinx("html", testroot="yaml")
def test_records_know_file_and_line(app):
    app.build()
    domain = app.env.get_domain("cjm")
    path = Path(app.srcdir) / "doors.yaml"
    touchpoint = domain.get("touchpoint", "doors-landing-page")
    assert touchpoint.origin == model.Origin("index", str(path.resolve()), line_of(path, "id: doors-landing-page"))
    assert domain.get("stage", "doors-search").origin.lineno == line_of(path, "id: doors-search")
    assert domain.get("journey", "doors").origin.source == str(path.resolve())


@pytest.mark.sphinx("html", testroot="yaml")
def test_directive_options_override_file_and_absolute_path(app):
    app.build()
    table = Tables(page(app, "absolute")).tables[0]
    assert table[0] == ["Stage", "Only stage"]
    assert [row[0] for row in table[1:]] == ["Actions", "Touchpoints"]
    assert table[1][1] == "First action Second action"
    exported = journey_json(app, "short-override")
    assert exported["title"] == "Title from the directive" and exported["persona"] == "doors-owner"
    # Ids left out of the file derive from the (overridden) journey id.
    assert exported["stages"][0]["id"] == "short-override-only-stage"
    assert exported["stages"][0]["touchpoints"][0]["id"] == "short-override-only-stage-only-touchpoint"


@pytest.mark.sphinx("html", testroot="yaml-errors")
def test_each_problem_points_at_its_yaml_line(app):
    app.build()
    warnings = app._warning.getvalue()
    expected = [
        ("broken.yaml:3:", "lanes[1]: 'feelings' is not one of", "cjm.yaml"),
        ("broken.yaml:7:", "stages[0].emotion: emotion 5 is outside the scale -2..2", "cjm.emotion"),
        ("broken.yaml:8:", "stages[0].actions[1]: 42 is not of type 'string'", "cjm.yaml"),
        ("broken.yaml:12:", "stages[0].touchpoints[0].channel: 'pigeon' is not one of: online, offline", "cjm.yaml"),
        # Text is read as a number when it is one ("1,5", "−1"); this is not.
        ("broken.yaml:13:", "stages[0].touchpoints[0].emotion: emotion high is not a number", "cjm.emotion"),
        ("broken.yaml:14:", "unknown key 'chanel' (did you mean 'channel'?)", "cjm.yaml"),
        ("broken.yaml:15:", "stages[1]: 'title' is a required property", "cjm.yaml"),
        ("broken.yaml:16:", "unknown key 'titel' (did you mean 'title'?)", "cjm.yaml"),
        ("broken.yaml:19:", "emotion -7 is outside the scale", "cjm.emotion"),
        ("syntax.yaml:5:", "not valid YAML", "cjm.yaml"),
        ("index.rst:7:", ":file: '../../etc/passwd' must name a file inside the source directory", "cjm.file"),
        ("index.rst:10:", ":file: 'missing.yaml' not found", "cjm.file"),
    ]
    lines = warnings.splitlines()
    for location, message, subtype in expected:
        matching = [line for line in lines if location in line and message in line and f"[{subtype}]" in line]
        assert matching, (location, message, warnings)
    assert "Traceback" not in warnings
    text = page(app, "index")
    assert "The rest of the document still builds." in text
    # What is valid in the broken file is still shown; a stage without a title is left out.
    assert journey_json(app, "broken")["stages"][0]["lanes"] == {"actions": ["Fine"]}
    assert [s["title"] for s in journey_json(app, "broken")["stages"]] == ["One", "Three"]


@pytest.mark.sphinx("html", testroot="yaml-errors")
def test_python_tags_are_refused_without_running(app, tmp_path):
    marker = tmp_path / "ran"
    evil = f'title: Evil\nstages: !!python/object/apply:os.mkdir ["{marker}"]\n'
    (Path(app.srcdir) / "broken.yaml").write_text(evil, encoding="utf-8")
    app.build()
    warnings = app._warning.getvalue()
    assert "broken.yaml:2:" in warnings and "python/object/apply:os.mkdir" in warnings and "[cjm.yaml]" in warnings
    assert not marker.exists()


@pytest.mark.sphinx("html", testroot="yaml-errors", confoverrides={"cjm_file_max_bytes": 100})
def test_size_limit(app):
    app.build()
    warnings = app._warning.getvalue()
    assert "broken.yaml:1: WARNING: journey file: broken.yaml is larger than cjm_file_max_bytes (100 bytes)" in warnings
    assert "[cjm.file]" in warnings
    assert "pigeon" not in warnings  # not read at all
    assert "syntax.yaml:5:" in warnings  # a small file still is


def test_aliases_cannot_blow_up(tmp_path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n" for n in range(8)
    )
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs, encoding="utf-8")
    loaded = files.load(path)
    assert loaded.journey is None
    assert [p.subtype for p in loaded.problems] == ["yaml"] and "aliases expand" in loaded.problems[0].message


def test_schema_is_valid_and_in_step_with_the_model():
    schema = files.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["lanes"]["items"]["enum"] == [*model.LANES, *model.LANE_PRESETS]
    assert set(model.TEXT_LANES) <= set(schema["$defs"]["stage"]["properties"])
    assert schema["$defs"]["touchpoint"]["properties"]["channel"]["enum"] == list(model.CHANNELS)
    example = (Path(__file__).parents[1] / "examples" / "doors" / "doors.yaml").read_text(encoding="utf-8")
    jsonschema.validate(yaml.safe_load(example), schema)


def test_editing_the_yaml_rebuilds_the_page(make_app, tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-yaml", source)
    incremental = tmp_path / "incremental"
    make_app("html", srcdir=source, builddir=incremental).build()
    before = (incremental / "html" / "index.html").read_text(encoding="utf-8")
    yaml_path = source / "doors.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace("Opens three shops", "Opens five shops"), encoding="utf-8"
    )
    # A later modification time than the last read, whatever the file system's resolution.
    stat = yaml_path.stat()
    os.utime(yaml_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    make_app("html", srcdir=source, builddir=incremental).build()
    after = (incremental / "html" / "index.html").read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    make_app("html", srcdir=source, builddir=clean).build()
    assert "Opens five shops" in after and "Opens five shops" not in before
    assert after == (clean / "html" / "index.html").read_text(encoding="utf-8")
    # Pages that only link to the journey's objects are rewritten as well.
    assert (incremental / "html" / "other.html").read_bytes() == (clean / "html" / "other.html").read_bytes()
    assert (incremental / "html" / "cjm.json").read_bytes() == (clean / "html" / "cjm.json").read_bytes()
