"""What keeps rebuilds cheap, checked by behaviour (never by timing: benchmarks/ measures time).

- The figure cache: a drawn figure is kept by its fingerprint beside the doctrees and
  copied byte for byte into a wiped output directory instead of being drawn again.
- Rebuilds that need no new raster figure never import matplotlib.
- An edit digests again only what the records it touched can change (the pages to rewrite).
- The extension walks a page once to note what it holds; its post-transforms and
  ``doctree-resolved`` handlers walk it again only for placeholders it holds (:mod:`sphinx_cjm.held`).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
import zlib
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from buildresult import assert_same_files, output_files, plain, warning_lines
from docutils import nodes
from test_curve import build_in_new_process

from sphinx_cjm.domain import CJMDomain, cjm_domain
from sphinx_cjm.nodes import written_journey_table
from sphinx_cjm.table_html import WriterPace


def curve_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("cjm-curve-*"))}


def cached_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*")) if not p.name.startswith(".")}


def keys_asked(monkeypatch: pytest.MonkeyPatch, method: str) -> list[str]:
    """The keys every later call of ``CJMDomain.<method>(key)`` is given, in order."""
    asked: list[str] = []
    original = getattr(CJMDomain, method)

    def noted(self: CJMDomain, key: str) -> str:
        asked.append(key)
        return original(self, key)

    monkeypatch.setattr(CJMDomain, method, noted)
    return asked


def copy_root(rootdir: Path, tmp_path: Path, conf: str = "") -> Path:
    """test-curve with drawn (PNG) curves: HTML draws its curves inline by default, with no file to cache."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-curve", srcdir)
    with (srcdir / "conf.py").open("a", encoding="utf-8") as handle:
        handle.write('cjm_curve_format = {"html": "png"}\n' + conf)
    return srcdir


def test_a_cached_figure_is_copied_byte_for_byte_into_a_clean_output(rootdir, tmp_path):
    srcdir = copy_root(rootdir, tmp_path)
    assert build_in_new_process(srcdir, tmp_path) == "0 True"
    drawn = curve_files(tmp_path / "html" / "_images")
    assert len(drawn) >= 4  # the journeys and the overlays of the root
    # Beside the doctrees (outside the output), one file per figure, named by its whole fingerprint.
    cache = tmp_path / "cjm-figures"
    kept = cached_files(cache)
    assert sorted(kept.values()) == sorted(drawn.values())
    assert all(name[10:42] in {n[:32] for n in kept} for name in drawn)

    # `make clean`, or a CI run with the cache restored: the doctrees and the output are gone, the cache is not.
    shutil.rmtree(tmp_path / "html")
    shutil.rmtree(tmp_path / "doctrees")
    assert build_in_new_process(srcdir, tmp_path) == "0 False"  # copied, not drawn: matplotlib never loaded
    assert curve_files(tmp_path / "html" / "_images") == drawn
    assert cached_files(cache) == kept


def test_without_the_cache_a_clean_build_draws_again(rootdir, tmp_path):
    srcdir = copy_root(rootdir, tmp_path, "cjm_figure_cache = False\n")
    assert build_in_new_process(srcdir, tmp_path) == "0 True"
    drawn = curve_files(tmp_path / "html" / "_images")
    shutil.rmtree(tmp_path / "html")
    assert build_in_new_process(srcdir, tmp_path) == "0 True"
    assert curve_files(tmp_path / "html" / "_images") == drawn  # deterministic all the same
    assert not (tmp_path / "cjm-figures").exists()


def test_the_cache_folder_is_configurable(rootdir, tmp_path):
    srcdir = copy_root(rootdir, tmp_path, 'cjm_figure_cache = "../figure-cache"\n')
    assert build_in_new_process(srcdir, tmp_path) == "0 True"
    assert sorted(cached_files(tmp_path / "figure-cache").values()) == sorted(
        curve_files(tmp_path / "html" / "_images").values()
    )
    assert not (tmp_path / "cjm-figures").exists()


def test_no_op_and_one_touchpoint_edit_never_import_matplotlib(rootdir, tmp_path):
    """HTML needs no raster figure (its curves are inline SVG): no build of it loads matplotlib."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-curve", srcdir)
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    page = tmp_path / "html" / "map.html"
    written = page.stat().st_mtime_ns

    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    assert page.stat().st_mtime_ns == written  # a no-op indeed

    # One touchpoint edited, its emotion too: the page and its curve change, nothing is drawn by matplotlib.
    source = srcdir / "map.rst"
    text = source.read_text(encoding="utf-8")
    edited = text.replace("eight minutes", "nine minutes").replace(":emotion: -2", ":emotion: -1", 1)
    assert edited.count("nine minutes") == 1 and edited != text.replace("eight minutes", "nine minutes")
    source.write_text(edited, encoding="utf-8")
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    assert "nine minutes" in page.read_text(encoding="utf-8")
    assert page.stat().st_mtime_ns != written


def test_a_raster_figure_is_drawn_once_then_copied(rootdir, tmp_path):
    """Where a raster figure is needed (PNG curves here), only a build that draws a new one loads matplotlib."""
    srcdir = copy_root(rootdir, tmp_path)
    assert build_in_new_process(srcdir, tmp_path) == "0 True"
    page = tmp_path / "html" / "map.html"
    written = page.stat().st_mtime_ns
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    assert page.stat().st_mtime_ns == written
    # A barrier's wording shapes no figure: the page is rewritten, the curve is not drawn again.
    source = srcdir / "map.rst"
    source.write_text(source.read_text(encoding="utf-8").replace("eight minutes", "nine minutes"), encoding="utf-8")
    assert build_in_new_process(srcdir, tmp_path) == "0 False"
    assert "nine minutes" in page.read_text(encoding="utf-8")


def test_a_page_without_maps_is_walked_once_by_the_extension(make_app, rootdir, tmp_path, monkeypatch):
    walks: Counter[str] = Counter()
    findall = nodes.Node.findall

    def counted(self: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self, nodes.document) and sys._getframe(1).f_globals["__name__"].startswith("sphinx_cjm."):
            walks[Path(self.get("source") or "").name] += 1
        return findall(self, *args, **kwargs)

    monkeypatch.setattr(nodes.Node, "findall", counted)
    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-recommendations", source)
    app = make_app("html", srcdir=source)
    app.build()
    assert walks["index.rst"] == 1  # its toctree only: noted before it is resolved, then left alone
    assert walks["registers.rst"] > 1  # its registers, evidence lists and matrix are found
    assert 'class="cjm-priority-matrix"' in (app.outdir / "registers.html").read_text(encoding="utf-8")


def test_a_page_that_gains_registers_in_a_rebuild_shows_them(make_app, rootdir, tmp_path):
    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-recommendations", source)
    app = make_app("html", srcdir=source, builddir=tmp_path / "build")
    app.build()
    app.cleanup()

    index = source / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8") + "\n.. recommendation-register::\n\n.. priority-matrix::\n", encoding="utf-8"
    )
    app = make_app("html", srcdir=source, builddir=tmp_path / "build")
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "cjm-recommendation-register" in page
    # Made by the post-transforms, then named on doctree-resolved: the matrix's file and the register's CSV.
    (matrix,) = re.findall(r'<figure class="cjm-priority-matrix">\s*<object data="([^"]+)"', page)
    assert (app.outdir / matrix).is_file()
    assert (app.outdir / "_downloads" / "cjm" / "index-recommendations-1.csv").is_file()


def test_a_single_page_build_resolves_the_maps_of_every_page(make_app, rootdir, tmp_path):
    """One tree assembled from every page is resolved as its root page: what that page held alone is not enough."""
    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-recommendations", source)
    app = make_app("singlehtml", srcdir=source)
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    for shown in ("cjm-journey-table", "cjm-recommendation-register", "cjm-evidence-list", "cjm-priority-matrix"):
        assert shown in page
    assert not [w for w in warning_lines(app) if "index.rst" in w]


def test_an_edit_formats_in_cjm_json_only_the_objects_it_changed(make_app, rootdir, tmp_path, monkeypatch):
    """cjm.json is json.dumps(..., indent=2) byte for byte; an object unchanged since the last export is neither
    exported nor formatted again (the indented encoder is pure Python), and the file after an edit is the clean build's."""
    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-recommendations", source)
    (source / "second.rst").write_text(  # a journey the edit leaves alone
        "Second\n======\n\n.. journey:: Second map\n   :id: second\n\n   .. stage:: Only\n      :id: second-only\n\n"
        "      .. touchpoint:: Call\n         :id: second-call\n         :emotion: 1\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=source, builddir=tmp_path / "build")
    app.build()
    first = (app.outdir / "cjm.json").read_text(encoding="utf-8")
    assert first == json.dumps(json.loads(first), ensure_ascii=False, indent=2) + "\n"
    app.cleanup()

    formatted: list[Any] = []
    dumps = json.dumps

    def counted(value: Any, **kwargs: Any) -> str:
        if kwargs.get("indent") and sys._getframe(1).f_globals["__name__"] == "sphinx_cjm.export":
            formatted.append(value)
        return dumps(value, **kwargs)

    monkeypatch.setattr(json, "dumps", counted)
    exported: list[str] = []
    export_journey = CJMDomain.exported

    def noted(self: CJMDomain, journey_id: str) -> dict[str, Any] | None:
        if sys._getframe(1).f_globals["__name__"] == "sphinx_cjm.export":  # the registers' digest exports all
            exported.append(journey_id)
        return export_journey(self, journey_id)

    monkeypatch.setattr(CJMDomain, "exported", noted)
    page = next(p for p in sorted(source.glob("*.rst")) if ":barrier:" in p.read_text(encoding="utf-8"))
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"(:barrier: [^\n]*)", r"\1 (edited)", text, count=1), encoding="utf-8")
    app = make_app("html", srcdir=source, builddir=tmp_path / "build")
    app.build()
    edited = (app.outdir / "cjm.json").read_text(encoding="utf-8")
    assert "(edited)" in edited and edited != first
    data = json.loads(edited)
    edited_journeys = [j["id"] for j in data["journeys"] if "(edited)" in dumps(j)]
    assert [value["id"] for value in formatted] == edited_journeys
    assert set(exported) == set(edited_journeys)  # the others' digests stand for them: they are not exported again
    monkeypatch.undo()
    clean = make_app("html", srcdir=source, builddir=tmp_path / "clean")
    clean.build()
    assert edited == (clean.outdir / "cjm.json").read_text(encoding="utf-8")


def test_cjm_json_is_replaced_whole_or_not_at_all(make_app, rootdir, tmp_path, monkeypatch):
    """cjm.json is written beside itself and renamed over: a write that fails leaves the last export whole,
    and no partial file; the next build writes the new one. A file whose bytes differ from the data's
    (its size the same) is written again. Each is byte for byte what a clean build writes."""
    from sphinx_cjm import export

    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", srcdir)
    page = srcdir / "touchpoints.rst"

    def edit(old: str, new: str) -> None:
        page.write_text(page.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    def clean_export() -> bytes:
        clean = make_app("html", srcdir=srcdir, builddir=tmp_path / f"clean-{len(list(tmp_path.iterdir()))}")
        clean.build()
        return (clean.outdir / "cjm.json").read_bytes()

    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    app.build()
    first = (app.outdir / "cjm.json").read_bytes()
    edit("Substitution call", "Substitution phone call")

    def refuse(source: Any, target: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export, "os", SimpleNamespace(replace=refuse))  # the export's rename only
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    with pytest.raises(Exception, match="disk full"):
        app.build()
    assert (app.outdir / "cjm.json").read_bytes() == first
    assert sorted(p.name for p in app.outdir.iterdir() if "cjm.json" in p.name) == ["cjm.json"]
    monkeypatch.undo()
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    app.build()
    written = (app.outdir / "cjm.json").read_bytes()
    assert b"Substitution phone call" in written and written == clean_export()
    # The same size, other bytes: compared piece by piece with the data, the file is written again.
    (app.outdir / "cjm.json").write_bytes(written.replace(b"Substitution", b"Substitutiox"))
    edit("Substitution phone call", "Substitution video call")
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    app.build()
    assert (app.outdir / "cjm.json").read_bytes() == clean_export()


#: (root, page, text, replacement): edits that move, rename, add, drop and re-aim objects across pages;
#: no replacement removes the page.
DIGEST_EDITS = [
    ("test-basic", "touchpoints.rst", "Substitution call", "Substitution phone call"),
    ("test-basic", "touchpoints.rst", ":stage: weekly-first", ":stage: weekly-delivery"),
    ("test-basic", "people.rst", "Busy parent", "Busy working parent"),
    ("test-basic", "stages.rst", ":journey: weekly\n   :actions: Waits", ":journey: nowhere\n   :actions: Waits"),
    (
        "test-basic",
        "elsewhere.rst",
        "Elsewhere\n=========\n",
        "Elsewhere\n=========\n\n.. touchpoint:: Late call\n   :id: weekly-late\n   :stage: weekly-repeat\n",
    ),
    (
        "test-basic",
        "elsewhere.rst",
        "Elsewhere\n=========\n",
        "Elsewhere\n=========\n\n.. stage:: Dup\n   :id: weekly-store\n   :journey: weekly\n",
    ),
    ("test-recommendations", "plan.rst", ":addresses: may24-rep-visit, may24-contact", ":addresses: may24-cart"),
    ("test-recommendations", "map.rst", ":supports: may24-cart", ":supports: may24-ad"),
    ("test-recommendations", "broken.rst", "Somebody said so", "Somebody wrote so"),
    ("test-recommendations", "plan.rst", "", None),
]


@pytest.mark.parametrize("root, page, text, replacement", DIGEST_EDITS)
def test_an_edit_digests_again_only_what_it_can_change(
    make_app, rootdir, tmp_path, monkeypatch, root, page, text, replacement
):
    """After an edit only the objects the pages read or removed touch are digested again, and every digest kept
    is what a digest made afresh gives: the pages rewritten are those a full comparison finds."""
    source = tmp_path / "src"
    shutil.copytree(rootdir / root, source)
    app = make_app("html", srcdir=source, builddir=tmp_path / "build")
    app.build()
    app.cleanup()
    edited = source / page
    assert text in edited.read_text(encoding="utf-8")
    if replacement is None:
        edited.unlink()
    else:
        edited.write_text(edited.read_text(encoding="utf-8").replace(text, replacement), encoding="utf-8")

    digested = keys_asked(monkeypatch, "digest")
    app = make_app("html", srcdir=source, builddir=tmp_path / "build")
    app.build()
    domain = cjm_domain(app.env)
    kept = domain.data["digests"]
    assert 0 < len(set(digested)) < len(kept)  # each edit touches an object, none all
    monkeypatch.undo()
    domain._index = domain._records = None
    assert kept == {key: domain.digest(key) for key in kept}


def test_a_no_op_build_looks_at_no_journey_for_the_full_map_pages(make_app, rootdir, tmp_path, monkeypatch):
    """The full-map pages of a build that read and wrote no page are those on disk: no journey is looked at
    (a site of 1,000 journeys spent a second building the records' index for it). A deleted page is made again."""
    app = make_app("html", srcdir=rootdir / "test-curve", builddir=tmp_path / "build")
    app.build()
    pages = sorted((app.outdir / "cjm").glob("*.html"))
    assert pages
    app.cleanup()
    looked_at = keys_asked(monkeypatch, "current_digest")
    app = make_app("html", srcdir=rootdir / "test-curve", builddir=tmp_path / "build")
    app.build()
    assert "0 added, 0 changed, 0 removed" in app._status.getvalue()
    assert looked_at == []
    app.cleanup()
    written = pages[0].read_bytes()
    pages[0].unlink()
    app = make_app("html", srcdir=rootdir / "test-curve", builddir=tmp_path / "build")
    app.build()
    assert looked_at and pages[0].read_bytes() == written


def unpickled_packs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What every later unpickling of packed domain data makes: "objects" (the published list) or a page's records."""
    from sphinx_cjm import packed

    loaded: list[str] = []
    loads = packed.loads_without_gc

    def noted(blob: bytes) -> Any:
        value = loads(blob)
        loaded.append("objects" if value and len(value[0]) == 6 else "records")
        return value

    monkeypatch.setattr(packed, "loads_without_gc", noted)
    return loaded


def test_what_reading_made_is_left_out_of_full_collections_while_pages_are_written(make_app, rootdir, tmp_path):
    """Once reading is over, what it made (the environment, the doctrees kept for writing) lives until the
    build ends: the collector's full collections while pages are written no longer walk it (at 100
    journeys they took 2 s of 13). The build gives it back when it ends, a clean build and an edit alike.
    (Frozen objects are those ``gc.get_objects()`` leaves out.)"""
    seen_while_writing: list[tuple[bool, int]] = []

    def note(app: Any, doctree: nodes.document, docname: str) -> None:
        uses = cjm_domain(app.env).data["uses"]
        seen_while_writing.append((any(o is uses for o in gc.get_objects()), gc.get_freeze_count()))

    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", srcdir)
    for build in ("clean", "edit"):
        if build == "edit":
            page = srcdir / "touchpoints.rst"
            page.write_text(page.read_text(encoding="utf-8").replace("Substitution call", "Call"), "utf-8")
        app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
        app.connect("doctree-resolved", note)
        app.build()
        assert seen_while_writing and all(not walked and frozen > 0 for walked, frozen in seen_while_writing)
        assert gc.get_freeze_count() == 0
        assert any(o is cjm_domain(app.env).data["uses"] for o in gc.get_objects())
        seen_while_writing.clear()
        app.cleanup()


def test_a_build_that_fails_or_never_finishes_leaves_nothing_frozen(make_app, rootdir, tmp_path):
    """A failed build gives back what it froze at build-finished; a build that never gets there (driven
    through its builder, or interrupted) has it given back when the next build starts."""

    def fail(app: Any, doctree: nodes.document, docname: str) -> None:
        raise RuntimeError("a handler failed")

    app = make_app("html", srcdir=rootdir / "test-basic", builddir=tmp_path / "build")
    listener = app.connect("doctree-resolved", fail)
    with pytest.raises(Exception, match="a handler failed"):
        app.build()
    assert gc.get_freeze_count() == 0
    app.disconnect(listener)
    app.builder.build_all()  # reads and writes, but emits no build-finished
    assert gc.get_freeze_count() > 0
    frozen_as_reading_starts: list[int] = []
    app.connect("env-before-read-docs", lambda *args: frozen_as_reading_starts.append(gc.get_freeze_count()), 900)
    app.build(force_all=True)
    assert frozen_as_reading_starts == [0] and gc.get_freeze_count() == 0


QUIET_JOURNEY = """\
:orphan:

Quiet journey
=============

.. journey:: Quiet journey
   :id: quiet
   :no-table:

   .. stage:: Calling
      :id: quiet-calling
      :actions: Finds the number
                Calls the shop

      .. touchpoint:: Phone call
         :id: quiet-call
         :channel: offline
         :emotion: 1
"""


#: Pages showing the map, besides test-basic's: with them Sphinx hands its writer two chunks under ``-j 2``.
MORE_PAGES = 14


class WritingUnderJ2:
    """What a ``-j 2`` build's processes did, noted by handlers connected after sphinx_cjm's."""

    def __init__(self, writer: str, translated_by_writers: Path) -> None:
        self.writer = writer
        self.main_pid = os.getpid()
        self.translated_by_writers = translated_by_writers
        translated_by_writers.write_text("", encoding="utf-8")
        #: Each table resolved in the main process: its page, whether it was made ahead, and the phase then.
        self.tables: list[tuple[str, bool, str]] = []
        self.resolved_before_writers: list[str] = []
        self.phase = "before writers"

    def wait_for_first_writer(self, app: Any, doctree: nodes.document, docname: str) -> None:
        """``doctree-resolved``, before sphinx_cjm's tables: once the first writer has started, the main process
        waits until it has translated its chunk (every page but the first resolved before it), and a second more."""
        if self.writer != "waiting" or self.phase != "before writers" or not multiprocessing.active_children():
            return
        chunk = set(self.resolved_before_writers[1:])
        deadline = time.monotonic() + 120
        while not chunk <= set(self.translated_by_writers.read_text(encoding="utf-8").split()):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1)
        self.phase = "writer waiting"

    def note_tables(self, app: Any, doctree: nodes.document, docname: str) -> None:
        if self.phase == "before writers":
            if multiprocessing.active_children():
                self.phase = "writers"
            else:
                self.resolved_before_writers.append(docname)
        self.tables.extend((docname, "html" in node, self.phase) for node in doctree.findall(written_journey_table))

    def note_translated(self, app: Any, pagename: str, templatename: str, context: Any, doctree: Any) -> None:
        if os.getpid() != self.main_pid:
            with self.translated_by_writers.open("a", encoding="utf-8") as pages:
                pages.write(pagename + "\n")
            if self.writer == "at work":
                time.sleep(0.1)


@pytest.mark.parametrize("writer", ["at work", "waiting"])
def test_under_j2_the_main_process_makes_tables_while_a_writer_is_at_work(
    make_app, rootdir, tmp_path, monkeypatch, writer
):
    """With ``-j 2`` Sphinx writes pages in one process at a time, each handed a chunk of pages
    once the main process has resolved them all. While a writer has pages left, the main process
    makes the tables of the pages it resolves (at 100 journeys the writer had 6.4 s of work, the
    main process 2.3 s); not before the first writer starts, nor once a writer waits for the next
    chunk. A table in a compact list is left to the writer, whose translator writes the lists of
    its cells compactly there; so is the full-map page of a journey without a table, made from its
    placeholder once the pages are written. Every page is byte for byte that of ``-j 1``."""
    if writer == "at work":  # slowed down, by 0.1 s a page; not taken to wait by a busy machine either
        monkeypatch.setattr(WriterPace, "PATIENCE", 1000)
    noted: dict[int, WritingUnderJ2] = {}
    outputs = {}
    for jobs in (1, 2):
        source = tmp_path / f"src-{jobs}"
        shutil.copytree(rootdir / "test-basic", source)
        for n in range(MORE_PAGES):
            (source / f"zz-{n:02}.rst").write_text(":orphan:\n\nOnce more\n=========\n\n.. journey-table:: weekly\n")
        with (source / f"zz-{MORE_PAGES - 1:02}.rst").open("a", encoding="utf-8") as page:
            page.write("\n.. rst-class:: compact\n\n- The map in a compact list:\n\n  .. journey-table:: weekly\n")
        (source / "quiet.rst").write_text(QUIET_JOURNEY, encoding="utf-8")
        app = make_app(
            "html",
            srcdir=source,
            builddir=tmp_path / f"build-{jobs}",
            parallel=jobs,
            confoverrides={"html_compact_lists": False},
        )
        writing = noted[jobs] = WritingUnderJ2(writer, tmp_path / f"translated-{jobs}.txt")
        app.connect("doctree-resolved", writing.wait_for_first_writer, priority=800)
        app.connect("doctree-resolved", writing.note_tables, priority=950)
        app.connect("html-page-context", writing.note_translated)
        app.build()
        assert app._warning.getvalue() == ""
        assert jobs == 1 or re.search(r"writing output\.\.\. \[\s*\d+%\] \S+ \.\. \S+", plain(app._status.getvalue()))
        outputs[jobs] = output_files(app.outdir, source)
        app.cleanup()
    assert noted[1].tables and not any(ahead for _docname, ahead, _phase in noted[1].tables)
    tables = noted[2].tables
    assert sorted(docname for docname, *_ in tables) == sorted(docname for docname, *_ in noted[1].tables)
    assert not any(ahead for _docname, ahead, phase in tables if phase == "before writers")
    compact = f"zz-{MORE_PAGES - 1:02}"
    later = [(docname, ahead) for docname, ahead, phase in tables if phase != "before writers"]
    assert ("cjm/quiet", False) in later and (compact, False) in later
    if writer == "at work":
        others = [ahead for docname, ahead in later if docname not in ("cjm/quiet", compact)]
        assert len(others) >= 5 and all(others)
    else:
        once_waiting = [ahead for _docname, ahead, phase in tables if phase == "writer waiting"]
        assert len(once_waiting) >= 5 and not any(once_waiting)
    assert_same_files(outputs[2], outputs[1])
    assert outputs[1][f"{compact}.html"].count(b'<table class="cjm-journey-table') == 2
    assert b"Calls the shop" in outputs[1]["cjm/quiet.html"]


@pytest.mark.parametrize("hook", ["kept", "left out"])
def test_processes_forked_under_j2_leave_what_they_inherit_out_of_their_collections(
    make_app, rootdir, tmp_path, monkeypatch, hook
):
    """A process Sphinx forks to write pages inherits every page the main process resolved before it:
    its collections leave them out (at 1,000 journeys they made each hundred pages 10 s slower to
    write). In the main process, a page resolved after reading is walked as before; without the
    hook, so is every page in the writer."""
    if hook == "left out":
        monkeypatch.setattr("sphinx_cjm.domain.freeze_inherited", lambda app: None)
    seen = tmp_path / "seen.txt"

    def note(app: Any, pagename: str, templatename: str, context: Any, doctree: nodes.document | None) -> None:
        if doctree is not None:
            walked = any(o is doctree for o in gc.get_objects())
            with seen.open("a", encoding="utf-8") as handle:
                handle.write(f"{pagename} {os.getpid()} {walked}\n")

    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", srcdir)
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build", parallel=2)
    app.connect("html-page-context", note)
    app.build()
    assert app._warning.getvalue() == ""
    app.cleanup()
    pages = [line.split() for line in seen.read_text(encoding="utf-8").splitlines()]
    in_main = [walked for _page, pid, walked in pages if int(pid) == os.getpid()]
    forked = [walked for _page, pid, walked in pages if int(pid) != os.getpid()]
    assert in_main == ["True"]  # Sphinx writes the first page itself
    assert len(forked) == len(pages) - 1 >= 5
    assert set(forked) == ({"False"} if hook == "kept" else {"True"})


def test_a_no_op_build_loads_no_record(make_app, rootdir, tmp_path, monkeypatch):
    """A build that reads no page unpickles the list of published objects and none of the records
    (at 1,000 journeys they took two thirds of a second); the inventory and search index are unchanged."""
    loaded = unpickled_packs(monkeypatch)
    app = make_app("html", srcdir=rootdir / "test-basic", builddir=tmp_path / "build")
    app.build()
    written = {name: (app.outdir / name).read_bytes() for name in ("objects.inv", "searchindex.js")}
    app.cleanup()
    loaded.clear()
    app = make_app("html", srcdir=rootdir / "test-basic", builddir=tmp_path / "build")
    app.build()
    assert "0 added, 0 changed, 0 removed" in app._status.getvalue()
    assert loaded == ["objects"]
    assert written == {name: (app.outdir / name).read_bytes() for name in written}
    inventory = zlib.decompress(written["objects.inv"].split(b"\n", 4)[4]).decode()
    assert "cjm:touchpoint 1 touchpoints.html#" in inventory and "Substitution call" in inventory
    # Asked for, the records are there as they were read: every page holding some is loaded, once.
    touchpoints = cjm_domain(app.env).objects("touchpoint")
    pages = sorted(cjm_domain(app.env).data["records"])
    assert len(pages) > 3 and loaded == ["objects"] + ["records"] * len(pages)
    assert touchpoints["weekly-substitution"].title == "Substitution call"


def test_an_edit_pickles_again_only_the_edited_pages_records(make_app, rootdir, tmp_path, monkeypatch):
    """Clearing an edited page loads its own records only, and the environment keeps every other
    page's records as the bytes it loaded (at 1,000 journeys pickling them all took half a second).
    What a build read, and the records it unpickled, are left out of the collector's full collections until it ends."""
    import pickle

    from sphinx_cjm import packed

    frozen_when_thawed: list[int] = []
    thaw = packed.thaw

    def noting_thaw() -> None:
        frozen_when_thawed.append(gc.get_freeze_count())
        thaw()

    monkeypatch.setattr(packed, "thaw", noting_thaw)
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", srcdir)
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    app.build()
    app.cleanup()
    pickled: list[list[tuple[str, Any]]] = []
    dumps = pickle.dumps

    def noted(value: Any, *args: Any) -> bytes:
        if isinstance(value, list) and value and len(value[0]) == 2:
            pickled.append(value)
        return dumps(value, *args)

    monkeypatch.setattr(packed.pickle, "dumps", noted)
    loaded = unpickled_packs(monkeypatch)
    cleared: list[int] = []
    clear_doc = CJMDomain.clear_doc

    def noting_clear(self: CJMDomain, docname: str) -> None:
        clear_doc(self, docname)
        cleared.append(len(loaded))

    monkeypatch.setattr(CJMDomain, "clear_doc", noting_clear)
    page = srcdir / "touchpoints.rst"
    page.write_text(page.read_text(encoding="utf-8").replace("Substitution call", "Substitution call, moved"), "utf-8")
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    app.build()
    assert cleared == [1]  # the edited page's records, and no other
    assert [{record.origin.docname for _plural, record in page_records} for page_records in pickled] == [
        {"touchpoints"}
    ]
    assert any(record.title == "Substitution call, moved" for _plural, record in pickled[0])
    # Thawed as each build starts (nothing was left frozen) and as it ends: both kept what they
    # read out of the collector's full collections until then.
    assert len(frozen_when_thawed) == 4 and frozen_when_thawed[0::2] == [0, 0] and all(frozen_when_thawed[1::2])
    assert gc.get_freeze_count() == 0
    # The pages kept as bytes load as they were read.
    app.cleanup()
    fresh = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    touchpoints = cjm_domain(fresh.env).objects("touchpoint")
    assert touchpoints["weekly-substitution"].title == "Substitution call, moved"
    assert {"map", "stages"} <= {record.origin.docname for record in cjm_domain(fresh.env).objects("stage").values()}
    assert gc.get_freeze_count() == 0  # outside a build, which no build-finished would end


def test_pyyaml_is_imported_only_to_read_a_yaml_file(rootdir, tmp_path):
    """Every build pays for what it imports: a project without journey files never loads PyYAML."""
    report = "import sys; from sphinx.cmd.build import build_main; " + (
        "print(build_main(['-q', '-b', 'html', sys.argv[1], sys.argv[2]]), 'yaml' in sys.modules)"
    )
    for root, imported in (("test-basic", "False"), ("test-yaml", "True")):
        done = subprocess.run(
            [sys.executable, "-c", report, str(rootdir / root), str(tmp_path / root)],
            check=True,
            capture_output=True,
            text=True,
        )
        assert done.stdout.split() == ["0", imported], root
