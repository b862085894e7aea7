"""Cost per emotion curve: sphinx_cjm against matplotlib's own ``.. plot::`` directive.

usage: python benchmarks/bench_curve.py [--figures N] [--repeat R]

Writes four throw-away Sphinx projects with the same N journeys (7 stages, 14
touchpoints each) and builds each with the HTML builder, ``-E``, one process:

- ``baseline``: the journeys with ``:no-curve:`` (what every variant pays anyway);
- ``sphinx_cjm``: the journeys with their curves (SVG, embedded with links);
- ``plot-svg``: the journeys with ``:no-curve:`` plus one ``.. plot::`` per journey
  drawing the same curve with :func:`sphinx_cjm.curve.draw_into`, written as SVG
  (``plot_formats = ["svg"]``) like sphinx_cjm's;
- ``plot-default``: the same with the plot directive's default formats (PNG,
  high-resolution PNG and PDF), what a site using it for HTML pays.

The cost per figure is (build time - baseline time) / N, the best of R builds.
A last ``sphinx_cjm`` build over the kept output (``-E`` again, files already
there) shows what the cache saves.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

from sphinx.cmd.build import build_main

VARIANTS = ("baseline", "sphinx_cjm", "plot-svg", "plot-default")
STAGES = [
    "Awareness",
    "Choosing a company",
    "Studying the site",
    "Visiting the store",
    "Purchase",
    "Delivery and installation",
    "Repeat purchase",
]


def journey_rst(n: int, curve: bool) -> str:
    lines = [f".. journey:: Journey {n}: buying a front door", f"   :id: j{n}", "   :no-table:"]
    if not curve:
        lines.append("   :no-curve:")
    lines.append("")
    for s, stage in enumerate(STAGES):
        lines += [f"   .. stage:: {stage}", f"      :id: j{n}-s{s}", ""]
        for t in range(2):
            emotion = ((n + 3 * s + 5 * t) % 9 - 4) / 2
            lines += [
                f"      .. touchpoint:: Touchpoint {s}.{t}",
                f"         :id: j{n}-s{s}-t{t}",
                f"         :emotion: {emotion}",
            ]
            if (s + t + n) % 5 == 0:
                lines.append("         :barrier: Waits too long")
            lines.append("")
    return "\n".join(lines) + "\n"


PLOT_CODE = """
.. plot::

   import matplotlib.pyplot as plt
   from sphinx_cjm import curve
   from bench_data import journey
   plotted = curve.plotted_data([journey({n})])
   figure = plt.figure(figsize=curve.figure_size(plotted))
   curve.draw_into(figure, plotted)
"""

BENCH_DATA = '''
"""The journeys of the benchmark as model objects, for the plot directive's code."""
from sphinx_cjm import model

STAGES = {stages!r}


def journey(n):
    stages, touchpoints = [], []
    for s, title in enumerate(STAGES):
        stages.append(model.Stage(f"j{{n}}-s{{s}}", title, f"j{{n}}", nested_index=s))
        for t in range(2):
            emotion = ((n + 3 * s + 5 * t) % 9 - 4) / 2
            barrier = "Waits too long" if (s + t + n) % 5 == 0 else ""
            touchpoints.append(model.Touchpoint(f"j{{n}}-s{{s}}-t{{t}}", f"Touchpoint {{s}}.{{t}}", f"j{{n}}-s{{s}}",
                                                emotion=emotion, barrier=barrier, nested_index=t))
    return model.assemble(model.Journey(f"j{{n}}", f"Journey {{n}}: buying a front door"), None, stages, touchpoints)
'''


def write_project(root: Path, variant: str, figures: int) -> None:
    root.mkdir(parents=True)
    plot = variant.startswith("plot")
    extensions = ["sphinx_cjm"] + (["matplotlib.sphinxext.plot_directive"] if plot else [])
    formats = '["svg"]' if variant == "plot-svg" else '["png", "hires.png", "pdf"]'
    (root / "conf.py").write_text(
        textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(root)!r})
        project = "bench"
        extensions = {extensions!r}
        plot_formats = {formats}
        plot_html_show_formats = False
        plot_html_show_source_link = False
        """)
    )
    (root / "bench_data.py").write_text(BENCH_DATA.format(stages=STAGES))
    pages = []
    for n in range(figures):
        body = f"Journey {n}\n{'=' * (8 + len(str(n)))}\n\n" + journey_rst(n, curve=variant == "sphinx_cjm")
        if plot:
            body += PLOT_CODE.format(n=n)
        (root / f"j{n}.rst").write_text(body)
        pages.append(f"j{n}")
    (root / "index.rst").write_text("Bench\n=====\n\n.. toctree::\n\n" + "".join(f"   {p}\n" for p in pages))


def timed_build(src: Path, out: Path, keep: bool = False) -> float:
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = build_main(["-b", "html", "-E", "-q", "-j", "1", str(src), str(out)])
    elapsed = time.perf_counter() - start
    if status:
        raise SystemExit(f"build of {src} failed")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, default=30, help="curves per build (default 30)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per variant, best taken (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        best: dict[str, float] = {}
        for variant in VARIANTS:
            write_project(base / variant, variant, args.figures)
        timed_build(base / "plot-default", base / "warm-up")  # imports and caches of the first build are nobody's cost
        for _ in range(args.repeat):  # interleaved, so a busy moment hurts every variant alike
            for variant in VARIANTS:
                elapsed = timed_build(base / variant, base / f"{variant}-out")
                best[variant] = min(best.get(variant, elapsed), elapsed)
        # Rebuilds over kept output (-E: every page written again): the curves are already drawn.
        cached = min(timed_build(base / "sphinx_cjm", base / "sphinx_cjm-out", keep=True) for _ in range(args.repeat))
        baseline_kept = min(
            timed_build(base / "baseline", base / "baseline-out", keep=True) for _ in range(args.repeat)
        )
        drawn = len(list((base / "sphinx_cjm-out" / "_images").glob("cjm-curve-*.svg")))
        assert drawn == args.figures, f"expected {args.figures} curves, found {drawn}"

    per_figure = {v: (best[v] - best["baseline"]) / args.figures * 1000 for v in VARIANTS[1:]}
    cached_ms = (cached - baseline_kept) / args.figures * 1000
    print(f"{args.figures} curves of 7 stages and 14 touchpoints, HTML builder, best of {args.repeat}")
    print(f"{'build':<28}{'total s':>10}{'ms per figure':>16}")
    print(f"{'baseline (no figures)':<28}{best['baseline']:>10.2f}{'':>16}")
    print(f"{'sphinx_cjm (SVG)':<28}{best['sphinx_cjm']:>10.2f}{per_figure['sphinx_cjm']:>16.1f}")
    print(f"{'plot directive (SVG)':<28}{best['plot-svg']:>10.2f}{per_figure['plot-svg']:>16.1f}")
    print(f"{'plot directive (defaults)':<28}{best['plot-default']:>10.2f}{per_figure['plot-default']:>16.1f}")
    print(f"{'sphinx_cjm, files cached':<28}{cached:>10.2f}{cached_ms:>16.1f}")
    for variant, label in (("plot-svg", "SVG"), ("plot-default", "default formats")):
        print(
            f"ratio sphinx_cjm / plot directive ({label}) per figure: {per_figure['sphinx_cjm'] / per_figure[variant]:.2f}"
        )


if __name__ == "__main__":
    main()
