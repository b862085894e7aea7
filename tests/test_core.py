"""The core: directives in RST and MyST, the journey table in HTML/LaTeX/text, roles, export."""

from __future__ import annotations

import inspect
import json
import re
import shutil

import pytest
from docutils import nodes
from htmlparse import Page, table_rows

from sphinx_cjm.nodes import written_journey_table

STAGES = ["Install", "First order", "Delivery", "Repeat order"]


@pytest.mark.sphinx("html", testroot="basic")
def test_table_assembles_the_journey_from_every_document(app):
    app.build()
    page = Page.read(app.outdir / "map.html")
    assert len(page.tables) == 1
    table = page.tables[0]
    assert table[0] == ["Stage", *STAGES]
    rows = table_rows(table)
    assert list(rows) == ["Actions", "Customer goals", "Touchpoints", "Emotion", "Barriers", "Solutions", "KPIs"]
    assert rows["Actions"][0] == "Sees an ad in a parenting blog Installs the app"
    assert rows["Actions"][2:] == ["Waits for the courier", "Repeats last week's basket"]
    # Nested touchpoints in order, then those written elsewhere.
    assert rows["Touchpoints"] == [
        "Blog advertisement App store page",
        "Substitution call",
        "Courier at the door",
        "Repeat button",
    ]
    # A stage's own emotion wins; otherwise the mean of its touchpoints.
    assert rows["Emotion"] == ["0.5", "\u22120.5", "1.5", "2"]
    # Barriers and solutions gather the stage's own and its touchpoints'.
    assert rows["Barriers"] == [
        "Looks like every other delivery ad",
        "The picker calls while the parent drives",
        "Two-hour delivery window is too wide",
        "—",  # an empty cell shows a muted dash
    ]
    assert rows["Solutions"][1] == "Let the customer pre-approve substitutions in the app"
    links = page.cell_links[0]
    tp_links = next(cells for r, cells in zip(table, links, strict=True) if r[0] == "Touchpoints")
    assert tp_links[1] == ["#weekly-blog-ad", "#weekly-store"]
    assert tp_links[2] == ["touchpoints.html#weekly-substitution"]
    header_links = links[0]
    assert header_links[3] == ["stages.html#weekly-delivery"]
    # Every object has its anchor where its directive stands.
    assert {"weekly", "weekly-install", "weekly-first", "weekly-blog-ad", "weekly-store"} <= page.ids
    assert {"weekly-substitution", "weekly-courier"} <= Page.read(app.outdir / "touchpoints.html").ids
    assert "parent" in Page.read(app.outdir / "people.html").ids
    # The stylesheet ships and is linked.
    assert (app.outdir / "_static" / "cjm.css").exists()
    assert "_static/cjm.css" in (app.outdir / "map.html").read_text(encoding="utf-8")
    assert 'class="cjm-journey-table-wrapper' in (app.outdir / "map.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="basic")
def test_journey_table_elsewhere(app):
    app.build()
    page = Page.read(app.outdir / "summary.html")
    assert len(page.tables) == 2
    assert page.tables[0] == page.tables[1]
    assert page.tables[0][0] == ["Stage", *STAGES]
    assert "map.html#weekly-blog-ad" in page.cell_links[0][3][1]


@pytest.mark.sphinx("html", testroot="basic")
def test_roles_link_across_documents(app):
    app.build()
    assert app._warning.getvalue() == ""
    page = Page.read(app.outdir / "elsewhere.html")
    assert page.link_text("Substitution call") == "touchpoints.html#weekly-substitution"
    assert page.link_text("the repeat button") == "touchpoints.html#weekly-repeat-button"
    assert page.link_text("Weekly grocery order") == "map.html#weekly"
    assert page.link_text("Install") == "map.html#weekly-install"
    assert page.link_text("Busy parent") == "people.html#parent"
    assert page.link_text("Courier at the door") == "touchpoints.html#weekly-courier"
    assert page.link_text("the first order") == "map.html#weekly-first"
    assert page.link_text("App store page") == "map.html#weekly-store"


@pytest.mark.sphinx("html", testroot="basic")
def test_json_export(app):
    app.build()
    data = json.loads((app.outdir / "cjm.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["personas"] == [
        {"id": "parent", "title": "Busy parent", "segment": "Families with children under 10", "docname": "people"}
    ]
    (journey,) = data["journeys"]
    assert list(journey) == ["id", "title", "persona", "docname", "lanes", "stages", "metrics"]
    assert journey["lanes"] == ["actions", "goals", "touchpoints", "emotion", "barriers", "solutions", "kpis"]
    assert [s["id"] for s in journey["stages"]] == [
        "weekly-install",
        "weekly-first",
        "weekly-delivery",
        "weekly-repeat",
    ]
    install, first, delivery, _repeat = journey["stages"]
    # The contract's fields in its order, then kpi_values (plan/fact KPIs, tests/test_blueprint.py), reach, and
    # the ids of the evidence supporting the stage (tests/test_recommendations.py).
    assert list(install) == [
        "id", "title", "docname", "emotion", "lanes", "touchpoints", "kpi_values", "reach", "evidence",
    ]  # fmt: skip
    assert install["emotion"] == 0.5 and first["emotion"] == -0.5
    assert install["lanes"] == {
        "actions": ["Sees an ad in a parenting blog", "Installs the app"],
        "goals": ["Save an hour a week"],
        "kpis": ["Installs per 1000 impressions"],
    }
    assert delivery["docname"] == "stages"
    assert first["touchpoints"] == [
        {
            "id": "weekly-substitution",
            "title": "Substitution call",
            "docname": "touchpoints",
            "channel": "offline",
            "channel_kind": "offline",
            "emotion": -2,
            "barrier": "The picker calls while the parent drives",
            "solution": "Let the customer pre-approve substitutions in the app",
            "owner": "Head of operations",
            "kpi": "Share of orders with a substitution call",
            "evidence": [],
        }
    ]
    assert install["touchpoints"][1]["barrier"] == ""


@pytest.mark.sphinx("html", testroot="basic", srcdir="basic-no-export", confoverrides={"cjm_export_json": None})
def test_json_export_can_be_turned_off(app):
    app.build()
    assert not (app.outdir / "cjm.json").exists()


@pytest.mark.sphinx("latex", testroot="basic")
def test_latex_table(app):
    app.build()
    tex = (app.outdir / "basic.tex").read_text(encoding="utf-8")
    table = tex[tex.index("Weekly grocery order") :]
    for text in [
        *STAGES,
        "Customer goals",
        "Touchpoints",
        "Barriers",
        "Blog advertisement",
        "delivery window is too wide",
    ]:
        assert text in table
    # Touchpoint links become internal hyperlinks to the touchpoint's label.
    assert re.search(r"\\hyperref\[\\detokenize\{touchpoints:weekly-substitution\}\]", tex)
    assert r"\label{\detokenize{touchpoints:weekly-substitution}}" in tex


@pytest.mark.sphinx("text", testroot="basic")
def test_text_table(app):
    app.build()
    text = (app.outdir / "map.txt").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Stage"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "Stage",
        "*Install*",
        "*First order*",
        "*Delivery*",
        "*Repeat order*",
    ]
    assert re.search(r"\| Emotion\s+\| 0\.5\s+\| \u22120\.5\s+\| 1\.5\s+\| 2\s+\|", text)


def _normalised(doctree: nodes.document) -> str:
    """The cjm content of a page, without source positions and parser-specific attributes."""
    parts = []
    for node in doctree.findall(nodes.container):
        if "cjm" in node["classes"] and not any("cjm" in p.get("classes", ()) for p in _ancestors(node)):
            copy = node.deepcopy()
            for element in copy.findall(nodes.Element):
                for attribute in ("source", "line", "translatable", "rawsource"):
                    element.attributes.pop(attribute, None)
            parts.append(copy.pformat())
    for node in doctree.findall(lambda n: isinstance(n, (nodes.table, written_journey_table))):
        copy = node.deepcopy()
        for attribute in ("source", "line"):
            copy.attributes.pop(attribute, None)
        parts.append(copy.pformat())  # an HTML table's placeholder: which table, and its words
    return "\n".join(parts)


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _built_cjm_content(make_app, srcdir) -> tuple[dict[str, str], str, str]:
    app = make_app("html", srcdir=srcdir)
    app.build()
    # Sphinx 9 wants the build tags passed; older Sphinx has no such parameter.
    tags = {"tags": app.tags} if "tags" in inspect.signature(app.env.get_and_resolve_doctree).parameters else {}
    trees = {
        docname: _normalised(app.env.get_and_resolve_doctree(docname, app.builder, **tags))
        for docname in ("people", "map", "stages", "touchpoints", "summary")
    }
    result = trees, (app.outdir / "cjm.json").read_text(encoding="utf-8"), app._warning.getvalue()
    app.cleanup()
    return result


def test_myst_gives_the_same_doctree(make_app, rootdir, tmp_path):
    for name in ("basic", "basic-md"):
        shutil.copytree(rootdir / f"test-{name}", tmp_path / name)
    md_trees, md_json, md_warnings = _built_cjm_content(make_app, tmp_path / "basic-md")
    rst_trees, rst_json, rst_warnings = _built_cjm_content(make_app, tmp_path / "basic")
    assert md_warnings == rst_warnings == ""
    assert all(rst_trees.values())
    for docname, tree in rst_trees.items():
        assert md_trees[docname] == tree, docname
    assert md_json == rst_json
