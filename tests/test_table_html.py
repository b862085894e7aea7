"""HTML builders make the journey table as they write the page (:mod:`sphinx_cjm.table_html`)."""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest
from buildresult import plain
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from test_speed import QUIET_JOURNEY

from sphinx_cjm import model
from sphinx_cjm.domain import CJMDomain, builder_of, cjm_domain
from sphinx_cjm.full_map import written_page
from sphinx_cjm.i18n import project_labels
from sphinx_cjm.nodes import written_journey_table
from sphinx_cjm.table import ResolveJourneyPlaceholders, shown_table

#: Roots with every lane, blueprint lines, KPIs and metrics, conversions, recommendations, fragments of
#: stages and lanes, renamed ids, a translation, Russian, MyST and markup characters in every text.
ROOTS = (
    "basic",
    "basic-md",
    "blueprint",
    "curve",
    "derived-ids",
    "escaping",
    "lanes-language",
    "metrics",
    "recommendations",
    "ru",
    "translation",
)


def tables_made_with_the_page(self, placeholder, assembled, labels):
    """The table made as the page is resolved, so every later post-transform runs on the page with it."""
    curve = self.curve_on_table(placeholder, assembled)
    return shown_table(builder_of(self.env), self.env.docname, assembled, labels, curve)


@pytest.mark.parametrize(
    ("builder", "theme"),
    [("html", "alabaster"), ("html", "furo"), ("dirhtml", "alabaster")],  # furo wraps each table in a post-transform
)
@pytest.mark.parametrize("root", ROOTS)
def test_tables_made_by_the_translator_equal_tables_made_with_the_page(
    make_app, rootdir, tmp_path, monkeypatch, root, builder, theme
):
    """Every page, and every full-map page written with it, is byte for byte what Sphinx writes when the
    tables are made as the page is resolved."""
    shutil.copytree(rootdir / f"test-{root}", tmp_path / root)
    app = make_app(builder, srcdir=tmp_path / root, builddir=tmp_path / "out", confoverrides={"html_theme": theme})
    app.build()
    written = {path: path.read_bytes() for path in app.outdir.rglob("*.html")}
    with_tables = []
    for docname in sorted(app.env.found_docs):
        resolved = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
        if list(resolved.findall(written_journey_table)):
            assert not [t for t in resolved.findall(nodes.table) if "cjm-journey-table" in t["classes"]]
            with_tables.append(docname)
    assert with_tables

    monkeypatch.setattr(ResolveJourneyPlaceholders, "journey_tables", tables_made_with_the_page)
    for docname in with_tables:
        resolved = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
        assert not list(resolved.findall(written_journey_table))
        app.builder.write_doc(docname, resolved)
    rewritten = {path: path.read_bytes() for path in app.outdir.rglob("*.html")}
    assert rewritten.keys() == written.keys()
    for path, content in written.items():
        assert rewritten[path] == content, path
    page = written[written_page(app.builder, with_tables[0])].decode()
    if theme == "furo":
        assert '<div class="table-wrapper cjm-journey-table docutils container">' in page
    assert '<a class="reference internal" href="' in page


@pytest.mark.parametrize("compact", [True, False])
def test_a_full_map_page_made_from_its_placeholder_is_written_with_the_pages_settings(
    make_app, rootdir, tmp_path, compact
):
    """The full-map page of a journey shown by no table (``:no-table:``) is made from its placeholder once
    the pages are written, and translated with their settings, like the full-map page written with a
    journey's page: with ``html_compact_lists`` off, the lists of the table's cells are not compact."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", srcdir)
    (srcdir / "quiet.rst").write_text(QUIET_JOURNEY, encoding="utf-8")
    app = make_app("html", srcdir=srcdir, confoverrides={"html_compact_lists": compact})
    app.build()
    assert app._warning.getvalue() == ""
    expected = '<ul class="simple">' if compact else "<ul>"
    for page in ("cjm/quiet.html", "cjm/weekly.html"):
        text = (app.outdir / page).read_text(encoding="utf-8")
        cell_lists = re.findall(r'<ul(?! class="cjm-)[^>]*>', text)
        assert cell_lists and set(cell_lists) == {expected}, page
    assert "Calls the shop" in (app.outdir / "cjm/quiet.html").read_text(encoding="utf-8")


def words(text: str, lang) -> set[str]:
    """The words of ``text`` as the search index keeps them."""
    return {lang.stem(w).lower() for w in lang.split(text) if lang.word_filter(w) and w.lower() not in lang.stopwords}


def shown_text(element: nodes.Node, drawn: bool) -> str:
    """The text of a table as written: its text nodes', and with ``drawn`` the text of its SVG drawings."""
    texts = []
    for node in element.findall(nodes.Text):
        if not isinstance(node.parent, nodes.raw):
            texts.append(node.astext())
        elif drawn:
            texts.append(html.unescape(re.sub(r"<[^>]+>", " ", node.astext())))
    return " ".join(texts)


def pages_of(index: dict, word: str) -> list[int]:
    found = []
    for terms in (index["terms"], index["titleterms"]):
        pages = terms.get(word, [])
        found += [pages] if isinstance(pages, int) else pages
    return found


@pytest.mark.parametrize("root", ["basic", "curve", "metrics", "recommendations", "ru", "blueprint"])
def test_the_search_index_holds_the_words_of_each_table(make_app, rootdir, tmp_path, root):
    """The search index, fed before the page is translated, reads a table's words from its placeholder: every
    word the table's cells show, and no word the table and its curve do not show."""
    app = make_app("html", srcdir=rootdir / f"test-{root}", builddir=tmp_path / "out")
    app.build()
    index = json.loads(re.fullmatch(r"Search\.setIndex\((.*)\)", (app.outdir / "searchindex.js").read_text())[1])
    lang = app.builder.indexer.lang
    checked = 0
    for docname in sorted(app.env.found_docs):
        page = index["docnames"].index(docname)
        resolved = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
        for placeholder in resolved.findall(written_journey_table):
            assembled = model.fragment(
                cjm_domain(app.env).assembled(placeholder["journey"]), placeholder["stages"], placeholder["lanes"]
            )[0]
            labels = project_labels(app.env, assembled.journey.language)
            shown = shown_table(app.builder, docname, assembled, labels, placeholder["curve"])
            in_cells = set().union(*(words(shown_text(e, drawn=False), lang) for e in shown))
            drawn = set().union(*(words(shown_text(e, drawn=True), lang) for e in shown))
            given = words(placeholder.astext(), lang)
            assert in_cells <= given, in_cells - given
            assert given <= drawn, given - drawn
            for word in given:
                assert page in pages_of(index, word), word
            checked += 1
    assert checked


class MarkTablesWithTheirPage(SphinxPostTransform):
    """A project's post-transform that reads which page is resolved (``env.docname``), as Sphinx's resolver does."""

    default_priority = 700

    def run(self, **kwargs):
        for table in self.document.findall(nodes.table):
            table["classes"].append(f"on-{self.env.docname or 'nothing'}")


def test_a_table_goes_through_later_post_transforms_as_part_of_its_page(make_app, rootdir, tmp_path):
    """The post-transforms run on a table as the translator makes it see the page it stands on."""
    app = make_app("html", srcdir=rootdir / "test-basic", builddir=tmp_path / "out")
    app.add_post_transform(MarkTablesWithTheirPage)
    app.build()
    for docname in ("map", "summary"):
        page = (app.outdir / f"{docname}.html").read_text(encoding="utf-8")
        assert f'<table class="cjm-journey-table on-{docname} docutils' in page, docname


def test_a_bad_palette_is_reported_once_under_parallel_writing(make_app, tmp_path):
    """Each writing process makes tables with curves; the palette is checked as pages are resolved."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinx_cjm"]\ncjm_curve_palette = ["no-such-colour"]\n')
    pages = [f"case-{n}" for n in range(8)]  # after "all", which Sphinx writes first in the main process
    (source / "all.rst").write_text("Cases\n=====\n\n.. toctree::\n\n" + "".join(f"   {p}\n" for p in pages))
    for page in pages:
        (source / f"{page}.rst").write_text(
            f"{page}\n{'=' * len(page)}\n\n.. journey:: Order {page}\n   :id: {page}\n\n"
            f"   .. stage:: Find\n      :id: {page}-a\n      :emotion: 1\n\n"
            f"   .. stage:: Pay\n      :id: {page}-b\n      :emotion: -1\n"
        )
    app = make_app("html", srcdir=source, builddir=tmp_path / "out", parallel=3, confoverrides={"root_doc": "all"})
    app.build()
    assert re.search(
        r"writing output\.\.\. \[\s*\d+%\] \S+ \.\. \S+", plain(app._status.getvalue())
    )  # chunks: parallel
    warnings = app._warning.getvalue()
    assert warnings.count("cjm_curve_palette") == 1, warnings
    assert "cjm-curve-row" in (app.outdir / "case-7.html").read_text(encoding="utf-8")


def test_a_link_of_a_table_that_cannot_be_resolved_is_reported_at_the_table(make_app, rootdir, tmp_path, monkeypatch):
    """A table's links are resolved as the translator makes it; a failure names the file and line of its table."""
    resolve = CJMDomain.resolve_xref

    def without_touchpoints(self, env, fromdocname, builder, typ, target, node, contnode):
        return None if typ == "touchpoint" else resolve(self, env, fromdocname, builder, typ, target, node, contnode)

    monkeypatch.setattr(CJMDomain, "resolve_xref", without_touchpoints)
    app = make_app("html", srcdir=rootdir / "test-basic", builddir=tmp_path / "out")
    app.build()
    warnings = plain(app._warning.getvalue())
    assert re.search(r"map\.rst:4: WARNING: unknown touchpoint id 'weekly-blog-ad'", warnings), warnings
    assert warnings.count("unknown touchpoint id 'weekly-blog-ad'") == 3  # the table, the curve and the summary's
