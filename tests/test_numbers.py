"""Numbers in the reader's language (Babel) and empty cells marked with a muted dash."""

from __future__ import annotations

import re

import pytest
from tablesparse import Tables

from sphinx_cjm.numbers import format_number

MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "language", "signed", "expected"),
    [
        (-0.5, "ru", False, f"{MINUS}0,5"),
        (-0.5, "en", False, f"{MINUS}0.5"),
        (-0.6667, "ru", False, f"{MINUS}0,67"),  # a mean: two decimals at most
        (0.75, "ru", False, "0,75"),
        (2, "ru", False, "2"),
        (120000, "ru", False, "120\u00a0000"),
        (120000, "en", False, "120,000"),
        (-0.001, "ru", False, "0"),  # no "−0"
        (1, "en", True, "+1"),
        (0, "en", True, "0"),
        (-1.5, "de", True, f"{MINUS}1,5"),
        (1.5, "pt_BR", False, "1,5"),
        (1.5, "zh-Hans", False, "1.5"),
        (1.5, "not-a-language", False, "1.5"),  # English when Babel knows no such locale
        (1.5, None, False, "1.5"),
    ],
)
def test_format_number(value, language, signed, expected):
    assert format_number(value, language, signed=signed) == expected


def emotion_and_kpi_rows(app) -> tuple[list[str], list[str]]:
    html = (app.outdir / "clinic.html").read_text(encoding="utf-8")
    table = Tables(html, "cjm-journey-table").tables[0]
    emotion = next(row.cells[1:] for row in table if "cjm-lane-emotion" in row.classes)
    kpis = next(row.cells[1:] for row in table if "cjm-lane-kpis" in row.classes)
    return emotion, kpis


@pytest.mark.sphinx("html", testroot="pdf", confoverrides={"language": "ru"})
def test_numbers_in_russian(app):
    app.build()
    emotion, kpis = emotion_and_kpi_rows(app)
    # A stage's own emotion, a mean of -1, -1 and 0, and a stage without any emotion.
    assert emotion == [f"{MINUS}0,5", f"{MINUS}0,67", f"{MINUS}1", "1", f"{MINUS}1", "—"]
    assert kpis[0] == "Share of visitors who open the price list: план 40% / факт 27,5% \u2717 план не выполнен"
    html = (app.outdir / "clinic.html").read_text(encoding="utf-8")
    # The curve's text alternative and a touchpoint's own description.
    assert f"Results by e-mail (Tests and results), {MINUS}2" in html
    assert re.search(rf"<dd[^>]*><p>{MINUS}0,5</p>", html)
    # Objects read from YAML, and the touchpoint index.
    doors = (app.outdir / "doors.html").read_text(encoding="utf-8")
    assert "план 2,5% / факт 1,75%" in re.sub("<[^>]+>", "", doors)
    assert re.search(rf"<dd[^>]*><p>{MINUS}1,5</p>", doors)


@pytest.mark.sphinx("html", testroot="pdf")
def test_numbers_in_english(app):
    app.build()
    emotion, kpis = emotion_and_kpi_rows(app)
    assert emotion == [f"{MINUS}0.5", f"{MINUS}0.67", f"{MINUS}1", "1", f"{MINUS}1", "—"]
    assert kpis[0] == "Share of visitors who open the price list: plan 40% / fact 27.5% \u2717 plan not met"


@pytest.mark.sphinx("html", testroot="pdf")
def test_empty_cells_show_a_muted_dash_in_html(app):
    app.build()
    html = (app.outdir / "clinic.html").read_text(encoding="utf-8")
    # (The curve's row holds a picture, not text.)
    table = [row for row in Tables(html, "cjm-journey-table").tables[0] if "cjm-curve-row" not in row.classes]
    empty = [cell for row in table for cell in row.cells if cell == "—"]
    assert len(empty) == 7  # counted in tests/roots/test-pdf/clinic.rst
    assert html.count('<span class="cjm-empty">—</span>') == len(empty)
    assert not [cell for row in table for cell in row.cells if not cell.strip()]
    css = (app.outdir / "_static" / "cjm.css").read_text(encoding="utf-8")
    assert re.search(r"\.cjm-empty\s*\{\s*color: var\(", css)


@pytest.mark.sphinx("text", testroot="pdf")
def test_empty_cells_and_numbers_in_text(app):
    app.build()
    text = (app.outdir / "clinic.txt").read_text(encoding="utf-8")
    assert re.search(
        rf"\| Emotion\s+\| {MINUS}0\.5\s+\| {MINUS}0\.67\s+\| {MINUS}1\s+\| 1\s+\| {MINUS}1\s+\| —\s+\|", text
    )


@pytest.mark.sphinx("latex", testroot="pdf")
def test_empty_cells_and_numbers_in_latex(app):
    app.build()
    tex = (app.outdir / "maps.tex").read_text(encoding="utf-8")
    assert tex.count(r"\DUrole{cjm-empty}{—}") >= 7
    # The muted dash, and a minus sign that pdfLaTeX knows too.
    assert r"\csname DUrolecjm-empty\endcsname[1]{\textcolor{gray}{#1}}" in tex
    assert r"\DeclareUnicodeCharacter{2212}" in tex
    assert f"{MINUS}0.67" in tex
