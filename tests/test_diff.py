"""``sphinx-cjm diff`` between two cjm.json exports, and the ``journey-diff`` directive.

The old export (tests/roots/test-journey-diff/old-cjm.json) is what a real build of an
earlier version of the map wrote: its search ad was at −1, a call to the shop was a
touchpoint, the showroom had a parking barrier, the order share's fact was 27%, and the
recommendation to reserve parking was planned (it is done now).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from buildresult import warned, warning_lines
from tablesparse import Tables

ROOT = Path(__file__).parent / "roots" / "test-journey-diff"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sphinx_cjm", "diff", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def new_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The current map's cjm.json, from a real build."""
    out = tmp_path_factory.mktemp("new")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(ROOT), str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return out / "cjm.json"


def test_text_report_and_exit_status(new_export: Path) -> None:
    result = cli(str(ROOT / "old-cjm.json"), str(new_export))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "Buying a front door (doors)",
        "  stage retitled: Showroom visit (doors-showroom): Showroom \u2192 Showroom visit",
        "  touchpoint added: Chat with a consultant (doors-chat)",
        "  touchpoint removed: Call to the shop (doors-call)",
        "  touchpoint emotion: Search ad (doors-ad): \u22121 \u2192 1 (+2)",
        "  touchpoint emotion: Showroom (doors-showroom-visit): \u22121.5 \u2192 \u22120.5 (+1)",
        "  barrier closed: No parking near the showroom (Showroom)",
        "  metric fact: Visits with an order (doors-m-orders): 27% \u2192 31%",
        # The recommendation written in the map, planned then, done now.
        "  recommendation status: Reserve parking for showroom visitors (doors-rec-parking): planned \u2192 done",
    ]
    same = cli(str(new_export), str(new_export))
    assert same.returncode == 0 and same.stdout == "No changes in the journey maps.\n"


def test_json_report(new_export: Path) -> None:
    result = cli(str(ROOT / "old-cjm.json"), str(new_export), "--format", "json")
    assert result.returncode == 1
    changes = json.loads(result.stdout)["changes"]
    ad = next(c for c in changes if c["id"] == "doors-ad")
    assert ad == {
        "journey": "doors",
        "kind": "touchpoint",
        "action": "emotion",
        "id": "doors-ad",
        "title": "Search ad",
        "before": -1,
        "after": 1,
        "delta": 2,
        "where": "",
    }
    assert {(c["kind"], c["action"], c["id"]) for c in changes} >= {
        ("touchpoint", "added", "doors-chat"),
        ("touchpoint", "removed", "doors-call"),
        ("barrier", "closed", "doors-showroom-visit"),
        ("metric", "fact", "doors-m-orders"),
    }


def with_recommendations(source: Path, target: Path, statuses: dict[str, str]) -> Path:
    """An export whose recommendations are replaced by these, in the contract's shape."""
    data = json.loads(source.read_text(encoding="utf-8"))
    data["recommendations"] = [
        {
            "id": rec_id,
            "title": "Reserve parking for visitors" if rec_id == "rec-parking" else "Answer | in chat",
            "docname": "map",
            "journey": "doors",
            "addresses": ["doors-showroom-visit"],
            "type": "process",
            "priority": "high",
            "impact": 4,
            "effort": 2,
            "owner": "Showroom manager",
            "status": status,
            "due": "",
            "budget": "",
        }
        for rec_id, status in statuses.items()
    ]
    target.write_text(json.dumps(data), encoding="utf-8")
    return target


def test_markdown_report_with_a_recommendations_status(new_export: Path, tmp_path: Path) -> None:
    old = with_recommendations(ROOT / "old-cjm.json", tmp_path / "old.json", {"rec-parking": "planned"})
    new = with_recommendations(new_export, tmp_path / "new.json", {"rec-parking": "done", "rec-chat": "proposed"})
    result = cli(str(old), str(new), "--format", "markdown")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "## Journey map changes",
        "",
        "### Buying a front door (doors)",
        "",
        "| Change | Object | Before | After |",
        "|---|---|---|---|",
    ]
    assert "| touchpoint added | Chat with a consultant (doors-chat) | \u2014 | \u2713 |" in lines
    assert "| touchpoint emotion | Search ad (doors-ad) | \u22121 | 1 (+2) |" in lines
    assert "| barrier closed | No parking near the showroom (Showroom) | \u2713 | \u2014 |" in lines
    assert "| metric fact | Visits with an order (doors-m-orders) | 27% | 31% |" in lines
    assert "| recommendation status | Reserve parking for visitors (rec-parking) | planned | done |" in lines
    # A | in user text does not break the table.
    assert "| recommendation added | Answer \\| in chat (rec-chat) | \u2014 | proposed |" in lines
    # Only a status change is still a change.
    only_status = with_recommendations(ROOT / "old-cjm.json", tmp_path / "status.json", {"rec-parking": "done"})
    base = with_recommendations(ROOT / "old-cjm.json", tmp_path / "base.json", {"rec-parking": "planned"})
    assert cli(str(base), str(only_status)).stdout.splitlines()[1:] == [
        "  recommendation status: Reserve parking for visitors (rec-parking): planned \u2192 done"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ('{"personas": []}', "not a cjm.json export"),
        ('{"journeys": [{"title": "no id"}]}', "journeys must be a list of objects with an 'id'"),
        ('{"journeys": [{"id": "j", "stages": [{"id": "s", "touchpoints": "x"}]}]}', "touchpoints must be a list"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, new_export: Path, content: str | None, message: str) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    result = cli(str(bad), str(new_export))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert cli(str(new_export), "--format", "yaml", str(new_export)).returncode == 2


# --- the journey-diff directive ----------------------------------------------------------------


def diff_rows(app, page: str = "review.html") -> list[list[str]]:
    tables = Tables.read(app.outdir / page, "cjm-journey-diff-table")
    assert len(tables) == 1
    return [row.cells for row in tables[0]]


def legend_entries(html: str) -> list[str]:
    """The names in the first curve legend of ``html`` (the figure is inline SVG)."""
    legend = re.search(r'<ul class="cjm-curve-legend"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r"</svg> ([^<]+)</li>", legend[1]) if legend else []


@pytest.mark.sphinx("html", testroot="journey-diff")
def test_journey_diff_block(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    html = (app.outdir / "review.html").read_text(encoding="utf-8")
    block = html[html.index('class="cjm-journey-diff') :]
    # One figure with both versions, then the table of changes.
    assert block.index('class="cjm-emotion-curve') < block.index("cjm-journey-diff-table")
    figure = block[: block.index("</figure>")]
    assert legend_entries(figure)[:2] == ["before", "after"]
    # The points of what exists now link to it.
    assert 'href="map.html#doors-ad"' in figure
    rows = diff_rows(app)
    assert rows[0] == ["Change", "Object", "Before", "After"]
    assert ["touchpoint added", "Chat with a consultant", "\u2014", "\u2713"] in rows
    assert ["touchpoint removed", "Call to the shop", "\u2713", "\u2014"] in rows
    assert ["touchpoint emotion", "Search ad", "\u22121", "1 (+2)"] in rows
    assert ["barrier closed", "No parking near the showroom (Showroom)", "\u2713", "\u2014"] in rows
    assert ["metric fact", "Visits with an order", "27%", "31%"] in rows
    assert ["recommendation status", "Reserve parking for showroom visitors", "planned", "done"] in rows
    links = [row.links for row in Tables.read(app.outdir / "review.html", "cjm-journey-diff-table")[0]]
    assert ["map.html#doors-chat"] in [cells[1] for cells in links]


@pytest.mark.sphinx("html", testroot="journey-diff", confoverrides={"language": "ru"})
def test_journey_diff_in_the_pages_language(app) -> None:
    app.build()
    html = (app.outdir / "review.html").read_text(encoding="utf-8")
    assert legend_entries(html[html.index('class="cjm-journey-diff') :])[:2] == ["до", "после"]
    rows = diff_rows(app)
    assert rows[0] == ["Изменение", "Объект", "До", "После"]
    assert [
        "touchpoint эмоция".replace("touchpoint", "точка контакта"),
        "Showroom",
        "\u22121,5",
        "\u22120,5 (+1)",
    ] in rows
    # Statuses by their labels, as the recommendation register shows them.
    assert ["рекомендация статус", "Reserve parking for showroom visitors", "запланировано", "выполнено"] in rows


@pytest.mark.parametrize(
    ("language", "change"),
    [
        ("en", ["recommendation status", "Reserve parking for showroom visitors", "planned", "in progress"]),
        ("ru", ["рекомендация статус", "Reserve parking for showroom visitors", "запланировано", "в работе"]),
    ],
)
def test_journey_diff_shows_statuses_as_the_register_does(make_app, tmp_path: Path, language, change) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    page = source / "map.rst"
    page.write_text(page.read_text(encoding="utf-8").replace(":status: done", ":status: in-progress"), encoding="utf-8")
    review = source / "review.rst"
    review.write_text(review.read_text(encoding="utf-8") + "\n.. recommendation-register::\n", encoding="utf-8")
    app = make_app("html", srcdir=source, builddir=tmp_path / "b", confoverrides={"language": language})
    app.build()
    assert app._warning.getvalue() == ""
    assert change in diff_rows(app)
    # The same words as the recommendation register on the page.
    (register,) = Tables.read(app.outdir / "review.html", "cjm-register-table")
    assert change[-1] in register[1].cells


@pytest.mark.sphinx("latex", testroot="journey-diff")
def test_journey_diff_in_latex(app) -> None:
    app.build()
    tex = (app.outdir / "journeydiff.tex").read_text(encoding="utf-8")
    curve = re.findall(r"\\sphinxincludegraphics\[\]\{(cjm-curve-[0-9a-f]+\.pdf)\}", tex)
    assert len(curve) == 2  # the journey's own curve and the before/after one
    assert all((app.outdir / name).is_file() for name in curve)
    assert "Chat with a consultant" in tex[tex.index("touchpoint added") :]


def test_journey_diff_in_myst_and_its_problems(make_app, tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    (source / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_cjm"]\nmyst_enable_extensions = ["colon_fence"]\n', encoding="utf-8"
    )
    (source / "review.rst").unlink()
    (source / "bad.json").write_text("{oops", encoding="utf-8")
    (source / "review.md").write_text(
        "# Review\n\n"
        "```{journey-diff} doors\n:against: /old-cjm.json\n```\n\n"
        ":::{cjm:journey-diff} doors\n:against: ../outside.json\n:::\n\n"
        "```{journey-diff} doors\n:against: bad.json\n```\n\n"
        "```{journey-diff} no-such-journey\n:against: old-cjm.json\n```\n\n"
        "The page goes on.\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    warnings = warning_lines(app)
    review = str(source / "review.md")
    assert warned(warnings, f"{review}:7", "must name a cjm.json file inside", "cjm.file"), warnings
    assert warned(warnings, f"{review}:11", "bad.json:1: not valid JSON", "cjm.file"), warnings
    assert warned(warnings, f"{review}:15", "unknown journey id 'no-such-journey'", "cjm.ref"), warnings
    assert len(warnings) == 3, warnings
    rows = diff_rows(app)
    assert ["touchpoint emotion", "Search ad", "\u22121", "1 (+2)"] in rows
    assert "The page goes on." in (app.outdir / "review.html").read_text(encoding="utf-8")


def test_editing_the_old_export_rewrites_the_page(make_app, tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    app.cleanup()
    old = source / "old-cjm.json"
    old.write_text(old.read_text(encoding="utf-8").replace('"fact": "27%"', '"fact": "29%"'), encoding="utf-8")
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    assert ["metric fact", "Visits with an order", "29%", "31%"] in diff_rows(app)


def test_a_recommendations_status_edited_on_another_page_rewrites_the_diff(make_app, tmp_path: Path) -> None:
    """Only map.rst changes; review.rst, showing the diff, is rewritten to what a clean build writes."""
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    app.cleanup()
    assert ["recommendation status", "Reserve parking for showroom visitors", "planned", "done"] in diff_rows(app)
    page = source / "map.rst"
    page.write_text(page.read_text(encoding="utf-8").replace(":status: done", ":status: in-progress"), encoding="utf-8")
    app = make_app("html", srcdir=source, builddir=tmp_path / "b")
    app.build()
    app.cleanup()
    incremental = (app.outdir / "review.html").read_bytes()
    clean = make_app("html", srcdir=source, builddir=tmp_path / "clean", freshenv=True)
    clean.build()
    assert ["recommendation status", "Reserve parking for showroom visitors", "planned", "in progress"] in diff_rows(
        clean
    )
    assert incremental == (clean.outdir / "review.html").read_bytes()


def test_pull_request_workflow_runs_its_compare_step(new_export: Path, tmp_path: Path) -> None:
    """The recipe's workflow builds both exports and comments with the Markdown diff; its Compare step runs here."""
    import os

    import yaml

    workflow = yaml.safe_load((ROOT.parents[2] / "docs" / "recipes" / "journey-diff.yml").read_text(encoding="utf-8"))
    assert set(workflow.get("on", workflow.get(True))) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = {step.get("name", step.get("uses")): step for step in workflow["jobs"]["diff"]["steps"]}
    assert "-b html docs _build/pr" in steps["Build the pull request's maps"]["run"]
    assert "-b html _base/docs _build/base" in steps["Build the base branch's maps"]["run"]
    assert "--body-file journey-diff.md" in steps["Comment on the pull request"]["run"]
    assert steps["Comment on the pull request"]["if"] == "steps.compare.outputs.changed == '1'"

    (tmp_path / "_build" / "base").mkdir(parents=True)
    (tmp_path / "_build" / "pr").mkdir()
    shutil.copy(ROOT / "old-cjm.json", tmp_path / "_build" / "base" / "cjm.json")
    shutil.copy(new_export, tmp_path / "_build" / "pr" / "cjm.json")
    output = tmp_path / "github-output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    run = subprocess.run(
        ["bash", "-e", "-c", steps["Compare"]["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert output.read_text() == "changed=1\n"
    comment = (tmp_path / "journey-diff.md").read_text(encoding="utf-8")
    assert comment.startswith("## Journey map changes\n") and "| touchpoint added | Chat with a consultant" in comment
    # A broken export fails the job.
    (tmp_path / "_build" / "pr" / "cjm.json").write_text("{", encoding="utf-8")
    run = subprocess.run(
        ["bash", "-e", "-c", steps["Compare"]["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 2
