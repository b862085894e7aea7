"""Stage templates: ``:stages: template:NAME`` with ids derived from the English titles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from htmlparse import Page

RETAIL_IDS = [
    "kitchen-awareness-and-information-search",
    "kitchen-choosing-a-company",
    "kitchen-studying-the-site-and-shop",
    "kitchen-store-visit",
    "kitchen-contract-or-purchase",
    "kitchen-delivery-installation-warranty",
    "kitchen-keeping-in-touch-repeat-purchase",
]
NORMATIVE_IDS = [
    f"clinic-{slug}" for slug in ("first-comprehension", "evaluation", "deal", "experience", "trigger", "loyalty-loop")
]
CLASSIC_IDS = [f"sofa-{slug}" for slug in ("awareness", "consideration", "purchase", "retention", "advocacy")]

TITLES = {
    "en": {
        "kitchen": [
            "Awareness and information search",
            "Choosing a company",
            "Studying the site and shop",
            "Store visit",
            "Measuring and the contract",  # the stage directive's own title replaces the template's
            "Delivery, installation, warranty",
            "Keeping in touch, repeat purchase",
        ],
        "clinic": ["First comprehension", "Evaluation", "Deal", "Experience", "Trigger", "Loyalty loop"],
        "sofa": ["Awareness", "Consideration", "Purchase", "Retention", "Advocacy"],
    },
    "ru": {
        "kitchen": [
            "Осознание потребности и поиск информации",
            "Выбор компании",
            "Изучение сайта, соцсетей или магазина",
            "Посещение магазина",
            "Measuring and the contract",
            "Доставка, установка и гарантия",
            "Поддержание связи и повторная покупка",
        ],
        "clinic": ["Первичное осмысление", "Оценка", "Сделка", "Опыт", "Триггер", "Петля лояльности"],
        "sofa": ["Осведомлённость", "Рассмотрение", "Покупка", "Удержание", "Рекомендации"],
    },
}


def stages_in_export(app) -> dict[str, list[tuple[str, str]]]:
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    return {j["id"]: [(s["id"], s["title"]) for s in j["stages"]] for j in data["journeys"]}


def check_language(app, language: str) -> None:
    app.build()
    stages = stages_in_export(app)
    # Ids come from the English titles, so they are the same in every language.
    assert [i for i, _ in stages["kitchen"]] == RETAIL_IDS
    assert [i for i, _ in stages["clinic"]] == NORMATIVE_IDS
    assert [i for i, _ in stages["sofa"]][:5] == CLASSIC_IDS
    for journey, titles in TITLES[language].items():
        assert [t for _, t in stages[journey]][: len(titles)] == titles
    kitchen = Page.read(app.outdir / "furniture.html").tables[0]
    assert kitchen[0][1:] == TITLES[language]["kitchen"]
    clinic = Page.read(app.outdir / "clinic.html")
    assert clinic.tables[0][0][1:] == TITLES[language]["clinic"]
    # A touchpoint written elsewhere joins the templated stage it names by its derived id.
    touchpoints = clinic.tables[0][3]
    assert touchpoints[2] == "Price list on the site" and touchpoints[1] == touchpoints[3] == "—"
    # A role to that stage shows the template's title and leads to the journey (the stage has no directive).
    assert ("#clinic", TITLES[language]["clinic"][1]) in clinic.links


@pytest.mark.sphinx("html", testroot="templates")
def test_templates_in_english(app):
    check_language(app, "en")


@pytest.mark.sphinx("html", testroot="templates", confoverrides={"language": "ru"})
def test_templates_in_russian(app):
    check_language(app, "ru")


@pytest.mark.sphinx("html", testroot="templates")
def test_a_stage_directive_fills_a_templated_stage(app):
    app.build()
    page = Page.read(app.outdir / "furniture.html")
    table = page.tables[0]
    actions = next(row for row in table if row[0] == "Actions")
    emotion = next(row for row in table if row[0] == "Emotion")
    assert actions[4] == "Measures the sample cabinets" and emotion[4] == "1"
    assert actions[5] == "Signs the contract after the measurer's visit"
    assert [row[1:4] for row in table[1:]] == [["—", "—", "—"]] * (len(table) - 1)
    # The untitled stage directive is headed by the template's title, linking to its own anchor.
    html = (app.outdir / "furniture.html").read_text(encoding="utf-8")
    assert re.search(
        r'<p class="cjm-stage-title rubric"[^>]*><a [^>]*href="#kitchen-store-visit"[^>]*>.*?Store visit', html, re.S
    )
    assert "kitchen-store-visit" in page.ids


@pytest.mark.sphinx("html", testroot="templates")
def test_user_templates_from_conf(app):
    app.build()
    # cjm_stage_templates = {"b2b": ["Lead", "Pilot order", {"id": "contract", "title": "Annual contract"}]}
    # plus a stage listed after the template in :stages:.
    assert stages_in_export(app)["crm"] == [
        ("crm-lead", "Lead"),
        ("crm-pilot-order", "Pilot order"),
        ("crm-contract", "Annual contract"),
        ("crm-renewal", "Renewal"),
    ]
    actions = next(row for row in Page.read(app.outdir / "saas.html").tables[0] if row[0] == "Actions")
    assert actions[2] == "Runs the pilot in one warehouse"


@pytest.mark.sphinx("gettext", testroot="templates", freshenv=True)
def test_gettext_extracts_the_titles_of_conf_templates(app):
    app.build()
    with (app.outdir / "saas.pot").open("rb") as stream:
        found = {m.id: m.locations for m in read_po(stream) if m.id}
    # At the journey that uses the template, whose page's catalog translates them.
    for title in ("Lead", "Pilot order", "Annual contract"):
        assert [(Path(file).name, line) for file, line in found[title]] == [("saas.rst", 4)], title


@pytest.mark.sphinx(
    "html", testroot="templates", freshenv=True, confoverrides={"language": "ru", "locale_dirs": ["translated"]}
)
def test_a_catalog_translates_the_titles_of_conf_templates(app):
    app.build()
    assert stages_in_export(app)["crm"] == [
        ("crm-lead", "Лид"),
        ("crm-pilot-order", "Пилотный заказ"),
        ("crm-contract", "Годовой контракт"),
        ("crm-renewal", "Renewal"),
    ]
    page = Page.read(app.outdir / "saas.html")
    assert page.tables[0][0] == ["Этап", "Лид", "Пилотный заказ", "Годовой контракт", "Renewal"]
    # The untitled stage directive is headed by the translated title too.
    html = (app.outdir / "saas.html").read_text(encoding="utf-8")
    assert "Pilot order" not in html and "Annual contract" not in html


@pytest.mark.sphinx("html", testroot="templates", freshenv=True)
def test_unknown_template_and_untitled_stage_warn(app):
    app.build()
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", w) for w in app._warning.getvalue().splitlines() if "WARNING" in w]
    assert len(lines) == 2, lines
    assert re.search(
        r"saas.rst:18: WARNING: journey 'broken': unknown stage template 'nonexistent'; "
        r"known templates: b2b, classic, normative, retail \[cjm.option\]$",
        lines[0],
    )
    assert re.search(r"notes.rst:4: WARNING: stage 'sofa-notes-stage-1' has no title .* \[cjm.option\]$", lines[1])
    assert stages_in_export(app)["broken"] == []


def test_a_project_catalog_added_edited_or_removed_rewrites_the_maps(make_app, rootdir, tmp_path):
    """Sphinx does not count a project's ``sphinx_cjm`` catalog among a page's dependencies: the extension
    reads the pages with map objects again when one is added, changed or removed, and no other build does."""
    import shutil

    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-templates", srcdir)
    overrides = {"language": "ru", "locale_dirs": ["translated"]}
    po = srcdir / "translated" / "ru" / "LC_MESSAGES" / "sphinx_cjm.po"

    def build() -> tuple[str, list[str]]:
        app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build", confoverrides=overrides)
        app.build()
        header = Page.read(app.outdir / "saas.html").tables[0][0]
        app.cleanup()
        return app._status.getvalue(), header

    def write_catalog(stage: str) -> None:
        po.write_text(
            f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Stage"\nmsgstr "{stage}"\n',
            encoding="utf-8",
        )

    assert build()[1][0] == "Этап"
    write_catalog("Шаг")
    status, header = build()
    assert header[0] == "Шаг" and "saas" in status
    status, header = build()
    assert "0 added, 0 changed, 0 removed" in status and header[0] == "Шаг"
    write_catalog("Фаза")
    assert build()[1][0] == "Фаза"
    po.unlink()  # with the .mo Sphinx compiled beside it
    po.with_suffix(".mo").unlink(missing_ok=True)
    assert build()[1][0] == "Этап"
