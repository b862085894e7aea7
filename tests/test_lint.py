"""Coverage lint: each ``cjm_lint`` switch gives ``cjm.coverage`` warnings at the object's file and line."""

from __future__ import annotations

import re
import time

import pytest

#: What each switch finds in tests/roots/test-lint: (file, line, text).
FINDINGS = {
    "stage-without-touchpoints": [
        ("elsewhere.rst", 4, "journey 'doors': stage 'doors-installation' has no touchpoints")
    ],
    "barrier-without-solution": [
        # the second :barriers: item has no second :solutions: item; a touchpoint barrier with no :solution:
        (
            "index.rst",
            23,
            "journey 'doors', stage 'doors-search': barrier 'Does not know which lock class is enough' has no solution",
        ),
        (
            "index.rst",
            39,
            "journey 'doors', stage 'doors-measuring': barrier 'Measurer is two hours late' has no solution",
        ),
    ],
    "touchpoint-without-emotion": [("index.rst", 39, "touchpoint 'doors-measurer' has no emotion")],
    # doors-measuring has a :kpis: item, complaints-call a touchpoint :kpi:: only the empty stage is reported
    "stage-without-kpi": [("elsewhere.rst", 4, "journey 'doors': stage 'doors-installation' has no KPI")],
    "journey-without-persona": [("index.rst", 45, "journey 'complaints' has no persona")],
}


def coverage_warnings(app) -> list[str]:
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", w) for w in app._warning.getvalue().splitlines()]
    return [w for w in lines if "[cjm.coverage]" in w]


def expected_lines(switch: str) -> list[str]:
    return [f"{f}:{line}: WARNING: {text} [lint: {switch}] [cjm.coverage]" for f, line, text in FINDINGS[switch]]


def assert_findings(app, switches: list[str]) -> None:
    found = coverage_warnings(app)
    expected = [line for switch in switches for line in expected_lines(switch)]
    assert len(found) == len(expected), found
    for warning, line in zip(found, expected, strict=True):
        assert warning.endswith(line), (warning, line)


@pytest.mark.sphinx("html", testroot="lint", freshenv=True)
def test_lint_is_off_by_default(app):
    app.build()
    assert coverage_warnings(app) == []
    assert "WARNING" not in app._warning.getvalue()


@pytest.mark.parametrize(
    "switch",
    [
        pytest.param(
            s, marks=pytest.mark.sphinx("html", testroot="lint", freshenv=True, confoverrides={"cjm_lint": [s]})
        )
        for s in FINDINGS
    ],
)
def test_each_switch_alone(app, switch):
    app.build()
    assert_findings(app, [switch])


@pytest.mark.sphinx("html", testroot="lint", freshenv=True, confoverrides={"cjm_lint": ["all"]})
def test_all_switches_in_switch_order(app):
    app.build()
    assert_findings(app, list(FINDINGS))


@pytest.mark.sphinx(
    "html",
    testroot="lint",
    freshenv=True,
    confoverrides={"cjm_lint": {"journey-without-persona": True, "stage-without-kpi": False, "no-such-check": True}},
)
def test_a_dict_of_switches_and_an_unknown_switch(app):
    app.build()
    assert_findings(app, ["journey-without-persona"])
    assert re.search(r"WARNING: cjm_lint: unknown switch 'no-such-check'.*\[cjm.option\]", app._warning.getvalue())


@pytest.mark.sphinx(
    "html",
    testroot="lint",
    freshenv=True,
    confoverrides={"cjm_lint": ["all"], "suppress_warnings": ["cjm.coverage"]},
)
def test_coverage_warnings_can_be_silenced(app):
    app.build()
    assert coverage_warnings(app) == []


@pytest.mark.sphinx("html", testroot="lint", srcdir="lint-incremental", confoverrides={"cjm_lint": ["all"]})
def test_lint_repeats_on_incremental_builds_and_follows_the_data(app):
    app.build()
    assert_findings(app, list(FINDINGS))
    source = app.srcdir / "index.rst"
    time.sleep(0.01)
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "   :id: complaints\n", "   :id: complaints\n   :persona: flat-owner\n"
        ),
        encoding="utf-8",
    )
    app._warning.seek(0)
    app._warning.truncate()
    app.build()
    # elsewhere.rst was not re-read, yet its stage is still reported; the fixed journey is not.
    assert_findings(app, [s for s in FINDINGS if s != "journey-without-persona"])


@pytest.mark.sphinx("html", testroot="lint", srcdir="lint-parallel", parallel=2, confoverrides={"cjm_lint": ["all"]})
def test_lint_is_the_same_with_parallel_reading(app):
    app.build()
    assert app.parallel == 2 and app.is_parallel_allowed("read")  # so the six documents were read in two processes
    assert_findings(app, list(FINDINGS))
