"""The full-map page: ``cjm/<journey-id>.html``, one journey's whole map at the window's width.

An agency sends this page (or the browser's PDF of it): the journey's title and persona,
its table with the curve on the table's grid and the legend, a sticky lane column and
stage header, and print rules for landscape pages (A4; A3 for more than six stages).
The page stands on its own (``html_templates/cjm-full-map.html``, no theme chrome), so it looks
the same under any theme; it follows the site's light or dark mode.

A page is written as its journey's own page is translated, from the HTML of the table,
legend and facts that page shows (:class:`~sphinx_cjm.nodes.full_map_source`), its links
made relative to ``cjm/``: the table is made once, and under ``-j`` the process that
writes the journey's page writes its full-map page too. Through ``html-collect-pages``
(main process, once every document is written) the builder writes, from the journey's
placeholder and the same transforms, any other page that may have changed (the journey's
digest changed, or the page is missing); a no-op rebuild writes none, an edit its own.
Each journey links to its page with ``a.cjm-full-map``.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config
from sphinx.util.docutils import new_document
from sphinx.util.osutil import relative_uri
from sphinx.writers.html5 import HTML5Translator

from .domain import cjm_domain, warn, written_since_last_read
from .figure import inline_curve
from .i18n import project_labels
from .nodes import full_map_source, journey_table

TEMPLATE_DIR = Path(__file__).parent / "html_templates"
TEMPLATE = "cjm-full-map.html"
FOLDER = "cjm"
#: Builders that write one page a document, where a page of our own can sit beside them.
BUILDERS = ("html", "dirhtml")
#: More stages than this print on A3 rather than A4.
A4_STAGES = 6


def page_name(journey_id: str) -> str:
    return f"{FOLDER}/{journey_id}"


def writes_full_maps(builder: Builder) -> bool:
    return builder.name in BUILDERS and inline_curve(builder)


def add_template_path(app: Sphinx, config: Config) -> None:
    """Our page template, after the project's own (a project may override it by name)."""
    if str(TEMPLATE_DIR) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATE_DIR)]


def full_map_link(builder: Builder, fromdocname: str, journey_id: str, text: str) -> nodes.paragraph:
    """The link from a journey to its full-map page."""
    uri = builder.get_relative_uri(fromdocname, page_name(journey_id))
    link = nodes.reference(text, text, refuri=uri, internal=True, classes=["cjm-full-map"])
    return nodes.paragraph("", "", link, classes=["cjm-full-map-link"])


#: Documents written by the current build, per builder (``doctree-resolved``: main process).
DOCS_WRITTEN: weakref.WeakKeyDictionary[Builder, set[str]] = weakref.WeakKeyDictionary()


def note_written_doc(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    DOCS_WRITTEN.setdefault(app.builder, set()).add(docname)


#: Journeys whose full-map page is written with their own page in the current build, per builder
#: (their table's post-transform, main process).
FROM_JOURNEY_PAGES: weakref.WeakKeyDictionary[Builder, set[str]] = weakref.WeakKeyDictionary()


def note_full_map_source(builder: Builder, journey_id: str) -> None:
    FROM_JOURNEY_PAGES.setdefault(builder, set()).add(journey_id)


def visit_full_map_source(self: HTML5Translator, node: full_map_source) -> None:
    node["start"] = len(self.body)


def depart_full_map_source(self: HTML5Translator, node: full_map_source) -> None:
    """Write the journey's full-map page from the HTML just written for its table."""
    builder, name = self.builder, page_name(node["journey"])
    assembled = cjm_domain(builder.env).assembled(node["journey"])
    if assembled is None or name in builder.env.all_docs:  # a document of that name: collect_pages warns
        return
    home = builder.get_target_uri(builder.current_docname)
    fragment = relative_to(name, "".join(self.body[node["start"] :]), home, builder)
    body = f'<div class="cjm-full-map-body docutils container">\n{fragment}</div>\n'
    builder.handle_page(name, page_context(builder, assembled, name, body), TEMPLATE)


#: A link's target in the HTML that docutils and sphinx_cjm write (user text has its quotes escaped).
HREF = re.compile(r'(?<=\bhref=")[^"]*(?=")')


def relative_to(name: str, html: str, page: str, builder: Builder) -> str:
    """``html`` written for the output file ``page``, with its relative links made relative to page ``name``."""
    base = builder.get_target_uri(name)

    def moved(match: re.Match[str]) -> str:
        href = match[0]
        if ":" in href.partition("#")[0].partition("/")[0] or href.startswith("/"):  # a scheme, or absolute
            return href
        path, _, anchor = urljoin(f"/{page}", href)[1:].partition("#")
        return relative_uri(base, path) + (f"#{anchor}" if anchor else "")

    return HREF.sub(moved, html)


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Each journey's full-map page that may have changed and was not written with its journey's page
    (``html-collect-pages``), in journey id order."""
    builder = app.builder
    if not writes_full_maps(builder):
        return
    domain = cjm_domain(app.env)
    docs_written = DOCS_WRITTEN.pop(builder, set())
    from_journey_pages = FROM_JOURNEY_PAGES.pop(builder, set())
    record = Path(app.doctreedir) / f"cjm-full-maps-{builder.name}.json"
    before = read_record(record)
    if (
        not docs_written
        and written_since_last_read(app, record)
        and all(isinstance(name, str) and written_page(builder, name).is_file() for name in before)
    ):
        return  # no page read or written since the record: its pages are there, as they were
    shown: dict[str, str] = {}
    for journey_id, journey in sorted(domain.objects("journey").items()):
        name = page_name(journey_id)
        if name in app.env.all_docs:
            warn(f"journey {journey_id!r}: a document {name!r} takes the place of its full-map page", "option", None)
            continue
        digest = domain.current_digest(f"journey:{journey_id}")
        if journey_id in from_journey_pages:
            shown[name] = digest
            continue
        unchanged = before.get(name) == digest and journey.origin.docname not in docs_written
        if unchanged and written_page(builder, name).is_file():
            shown[name] = digest  # as it was written (a journey without stages has no page)
            continue
        assembled = domain.assembled(journey_id)
        if assembled is None or not assembled.stages:
            continue
        shown[name] = digest
        yield name, page_context(builder, assembled, name, resolved_body(app, assembled, name)), TEMPLATE
    remove_stale_pages(app, before, shown)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(shown, sort_keys=True), encoding="utf-8")


def read_record(record: Path) -> dict[str, str]:
    """The full-map pages of the last build and their journeys' digests."""
    try:
        before = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return before if isinstance(before, dict) else {}


def resolved_body(app: Sphinx, assembled: Any, name: str) -> str:
    """The page's table from the same placeholder and post-transforms as on the journey's own page,
    resolved as if this page were a document (links relative to cjm/), and translated with the
    settings of the pages Sphinx writes (``html_compact_lists``, ...)."""
    journey = assembled.journey
    builder: Any = app.builder  # an HTML builder
    document = new_document(name, builder.docsettings)
    placeholder = journey_table(journey=journey.id, curve=journey.curve)
    placeholder.source, placeholder.line = journey.origin.source, journey.origin.lineno
    document += placeholder
    app.env.apply_post_transforms(document, name)
    body = nodes.container("", *document.children, classes=["cjm-full-map-body"])
    translator = builder.create_translator(document, builder)
    body.walkabout(translator)
    return "".join(translator.body)


def page_context(builder: Builder, assembled: Any, name: str, body: str) -> dict[str, Any]:
    journey = assembled.journey
    labels = project_labels(builder.env, journey.language)
    domain = cjm_domain(builder.env)
    persona = domain.objects("persona").get(journey.persona) if journey.persona else None
    back = builder.get_relative_uri(name, journey.origin.docname) + "#" + journey.id
    return {
        "title": journey.title,
        "body": body,
        "cjm_language": journey.language or builder.config.language or "en",
        "cjm_persona_label": labels.field("persona"),
        "cjm_persona": persona.title if persona else "",
        "cjm_segment": persona.segment if persona else "",
        "cjm_back": back,
        "cjm_back_text": labels.gettext("Back to the journey"),
        "cjm_paper": "a4" if len(assembled.stages) <= A4_STAGES else "a3",
    }


def written_page(builder: Builder, name: str) -> Path:
    """The file of page ``name`` in the output (``dirhtml`` writes ``NAME/index.html``)."""
    target = Path(builder.outdir) / builder.get_target_uri(name)
    return target / "index.html" if builder.name == "dirhtml" else target


def remove_stale_pages(app: Sphinx, before: dict[str, str], shown: dict[str, str]) -> None:
    """Pages of journeys gone since the last build are deleted, so the output is what a clean build gives."""
    for name in set(before) - set(shown):
        if isinstance(name, str) and name.startswith(f"{FOLDER}/") and name not in app.env.all_docs:
            written_page(app.builder, name).unlink(missing_ok=True)
