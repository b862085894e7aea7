"""Configured lanes and channels, a journey's language and lint, fragments: RST and MyST builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from buildresult import assert_same_files, parallel_outputs, warning_lines
from htmlparse import Page, table_rows
from tablesparse import Tables

from sphinx_cjm import files
from sphinx_cjm.lint import LINT_CHECKS


def export(app) -> dict:
    data = json.loads((Path(app.outdir) / "cjm.json").read_text(encoding="utf-8"))
    return {j["id"]: j for j in data["journeys"]}


def html_of(app, page: str) -> str:
    return (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="lanes-language", freshenv=True)
def test_configured_lanes_as_stage_options_in_yaml_and_in_the_export(app):
    app.build()
    (table, file_table) = Page.read(Path(app.outdir) / "clinic.html").tables
    rows = table_rows(table)
    assert rows["Choice factors"] == ["Price of the first visit Distance from home", "Reviews of the doctor", "—"]
    assert rows["Stage duration"] == ["2 weeks", "—", "—"]  # a plain-string label
    # The YAML journey is Russian (:language: ru): its configured lane takes the Russian label.
    assert table_rows(file_table)["Факторы выбора"] == ["Цена Отзывы"]
    journeys = export(app)
    assert journeys["clinic"]["lanes"] == ["actions", "choice-factors", "duration", "touchpoints", "emotion", "kpis"]
    first = journeys["clinic"]["stages"][0]["lanes"]
    assert first["choice-factors"] == ["Price of the first visit", "Distance from home"]
    assert first["duration"] == ["2 weeks"]
    assert journeys["clinic-file"]["stages"][0]["lanes"]["choice-factors"] == ["Цена", "Отзывы"]
    # An unknown lane still warns, listing the configured lanes among the known ones.
    (unknown,) = [w for w in warning_lines(app) if "no-such-lane" in w]
    assert unknown.startswith(f"{app.srcdir / 'fragment.rst'}:11: WARNING: journey-table: unknown lane")
    assert unknown.endswith(", choice-factors, duration [cjm.option]")


@pytest.mark.sphinx("html", testroot="lanes-language", freshenv=True)
def test_touchpoint_index_groups_by_channel_name_and_the_export_carries_the_kind(app):
    app.build()
    html = html_of(app, "registers")
    all_section = html[html.index('id="all-touchpoints"') : html.index('id="phone-only"')]
    groups = re.findall(r'<p class="(cjm-channel-group [^"]*) rubric">([^<]+)</p>', all_section)
    assert groups == [
        ("cjm-channel-group cjm-channel-web cjm-channel-kind-online", "Web (online)"),
        ("cjm-channel-group cjm-channel-phone cjm-channel-kind-offline", "Phone (offline)"),
        ("cjm-channel-group cjm-channel-word-of-mouth cjm-channel-kind-offline", "Word-of-mouth (offline)"),
    ]
    phone = Tables(all_section, "cjm-register-table").tables[1]
    assert [row.cells[0] for row in phone if not row.header] == ["Call to the front desk", "Звонок"]
    phone_only = html[html.index('id="phone-only"') : html.index('id="russian-barriers"')]
    assert re.findall(r"cjm-channel-group cjm-channel-(\w+)", phone_only) == ["phone"]
    assert (
        f"{app.srcdir / 'registers.rst'}:12: WARNING: touchpoint-index: unknown channel 'fax'; "
        "use online, offline, web, phone, word-of-mouth or none [cjm.option]"
    ) in warning_lines(app)
    points = {t["id"]: t for j in export(app).values() for s in j["stages"] for t in s["touchpoints"]}
    assert [
        (points[i]["channel"], points[i]["channel_kind"]) for i in ("clinic-friend", "clinic-site", "clinic-call")
    ] == [
        ("word-of-mouth", "offline"),
        ("web", "online"),
        ("phone", "offline"),
    ]
    assert (points["clinic-file-call"]["channel"], points["clinic-file-call"]["channel_kind"]) == ("phone", "offline")


@pytest.mark.sphinx("html", testroot="lanes-language", freshenv=True)
def test_a_russian_journey_in_an_english_site(app):
    app.build()
    html = html_of(app, "russian")
    (table, *_others) = Page(html).tables
    assert table[0][0] == "Этап"
    assert list(table_rows(table)) == [
        "Действия",
        "Факторы выбора",
        "Эмоция",
        "Барьеры",
        "Решения",
        "KPI",
    ]
    assert 'data-label="Линия видимости"' in html
    # Numbers in the journey's language: a real minus and a decimal comma, a space between thousands.
    assert table_rows(table)["Эмоция"] == ["\u22120,5"]
    assert table_rows(table)["KPI"] == [
        "Визиты с заказом: план 40% / факт 27% ✗ план не выполнен "
        "Средний чек: план 1 500,5 ₽ / факт 1 200 ₽ ✗ план не выполнен"
    ]
    # The curve's row: its label and its text alternative in Russian.
    assert ">Кривая эмоций</p>" in html
    assert "Кривая эмоций «Заказ через приложение» по этапам: Первый визит." in html
    # Its registers too: the barrier list of that journey is in Russian.
    registers = html_of(app, "registers")
    barriers = registers[registers.index('id="russian-barriers"') :]
    (table,) = Tables(barriers, "cjm-register-table").tables
    assert table[0].cells == ["Этап", "Барьер", "Решение", "Ответственный", "Точка контакта"]
    assert table[1].cells[2] == "Решения пока нет"
    # The site's own journeys stay English, their numbers too.
    clinic = Page.read(Path(app.outdir) / "clinic.html").tables[0]
    assert clinic[0][0] == "Stage"
    assert "Average bill: plan 1,500.5 ₽ / fact 1,200 ₽" in table_rows(clinic)["KPIs"][0]
    assert table_rows(clinic)["Emotion"][0] == "\u22120.5"


@pytest.mark.sphinx("html", testroot="lanes-language", freshenv=True)
def test_lint_of_one_journey_replaces_the_projects(app):
    app.build()
    coverage = [w for w in warning_lines(app) if "cjm.coverage" in w or ":lint:" in w]
    assert coverage == [
        f"{app.srcdir / 'russian.rst'}:24: WARNING: journey 'linted' :lint:: unknown switch 'no-such-switch'; "
        f"switches: {', '.join(['all', *LINT_CHECKS])} [cjm.option]",
        f"{app.srcdir / 'russian.rst'}:28: WARNING: journey 'linted': stage 'linted-stage' has no touchpoints "
        "[lint: stage-without-touchpoints] [cjm.coverage]",
        f"{app.srcdir / 'clinic.rst'}:38: WARNING: journey 'clinic': stage 'clinic-deal' has no KPI "
        "[lint: stage-without-kpi] [cjm.coverage]",
    ]
    # The template map (:lint: none) has stages without KPIs and touchpoints: no warning names it.
    assert not [w for w in warning_lines(app) if "template" in w]


@pytest.mark.sphinx("html", testroot="lanes-language", freshenv=True)
def test_a_fragment_shows_only_the_chosen_stages_and_lanes(app):
    app.build()
    html = html_of(app, "fragment")
    fragment, broken = Page(html).tables
    assert fragment == [
        ["Stage", "First comprehension", "Evaluation"],
        ["Choice factors", "Price of the first visit Distance from home", "Reviews of the doctor"],
        ["Touchpoints", "Friend's advice", "Clinic site Call to the front desk"],
    ]
    assert broken == [["Stage", "First comprehension"], ["Actions", "Asks friends"]]
    # The curve of the same two stages: its text alternative names only them.
    assert "across the stages First comprehension, Evaluation. Lowest point" in html
    fragment_rst = app.srcdir / "fragment.rst"
    for stage_id in ("wholesale-visit", "nowhere"):
        assert (
            f"{fragment_rst}:11: WARNING: journey-table: :stages: names {stage_id!r}, not a stage of 'clinic' [cjm.ref]"
        ) in warning_lines(app)


@pytest.mark.sphinx("html", testroot="lanes-language-md", freshenv=True)
def test_myst_an_english_journey_in_a_russian_site(app):
    app.build()
    assert [w for w in warning_lines(app) if "cjm.coverage" in w] == []  # stages have KPIs; the template is :lint: none
    html = html_of(app, "index")
    journey, template, fragment = Page(html).tables
    assert template[0] == ["Этап", "Ещё не написан"]
    assert journey[0] == ["Stage", "First comprehension", "Evaluation"]
    assert table_rows(journey) == {
        "Actions": ["Asks friends", "—"],
        "Choice factors": ["Price of the first visit Distance from home", "Reviews of the doctor"],
        "Stage duration": ["2 weeks", "—"],
        "Touchpoints": ["Friend's advice", "—"],
        "Emotion": ["\u22120.5", "—"],  # English numbers (a point), a real minus sign
    }
    assert fragment == [
        ["Stage", "Evaluation", "First comprehension"],
        ["Choice factors", "Reviews of the doctor", "Price of the first visit Distance from home"],
        ["Touchpoints", "—", "Friend's advice"],
    ]
    assert "Emotion curve of “Choosing a clinic”" in html
    # The touchpoint index of that journey alone is English; its channel is a configured one.
    assert re.findall(r'cjm-channel-group[^"]*">([^<]+)<', html) == ["Word-of-mouth (offline)"]
    assert export(app)["clinic"]["stages"][0]["lanes"]["choice-factors"] == [
        "Price of the first visit",
        "Distance from home",
    ]


@pytest.mark.sphinx(
    "html",
    testroot="lanes-language",
    freshenv=True,
    confoverrides={
        "cjm_lanes": {"actions": "Again", "Bad Key": "x", "ok-lane": 3},
        "cjm_channels": {"web": "cloud", "online": "offline"},
    },
)
def test_bad_lane_and_channel_settings_warn(app):
    app.build()
    warnings = "\n".join(warning_lines(app))
    for message in (
        "cjm_lanes: 'actions' is already a lane or an option of a stage",
        "cjm_lanes: 'Bad Key' is not a lane key",
        "cjm_lanes['ok-lane']: the label must be a string or a dict of language to string",
        "cjm_channels['web']: the kind must be one of: online, offline",
        "cjm_channels: 'online' is always of kind 'online'",
    ):
        assert re.search(f"WARNING: {re.escape(message)}.*\\[cjm.option\\]", warnings), message


def test_parallel_build_is_byte_identical(make_app, rootdir, tmp_path):
    outputs = parallel_outputs(make_app, rootdir / "test-lanes-language", tmp_path)
    assert_same_files(outputs[2], outputs[1])


def test_schema_knows_the_projects_lanes_and_channels():
    settings = files.Settings(lanes=("choice-factors",), channels={"online": "online", "phone": "offline"})
    schema = files.schema(settings)
    assert "choice-factors" in schema["properties"]["lanes"]["items"]["enum"]
    assert schema["$defs"]["stage"]["properties"]["choice-factors"] == {"$ref": "#/$defs/items"}
    assert schema["$defs"]["touchpoint"]["properties"]["channel"]["enum"] == ["online", "phone"]
    assert "choice-factors" not in files.schema()["$defs"]["stage"]["properties"]
