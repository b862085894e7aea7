"""Service-blueprint lanes and lines in the journey table; KPIs with plan and fact."""

from __future__ import annotations

import json
import re

import pytest
from tablesparse import Tables


def journey_tables(app, page: str = "index.html"):
    return Tables.read(app.outdir / page, "cjm-journey-table")


def lane_rows(table):
    """(label, classes) of each body row: lane labels, and the lines drawn between them (not the curve's row)."""
    return [
        (row.cells[0], [c for c in row.classes if c.startswith("cjm-")])
        for row in table
        if not row.header and "cjm-curve-row" not in row.classes
    ]


def line_labels(html: str) -> list[tuple[str, str]]:
    """(line label, lane label) of each HTML row drawn below a blueprint line."""
    return re.findall(r'<span class="cjm-line-label" data-label="([^"]+)"></span>([^<]+)</p>', html)


@pytest.mark.sphinx("html", testroot="blueprint")
def test_blueprint_preset_draws_the_three_lines(app):
    app.build()
    clinic = journey_tables(app)[0]
    # :lanes: touchpoints, blueprint -> touchpoints, then the blueprint's rows; one row per lane,
    # the first row below each line marked.
    assert lane_rows(clinic) == [
        ("Touchpoints", ["cjm-lane-touchpoints"]),
        ("Physical evidence", ["cjm-lane-evidence"]),
        ("Actions", ["cjm-lane-actions"]),
        ("Frontstage actions", ["cjm-lane-frontstage", "cjm-blueprint-line", "cjm-line-of-interaction"]),
        ("Actions inside the company", ["cjm-lane-backstage", "cjm-blueprint-line", "cjm-line-of-visibility"]),
        ("Support processes", ["cjm-lane-support", "cjm-blueprint-line", "cjm-line-of-internal-interaction"]),
    ]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert line_labels(html)[:3] == [
        ("Line of interaction", "Frontstage actions"),
        ("Line of visibility", "Actions inside the company"),
        ("Line of internal interaction", "Support processes"),
    ]
    css = (app.outdir / "_static" / "cjm.css").read_text(encoding="utf-8")
    assert re.search(r"tr\.cjm-blueprint-line > th,[^{]*\{[^}]*border-top: 2px dashed", css)
    assert re.search(r"\.cjm-line-label::before \{[^}]*content: attr\(data-label\)", css)


@pytest.mark.sphinx("html", testroot="blueprint")
def test_line_of_visibility_between_customer_and_company_lanes(app):
    app.build()
    wholesale, plain = journey_tables(app)[1:]
    # The wholesale case's lanes: the company's side starts at business goals; systems are support.
    assert [(label, [c for c in classes if "line" in c]) for label, classes in lane_rows(wholesale)] == [
        ("Actions", []),
        ("Customer goals", []),
        ("Touchpoints", []),
        ("Negative emotions", []),
        ("Business goals", ["cjm-blueprint-line", "cjm-line-of-visibility"]),
        ("KPIs", []),
        ("Actions inside the company", []),
        ("Responsible", []),
        ("Technology systems", ["cjm-blueprint-line", "cjm-line-of-internal-interaction"]),
    ]
    # The default lanes (solutions stand on neither side) draw no line.
    assert [row.classes for row in plain if "cjm-blueprint-line" in row.classes] == []
    assert [label for label, _ in lane_rows(plain)] == [
        "Actions",
        "Customer goals",
        "Touchpoints",
        "Emotion",
        "Barriers",
        "Solutions",
    ]


@pytest.mark.sphinx("latex", testroot="blueprint")
def test_blueprint_lines_in_latex(app):
    app.build()
    tex = (app.outdir / "blueprint.tex").read_text(encoding="utf-8")
    for label in ("Line of interaction", "Line of visibility", "Line of internal interaction"):
        # A row of its own: one cell across the table, opening with a dashed rule.
        assert re.search(
            r"\\sphinxhline\s*\\sphinxstartmulticolumn\{3\}%\s*\\begin\{varwidth\}[^\n]*\n[^\n]*\\leaders.*?\\sphinxstyleemphasis\{"
            + label
            + r"\}",
            tex,
            re.S,
        ), label
    visibility = tex.index(r"\sphinxstyleemphasis{Line of visibility}")
    assert (
        tex.rindex("Frontstage actions", 0, visibility)
        < visibility
        < tex.index("Actions inside the company", visibility)
    )


@pytest.mark.sphinx("html", testroot="blueprint", confoverrides={"language": "ru"})
def test_blueprint_lines_in_russian(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert line_labels(html)[:3] == [
        ("Линия взаимодействия", "Действия сотрудников на виду у клиента"),
        ("Линия видимости", "Действия внутри компании"),
        ("Линия внутреннего взаимодействия", "Поддерживающие процессы"),
    ]
    kpis = next(row for row in journey_tables(app)[1] if "cjm-lane-kpis" in row.classes)
    assert "Visits with a first order: план 40% / факт 27% \u2717 план не выполнен" in kpis.cells[1]
    # Numbers in the page's language.
    assert "Average first order: план 15 000 ₽ / факт 18 500 ₽ \u2713 план выполнен" in kpis.cells[1]


@pytest.mark.sphinx("html", testroot="blueprint")
def test_kpi_plan_and_fact_in_the_table(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    kpis = next(row for row in journey_tables(app)[1] if "cjm-lane-kpis" in row.classes)
    assert kpis.cells[1] == (
        "Visits with a first order: plan 40% / fact 27% \u2717 plan not met "
        "Average first order: plan 15,000 ₽ / fact 18,500 ₽ \u2713 plan met "
        "Share of orders placed in the app"
    )
    # The malformed value stays as written.
    assert kpis.cells[2] == "Repeat orders within 30 days: 60 % / 30-45 %"
    # The verdict is a class, a symbol and a word: not colour alone.
    assert (
        '<p class="cjm-kpi cjm-kpi-below">Visits with a first order: <span class="cjm-kpi-plan">plan 40%</span>'
        ' / <span class="cjm-kpi-fact">fact 27%</span> <strong class="cjm-kpi-mark">\u2717\u00a0plan not met</strong></p>'
    ) in html
    assert '<p class="cjm-kpi cjm-kpi-met">Average first order:' in html
    assert html.count("cjm-kpi-mark") == 2


@pytest.mark.sphinx("html", testroot="blueprint", freshenv=True)
def test_kpi_values_in_the_export_and_malformed_values_warn(app):
    app.build()
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    wholesale = next(j for j in data["journeys"] if j["id"] == "wholesale")
    first, repeat = wholesale["stages"]
    assert first["kpi_values"] == [
        {"name": "Visits with a first order", "plan": "40%", "fact": "27%", "below_plan": True},
        {"name": "Average first order", "plan": "15 000 ₽", "fact": "18 500 ₽", "below_plan": False},
    ]
    assert repeat["kpi_values"] == []
    # Every existing field stays as it was: the lane keeps the items as written.
    assert first["lanes"]["kpis"][0] == "Visits with a first order: 40% / 27%"
    assert list(first) == [
        "id",
        "title",
        "docname",
        "emotion",
        "lanes",
        "touchpoints",
        "kpi_values",
        "reach",
        "evidence",
    ]
    warnings = [re.sub(r"\x1b\[[0-9;]*m", "", w) for w in app._warning.getvalue().splitlines() if "WARNING" in w]
    assert len(warnings) == 1, warnings
    assert re.search(
        r"index.rst:46: WARNING: stage 'wholesale-repeat': KPI 'Repeat orders within 30 days: 60 % / 30-45 %': "
        r"plan and fact must each be one number.* \[cjm.option\]$",
        warnings[0],
    )


@pytest.mark.sphinx("latex", testroot="blueprint")
def test_kpi_below_plan_in_latex(app):
    app.build()
    tex = (app.outdir / "blueprint.tex").read_text(encoding="utf-8")
    assert re.search(
        r"Visits with a first order: \\DUrole\{cjm-kpi-plan\}\{plan 40\\%\} / \\DUrole\{cjm-kpi-fact\}\{fact 27\\%\} "
        r"\\sphinxstylestrong\{\u2717\u00a0plan not met\}",
        tex,
    )


@pytest.mark.sphinx("text", testroot="blueprint")
def test_blueprint_and_kpis_in_plain_text(app):
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "| *Line of visibility*" in text
    # The narrow column wraps the mark; its symbol and its word both reach the text.
    assert "**\u2717" in text and "plan not met**" in text
