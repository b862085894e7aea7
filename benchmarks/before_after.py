"""No-op and one-touchpoint-edit rebuilds of one built site, with two versions of sphinx_cjm, alternately.

    git worktree add /tmp/before <commit>
    python benchmarks/before_after.py benchmarks/_work/100/cjm --before /tmp/before --after . --rounds 3

The site is one ``run.py`` built (``src``, ``doctrees``, ``html``). Each version gets its own
copy of it, so neither reads what the other wrote (the export's formatted objects, say).
Sphinx refuses an environment read from another source directory, and reading 1,000 pages
again takes a quarter of an hour; so each build runs in a private mount namespace
(``unshare -m``, Linux, as root) where its copy's ``src`` is mounted on the site's own
``src``. Each version first rebuilds its copy once after an edit, then each round times a
no-op and an edit, versions in turn (the first goes first in odd rounds). Prints the CPU
seconds of every build and the medians.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import generate


def build(copy: Path, srcdir: Path, code: Path) -> float:
    """CPU seconds of ``sphinx-build`` of ``copy`` with the sphinx_cjm of ``code``, ``copy/src`` seen at ``srcdir``."""
    command = (
        f"mount --bind {copy / 'src'} {srcdir} && exec {sys.executable} -m sphinx -q -b html"
        f" -d {copy / 'doctrees'} {srcdir} {copy / 'html'}"
    )
    process = subprocess.Popen(
        ["unshare", "-m", "sh", "-c", command],
        env={**os.environ, "PYTHONPATH": str(code)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"the build of {copy} with {code} failed ({status})")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a site run.py built: benchmarks/_work/N/FORM")
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the earlier code")
    parser.add_argument("--after", type=Path, required=True, help="a checkout of the later code")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = args.site.resolve()
    form, n_pages = site.name, int(site.parent.name)
    codes = {"before": args.before.resolve(), "after": args.after.resolve()}
    copies = {}
    for name, code in codes.items():
        compileall.compile_dir(code / "sphinx_cjm", quiet=1)  # as installed: see run.compile_sphinx_cjm
        copies[name] = copy = site.parent / f"{form}-{name}"
        if not copy.exists():
            shutil.copytree(site, copy, symlinks=True)
        generate.edit_touchpoint(form, copy / "src", n_pages, 1000)
        build(copy, site / "src", code)
    seconds: dict[str, dict[str, list[float]]] = {name: {"no-op": [], "edit": []} for name in codes}
    for round_ in range(args.rounds):
        for name in list(codes)[:: 1 if round_ % 2 == 0 else -1]:
            seconds[name]["no-op"].append(build(copies[name], site / "src", codes[name]))
            generate.edit_touchpoint(form, copies[name] / "src", n_pages, 1001 + round_)
            seconds[name]["edit"].append(build(copies[name], site / "src", codes[name]))
            print(
                f"round {round_ + 1} {name}: no-op {seconds[name]['no-op'][-1]:.2f} s, "
                f"edit {seconds[name]['edit'][-1]:.2f} s",
                flush=True,
            )
    for step in ("no-op", "edit"):
        medians = {name: statistics.median(seconds[name][step]) for name in codes}
        print(f"{step}: before {medians['before']:.2f} s, after {medians['after']:.2f} s CPU (medians)")


if __name__ == "__main__":
    main()
