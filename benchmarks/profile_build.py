"""Profile one cold ``sphinx-build -b html`` of a site, in CPU time, and say where it goes.

    python benchmarks/generate.py cjm 20 /tmp/site
    python benchmarks/profile_build.py /tmp/site --top 25

cProfile's default clock is the wall clock, which on a shared machine charges other
processes' time to whatever runs; this uses the process's CPU time instead. The build
runs in this process with ``-j 1`` into a temporary directory (so it is cold: no
doctrees, no figure cache). It prints the buckets of the README's profile (reading,
its parts, writing, its parts) and the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from sphinx.cmd.build import build_main


def buckets() -> list[tuple[str, object]]:
    """(label, function) of each line of the summary: its cumulative CPU time, as a share of the build."""
    from docutils.transforms.universal import SmartQuotes
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment
    from sphinx.parsers import RSTParser
    from sphinx.transforms import ApplySourceWorkaround, SphinxTransformer

    from sphinx_cjm import curve, figure, table

    return [
        ("reading (parse and read transforms)", Builder.read),
        ("  parsing reST (directives included)", RSTParser.parse),
        ("  read transforms", SphinxTransformer.apply_transforms),
        ("    Sphinx's source workaround (rubrics, field names)", ApplySourceWorkaround.apply),
        ("    smart quotes", SmartQuotes.apply),
        ("pickling doctrees", Builder.write_doctree),
        ("writing (post-transforms, HTML, templates)", Builder.write),
        ("  post-transforms (tables, curves' data, references)", BuildEnvironment.apply_post_transforms),
        ("    journey tables", table.ResolveJourneyPlaceholders.run),
        ("  HTML translation", StandaloneHTMLBuilder.write_doc),
        ("    curve figures (drawing or copying)", figure.draw),
        ("    matplotlib drawing", curve.draw_plotted),
        ("  page templates", StandaloneHTMLBuilder.handle_page),
    ]


def cumulative(stats: pstats.Stats, function: object) -> float:
    code = function.__code__  # type: ignore[attr-defined]
    key = (code.co_filename, code.co_firstlineno, code.co_name)
    return stats.stats.get(key, (0, 0, 0, 0.0))[3]  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("srcdir", type=Path)
    parser.add_argument("--top", type=int, default=25, help="functions listed by cumulative time")
    parser.add_argument("--output", type=Path, help="also save the raw profile (pstats) here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        status = build_main(["-b", "html", "-q", "-d", f"{work}/doctrees", str(args.srcdir), f"{work}/html"])
        profiler.disable()
    if status:
        raise SystemExit(f"the build failed ({status})")
    stats = pstats.Stats(profiler)
    if args.output:
        stats.dump_stats(args.output)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"CPU time of the build: {total:.2f} s\n")
    print("| where | CPU s | share |\n|---|---:|---:|")
    for label, function in buckets():
        seconds = cumulative(stats, function)
        print(f"| {label} | {seconds:.2f} | {100 * seconds / total:.0f} % |")
    print()
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
