"""``sphinx-cjm new`` starts a project that builds with -W; ``sphinx-cjm validate`` checks RST and MyST documents."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from tablesparse import Tables

from sphinx_cjm import files, i18n, model, scaffold
from sphinx_cjm.templates import BUILTIN_TEMPLATES


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_cjm", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.mark.parametrize("template", list(BUILTIN_TEMPLATES))
@pytest.mark.parametrize("language", scaffold.LANGUAGES)
def test_samples_follow_their_stage_template(template: str, language: str) -> None:
    loaded = files.load(scaffold.SAMPLES_DIR / f"{template}.{language}.yaml")
    assert loaded.problems == [] and loaded.journey is not None
    english = BUILTIN_TEMPLATES[template]
    labels = i18n.labels_for(language)
    assert [s.stage.id for s in loaded.stages] == [f"{loaded.journey.id}-{model.slugify(t)}" for t in english]
    assert [s.stage.title for s in loaded.stages] == [labels.gettext(t) for t in english]
    assert all(t.touchpoint.emotion is not None for s in loaded.stages for t in s.touchpoints)
    # One action a stage: a comma inside an item must not split it (YAML's flow lists would).
    assert all(len(s.stage.lanes["actions"]) == 1 for s in loaded.stages)


@pytest.mark.parametrize(
    ("language", "markup", "template", "lane"),
    [
        ("en", "rst", "retail", "Actions"),
        ("ru", "md", "normative", "Действия"),
        ("en", "md", "classic", "Actions"),
        ("ru", "rst", "retail", "Действия"),
    ],
)
def test_new_project_builds_with_W_and_shows_the_map(
    tmp_path: Path, language: str, markup: str, template: str, lane: str
) -> None:
    project = tmp_path / "maps"
    result = cli("new", project, "--language", language, "--format", markup, "--template", template)
    assert result.returncode == 0, result.stderr
    suffix = scaffold.FORMATS[markup]
    assert {p.name for p in project.iterdir()} == {
        "conf.py",
        f"index{suffix}",
        f"journey{suffix}",
        f"registers{suffix}",
    }
    assert f"Build it: cd {project} && sphinx-build -W -b html . _build/html" in result.stdout
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", ".", "_build/html"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    assert build.stderr == ""
    html = (project / "_build" / "html" / "journey.html").read_text(encoding="utf-8")
    [table] = Tables(html, "cjm-journey-table").tables
    header, *rows = [row.cells for row in table]
    sample = scaffold.sample(template, language)
    assert header[1:] == [s.stage.title for s in sample.stages]
    assert rows[0][0] == lane
    assert re.search(r'class="[^"]*\bcjm-emotion-curve\b', html)
    assert f'<html lang="{language}"' in html
    registers = (project / "_build" / "html" / "registers.html").read_text(encoding="utf-8")
    assert "cjm-touchpoint-index" in registers and "cjm-barrier-list" in registers


def test_new_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("new", tmp_path)
    assert result.returncode == 2
    assert "exists and is not an empty folder" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


BAD_RST = """\
Trip
====

.. journey:: Trip
   :id: trip

   .. stage:: Start
      :id: trip-start
      :emotion: 9

.. touchpoint:: Ticket
   :stage: trip-nowhere
   :emotion: 1
"""

BAD_MD = """\
# Trip

```{journey} Trip
:id: trip

~~~{stage} Start
:id: trip-start
:emotion: 9
~~~
```

```{touchpoint} Ticket
:stage: trip-nowhere
:emotion: 1
```
"""


@pytest.mark.parametrize(
    ("name", "text", "emotion_line", "ref_line"), [("trip.rst", BAD_RST, 7, 11), ("trip.md", BAD_MD, 6, 12)]
)
def test_validate_reports_each_problem_of_a_document_at_its_line(
    tmp_path: Path, name: str, text: str, emotion_line: int, ref_line: int
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = cli("validate", name, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{name}:{emotion_line}: [cjm.emotion] stage: emotion 9 is outside the scale -2..2; it is ignored",
        f"{name}:{ref_line}: [cjm.ref] touchpoint 'trip-nowhere-ticket': unknown stage 'trip-nowhere'",
    ]
    assert list(tmp_path.iterdir()) == [tmp_path / name]  # nothing written beside the document


def test_validate_checks_a_document_in_its_project(tmp_path: Path) -> None:
    """References to other pages of the project resolve; problems in a journey file the page reads are reported."""
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_cjm"]\ncjm_emotion_scale = (0, 10)\n', encoding="utf-8")
    (tmp_path / "index.rst").write_text(
        "Maps\n====\n\n.. toctree::\n\n   map\n   more\n\n.. journey:: Trip\n   :id: trip\n", encoding="utf-8"
    )
    (tmp_path / "map.rst").write_text(
        "Map\n===\n\n.. stage:: Start\n   :journey: trip\n   :emotion: 8\n\n.. journey::\n   :file: day.yaml\n",
        encoding="utf-8",
    )
    (tmp_path / "day.yaml").write_text("title: Day\nstages:\n  - title: Morning\n    emotion: 11\n", encoding="utf-8")
    (tmp_path / "more.rst").write_text("More\n====\n\nSee :journey:`nowhere`.\n", encoding="utf-8")
    result = cli("validate", "map.rst", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "day.yaml:4: [cjm.emotion] journey file: stages[0].emotion: emotion 11 is outside the scale 0..10; it is ignored"
    ]
    assert result.returncode == 1
    result = cli("validate", "index.rst", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "OK: 1 file valid\n"
