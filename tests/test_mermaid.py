"""Mermaid's ``journey`` diagrams in and out: sections are stages, tasks touchpoints, scores 1–5 emotions."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from tablesparse import Tables

from sphinx_cjm import files

WORKING_DAY = """\
%% The example of Mermaid's own documentation, with an accessible description.
journey
    title My working day
    accDescr: How the day feels, task by task
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me
      Do work: 1: Me, Cat
    section Go home
      Go downstairs: 5: Me
      Sit down: 4.5: Me
"""


def cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_cjm", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def diagram(text: str) -> list[tuple[str, list[tuple[str, float, str]]]]:
    """Sections with their tasks (title, score, actors), read from a diagram's text as Mermaid would."""
    sections: list[tuple[str, list[tuple[str, float, str]]]] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("section "):
            sections.append((line[len("section ") :], []))
        elif re.match(r"^[^:%]+:[^:]+(:.*)?$", line) and not line.startswith("acc"):
            title, score, *actors = (part.strip() for part in line.split(":"))
            sections[-1][1].append((title, float(score), actors[0] if actors else ""))
    return sections


def test_mermaid_journey_reads_as_stages_touchpoints_and_emotions(tmp_path: Path) -> None:
    source = tmp_path / "day.mmd"
    source.write_text(WORKING_DAY, encoding="utf-8")
    loaded = files.load(source)
    assert loaded.problems == []
    assert loaded.journey is not None and loaded.journey.title == "My working day"
    assert loaded.description == "How the day feels, task by task"
    assert [s.stage.title for s in loaded.stages] == ["Go to work", "Go home"]
    points = [(t.touchpoint.title, t.touchpoint.emotion) for s in loaded.stages for t in s.touchpoints]
    # 1..5 onto the default scale -2..2: 1 is -2, 3 is 0, 5 is 2.
    assert points == [("Make tea", 2), ("Go upstairs", 0), ("Do work", -2), ("Go downstairs", 2), ("Sit down", 1.5)]
    assert loaded.persona is not None and loaded.persona.title == "Me, Cat"
    assert loaded.journey.persona == loaded.persona.id
    assert [t.description for t in loaded.stages[0].touchpoints] == ["Actors: Me", "Actors: Me", ""]
    # Another scale: the same scores spread over it.
    wide = files.load(source, files.Settings(scale=(0, 10)))
    assert [t.touchpoint.emotion for t in wide.stages[0].touchpoints] == [10, 5, 0]


def test_round_trip_through_yaml_keeps_stages_touchpoints_and_scores(tmp_path: Path) -> None:
    source = tmp_path / "day.mmd"
    source.write_text(WORKING_DAY, encoding="utf-8")
    result = cli("convert", "--from", "mermaid", source, "-o", tmp_path / "day.yaml")
    assert (result.returncode, result.stderr) == (0, "")
    result = cli("convert", tmp_path / "day.yaml", "-o", tmp_path / "back.mmd")
    assert (result.returncode, result.stderr) == (0, "")
    back = (tmp_path / "back.mmd").read_text(encoding="utf-8")
    assert back.startswith("journey\n    title My working day\n")
    assert diagram(back) == diagram(WORKING_DAY)
    # And once more: a second trip changes nothing.
    cli("convert", tmp_path / "back.mmd", "-o", tmp_path / "again.yaml")
    cli("convert", tmp_path / "again.yaml", "-o", tmp_path / "again.mmd")
    assert (tmp_path / "again.mmd").read_text(encoding="utf-8") == back


def test_yaml_map_to_mermaid_names_what_the_diagram_cannot_hold(tmp_path: Path) -> None:
    source = tmp_path / "map.yaml"
    source.write_text(
        "title: Map\nstages:\n  - title: One\n    reach: 100\n    actions: [Looks]\n"
        "    metrics: [{title: Share, plan: 40%}]\n    recommendations: [{title: Fix}]\n"
        "    touchpoints:\n      - {title: Call, channel: offline, emotion: 1, evidence: [{title: Said so}]}\n",
        encoding="utf-8",
    )
    result = cli("convert", source, "-o", tmp_path / "map.mmd")
    assert result.returncode == 0
    assert (
        "map.mmd: a Mermaid diagram has no place for the journey's lanes, reach, metrics, recommendations, "
        "research evidence, channels; they are left out"
    ) in result.stderr


def test_yaml_map_to_mermaid_maps_emotions_and_reports_what_has_no_score(tmp_path: Path) -> None:
    source = tmp_path / "map.yaml"
    source.write_text(
        "id: m\ntitle: 'Map: with # stops; inside'\npersona: {id: p, title: Shop owner}\nstages:\n"
        "  - title: 'One: first'\n    touchpoints:\n"
        "      - {title: Call, emotion: -1}\n      - {title: Letter}\n      - {title: Visit, emotion: 0.5}\n",
        encoding="utf-8",
    )
    result = cli("convert", source, "-o", tmp_path / "map.mmd")
    assert result.returncode == 0
    assert "touchpoint 'Letter' has no emotion, so no Mermaid score; it is left out" in result.stderr
    assert "no place for" not in result.stderr  # everything else of this map is in the diagram
    text = (tmp_path / "map.mmd").read_text(encoding="utf-8")
    # Mermaid ends a name at ':', ';' and '#': look-alikes keep the text readable.
    assert text == (
        "journey\n    title Map： with ＃ stops； inside\n    section One： first\n"
        "      Call: 2: Shop owner\n      Visit: 3.5: Shop owner\n"
    )


def test_mermaid_problems_point_at_their_lines(tmp_path: Path) -> None:
    source = tmp_path / "bad.mmd"
    source.write_text(
        "journey\n  title Bad\n  Early task: 3: Me\n  section One\n    Too good: 7: Me\n    Not a task\n",
        encoding="utf-8",
    )
    result = cli("validate", source)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{source}:3: [cjm.mermaid] task 'Early task' comes before any section; it opens one"
    assert lines[1].startswith(f"{source}:5: [cjm.emotion] task 'Too good': Mermaid score: emotion 7 is outside")
    assert (
        lines[2] == f"{source}:6: [cjm.mermaid] statement 'Not a task' is not a title, section or task; it is left out"
    )
    not_mermaid = tmp_path / "flow.mmd"
    not_mermaid.write_text("flowchart LR\n  A --> B\n", encoding="utf-8")
    result = cli("validate", not_mermaid)
    assert result.returncode == 1
    assert "[cjm.mermaid] not a Mermaid journey diagram" in result.stderr


@pytest.mark.parametrize("suffix", [".rst", ".md"])
def test_mermaid_file_and_its_conversion_build_the_same_table(make_app, tmp_path: Path, suffix: str) -> None:
    (tmp_path / "day.mmd").write_text(WORKING_DAY, encoding="utf-8")
    assert (
        cli("convert", "--from", "mermaid", tmp_path / "day.mmd", "-o", tmp_path / f"converted{suffix}").returncode == 0
    )
    tables = {}
    for name, page in {
        "from-file": ("index.rst", "Day\n===\n\n.. journey::\n   :file: day.mmd\n"),
        "converted": (f"index{suffix}", (tmp_path / f"converted{suffix}").read_text(encoding="utf-8")),
    }.items():
        srcdir = tmp_path / name
        srcdir.mkdir()
        (srcdir / "conf.py").write_text('extensions = ["myst_parser", "sphinx_cjm"]\nshow_warning_types = True\n')
        (srcdir / "day.mmd").write_text(WORKING_DAY, encoding="utf-8")
        (srcdir / page[0]).write_text(page[1], encoding="utf-8")
        app = make_app("html", srcdir=srcdir)
        app.build()
        app.cleanup()
        assert "WARNING" not in app._warning.getvalue(), app._warning.getvalue()
        [table] = Tables.read(Path(app.outdir) / "index.html", "cjm-journey-table")
        tables[name] = [row.cells for row in table]
    assert tables["from-file"] == tables["converted"]
    header, *rows = tables["converted"]
    assert header[1:] == ["Go to work", "Go home"]
    by_lane = {row[0]: row[1:] for row in rows}
    assert by_lane["Touchpoints"] == ["Make tea Go upstairs Do work", "Go downstairs Sit down"]
    assert by_lane["Emotion"] == ["0", "1.75"]  # each stage's mean: (2 + 0 - 2) / 3 and (2 + 1.5) / 2
