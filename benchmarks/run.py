"""Build the synthetic sites of ``generate.py`` side by side and write the ratios.

For every size and every form, in each repeat: a cold build with ``-j 1``, a cold
build with ``-j 2``, a no-op rebuild, and a rebuild after editing one touchpoint.
Wall time is measured around ``sphinx-build``; peak memory (max RSS of the largest
process) comes from GNU ``/usr/bin/time -v``. Forms are interleaved within each
repeat so that noise from other processes falls on all of them alike; the table
shows medians.

    python benchmarks/run.py --sizes 20 100 500 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sphinx

sys.path.insert(0, str(Path(__file__).parent))
import generate

HERE = Path(__file__).parent
SPHINX_BUILD = str(Path(sys.executable).with_name("sphinx-build"))
GNU_TIME = "/usr/bin/time"
STEPS = ("cold-j1", "cold-j2", "noop", "edit")
FORM_NAMES = {"plain": "plain reST", "cjm": "sphinx_cjm", "needs": "sphinx-needs"}


@dataclass
class Run:
    seconds: float
    peak_mb: float
    written: list[str] = field(default_factory=list)
    warnings: int = 0


def html_mtimes(outdir: Path) -> dict[str, int]:
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")} if outdir.exists() else {}


def build(srcdir: Path, outdir: Path, jobs: int) -> Run:
    """One ``sphinx-build``; fails loudly if Sphinx fails, since timing a broken build means nothing."""
    before = html_mtimes(outdir)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        command = [
            GNU_TIME,
            "-v",
            "-o",
            timing.name,
            SPHINX_BUILD,
            "-b",
            "html",
            "-j",
            str(jobs),
            "-q",
            str(srcdir),
            str(outdir),
        ]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        report = timing.read()
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1))
    after = html_mtimes(outdir)
    written = sorted(page for page, mtime in after.items() if before.get(page) != mtime)
    return Run(seconds, peak_kb / 1024, written, done.stderr.count("WARNING"))


def measure(form: str, srcdir: Path, outdir: Path, n_pages: int, revision: int, parallel: bool) -> dict[str, Run]:
    runs = {}
    for step, jobs in (("cold-j1", 1), ("cold-j2", 2))[: 2 if parallel else 1]:
        shutil.rmtree(outdir, ignore_errors=True)
        runs[step] = build(srcdir, outdir, jobs)
    runs["noop"] = build(srcdir, outdir, 1)
    generate.edit_touchpoint(form, srcdir, n_pages, revision)
    runs["edit"] = build(srcdir, outdir, 1)
    return runs


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "python": platform.python_version(),
        "sphinx": sphinx.__version__,
        "sphinx-needs": subprocess.run(
            [sys.executable, "-c", "import sphinx_needs; print(sphinx_needs.__version__)"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs) if runs else math.nan


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b and not math.isnan(a / b) else "–"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def content_pages(written: list[str]) -> list[str]:
    """Pages of the site itself (not genindex/search, which Sphinx writes on every build)."""
    return [page.removesuffix(".html") for page in written if page.startswith(("case-", "overview", "index"))]


def size_table(n_pages: int, results: dict[str, dict[str, list[Run]]]) -> str:
    forms = [f for f in ("plain", "cjm", "needs") if f in results]
    med = {f: {step: median(results[f][step], "seconds") for step in STEPS} for f in forms}
    mem = {f: median(results[f]["cold-j1"], "peak_mb") for f in forms}
    objects = n_pages * (2 + generate.STAGES_PER_JOURNEY * (1 + generate.TOUCHPOINTS_PER_STAGE))
    lines = [
        f"### N = {n_pages} pages ({objects} personas, journeys, stages and touchpoints)",
        "",
        "| measure | " + " | ".join(FORM_NAMES[f] for f in forms) + " | cjm / plain | cjm / needs | goal |",
        "|---|" + "---:|" * len(forms) + "---:|---:|---|",
    ]

    def row(label: str, values: dict[str, float], fmt: str, goal: str = "") -> None:
        cells = ["–" if math.isnan(values[f]) else format(values[f], fmt) for f in forms]
        rel_plain = ratio(values["cjm"], values["plain"]) if "plain" in values and "cjm" in values else "–"
        rel_needs = ratio(values["cjm"], values["needs"]) if "needs" in values and "cjm" in values else "–"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {rel_plain} | {rel_needs} | {goal} |")

    has = {"plain", "cjm", "needs"}.issubset(forms)
    cold = med.get("cjm", {}).get("cold-j1", 0)
    goal_cold = ""
    if has:
        goal_cold = f"≤ 1.3× plain: {verdict(cold <= 1.3 * med['plain']['cold-j1'])}; ≤ 0.5× needs: {verdict(cold <= 0.5 * med['needs']['cold-j1'])}"
    row("cold build `-j 1`, s", {f: med[f]["cold-j1"] for f in forms}, ".2f", goal_cold)
    row("cold build `-j 2`, s", {f: med[f]["cold-j2"] for f in forms}, ".2f")
    speedup = {f: med[f]["cold-j1"] / med[f]["cold-j2"] for f in forms}
    goal_j2 = f"≥ 1.5× at N = 100: {verdict(speedup['cjm'] >= 1.5)}" if n_pages == 100 and "cjm" in forms else ""
    row("speed-up `-j 1` → `-j 2`", speedup, ".2f", goal_j2)
    goal_noop = f"≤ 1.1× plain: {verdict(med['cjm']['noop'] <= 1.1 * med['plain']['noop'])}" if has else ""
    row("no-op rebuild, s", {f: med[f]["noop"] for f in forms}, ".2f", goal_noop)
    row("rebuild after editing one touchpoint, s", {f: med[f]["edit"] for f in forms}, ".2f")
    row("peak memory, cold `-j 1`, MB", mem, ".0f")
    written = {f: sorted({p for r in results[f]["edit"] for p in content_pages(r.written)}) for f in forms}
    lines.append(
        "| pages rewritten after the edit | "
        + " | ".join(
            f"{len(written[f])}" + (f" ({', '.join(written[f])})" if len(written[f]) <= 3 else "") for f in forms
        )
        + " | | | only the pages showing the journey (case-000, overview) |"
    )
    noop_written = {f: max(len(content_pages(r.written)) for r in results[f]["noop"]) for f in forms}
    lines.append(
        "| pages rewritten by a no-op rebuild | " + " | ".join(str(noop_written[f]) for f in forms) + " | | | 0 |"
    )
    warnings = {f: max(r.warnings for step in STEPS for r in results[f][step]) for f in forms}
    lines.append("| warnings in the build output | " + " | ".join(str(warnings[f]) for f in forms) + " | | | 0 |")
    return "\n".join(lines) + "\n"


def scaling_table(all_results: dict[int, dict[str, dict[str, list[Run]]]]) -> str:
    sizes = sorted(all_results)
    forms = [f for f in ("plain", "cjm", "needs") if f in all_results[sizes[0]]]
    lines = [
        "### Scaling: cold build `-j 1` per page, and peak memory",
        "",
        "| N | " + " | ".join(f"{FORM_NAMES[f]} ms/page | {FORM_NAMES[f]} MB" for f in forms) + " |",
        "|---:|" + "---:|---:|" * len(forms),
    ]
    for n in sizes:
        cells = []
        for f in forms:
            runs = all_results[n][f]["cold-j1"]
            cells += [f"{1000 * median(runs, 'seconds') / n:.0f}", f"{median(runs, 'peak_mb'):.0f}"]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100, 500])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--forms", nargs="+", choices=generate.FORMS, default=list(generate.FORMS))
    parser.add_argument("--workdir", type=Path, default=HERE / "_work")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    parser.add_argument("--j2-sizes", type=int, nargs="*", help="sizes with a cold -j 2 build (default: all)")
    args = parser.parse_args()
    if not Path(GNU_TIME).exists():
        raise SystemExit("GNU time is needed for peak memory: apt-get install time")

    info = machine()
    all_results: dict[int, dict[str, dict[str, list[Run]]]] = {}
    for n_pages in args.sizes:
        results: dict[str, dict[str, list[Run]]] = {f: {step: [] for step in STEPS} for f in args.forms}
        for form in args.forms:
            generate.write_site(form, n_pages, args.workdir / str(n_pages) / form / "src")
        for repeat in range(args.repeat):
            for form in args.forms:
                site = args.workdir / str(n_pages) / form
                parallel = args.j2_sizes is None or n_pages in args.j2_sizes
                runs = measure(form, site / "src", site / "html", n_pages, repeat + 1, parallel)
                for step, run in runs.items():
                    results[form][step].append(run)
                summary = ", ".join(f"{step} {run.seconds:.2f}s {run.peak_mb:.0f}MB" for step, run in runs.items())
                print(
                    f"N={n_pages} repeat {repeat + 1} {form}: {summary}; edit wrote {content_pages(runs['edit'].written)}",
                    flush=True,
                )
        all_results[n_pages] = results
    info["load at the end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())

    command = f"python benchmarks/run.py --sizes {' '.join(map(str, args.sizes))} --repeat {args.repeat}"
    if args.forms != list(generate.FORMS):
        command += f" --forms {' '.join(args.forms)}"
    if args.j2_sizes is not None:
        command += f" --j2-sizes {' '.join(map(str, args.j2_sizes))}"
    text = [
        f"<!-- written by benchmarks/run.py on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} -->",
        f"Command: `{command}` (medians of {args.repeat}).",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()) + ".",
        "",
    ]
    text += [size_table(n, all_results[n]) for n in args.sizes]
    if len(args.sizes) > 1:
        text.append(scaling_table(all_results))
    args.output.write_text("\n".join(text), encoding="utf-8")
    raw = {
        n: {f: {s: [asdict(r) for r in runs] for s, runs in steps.items()} for f, steps in res.items()}
        for n, res in all_results.items()
    }
    args.output.with_suffix(".json").write_text(
        json.dumps({"machine": info, "results": raw}, indent=1), encoding="utf-8"
    )
    print("\n".join(text))


if __name__ == "__main__":
    main()
