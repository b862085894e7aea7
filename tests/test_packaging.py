"""The built wheel carries everything the extension reads at run time, and the licence."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent.parent
PACKAGE = PROJECT / "sphinx_cjm"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    # A copy of the sources: setuptools writes build/ and *.egg-info next to what it builds.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(PROJECT / name, source / name)
    shutil.copytree(PACKAGE, source / "sphinx_cjm", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Deprecat" not in result.stderr, result.stderr
    [built] = out.glob("sphinx_cjm-*.whl")
    return zipfile.ZipFile(built)


def files_under(folder: str, pattern: str) -> set[str]:
    return {path.relative_to(PROJECT).as_posix() for path in (PROJECT / folder).glob(pattern)}


def test_wheel_holds_static_files_catalogs_schema_samples_and_marker(wheel: zipfile.ZipFile) -> None:
    wheel_names = set(wheel.namelist())
    expected = {
        "static": files_under("sphinx_cjm/static", "*"),
        "catalogs": files_under("sphinx_cjm/locale", "*/LC_MESSAGES/*.mo"),
        "schema": files_under("sphinx_cjm/schema", "*.json"),
        "samples of sphinx-cjm new": files_under("sphinx_cjm/samples", "*.yaml"),
    }
    for kind, names in expected.items():
        assert names, f"no {kind} in the source tree"
        assert names <= wheel_names, f"{kind} missing from the wheel: {sorted(names - wheel_names)}"
    assert "sphinx_cjm/locale/ru/LC_MESSAGES/sphinx_cjm.mo" in wheel_names
    assert "sphinx_cjm/py.typed" in wheel_names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in wheel_names)


def test_wheel_metadata_has_the_spdx_licence(wheel: zipfile.ZipFile) -> None:
    [metadata] = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    fields = wheel.read(metadata).decode().partition("\n\n")[0].splitlines()
    assert "License-Expression: MIT" in fields
    assert "License-File: LICENSE" in fields
