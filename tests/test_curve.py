"""The emotion-curve figure: SVG in HTML, PDF in LaTeX, caching and byte-identical builds."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
OBJECT = re.compile(
    r'<object data="(_images/cjm-curve-[0-9a-f]+\.svg)" type="image/svg\+xml" role="img" aria-label="([^"]*)"'
)


# Tests that only read the HTML output share one build (srcdir "curve-html"); tests that look
# at warnings, count draws or change the sources get their own copy of the root.


def figures(outdir: Path, page: str) -> list[tuple[ET.Element, str]]:
    """Each curve on the page: its parsed SVG (which must be well-formed XML) and its aria-label."""
    text = (outdir / page).read_text(encoding="utf-8")
    return [(ET.parse(outdir / src).getroot(), html.unescape(label)) for src, label in OBJECT.findall(text)]


def links(svg: ET.Element) -> dict[str, str]:
    """href -> target of every link in the SVG."""
    return {a.get(XLINK): a.get("target") for a in svg.iter(f"{SVG}a")}


def words(svg: ET.Element) -> str:
    """All text of the SVG, lines of wrapped labels joined by spaces (text stays text: svg.fonttype none)."""
    return " ".join(" ".join(t.itertext()) for t in svg.iter(f"{SVG}text"))


def drawn(status: str) -> list[str]:
    return re.findall(r"cjm: drew emotion curve (\S+)", status)


@pytest.mark.sphinx("html", testroot="curve", srcdir="curve-html")
def test_journey_renders_its_curve_after_the_table(app):
    app.build()
    page = (app.outdir / "map.html").read_text(encoding="utf-8")
    assert (
        page.index("cjm-journey-table")
        < page.index('<figure class="cjm-emotion-curve">')
        < page.index('id="doors-search"')
    )
    [(svg, _label)] = figures(app.outdir, "map.html")
    text = words(svg)
    for stage in ("Search", "Measuring visit", "Installation"):
        assert stage in text
    # Every touchpoint with an emotion is a point linking to its anchor, opening in the page itself;
    # the stage without plotted touchpoints is a point at its own emotion, linking to the stage.
    assert links(svg) == {
        "../map.html#doors-ad": "_top",
        "../map.html#doors-landing": "_top",
        "../map.html#doors-call": "_top",
        "../elsewhere.html#doors-measurer": "_top",
        "../map.html#doors-install": "_top",
    }
    assert "Pain point (barrier)" in text  # the call-centre booking has a barrier
    assert "Emotion" in text and "+2" in text and "\u22122" in text  # the scale of cjm_emotion_scale
    for anchor in ("doors-ad", "doors-landing", "doors-call", "doors-install"):
        assert f'id="{anchor}"' in page
    assert "<img" not in page.split('<figure class="cjm-emotion-curve">')[1].split("</figure>")[0]


@pytest.mark.sphinx("html", testroot="curve", srcdir="curve-html")
def test_alt_text_from_the_data_or_the_option(app):
    app.build()
    [(_svg, label)] = figures(app.outdir, "map.html")
    assert label == (
        "Emotion curve of “Buying a front door” across the stages Search, Measuring visit, Installation. "
        "Lowest point: Call-centre booking (Measuring visit), \u22122; highest: Installation, +1.5."
    )
    page = (app.outdir / "map.html").read_text(encoding="utf-8")
    assert f"<p>{html.escape(label, quote=False)}</p></object>" in page  # fallback content
    compare = figures(app.outdir, "compare.html")
    assert compare[1][1] == "The call-centre booking is the low point of the whole journey."
    assert "width: 80%" in (app.outdir / "compare.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="curve", srcdir="curve-html")
def test_overlay_of_journeys_with_three_and_five_stages(app):
    app.build()
    (svg, label), *_ = figures(app.outdir, "compare.html")
    text = words(svg)
    assert "As-is against to-be" in text
    # The legend names each journey by its title; Cyrillic stays text.
    assert "Buying a front door" in text and "Покупка входной двери: целевой путь" in text
    # Stages matched by position: five columns, the first three shared.
    for column in (
        "Search / Поиск",
        "Measuring visit / Выбор модели",
        "Installation / Замер",
        "Оплата",
        "Установка и гарантия",
    ):
        assert column in text
    hrefs = links(svg)
    assert "../map.html#doors-call" in hrefs and "../tobe.html#tobe-payment-link" in hrefs
    assert "../tobe.html#tobe-choice" in hrefs  # a stage plotted at its own emotion
    assert label.startswith("Emotion curves of “Buying a front door”, “Покупка входной двери: целевой путь”")
    assert "“Покупка входной двери: целевой путь”: Lowest point: Оплата по ссылке из SMS (Оплата), \u22120.5" in label


@pytest.mark.sphinx("html", testroot="curve", srcdir="unknown_id_warns_and_the_known_ones_still_draw")
def test_unknown_id_warns_and_the_known_ones_still_draw(app):
    app.build()
    warnings = app._warning.getvalue()
    assert re.search(
        r"compare\.rst:11: WARNING: emotion-curve: unknown journey id 'no-such-journey' \[cjm\.ref\]", warnings
    )
    assert len(figures(app.outdir, "compare.html")) == 3


@pytest.mark.sphinx("html", testroot="curve", srcdir="no_curve_and_a_journey_without_emotions")
def test_no_curve_and_a_journey_without_emotions(app):
    app.build()
    page = (app.outdir / "draft.html").read_text(encoding="utf-8")
    # :no-curve: keeps the table and drops the figure: only the warranty journey has one.
    assert page.count('<table class="cjm-journey-table') == 2
    # The warranty journey's own curve, and the same curve asked for by name (one file).
    (svg, label), (named_svg, named_label) = figures(app.outdir, "draft.html")
    assert named_label == label and ET.tostring(named_svg) == ET.tostring(svg)
    assert "Repeat purchase" not in label
    assert "No emotion scores yet" in words(svg)
    assert "Reporting the defect" in words(svg)
    assert label.endswith("No emotion scores yet.")
    assert not links(svg)
    # Only the curve asked for by name warns; the journey's own figure says it and is enough.
    warnings = app._warning.getvalue()
    assert re.findall(
        r"draft\.rst:(\d+): WARNING: emotion-curve: journey 'warranty' has no emotion scores; the figure says so \[cjm\.emotion\]",
        warnings,
    ) == ["27"]
    assert warnings.count("cjm.emotion") == 1
    assert "Traceback" not in warnings


@pytest.mark.sphinx("html", testroot="curve", srcdir="curve-html")
def test_user_text_is_escaped_in_svg_and_html(app):
    app.build()
    page = (app.outdir / "tricky.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    [(svg, label)] = figures(app.outdir, "tricky.html")  # parses: the SVG is well-formed
    [source] = OBJECT.findall(page)
    raw = (app.outdir / source[0]).read_text(encoding="utf-8")
    assert "<script" not in raw and "<b>" not in raw and "&lt;script&gt;" in raw
    text = words(svg)
    assert 'Price <b>$5</b> & "more"' in text  # shown literally: no mathtext from "$", no markup
    assert "Coupon </text><script>alert(1)</script>" in text
    assert 'Price <b>$5</b> & "more"' in label


@pytest.mark.sphinx("html", testroot="curve", srcdir="cache_second_build_draws_nothing", verbosity=1)
def test_cache_second_build_draws_nothing(app, make_app):
    app.build()
    first = drawn(app._status.getvalue())
    images = sorted((app.outdir / "_images").glob("cjm-curve-*"))
    # One file per distinct figure: the doors curve shown twice is drawn once.
    assert sorted(first) == [p.name for p in images] and len(images) == 5
    before = {p.name: p.read_bytes() for p in images}

    again = make_app("html", srcdir=app.srcdir, freshenv=True, verbosity=1)
    again.build()
    status = again._status.getvalue()
    assert "writing output" in status and "compare" in status  # every page was written again
    assert drawn(status) == []
    assert {p.name: p.read_bytes() for p in (app.outdir / "_images").glob("cjm-curve-*")} == before


@pytest.mark.sphinx("html", testroot="curve", srcdir="changed_emotion_redraws_only_that_curve", verbosity=1)
def test_changed_emotion_redraws_only_that_curve(app, make_app):
    app.build()
    old = figures(app.outdir, "tobe.html")
    [old_map] = OBJECT.findall((app.outdir / "map.html").read_text(encoding="utf-8"))
    source = Path(app.srcdir, "elsewhere.rst")
    source.write_text(source.read_text(encoding="utf-8").replace(":emotion: 0.5", ":emotion: -1"), encoding="utf-8")
    again = make_app("html", srcdir=app.srcdir, verbosity=1)
    again.build()
    # The measurer's visit is in the as-is journey: its curve (on map and compare) is redrawn, to-be's is not.
    assert len(drawn(again._status.getvalue())) == 2
    assert figures(app.outdir, "tobe.html")[0][1] == old[0][1]
    [(svg, _label)] = figures(app.outdir, "map.html")
    assert "../elsewhere.html#doors-measurer" in links(svg)
    # The replaced file is gone: the output holds what a clean build would.
    assert not (app.outdir / old_map[0]).exists()
    assert len(list((app.outdir / "_images").glob("cjm-curve-*"))) == 5


def build(srcdir: Path, outdir: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", *args, str(srcdir), str(outdir)],
        check=True,
        capture_output=True,
    )


def test_byte_identical_with_one_and_two_processes(rootdir, tmp_path):
    srcdir = rootdir / "test-curve"
    build(srcdir, tmp_path / "j1", "-j", "1", "-d", str(tmp_path / "d1"))
    build(srcdir, tmp_path / "j2", "-j", "2", "-d", str(tmp_path / "d2"))
    serial = {p.name: p.read_bytes() for p in (tmp_path / "j1" / "_images").iterdir()}
    parallel = {p.name: p.read_bytes() for p in (tmp_path / "j2" / "_images").iterdir()}
    assert len(serial) == 5 and serial == parallel
    for page in ("map.html", "tobe.html", "compare.html", "draft.html", "tricky.html"):
        assert (tmp_path / "j1" / page).read_bytes() == (tmp_path / "j2" / page).read_bytes()


@pytest.mark.sphinx("latex", testroot="curve", srcdir="latex_build_includes_a_pdf")
def test_latex_build_includes_a_pdf(app):
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    included = re.findall(r"\\sphinxincludegraphics\[([^]]*)\]\{(cjm-curve-[0-9a-f]+\.pdf)\}", tex)
    assert len(included) == 8  # map, to-be, tricky, two on the draft page and three on the compare page
    assert ("width=0.800\\linewidth", included[3][1]) in included
    for _options, name in included:
        assert (app.outdir / name).read_bytes().startswith(b"%PDF")
    assert not list(app.outdir.glob("*.svg"))


@pytest.mark.sphinx("text", testroot="curve", srcdir="text_builder_shows_the_alt_text")
def test_text_builder_shows_the_alt_text(app):
    app.build()
    text = (app.outdir / "map.txt").read_text(encoding="utf-8")
    assert "Emotion curve of “Buying a front door” across the stages Search," in text


@pytest.mark.sphinx(
    "html",
    testroot="curve",
    srcdir="png_format_size_and_palette_from_config",
    confoverrides={"cjm_curve_format": {"html": "png"}, "cjm_curve_size": (9, 4), "cjm_curve_palette": ["#123456"]},
)
def test_png_format_size_and_palette_from_config(app):
    app.build()
    page = (app.outdir / "map.html").read_text(encoding="utf-8")
    match = re.search(
        r'<img src="(_images/cjm-curve-[0-9a-f]+\.png)" alt="Emotion curve of [^"]+" style="aspect-ratio: 9 / 4; max-width: 1080px"',
        page,
    )
    assert match
    png = (app.outdir / match.group(1)).read_bytes()
    assert png.startswith(b"\x89PNG")
    assert int.from_bytes(png[16:20], "big") == 9 * 150  # width in pixels: 9 inches at 150 dpi
    assert not list((app.outdir / "_images").glob("*.svg"))


@pytest.mark.sphinx(
    "html",
    testroot="curve",
    srcdir="palette_colours_the_lines",
    confoverrides={"cjm_curve_palette": ["#123456", "#abcdef"]},
)
def test_palette_colours_the_lines(app):
    app.build()
    (svg, _label), *_ = figures(app.outdir, "compare.html")
    source = ET.tostring(svg, encoding="unicode")
    assert "#123456" in source and "#abcdef" in source


@pytest.mark.sphinx(
    "html",
    testroot="curve",
    srcdir="bad_settings_warn_and_fall_back",
    confoverrides={"cjm_curve_format": "gif", "cjm_curve_size": (0, "x"), "cjm_curve_palette": ["no-such-colour"]},
)
def test_bad_settings_warn_and_fall_back(app):
    app.build()
    warnings = app._warning.getvalue()
    for setting in ("cjm_curve_format", "cjm_curve_size", "cjm_curve_palette"):
        assert re.search(rf"WARNING: {setting}: .* \[cjm\.option\]", warnings)
    assert "Traceback" not in warnings
    assert len(figures(app.outdir, "map.html")) == 1


@pytest.mark.sphinx(
    "html", testroot="curve", srcdir="russian_labels_in_the_figure_and_alt", confoverrides={"language": "ru"}
)
def test_russian_labels_in_the_figure_and_alt(app):
    app.build()
    [(svg, label)] = figures(app.outdir, "map.html")
    assert "Болевая точка (барьер)" in words(svg)
    assert label.startswith("Кривая эмоций «Buying a front door» по этапам: Search, Measuring visit, Installation.")


@pytest.mark.sphinx("html", testroot="curve-md")
def test_myst_journey_and_emotion_curve_directive(app):
    app.build()
    (journey_svg, journey_label), (titled_svg, titled_label) = figures(app.outdir, "index.html")
    assert links(journey_svg) == {"../index.html#clinic-stories": "_top", "../index.html#clinic-call": "_top"}
    assert "Первичное осмысление" in words(journey_svg) and "Оценка" in words(journey_svg)
    assert journey_label.endswith(
        "Lowest point: Звонок администратору (Оценка), \u22121; highest: Сторис блогера (Первичное осмысление), +1."
    )
    assert "Кривая эмоций новой пациентки" in words(titled_svg)
    assert titled_label == "Провал — звонок администратору."


BUILD_AND_REPORT_MATPLOTLIB = """
import sys
from sphinx.cmd.build import build_main
status = build_main(["-b", "html", "-q", "-d", sys.argv[3], sys.argv[1], sys.argv[2]])
print(status, "matplotlib" in sys.modules)
"""


def build_in_new_process(srcdir: Path, tmp_path: Path) -> str:
    """Build in a fresh interpreter; its report: the exit status and whether matplotlib was imported."""
    args = [str(srcdir), str(tmp_path / "html"), str(tmp_path / "doctrees")]
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AND_REPORT_MATPLOTLIB, *args], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def test_matplotlib_is_imported_only_to_draw(rootdir, tmp_path):
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-curve", srcdir)
    assert build_in_new_process(srcdir, tmp_path) == "0 True"
    images = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "html" / "_images").glob("cjm-curve-*")}
    page = tmp_path / "html" / "map.html"
    [old_object] = OBJECT.findall(page.read_text(encoding="utf-8"))
    written = page.stat().st_mtime_ns

    # Nothing changed: nothing written, nothing drawn, matplotlib never loaded.
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    assert page.stat().st_mtime_ns == written

    # A page with a curve rewritten for its prose: its file is already there, so it is not drawn again.
    source = srcdir / "map.rst"
    source.write_text(
        source.read_text(encoding="utf-8").replace("spring 2024", "spring and summer 2024"), encoding="utf-8"
    )
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    assert "spring and summer 2024" in page.read_text(encoding="utf-8")
    assert OBJECT.findall(page.read_text(encoding="utf-8")) == [old_object]
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "html" / "_images").glob("cjm-curve-*")} == images
