"""Metrics with plan and fact, the conversion lane, and facts read from CSV/JSON exports."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from buildresult import assert_same_files, output_files, warned, warning_lines, written_pages
from htmlparse import Page, table_rows

from sphinx_cjm import model


def kpi_items(html: str) -> dict[str, tuple[list[str], str]]:
    """Each KPI item's name -> (its cjm-kpi classes, its text)."""
    items = {}
    for classes, body in re.findall(r'<p class="(cjm-kpi[^"]*)">(.*?)</p>', html, re.S):
        text = " ".join(re.sub(r"<[^>]+>", "", body).replace("\xa0", " ").split())
        items[text.partition(":")[0].strip()] = (classes.split(), text)
    return items


@pytest.mark.parametrize("root", ["metrics", "metrics-md"])
def test_marks_follow_the_direction_and_the_range(make_app, rootdir, tmp_path, root):
    app = make_app("html", srcdir=rootdir / f"test-{root}", builddir=tmp_path / root, freshenv=True)
    app.build()
    assert warning_lines(app) == []
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    items = kpi_items(html)
    expected = {
        # higher is better: 27% < 40% is below; 3 100 ₽ (from the CSV) > 3 000 ₽ is met
        "Share of first visits booked online": ("below", "plan ≥ 40% / fact 27% ✗ plan not met"),
        "Average bill": ("met", "plan ≥ 3,000 ₽ / fact 3,100 ₽ ✓ plan met"),
        # lower is better: 74 days above a 35–40 day range is below; 7 days under 10 is met
        "Interval between visits": ("below", "plan 35–40 days / fact 74 days ✗ plan not met"),
        "Days to a reminder": ("met", "plan ≤ 10 days / fact 7 days ✓ plan met"),
        "Visit that makes a patient loyal": ("below", "plan 6–7 / fact 8 ✗ plan not met"),
        # old text items: a plain plan is met by as much or more, ≤ means lower is better, a range holds the fact
        "Calls answered": ("met", "plan 90% / fact 95% ✓ plan met"),
        "Interval to callback": ("below", "plan ≤ 2 days / fact 3 days ✗ plan not met"),
        "Visits before loyalty": ("met", "plan 6–7 / fact 6.5 ✓ plan met"),
    }
    for name, (status, text) in expected.items():
        classes, shown = items[name]
        assert f"cjm-kpi-{status}" in classes, name
        assert shown == f"{name}: {text}", name
    assert "cjm-metric" in items["Average bill"][0] and "cjm-metric" not in items["Calls answered"][0]
    # A metric's title in the table links to its description.
    page = Page.read(app.outdir / "map.html")
    assert page.link_text("Net promoter score") == "elsewhere.html#visits-m-nps"
    assert page.link_text("Interval between visits") == "#visits-m-interval"
    # Its own description, where the directive stands, with the fact the CSV gave.
    elsewhere = " ".join(re.sub(r"<[^>]+>", " ", (app.outdir / "elsewhere.html").read_text()).split())
    assert "Plan : ≥ 50 Fact : 42 (data/kpi.csv, 2026-11-01) Better : higher is better Status : ✗ plan not met" in (
        elsewhere.replace("\xa0", " ")
    )
    assert 'id="visits-m-nps"' in (app.outdir / "elsewhere.html").read_text()


@pytest.mark.sphinx("html", testroot="metrics")
def test_conversion_lane(app):
    app.build()
    rows = table_rows(Page.read(app.outdir / "map.html").tables[0])
    assert rows["Conversion"] == [
        "reach 1,000",
        "reach 450 45% of the previous stage 45% of the first stage",
        "reach 90 20% of the previous stage 9% of the first stage",
    ]


@pytest.mark.sphinx("html", testroot="metrics", confoverrides={"language": "ru"})
def test_numbers_and_words_in_the_pages_language(app):
    app.build()
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    items = kpi_items(html)
    assert items["Average bill"][1] == "Average bill: план ≥ 3 000 ₽ / факт 3 100 ₽ ✓ план выполнен"
    assert (
        items["Interval between visits"][1]
        == "Interval between visits: план 35–40 days / факт 74 days ✗ план не выполнен"
    )
    rows = table_rows(Page.read(app.outdir / "map.html").tables[0])
    assert rows["Конверсия"][2] == "охват 90 20 % от предыдущего этапа 9 % от первого этапа"
    assert "Факты из data/kpi.csv на 2026-11-02" in html


@pytest.mark.sphinx("html", testroot="metrics")
def test_export_holds_metrics_and_reach(app):
    app.build()
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    visits = next(j for j in data["journeys"] if j["id"] == "visits")
    assert [s["reach"] for s in visits["stages"]] == [1000, 450, 90]
    assert visits["metrics"][0] == {
        "id": "visits-m-online",
        "title": "Share of first visits booked online",
        "stage": "visits-first",
        "plan": "40%",
        "fact": "27%",
        "better": "higher",
        "status": "below",
    }
    statuses = {m["id"]: (m["fact"], m["better"], m["status"]) for m in visits["metrics"]}
    assert statuses == {
        "visits-m-online": ("27%", "higher", "below"),
        "visits-m-bill": ("3 100 ₽", "higher", "met"),  # the CSV's fact overrides :fact:
        "visits-m-interval": ("74 days", "lower", "below"),
        "visits-m-reminder": ("7 days", "lower", "met"),
        "visits-m-loyal": ("8", "lower", "below"),
        "visits-m-nps": ("42", "higher", "below"),  # the newest of the CSV's two rows
    }
    other = next(j for j in data["journeys"] if j["id"] == "other")
    assert other["stages"][0]["reach"] is None


@pytest.mark.sphinx("html", testroot="metrics")
def test_metric_role_and_inventory(app):
    app.build()
    page = Page.read(app.outdir / "links.html")
    assert page.link_text("Interval between visits") == "map.html#visits-m-interval"
    assert page.link_text("the score") == "elsewhere.html#visits-m-nps"
    inventory = (app.outdir / "objects.inv").read_bytes()
    import zlib

    entries = zlib.decompress(inventory.split(b"\n", 4)[4]).decode()
    assert "visits-m-interval cjm:metric 1 map.html#$ Interval between visits" in entries


def test_facts_source_line_names_the_file_and_newest_date(make_app, rootdir, tmp_path):
    app = make_app("html", srcdir=rootdir / "test-metrics", builddir=tmp_path / "b")
    app.build()
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    assert '<p class="cjm-facts-source">Facts from data/kpi.csv, as of 2026-11-02</p>' in html
    # Right under the journey's table.
    table_end = html.index("</table>", html.index('class="cjm-journey-table'))
    assert re.match(r"\s*</div>\s*<p class=\"cjm-facts-source\">", html[table_end + len("</table>") :])
    # A journey with no fact from a file has no such line.
    assert "cjm-facts-source" not in (app.outdir / "second.html").read_text(encoding="utf-8")


def copy_root(rootdir: Path, tmp_path: Path, name: str = "test-metrics") -> Path:
    source = tmp_path / "src"
    shutil.copytree(rootdir / name, source)
    return source


def test_editing_the_csv_rewrites_only_the_pages_showing_its_metrics(make_app, rootdir, tmp_path):
    source = copy_root(rootdir, tmp_path)
    app = make_app("html", srcdir=source, builddir=tmp_path / "incremental")
    app.build()
    app.cleanup()

    csv = source / "data" / "kpi.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("42,2026-11-01", "55,2026-11-01"), encoding="utf-8")
    app = make_app("html", srcdir=source, builddir=tmp_path / "incremental")
    app.build()
    # The table (map) and the metric's description (elsewhere), and Sphinx's own toctree parent (index);
    # not the other journey's page, nor the page linking to the metric by its title.
    assert written_pages(app._status.getvalue()) == {"map", "elsewhere", "index"}
    assert kpi_items((app.outdir / "map.html").read_text(encoding="utf-8"))["Net promoter score"][1].endswith(
        "fact 55 ✓ plan met"
    )
    incremental = output_files(app.outdir)
    app.cleanup()

    # Nothing changed: nothing is written.
    app = make_app("html", srcdir=source, builddir=tmp_path / "incremental")
    app.build()
    assert written_pages(app._status.getvalue()) == set()
    app.cleanup()

    clean = make_app("html", srcdir=source, builddir=tmp_path / "clean")
    clean.build()
    expected = output_files(clean.outdir)
    assert_same_files(incremental, expected)


def test_facts_file_problems_warn_at_the_files_line(make_app, rootdir, tmp_path):
    source = copy_root(rootdir, tmp_path)
    (source / "data" / "kpi.csv").write_text(
        "metric,fact,date\n"
        "visits-m-nps,42,2026-11-01\n"
        "no-such-metric,5,2026-11-01\n"
        "visits-m-bill,a lot,2026-11-01\n"
        "visits-m-online,31%,1st of May\n",
        encoding="utf-8",
    )
    app = make_app(
        "html", srcdir=source, builddir=tmp_path / "b", confoverrides={"cjm_metric_facts_max_age": 30}, freshenv=True
    )
    app.build()
    warnings = warning_lines(app)
    csv = str(source / "data" / "kpi.csv")
    assert warned(warnings, f"{csv}:3", "unknown metric id 'no-such-metric'", "cjm.ref"), warnings
    assert warned(warnings, f"{csv}:4", "fact 'a lot'", "cjm.metric"), warnings
    assert warned(warnings, f"{csv}:5", "date '1st of May'", "cjm.metric"), warnings
    # The newest date is 2026-11-01, long before today (in this test's world) plus 30 days.
    stale = [w for w in warnings if w.endswith("[cjm.stale]")]
    assert len(stale) == 1 and stale[0].startswith(f"{csv}:2: WARNING:") and "2026-11-01" in stale[0]
    assert len(warnings) == 4, warnings
    # The rest still builds: a bad row leaves :fact: in force, a row without a good date still gives its fact.
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    facts = {m["id"]: m["fact"] for j in data["journeys"] for m in j["metrics"]}
    assert facts["visits-m-bill"] == "3 500 ₽" and facts["visits-m-online"] == "31%" and facts["visits-m-nps"] == "42"


def test_staleness_never_changes_the_pages(make_app, rootdir, tmp_path):
    """Only the warning depends on today: the HTML is the same with and without the age check."""
    source = copy_root(rootdir, tmp_path)
    outputs = []
    for max_age in (None, 0):
        app = make_app(
            "html",
            srcdir=source,
            builddir=tmp_path / f"age-{max_age}",
            confoverrides={"cjm_metric_facts_max_age": max_age},
        )
        app.build()
        assert any(w.endswith("[cjm.stale]") for w in warning_lines(app)) == (max_age == 0)
        outputs.append({k: v for k, v in output_files(app.outdir).items() if k.endswith(".html")})
        app.cleanup()
    assert outputs[0] == outputs[1]


def test_json_facts_and_files_outside_the_source(make_app, rootdir, tmp_path):
    source = copy_root(rootdir, tmp_path)
    (source / "data" / "kpi.json").write_text(
        '{\n  "visits-m-online": {"fact": 33, "date": "2026-11-20"},\n  "visits-m-ghost": {"fact": "1"}\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "outside.csv").write_text("metric,fact,date\nvisits-m-online,99,2026-11-01\n", encoding="utf-8")
    app = make_app(
        "html",
        srcdir=source,
        builddir=tmp_path / "b",
        confoverrides={"cjm_metric_facts": ["data/kpi.csv", "/data/kpi.json", "../outside.csv"]},
    )
    app.build()
    warnings = warning_lines(app)
    json_path = str(source / "data" / "kpi.json")
    assert warned(warnings, f"{json_path}:3", "visits-m-ghost", "cjm.ref"), warnings
    assert any(
        "'../outside.csv' must name a file inside the source directory" in w and w.endswith("[cjm.file]")
        for w in warnings
    )
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    assert "Facts from data/kpi.csv, as of 2026-11-02" in html and "Facts from data/kpi.json, as of 2026-11-20" in html
    # A bare number from an export takes the plan's unit.
    assert kpi_items(html)["Share of first visits booked online"][1].endswith("fact 33% ✗ plan not met")


def test_problems_in_metric_directives(make_app, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinx_cjm"]\n', encoding="utf-8")
    (source / "index.rst").write_text(
        """Map
===

.. journey:: J
   :id: j
   :lanes: kpis, conversion

   .. stage:: S
      :id: j-s
      :reach: many

      .. metric:: Share
         :id: j-m
         :plan: forty
         :fact: 30-40%
         :better: sideways

.. metric:: Again
   :id: j-m
   :stage: j-s

.. metric:: Lost
   :id: j-lost
   :stage: no-such-stage

.. metric:: Nowhere
   :id: j-nowhere

After them, the page goes on.
""",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    warnings = warning_lines(app)
    index = str(source / "index.rst")

    def has(line: int, text: str, subtype: str) -> bool:
        return warned(warnings, f"{index}:{line}", text, f"cjm.{subtype}")

    assert has(8, "reach 'many' is not a whole number", "option"), warnings
    assert has(12, "plan 'forty' is not a number", "metric"), warnings
    assert has(12, "fact '30-40%' is not one number", "metric"), warnings
    assert has(12, "better 'sideways' is not one of: higher, lower", "metric"), warnings
    assert has(18, "duplicate metric id 'j-m'", "duplicate"), warnings
    assert has(22, "metric 'j-lost': unknown stage 'no-such-stage'", "ref"), warnings
    assert has(26, "'j-nowhere' is not inside a stage", "option"), warnings
    assert len(warnings) == 7, "\n".join(warnings)
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "After them, the page goes on." in html
    # The malformed metric is shown as written, with no verdict.
    assert '<p class="cjm-kpi cjm-metric cjm-kpi-unknown">' in html


@pytest.mark.parametrize("root", ["metrics", "metrics-md", "journey-diff"])
def test_parallel_build_is_byte_identical(make_app, rootdir, tmp_path, root):
    outputs = {}
    for jobs in (1, 2):
        app = make_app(
            "html", srcdir=rootdir / f"test-{root}", builddir=tmp_path / f"j{jobs}", parallel=jobs, freshenv=True
        )
        app.build()
        outputs[jobs] = output_files(app.outdir)
        app.cleanup()
    assert_same_files(outputs[2], outputs[1])


def test_measures():
    assert model.parse_measure("35–40 дней") == model.Measure(35, 40, "дней", True)
    assert model.parse_measure("≤ 40 days") == model.Measure(40, 40, "days", True, "lower")
    assert model.parse_measure("\u22121,5") == model.Measure(-1.5, -1.5)
    assert model.parse_measure("40–35") is None and model.parse_measure("forty") is None
    plan = model.parse_measure("35–40")
    assert model.judge(plan, 37, "lower") == model.judge(plan, 37, "higher") == "met"
    assert model.judge(plan, 30, "lower") == "met" and model.judge(plan, 30, "higher") == "below"
    assert model.judge(plan, 45, "lower") == "below" and model.judge(plan, 45, "higher") == "met"
    assert model.judge(plan, 45, "") == model.judge(plan, 30, "") == "below"


@pytest.mark.parametrize("root", ["metrics", "metrics-md"])
def test_funnel_links_its_bars_to_the_stages(make_app, rootdir, tmp_path, root):
    app = make_app("html", srcdir=rootdir / f"test-{root}", builddir=tmp_path / root, freshenv=True)
    app.build()
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    figure = re.search(
        r'<figure class="cjm-funnel">\s*<object data="_images/(cjm-funnel-[0-9a-f]{32}\.svg)"[^>]*'
        r'aria-label="([^"]*)"',
        html,
    )
    assert figure, "no funnel figure"
    assert figure[2] == (
        "Conversion funnel of “Clinic visits”: First visit: 1,000; "
        "Repeat visit: 450 (45% of the previous stage, 45% of the first stage); "
        "Loyal patient: 90 (20% of the previous stage, 9% of the first stage)."
    )
    svg = (app.outdir / "_images" / figure[1]).read_text(encoding="utf-8")
    # Each bar (and its title and numbers) links to its stage, opening in the page itself.
    for stage in ("visits-first", "visits-repeat", "visits-loyal"):
        assert f'<a xlink:href="../map.html#{stage}" target="_top">' in svg
    # Text stays text.
    assert ">Repeat visit<" in svg and ">450 · 45%<" in svg


@pytest.mark.sphinx("latex", testroot="metrics")
def test_funnel_is_a_pdf_in_latex(app):
    app.build()
    tex = (app.outdir / "metrics.tex").read_text(encoding="utf-8")
    funnel = re.search(r"\\sphinxincludegraphics\[\]\{(cjm-funnel-[0-9a-f]{32}\.pdf)\}", tex)
    assert funnel and (app.outdir / funnel[1]).read_bytes().startswith(b"%PDF")


def test_funnel_problems_warn(make_app, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinx_cjm"]\n', encoding="utf-8")
    (source / "index.rst").write_text(
        "Map\n===\n\n.. journey:: J\n   :id: j\n   :no-curve:\n\n   .. stage:: S\n      :id: j-s\n\n"
        ".. funnel:: j\n\n.. cjm:funnel:: nowhere\n\nThe page goes on.\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    warnings = warning_lines(app)
    index = str(source / "index.rst")
    assert warned(warnings, f"{index}:11", "no stage of journey 'j' has a :reach:", "cjm.ref"), warnings
    assert warned(warnings, f"{index}:13", "unknown journey id 'nowhere'", "cjm.ref"), warnings
    assert "The page goes on." in (app.outdir / "index.html").read_text(encoding="utf-8")


def test_metrics_and_reach_from_yaml_and_csv(make_app, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinx_cjm"]\ncjm_metric_facts = ["kpi.csv"]\n', encoding="utf-8")
    (source / "kpi.csv").write_text("metric,fact,date\ny-m-orders,12,2026-11-30\n", encoding="utf-8")
    (source / "doors.yaml").write_text(
        """id: y
title: Doors from YAML
lanes: [kpis, conversion]
stages:
  - id: y-search
    title: Search
    reach: 2000
  - id: y-visit
    title: Visit
    reach: "1 500"
    metrics:
      - id: y-m-orders
        title: Visits with an order
        plan: 40%
        fact: 27%
        description: Of all showroom visits.
      - title: Days to delivery
        plan: 5–7 days
        fact: 9 days
        better: lower
      - title: Bad one
        plan: forty
        better: upward
  - id: y-buy
    title: Buy
    reach: lots
""",
        encoding="utf-8",
    )
    (source / "doors.csv").write_text(
        "Doors from CSV,Search,Visit\n"
        "Reach,2000,500\n"
        'Metrics,,"Visits with an order | 40% | 45%\nDays to delivery | ≤ 7 days | 9 days | lower"\n'
        "KPIs,Click-through: 2% / 3%,\n",
        encoding="utf-8",
    )
    (source / "index.rst").write_text(
        "Files\n=====\n\n.. journey::\n   :file: doors.yaml\n   :no-curve:\n\n"
        ".. journey::\n   :id: c\n   :file: doors.csv\n   :no-curve:\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    warnings = warning_lines(app)
    yaml_path = str(source / "doors.yaml")
    # Line-accurate problems in the file: the schema's, then the model's.
    assert warned(warnings, f"{yaml_path}:23", "upward", "cjm.yaml"), warnings
    assert warned(warnings, f"{yaml_path}:22", "plan 'forty'", "cjm.metric")
    assert warned(warnings, f"{yaml_path}:26", "reach 'lots'", "cjm.option")
    assert len(warnings) == 3, "\n".join(warnings)
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    journeys = {j["id"]: j for j in data["journeys"]}
    assert [s["reach"] for s in journeys["y"]["stages"]] == [2000, 1500, None]
    assert [(m["id"], m["fact"], m["better"], m["status"]) for m in journeys["y"]["metrics"]] == [
        ("y-m-orders", "12%", "higher", "below"),  # the facts file overrides the YAML's fact
        ("y-visit-days-to-delivery", "9 days", "lower", "below"),
        ("y-visit-bad-one", "", "higher", "unknown"),
    ]
    assert journeys["c"]["lanes"] == ["conversion", "kpis"]
    assert [s["reach"] for s in journeys["c"]["stages"]] == [2000, 500]
    assert [(m["title"], m["plan"], m["fact"], m["better"], m["status"]) for m in journeys["c"]["metrics"]] == [
        ("Visits with an order", "40%", "45%", "higher", "met"),
        ("Days to delivery", "≤ 7 days", "9 days", "lower", "below"),
    ]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert 'id="y-m-orders"' in html and "Of all showroom visits." in html
    rows = [table_rows(t) for t in Page.read(app.outdir / "index.html").tables]
    assert rows[0]["Conversion"][1] == "reach 1,500 75% of the previous stage 75% of the first stage"
    assert rows[1]["Conversion"] == ["reach 2,000", "reach 500 25% of the previous stage 25% of the first stage"]
