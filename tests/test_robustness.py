"""Hostile and broken input: typed warnings at file:line, never a traceback, unique ids, bounded work.

One test (or a few) per class of failure found by attacking the extension: YAML values
that crashed the reader, lone surrogates and control characters, command-line numbers
and FIFOs, bad ``conf.py`` values, ids clashing across kinds and with other HTML ids,
derived ids across pages, links made by ``convert``, numbers as people write them,
missing glyphs, wrong nesting and resource limits. Each builds a real project.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from buildresult import assert_same_files, parallel_outputs
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_cjm import cli, files, model

CONF = (
    'extensions = ["sphinx_cjm", "myst_parser"]\nmyst_enable_extensions = ["colon_fence"]\n'
    'show_warning_types = True\nsuppress_warnings = ["toc.not_included"]\n'
)


class Build:
    """A project built in ``tmp_path``: its warning lines and output directory."""

    def __init__(self, tmp_path: Path, pages: dict[str, str], data: dict[str, str | bytes] | None = None, **conf):
        self.srcdir = tmp_path / "src"
        self.srcdir.mkdir(exist_ok=True)
        settings = "".join(f"{name} = {value!r}\n" for name, value in conf.items())
        (self.srcdir / "conf.py").write_text(CONF + settings, encoding="utf-8")
        for name, content in {**pages, **(data or {})}.items():
            path = self.srcdir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        self.builddir = tmp_path / "build"

    def run(self, builder: str = "html", freshenv: bool = False, **overrides) -> Build:
        app = SphinxTestApp(
            builder,
            freshenv=freshenv,
            srcdir=self.srcdir,
            builddir=self.builddir,
            status=io.StringIO(),
            warning=io.StringIO(),
            confoverrides=overrides,
        )
        try:
            app.build()
        finally:
            app.cleanup()
        output = strip_colors(app._warning.getvalue())
        assert "Traceback" not in output and "Exception occurred" not in output, output
        self.warnings = [line for line in output.splitlines() if "WARNING" in line]
        self.outdir = Path(app.outdir)
        return self

    def html(self, page: str = "index") -> str:
        return (self.outdir / f"{page}.html").read_text(encoding="utf-8")

    def export(self) -> dict:
        return json.loads((self.outdir / "cjm.json").read_text(encoding="utf-8"))

    def matching(self, pattern: str) -> list[str]:
        return [w for w in self.warnings if re.search(pattern, w)]

    def svgs(self) -> list[str]:
        """Every curve's SVG: the files, and the curves drawn inline in the pages."""
        files = [path.read_text(encoding="utf-8") for path in sorted(self.outdir.rglob("cjm-curve-*.svg"))]
        pages = [path.read_text(encoding="utf-8") for path in sorted(self.outdir.rglob("*.html"))]
        return files + [svg for page in pages for svg in outer_svgs(page)]


def outer_svgs(page: str) -> list[str]:
    """The outermost ``<svg>`` elements of a page (they hold nested ones)."""
    found, depth, start = [], 0, 0
    for tag in re.finditer(r"<svg\b|</svg>", page):
        if tag[0] == "</svg>":
            depth -= 1
            if depth == 0:
                found.append(page[start : tag.end()])
        else:
            start = tag.start() if depth == 0 else start
            depth += 1
    return found


def journey_page(*files: str, extra: str = "") -> str:
    blocks = "".join(f".. journey::\n   :file: {name}\n\n" for name in files)
    return f"Test\n====\n\n{blocks}{extra}"


def run_cli(capsys, *args: str | Path) -> tuple[int, str, str]:
    try:
        status = cli.main([str(a) for a in args])
    except SystemExit as exit:  # argparse's usage errors
        status = exit.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def yaml_journey(journey_id: str, stage_lines: str) -> str:
    return f"id: {journey_id}\ntitle: J {journey_id}\nstages:\n{stage_lines}"


# --- 1. YAML values that used to crash the reader -----------------------------------------------

CRASHING_YAML = {
    # name: (file text, line of the warning)
    "bad-date-title": (yaml_journey("d1", "  - id: d1-s\n    title: 2024-02-30\n"), 5),
    "bad-date-emotion": (yaml_journey("d2", "  - id: d2-s\n    title: S\n    emotion: 2001-13-45\n"), 6),
    "huge-int": (yaml_journey("d3", "  - id: d3-s\n    title: S\n    emotion: " + "9" * 5000 + "\n"), 6),
    "raw-soh": (yaml_journey("d4", "  - id: d4-s\n    title: A\x01B\n"), 5),
    "raw-nul": (yaml_journey("d5", "  - id: d5-s\n    title: A\x00B\n"), 5),
    "raw-del": (yaml_journey("d6", "  - id: d6-s\n    title: A\x7fB\n"), 5),
    "raw-uffff": (yaml_journey("d7", "  - id: d7-s\n    title: A\uffffB\n"), 5),
    "deep": (
        "id: d8\ntitle: Deep\nstages:\n" + "".join("  " * n + "- \n" for n in range(600)),
        3 + files.MAX_YAML_DEPTH,
    ),
    "deep-flow": ("id: d9\ntitle: Deep\nstages: " + "[" * 600 + "]" * 600 + "\n", 3),
}


def test_yaml_values_that_crashed_are_yaml_warnings_at_their_line(tmp_path):
    data = {f"j/{name}.yaml": text for name, (text, _line) in CRASHING_YAML.items()}
    build = Build(tmp_path, {"index.rst": journey_page(*data)}, data).run()
    for name, (_text, line) in CRASHING_YAML.items():
        assert build.matching(rf"j/{name}\.yaml:{line}: WARNING: .*\[cjm\.yaml\]$"), (name, build.warnings)
    assert "cjm-journey-table" in build.html()
    # A date that does not exist is the text it reads as: the stage keeps its title.
    assert "2024-02-30" in build.html()


@pytest.mark.parametrize("name", list(CRASHING_YAML))
def test_cli_validate_reports_crashing_yaml(capsys, tmp_path, name):
    text, line = CRASHING_YAML[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    status, _out, err = run_cli(capsys, "validate", path)
    assert status == 1 and f"{path}:{line}: [cjm.yaml]" in err, err


# --- 2 and 3. Lone surrogates and control characters ---------------------------------------------

BAD_TEXT_YAML = yaml_journey(
    "esc",
    '  - id: esc-s\n    title: "Sur\\ud800rogate"\n    touchpoints:\n'
    '      - {id: esc-t, title: "Bell\\x07 and \\x01", emotion: 1, barrier: "\\uffff"}\n',
)
BAD_TEXT_CSV = "Control;Stage\x02one;Two\nActions;Act\x01;Go\nTouchpoints;Call\x1b | online | 1;Mail | online | -1\n"
BAD_TEXT_RST = """\
Test
====

.. journey:: Title with a bell\x07
   :id: ctl

   .. stage:: Stage\x01
      :id: ctl-s
      :actions: Act\x02

      .. touchpoint:: Po\x1fint
         :id: ctl-t
         :emotion: 1

.. journey::
   :file: esc.yaml

.. journey::
   :file: ctl.csv

.. journey::
   :file: esc.yaml
   :id: esc-no-curve
   :no-curve:
"""
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def test_unshowable_characters_are_replaced_with_a_warning(tmp_path):
    build = Build(tmp_path, {"index.rst": BAD_TEXT_RST}, {"esc.yaml": BAD_TEXT_YAML, "ctl.csv": BAD_TEXT_CSV}).run()
    for where in ("index.rst:4:", "index.rst:7:", "index.rst:11:", "esc.yaml:5:", "esc.yaml:7:", "ctl.csv:1:"):
        assert build.matching(rf"{where} WARNING: .*replaced by U\+FFFD \[cjm\.text\]$"), (where, build.warnings)
    assert build.matching(r"ctl.csv:2: .*U\+0001.*\[cjm\.text\]$") and build.matching(r"ctl.csv:3: .*\[cjm\.text\]$")
    html = build.html()
    assert not UNSHOWABLE.search(html)
    assert "Sur\ufffdrogate" in html and "Po\ufffdint" in html
    svgs = build.svgs()
    assert len(svgs) >= 3
    for svg in svgs:
        ET.fromstring(svg)  # well-formed XML: a browser shows it
        assert not UNSHOWABLE.search(svg)
    journey = next(j for j in build.export()["journeys"] if j["id"] == "esc")
    assert journey["stages"][0]["title"] == "Sur\ufffdrogate"


def test_cli_on_unshowable_characters(capsys, tmp_path):
    path = tmp_path / "esc.yaml"
    path.write_text(BAD_TEXT_YAML, encoding="utf-8")
    status, _out, err = run_cli(capsys, "validate", path)
    assert status == 1 and f"{path}:5: [cjm.text]" in err
    for output in ("curve.svg", "curve.png", "out.rst", "out.md", "out.yaml"):
        status, out, _err = run_cli(
            capsys, "render" if output.startswith("curve") else "convert", path, "-o", tmp_path / output
        )
        assert status == 0 and out.startswith("wrote"), output
    ET.parse(tmp_path / "curve.svg")
    assert "Sur\ufffdrogate" in (tmp_path / "out.rst").read_text(encoding="utf-8")
    # A file name that is not UTF-8 (a lone surrogate once decoded) is printed, not a crash.
    status, _out, err = run_cli(capsys, "validate", str(tmp_path / "bad\udcff.yaml"))
    assert status == 1 and "bad\\udcff.yaml" in err


# --- 4. Command-line numbers and special files --------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--max-bytes", "-5"],
        ["--max-bytes", "99999999999999999999"],
        ["--max-bytes", "9" * 5000],
        ["--scale", "0", "inf"],
        ["--scale", "2", "-2"],
        ["--scale", "nan", "1"],
        ["--scale", "x", "1"],
    ],
)
@pytest.mark.parametrize("command", ["validate", "render"])
def test_cli_rejects_bad_numbers_with_a_message(capsys, tmp_path, args, command):
    path = tmp_path / "ok.yaml"
    path.write_text(yaml_journey("ok", "  - {id: ok-s, title: S, emotion: 1}\n"), encoding="utf-8")
    output = ["-o", tmp_path / "c.svg"] if command == "render" else []
    status, _out, err = run_cli(capsys, command, *args, path, *output)
    assert status == 2 and "error:" in err and not (tmp_path / "c.svg").exists()


def test_cli_numbers_as_people_write_them(capsys, tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(yaml_journey("ok", "  - {id: ok-s, title: S, emotion: '−2,5'}\n"), encoding="utf-8")
    status, _out, err = run_cli(capsys, "validate", "--scale", "\u22123", "+3", path)
    assert (status, err) == (0, "")
    status, _out, err = run_cli(capsys, "validate", "--scale", "\u22121,5", "1,5", path)
    assert status == 1 and "outside the scale -1.5..1.5" in err


def test_cli_validate_does_not_block_on_a_fifo(capsys, tmp_path):
    fifo = tmp_path / "journey.yaml"
    os.mkfifo(fifo)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(cli.main(["validate", str(fifo)])), daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "wb"):
            pass
        pytest.fail("validate blocked on a FIFO")
    assert result == [1] and "is not a regular file" in capsys.readouterr().err


# --- 5. conf.py values ----------------------------------------------------------------------------

SMALL_MAP = """\
Test
====

.. journey:: Small
   :id: small

   .. stage:: One
      :emotion: 1

   .. stage:: Two
      :emotion: -1

.. journey::
   :file: f.yaml
"""
SMALL_FILE = yaml_journey("fromfile", "  - {id: ff-s, title: S, emotion: 2}\n")


@pytest.mark.parametrize(
    "name, value",
    [
        ("cjm_emotion_scale", ("a", "b")),
        ("cjm_emotion_scale", (1,)),
        ("cjm_emotion_scale", [0, 1, 2]),
        ("cjm_emotion_scale", (None, None)),
        ("cjm_emotion_scale", (2, -2)),
        ("cjm_file_max_bytes", "10"),
        ("cjm_file_max_bytes", 10**30),
        ("cjm_file_max_bytes", -1),
        ("cjm_default_lanes", ["nope", 5]),
        ("cjm_default_lanes", "actions"),
        ("cjm_export_json", 5),
        ("cjm_export_json", "../escape.json"),
        ("cjm_max_stages", 0),
    ],
)
def test_bad_conf_value_is_one_warning_and_the_default(tmp_path, name, value):
    build = Build(tmp_path, {"index.rst": SMALL_MAP}, {"f.yaml": SMALL_FILE}, **{name: value}).run()
    assert len(build.warnings) == 1, build.warnings
    assert re.search(rf"WARNING: {name}: .* is not .*; the default .* is used \[cjm\.option\]$", build.warnings[0])
    export = build.export()
    # The default is used everywhere: the scale keeps every emotion, the file is read, lanes are the default ones.
    emotions = [s["emotion"] for j in export["journeys"] for s in j["stages"]]
    assert sorted(emotions) == [-1, 1, 2]
    assert all(j["lanes"] == list(model.DEFAULT_LANES) for j in export["journeys"])
    assert build.svgs()


def test_export_name_that_is_a_directory_warns(tmp_path):
    build = Build(tmp_path, {"index.rst": SMALL_MAP}, {"f.yaml": SMALL_FILE})
    (build.builddir / "html" / "cjm.json").mkdir(parents=True)
    build.run()
    assert build.matching(r"cjm_export_json: 'cjm.json' is a directory in the output.*\[cjm\.option\]$")


def test_export_turned_off_removes_the_old_file(tmp_path):
    build = Build(tmp_path, {"index.rst": SMALL_MAP}, {"f.yaml": SMALL_FILE}).run()
    assert (build.outdir / "cjm.json").is_file()
    build.run(cjm_export_json="maps/all.json")
    assert not (build.outdir / "cjm.json").exists() and (build.outdir / "maps" / "all.json").is_file()
    build.run(cjm_export_json=None)
    assert not (build.outdir / "maps" / "all.json").exists()
    assert (build.outdir / "index.html").is_file()


# --- 6 and 7. Ids: unique across kinds, never another element's HTML id, derived ids across pages ---

SAME_ID = """\
Test
====

.. persona:: A persona
   :id: x

.. journey:: A journey
   :id: x

   .. stage:: A stage
      :id: x

      .. touchpoint:: A touchpoint
         :id: x

Details
-------

.. persona:: Details persona
   :id: details

Links: :stage:`x`, :persona:`x`, :persona:`details`, :persona:`lbl`.

.. _lbl:

Labelled paragraph.

.. persona:: Labelled persona
   :id: lbl
"""


def test_ids_are_unique_across_kinds_and_html_ids(tmp_path):
    build = Build(tmp_path, {"index.rst": SAME_ID}).run()
    for line, kind in ((7, "journey"), (10, "stage"), (13, "touchpoint")):
        assert build.matching(
            rf"index.rst:{line}: WARNING: duplicate id 'x': a persona .*this {kind} is left out \[cjm\.duplicate\]$"
        )
    # An explicit label keeps its id; the persona's anchor gives way, with a warning.
    assert build.matching(
        r"index.rst:28: WARNING: persona: id 'lbl' is already the HTML id of a target element .* 'lbl-persona'.*\[cjm\.duplicate\]$"
    )
    html = build.html()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # A section's id made from its title gives way silently: the object keeps its id as its anchor.
    assert ids.count("x") == 1 and '<section id="details-section">' in html and 'id="details"' in html
    # The persona wins the id: links to it land on it; the stage that lost it is no link target.
    assert build.matching(r"WARNING: unknown stage id 'x' \[cjm\.ref\]$")
    assert re.search(r'href="#x"[^>]*><span[^>]*>A persona<', html)
    assert re.search(r'href="#details"[^>]*><span[^>]*>Details persona<', html)
    assert re.search(r'href="#lbl-persona"[^>]*><span[^>]*>Labelled persona<', html)
    assert len(build.warnings) == 6, build.warnings  # and the table of the journey that lost its id
    assert [p["id"] for p in build.export()["personas"]] == ["details", "lbl", "x"] and not build.export()["journeys"]


def test_ids_of_file_objects_claim_their_anchor_too(tmp_path):
    page = "Test\n====\n\n.. _s1:\n\nLabel.\n\n.. journey::\n   :file: f.yaml\n"
    build = Build(
        tmp_path, {"index.rst": page}, {"f.yaml": yaml_journey("j", "  - {id: s1, title: S, emotion: 1}\n")}
    ).run()
    assert build.matching(r"f.yaml:4: WARNING: stage: id 's1' is already the HTML id of a target .*\[cjm\.duplicate\]$")
    ids = re.findall(r'\sid="([^"]+)"', build.html())
    assert len(ids) == len(set(ids)) and "s1-stage" in ids
    assert any('#s1-stage"' in svg for svg in build.svgs())  # the curve links where the stage's anchor is


def test_derived_ids_are_unique_and_stable_across_pages(tmp_path):
    pages = {
        "index.rst": "Test\n====\n\n.. toctree::\n\n   a\n   b\n\n.. journey:: J\n   :id: j\n\n   .. stage:: 😀\n\n   .. stage:: Search\n\n   .. stage:: Search\n",
        "a.rst": "A\n=\n\n.. stage:: 🚀\n   :journey: j\n\n   .. touchpoint:: ☎\n\n   .. touchpoint:: ☎\n",
        "b.md": "# B\n\n```{stage} 🛒\n:journey: j\n```\n",
    }
    build = Build(tmp_path, pages).run()
    assert not build.warnings, build.warnings
    stages = build.export()["journeys"][0]["stages"]
    ids = [s["id"] for s in stages]
    assert ids == ["j-stage-1", "j-search", "j-search-2", "j-a-stage-1", "j-b-stage-1"]
    assert [t["id"] for t in stages[3]["touchpoints"]] == ["j-a-stage-1-touchpoint-1", "j-a-stage-1-touchpoint-2"]
    assert [s["id"] for s in build.run(freshenv=True).export()["journeys"][0]["stages"]] == ids


SAME_TITLES = """\
{page}
=

.. persona:: Shop owner

.. journey:: Customer journey

   .. stage:: Onboarding

.. stage:: Onboarding
   :journey: sales

   .. touchpoint:: Call
"""


def test_the_same_titles_on_two_pages_derive_ids_each_page_can_be_linked_by(tmp_path):
    sales = "\n.. journey:: Sales\n   :id: sales\n\n.. journey:: Support\n   :id: support\n\n   .. stage:: Onboarding\n"
    links = (
        "\nLinks: :stage:`sales-onboarding`, :stage:`sales-b-onboarding`, :touchpoint:`sales-b-onboarding-call`, "
        ":persona:`shop-owner`, :persona:`b-shop-owner`, :journey:`b-customer-journey`, "
        ":stage:`b-customer-journey-onboarding`.\n"
    )
    pages = {
        "index.rst": "Test\n====\n\n.. toctree::\n\n   a\n   b\n" + links,
        "a.rst": SAME_TITLES.format(page="A") + sales,
        "b.rst": SAME_TITLES.format(page="B"),
    }
    build = Build(tmp_path, pages).run()
    assert not build.warnings, build.warnings
    data = build.export()
    # The page first in document order keeps the ids; on the other, the page's name joins them after the parent's.
    assert [(p["id"], p["docname"]) for p in data["personas"]] == [("b-shop-owner", "b"), ("shop-owner", "a")]
    journeys = {j["id"]: j for j in data["journeys"]}
    assert [(j["id"], j["docname"]) for j in data["journeys"]] == [
        ("b-customer-journey", "b"), ("customer-journey", "a"), ("sales", "a"), ("support", "a"),
    ]  # fmt: skip
    assert [s["id"] for s in journeys["customer-journey"]["stages"]] == ["customer-journey-onboarding"]
    # A renamed journey's stage takes its new id; a stage of another journey never clashed: it keeps its id.
    assert [s["id"] for s in journeys["b-customer-journey"]["stages"]] == ["b-customer-journey-onboarding"]
    assert [s["id"] for s in journeys["support"]["stages"]] == ["support-onboarding"]
    assert [(s["id"], s["docname"], [t["id"] for t in s["touchpoints"]]) for s in journeys["sales"]["stages"]] == [
        ("sales-onboarding", "a", ["sales-onboarding-call"]),
        ("sales-b-onboarding", "b", ["sales-b-onboarding-call"]),
    ]
    # Each object's anchor is its id, and the links land there.
    assert {"sales-b-onboarding", "sales-b-onboarding-call", "b-shop-owner", "b-customer-journey"} <= set(
        re.findall(r'\sid="([^"]+)"', build.html("b"))
    )
    hrefs = re.findall(r'href="([^"]+)"', build.html("index"))
    for href in (
        "a.html#sales-onboarding", "b.html#sales-b-onboarding", "b.html#sales-b-onboarding-call",
        "a.html#shop-owner", "b.html#b-shop-owner", "b.html#b-customer-journey", "b.html#b-customer-journey-onboarding",
    ):  # fmt: skip
        assert href in hrefs, href
    # The journey's table on page a links to the stage written on page b.
    assert 'href="b.html#sales-b-onboarding"' in build.html("a")
    # The same ids from a fresh environment.
    assert build.run(freshenv=True).export() == data

    # Once page a's stage has an id of its own, page b's derives the plain one again, and b is rewritten to match.
    before = build.html("b")
    a = build.srcdir / "a.rst"
    a.write_text(a.read_text(encoding="utf-8").replace(":journey: sales\n", ":journey: sales\n   :id: sales-first\n"))
    incremental = build.run().html("b")
    assert 'id="sales-onboarding"' in incremental and incremental != before
    (tmp_path / "clean").mkdir()
    assert incremental == Build(tmp_path / "clean", pages | {"a.rst": a.read_text(encoding="utf-8")}).run().html("b")


def test_ids_derived_on_several_pages_are_the_same_with_parallel_reading(make_app, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.rst").write_text("Test\n====\n\n.. journey:: Sales\n   :id: sales\n", encoding="utf-8")
    for page in ("a", "b"):
        (root / f"{page}.rst").write_text(":orphan:\n\n" + SAME_TITLES.format(page=page.upper()), encoding="utf-8")
    outputs = parallel_outputs(make_app, root, tmp_path)
    assert_same_files(outputs[2], outputs[1])
    assert b'id="sales-b-onboarding"' in outputs[2]["b.html"]


# --- 8. convert writes text, never links, and titles docutils accepts ----------------------------

HOSTILE_YAML = """\
id: hostile
title: 購入の流れ 🛒
description: "Click <javascript:alert(6)> or [x](javascript:alert(5)) or javascript:alert(7) or a@b.example"
stages:
  - id: hostile-s
    title: 検索
    description: "<https://example.com> http://example.com *not emphasis*"
    touchpoints:
      - {id: hostile-t, title: 電話, emotion: 1, description: "[y](javascript:alert(8))"}
"""


@pytest.mark.parametrize("suffix", ["rst", "md"])
def test_convert_writes_text_that_builds_without_links(capsys, tmp_path, suffix):
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE_YAML, encoding="utf-8")
    status, _out, _err = run_cli(capsys, "convert", source, "-o", tmp_path / f"map.{suffix}")
    assert status == 0
    page = (tmp_path / f"map.{suffix}").read_text(encoding="utf-8")
    build = Build(tmp_path, {f"index.{suffix}": page}).run()
    assert not build.warnings, build.warnings  # -W passes: the CJK title's underline is long enough
    html = build.html()
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # in no attribute, only in text
    assert "<javascript:alert(6)>" in html.replace("&lt;", "<").replace("&gt;", ">")
    assert "[x](javascript:alert(5))" in html and "*not emphasis*" in html
    assert 'href="https://example.com' not in html and "mailto:" not in html


# --- 9. Numbers as people write them, and clear emotion messages --------------------------------

NUMBERS_RST = """\
Test
====

.. journey:: Numbers
   :id: n

   .. stage:: Minus
      :emotion: \u22121

   .. stage:: Plus
      :emotion: +1

   .. stage:: Comma
      :emotion: 1,5

   .. stage:: Too much
      :emotion: 2.00001

.. emotion-curve:: ,

.. journey::
   :file: n.yaml

.. journey::
   :file: n.csv
"""
NUMBERS_YAML = yaml_journey(
    "ny",
    "  - {id: ny-1, title: A, emotion: '1,5'}\n  - {id: ny-2, title: B, emotion: '+1'}\n"
    "  - {id: ny-3, title: C, emotion: '\u22121'}\n  - {id: ny-4, title: D, emotion: 'lots'}\n",
)
NUMBERS_CSV = 'Numbers CSV,A,B,C\nEmotion,\u22121,+1,"1,5"\nTouchpoints,T | online | \u22120.5,U | online | +2,\n'


def test_numbers_as_people_write_them_in_every_input(tmp_path):
    build = Build(tmp_path, {"index.rst": NUMBERS_RST}, {"n.yaml": NUMBERS_YAML, "n.csv": NUMBERS_CSV}).run()
    emotions = {s["id"]: s["emotion"] for j in build.export()["journeys"] for s in j["stages"]}
    assert emotions["n-minus"] == -1 and emotions["n-plus"] == 1 and emotions["n-comma"] == 1.5
    assert [emotions[f"ny-{n}"] for n in range(1, 5)] == [1.5, 1, -1, None]
    csv_stages = next(j for j in build.export()["journeys"] if j["title"] == "Numbers CSV")["stages"]
    assert [s["emotion"] for s in csv_stages] == [-1, 1, 1.5]
    assert [t["emotion"] for s in csv_stages for t in s["touchpoints"]] == [-0.5, 2]
    assert build.matching(
        r"index.rst:16: WARNING: stage: emotion 2.00001 is outside the scale -2..2; .*\[cjm\.emotion\]$"
    )
    assert build.matching(r"index.rst:19: WARNING: emotion-curve: ',' names no journey id.*\[cjm\.ref\]$")
    assert build.matching(r"n.yaml:7: WARNING: .*emotion lots is not a number.*\[cjm\.emotion\]$")
    assert len(build.warnings) == 3, build.warnings  # "1,5" and "+1" in YAML are numbers: no type warning


def test_parse_number():
    assert [model.parse_number(t) for t in ("-1", "\u22121", "+1", "1.5", "1,5", " 2 ", ".5", "1e2")] == [
        -1,
        -1,
        1,
        1.5,
        1.5,
        2,
        0.5,
        100,
    ]
    assert all(
        model.parse_number(t) is None
        for t in ("", "1_0", "inf", "nan", "1e999", "１", "1.2.3", "--1", True, None, 10**400)
    )


# --- 10. Missing glyphs ---------------------------------------------------------------------------


def test_missing_glyphs_are_a_font_warning(tmp_path):
    page = "Test\n====\n\n.. journey:: Glyphs\n   :id: g\n\n   .. stage:: 😀\n\n      .. touchpoint:: 電話\n         :emotion: 1\n"
    build = Build(tmp_path, {"index.rst": page}, cjm_curve_format="png").run()
    fonts = build.matching(r"WARNING: the curve's font has no glyph for .*\[cjm\.font\]$")
    assert len(fonts) == 1 and "index.rst:4:" in fonts[0]
    assert not build.matching("UserWarning") and len(build.warnings) == 1
    # The page written again over the drawn file, then a clean output copying it from the figure cache:
    # nothing is drawn, and the figure warns all the same.
    assert build.run(freshenv=True).warnings == [fonts[0]]
    shutil.rmtree(build.outdir)
    assert build.run(freshenv=True).warnings == [fonts[0]]
    assert list((build.builddir / "cjm-figures").glob("*.problems"))


# --- 11. Wrong nesting ----------------------------------------------------------------------------

NESTING_RST = """\
Test
====

.. persona:: P
   :id: p

   .. journey:: In a persona
      :id: jp

.. journey:: Outer
   :id: outer

   .. journey:: Inner
      :id: inner

   .. stage:: S
      :id: s

      .. stage:: In a stage
         :id: s2

      .. touchpoint:: T
         :id: t

         .. touchpoint:: In a touchpoint
            :id: t2

         .. stage:: In a touchpoint too
            :id: s3
"""
NESTING_MD = """\
# Test

::::{journey} Outer
:id: outer-md

:::{journey} Inner
:id: inner-md
:::
::::
"""


def test_wrong_nesting_warns_at_its_line(tmp_path):
    build = Build(tmp_path, {"index.rst": NESTING_RST, "md.md": NESTING_MD}).run()
    expected = [
        ("index.rst", 7, "journey", "persona"),
        ("index.rst", 13, "journey", "journey"),
        ("index.rst", 19, "stage", "stage"),
        ("index.rst", 25, "touchpoint", "touchpoint"),
        ("index.rst", 28, "stage", "touchpoint"),
        ("md.md", 6, "journey", "journey"),
    ]
    nesting = build.matching(r"\[cjm\.nesting\]$")
    for name, line, kind, outer in expected:
        assert build.matching(rf"{name}:{line}: WARNING: {kind}: a {kind} cannot stand inside a {outer}\b"), (
            name,
            line,
        )
    assert len(nesting) == len(expected), nesting
    assert "In a touchpoint" in build.html()  # still built


# --- 12. Resource limits --------------------------------------------------------------------------


def test_limits_on_stages_touchpoints_and_lanes(tmp_path):
    many = "".join(
        f"  - {{id: big-{n}, title: S{n}, emotion: 1, touchpoints: [{{title: T{n}}}, {{title: U{n}}}]}}\n"
        for n in range(8)
    )
    csv = "Wide," + ",".join(f"C{n}" for n in range(10)) + "\nEmotion," + ",".join("1" for _ in range(10)) + "\n"
    page = journey_page(
        "big.yaml",
        "wide.csv",
        extra=".. journey:: Lanes\n   :id: lanes\n   :lanes: actions, goals, positive, doubts\n\n   .. stage:: A\n\n   .. stage:: B\n\n   .. stage:: C\n\n   .. stage:: D\n",
    )
    build = Build(
        tmp_path,
        {"index.rst": page},
        {"big.yaml": yaml_journey("big", many), "wide.csv": csv},
        cjm_max_stages=3,
        cjm_max_touchpoints=4,
        cjm_max_lanes=2,
    ).run()
    assert build.matching(
        r"big.yaml:7: WARNING: .*more than cjm_max_stages \(3\) stages; the rest are not read \[cjm\.limit\]$"
    )
    assert build.matching(r"big.yaml:6: WARNING: .*more than cjm_max_touchpoints \(4\) touchpoints.*\[cjm\.limit\]$")
    assert build.matching(r"wide.csv:1: WARNING: .*more than cjm_max_stages \(3\).*\[cjm\.limit\]$")
    assert build.matching(
        r"index.rst:\d+: WARNING: journey 'lanes' has 4 stages, more than cjm_max_stages \(3\).*\[cjm\.limit\]$"
    )
    assert build.matching(
        r"index.rst:\d+: WARNING: journey 'lanes' has 4 lanes, more than cjm_max_lanes \(2\).*\[cjm\.limit\]$"
    )
    journeys = {j["id"]: j for j in build.export()["journeys"]}
    assert [len(journeys[j]["stages"]) for j in ("big", "lanes")] == [3, 3]
    assert sum(len(s["touchpoints"]) for s in journeys["big"]["stages"]) == 4
    assert len(next(j for j in journeys.values() if j["title"] == "Wide")["stages"]) == 3
    assert journeys["lanes"]["lanes"] == ["actions", "goals"]


def test_a_huge_journey_file_costs_no_more_than_its_limit(tmp_path):
    stages = "".join(
        f"  - {{title: S{n}, emotion: 1, touchpoints: [{{title: T{n}, emotion: -1}}]}}\n" for n in range(5000)
    )
    build = Build(tmp_path, {"index.rst": journey_page("huge.yaml")}, {"huge.yaml": yaml_journey("huge", stages)}).run()
    assert [w.split(": WARNING: ")[1] for w in build.warnings] == [
        "journey file: more than cjm_max_stages (100) stages; the rest are not read [cjm.limit]"
    ]
    assert len(build.export()["journeys"][0]["stages"]) == 100
    assert build.html().count(">S99<") and not build.html().count(">S100<")
    assert max(len(svg) for svg in build.svgs()) < 1_000_000
