"""The journey table in HTML, made as its page is translated.

A table is a thousand docutils nodes or so, with a link a touchpoint and stage. Made
while the page is resolved, it was made in the main process under ``-j``, and every
later post-transform and Sphinx's search indexer walked it there. The translator makes
it instead, as :mod:`sphinx.ext.graphviz` draws a graph: under ``-j``, in the process
that writes the page. The post-transforms that follow the table's own on a page and
may change a table (Sphinx's link resolver, a theme's table wrapper, ...) are applied
to it then, so the page is the same as when the table was made with it.

Under ``-j 2`` the main process makes them after all (:func:`make_tables_ahead`) while a
writing process is at work: Sphinx then writes in one process at a time, and the main one has
time to spare only while that process has pages to write (:class:`WriterPace`).
"""

from __future__ import annotations

import copy
import multiprocessing
import multiprocessing.sharedctypes
import multiprocessing.util
import os
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransformer
from sphinx.transforms.post_transforms import ReferencesResolver
from sphinx.util.docutils import new_document

from . import model
from .domain import app_of, cjm_domain
from .held import held
from .i18n import project_labels
from .nodes import full_map_source, journey_table, written_journey_table
from .table import TABLES_TRANSLATED_BY, ResolveJourneyPlaceholders, shown_table

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder


def visit_written_table(translator: Any, node: written_journey_table) -> None:
    if "html" in node and stands_plainly(node):  # made in the main process (make_tables_ahead), still in place
        translator.body.append(node["html"])
    else:
        write_table(translator, node)
    raise nodes.SkipNode


def write_table(translator: Any, node: written_journey_table) -> None:
    """Make the table and translate it where ``node`` stands, with ``translator``."""
    builder, fromdocname = translator.builder, node["fromdocname"]
    assembled = cjm_domain(builder.env).assembled(node["journey"])
    if assembled is None:  # the post-transform found it; nothing changes the records as pages are written
        return
    assembled, _unknown = model.fragment(assembled, node["stages"], node["lanes"])  # warned as it was resolved
    labels = project_labels(builder.env, assembled.journey.language)
    document = new_document(node.source or "", translator.document.settings)
    for element in shown_table(builder, fromdocname, assembled, labels, node["curve"]):
        element.source, element.line = node.source, node.line  # what a warning from inside the table names
        document += element
    transformer = SphinxTransformer(document)
    transformer.set_environment(builder.env)
    transformer.add_transforms(later_post_transforms(builder.env))
    with resolving(builder.env, fromdocname):
        transformer.apply_transforms()
    for element in list(document.children):
        element.parent = node.parent  # where it stands (the translator looks up at it), not put there
        element.walkabout(translator)


#: What may stand around a table made ahead: nothing that changes how the translator writes what it
#: holds (within a compact list, the bullet lists of the table's cells are written without ``simple``).
PLAIN_ANCESTORS = (nodes.document, nodes.section, nodes.container, full_map_source)


class WriterPace:
    """Whether one of Sphinx's writing processes is at work, as the main process sees it under ``-j 2``.

    Sphinx forks a writer for each chunk of pages once the main process has resolved them
    all; the next writer starts only once the main process has resolved the next chunk too.
    Making tables ahead, the main process takes longer over a chunk: worth it while a writer
    has pages left, not while it waits for the next chunk. A writer done with its chunk stays
    alive until the main process takes its result, so being alive says little: each writer
    notes, in memory it shares with the main process, when it started or last translated a
    page, and how long its slowest recent page took. It is taken to be waiting once it did
    neither for :attr:`PATIENCE` times that long; the first writer, whose pages are not timed
    yet, is at work until it has translated two.
    """

    #: How many times its slowest recent page a writer may go without translating one before it is taken to wait.
    PATIENCE = 2
    #: How much of the slowest recent page's time is left after each page: a slow page is soon forgotten.
    DECAY = 0.7

    def __init__(self) -> None:
        self.main_pid = os.getpid()
        #: When a writer started or last translated a page (``time.monotonic``), and its slowest recent page's seconds.
        self.shared = multiprocessing.sharedctypes.RawArray("d", 2)
        #: In a writer: when it translated its last page.
        self.translated_here_at: float | None = None
        #: Processes alive before the writing began (another extension's): not writers.
        self.others = set(multiprocessing.active_children())
        multiprocessing.util.register_after_fork(self, WriterPace.note_writer_started)

    def note_writer_started(self) -> None:
        """In a process just forked (a writer, as the pace lives while pages are written)."""
        self.shared[0] = time.monotonic()

    def note_page_translated(self) -> None:
        """In a writer, once a page."""
        if os.getpid() == self.main_pid:
            return
        now = time.monotonic()
        if self.translated_here_at is not None:
            self.shared[1] = max(now - self.translated_here_at, self.DECAY * self.shared[1])
        self.translated_here_at = self.shared[0] = now

    def writer_at_work(self) -> bool:
        """In the main process, once a page resolved."""
        if not set(multiprocessing.active_children()) - self.others:
            return False
        seen_at_work_at, slowest = self.shared
        return not slowest or time.monotonic() - seen_at_work_at < self.PATIENCE * slowest


#: The pace of each builder's writers, while it writes under ``-j 2`` (each writer inherits it).
writer_paces: weakref.WeakKeyDictionary[Builder, WriterPace] = weakref.WeakKeyDictionary()


def writer_pace(app: Sphinx) -> WriterPace | None:
    """Under ``-j 2``, the pace of the builder's writers in this build: made as the first page is
    resolved, which Sphinx writes in the main process before it forks any writer."""
    builder = app.builder
    pace = writer_paces.get(builder)
    if pace is None and builder.name in TABLES_TRANSLATED_BY and builder.parallel_ok and app.parallel == 2:
        pace = writer_paces[builder] = WriterPace()
    return pace


def note_page_translated(app: Sphinx, pagename: str, templatename: str, context: Any, doctree: Any) -> None:
    """``html-page-context`` (a page translated, about to be put in its template): noted by a writer."""
    pace = writer_paces.get(app.builder)
    if pace is not None:
        pace.note_page_translated()


def forget_writer_pace(app: Sphinx, exception: BaseException | None) -> None:
    writer_paces.pop(app.builder, None)


def make_tables_ahead(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: under ``-j 2``, the main process makes and translates the page's tables
    while a writing process is at work (:class:`WriterPace`).

    Sphinx then writes pages in one process at a time beside the main one, which resolves
    each chunk of pages before a writer gets it: the tables, a third of the writer's work, are made
    where there is time. With more writers the main process is busy enough feeding them.
    Only the pages Sphinx writes (a full-map page made from its placeholder is translated once they are written).
    The translator is a fresh one, so a table is made ahead only where the page's own
    translator would be in the same state (:data:`PLAIN_ANCESTORS`). The builder's state
    is another page's meanwhile: a table holds text, links and inline SVG, which the
    translator writes without it (images and figure numbers would need it).
    """
    pace = writer_pace(app)
    if pace is None or docname not in app.env.all_docs or not pace.writer_at_work():
        return
    builder = cast("StandaloneHTMLBuilder", app.builder)
    translator: Any = None
    for node in held(doctree, written_journey_table, made_from=(journey_table,)):
        if not stands_plainly(node):
            continue
        if translator is None:
            translator = builder.create_translator(new_document(docname, builder.docsettings), builder)
        translator.body = []
        write_table(translator, node)
        node["html"] = "".join(translator.body)


def stands_plainly(node: nodes.Node) -> bool:
    """Whether every node around ``node`` is one of :data:`PLAIN_ANCESTORS`."""
    while node.parent is not None:
        node = node.parent
        if not isinstance(node, PLAIN_ANCESTORS):
            return False
    return True


@contextmanager
def resolving(env: BuildEnvironment, docname: str) -> Iterator[None]:
    """``env.docname`` is ``docname`` meanwhile, as while Sphinx resolves that page (``apply_post_transforms``)."""
    if hasattr(env, "current_document"):  # Sphinx 8.2 and later
        backup = env.current_document
        current = copy.copy(backup)
        current.docname = docname
        env.current_document = current
        try:
            yield
        finally:
            env.current_document = backup
    else:
        before_8_2: Any = env  # its temp_data is a plain, settable dict
        temp_data = before_8_2.temp_data
        before_8_2.temp_data = {**temp_data, "docname": docname}
        try:
            yield
        finally:
            before_8_2.temp_data = temp_data


def later_post_transforms(env: Any) -> list[type]:
    """The post-transforms a page's tables went through after they were made that may change one, in the
    order they run: Sphinx's link resolver and other extensions' (a theme's table wrapper, ...). Sphinx's
    others and sphinx_cjm's look for nodes a table never holds (code, images, signatures, placeholders)."""
    registered = app_of(env).registry.get_post_transforms()
    after = (ResolveJourneyPlaceholders.default_priority, registered.index(ResolveJourneyPlaceholders))
    return [
        transform
        for n, transform in enumerate(registered)
        if (transform.default_priority, n) > after
        and (transform is ReferencesResolver or not transform.__module__.startswith(("sphinx.", "sphinx_cjm.")))
    ]
