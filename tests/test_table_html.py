"""HTML builders make the journey table as they write the page (:mod:`sphinx_cjm.table_html`)."""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest
from docutils import nodes

from sphinx_cjm import model
from sphinx_cjm.domain import builder_of, cjm_domain
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


@pytest.mark.parametrize("theme", ["alabaster", "furo"])  # furo wraps each table in a post-transform
@pytest.mark.parametrize("root", ROOTS)
def test_tables_made_by_the_translator_equal_tables_made_with_the_page(
    make_app, rootdir, tmp_path, monkeypatch, root, theme
):
    """Every page, and every full-map page written with it, is byte for byte what Sphinx writes when the
    tables are made as the page is resolved."""
    shutil.copytree(rootdir / f"test-{root}", tmp_path / root)
    app = make_app("html", srcdir=tmp_path / root, builddir=tmp_path / "out", confoverrides={"html_theme": theme})
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
    page = written[app.outdir / f"{with_tables[0]}.html"].decode()
    if theme == "furo":
        assert '<div class="table-wrapper cjm-journey-table docutils container">' in page
    assert '<a class="reference internal" href="' in page


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
