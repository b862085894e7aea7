"""Recommendations and evidence: objects, registers, barriers they solve, lint, export, RST and MyST."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from buildresult import assert_same_files, output_files, warned, warning_lines
from htmlparse import Page, table_rows
from sphinx.util.inventory import InventoryFile
from tablesparse import Tables

ROOT = Path(__file__).parent / "roots" / "test-recommendations"


def journey_stages(data: dict, journey_id: str) -> list[dict]:
    return next(j for j in data["journeys"] if j["id"] == journey_id)["stages"]


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find('<section id="', start + 1)
    return html[start : end if end > 0 else len(html)]


def register_rows(html: str) -> list[list[str]]:
    """Each register table's recommendation titles, in order."""
    return [[row.cells[0] for row in table if not row.header] for table in Tables(html, "cjm-register-table").tables]


@pytest.mark.sphinx("html", testroot="recommendations")
def test_register_sorts_filters_and_groups(app):
    app.build()
    html = (app.outdir / "registers.html").read_text(encoding="utf-8")
    everything = section(html, "all-by-priority")
    assert 'class="cjm-register cjm-recommendation-register' in everything
    (table,) = Tables(everything, "cjm-register-table").tables
    assert table[0].cells == [
        "Recommendation", "Addresses", "Type", "Priority", "Impact", "Effort", "Owner", "Status", "Due",
    ]  # fmt: skip
    # By priority; within one, the better impact per effort first; no priority last.
    assert [row.cells for row in table[1:]] == [
        [
            "Rep places the first order together with the owner",
            "Sales rep's visit — Does not trust an online service with money "
            "First contact — Has no time to talk during opening hours",
            "Business process", "high", "4", "2", "Head of sales", "planned", "2027-03-01",
        ],
        ["Chat bot for repeat orders", "Delivery van", "Digital", "high", "3", "5", "Head of e-commerce", "done",
         "2026-12-15"],
        ["Search by the rep's names for goods", "Cart in the app — Cannot find the goods by the names the rep used",
         "Digital", "medium", "4", "3", "Product manager", "in progress", "2027-05-01"],
        ["Call the owner before opening hours", "First contact — Has no time to talk during opening hours",
         "Business process", "low", "2", "1", "", "proposed", ""],
        ["Urgent fix", "Cart in the app — Cannot find the goods by the names the rep used", "", "", "", "", "Somebody",
         "proposed", ""],
    ]  # fmt: skip
    first = table[1]
    assert first.links[:2] == [["plan.html#rec-first-order"], ["map.html#may24-rep-visit", "map.html#may24-contact"]]
    assert "cjm-priority-high" in first.classes and "cjm-status-planned" in first.classes

    assert register_rows(section(html, "by-score")) == [
        [
            "Rep places the first order together with the owner",  # 4 / 2
            "Call the owner before opening hours",  # 2 / 1
            "Search by the rep's names for goods",  # 4 / 3
            "Chat bot for repeat orders",  # 3 / 5
            "Urgent fix",  # no score
        ]
    ]
    assert register_rows(section(html, "process-changes-by-due-date")) == [
        ["Rep places the first order together with the owner", "Call the owner before opening hours"]
    ]
    grouped = section(html, "grouped-by-owner-stage-order")
    groups = re.findall(r'<p class="cjm-register-group cjm-group-owner rubric">([^<]+)</p>', grouped)
    assert groups == ["Head of e-commerce", "Head of sales", "Product manager", "Somebody", "Not set"]
    assert register_rows(grouped)[1] == ["Rep places the first order together with the owner"]
    # Owner compared without case or extra spaces; several statuses.
    assert register_rows(section(html, "open-ones-of-the-head-of-sales")) == [
        ["Rep places the first order together with the owner"]
    ]
    by_type = section(html, "grouped-by-type")
    assert re.findall(r'cjm-group-type rubric">([^<]+)</p>', by_type) == ["Digital", "Business process", "Not set"]


@pytest.mark.sphinx("html", testroot="recommendations")
def test_register_offers_its_csv_beside_the_page(app):
    app.build()
    html = section((app.outdir / "registers.html").read_text(encoding="utf-8"), "process-changes-by-due-date")
    href = re.search(r'<a class="reference download internal" download="" href="([^"]+)"', html)[1]
    assert href == "_downloads/cjm/registers-recommendations-3.csv"
    data = (app.outdir / href).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets read UTF-8 by its byte-order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "id", "Recommendation", "Journey", "Addresses", "Barrier", "Type", "Priority", "Impact", "Effort", "Owner",
        "Status", "Due", "Budget",
    ]  # fmt: skip
    assert rows[1] == [
        "rec-first-order", "Rep places the first order together with the owner",
        "From sales-rep visit to self-service ordering", "Sales rep's visit; First contact",
        "Does not trust an online service with money; Has no time to talk during opening hours",
        "Business process", "high", "4", "2", "Head of sales", "planned", "2027-03-01", "120 000 ₽",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["rec-first-order", "rec-early-call"]


@pytest.mark.sphinx("html", testroot="recommendations", freshenv=True)
def test_a_recommendation_on_another_page_solves_barriers(app):
    app.build()
    # The lint is on: every barrier of the map is solved by a recommendation, none warns.
    assert not [w for w in warning_lines(app) if "barrier-without-solution" in w]
    html = section((app.outdir / "registers.html").read_text(encoding="utf-8"), "barriers")
    (table,) = Tables(html, "cjm-register-table").tables
    contact, visit, cart = table[1:]
    assert contact.cells[2] == "Rep places the first order together with the owner Call the owner before opening hours"
    assert contact.links[2] == ["plan.html#rec-first-order", "plan.html#rec-early-call"]
    assert visit.links[1] == ["plan.html#rec-first-order"]
    assert cart.links[2] == ["broken.html#rec-broken", "map.html#rec-search-names"]
    assert not any("cjm-unsolved" in row.classes for row in table)
    # The journey table's solutions lane lists them as links, from whichever page.
    page = Page.read(app.outdir / "map.html")
    assert list(table_rows(page.tables[0]))[2] == "Solutions"
    assert page.cell_links[0][3] == [
        [],
        ["plan.html#rec-first-order", "plan.html#rec-early-call"],
        ["broken.html#rec-broken", "#rec-search-names", "plan.html#rec-bot"],
    ]


@pytest.mark.sphinx("html", testroot="recommendations")
def test_descriptions_anchors_roles_and_evidence_links(app):
    app.build()
    plan = Page.read(app.outdir / "plan.html")
    assert {"rec-first-order", "rec-early-call", "rec-bot"} <= plan.ids
    assert plan.link_text("Rep places the first order together with the owner") == "#rec-first-order"
    assert plan.link_text("\"I won't give my card to an app I don't know\"") == "map.html#ev-int-12"
    html = (app.outdir / "plan.html").read_text(encoding="utf-8")
    first = html[html.index('id="rec-first-order"') : html.index('id="rec-early-call"')]
    for label, value in [("Type", "Business process"), ("Priority", "high"), ("Budget", "120 000 ₽")]:
        assert re.search(rf">{label}<.*?<p>{value}</p>", first, re.S), label
    assert "The rep shows the app on the owner" in first
    # A touchpoint's description lists the evidence supporting it, as links.
    map_html = (app.outdir / "map.html").read_text(encoding="utf-8")
    visit = map_html[map_html.index('id="may24-rep-visit"') : map_html.index('id="may24-ad"')]
    assert re.search(r'cjm-evidence-links.*href="#ev-int-12"', visit, re.S)
    assert "cjm-evidence-links" not in map_html[map_html.index('id="may24-van"') :]
    with open(app.outdir / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "https://example.org/cx", lambda base, uri: f"{base}/{uri}")
    inventory = getattr(inventory, "data", inventory)  # Sphinx >= 8.2 wraps the mapping
    for kind, object_id, page in [("recommendation", "rec-first-order", "plan"), ("evidence", "ev-int-12", "map")]:
        entry = inventory[f"cjm:{kind}"][object_id]
        assert (getattr(entry, "uri", None) or entry[2]) == f"https://example.org/cx/{page}.html#{object_id}"


@pytest.mark.sphinx("html", testroot="recommendations", freshenv=True)
def test_every_bad_value_is_a_typed_warning_at_its_line(app):
    app.build()
    warnings = warning_lines(app)
    broken = str(app.srcdir / "broken.rst")
    expected = [
        (4, "cjm.option", "unknown priority 'urgent'"),
        (4, "cjm.option", "impact '9' is not a whole number from 1 to 5"),
        (4, "cjm.option", "effort 'two' is not a whole number"),
        (4, "cjm.option", "unknown status 'maybe'"),
        (4, "cjm.option", "unknown type 'magic'"),
        (4, "cjm.option", "due date 'next week' is not an ISO date"),
        (4, "cjm.ref", ":addresses: names 'nowhere', not a touchpoint or stage"),
        (15, "cjm.option", "unknown evidence kind 'rumour'"),
        (20, "cjm.option", "unknown sort 'cost'"),
        (20, "cjm.option", "unknown group-by 'colour'"),
        (20, "cjm.option", "unknown status 'lost'"),
    ]
    for line, subtype, text in expected:
        assert warned(warnings, f"{broken}:{line}", text, subtype), text
    # The rest still builds: the broken recommendation is listed, without the values it got wrong.
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    broken_record = next(r for r in data["recommendations"] if r["id"] == "rec-broken")
    assert broken_record["priority"] == "" and broken_record["impact"] is None and broken_record["due"] == ""
    assert "Traceback" not in app._warning.getvalue()


@pytest.mark.sphinx("html", testroot="recommendations", freshenv=True)
def test_lint_switches_for_evidence_and_owners(app):
    app.build()
    warnings = [w for w in warning_lines(app) if "[cjm.coverage]" in w]
    assert warnings == [
        f"{app.srcdir / 'map.rst'}:58: WARNING: journey 'may24': the emotion of touchpoint 'may24-van' rests on no "
        "evidence [lint: emotion-without-evidence] [cjm.coverage]",
        f"{app.srcdir / 'plan.rst'}:18: WARNING: recommendation 'rec-early-call' has no owner "
        "[lint: recommendation-without-owner] [cjm.coverage]",
    ]


@pytest.mark.sphinx("html", testroot="recommendations")
def test_export_lists_recommendations_and_evidence(app):
    app.build()
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["recommendations"]] == sorted(r["id"] for r in data["recommendations"])
    first = next(r for r in data["recommendations"] if r["id"] == "rec-first-order")
    assert first == {
        "id": "rec-first-order",
        "title": "Rep places the first order together with the owner",
        "docname": "plan",
        "journey": "may24",
        "addresses": ["may24-rep-visit", "may24-contact"],
        "type": "process",
        "priority": "high",
        "impact": 4,
        "effort": 2,
        "owner": "Head of sales",
        "status": "planned",
        "due": "2027-03-01",
        "budget": "120 000 ₽",
    }
    nested = next(r for r in data["recommendations"] if r["id"] == "rec-search-names")
    assert nested["addresses"] == ["may24-cart"] and nested["docname"] == "map"
    assert next(e for e in data["evidence"] if e["id"] == "ev-int-12") == {
        "id": "ev-int-12",
        "title": "\"I won't give my card to an app I don't know\"",
        "docname": "map",
        "kind": "quote",
        "source": "Interview 12, shop owner, Kazan, 2026-10",
        "supports": ["may24-rep-visit"],
    }
    contact, self_service = data["journeys"][0]["stages"]
    assert contact["evidence"] == ["ev-survey-visit"] and self_service["evidence"] == []
    assert [t["evidence"] for t in contact["touchpoints"]] == [["ev-int-12"], ["ev-broken"]]
    assert [t["evidence"] for t in self_service["touchpoints"]] == [["ev-analytics-cart"], []]


@pytest.mark.sphinx("html", testroot="recommendations-md")
def test_myst_directives_roles_and_registers(app):
    app.build()
    assert warning_lines(app) == []
    plan = Page.read(app.outdir / "plan.html")
    assert plan.link_text("Rep places the first order together with the owner") == "#rec-first-order"
    assert plan.link_text("\"I won't give my card to an app I don't know\"") == "map.html#ev-int-12"
    html = (app.outdir / "plan.html").read_text(encoding="utf-8")
    register, barriers, evidence = Tables(html, "cjm-register-table").tables
    # Both score 2 (4 / 2 and 2 / 1): the higher priority first.
    assert [row.cells[0] for row in register[1:]] == [
        "Rep places the first order together with the owner",
        "Call before opening hours",
    ]
    assert barriers[1].links[2] == ["#rec-first-order"]
    # In the order written: the nested quote stands above the analytics.
    assert [row.links[0] for row in evidence[1:]] == [["map.html#ev-int-12"], ["map.html#ev-analytics"]]
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    assert [r["addresses"] for r in data["recommendations"]] == [["may24-contact"], ["may24-rep-visit"]]
    assert data["evidence"][1]["supports"] == ["may24-rep-visit"]  # nested: its parent


def copy_root(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    return source


def test_parallel_build_is_byte_identical(make_app, tmp_path):
    source = copy_root(tmp_path)
    outputs = {}
    for jobs in (1, 2):
        app = make_app("html", srcdir=source, builddir=tmp_path / f"build-j{jobs}", parallel=jobs)
        app.build()
        outputs[jobs] = output_files(app.outdir)
        app.cleanup()
    assert any(name.endswith(".csv") for name in outputs[1])
    assert_same_files(outputs[2], outputs[1])


def test_editing_a_recommendation_rewrites_the_pages_showing_it(make_app, tmp_path):
    source = copy_root(tmp_path)
    app = make_app("html", srcdir=source, builddir=tmp_path / "incremental")
    app.build()
    app.cleanup()
    plan = source / "plan.rst"
    edited = plan.read_text(encoding="utf-8").replace("Rep places the first order", "Rep places the very first order")
    plan.write_text(edited.replace(":status: planned", ":status: done"), encoding="utf-8")
    app = make_app("html", srcdir=source, builddir=tmp_path / "incremental")
    app.build()
    incremental = output_files(app.outdir)
    app.cleanup()
    clean = make_app("html", srcdir=source, builddir=tmp_path / "clean")
    clean.build()
    expected = output_files(clean.outdir)
    assert "Rep places the very first order" in expected["map.html"].decode()
    assert_same_files(incremental, expected)


def linked_markers(html: str) -> dict[str, set[str]]:
    """href fragment -> the classes of the curve's markers (not texts) linking to it (inline SVG)."""
    kinds: dict[str, set[str]] = {}
    for match in re.finditer(r'<a href="[^"#]*#([^"]+)">(.*?)</a>', html, re.S):
        for kind in re.findall(r'<(?:circle|path) class="(cjm-curve-(?:[a-z]+-)?mark)"', match[2]):
            kinds.setdefault(match[1], set()).add(kind)
    return kinds


def curve_legend(html: str) -> str:
    legend = re.search(r'<ul class="cjm-curve-legend"[^>]*>(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", legend[1]) if legend else ""


@pytest.mark.sphinx("html", testroot="recommendations")
def test_unsupported_touchpoints_are_hollow_points(app):
    app.build()
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    markers = linked_markers(html)
    filled = {object_id for object_id, kinds in markers.items() if "cjm-curve-mark" in kinds}
    # The van alone has no evidence of its own or of its stage (the rep's visit and the ad
    # are supported through their stage's survey); a pain point's ring is hollow too.
    assert set(markers) == {"may24-rep-visit", "may24-ad", "may24-cart", "may24-van"}
    assert filled == {"may24-rep-visit", "may24-ad", "may24-cart"}
    assert "No research evidence" in curve_legend(html)  # named in the legend
    # ... and in the alt text, for a reader who does not see which points are hollow.
    assert curve_alt(html).endswith(
        "highest: Delivery van (Self-service), +1.5. No research evidence (hollow points): Delivery van (Self-service), +1.5."
    )


@pytest.mark.sphinx(
    "html", testroot="recommendations", srcdir="unsupported_points_in_russian", confoverrides={"language": "ru"}
)
def test_alt_text_names_unsupported_points_in_russian(app):
    app.build()
    alt = curve_alt((app.outdir / "map.html").read_text(encoding="utf-8"))
    assert alt.endswith("Нет подтверждения исследованием (полые точки): Delivery van (Self-service), +1,5.")


def curve_alt(html: str) -> str:
    """The alt text of the journey's curve row (a visually hidden span in its head cell)."""
    head = re.search(r'<th class="stub cjm-curve-head">.*?<span class="cjm-visually-hidden">([^<]*)</span>', html, re.S)
    assert head, "no curve row"
    return head[1]


@pytest.mark.sphinx("html", testroot="recommendations-md")
def test_no_evidence_in_a_journey_draws_no_hollow_points(app):
    # This journey has evidence for its only plotted touchpoint: all filled, no legend entry.
    app.build()
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    assert "cjm-curve-mark" in linked_markers(html)["may24-rep-visit"]
    assert "No research evidence" not in curve_legend(html)


@pytest.mark.sphinx("html", testroot="recommendations")
def test_priority_matrix_links_points_to_descriptions(app):
    app.build()
    html = section((app.outdir / "registers.html").read_text(encoding="utf-8"), "matrix")
    figure = re.search(r'<figure class="cjm-priority-matrix">\s*<object data="([^"]+)"[^>]*aria-label="([^"]+)"', html)
    alt = figure[2]
    assert alt.startswith("Priority matrix of 4 recommendations, impact against effort.")
    assert "Quick wins: 1 Rep places the first order together with the owner; 3 Search by the rep" in alt
    assert "Fill-ins: 2 Call the owner before opening hours." in alt
    svg = (app.outdir / figure[1]).read_text(encoding="utf-8")
    links = set(re.findall(r'<a xlink:href="([^"]+)" target="_top">', svg))
    # Every scored recommendation, linked from its point, its number and its key entry; the unscored one is not.
    assert links == {
        "../plan.html#rec-first-order",
        "../plan.html#rec-early-call",
        "../plan.html#rec-bot",
        "../map.html#rec-search-names",
    }
    assert "rec-broken" not in svg
    for words in ("Quick wins", "Big bets", "Fill-ins", "Money pits", "Impact", "Effort", "Chat bot for repeat orders"):
        assert re.search(rf"<text[^>]*>[^<]*{re.escape(words)}", svg), words  # text stays text


def test_matrix_points_sharing_a_score_are_spread_apart():
    from sphinx_cjm.matrix import _POINT_RADIUS, positions

    points = [{"effort": 2, "impact": 4}] * 7 + [{"effort": 5, "impact": 1}]
    placed = positions(points)
    assert placed[7] == (5.0, 1.0)
    for n, (x, y) in enumerate(placed[:7]):
        assert abs(x - 2) < 0.5 and abs(y - 4) < 0.5  # still read as its own score
        for other in placed[n + 1 : 7]:
            assert ((x - other[0]) ** 2 + (y - other[1]) ** 2) ** 0.5 >= 2 * _POINT_RADIUS


@pytest.mark.sphinx("html", testroot="recommendations-yaml", freshenv=True)
def test_recommendations_and_evidence_in_a_yaml_file(app):
    app.build()
    source = app.srcdir / "doors.yaml"
    warnings = [w for w in warning_lines(app) if str(source) in w]
    # Each bad value at its own line of the file, typed; the rest of the file still builds.
    assert [w.partition(": WARNING: ")[0] for w in warnings] == [f"{source}:40", f"{source}:41", f"{source}:44"]
    assert "'urgent' is not one of: high, medium, low [cjm.yaml]" in warnings[0]
    assert "impact: 9 is greater than the maximum of 5 [cjm.yaml]" in warnings[1]
    assert "due date 'next week' is not an ISO date" in warnings[2] and warnings[2].endswith("[cjm.option]")
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    compare, price = (r for r in data["recommendations"] if r["id"].startswith("doors-"))
    assert compare["addresses"] == ["doors-search"] and compare["due"] == "2027-03-01" and compare["budget"] == "50000"
    assert price["addresses"] == ["doors-landing"] and price["impact"] is None and price["effort"] == 2
    assert [(e["id"], e["supports"]) for e in data["evidence"] if e["id"].startswith("doors-")] == [
        ("doors-ev-quote", ["doors-landing"]),
        ("doors-search-half-of-the-buyers-compare-three-shops", ["doors-search"]),
    ]
    (stage,) = next(j for j in data["journeys"] if j["id"] == "doors")["stages"]
    # Text items of a stage's evidence stay the physical-evidence lane; objects are research evidence.
    assert stage["lanes"]["evidence"] == ["Printed catalogue at the showroom"]
    assert stage["evidence"] == ["doors-search-half-of-the-buyers-compare-three-shops"]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert {"doors-rec-compare", "doors-rec-price", "doors-ev-quote"} <= page.ids
    assert list(table_rows(page.tables[0]))[2] == "Solutions"
    assert page.cell_links[0][3] == [[], ["#doors-rec-compare", "#doors-rec-price"]]
    # No barrier of the file is left without a solution: the lint is quiet.
    assert not [w for w in warning_lines(app) if "barrier-without-solution" in w]
    landing = html[html.index('id="doors-landing"') : html.index('id="doors-rec-price"')]
    assert re.search(r'cjm-evidence-links.*href="#doors-ev-quote"', landing, re.S)


@pytest.mark.sphinx("html", testroot="recommendations-yaml", freshenv=True)
def test_recommendations_and_evidence_rows_in_a_csv_file(app):
    app.build()
    source = app.srcdir / "shop.csv"
    warnings = [w for w in warning_lines(app) if str(source) in w]
    # The second line of the quoted cell that starts on line 3.
    assert warnings == [
        f"{source}:4: WARNING: journey file: 'Retarget visitors': impact '9' is not a whole number from 1 to 5; "
        "it is ignored [cjm.option]",
        f"{source}:4: WARNING: journey file: 'Retarget visitors': unknown priority 'urgent'; "
        "use one of: high, medium, low [cjm.option]",
        # The second line of the quoted cell of the touchpoint recommendations, on line 6.
        f"{source}:7: WARNING: journey file: 'Sofa shop' is not a touchpoint of stage 'Showroom visit' "
        "(its touchpoints: 'Showroom'); the item is left out [cjm.csv]",
        f"{source}:8: WARNING: journey file: evidence 'Showroom' has more than 4 fields "
        "(touchpoint | title | kind | source); the rest is left out [cjm.csv]",
    ]
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    banner = next(r for r in data["recommendations"] if r["title"] == "Banner with the sofa in a real flat")
    assert banner["addresses"] == ["buying-a-sofa-search"] and banner["journey"] == "buying-a-sofa"
    assert (banner["type"], banner["priority"], banner["impact"], banner["effort"]) == ("digital", "high", 4, 2)
    assert (banner["owner"], banner["status"], banner["due"], banner["budget"]) == (
        "Marketing", "planned", "2027-03-01", "40 000 ₽",
    )  # fmt: skip
    quote = next(
        e for e in data["evidence"] if e["kind"] == "quote" and e["supports"] == ["buying-a-sofa-showroom-visit"]
    )
    assert quote["title"] == '"The showroom sold it to me"' and quote["source"] == "Interview 5"
    page = Page.read(app.outdir / "shop.html")
    assert banner["id"] in page.ids and quote["id"] in page.ids
    # The rows are not lanes of the table.
    assert list(table_rows(page.tables[0])) == ["Touchpoints"]

    # A touchpoint row names the touchpoint of the column's stage by title (case aside); the rest are the same fields.
    banner_id, showroom_id = "buying-a-sofa-search-banner", "buying-a-sofa-showroom-visit-showroom"
    metro = next(r for r in data["recommendations"] if r["title"] == "Banner in the metro")
    assert (metro["addresses"], metro["type"], metro["priority"], metro["impact"], metro["effort"]) == (
        [banner_id], "digital", "medium", 3, 1,
    )  # fmt: skip
    at_home = next(r for r in data["recommendations"] if r["title"] == "Sofas to try at home")
    assert at_home["addresses"] == [showroom_id] and at_home["owner"] == ""
    assert "Wrong place" not in {r["title"] for r in data["recommendations"]}
    looks_up = next(e for e in data["evidence"] if e["title"] == "Nobody looks up on the escalator")
    assert (looks_up["kind"], looks_up["source"], looks_up["supports"]) == ("observation", "Field notes", [banner_id])
    sat = next(e for e in data["evidence"] if e["title"] == "Sat on it")
    assert (sat["kind"], sat["source"], sat["supports"]) == ("quote", "Interview 7", [showroom_id])
    touchpoints = [t for s in journey_stages(data, "buying-a-sofa") for t in s["touchpoints"]]
    assert [t["evidence"] for t in touchpoints] == [[looks_up["id"]], [sat["id"]]]
    html = (app.outdir / "shop.html").read_text(encoding="utf-8")
    # The register lists them with the touchpoint they address, linked to its description.
    register = Tables(html, "cjm-register-table").tables[0]
    rows = {row.cells[0]: row for row in register[1:]}
    assert rows["Banner in the metro"].cells[1] == "Banner" and rows["Banner in the metro"].links[1] == [
        f"#{banner_id}"
    ]
    assert rows["Sofas to try at home"].links[1] == [f"#{showroom_id}"]
    # The evidence list and each touchpoint's description link the evidence.
    evidence_list = html[html.index("cjm-evidence-list") :]
    assert f'href="#{looks_up["id"]}"' in evidence_list and f'href="#{sat["id"]}"' in evidence_list
    banner_box = html[html.index(f'id="{banner_id}"') : html.index(f'id="{showroom_id}"')]
    assert re.search(rf'cjm-evidence-links.*href="#{looks_up["id"]}"', banner_box, re.S)


@pytest.mark.sphinx("latex", testroot="recommendations")
def test_registers_and_matrix_in_latex(app):
    app.build()
    tex = (app.outdir / "recommendations.tex").read_text(encoding="utf-8")
    # The register is a real table; the matrix a PDF drawn beside it; the CSV link is HTML's only.
    assert (
        "Rep places the first order together with the owner" in tex and r"\begin{longtable}" in tex
    )  # breaks across pages
    (matrix,) = set(re.findall(r"\\sphinxincludegraphics\[width=\\linewidth\]\{(cjm-matrix-[0-9a-f]{32}\.pdf)\}", tex))
    assert (app.outdir / matrix).read_bytes().startswith(b"%PDF")
    assert "Download the register as CSV" not in tex
    assert r"\label{\detokenize{plan:rec-first-order}}" in tex


@pytest.mark.sphinx("texinfo", testroot="recommendations")
def test_texinfo_shows_the_curve_and_the_priority_matrix_as_drawn_images(app):
    app.build()
    texi = next(app.outdir.glob("*.texi")).read_text(encoding="utf-8")
    images = re.findall(r"@image\{([^,]+),,,", texi)
    assert any("cjm-curve-" in image for image in images) and any("cjm-matrix-" in image for image in images)
    assert all((app.outdir / f"{image}.png").is_file() for image in images)
