"""Build the synthetic sites of ``generate.py`` side by side and write the ratios.

For every size and every form, in each repeat: a cold build with ``-j 1``, a cold
build with ``-j 2``, for sphinx_cjm's forms a clean build with the figure cache kept
(``make clean``, or CI with the cache restored), a no-op rebuild, and a rebuild after
editing one touchpoint. Each ``sphinx-build`` is waited for with ``os.wait4``, which
gives the wall time, the CPU time (user + system) of its whole process tree (``-j 2``
workers included) and its peak memory (the largest maximum resident set size of the
process and its workers). Forms are interleaved within each repeat so that noise from
other processes falls on all of them alike; the tables show medians.

The defaults are small (N = 20, one repeat) so that nobody runs N = 1,000 by accident:

    nice python benchmarks/run.py --sizes 20 100 --repeat 3
    nice python benchmarks/run.py --sizes 1000 --forms lean cjm cjm-none --j2-sizes
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sphinx

sys.path.insert(0, str(Path(__file__).parent))
import generate

HERE = Path(__file__).parent
SPHINX_BUILD = str(Path(sys.executable).with_name("sphinx-build"))
STEPS = ("cold-j1", "cold-j2", "cached", "noop", "edit")
FORM_NAMES = {
    "lean": "lean floor",
    "plain": "present floor",
    "plot": "`.. plot::`",
    "cjm": "sphinx_cjm",
    "cjm-compact": "cjm compact",
    "cjm-none": "cjm details none",
    "needs": "sphinx-needs",
}
CJM_FORMS = tuple(generate.CJM_DETAILS)


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    written: list[str] = field(default_factory=list)
    warnings: int = 0


def html_mtimes(outdir: Path) -> dict[str, int]:
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")} if outdir.exists() else {}


def build(site: Path, jobs: int) -> Run:
    """One ``sphinx-build`` of ``site/src``; fails loudly if Sphinx fails, since timing a broken build means nothing."""
    outdir = site / "html"
    before = html_mtimes(outdir)
    command = [SPHINX_BUILD, "-b", "html", "-j", str(jobs), "-q", "-d", str(site / "doctrees"), str(site / "src")]
    command.append(str(outdir))
    with tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        # wait4 reports the child with the workers it waited for: CPU time of the tree, the largest RSS.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors[-3000:]}")
    after = html_mtimes(outdir)
    written = sorted(page for page, mtime in after.items() if before.get(page) != mtime)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, written, errors.count("WARNING"))


def clean(site: Path, *, keep_figure_cache: bool = False) -> None:
    """Remove the output and the doctrees, and unless told otherwise the figure cache beside them."""
    for name in ("html", "doctrees", *(() if keep_figure_cache else ("cjm-figures",))):
        shutil.rmtree(site / name, ignore_errors=True)


def measure(form: str, site: Path, n_pages: int, revision: int, parallel: bool) -> dict[str, Run]:
    runs = {}
    if parallel:
        clean(site)
        runs["cold-j2"] = build(site, 2)
    clean(site)
    runs["cold-j1"] = build(site, 1)
    if form in CJM_FORMS:
        clean(site, keep_figure_cache=True)
        runs["cached"] = build(site, 1)
    runs["noop"] = build(site, 1)
    generate.edit_touchpoint(form, site / "src", n_pages, revision)
    runs["edit"] = build(site, 1)
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


def ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan


def times(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.2f}×"


def verdict(value: float, limit: float, at_least: bool = False) -> str:
    if math.isnan(value):
        return "not measured"
    met = value >= limit if at_least else value <= limit
    return f"{times(value)}: {'met' if met else '**missed**'}"


def content_pages(written: list[str]) -> list[str]:
    """Pages of the site itself (not genindex/search, which Sphinx writes on every build)."""
    return [page.removesuffix(".html") for page in written if page.startswith(("case-", "overview", "index"))]


Results = dict[str, dict[str, list[Run]]]

#: (label, step, attribute, number format) of each measured row.
MEASURES = (
    ("cold build `-j 1`, wall s", "cold-j1", "seconds", ".2f"),
    ("cold build `-j 1`, CPU s", "cold-j1", "cpu_seconds", ".2f"),
    ("cold build `-j 2`, wall s", "cold-j2", "seconds", ".2f"),
    ("cold build `-j 2`, CPU s (all processes)", "cold-j2", "cpu_seconds", ".2f"),
    ("clean build, figure cache kept (others: cold), wall s", "cached", "seconds", ".2f"),
    ("no-op rebuild, wall s", "noop", "seconds", ".2f"),
    ("no-op rebuild, CPU s", "noop", "cpu_seconds", ".2f"),
    ("one touchpoint edited, wall s", "edit", "seconds", ".2f"),
    ("one touchpoint edited, CPU s", "edit", "cpu_seconds", ".2f"),
    ("peak memory, cold `-j 1`, MB", "cold-j1", "peak_mb", ".0f"),
)
#: Ratio columns: (numerator form, denominator form).
RATIOS = (
    ("cjm", "lean"),
    ("cjm-compact", "lean"),
    ("cjm-none", "lean"),
    ("plot", "lean"),
    ("plain", "lean"),
    ("cjm", "plain"),
    ("cjm", "needs"),
)


def medians(results: Results) -> dict[str, Callable[[str, str], float]]:
    """Each form's median of a step and attribute; forms without a figure cache count their cold build as cached."""

    def of(form: str) -> Callable[[str, str], float]:
        def value(step: str, attr: str) -> float:
            runs = results[form][step] or (results[form]["cold-j1"] if step == "cached" else [])
            return median(runs, attr)

        return value

    return {form: of(form) for form in results}


def speedup(m: Callable[[str, str], float]) -> float:
    return ratio(m("cold-j1", "seconds"), m("cold-j2", "seconds"))


def cpu_overhead(m: dict[str, Callable[[str, str], float]], form: str) -> float:
    """CPU time of the ``-j 2`` build over that of ``-j 1``: what parallel work costs, whatever cores it got."""
    return ratio(m[form]("cold-j2", "cpu_seconds"), m[form]("cold-j1", "cpu_seconds"))


def size_tables(n_pages: int, results: Results) -> str:
    forms = [f for f in generate.FORMS if f in results]
    m = medians(results)
    objects = n_pages * (2 + generate.STAGES_PER_JOURNEY * (1 + generate.TOUCHPOINTS_PER_STAGE))
    lines = [
        f"### N = {n_pages} pages ({objects} personas, journeys, stages and touchpoints in the sphinx_cjm forms)",
        "",
        "| measure | " + " | ".join(FORM_NAMES[f] for f in forms) + " |",
        "|---|" + "---:|" * len(forms),
    ]
    for label, step, attr, fmt in MEASURES:
        cells = ["–" if math.isnan(m[f](step, attr)) else format(m[f](step, attr), fmt) for f in forms]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| speed-up `-j 1` → `-j 2` (wall) | " + " | ".join(times(speedup(m[f])) for f in forms) + " |")
    written = {f: sorted({p for r in results[f]["edit"] for p in content_pages(r.written)}) for f in forms}
    lines.append(
        "| pages rewritten after the edit | "
        + " | ".join(f"{len(w)}" + (f" ({', '.join(w)})" if len(w) <= 3 else "") for w in written.values())
        + " |"
    )
    noop = {f: max((len(content_pages(r.written)) for r in results[f]["noop"]), default=0) for f in forms}
    lines.append("| pages rewritten by the no-op | " + " | ".join(str(noop[f]) for f in forms) + " |")
    warnings = {f: max((r.warnings for step in STEPS for r in results[f][step]), default=0) for f in forms}
    lines.append("| warnings in the build output | " + " | ".join(str(warnings[f]) for f in forms) + " |")

    pairs = [(a, b) for a, b in RATIOS if a in results and b in results]
    if pairs:
        lines += [
            "",
            "| ratio | " + " | ".join(f"{FORM_NAMES[a]} / {FORM_NAMES[b]}" for a, b in pairs) + " |",
            "|---|" + "---:|" * len(pairs),
        ]
        for label, step, attr, _ in MEASURES:
            cells = [times(ratio(m[a](step, attr), m[b](step, attr))) for a, b in pairs]
            lines.append(
                f"| {label.rsplit(',', 1)[0]}{', CPU' if attr == 'cpu_seconds' else ''} | " + " | ".join(cells) + " |"
            )
        lines.append(
            "| speed-up `-j 1` → `-j 2` | "
            + " | ".join(times(ratio(speedup(m[a]), speedup(m[b]))) for a, b in pairs)
            + " |"
        )
    lines += ["", goals_table(results, m, written), ""]
    return "\n".join(lines)


def goals_table(results: Results, m: dict[str, Callable[[str, str], float]], written: dict[str, list[str]]) -> str:
    """The goals of issue 15, met or missed at this size (against the lean floor unless said)."""
    nan = math.nan

    def rel(a: str, b: str, step: str, attr: str = "seconds") -> float:
        return ratio(m[a](step, attr), m[b](step, attr)) if a in m and b in m else nan

    def both(a: str, b: str, step: str, limit: float) -> str:
        return f"wall {verdict(rel(a, b, step), limit)}; CPU {verdict(rel(a, b, step, 'cpu_seconds'), limit)}"

    rows = [
        ("cold `-j 1` ≤ 1.3× lean, default rendering", both("cjm", "lean", "cold-j1", 1.3)),
        ("cold `-j 1` ≤ 0.5× sphinx-needs", both("cjm", "needs", "cold-j1", 0.5)),
        ("cold `-j 1` ≤ 1.05× lean, details off", both("cjm-none", "lean", "cold-j1", 1.05)),
        ("no-op ≤ 1.1× lean", both("cjm", "lean", "noop", 1.1)),
        ("one touchpoint edited ≤ 1.2× lean", both("cjm", "lean", "edit", 1.2)),
        ("peak memory (cold) ≤ 1.3× lean", verdict(rel("cjm", "lean", "cold-j1", "peak_mb"), 1.3)),
        (
            "`-j 2` speed-up (wall) ≥ lean's",
            verdict(ratio(speedup(m["cjm"]), speedup(m["lean"])) if "cjm" in m and "lean" in m else nan, 1.0, True),
        ),
        (
            "`-j 2` CPU overhead (CPU `-j 2` ÷ CPU `-j 1`) ≤ lean's",
            verdict(ratio(cpu_overhead(m, "cjm"), cpu_overhead(m, "lean")) if "cjm" in m and "lean" in m else nan, 1.0),
        ),
    ]
    if "cjm" in written:
        showing = {"case-000", "overview", "index"}  # index: Sphinx rewrites the toctree parent of a changed page
        rows.append(
            (
                "the edit rewrites only the pages showing the journey",
                "met" if set(written["cjm"]) <= showing else f"**missed**: {', '.join(written['cjm'])}",
            )
        )
    return "| goal | result |\n|---|---|\n" + "\n".join(f"| {goal} | {result} |" for goal, result in rows)


def scaling_table(all_results: dict[int, Results]) -> str:
    """Per page: each form's cold `-j 1` time and memory, and what sphinx_cjm adds over the lean floor."""
    sizes = sorted(all_results)
    forms = [f for f in generate.FORMS if all(f in all_results[n] for n in sizes)]

    def rows(
        of_forms: list[str], cells: Callable[[dict[str, Callable[[str, str], float]], str, int], list[str]]
    ) -> list[str]:
        """A row per size N: ``cells(medians at N, form, N)`` of each of ``of_forms``."""
        return [
            f"| {n} | " + " | ".join(cell for f in of_forms for cell in cells(medians(all_results[n]), f, n)) + " |"
            for n in sizes
        ]

    lines = [
        "### Scaling: cold build `-j 1` per page",
        "",
        "| N | " + " | ".join(f"{FORM_NAMES[f]} ms/page (CPU) | MB" for f in forms) + " |",
        "|---:|" + "---:|---:|" * len(forms),
        *rows(
            forms,
            lambda m, f, n: [
                f"{1000 * m[f]('cold-j1', 'seconds') / n:.0f} ({1000 * m[f]('cold-j1', 'cpu_seconds') / n:.0f})",
                f"{m[f]('cold-j1', 'peak_mb'):.0f}",
            ],
        ),
    ]
    extra = [f for f in forms if f != "lean" and "lean" in forms]
    if extra:
        lines += [
            "",
            "What each form adds to the lean floor, per page (CPU ms; MB of peak memory):",
            "",
            "| N | " + " | ".join(f"{FORM_NAMES[f]} ms | {FORM_NAMES[f]} MB" for f in extra) + " |",
            "|---:|" + "---:|---:|" * len(extra),
            *rows(
                extra,
                lambda m, f, n: [
                    f"{1000 * (m[f]('cold-j1', 'cpu_seconds') - m['lean']('cold-j1', 'cpu_seconds')) / n:.0f}",
                    f"{(m[f]('cold-j1', 'peak_mb') - m['lean']('cold-j1', 'peak_mb')) / n:.2f}",
                ],
            ),
        ]
    return "\n".join(lines) + "\n"


def compile_sphinx_cjm() -> None:
    """Byte-compile sphinx_cjm, as installing a wheel does, for an editable install too.

    Without its ``.pyc`` files (an editable install where ``PYTHONDONTWRITEBYTECODE`` is
    set, as on CI machines) every build compiles sphinx_cjm's sources again: 0.1 s more than
    Sphinx and sphinx-needs, which their install compiled, charged to every no-op rebuild.
    """
    import compileall

    import sphinx_cjm

    compileall.compile_dir(Path(sphinx_cjm.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--forms", nargs="+", choices=generate.FORMS, default=list(generate.FORMS))
    parser.add_argument("--workdir", type=Path, default=HERE / "_work")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    parser.add_argument("--j2-sizes", type=int, nargs="*", help="sizes with a cold -j 2 build (default: all)")
    args = parser.parse_args()

    compile_sphinx_cjm()
    info = machine()
    command = f"python benchmarks/run.py --sizes {' '.join(map(str, args.sizes))} --repeat {args.repeat}"
    if args.forms != list(generate.FORMS):
        command += f" --forms {' '.join(args.forms)}"
    if args.j2_sizes is not None:
        command += f" --j2-sizes {' '.join(map(str, args.j2_sizes))}"
    all_results: dict[int, Results] = {}
    for n_pages in args.sizes:
        results: Results = {}
        all_results[n_pages] = results
        for form in args.forms:
            generate.write_site(form, n_pages, args.workdir / str(n_pages) / form / "src")
        for repeat in range(args.repeat):
            for form in args.forms:
                site = args.workdir / str(n_pages) / form
                parallel = args.j2_sizes is None or n_pages in args.j2_sizes
                runs = measure(form, site, n_pages, repeat + 1, parallel)
                for step in STEPS:
                    results.setdefault(form, {}).setdefault(step, []).extend([runs[step]] if step in runs else [])
                summary = ", ".join(
                    f"{step} {run.seconds:.2f}s (CPU {run.cpu_seconds:.2f}s) {run.peak_mb:.0f}MB"
                    for step, run in runs.items()
                )
                print(
                    f"N={n_pages} repeat {repeat + 1} {form}: {summary}; edit wrote {content_pages(runs['edit'].written)}",
                    flush=True,
                )
                # Written after every form, so an interrupted run still leaves what it measured.
                write_results(args.output, command, args.repeat, info, all_results)
    print(args.output.read_text(encoding="utf-8"))


def write_results(
    output: Path, command: str, repeat: int, info: dict[str, str], all_results: dict[int, Results]
) -> None:
    """The tables of what has been measured so far (markdown), and the raw runs beside them (JSON)."""
    info = {**info, "load now": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    text = [
        f"<!-- written by benchmarks/run.py on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} -->",
        f"Command: `{command}` (medians of {repeat}).",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()) + ".",
        "",
    ]
    text += [size_tables(n, results) for n, results in all_results.items() if results]
    if len(all_results) > 1:
        text.append(scaling_table({n: results for n, results in all_results.items() if results}))
    output.write_text("\n".join(text), encoding="utf-8")
    raw = {
        n: {f: {s: [asdict(r) for r in runs] for s, runs in steps.items()} for f, steps in res.items()}
        for n, res in all_results.items()
    }
    output.with_suffix(".json").write_text(json.dumps({"machine": info, "results": raw}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
