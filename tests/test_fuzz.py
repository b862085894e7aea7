"""Property-based fuzzing: whatever users write, the build ends without a traceback.

Each example is a whole small project (reST or MyST pages, and journey files for
``:file:``) built in-process. Whatever the input, the build must not raise, every
warning must be typed (``cjm.*`` from us; ``docutils`` and ``myst.*`` for broken
directive syntax, which the contract leaves to the parsers), every page must be
written, ``cjm.json`` must be valid, and user text must never reach HTML or SVG
unescaped.

The profile is deterministic (``derandomize``, no example database) so CI runs the
same examples every time. By hand, ``CJM_FUZZ_EXAMPLES=500`` explores further,
``CJM_FUZZ_SEED=7`` draws other examples, and ``CJM_FUZZ_SHRINK=1`` shrinks a
failing example to its smallest form.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_cjm import DIRECTIVES, config

SEED = os.environ.get("CJM_FUZZ_SEED")
FUZZ = settings(
    derandomize=SEED is None,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("CJM_FUZZ_EXAMPLES", "50")),
    # Shrinking a failure can take minutes of builds; CI reports the example as drawn.
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([Phase.shrink] if os.environ.get("CJM_FUZZ_SHRINK") else []),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def fuzz(test):
    """The deterministic profile; with ``CJM_FUZZ_SEED`` set, other examples drawn from that seed."""
    test = FUZZ(test)
    return seed(int(SEED))(test) if SEED else test


#: Fewer examples for the fuzzers of one narrow input (a journey file's scalars, conf values).
FEW_EXAMPLES = int(os.environ.get("CJM_FUZZ_EXAMPLES", "20"))


def fuzz_few(test):
    """:func:`fuzz` with :data:`FEW_EXAMPLES`: each example is a whole build, and CI has two cores."""
    test = settings(FUZZ, max_examples=FEW_EXAMPLES)(test)
    return seed(int(SEED))(test) if SEED else test


#: Markup that must come out escaped wherever user text is written.
INJECTION = '<b class="cjm-fuzz">x</b>'
IDS = ["shop-owner", "may24", "may24-visit", "may24-rep", "doors", "doors-search", "doors-ad", "бег", "a b", ""]
LANE_NAMES = ["actions", "goals", "expectations", "positive", "doubts", "negative", "barriers", "solutions",
              "business-goals", "kpis", "backstage", "owners", "systems", "touchpoints", "emotion", "feelings"]  # fmt: skip
EMOTIONS = ["1", "-2", "2", "0.5", "0,5", "-0", "2.0001", "9", "nan", "inf", "-inf", "1e309", "1_0", "très", "", " "]
ROLES = ["journey", "stage", "touchpoint", "persona", "cjm:journey", "cjm:stage", "cjm:touchpoint", "cjm:persona"]
#: Every option of every directive, read from the extension so that new options are fuzzed too.
OPTIONS = {name: sorted(directive.option_spec or {}) for name, directive in DIRECTIVES.items()}
#: Directives that take ids as arguments and have no body.
ID_DIRECTIVES = ["journey-table", "emotion-curve"]
FLAGS = {"no-table", "no-curve"}
#: Values worth trying for options whose valid values are few.
CHOICES = {
    "emotion": EMOTIONS,
    "channel": ["online", "offline", "OFFLINE", "phone"],
    "stages": ["template:retail", "template:classic", "template:nope", "doors-search may24-visit"],
    "width": ["80%", "400px", "0", "-5px", "1e9", "wide"],
    "sort": ["emotion", "journey", "stage", "channel", "title", "x"],
}
FILES = ["journeys/a.yaml", "/journeys/b.csv", "missing.yaml", "../outside.yaml", "journeys/c.txt", "/", ""]

CHARS = st.sampled_from(
    list("abcXYZ019 -_.,;:!?'\"`*|\\/<>&#%$@~^=+()[]{}")
    + list("абвЁжщЪ")
    + ["\t", "\u00a0", "\u200b", "é", "😀", "\u202e"]
)
text = st.one_of(st.text(CHARS, max_size=24), st.just(INJECTION))
value = st.one_of(text, st.sampled_from(IDS), st.sampled_from(EMOTIONS))
multiline = st.lists(value, min_size=1, max_size=3).map("\n".join)
title = st.one_of(text, st.sampled_from(["Первый контакт", "Sales rep's visit", "  ", "Café «Ёлка» <1>"]))


@st.composite
def option_values(draw, directive: str) -> list[tuple[str, str | None]]:
    names = draw(st.lists(st.sampled_from([*OPTIONS[directive], "bogus"]), max_size=5))
    result = []
    for name in names:
        if name in FLAGS:
            result.append((name, None))
        elif name in CHOICES:
            result.append((name, draw(st.one_of(st.sampled_from(CHOICES[name]), text))))
        elif name == "lanes":
            result.append((name, draw(st.lists(st.sampled_from(LANE_NAMES), max_size=5).map(", ".join))))
        elif name == "file":
            result.append((name, draw(st.sampled_from(FILES))))
        else:
            result.append((name, draw(st.one_of(value, multiline))))
    return result


@st.composite
def role_text(draw, syntax: str) -> str:
    role = draw(st.sampled_from(ROLES))
    target = draw(st.one_of(st.sampled_from(IDS), text))
    if draw(st.booleans()):
        target = f"{draw(text)} <{target}>"
    return f":{role}:`{target}`" if syntax == "rst" else f"{{{role}}}`{target}`"


@st.composite
def paragraph(draw, syntax: str) -> str:
    parts = draw(st.lists(st.one_of(text, role_text(syntax)), min_size=1, max_size=4))
    line = " ".join(parts).replace("\n", " ")
    if syntax == "md":
        line = line.replace(INJECTION, "x")  # raw HTML in Markdown prose is the writer's own choice
    # A leading word keeps the line a paragraph (not a list, title or directive).
    return "Text " + line


def block(syntax: str, directive: str, children: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """(directive, argument, options, body) with a body of paragraphs and ``children``."""
    body = paragraph(syntax) if children is None else st.one_of(paragraph(syntax), children)
    return st.tuples(st.just(directive), title, option_values(directive), st.lists(body, max_size=3))


def document(syntax: str) -> st.SearchStrategy:
    touchpoint = block(syntax, "touchpoint")
    stage = block(syntax, "stage", touchpoint)
    journey = block(syntax, "journey", stage)
    listing = st.sampled_from(["touchpoint-index", "barrier-list"]).flatmap(
        lambda name: st.tuples(st.just(name), st.just(""), option_values(name), st.just([]))
    )
    ids = st.lists(st.sampled_from(IDS), max_size=3).map(" ".join)
    by_id = st.sampled_from(ID_DIRECTIVES).flatmap(
        lambda name: st.tuples(st.just(name), ids, option_values(name), st.just([]))
    )
    top = st.one_of(block(syntax, "persona"), journey, stage, touchpoint, listing, by_id, paragraph(syntax))
    return st.lists(top, min_size=1, max_size=4)


# --- rendering the drawn blocks in each syntax ------------------------------------------------------


def indented(lines: list[str], spaces: int) -> list[str]:
    return [" " * spaces + line if line else line for line in lines]


def render_rst(node) -> list[str]:
    if isinstance(node, str):
        return [node, ""]
    directive, argument, options, body = node
    lines = [f".. {directive}:: {argument}".rstrip()]
    for name, raw in options:
        first, *rest = (raw or "").split("\n")
        lines.append(f"   :{name}: {first}".rstrip())
        lines += [f"      {line}" for line in rest]
    lines.append("")
    for child in body:
        lines += indented(render_rst(child), 3)
    return lines


def depth(node) -> int:
    return 0 if isinstance(node, str) else 1 + max((depth(child) for child in node[3]), default=0)


def render_myst(node) -> list[str]:
    if isinstance(node, str):
        return [node, ""]
    directive, argument, options, body = node
    # An enclosing fence is longer than every fence inside it; a backtick fence's title may not hold a backtick.
    fence = (":" if "`" in argument else "`") * (2 + depth(node))
    lines = [f"{fence}{{{directive}}} {argument}".rstrip()]
    if any(raw and "\n" in raw for _name, raw in options):
        lines += ["---", *yaml.safe_dump(dict(options), allow_unicode=True).splitlines(), "---"]
    else:
        lines += [f":{name}: {raw or ''}".rstrip() for name, raw in options]
    lines.append("")
    for child in body:
        lines += render_myst(child)
    return [*lines, fence, ""]


# --- journey files ---------------------------------------------------------------------------------

scalar = st.one_of(value, st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none())
anything = st.one_of(
    scalar,
    st.lists(scalar, max_size=3),
    st.dictionaries(text, scalar, max_size=3),
    st.lists(st.dictionaries(text, scalar, max_size=2), max_size=2),
)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly the right shape, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, anything)


yaml_touchpoint = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(IDS)), "title": maybe(title)},
    optional={"channel": maybe(st.sampled_from(["online", "offline", "phone"])), "emotion": maybe(st.sampled_from([1, -2, 0.5, 3, "0,5"])),
              "barrier": maybe(text), "solution": maybe(text), "owner": maybe(text), "kpi": maybe(text), "text": maybe(text)},
)  # fmt: skip
yaml_stage = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(IDS)), "title": maybe(title)},
    optional={"emotion": maybe(st.sampled_from([1, -1, 9, "x"])), "actions": maybe(st.lists(text, max_size=2)),
              "kpis": maybe(st.lists(text, max_size=2)), "feelings": maybe(st.lists(text)), "touchpoints": maybe(st.lists(yaml_touchpoint, max_size=3))},
)  # fmt: skip
yaml_journey = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(IDS)), "title": maybe(title)},
    optional={"persona": maybe(st.one_of(st.sampled_from(IDS), st.fixed_dictionaries({"id": maybe(st.sampled_from(IDS)), "title": maybe(title)}))),
              "lanes": maybe(st.lists(st.sampled_from(LANE_NAMES), max_size=4)), "stages": maybe(st.lists(yaml_stage, max_size=3))},
)  # fmt: skip
BROKEN_FILES = [
    b"id: [unclosed\n",
    b"\tid: tab\n",
    b"!!python/object:os.system {}\n",
    b"a: &x [*x]\n",
    b"--- 1\n--- 2\n",
    b"\xff\xfe\x00bad utf-8\n",
    b"",
    b"stages: 5\n",
    b"id;title\nx;y\n",
]
yaml_file = st.one_of(
    yaml_journey.map(lambda data: yaml.safe_dump(data, allow_unicode=True).encode()), st.sampled_from(BROKEN_FILES)
)

CSV_LANES = [
    "actions",
    "Actions",
    "Действия",
    "touchpoints",
    "Точки контакта",
    "emotion",
    "barriers",
    "kpis:",
    "feelings",
    "",
]
csv_touchpoint = st.lists(
    st.one_of(text, st.sampled_from(["online", "офлайн", "1", "-3", "x"])), min_size=1, max_size=8
).map(" | ".join)
csv_cell = st.one_of(text, st.sampled_from(EMOTIONS), st.lists(csv_touchpoint, max_size=3).map("\n".join))


@st.composite
def csv_file(draw) -> bytes:
    """First row the journey and stage titles, then one row per lane; ragged rows, any delimiter and encoding."""
    header = [draw(title), *draw(st.lists(title, max_size=4))]
    lane_rows = st.tuples(st.sampled_from(CSV_LANES), st.lists(csv_cell, max_size=6)).map(lambda r: [r[0], *r[1]])
    rows = [header, *draw(st.lists(lane_rows, max_size=5))]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";", "\t"]))).writerows(rows)
    # Spreadsheets export Russian text as UTF-8, UTF-8 with a BOM or Windows-1251.
    return buffer.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251"])), errors="replace")


journey_file = st.one_of(
    yaml_file.map(lambda data: ("journeys/a.yaml", data)),
    st.one_of(csv_file(), st.sampled_from(BROKEN_FILES)).map(lambda data: ("journeys/b.csv", data)),
)


#: Journey files the drawn pages may name with ``:file:`` (ids shared with IDS, so they can clash).
SAMPLE_FILES = {
    "journeys/a.yaml": b"""\
id: doors
title: Buying a front door
persona: {id: homeowner, title: Homeowner, segment: City flats}
lanes: [actions, touchpoints, barriers, solutions, kpis]
stages:
  - id: doors-search
    title: Search
    actions: [Searches for doors in the city]
    kpis: [Click-through of the search ad]
    touchpoints:
      - {id: doors-ad, title: Search ad, channel: online, emotion: 0, barrier: No prices in the ad}
""",
    "journeys/b.csv": """\
Визит в клинику;Первичное осмысление;Оценка;Сделка
Действия;Ищет клинику рядом с домом;Читает отзывы;Записывается по телефону
Точки контакта;Поисковая реклама | онлайн | 0;Сайт отзывов | online | -1 | Мало отзывов;Колл-центр | offline | 1
Эмоция;0;-1;1
""".encode(),
}

# --- building ---------------------------------------------------------------------------------------

CONF = 'extensions = ["sphinx_cjm", "myst_parser"]\nmyst_enable_extensions = ["colon_fence"]\nsuppress_warnings = ["toc.not_included"]\n'
#: Warning types the contract allows: ours, and the parsers' own errors for broken directive syntax.
ALLOWED_TYPE = re.compile(r"\[(cjm(\.[a-z-]+)?|docutils|myst\.[a-z_]+)\]$")
WARNING_START = re.compile(r"^(?:\S[^\n]*?: )?(?:WARNING|ERROR|CRITICAL|SEVERE): ", re.MULTILINE)


def build(
    pages: dict[str, str], files: dict[str, bytes] | None = None, conf: str = "", export: str | None = "cjm.json"
) -> None:
    """Build the project; fail with the first broken promise."""
    with tempfile.TemporaryDirectory() as tmp:
        srcdir = Path(tmp, "src")
        srcdir.mkdir()
        (srcdir / "conf.py").write_text(CONF + conf, encoding="utf-8")
        toctree = "\n".join(f"   {Path(name).stem}" for name in pages)
        (srcdir / "index.rst").write_text(f"Fuzz\n====\n\n.. toctree::\n\n{toctree}\n", encoding="utf-8")
        for name, source in pages.items():
            (srcdir / name).write_text(source, encoding="utf-8")
        for name, data in (files or {}).items():
            Path(srcdir, name).parent.mkdir(parents=True, exist_ok=True)
            Path(srcdir, name).write_bytes(data)
        app = SphinxTestApp(
            "html",
            srcdir=srcdir,
            builddir=Path(tmp, "build"),
            status=io.StringIO(),
            warning=io.StringIO(),
            freshenv=True,
        )
        try:
            app.build()
            warnings = strip_colors(app._warning.getvalue())
            outdir = Path(app.outdir)
        finally:
            app.cleanup()
        check_output(warnings, outdir, pages, export)


#: Characters no page may carry: they make SVG malformed and HTML attributes invalid.
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The anchors the extension writes (``<span id=...>`` targets); none may repeat on a page.
HTML_ID = re.compile(r'\sid="([^"]+)"')


def check_output(warnings: str, outdir: Path, pages: dict[str, str], export_name: str | None = "cjm.json") -> None:
    assert "Traceback" not in warnings and "Exception occurred" not in warnings, warnings
    starts = [m.start() for m in WARNING_START.finditer(warnings)]
    ends = [*starts[1:], len(warnings)] if starts else []
    for start, end in zip(starts, ends, strict=True):
        record = warnings[start:end].strip()
        assert ALLOWED_TYPE.search(record), f"untyped or foreign warning: {record}"
    for name in ["index", *(Path(p).stem for p in pages)]:
        assert (outdir / f"{name}.html").is_file(), name
    if export_name is None:
        assert not (outdir / "cjm.json").exists()
    else:
        export = json.loads((outdir / export_name).read_text(encoding="utf-8"))
        assert export["version"] == 1 and isinstance(export["journeys"], list)
    for written in [*outdir.rglob("*.html"), *outdir.rglob("*.svg")]:
        content = written.read_text(encoding="utf-8", errors="replace")
        assert INJECTION not in content, f"unescaped user text in {written.name}"
        assert not UNSHOWABLE.search(content), f"a control character in {written.name}"
        if written.suffix == ".svg":
            ET.fromstring(content.encode("utf-8"))  # well-formed, or the browser shows nothing
        else:
            ids = HTML_ID.findall(content)
            assert len(ids) == len(set(ids)), (
                f"HTML id twice in {written.name}: {sorted({i for i in ids if ids.count(i) > 1})}"
            )


@pytest.mark.parametrize("syntax", ["rst", "md"])
@fuzz
@given(data=st.data())
def test_any_directives_and_roles_build_without_a_traceback(syntax, data):
    pages = {}
    for n in range(data.draw(st.integers(1, 2), label="pages")):
        blocks = data.draw(document(syntax), label=f"page {n}")
        render = render_rst if syntax == "rst" else render_myst
        head = f"Page {n}\n======\n\n" if syntax == "rst" else f"# Page {n}\n\n"
        pages[f"page{n}.{syntax}"] = head + "\n".join(line for b in blocks for line in render(b)) + "\n"
    build(pages, SAMPLE_FILES)


@fuzz
@given(
    file=journey_file,
    spelling=st.sampled_from(["{}", "/{}", "./{}", "../src/{}", "../{}"]),
    options=option_values("journey"),
)
def test_any_journey_file_builds_without_a_traceback(file, spelling, options):
    path, data = file
    journey = (
        "journey",
        "From the file",
        [("file", spelling.format(path)), *(o for o in options if o[0] != "file")],
        [],
    )
    page = (
        "Page\n====\n\n" + "\n".join(render_rst(journey)) + "\n.. journey-table:: doors\n\n.. emotion-curve:: doors\n"
    )
    build({"page.rst": page}, {path: data})


# --- YAML scalars that broke the reader, conf values, ids shared across kinds ------------------------

#: Characters that YAML forbids raw, and that escapes may still write (controls, surrogates, noncharacters).
AWKWARD_CODES = [0x00, 0x01, 0x07, 0x08, 0x0B, 0x1B, 0x1F, 0x7F, 0x85, 0x9F, 0xD800, 0xDFFF, 0xFFFE, 0xFFFF]


def yaml_escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


awkward_scalar = st.one_of(
    # Dates, real and impossible (2024-02-30, 2001-13-45), as YAML resolves them to timestamps.
    st.tuples(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)).map(
        lambda d: f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"
    ),
    st.integers(4290, 4400).map(lambda n: "9" * n),  # past Python's 4,300-digit limit for int()
    st.sampled_from(["1,5", "+1", "\u22121", "'1,5'", "'+1'", "-0", "0x1F", "1_000", ".inf", "~", "yes"]),
    # Escapes in double-quoted text, and the same characters raw (YAML refuses the file).
    st.lists(st.sampled_from(AWKWARD_CODES), min_size=1, max_size=3).map(
        lambda cs: '"a' + "".join(map(yaml_escape, cs)) + 'b"'
    ),
    st.sampled_from(AWKWARD_CODES).filter(lambda c: c < 0xD800).map(lambda c: f"a{chr(c)}b"),
    st.integers(40, 600).map(lambda n: "[" * n + "]" * n),  # nesting (the reader stops at 50)
    text.map(json.dumps),
)


@st.composite
def awkward_yaml(draw) -> bytes:
    """A journey whose scalars are drawn from :data:`awkward_scalar`, written as YAML source."""
    value = lambda: draw(awkward_scalar)  # noqa: E731
    source = (
        f"id: {draw(st.sampled_from(IDS[:6]))}\ntitle: {value()}\nstages:\n"
        f"  - id: {draw(st.sampled_from(IDS[:6]))}\n    title: {value()}\n    emotion: {value()}\n"
        f"    touchpoints:\n      - {{title: {value()}, emotion: {value()}, barrier: {value()}}}\n"
        f"  - {{title: {value()}, actions: [{value()}]}}\n"
    )
    return source.encode("utf-8", "surrogatepass")


@fuzz_few
@given(data=awkward_yaml())
def test_awkward_yaml_scalars_build_without_a_traceback(data):
    page = "Page\n====\n\n.. journey::\n   :file: a.yaml\n\n.. persona:: P\n   :id: doors\n"
    build({"page.rst": page}, {"a.yaml": data})


#: Values worth trying for each checked conf value: wrong types, wrong shapes, out of range.
CONF_VALUES = [("a", "b"), (1,), [0, 1, 2], (None, None), (2, -2), (-1, 1.5), "10", 10**30, -1, 0, 3, True,
               ["nope", 5], ["actions", "KPIs"], "actions", 5, None, "../x.json", "sub/map.json", "/abs.json", "", [], {}]  # fmt: skip


@fuzz_few
@given(
    values=st.dictionaries(
        st.sampled_from([s.name for s in config.SETTINGS]), st.sampled_from(CONF_VALUES), max_size=4
    ),
    blocks=document("rst"),
)
def test_any_conf_values_build_without_a_traceback(values, blocks):
    page = "Page\n====\n\n" + "\n".join(line for b in blocks for line in render_rst(b)) + "\n"
    page += "\n.. journey::\n   :file: journeys/a.yaml\n"
    try:  # where the export goes: the name given if usable, else the default
        export = config.export_name(values.get("cjm_export_json", "cjm.json"), None)
    except ValueError:
        export = "cjm.json"
    conf = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    build({"page.rst": page}, SAMPLE_FILES, conf, export)
