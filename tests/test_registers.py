"""``touchpoint-index`` and ``barrier-list``: the registers a finished map ends with; persona cards."""

from __future__ import annotations

import re
import time

import pytest
from buildresult import warning_lines
from tablesparse import Tables

JOURNEY = "From sales-rep visit to self-service ordering"


def section(html: str, anchor: str) -> str:
    """The HTML of one section of registers.html, from its id to the next section."""
    start = html.index(f'id="{anchor}"')
    end = html.find('<section id="', start + 1)
    return html[start : end if end > 0 else len(html)]


def body_rows(table):
    return [row for row in table if not row.header]


@pytest.mark.sphinx("html", testroot="registers")
def test_touchpoint_index_groups_every_touchpoint_by_channel(app):
    app.build()
    html = section((app.outdir / "registers.html").read_text(encoding="utf-8"), "all-touchpoints")
    assert 'class="cjm-register cjm-touchpoint-index' in html
    groups = re.findall(r'<p class="[^"]*cjm-channel-group[^"]*">([^<]+)</p>', html)
    assert groups == ["Online", "Offline", "No channel"]
    tables = Tables(html, "cjm-register-table").tables
    assert [row.cells for row in tables[0] if row.header] == [["Touchpoint", "Journey", "Stage", "Emotion"]]
    # Journeys by id, then stage and touchpoint order; each with its journey, stage and emotion.
    assert [row.cells for row in body_rows(tables[0])] == [
        ["Search ad", JOURNEY, "First contact", "0"],
        ["Cart in the app", JOURNEY, "Self-service", "\u22122"],
    ]
    assert [row.cells for row in body_rows(tables[1])] == [
        ["Showroom", "Buying a front door", "Search", "\u22121"],
        ["Sales rep's visit", JOURNEY, "First contact", "1"],
    ]
    assert [row.cells for row in body_rows(tables[2])] == [["Delivery van", JOURNEY, "Self-service", "1.5"]]
    cart = body_rows(tables[0])[1]
    assert cart.links == [["wholesale.html#may24-cart"], ["wholesale.html#may24"], ["wholesale.html#may24-self"], []]


@pytest.mark.sphinx("html", testroot="registers")
def test_touchpoint_index_options_narrow_and_sort(app):
    app.build()
    html = section((app.outdir / "registers.html").read_text(encoding="utf-8"), "one-journey-online-by-emotion")
    groups = re.findall(r'<p class="[^"]*cjm-channel-group[^"]*">([^<]+)</p>', html)
    assert groups == ["Online"]
    (table,) = Tables(html, "cjm-register-table").tables
    # :sort: emotion puts the lowest point first: the dips are where the work is.
    assert [row.cells[0] for row in body_rows(table)] == ["Cart in the app", "Search ad"]


@pytest.mark.sphinx("html", testroot="registers")
def test_barrier_list_pairs_barriers_with_solutions_and_marks_the_unsolved(app):
    app.build()
    html = section((app.outdir / "registers.html").read_text(encoding="utf-8"), "all-barriers")
    assert 'class="cjm-register cjm-barrier-list' in html
    journeys = re.findall(r'<p class="cjm-register-journey rubric">.*?<span[^>]*>([^<]+)</span>', html)
    assert journeys == ["Buying a front door", JOURNEY]
    doors, may24 = Tables(html, "cjm-register-table").tables
    assert [row.cells for row in doors if row.header] == [["Stage", "Barrier", "Solution", "Owner", "Touchpoint"]]
    assert [row.cells for row in body_rows(may24)] == [
        # The stage's own items pair by position; its single owner owns every fix of the stage.
        [
            "First contact",
            "Has no time to talk during opening hours",
            "Visit before the shop opens",
            "Regional sales manager",
            "",
        ],
        ["Already has a supplier he trusts", "No solution yet", "Regional sales manager", ""],
        [
            "Does not trust an online service with money",
            "Rep places the first order together with the owner",
            "Sales department",
            "Sales rep's visit",
        ],
        ["Self-service", "Unclear how to change quantities", "No solution yet", "Product team", "Cart in the app"],
    ]
    rows = body_rows(may24)
    # Grouped by stage: the stage cell spans its rows.
    assert rows[0].spans[0] == (3, 1) and rows[3].spans[0] == (1, 1)
    assert ["cjm-unsolved" in row.classes for row in rows] == [False, True, False, True]
    assert html.count('<strong class="cjm-no-solution">No solution yet</strong>') == 2
    assert rows[2].links[-1] == ["wholesale.html#may24-rep-visit"]
    assert rows[0].links[0] == ["wholesale.html#may24-contact"]


@pytest.mark.sphinx("html", testroot="registers")
def test_barrier_list_narrows_by_journey_and_owner(app):
    app.build()
    html = section((app.outdir / "registers.html").read_text(encoding="utf-8"), "marketing-s-barriers")
    (table,) = Tables(html, "cjm-register-table").tables
    # :owner: matches regardless of case; may24 has no fix owned by marketing and is left out.
    assert [row.cells[-4:] for row in body_rows(table)] == [
        ["Cannot compare prices across shops", "Price calculator on the site", "Marketing", ""],
        ["Showroom closes at six", "Open until nine on Thursdays", "Marketing", "Showroom"],
    ]
    assert JOURNEY not in html


@pytest.mark.sphinx("html", testroot="registers", freshenv=True)
def test_bad_register_options_warn_with_file_and_line(app):
    app.build()
    lines = warning_lines(app)
    expected = [
        (r"broken.rst:4: WARNING: touchpoint-index: unknown channel 'telepathy'.*", "cjm.option"),
        (r"broken.rst:4: WARNING: touchpoint-index: unknown sort order 'mood'.*", "cjm.option"),
        (r"broken.rst:8: WARNING: barrier-list: unknown journey id 'nowhere'.*", "cjm.ref"),
    ]
    for pattern, subtype in expected:
        assert any(re.search(pattern + re.escape(f"[{subtype}]"), w) for w in lines), (pattern, lines)
    assert len(lines) == len(expected), lines
    html = (app.outdir / "broken.html").read_text(encoding="utf-8")
    # A bad option falls back (every channel, stage order); an unknown journey lists nothing.
    assert re.findall(r'cjm-channel-group[^"]*">([^<]+)<', html) == ["Online", "Offline", "No channel"]
    assert "No barriers match." in html


@pytest.mark.sphinx("latex", testroot="registers")
def test_registers_in_latex(app):
    app.build()
    tex = (app.outdir / "registers.tex").read_text(encoding="utf-8")
    start = tex.index(r"\section{All touchpoints}")
    registers = tex[start:]
    assert r"\begin{sphinxuseclass}{cjm-touchpoint-index}" in registers
    assert registers.index(r"\subsubsection*{Online}") < registers.index(r"\subsubsection*{Offline}")
    assert r"\hyperref[\detokenize{wholesale:may24-cart}]" in registers
    assert r"\begin{sphinxuseclass}{cjm-barrier-list}" in registers
    assert registers.count(r"\sphinxstylestrong{No solution yet}") == 2
    # The stage cell spans the stage's barriers.
    assert re.search(r"\\sphinxmultirow\{3\}", registers)


@pytest.mark.sphinx("text", testroot="registers")
def test_registers_in_plain_text(app):
    app.build()
    text = (app.outdir / "registers.txt").read_text(encoding="utf-8")
    assert "-[ Online ]-" in text and "-[ No channel ]-" in text
    assert "**No solution yet**" in text
    assert "Rep places the first order" in text


@pytest.mark.sphinx("html", testroot="registers", confoverrides={"language": "ru"})
def test_registers_in_russian(app):
    app.build()
    html = (app.outdir / "registers.html").read_text(encoding="utf-8")
    assert re.findall(r'cjm-channel-group[^"]*">([^<]+)<', html)[:3] == ["Онлайн", "Офлайн", "Без канала"]
    assert "<p>Точка контакта</p>" in html and "<p>Ответственный</p>" in html
    assert "Решения пока нет" in html


@pytest.mark.sphinx("html", testroot="registers", srcdir="registers-incremental")
def test_a_register_is_rewritten_when_its_data_changes_elsewhere(app):
    app.build()
    page = app.outdir / "registers.html"
    assert "Cart in the app" in page.read_text(encoding="utf-8")
    source = app.srcdir / "wholesale.rst"
    time.sleep(0.01)  # a newer mtime marks the source as changed
    source.write_text(
        source.read_text(encoding="utf-8")
        .replace("Cart in the app", "Basket in the app")
        .replace(
            ":barrier: Unclear how to change quantities",
            ":barrier: Unclear how to change quantities\n         :solution: Plus and minus buttons",
        ),
        encoding="utf-8",
    )
    app._status.seek(0)
    app._status.truncate()
    app.build()
    assert "0 added, 1 changed, 0 removed" in app._status.getvalue()  # registers.rst itself was not re-read
    html = page.read_text(encoding="utf-8")
    assert "Basket in the app" in html and "Cart in the app" not in html
    assert "Plus and minus buttons" in html
    assert html.count("No solution yet</strong>") == 1


@pytest.mark.sphinx("html", testroot="registers")
def test_persona_is_a_card_listing_its_journeys(app):
    app.build()
    html = (app.outdir / "wholesale.html").read_text(encoding="utf-8")
    card = html[html.index('class="cjm cjm-persona') : html.index('class="cjm cjm-journey')]
    assert "Shop owner" in card and "Small retail" in card and "Runs a corner shop" in card
    assert re.search(r'<a class="reference internal" href="#may24"[^>]*>.*?' + re.escape(JOURNEY), card, re.S)
    css = (app.outdir / "_static" / "cjm.css").read_text(encoding="utf-8")
    assert re.search(r"div\.cjm\.cjm-persona \{[^}]*border-radius", css)


@pytest.mark.sphinx("latex", testroot="registers")
def test_persona_card_is_framed_in_latex(app):
    app.build()
    tex = (app.outdir / "registers.tex").read_text(encoding="utf-8")
    preamble = tex[: tex.index(r"\begin{document}")]
    assert r"\newenvironment{sphinxclasscjm-persona}{\begin{sphinxShadowBox}}{\end{sphinxShadowBox}}" in preamble
    card = tex[tex.index(r"\begin{sphinxuseclass}{cjm-persona}") :]
    card = card[: card.index(r"\end{sphinxuseclass}")]
    assert "Shop owner" in card and "Small retail" in card and r"\detokenize{wholesale:may24}" in card
