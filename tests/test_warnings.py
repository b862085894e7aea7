"""Every problem in the input is a ``cjm.*`` warning at its file and line; nothing crashes."""

from __future__ import annotations

import re

import pytest
from buildresult import warning_lines

EXPECTED = [
    ("index.rst", 8, "cjm.option", "unknown lane 'feelings'"),
    ("index.rst", 14, "cjm.emotion", "emotion 9 is outside the scale -2..2"),
    ("index.rst", 18, "cjm.option", "unknown channel 'telepathy'"),
    ("index.rst", 18, "cjm.emotion", "emotion very happy is not a number"),
    ("index.rst", 26, "cjm.option", "'orphan' is not inside a journey and has no :journey: option"),
    ("index.rst", 29, "cjm.option", "'orphan-tp' is not inside a stage and has no :stage: option"),
    ("index.rst", 40, "cjm.option", "id 'bad id!' may hold only ASCII letters"),
    ("index.rst", 23, "cjm.duplicate", "duplicate touchpoint id 'clinic-reception'"),
    ("other.rst", 4, "cjm.duplicate", "duplicate touchpoint id 'clinic-reception'"),
    ("index.rst", 8, "cjm.ref", "journey 'clinic': unknown persona 'nobody'"),
    ("index.rst", 8, "cjm.ref", ":stages: names 'clinic-ghost', not a stage of this journey"),
    ("index.rst", 36, "cjm.ref", "stage 'lost-stage': unknown journey 'nowhere'"),
    ("index.rst", 32, "cjm.ref", "touchpoint 'lost': unknown stage 'nowhere'"),
    ("index.rst", 45, "cjm.ref", "journey-table: unknown journey id 'missing'"),
    ("index.rst", 43, "cjm.ref", "unknown journey id 'nothing'"),
    ("index.rst", 43, "cjm.ref", "unknown touchpoint id 'void'"),
]


@pytest.mark.sphinx("html", testroot="warnings")
def test_each_problem_is_a_typed_warning_with_its_location(app):
    app.build()
    lines = warning_lines(app)
    for filename, line, subtype, text in EXPECTED:
        pattern = re.compile(rf"{re.escape(filename)}:{line}: WARNING: .*{re.escape(text)}.* \[{re.escape(subtype)}\]$")
        assert any(pattern.search(w) for w in lines), (filename, line, text, lines)
    # Each problem is reported once, and every warning is ours.
    assert len(lines) == len(EXPECTED)
    assert all(w.endswith("]") and "[cjm." in w for w in lines)


@pytest.mark.sphinx("html", testroot="warnings")
def test_broken_input_still_builds_the_rest(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "The rest of the page still builds." in html
    assert "Traceback" not in app._status.getvalue() + app._warning.getvalue()
    # Bad values are dropped, the objects stay: the receptionist is listed without an emotion.
    assert 'id="clinic-reception"' in html
    assert "cjm-journey-table" in html


@pytest.mark.sphinx("html", testroot="warnings", confoverrides={"suppress_warnings": ["cjm.ref", "cjm.duplicate"]})
def test_a_warning_type_can_be_silenced(app):
    app.build()
    lines = warning_lines(app)
    assert lines and not any("[cjm.ref]" in w or "[cjm.duplicate]" in w for w in lines)
    assert any("[cjm.emotion]" in w for w in lines)
