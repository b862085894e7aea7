"""``:details:`` (and ``cjm_details``): stage and touchpoint descriptions in full, compact, or not at all."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from htmlparse import Page
from sphinx.util.docutils import patch_docutils

from sphinx_cjm.directives import expand
from sphinx_cjm.nodes import cjm_description

TOUCHPOINT_BLOCK = re.compile(r'<div class="cjm cjm-touchpoint[^"]*">(.*?)</div>', re.S)


def copied_root(rootdir: Path, tmp_path: Path, root: str, page: str, old: str, new: str) -> Path:
    """A private copy of a test root with one edit to one page."""
    source = tmp_path / root
    shutil.copytree(rootdir / f"test-{root}", source)
    path = source / page
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return source


def with_details(rootdir: Path, tmp_path: Path, details: str, root: str = "basic") -> Path:
    if root == "basic-md":
        return copied_root(rootdir, tmp_path, root, "map.md", ":id: weekly\n", f":id: weekly\n:details: {details}\n")
    return copied_root(rootdir, tmp_path, root, "map.rst", ":id: weekly\n", f":id: weekly\n   :details: {details}\n")


def shown_words(markup: str) -> list[str]:
    """The words a reader sees, without the punctuation that separates fields."""
    return [w for w in (w.strip(":.;") for w in re.sub(r"<[^>]+>", " ", markup).split()) if w]


def build(make_app, source: Path, builddir: Path, **kwargs):
    """A built app, cleaned up (so the next build in the same test starts afresh) but still readable."""
    app = make_app("html", srcdir=source, builddir=builddir, **kwargs)
    app.build()
    app.cleanup()
    return app


def described_nodes(app) -> int:
    """Doctree nodes of the stage descriptions (with their touchpoints') of ``map``, as written."""
    doctree = app.env.get_and_resolve_doctree("map", app.builder, tags=app.tags)
    expand(doctree, list(doctree.findall(cjm_description)))  # as the HTML translator does
    stages = [n for n in doctree.findall(nodes.container) if "cjm-stage" in n["classes"]]
    return sum(len(list(stage.findall())) for stage in stages)


def test_compact_shows_the_same_words_in_far_fewer_nodes(make_app, rootdir, tmp_path):
    full = build(make_app, copied_root(rootdir, tmp_path / "f", "basic", "map.rst", "", ""), tmp_path / "full")
    compact = build(make_app, with_details(rootdir, tmp_path, "compact"), tmp_path / "compact")
    assert compact._warning.getvalue() == ""
    full_html = (full.outdir / "map.html").read_text(encoding="utf-8")
    compact_html = (compact.outdir / "map.html").read_text(encoding="utf-8")

    # Every touchpoint's words, in the same order; one paragraph, no field list.
    full_blocks = TOUCHPOINT_BLOCK.findall(full_html)
    compact_blocks = TOUCHPOINT_BLOCK.findall(compact_html)
    assert len(full_blocks) == len(compact_blocks) >= 2
    for before, after in zip(full_blocks, compact_blocks, strict=True):
        assert shown_words(after) == shown_words(before)
        assert "field-list" not in after
    assert (
        '<p class="cjm-touchpoint-title" id="weekly-blog-ad"><strong>Blog advertisement</strong> Channel: online. Emotion: 1. '
        "Barrier: Looks like every other delivery ad." in compact_html
    )
    assert "<p>A sponsored post with a promo code.</p>" in compact_html  # the directive's own text stays

    assert described_nodes(compact) * 2 < described_nodes(full)


@pytest.mark.parametrize("root", ["basic", "basic-md"])
def test_none_keeps_only_the_anchors_and_table_links_land(make_app, rootdir, tmp_path, root):
    app = build(make_app, with_details(rootdir, tmp_path, "none", root), tmp_path / "out")
    assert app._warning.getvalue() == ""
    text = (app.outdir / "map.html").read_text(encoding="utf-8")
    page = Page(text)
    for object_id in ("weekly-install", "weekly-first", "weekly-blog-ad", "weekly-store"):
        assert object_id in page.ids
    assert page.link_text("Blog advertisement") == "#weekly-blog-ad"
    assert "cjm-touchpoint-title" not in text and "cjm-stage-title" not in text
    assert "A sponsored post with a promo code." not in text
    # The barrier is still in the table, once: no description repeats it.
    assert text.count("Looks like every other delivery ad") == 1
    # Stages written on another page keep their full description (they follow cjm_details).
    assert "cjm-stage-title" in (app.outdir / "stages.html").read_text(encoding="utf-8")


def test_project_default_and_a_journey_of_a_file(make_app, rootdir, tmp_path):
    source = copied_root(
        rootdir, tmp_path, "yaml", "index.rst", ":file: doors.yaml\n", ":file: doors.yaml\n   :details: full\n"
    )
    app = build(make_app, source, tmp_path / "out", confoverrides={"cjm_details": "none"})
    assert app._warning.getvalue() == ""
    # The journey asked for full details: its file-born stages and touchpoints are described, under anchors.
    page = Page.read(app.outdir / "index.html")
    assert "doors-landing-page" in page.ids
    assert "cjm-touchpoint-title" in (app.outdir / "index.html").read_text(encoding="utf-8")

    compact = copied_root(rootdir, tmp_path / "c", "yaml", "index.rst", "", "")
    app = build(make_app, compact, tmp_path / "compact", confoverrides={"cjm_details": "compact"})
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "doors-landing-page" in Page(html).ids
    assert re.search(
        r'<p class="cjm-touchpoint-title" id="doors-landing-page"><strong>Landing page with calculator</strong>', html
    )
    assert "field-list" not in "".join(TOUCHPOINT_BLOCK.findall(html))


def test_unknown_details_warn_and_render_in_full(make_app, rootdir, tmp_path):
    app = build(make_app, with_details(rootdir, tmp_path, "tiny"), tmp_path / "out", confoverrides={"cjm_details": "x"})
    warnings = app._warning.getvalue()
    assert re.search(r"WARNING: cjm_details: 'x' is not one of full, compact, none.* \[cjm\.option\]", warnings)
    assert re.search(r"map\.rst:\d+: WARNING: journey: unknown :details: 'tiny'.* \[cjm\.option\]", warnings)
    assert "cjm-touchpoint-title" in (app.outdir / "map.html").read_text(encoding="utf-8")


def test_descriptions_get_typographic_quotes_like_the_rest_of_the_page(make_app, rootdir, tmp_path):
    """Descriptions are made when the page is written, after Sphinx's smart quotes: they are educated all the same."""
    source = copied_root(
        rootdir,
        tmp_path,
        "basic",
        "map.rst",
        ":barrier: Looks like every other delivery ad",
        ':barrier: Looks like "every other" delivery ad -- isn\'t it...',
    )
    app = build(make_app, source, tmp_path / "out")
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    [block] = [b for b in TOUCHPOINT_BLOCK.findall(html) if "delivery ad" in b]
    assert "Looks like \u201cevery other\u201d delivery ad \u2013 isn\u2019t it\u2026" in block
    assert "&quot;every other&quot;" not in block


def test_descriptions_keep_straight_quotes_where_the_project_turns_smart_quotes_off(make_app, rootdir, tmp_path):
    """docutils.conf's reader settings hold for descriptions too, though they are written with the HTML writer's."""
    source = copied_root(
        rootdir, tmp_path, "basic", "map.rst", ":goals: Save an hour a week", ':goals: Save an "hour" a week...'
    )
    (source / "docutils.conf").write_text("[parsers]\nsmart_quotes: no\n", encoding="utf-8")
    with patch_docutils(source):  # as sphinx-build reads the project's docutils.conf
        app = build(make_app, source, tmp_path / "out")
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    assert '<dd class="field-even"><p>Save an &quot;hour&quot; a week...</p>' in html
    assert "Show the real delivery window for the reader's district" in html


def test_every_word_of_a_description_is_found_by_search(make_app, rootdir, tmp_path):
    """The HTML translator writes the descriptions; the search index, fed before, still holds their words."""
    app = build(make_app, rootdir / "test-basic", tmp_path / "out")
    html = (app.outdir / "map.html").read_text(encoding="utf-8")
    index = json.loads(re.fullmatch(r"Search\.setIndex\((.*)\)", (app.outdir / "searchindex.js").read_text())[1])
    page = index["docnames"].index("map")
    lang = app.builder.indexer.lang
    blocks = TOUCHPOINT_BLOCK.findall(html)
    words = {lang.stem(w).lower() for b in blocks for w in lang.split(re.sub(r"<[^>]+>", " ", b))}
    # Labels, a title and a field's text: words found nowhere else on the page.
    assert {"channel", "barrier", "advertis", "window"} <= words
    for word in (w for w in words if lang.word_filter(w)):
        pages = index["terms"].get(word)
        assert page == pages or page in (pages or []), word
    # What the index was given is not written.
    assert "Blog advertisement Channel online" not in html


QUOTED_AND_LINKED = (
    ":barrier: Looks like every other delivery ad",
    ':barrier: Looks like "every other" <delivery> ad -- isn\'t it... then . . . not',
)
#: Markup characters without quotes: a text the translator encodes, in a description written from its shape.
ESCAPED = (":goals: Save an hour a week", ":goals: Save an <b>hour</b> a week & co @ home")


@pytest.mark.parametrize(
    ("root", "page", "details", "edit"),
    [
        ("basic", "map.rst", "full", QUOTED_AND_LINKED),
        ("basic", "map.rst", "compact", QUOTED_AND_LINKED),
        ("basic", "map.rst", "full", ESCAPED),
        ("basic", "map.rst", "compact", ESCAPED),
        ("basic-md", "map.md", "full", None),
        ("ru", "index.rst", "full", None),
        ("escaping", "index.rst", "full", None),
        ("translation", "index.rst", "full", None),
    ],
)
def test_html_of_descriptions_equals_their_nodes_translated(make_app, rootdir, tmp_path, root, page, details, edit):
    """The HTML translator writes descriptions of one shape from one translation of that shape: every page
    is byte for byte the page Sphinx writes from the descriptions' rubrics and field lists."""
    source = with_details(rootdir, tmp_path, details, root) if details != "full" else tmp_path / root
    if details == "full":
        shutil.copytree(rootdir / f"test-{root}", source)
    if edit:
        path = source / page
        path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    app = make_app("html", srcdir=source, builddir=tmp_path / "out")  # the page written again below: not cleaned up
    app.build()
    checked = 0
    for docname in sorted(app.env.found_docs):
        doctree = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
        placeholders = list(doctree.findall(cjm_description))
        if not placeholders:
            continue
        written = (app.outdir / f"{docname}.html").read_bytes()
        expand(doctree, placeholders)
        app.builder.write_doc(docname, doctree)
        assert (app.outdir / f"{docname}.html").read_bytes() == written, docname
        checked += len(placeholders)
    assert checked
