"""``sphinx-cjm`` and ``python -m sphinx_cjm``: validate, render, convert, schema, diff."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_diff import with_recommendations
from test_yaml import Tables

from sphinx_cjm import files, model

ROOT = Path(__file__).parents[1]
DOORS = ROOT / "examples" / "doors" / "doors.yaml"
WHOLESALE_CSV = ROOT / "examples" / "wholesale-selfservice.csv"
BROKEN_YAML = ROOT / "tests" / "roots" / "test-yaml-errors" / "broken.yaml"
BROKEN_CSV = ROOT / "tests" / "roots" / "test-csv-errors" / "broken.csv"
OLD_EXPORT = ROOT / "tests" / "roots" / "test-journey-diff" / "old-cjm.json"
SCRIPT = Path(sys.executable).parent / "sphinx-cjm"
ENTRY_POINTS = {"module": [sys.executable, "-m", "sphinx_cjm"], "script": [str(SCRIPT)]}

# Plain text that looks like markup in reStructuredText or Markdown: it must come out as written.
TRICKY_YAML = """\
id: tricky
title: Tricky *title* with `ticks`
persona:
  id: tricky-owner
  title: Owner | of _the_ shop
  segment: Small retail
  description: |
    1. Not a list
    - not a bullet either
    # not a heading
    Ends with a colon pair::
lanes: [actions, goals, touchpoints, emotion, barriers, solutions, kpis, owners, systems]
description: |
  Text with *stars*, [brackets](x), <angles> & a |sub| reference_.

  .. not a comment
stages:
  - id: tricky-one
    title: "Stage: one"
    emotion: 0.5
    actions: [":option: looking line", "Second"]
    goals: "Goal one\\nGoal two"
    kpis: ["Share of visits: 40% / 27%"]
    owners: [Sales]
    systems: [CRM]
    description: A stage {with} $math$ and \\backslash.
    touchpoints:
      - {id: tricky-tp, title: "Call | back", channel: offline, emotion: -1.5, barrier: "Slow *answer*",
         solution: Call back in 5 minutes, owner: Call centre, kpi: Calls answered, description: "=== not a title ==="}
    reach: 1200
    evidence:
      - Printed *flyer*
      - {id: tricky-survey, title: "Half *compare* shops", kind: survey, source: Survey 2026}
    recommendations:
      - {id: tricky-rec, title: Price table, type: digital, priority: high, impact: 4, effort: 2, owner: Web,
         status: planned, due: 2027-03-01, budget: 50 000 ₽, addresses: [tricky-tp2], description: "- a rec *note*"}
    metrics:
      - {id: tricky-share, title: Share of visits, plan: 40%, fact: 27%}
      - {id: tricky-wait, title: Waiting, plan: 5 min, fact: 7 min, better: lower, description: "1) a metric note"}
  - id: tricky-two
    title: Two
    touchpoints:
      - id: tricky-tp2
        title: Letter
        channel: online
        recommendations:
          - {id: tricky-rec2, title: Shorter letter, impact: 3}
        evidence:
          - {id: tricky-quote, title: "Too long", kind: quote, supports: [tricky-one], description: ".. a quote note"}
"""


def run(entry: str, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*ENTRY_POINTS[entry], *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture(params=list(ENTRY_POINTS))
def entry(request) -> str:
    assert SCRIPT.exists(), "pip install -e . installs the sphinx-cjm script"
    return request.param


def test_validate_ok(entry):
    result = run(entry, "validate", DOORS, WHOLESALE_CSV)
    assert (result.returncode, result.stdout, result.stderr) == (0, "OK: 2 files valid\n", "")


def test_validate_reports_file_and_line(entry):
    result = run(entry, "validate", BROKEN_YAML, BROKEN_CSV, DOORS)
    assert result.returncode == 1 and "OK" not in result.stdout
    lines = result.stderr.splitlines()
    assert (
        f"{BROKEN_YAML}:7: [cjm.emotion] stages[0].emotion: emotion 5 is outside the scale -2..2; it is ignored"
        in lines
    )
    assert (
        f"{BROKEN_YAML}:14: [cjm.yaml] stages[0].touchpoints[0]: unknown key 'chanel' (did you mean 'channel'?)"
        in lines
    )
    assert (
        f"{BROKEN_CSV}:4: [cjm.option] touchpoint 'Call': unknown channel 'pigeon'; use one of: online, offline"
        in lines
    )
    assert len(lines) == 9 + 6  # every problem of both files, nothing about the valid one


def test_validate_missing_unsafe_and_oversized_files(entry, tmp_path):
    evil = tmp_path / "evil.yaml"
    marker = tmp_path / "ran"
    evil.write_text(f'title: Evil\nstages: !!python/object/apply:os.mkdir ["{marker}"]\n', encoding="utf-8")
    result = run(entry, "validate", tmp_path / "missing.yaml", evil)
    assert result.returncode == 1
    assert (
        f"{tmp_path / 'missing.yaml'}: [cjm.file] cannot read missing.yaml: No such file or directory" in result.stderr
    )
    assert f"{evil}:2: [cjm.yaml] not valid YAML: could not determine a constructor" in result.stderr
    assert not marker.exists()
    result = run(entry, "validate", "--max-bytes", "100", DOORS)
    assert result.returncode == 1
    assert "[cjm.file] doors.yaml is larger than cjm_file_max_bytes (100 bytes); it is not read" in result.stderr


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("pdf", b"%PDF"), ("png", b"\x89PNG")])
def test_render_curve(entry, tmp_path, fmt, magic):
    output = tmp_path / f"curve.{fmt}"
    result = run(entry, "render", DOORS, "-o", output)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"wrote {output}\n", "")
    data = output.read_bytes()
    assert data.startswith(magic)
    if fmt == "svg":
        text = data.decode("utf-8")
        # Text stays text: the title, the stage titles and the touchpoints are searchable.
        for words in ("Buying a front door online", "Studying the", "Delivery and"):
            assert words in text


def test_render_writes_the_scale_in_the_language(entry, tmp_path):
    output = tmp_path / "curve.svg"
    result = run(entry, "render", DOORS, "--language", "ru", "--scale", "-7", "7", "-o", output)
    assert result.returncode == 0, result.stderr
    ticks = re.findall(r"<text [^>]*>([^<]*)</text>", output.read_text(encoding="utf-8"))
    assert {"\u22127", "\u22123,5", "0", "+3,5", "+7"} <= set(ticks) and "+3.5" not in ticks


def test_render_reports_bad_scale_and_unwritable_output(entry, tmp_path):
    result = run(entry, "render", DOORS, "--scale", "2", "-2", "-o", tmp_path / "curve.svg")
    assert result.returncode == 2 and "--scale LOW must be below HIGH" in result.stderr
    assert "Traceback" not in result.stderr
    result = run(entry, "render", DOORS, "-o", tmp_path / "no-such-dir" / "curve.svg")
    assert result.returncode == 1 and "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_render_refuses_other_formats_and_unreadable_files(entry, tmp_path):
    result = run(entry, "render", DOORS, "-o", tmp_path / "curve.gif")
    assert result.returncode == 2 and "-o must end in .svg, .pdf, .png" in result.stderr
    result = run(entry, "render", tmp_path / "none.yaml", "-o", tmp_path / "curve.svg")
    assert result.returncode == 1 and "[cjm.file]" in result.stderr and not (tmp_path / "curve.svg").exists()


def test_convert_csv_to_yaml_keeps_the_journey(entry, tmp_path):
    output = tmp_path / "wholesale.yaml"
    result = run(entry, "convert", WHOLESALE_CSV, "-o", output)
    assert (result.returncode, result.stderr) == (0, "")
    from_csv, from_yaml = files.load(WHOLESALE_CSV), files.load(output)
    assert from_yaml.problems == []
    assert model.export_journey(from_yaml.assembled()) == model.export_journey(from_csv.assembled())
    assert "Визит торгового представителя" in output.read_text(encoding="utf-8")  # not \u escapes
    assert run(entry, "validate", output).returncode == 0


def test_schema_command(entry):
    result = run(entry, "schema")
    assert result.returncode == 0 and json.loads(result.stdout) == files.schema()


def test_usage_errors_exit_2(entry):
    assert run(entry).returncode == 2
    assert run(entry, "convert", DOORS, "-o", "out.txt").returncode == 2


def build_page(make_app, srcdir: Path, name: str, text: str, extra: dict[str, str] | None = None):
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["myst_parser", "sphinx_cjm"]\nshow_warning_types = True\n')
    (srcdir / name).write_text(text, encoding="utf-8")
    for filename, content in (extra or {}).items():
        (srcdir / filename).write_text(content, encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    app.cleanup()  # the next app in this test registers its nodes afresh
    assert "WARNING" not in app._warning.getvalue(), app._warning.getvalue()
    return app


def what_the_map_shows(app) -> tuple:
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    page = Tables(html)
    data = json.loads((Path(app.outdir) / "cjm.json").read_text(encoding="utf-8"))
    texts = [
        text
        for text in (
            "1. Not a list",
            "- not a bullet either",
            "# not a heading",
            "Ends with a colon pair::",
            "Text with *stars*, [brackets](x), &lt;angles&gt; &amp; a |sub| reference_.",
            ".. not a comment",
            "A stage {with} $math$ and \\backslash.",
            "=== not a title ===",
            "- a rec *note*",
            "1) a metric note",
            ".. a quote note",
        )
        if text in html
    ]
    objects = {p["id"] for p in data["personas"]} | {
        i
        for j in data["journeys"]
        for s in j["stages"]
        for i in (j["id"], s["id"], *(t["id"] for t in s["touchpoints"]))
    }
    # Every object has its anchor on the page (the converted page also has a heading of its own).
    assert objects <= page.ids
    return page.tables, data, texts


@pytest.mark.parametrize("suffix", [".rst", ".md"])
def test_convert_yaml_to_directives_builds_the_same_map(make_app, tmp_path, suffix):
    source = tmp_path / "tricky.yaml"
    source.write_text(TRICKY_YAML, encoding="utf-8")
    assert files.load(source).problems == []
    output = tmp_path / f"index{suffix}"
    result = run("module", "convert", source, "-o", output)
    assert (result.returncode, result.stderr) == (0, "")
    from_file = build_page(
        make_app,
        tmp_path / "from-file",
        "index.rst",
        "Page\n====\n\n.. journey::\n   :file: tricky.yaml\n",
        {"tricky.yaml": TRICKY_YAML},
    )
    converted = build_page(make_app, tmp_path / "converted", f"index{suffix}", output.read_text(encoding="utf-8"))
    expected, got = what_the_map_shows(from_file), what_the_map_shows(converted)
    assert len(expected[2]) == 11  # every tricky description shown as plain text
    assert got == expected
    # What convert once dropped is there: reach, metrics, recommendations and evidence of stages and touchpoints.
    data = expected[1]
    (journey,) = data["journeys"]
    one, two = journey["stages"]
    assert one["reach"] == 1200 and one["lanes"]["evidence"] == ["Printed *flyer*"]
    assert [(m["id"], m["plan"], m["fact"], m["better"]) for m in journey["metrics"]] == [
        ("tricky-share", "40%", "27%", "higher"),
        ("tricky-wait", "5 min", "7 min", "lower"),
    ]
    assert [(r["id"], r["addresses"], r["due"], r["budget"]) for r in data["recommendations"]] == [
        ("tricky-rec", ["tricky-one", "tricky-tp2"], "2027-03-01", "50 000 ₽"),
        ("tricky-rec2", ["tricky-tp2"], "", ""),
    ]
    assert {e["id"]: e["supports"] for e in data["evidence"]} == {
        "tricky-survey": ["tricky-one"],
        "tricky-quote": ["tricky-tp2", "tricky-one"],
    }
    assert two["touchpoints"][0]["evidence"] == ["tricky-quote"]


def test_convert_yaml_to_yaml_keeps_every_field(tmp_path):
    source, output = tmp_path / "tricky.yaml", tmp_path / "again.yaml"
    source.write_text(TRICKY_YAML, encoding="utf-8")
    assert run("module", "convert", source, "-o", output).returncode == 0
    before, after = files.load(source), files.load(output)
    assert after.problems == []
    assert model.export_journey(after.assembled()) == model.export_journey(before.assembled())
    # Every record and description read from the file, the file's lines aside.
    for read in (before, after):
        for record in [*read.all_stages(), *read.all_touchpoints(), *read.all_metrics()]:
            record.origin = model.Origin()
        for item in read.all_linked():
            item.record.origin = model.Origin()
    assert after.stages == before.stages


LANES_ROOT = ROOT / "tests" / "roots" / "test-lanes-language"


def test_validate_with_a_projects_conf_knows_its_lanes_and_channels(entry):
    clinic = LANES_ROOT / "clinic.yaml"
    alone = run(entry, "validate", clinic)
    assert alone.returncode == 1
    assert "unknown key 'choice-factors'" in alone.stderr and "'phone' is not one of: online, offline" in alone.stderr
    with_conf = run(entry, "validate", "--conf", LANES_ROOT / "conf.py", clinic)
    assert (with_conf.returncode, with_conf.stderr, with_conf.stdout) == (0, "", "OK: 1 file valid\n")
    schema = json.loads(run(entry, "schema", "--conf", LANES_ROOT / "conf.py").stdout)
    assert "choice-factors" in schema["$defs"]["stage"]["properties"]
    assert schema["$defs"]["touchpoint"]["properties"]["channel"]["enum"] == [
        "online",
        "offline",
        "web",
        "phone",
        "word-of-mouth",
    ]


def test_render_and_convert_take_a_language(entry, tmp_path):
    english, russian = tmp_path / "en.svg", tmp_path / "ru.svg"
    assert run(entry, "render", WHOLESALE_CSV, "-o", english).returncode == 0
    assert run(entry, "render", WHOLESALE_CSV, "--language", "ru", "-o", russian).returncode == 0
    assert ">Emotion<" in english.read_text(encoding="utf-8")
    assert ">Эмоция<" in russian.read_text(encoding="utf-8") and ">Emotion<" not in russian.read_text(encoding="utf-8")
    unknown = run(entry, "render", WHOLESALE_CSV, "--language", "xx", "-o", tmp_path / "xx.svg")
    assert unknown.returncode == 2 and "--language xx: no sphinx_cjm catalog" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    converted = tmp_path / "map.rst"
    assert run(entry, "convert", WHOLESALE_CSV, "--language", "ru", "-o", converted).returncode == 0
    assert "   :language: ru\n" in converted.read_text(encoding="utf-8")
    as_yaml = tmp_path / "map.yaml"
    assert run(entry, "convert", WHOLESALE_CSV, "--language", "ru", "-o", as_yaml).returncode == 0
    assert "language: ru\n" in as_yaml.read_text(encoding="utf-8")
    # A broken conf.py is a message, not a traceback.
    broken = tmp_path / "conf.py"
    broken.write_text("x = (\n", encoding="utf-8")
    result = run(entry, "validate", "--conf", broken, WHOLESALE_CSV)
    assert result.returncode == 2 and "syntax error" in result.stderr and "Traceback" not in result.stderr


def test_diff_shows_statuses_by_their_labels_in_the_language(entry, tmp_path):
    """As the journey-diff directive and the registers: "in progress" ("в работе"), not ``in-progress``;
    in --language, else --conf's language, else English; the JSON keeps the keys."""
    old = with_recommendations(OLD_EXPORT, tmp_path / "old.json", {"rec-parking": "planned"})
    new = with_recommendations(
        OLD_EXPORT, tmp_path / "new.json", {"rec-parking": "in-progress", "rec-chat": "in-progress"}
    )
    english = run(entry, "diff", old, new)
    assert english.returncode == 1, english.stderr
    assert english.stdout.splitlines()[1:] == [
        "  recommendation added: Answer | in chat (rec-chat)",
        "  recommendation status: Reserve parking for visitors (rec-parking): planned \u2192 in progress",
    ]
    russian = run(entry, "diff", old, new, "--language", "ru")
    assert russian.stdout.splitlines()[-1].endswith(": запланировано \u2192 в работе")
    conf = tmp_path / "conf.py"
    conf.write_text('language = "ru"\n', encoding="utf-8")
    markdown = run(entry, "diff", old, new, "--format", "markdown", "--conf", conf).stdout.splitlines()
    assert "| recommendation added | Answer \\| in chat (rec-chat) | \u2014 | в работе |" in markdown
    assert (
        "| recommendation status | Reserve parking for visitors (rec-parking) | запланировано | в работе |" in markdown
    )
    changes = json.loads(run(entry, "diff", old, new, "--format", "json", "--language", "ru").stdout)["changes"]
    assert [(c["id"], c["before"], c["after"]) for c in changes] == [
        ("rec-chat", None, "in-progress"),
        ("rec-parking", "planned", "in-progress"),
    ]
    unknown = run(entry, "diff", old, new, "--language", "xx")
    assert unknown.returncode == 2 and "--language xx: no sphinx_cjm catalog" in unknown.stderr
