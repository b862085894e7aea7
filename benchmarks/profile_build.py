"""Profile one cold ``sphinx-build -b html`` of a site, in CPU time, and say where it goes.

    python benchmarks/generate.py cjm 20 /tmp/cjm && python benchmarks/generate.py lean 20 /tmp/lean
    python benchmarks/profile_build.py /tmp/cjm --against /tmp/lean --top 25

cProfile's default clock is the wall clock, which on a shared machine charges other
processes' time to whatever runs; this uses the process's CPU time instead. Each build
runs in a fresh interpreter with ``-j 1`` into a temporary directory (so it is cold: no
doctrees, no figure cache). It prints the buckets of the README's profile (reading, its
parts, writing, its parts), with ``--against`` the same for a second site and what the
first adds to it, and the functions of the first with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def buckets() -> list[tuple[str, object]]:
    """(label, function) of each line of the summary: its cumulative CPU time, as a share of the build."""
    from docutils.parsers.rst.states import Body
    from docutils.transforms.universal import SmartQuotes
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment
    from sphinx.parsers import RSTParser
    from sphinx.search import IndexBuilder
    from sphinx.transforms import SphinxTransformer

    from sphinx_cjm import description_html, directives, full_map, table, table_html

    return [
        ("reading (parse and read transforms)", Builder.read),
        ("  parsing reST (directives included)", RSTParser.parse),
        ("    docutils parsing directive option blocks", Body.parse_extension_options),
        ("  read transforms (and post-transforms: see below)", SphinxTransformer.apply_transforms),
        ("    smart quotes", SmartQuotes.apply),
        ("pickling doctrees", Builder.write_doctree),
        ("writing (post-transforms, HTML, templates)", Builder.write),
        ("  post-transforms (tables, descriptions, references)", BuildEnvironment.apply_post_transforms),
        ("    journey tables placed (their words noted for the search index)", table.ResolveJourneyPlaceholders.run),
        ("    stage and touchpoint descriptions made (links, some compact ones)", directives.ExpandDescriptions.run),
        ("    stage and touchpoint descriptions shaped for the translator", description_html.ShapeDescriptions.run),
        ("  search index", IndexBuilder.feed),
        ("  HTML translation", StandaloneHTMLBuilder.write_doc),
        ("    stage and touchpoint descriptions made and translated", description_html.visit_description),
        ("    journey tables with their curve row made and translated", table_html.visit_written_table),
        ("  page templates", StandaloneHTMLBuilder.handle_page),
        ("full-map pages written with their journey's page", full_map.depart_full_map_source),
        ("full-map pages the builder makes from placeholders", full_map.collect_pages),
    ]


def cumulative(stats: pstats.Stats, function: object) -> float:
    code = function.__code__  # type: ignore[attr-defined]
    key = (code.co_filename, code.co_firstlineno, code.co_name)
    return stats.stats.get(key, (0, 0, 0, 0.0))[3]  # type: ignore[attr-defined]


def profile(srcdir: Path, top: int, output: Path | None) -> dict[str, float]:
    """Build ``srcdir`` under the profiler; the bucket seconds (and ``total``), the top functions printed."""
    from sphinx.cmd.build import build_main

    with tempfile.TemporaryDirectory() as work:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        status = build_main(["-b", "html", "-q", "-d", f"{work}/doctrees", str(srcdir), f"{work}/html"])
        profiler.disable()
    if status:
        raise SystemExit(f"the build of {srcdir} failed ({status})")
    stats = pstats.Stats(profiler, stream=sys.stderr)
    if output:
        stats.dump_stats(output)
    if top:
        stats.sort_stats("cumulative").print_stats(top)
    return {"total": stats.total_tt, **{label: cumulative(stats, f) for label, f in buckets()}}  # type: ignore[attr-defined]


def profiled_elsewhere(srcdir: Path) -> dict[str, float]:
    """:func:`profile` in a fresh interpreter, so that imports and caches of one build do not help the other."""
    done = subprocess.run(
        [sys.executable, __file__, str(srcdir), "--top", "0", "--json"], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("srcdir", type=Path)
    parser.add_argument("--against", type=Path, help="a second site (the floor): its buckets and the difference")
    parser.add_argument("--top", type=int, default=25, help="functions listed by cumulative time (on stderr)")
    parser.add_argument("--output", type=Path, help="also save the raw profile (pstats) here")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    first = profile(args.srcdir, args.top, args.output)
    if args.json:
        print(json.dumps(first))
        return
    second = profiled_elsewhere(args.against) if args.against else None
    print(
        f"CPU time of the build (profiled): {first['total']:.2f} s"
        + (f"; floor {second['total']:.2f} s" if second else "")
    )
    print()
    if second is None:
        print("| where | CPU s | share |\n|---|---:|---:|")
        for label, _function in buckets():
            print(f"| {label} | {first[label]:.2f} | {100 * first[label] / first['total']:.0f} % |")
        return
    extra = first["total"] - second["total"]
    print("| where | CPU s | floor CPU s | added | share of what is added |\n|---|---:|---:|---:|---:|")
    for label, _function in buckets():
        added = first[label] - second[label]
        print(f"| {label} | {first[label]:.2f} | {second[label]:.2f} | {added:.2f} | {100 * added / extra:.0f} % |")
    print(f"| whole build | {first['total']:.2f} | {second['total']:.2f} | {extra:.2f} | 100 % |")


if __name__ == "__main__":
    main()
