"""``journey :file: map.csv``: the spreadsheet layout, with English or Russian row labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_yaml import Tables, journey_json, page

from sphinx_cjm import files


def lanes_of(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:] if len(row) == len(table[0])}


@pytest.mark.sphinx("html", testroot="csv")
def test_english_and_russian_spreadsheets(app):
    app.build()
    warnings = app._warning.getvalue()
    assert "WARNING" not in warnings, warnings
    retail, wholesale = Tables(page(app, "index")).tables

    assert retail[0] == ["Stage", "Awareness", "Showroom visit"]
    rows = lanes_of(retail)
    # The rows' order is the spreadsheet's; "KPIs:" with a colon still names the lane.
    assert list(rows) == ["Actions", "Touchpoints", "Emotion", "KPIs"]
    assert rows["Actions"] == ["Sees a banner Reads reviews", "Sits on three sofas"]
    assert rows["Touchpoints"] == ["Banner Review site", "Showroom"]
    assert rows["Emotion"] == ["0.5", "2"]
    assert rows["KPIs"] == ["Click-through rate", "—"]  # an empty cell shows a dash
    exported = journey_json(app, "retail")
    assert exported["title"] == "Buying a sofa"  # the top-left cell
    showroom = exported["stages"][1]["touchpoints"][0]
    assert showroom == {
        "id": "retail-showroom-visit-showroom",
        "title": "Showroom",
        "docname": "index",
        "channel": "offline",
        "channel_kind": "offline",
        "emotion": 1.5,
        "barrier": "Parking is full",
        "solution": "Reserve parking for visitors",
        "owner": "Store manager",
        "kpi": "Visits per day",
        "evidence": [],
    }
    assert (
        exported["stages"][0]["touchpoints"][1]["channel"] == "online"
        and exported["stages"][0]["touchpoints"][1]["emotion"] is None
    )

    assert wholesale[0] == ["Stage", "Визит торгового представителя", "Регистрация"]
    rows = lanes_of(wholesale)
    assert list(rows) == ["Actions", "Touchpoints", "Doubts", "Responsible"]
    assert rows["Touchpoints"] == ["Визит представителя", "SMS со ссылкой Форма регистрации"]
    exported = journey_json(app, "b2b-csv")
    assert exported["title"] == "Оптовый сервис: первые шаги" and exported["persona"] == "shop-owner"
    assert [s["id"] for s in exported["stages"]] == ["b2b-csv-vizit-torgovogo-predstavitelya", "b2b-csv-registratsiya"]
    visit, signup = exported["stages"]
    assert visit["lanes"] == {
        "actions": ["Слушает представителя", "Листает каталог"],
        "doubts": ["Привезут ли вовремя"],
        "owners": ["Руководитель отдела продаж"],
    }
    assert visit["touchpoints"][0]["channel"] == "offline"
    assert visit["touchpoints"][0]["barrier"] == "Не доверяет онлайн-сервису"
    assert [(t["title"], t["channel"], t["emotion"]) for t in signup["touchpoints"]] == [
        ("SMS со ссылкой", "online", 0),
        ("Форма регистрации", "online", -1.5),
    ]
    # Each touchpoint's description is on the page under its id; the table links to it.
    index = Tables(page(app, "index"))
    assert index.hrefs["Форма регистрации"] == "#b2b-csv-registratsiya-forma-registratsii"
    assert "b2b-csv-registratsiya-forma-registratsii" in index.ids
    origin = app.env.get_domain("cjm").get("touchpoint", "b2b-csv-registratsiya-forma-registratsii").origin
    assert (Path(origin.source).name, origin.lineno) == ("wholesale.csv", 5)


@pytest.mark.sphinx("html", testroot="csv", confoverrides={"language": "ru"})
def test_russian_project_shows_russian_labels(app):
    app.build()
    rows = lanes_of(Tables(page(app, "index")).tables[1])
    assert list(rows) == ["Действия", "Точки контакта", "Сомнения", "Ответственные"]
    # The English spreadsheet is read the same in a Russian project.
    assert list(lanes_of(Tables(page(app, "index")).tables[0])) == ["Действия", "Точки контакта", "Эмоция", "KPI"]


@pytest.mark.sphinx("html", testroot="csv-errors")
def test_each_problem_points_at_its_csv_line(app):
    app.build()
    warnings = app._warning.getvalue()
    expected = [
        ("broken.csv:3:", "unknown lane 'Feelings'", "cjm.csv"),
        ("broken.csv:4:", "touchpoint 'Call': unknown channel 'pigeon'", "cjm.option"),
        ("broken.csv:5:", "a touchpoint has no title", "cjm.csv"),
        ("broken.csv:6:", "touchpoint 'Letter': emotion 9 is outside the scale", "cjm.emotion"),
        ("broken.csv:7:", "One: emotion high is not a number", "cjm.emotion"),
        ("broken.csv:8:", "column 4 has no stage", "cjm.csv"),
    ]
    lines = warnings.splitlines()
    for location, message, subtype in expected:
        matching = [line for line in lines if location in line and message in line and f"[{subtype}]" in line]
        assert matching, (location, message, warnings)
    assert "Traceback" not in warnings
    assert "The rest still builds." in page(app, "index")
    data = json.loads((Path(app.outdir) / "cjm.json").read_text(encoding="utf-8"))
    (journey,) = data["journeys"]
    # A lane written in two rows is merged; what is valid is kept.
    assert journey["stages"][0]["lanes"] == {"actions": ["Fine"]}
    assert [t["title"] for t in journey["stages"][0]["touchpoints"]] == ["Call", "Letter"]


def test_spreadsheet_without_sphinx_matches_the_example_map():
    """The example CSV is a faithful part of the Russian wholesale map, with its own ids."""
    root = Path(__file__).parents[1] / "examples"
    loaded = files.load(root / "wholesale-selfservice.csv", overrides=files.Overrides(id="b2b-selfservice-csv"))
    assert loaded.problems == []
    map_text = (root / "wholesale" / "map.md").read_text(encoding="utf-8")
    for stage in loaded.stages:
        assert stage.stage.id.startswith("b2b-selfservice-csv-")
        assert f"{{stage}} {stage.stage.title}" in map_text
        for items in stage.stage.lanes.values():
            assert all(item in map_text for item in items)
        for point in stage.touchpoints:
            assert f"{{touchpoint}} {point.touchpoint.title}" in map_text
            for name in ("barrier", "solution", "owner", "kpi"):
                value = getattr(point.touchpoint, name)
                assert not value or f":{name}: {value}" in map_text
            assert f":emotion: {point.touchpoint.emotion}" in map_text
