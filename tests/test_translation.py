"""The map's own text through Sphinx's i18n: extracted by ``gettext``, shown translated (RST and MyST pages)."""

from __future__ import annotations

import gettext
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from buildresult import assert_same_files, parallel_outputs, written_pages
from htmlparse import Page, table_rows
from tablesparse import Tables


def messages(pot: Path) -> dict[str, list[tuple[str, int | None]]]:
    with pot.open("rb") as stream:
        return {m.id: m.locations for m in read_po(stream) if m.id}


@pytest.mark.sphinx("gettext", testroot="translation", freshenv=True)
def test_gettext_extracts_every_text_of_the_map(app):
    app.build()
    index = messages(Path(app.outdir) / "index.pot")
    for text in (
        "Shop owner",
        "Small retail",  # the persona's segment
        "From the rep's visit to the app",
        "First contact",
        "Listens to the sales rep",  # lane items
        "Does not trust the app",  # barriers
        "The rep places the first order together",  # solutions
        "Visits with a first order",  # KPIs
        "Head of sales",  # owners
        "Sales rep's visit",
        "No time during opening hours",  # a touchpoint's barrier, solution, owner, KPI
        "Visits before opening",
        "Sales team",
        "Visits per week",
        "Book visits before opening hours",  # a recommendation's fields
        "Two extra reps",
        "I have no time for reps when customers are in",  # evidence's
        "Interview 4, shop owner",
    ):
        assert text in index, text
    # Each at the line of the directive that holds it, so translators see where it comes from.
    assert ("index.rst", 18) in [(Path(f).name, line) for f, line in index["Does not trust the app"]]
    myst = messages(Path(app.outdir) / "myst.pot")
    for text in ("Self-service", "Orders in the app at night", "The cart forgets the order", "Cart in the app"):
        assert text in myst, text


def build_ru(make_app, source: Path, builddir: Path):
    app = make_app("html", srcdir=source, builddir=builddir, confoverrides={"language": "ru"})
    app.build()
    return app


@pytest.fixture
def source(rootdir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(rootdir / "test-translation", copy)
    return copy


def test_a_translated_build_shows_the_translation_everywhere(make_app, source, tmp_path):
    app = build_ru(make_app, source, tmp_path / "build")
    assert "WARNING" not in app._warning.getvalue()
    outdir = Path(app.outdir)
    html = (outdir / "index.html").read_text(encoding="utf-8")
    (table,) = Page(html).tables
    assert table[0] == ["Этап", "Первый контакт", "Самообслуживание"]  # a title from RST, one from MyST
    rows = table_rows(table)
    assert rows["Действия"] == ["Слушает представителя", "Заказывает в приложении ночью"]
    assert rows["Барьеры"] == ["Не доверяет приложению Нет времени в часы работы", "Корзина забывает заказ"]
    assert rows["Решения"][1] == "Сохранять корзину между сеансами"
    assert rows["Ответственные"] == ["Руководитель продаж", "—"]  # an empty cell: the muted dash
    # The object's own description on its page too.
    assert "<p>Нет времени в часы работы</p>" in html and "No time during" not in html
    # The curve: its text alternative and the SVG's own text.
    assert "Кривая эмоций «От визита представителя к приложению»" in html
    # The curve's points (inline SVG on the table's grid), named by their translated titles.
    assert "<title>Корзина в приложении: " in html and "<title>Визит представителя: " in html
    assert "Cart in the app" not in html and "Sales rep's visit" not in html
    # The full-map page.
    full_map = (outdir / "cjm" / "orders.html").read_text(encoding="utf-8")
    assert "Не доверяет приложению" in full_map and "Корзина в приложении" in full_map
    assert "Does not trust" not in full_map
    # The registers and the export.
    registers = (outdir / "registers.html").read_text(encoding="utf-8")
    barriers = Tables(registers, "cjm-register-table").tables[0]
    assert [row.cells[-4:-2] for row in barriers if not row.header][1] == [
        "Нет времени в часы работы",
        "Визиты до открытия Назначать визиты до открытия",  # the touchpoint's solution, then the recommendation
    ]
    # The recommendation register and the evidence list.
    for text in ("Назначать визиты до открытия", "Интервью 4, владелец магазина"):
        assert text in registers, text
    assert "Book visits" not in registers and "Interview 4" not in registers
    data = json.loads((outdir / "cjm.json").read_text(encoding="utf-8"))
    (journey,) = data["journeys"]
    assert journey["title"] == "От визита представителя к приложению"
    assert journey["stages"][1]["lanes"]["barriers"] == ["Корзина забывает заказ"]
    assert journey["stages"][0]["touchpoints"][0]["owner"] == "Отдел продаж"
    assert data["personas"][0]["segment"] == "Малая розница"
    (recommendation,) = data["recommendations"]
    assert (recommendation["title"], recommendation["budget"]) == (
        "Назначать визиты до открытия",
        "Два дополнительных представителя",
    )
    (evidence,) = data["evidence"]
    assert (evidence["title"], evidence["source"]) == (
        "Мне некогда говорить с представителями, когда в магазине покупатели",
        "Интервью 4, владелец магазина",
    )


def test_a_compact_description_is_translated_like_a_full_one(make_app, source, tmp_path):
    index = source / "index.rst"
    text = index.read_text(encoding="utf-8")
    index.write_text(
        text.replace("   :persona: owner\n", "   :persona: owner\n   :details: compact\n", 1), encoding="utf-8"
    )
    app = build_ru(make_app, source, tmp_path / "build")
    assert "WARNING" not in app._warning.getvalue()
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    stage, touchpoint = (
        re.search(rf'<div class="cjm cjm-{kind} cjm-details-compact[^"]*">.*?</p>', html, re.S)[0]
        for kind in ("stage", "touchpoint")
    )
    # The stage's lane items and the touchpoint's fields, inside the one paragraph, in the catalog's words.
    for shown in ("Первый контакт", "Слушает представителя", "Не доверяет приложению", "Руководитель продаж"):
        assert shown in stage, shown
    for shown in ("Визит представителя", "Нет времени в часы работы", "Визиты до открытия", "Отдел продаж"):
        assert shown in touchpoint, shown
    for original in ("Listens to the sales rep", "Does not trust", "No time during", "Visits before opening"):
        assert original not in html, original


def test_editing_a_translation_rewrites_the_translated_pages(make_app, source, tmp_path):
    app = build_ru(make_app, source, tmp_path / "build")
    app.cleanup()
    po = source / "locale" / "ru" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Нет времени в часы работы", "Некогда днём"), encoding="utf-8")
    gettext._translations.clear()  # type: ignore[attr-defined]  # as in a new process: gettext caches .mo files by path
    app = build_ru(make_app, source, tmp_path / "build")
    assert "registers" in written_pages(app._status.getvalue())  # shows the journey: rewritten too
    incremental = {p: (Path(app.outdir) / p).read_bytes() for p in ("index.html", "registers.html", "cjm.json")}
    assert "Некогда днём".encode() in incremental["registers.html"]
    clean = build_ru(make_app, source, tmp_path / "clean")
    for name, data in incremental.items():
        assert data == (Path(clean.outdir) / name).read_bytes(), name


@pytest.mark.parametrize(
    "language, page, shown, original",
    [
        # ru -> en: the Russian spreadsheet case of the example site, built in English.
        (
            "en",
            "wholesale-csv",
            "Listens to the sales rep at the counter",
            "Слушает торгового представителя у прилавка",
        ),
        # en -> ru: the English doors case, in the Russian site as it is built by default.
        ("ru", "doors/index", "Показывать полную цену с установкой в калькуляторе", "Show the full price with"),
    ],
)
def test_the_example_case_studies_translate_both_ways(make_app, tmp_path, language, page, shown, original):
    source = tmp_path / "examples"
    shutil.copytree(Path(__file__).parents[1] / "examples", source, ignore=shutil.ignore_patterns("_build", "*.mo"))
    app = make_app("text", srcdir=source, builddir=tmp_path / "build", confoverrides={"language": language})
    app.build()
    text = (Path(app.outdir) / f"{page}.txt").read_text(encoding="utf-8")
    assert shown in text and original not in text


def test_a_translated_build_is_byte_identical_with_parallel_jobs(make_app, rootdir, tmp_path):
    outputs = parallel_outputs(make_app, rootdir / "test-translation", tmp_path, confoverrides={"language": "ru"})
    assert "Нет времени в часы работы".encode() in outputs[2]["index.html"]
    assert_same_files(outputs[2], outputs[1])
