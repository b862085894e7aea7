"""The emotion curve: inline SVG on the table's grid in HTML, PDF in LaTeX, caching and byte-identical builds."""

from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinx_cjm import curve_geometry, curve_svg

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
OBJECT = re.compile(
    r'<object data="(_images/cjm-curve-[0-9a-f]+\.svg)" type="image/svg\+xml" role="img" aria-label="([^"]*)"'
)
PNG = re.compile(r'<img src="(_images/cjm-curve-[0-9a-f]+\.png)"')


# Tests that only read the HTML output share one build (srcdir "curve-html"); tests that look
# at warnings, count draws or change the sources get their own copy of the root.


def outer_svgs(markup: str, css_class: str) -> list[ET.Element]:
    """Every ``<svg class=css_class>`` in the markup, parsed (each must be well-formed XML)."""
    found = []
    for match in re.finditer(rf'<svg class="{css_class}"', markup):
        depth, position = 0, match.start()
        for tag in re.finditer(r"<svg\b|</svg>", markup[match.start() :]):
            depth += 1 if tag.group() == "<svg" else -1
            if depth == 0:
                position = match.start() + tag.end()
                break
        found.append(ET.fromstring(markup[match.start() : position].replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1)))
    return found


class Curve:
    """A curve as the page shows it: a row of the journey's table or a standalone figure."""

    def __init__(self, markup: str, alt: str, legend: str) -> None:
        self.markup, self.alt, self.legend = markup, alt, legend
        #: one SVG per stage column, in order
        self.columns = outer_svgs(markup, "cjm-curve-stage")

    def links(self, column: int | None = None) -> list[str]:
        columns = self.columns if column is None else [self.columns[column]]
        return [a.get("href") for svg in columns for a in svg.iter(f"{SVG}a")]

    def words(self) -> str:
        """The text of every label and tooltip (text stays text)."""
        return " ".join(
            " ".join(t.itertext()) for svg in self.columns for t in svg.iter() if t.tag in (f"{SVG}text", f"{SVG}title")
        )


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def table_curves(outdir: Path, page: str) -> list[Curve]:
    """The curve row of each journey table on the page, with its alt text and the legend under the table."""
    text = (outdir / page).read_text(encoding="utf-8")
    curves = []
    for row in re.finditer(r'<tr class="cjm-emotion-curve cjm-curve-row[^"]*">(.*?)</tr>', text, re.S):
        alt = re.search(r'<span class="cjm-visually-hidden">([^<]*)</span>', row.group(1))
        legend = re.search(r'<ul class="cjm-curve-legend"[^>]*>(.*?)</ul>', text[row.end() :], re.S)
        curves.append(
            Curve(row.group(1), html.unescape(alt.group(1)) if alt else "", text_of(legend.group(1)) if legend else "")
        )
    return curves


def figures(outdir: Path, page: str) -> list[Curve]:
    """Each standalone curve figure on the page (emotion-curve directive, or a journey without a table)."""
    text = (outdir / page).read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r'<figure class="cjm-emotion-curve cjm-curve-figure"[^>]*>(.*?)</figure>', text, re.S):
        body = match.group(1)
        alt = re.search(r'<p class="cjm-visually-hidden">([^<]*)</p>', body)
        legend = re.search(r'<ul class="cjm-curve-legend"[^>]*>(.*?)</ul>', body, re.S)
        found.append(Curve(match.group(0), html.unescape(alt.group(1)), text_of(legend.group(1)) if legend else ""))
    return found


def drawn(status: str) -> list[str]:
    return re.findall(r"cjm: drew emotion curve (\S+)", status)


@pytest.mark.sphinx("html", testroot="curve", srcdir="curve-html")
def test_journey_curve_is_the_last_row_of_its_table(app):
    app.build()
    page = (app.outdir / "map.html").read_text(encoding="utf-8")
    [curve] = table_curves(app.outdir, "map.html")
    # No separate figure, no file: the curve is drawn into the table.
    assert "<object" not in page and "<img" not in page and not (app.outdir / "_images").exists()
    table = page[page.index('<table class="cjm-journey-table') : page.index("</table>")]
    rows = re.findall(r'<tr class="([^"]*)"', table)
    assert "cjm-curve-row" in rows[-1] and "cjm-emotion-curve" in rows[-1]
    assert re.search(r'<th class="stub cjm-curve-head"><p>Emotion curve</p>', curve.markup)
    # One SVG a stage, each holding the points of its own stage only, linking to their anchors.
    assert len(curve.columns) == 3
    assert curve.links(0) == ["#doors-ad", "#doors-landing"]
    assert curve.links(1) == ["#doors-call", "elsewhere.html#doors-measurer"]
    assert curve.links(2) == ["#doors-install"]  # a stage without plotted touchpoints, at its own emotion
    for anchor in ("doors-ad", "doors-landing", "doors-call", "doors-install"):
        assert f'id="{anchor}"' in page
    words = curve.words()
    assert "Search ad" in words and "Call-centre booking: \u22122" in words
    # The scale in the lane column; the legend names the marks used.
    assert all(tick in curve.markup for tick in (">+2<", ">\u22122<", ">0<"))
    assert curve.legend == "Touchpoint Stage's own emotion (no touchpoint scored) Pain point (barrier)"


@pytest.mark.sphinx("html", testroot="curve", srcdir="curve-html")
def test_alt_text_from_the_data_or_the_option(app):
    app.build()
    [curve] = table_curves(app.outdir, "map.html")
    assert curve.alt == (
        "Emotion curve of “Buying a front door” across the stages Search, Measuring visit, Installation. "
        "Lowest point: Call-centre booking (Measuring visit), \u22122; highest: Installation, +1.5."
    )
    compare = figures(app.outdir, "compare.html")
    assert compare[1].alt == "The call-centre booking is the low point of the whole journey."
    assert 'style="width: 80%"' in (app.outdir / "compare.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="curve", srcdir="curve-html")
def test_overlay_of_journeys_with_three_and_five_stages(app):
    app.build()
    curve, *_ = figures(app.outdir, "compare.html")
    assert "As-is against to-be" in text_of(curve.markup)
    # The legend names each journey by its title; Cyrillic stays text.
    assert curve.legend.startswith("Buying a front door Покупка входной двери: целевой путь")
    # Stages matched by position: five columns, the first three shared.
    titles = re.findall(r'<div class="cjm-curve-stage-title">([^<]*)</div>', curve.markup)
    assert titles == [
        "Search / Поиск",
        "Measuring visit / Выбор модели",
        "Installation / Замер",
        "Оплата",
        "Установка и гарантия",
    ]
    assert len(curve.columns) == 5
    assert "map.html#doors-call" in curve.links(1) and "tobe.html#tobe-choice" in curve.links(1)
    assert curve.links(3) == ["tobe.html#tobe-payment-link"]
    assert curve.alt.startswith("Emotion curves of “Buying a front door”, “Покупка входной двери: целевой путь”")
    assert (
        "“Покупка входной двери: целевой путь”: Lowest point: Оплата по ссылке из SMS (Оплата), \u22120.5" in curve.alt
    )


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
    # :no-curve: keeps the table and drops the curve: only the warranty journey has one.
    assert page.count('<table class="cjm-journey-table') == 2
    [row] = table_curves(app.outdir, "draft.html")
    [named] = figures(app.outdir, "draft.html")
    assert named.alt == row.alt and "Repeat purchase" not in row.alt
    assert row.alt.endswith("No emotion scores yet.")
    assert "No emotion scores yet" in text_of(named.markup)
    assert not row.links() and not named.links()
    # Only the curve asked for by name warns; the journey's own curve says it and is enough.
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
    assert "<script>alert" not in page and "<b>" not in page
    [curve] = table_curves(app.outdir, "tricky.html")  # parses: each SVG is well-formed
    assert "Coupon </text><script>alert(1)</script>" in curve.words()
    assert 'Price <b>$5</b> & "more"' in curve.alt
    assert curve_svg.text('a\x00b\x0b<c> "d"') == "ab&lt;c&gt; &quot;d&quot;"


@pytest.mark.sphinx(
    "html",
    testroot="curve",
    srcdir="curve_lane_placed_by_lanes",
    confoverrides={"cjm_default_lanes": ["curve", "actions"]},
)
def test_lanes_may_place_the_curve(app):
    app.build()
    page = (app.outdir / "draft.html").read_text(encoding="utf-8")
    # The repeat journey (default lanes, :no-curve:) has no curve row; no lane is called "curve".
    table = page[page.index("Repeat purchase") :]
    table = table[table.index("<table") : table.index("</table>")]
    assert "cjm-curve-row" not in table and ">curve<" not in table
    compare = (app.outdir / "tricky.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr class="([^"]*)"', compare[compare.index("<tbody") :])
    assert "cjm-curve-row" in rows[0] and "cjm-lane-actions" in rows[1]


# --- the layout: an honest line, labels apart at every width ------------------------------------

titles = st.text(alphabet="abc деж XYZ-", min_size=1, max_size=40).filter(str.strip)
emotions = st.one_of(st.none(), st.sampled_from([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]))
stages = st.lists(
    st.tuples(emotions, st.lists(st.tuples(titles, emotions, st.booleans()), max_size=5)), min_size=1, max_size=6
)


def plotted_from(drawn_stages: list) -> list[dict]:
    return [
        {
            "id": "j",
            "title": "J",
            "stages": [
                {
                    "id": f"s{n}",
                    "title": f"Stage {n}",
                    "emotion": emotion,
                    "points": [
                        {"id": f"t{n}-{k}", "title": title, "emotion": value, "pain": pain}
                        for k, (title, value, pain) in enumerate(points)
                        if value is not None
                    ],
                }
                for n, (emotion, points) in enumerate(drawn_stages)
            ],
        }
    ]


def boxes_at(layout: curve_geometry.Layout, width_factor: float):
    """Labels and markers as rectangles (x0, y0, x1, y1) per column, the columns widened by ``width_factor``."""
    for column in range(layout.columns):
        width = layout.min_widths[column] * width_factor
        marks, _pieces, labels = layout.in_column(column)
        label_boxes = [(*lb.box.at(width), lb.box.top, lb.box.bottom) for lb in labels]
        mark_boxes = [
            (m.fraction * width - m.radius, m.y - m.radius, m.fraction * width + m.radius, m.y + m.radius)
            for m in marks
        ]
        yield width, [(b[0], b[2], b[1], b[3]) for b in label_boxes], mark_boxes


def overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@settings(max_examples=150, deadline=None)
@given(stages)
def test_line_is_honest_and_labels_stay_apart_at_every_width(drawn_stages):
    layout = curve_geometry.layout(plotted_from(drawn_stages))
    marks = layout.marks
    # Straight pieces: each stays between the values of the two points it joins; across a stage
    # without any point it is a gap (dashed).
    joined = []
    for a, b in itertools.pairwise(marks):
        pieces = curve_geometry.cut(0, a, b)
        joined += pieces
        for piece in pieces:
            assert min(a.y, b.y) - 1e-9 <= min(piece.y0, piece.y1) and max(piece.y0, piece.y1) <= max(a.y, b.y) + 1e-9
            assert piece.gap == (b.column - a.column > 1)
    assert joined == layout.pieces
    for factor in (1, 1.37, 2.5, 6):
        for width, labels, mark_boxes in boxes_at(layout, factor):
            for box in labels:
                assert box[0] >= -1e-6 and box[2] <= width + 1e-6, "a label leaves its column"
                assert not any(overlap(box, m) for m in mark_boxes), "a label covers a marker"
            for a, b in itertools.combinations(labels, 2):
                assert not overlap(a, b), "two labels overlap"
    # Every point lies inside its own column.
    assert all(0 < m.fraction < 1 for m in marks)
    if any(p.gap for p in layout.pieces):
        assert "gap" in layout.used()


def test_a_stage_without_emotion_breaks_the_line_and_the_legend_says_so():
    layout = curve_geometry.layout(plotted_from([(1, []), (None, []), (-1, [])]))
    assert [p.column for p in layout.pieces if p.gap] == [0, 1, 2]
    assert layout.used() == ["stage", "gap"]
    legend = curve_svg.legend(layout, {"stage": "Stage", "gap": "No emotion in this stage"})
    assert 'class="cjm-curve-gap"' in legend and "No emotion in this stage" in legend


PNG_HTML = {"cjm_curve_format": {"html": "png"}}


@pytest.mark.sphinx(
    "html", testroot="curve", srcdir="cache_second_build_draws_nothing", verbosity=1, confoverrides=PNG_HTML
)
def test_cache_second_build_draws_nothing(app, make_app):
    app.build()
    first = drawn(app._status.getvalue())
    images = sorted((app.outdir / "_images").glob("cjm-curve-*"))
    # One file per distinct figure: the doors curve shown twice is drawn once.
    assert sorted(first) == [p.name for p in images] and len(images) == 5
    before = {p.name: p.read_bytes() for p in images}

    again = make_app("html", srcdir=app.srcdir, freshenv=True, verbosity=1, confoverrides=PNG_HTML)
    again.build()
    status = again._status.getvalue()
    assert "writing output" in status and "compare" in status  # every page was written again
    assert drawn(status) == []
    assert {p.name: p.read_bytes() for p in (app.outdir / "_images").glob("cjm-curve-*")} == before


@pytest.mark.sphinx(
    "html", testroot="curve", srcdir="changed_emotion_redraws_only_that_curve", verbosity=1, confoverrides=PNG_HTML
)
def test_changed_emotion_redraws_only_that_curve(app, make_app):
    app.build()
    [old_tobe] = PNG.findall((app.outdir / "tobe.html").read_text(encoding="utf-8"))
    [old_map] = PNG.findall((app.outdir / "map.html").read_text(encoding="utf-8"))
    source = Path(app.srcdir, "elsewhere.rst")
    source.write_text(source.read_text(encoding="utf-8").replace(":emotion: 0.5", ":emotion: -1"), encoding="utf-8")
    again = make_app("html", srcdir=app.srcdir, verbosity=1, confoverrides=PNG_HTML)
    again.build()
    # The measurer's visit is in the as-is journey: its curve (on map and compare) is redrawn, to-be's is not.
    assert len(drawn(again._status.getvalue())) == 2
    assert PNG.findall((app.outdir / "tobe.html").read_text(encoding="utf-8")) == [old_tobe]
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
    assert not (tmp_path / "j1" / "_images").exists()  # curves are drawn into the pages
    full_maps = sorted(p.name for p in (tmp_path / "j1" / "cjm").iterdir())
    assert full_maps == ["doors-tobe.html", "doors.html", "repeat.html", "tricky.html", "warranty.html"]
    for page in (
        "map.html",
        "tobe.html",
        "compare.html",
        "draft.html",
        "tricky.html",
        *(f"cjm/{n}" for n in full_maps),
    ):
        assert (tmp_path / "j1" / page).read_bytes() == (tmp_path / "j2" / page).read_bytes()


def test_full_map_page_of_each_journey(rootdir, tmp_path):
    """cjm/<id>.html: title, persona-free header, the table with its curve row and legend, links relative to cjm/."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-curve", srcdir)
    build(srcdir, tmp_path / "html", "-d", str(tmp_path / "doctrees"))
    page = (tmp_path / "html" / "cjm" / "doors.html").read_text(encoding="utf-8")
    assert "<h1>Buying a front door</h1>" in page
    assert '<link rel="stylesheet" href="../_static/cjm.css">' in page
    assert "@page { size: A4 landscape" in page and 'class="cjm-full-map-page cjm-paper-a4"' in page
    [curve] = table_curves(tmp_path / "html", "cjm/doors.html")
    assert curve.links(1) == ["../map.html#doors-call", "../elsewhere.html#doors-measurer"]
    assert '<a href="../map.html#doors">' in page  # back to the journey
    # A journey drawn without its curve (:no-curve:, though it has an emotion) has none on its full map either.
    repeat = (tmp_path / "html" / "cjm" / "repeat.html").read_text(encoding="utf-8")
    assert "Reminder" in repeat and "cjm-curve-row" not in repeat and "cjm-curve-legend" not in repeat
    assert "cjm-curve-row" in page and "cjm-curve-legend" in page
    # The journey links to it.
    journey = (tmp_path / "html" / "map.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="[^"]*cjm-full-map[^"]*" href="cjm/doors.html">Open the full map</a>', journey)
    # A journey removed: its page goes too, as a clean build would have it.
    (srcdir / "tricky.rst").write_text("Escaping\n========\n\nNothing left.\n", encoding="utf-8")
    build(srcdir, tmp_path / "html", "-d", str(tmp_path / "doctrees"))
    assert not (tmp_path / "html" / "cjm" / "tricky.html").exists()
    assert (tmp_path / "html" / "cjm" / "doors.html").exists()


def test_full_map_pages_rewritten_only_when_their_journey_changes(rootdir, tmp_path):
    """A no-op rebuild writes no full-map page; an edit on another page rewrites its journey's, as a clean build has it."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-curve", srcdir)

    def incremental() -> dict[str, int]:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-b",
                "html",
                "-q",
                "-d",
                str(tmp_path / "doctrees"),
                str(srcdir),
                str(tmp_path / "html"),
            ],
            check=True,
            capture_output=True,
        )
        return {p.name: p.stat().st_mtime_ns for p in (tmp_path / "html" / "cjm").iterdir()}

    first = incremental()
    assert incremental() == first
    source = srcdir / "elsewhere.rst"
    source.write_text(source.read_text(encoding="utf-8").replace(":emotion: 0.5", ":emotion: -1"), encoding="utf-8")
    edited = incremental()
    assert {name for name in first if edited[name] != first[name]} == {"doors.html"}
    build(srcdir, tmp_path / "clean", "-d", str(tmp_path / "clean-doctrees"))
    for name in first:
        assert (tmp_path / "html" / "cjm" / name).read_bytes() == (tmp_path / "clean" / "cjm" / name).read_bytes()


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_full_map_page_written_with_its_journey_as_from_its_placeholder(rootdir, tmp_path, builder):
    """A page written from the HTML of its journey's page, links made relative to cjm/, is the page the
    builder makes from the journey's placeholder when it has to (here: the page was deleted)."""
    out = tmp_path / builder
    build(rootdir / "test-curve", out, "-b", builder, "-d", str(tmp_path / "doctrees"))
    pages = sorted(p for p in (out / "cjm").rglob("*.html"))
    assert len(pages) == 5
    written = {p: p.read_bytes() for p in pages}
    for page in pages:
        page.unlink()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            builder,
            "-q",
            "-d",
            str(tmp_path / "doctrees"),
            str(rootdir / "test-curve"),
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert {p: p.read_bytes() for p in pages} == written
    if builder == "dirhtml":
        [curve] = table_curves(out, "cjm/doors/index.html")
        assert curve.links(1) == ["../../map/#doors-call", "../../elsewhere/#doors-measurer"]


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
    curve, *_ = figures(app.outdir, "compare.html")
    assert "--cjm-curve-0: #123456; --cjm-curve-1: #abcdef" in curve.markup


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
    assert len(table_curves(app.outdir, "map.html")) == 1


@pytest.mark.sphinx(
    "html", testroot="curve", srcdir="russian_labels_in_the_figure_and_alt", confoverrides={"language": "ru"}
)
def test_russian_labels_in_the_figure_and_alt(app):
    app.build()
    [curve] = table_curves(app.outdir, "map.html")
    assert "Болевая точка (барьер)" in curve.legend
    assert ">Кривая эмоций</p>" in curve.markup
    assert curve.alt.startswith("Кривая эмоций «Buying a front door» по этапам: Search, Measuring visit, Installation.")


#: A scale wider than 10 steps has fractional ticks: -7, -3.5, 0, 3.5, 7.
RUSSIAN_WIDE_SCALE = {"language": "ru", "cjm_emotion_scale": (-7, 7)}
RUSSIAN_TICKS = ("\u22127", "\u22123,5", "0", "+3,5", "+7")


def scale_ticks(markup: str) -> list[str]:
    [scale] = outer_svgs(markup, "cjm-curve-scale")
    return [t.text or "" for t in scale.iter(f"{SVG}text")]


@pytest.mark.sphinx("html", testroot="curve", srcdir="russian_numbers_on_the_scale", confoverrides=RUSSIAN_WIDE_SCALE)
def test_russian_numbers_on_the_scale_and_in_point_titles(app):
    app.build()
    [curve] = table_curves(app.outdir, "map.html")
    assert scale_ticks(curve.markup) == list(RUSSIAN_TICKS)
    assert "Installation: +1,5" in curve.words()
    for figure in figures(app.outdir, "compare.html"):
        assert scale_ticks(figure.markup) == list(RUSSIAN_TICKS)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
@pytest.mark.sphinx("latex", testroot="curve", srcdir="russian_numbers_in_the_pdf", confoverrides=RUSSIAN_WIDE_SCALE)
def test_russian_numbers_on_the_scale_of_the_drawn_pdf(app):
    app.build()
    [name, *_] = re.findall(r"\\sphinxincludegraphics\[[^]]*\]\{(cjm-curve-[0-9a-f]+\.pdf)\}", read_tex(app))
    done = subprocess.run(["pdftotext", str(app.outdir / name), "-"], capture_output=True, text=True, check=True)
    words = done.stdout.split()
    assert all(tick in words for tick in RUSSIAN_TICKS) and "3.5" not in done.stdout


def read_tex(app) -> str:
    return next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="curve-md")
def test_myst_journey_and_emotion_curve_directive(app):
    app.build()
    # :no-table: leaves the journey's curve a figure of its own.
    assert not table_curves(app.outdir, "index.html")
    journey, titled = figures(app.outdir, "index.html")
    assert journey.links() == ["#clinic-stories", "#clinic-call"]
    assert "Сторис блогера" in journey.words() and "Звонок администратору" in journey.words()
    assert journey.alt.endswith(
        "Lowest point: Звонок администратору (Оценка), \u22121; highest: Сторис блогера (Первичное осмысление), +1."
    )
    assert "Кривая эмоций новой пациентки" in text_of(titled.markup)
    assert titled.alt == "Провал — звонок администратору."


BUILD_AND_REPORT_MATPLOTLIB = """
import sys
from sphinx.cmd.build import build_main
status = build_main(["-b", sys.argv[4], "-q", "-d", sys.argv[3], sys.argv[1], sys.argv[2]])
print(status, "matplotlib" in sys.modules)
"""


def build_in_new_process(srcdir: Path, tmp_path: Path, builder: str = "html") -> str:
    """Build in a fresh interpreter; its report: the exit status and whether matplotlib was imported."""
    doctrees = tmp_path / ("doctrees" if builder == "html" else f"doctrees-{builder}")
    args = [str(srcdir), str(tmp_path / builder), str(doctrees), builder]
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AND_REPORT_MATPLOTLIB, *args], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def test_html_never_imports_matplotlib_and_latex_draws_once(rootdir, tmp_path):
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-curve", srcdir)
    # HTML draws its curves as inline SVG: not even a cold build loads matplotlib.
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    page = tmp_path / "html" / "map.html"
    written = page.stat().st_mtime_ns
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    assert page.stat().st_mtime_ns == written  # nothing changed: nothing written

    # LaTeX draws PDF files, once: a rebuild after an edit of prose finds them there.
    assert build_in_new_process(srcdir, tmp_path, "latex") == "0 True"
    images = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "latex").glob("cjm-curve-*.pdf")}
    assert len(images) == 5
    source = srcdir / "map.rst"
    source.write_text(
        source.read_text(encoding="utf-8").replace("spring 2024", "spring and summer 2024"), encoding="utf-8"
    )
    assert build_in_new_process(srcdir, tmp_path, "latex") == "0 False"
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "latex").glob("cjm-curve-*.pdf")} == images
