"""Whole builds: escaping, languages, derived ids, intersphinx, parallel and incremental."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from buildresult import assert_same_files, output_files, plain, written_pages
from htmlparse import Page, table_rows
from sphinx.util.inventory import InventoryFile

SCRIPT_FIELDS = [
    "persona", "segment", "persona body", "journey", "journey body", "stage", "actions", "goals",
    "barriers", "kpis", "touchpoint", "barrier", "solution", "owner", "kpi", "touchpoint body",
]  # fmt: skip


@pytest.mark.sphinx("html", testroot="escaping")
def test_user_text_is_escaped_in_html(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    body = html[html.index('<div class="body"') : html.index('<div class="sphinxsidebar"')]
    assert "<script>" not in body and "<img" not in body
    for name in SCRIPT_FIELDS:
        assert re.search(rf"&lt;script&gt;alert\((&quot;|“){re.escape(name)}(&quot;|”)\)&lt;/script&gt;", body), name
    assert "&lt;img src=x onerror=alert(" in body
    rows = table_rows(Page(html).tables[0])
    assert rows["Touchpoints"] == ['<script>alert("touchpoint")</script> \\ & % $ # _ { } ~ ^']
    assert "&lt;script&gt; “role” &amp;" in body
    # The export holds the text as data, exactly as written.
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    assert data["journeys"][0]["stages"][0]["touchpoints"][0]["solution"] == '<script>alert("solution")</script> $ # _'


@pytest.mark.sphinx("latex", testroot="escaping")
def test_user_text_is_escaped_in_latex(app):
    app.build()
    tex = (app.outdir / "escaping.tex").read_text(encoding="utf-8")
    table = tex[tex.index(r"\begin{longtable}") :]
    escaped_specials = r"\textbackslash{} \& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{}"
    # The stage title (table header, twice: longtable repeats it on every page), the touchpoint
    # title (table cell) and the journey's title (the table's caption) with every special escaped.
    assert table.count(escaped_specials) >= 4
    assert r"Pays 100\% of \$5 \& gets \#1\_\{a\} \textasciitilde{} b \textasciicircum{} c \textbackslash{} d" in tex
    # No user text reaches LaTeX raw.
    assert "100% of $5" not in tex and "#1_{a}" not in tex


@pytest.mark.sphinx("html", testroot="ru")
def test_russian_labels_and_overrides(app):
    app.build()
    assert app._warning.getvalue() == ""
    page = Page.read(app.outdir / "index.html")
    table = page.tables[0]
    assert table[0] == ["Этап", "Первичное осмысление"]
    assert list(table_rows(table)) == [
        "Действия", "Цели клиента", "Точки контакта", "Эмоция", "Положительные эмоции", "Сомнения",
        "Отрицательные эмоции", "Барьеры", "Решения", "Бизнес-цели", "Метрики этапа",
        "Действия внутри компании", "Ответственные", "Технологические системы",
    ]  # fmt: skip
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Канал" in html and "онлайн" in html and "Персона" in html


@pytest.mark.sphinx("html", testroot="derived-ids")
def test_ids_derived_from_titles(app):
    app.build()
    assert app._warning.getvalue() == ""
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["personas"]] == ["vladelets-magazina"]
    (journey,) = data["journeys"]
    assert journey["id"] == "weekly-order" and journey["persona"] == "vladelets-magazina"
    stages = journey["stages"]
    assert [s["id"] for s in stages] == [
        "weekly-order-vizit-predstavitelya",
        "weekly-order-stage-2",
        "weekly-order-repeat-order",
    ]
    assert stages[0]["touchpoints"][0]["id"] == "weekly-order-vizit-predstavitelya-zvonok-v-koll-tsentr"
    assert stages[1]["touchpoints"][0]["id"] == "weekly-order-stage-2-touchpoint-2"
    page = Page.read(app.outdir / "index.html")
    assert page.link_text("Звонок в колл-центр") == "#weekly-order-vizit-predstavitelya-zvonok-v-koll-tsentr"


@pytest.mark.sphinx("html", testroot="basic", srcdir="basic-inventory")
def test_objects_in_the_inventory_for_intersphinx(app, make_app, rootdir, tmp_path):
    app.build()
    with open(app.outdir / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "https://example.org/cx", lambda base, uri: f"{base}/{uri}")
    inventory = getattr(inventory, "data", inventory)  # Sphinx >= 8.2 wraps the mapping
    touchpoints = inventory["cjm:touchpoint"]
    entry = touchpoints["weekly-substitution"]
    location = getattr(entry, "uri", None) or entry[2]
    assert location == "https://example.org/cx/touchpoints.html#weekly-substitution"
    assert set(inventory) >= {"cjm:persona", "cjm:journey", "cjm:stage", "cjm:touchpoint"}

    consumer_src = tmp_path / "consumer"
    shutil.copytree(rootdir / "test-intersphinx", consumer_src)
    inventory_path = str(app.outdir / "objects.inv")
    app.cleanup()
    consumer = make_app(
        "html",
        srcdir=consumer_src,
        confoverrides={"intersphinx_mapping": {"basic": ("https://example.org/cx", inventory_path)}},
    )
    consumer.build()
    assert "WARNING" not in consumer._warning.getvalue()
    page = Page.read(consumer.outdir / "index.html")
    hrefs = [href for href, _text in page.links]
    assert "https://example.org/cx/touchpoints.html#weekly-courier" in hrefs
    assert "https://example.org/cx/map.html#weekly" in hrefs


def test_parallel_build_is_byte_identical_to_serial(make_app, rootdir, tmp_path):
    source = basic_source(rootdir, tmp_path)
    outputs = {}
    for jobs in (1, 2):
        app = make_app("html", srcdir=source, builddir=tmp_path / f"build-j{jobs}", parallel=jobs)
        app.build()
        assert app._warning.getvalue() == ""
        if jobs == 2:
            # Both reading and writing really went through Sphinx's parallel path (chunks "a .. b").
            status = plain(app._status.getvalue())
            assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)
            assert re.search(r"writing output\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)
        outputs[jobs] = output_files(app.outdir)
        app.cleanup()
    assert len(outputs[1]) > 10
    assert_same_files(outputs[2], outputs[1])


def basic_source(rootdir: Path, tmp_path: Path) -> Path:
    """A private copy of test-basic, to edit between builds."""
    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", source)
    return source


def rename_substitution_call(source: Path, *, emotion: bool = False) -> None:
    """Edit a touchpoint on its own page: its title (and, with ``emotion``, its emotion)."""
    touchpoints = source / "touchpoints.rst"
    edited = touchpoints.read_text(encoding="utf-8").replace("Substitution call", "Substitution phone call")
    touchpoints.write_text(edited.replace(":emotion: -2", ":emotion: -1") if emotion else edited, encoding="utf-8")


def test_incremental_rebuild_matches_a_clean_build(make_app, rootdir, tmp_path):
    source = basic_source(rootdir, tmp_path)
    app = make_app("html", srcdir=source, builddir=tmp_path / "incremental")
    app.build()
    app.cleanup()

    rename_substitution_call(source, emotion=True)
    app = make_app("html", srcdir=source, builddir=tmp_path / "incremental")
    app.build()
    # The edited page, the pages showing its journey and the page naming it are rewritten, and
    # Sphinx's own toctree parent (index); the pages that show nothing of it are not.
    assert written_pages(app._status.getvalue()) == {"touchpoints", "map", "summary", "elsewhere", "index"}
    incremental = output_files(app.outdir)
    app.cleanup()

    clean = make_app("html", srcdir=source, builddir=tmp_path / "clean")
    clean.build()
    expected = output_files(clean.outdir)
    assert "Substitution phone call" in expected["map.html"].decode()
    assert_same_files(incremental, expected)


def test_export_follows_pages_another_builder_read(make_app, rootdir, tmp_path):
    """Builders sharing the doctrees: HTML after LaTeX reads no page, yet ``cjm.json`` holds the edit LaTeX read."""
    source = basic_source(rootdir, tmp_path)
    app = make_app("html", srcdir=source, builddir=tmp_path / "shared")
    app.build()
    app.cleanup()
    rename_substitution_call(source)
    app = make_app("latex", srcdir=source, builddir=tmp_path / "shared")
    app.build()
    app.cleanup()

    app = make_app("html", srcdir=source, builddir=tmp_path / "shared")
    app.build()
    assert "0 added, 0 changed, 0 removed" in app._status.getvalue()
    export = (app.outdir / "cjm.json").read_text(encoding="utf-8")
    app.cleanup()
    clean = make_app("html", srcdir=source, builddir=tmp_path / "clean")
    clean.build()
    assert "Substitution phone call" in export
    assert export == (clean.outdir / "cjm.json").read_text(encoding="utf-8")


def test_a_row_taller_than_a_pdf_page_warns_at_its_stage(make_app, tmp_path):
    source = tmp_path / "tall"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinx_cjm"]\n', encoding="utf-8")
    items = "\n".join(f"                Step {n} of a very long checklist the customer goes through" for n in range(90))
    (source / "index.rst").write_text(
        "Tall\n====\n\n.. journey:: Tall map\n   :id: tall\n   :lanes: actions\n\n"
        "   .. stage:: Checklist\n      :id: tall-list\n      :actions: First step\n" + items + "\n\n"
        "   .. stage:: Done\n      :id: tall-done\n      :actions: Done\n",
        encoding="utf-8",
    )
    app = make_app("latex", srcdir=source)
    app.build()
    warnings = app._warning.getvalue()
    assert re.search(
        r"index\.rst:8: WARNING: journey 'tall': the row 'Actions' of stage 'Checklist' is taller than a portrait PDF page",
        warnings,
    )
    assert "[cjm.latex]" in warnings and warnings.count("WARNING") == 1
    html = make_app("html", srcdir=source, builddir=tmp_path / "html")
    html.build()
    assert "cjm.latex" not in html._warning.getvalue()  # a limit of paper only


@pytest.mark.parametrize(
    "language, captions",
    [
        ("en", ["Renovating a flat — stages 1–5 of 9", "Renovating a flat — stages 6–9 of 9"]),
        ("ru", ["Renovating a flat — этапы 1–5 из 9", "Renovating a flat — этапы 6–9 из 9"]),
    ],
)
def test_each_table_of_a_split_map_says_which_stages_it_holds(make_app, rootdir, tmp_path, language, captions):
    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-pdf", source)
    app = make_app("latex", srcdir=source, confoverrides={"language": language})
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert re.findall(r"\\caption\{(Renovating a flat[^}]*?)(?:\\strut)?\}", tex) == captions
    # A map that fits one table keeps the journey's title alone.
    assert re.search(r"\\caption\{A first visit to a private clinic(?:\\strut)?\}", tex)


def test_every_row_of_a_map_table_is_ruled_like_its_header(make_app, rootdir, tmp_path):
    """Each cell framed on paper, as in HTML. Sphinx's default style (booktabs, row colours) broke
    the outer rules under the header, and a viewer painted the row colours over them."""
    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-pdf", source)
    app = make_app("latex", srcdir=source)
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    maps = [table for table in tex.split(r"\sphinxatlongtablestart")[1:] if r"\cjmcell" in table]
    assert len(maps) == 6  # the clinic, the library card, the flat's two tables, the door and the spare parts
    for table in maps:
        styles, _, rest = table.partition(r"\begin{longtable}")
        assert r"\sphinxthistablewithstandardstyle" in styles and r"\sphinxthistablewithnocolorrowsstyle" in styles
        # A rule left of every column and right of the last.
        columns = rest[: rest.index("\n")]
        assert re.fullmatch(r"\{\|(>\{\\cjmcell\}\\Y\{0\.\d+\}\|)+\}", columns), columns
        # A rule under each lane's row but the last (then the bottom rule).
        body = rest[rest.index(r"\sphinxtableatstartofbodyhook") : rest.index(r"\end{longtable}")]
        assert body.count("\\\\\n\\sphinxhline") == body.count("\\\\\n") - 1 > 0


def test_a_split_map_is_cut_into_tables_of_nearly_equal_size(make_app, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinx_cjm"]\n', encoding="utf-8")
    stages = "".join(f"   .. stage:: Step {n}\n      :id: many-{n}\n      :actions: Act {n}\n\n" for n in range(1, 23))
    (source / "index.rst").write_text(
        "Many\n====\n\n.. journey:: Many steps\n   :id: many\n   :lanes: actions\n\n" + stages, encoding="utf-8"
    )
    app = make_app("latex", srcdir=source)
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    # 22 stages: four tables of 6, 6, 5 and 5 stages (not 6, 6, 6 and 4); pdflatex's dash is a macro.
    parts = re.findall(r"\\caption\{Many steps — stages (\d+)\\textendash\{\}(\d+) of 22", tex)
    assert parts == [("1", "6"), ("7", "12"), ("13", "17"), ("18", "22")]
