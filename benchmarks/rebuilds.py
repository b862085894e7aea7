"""No-op and one-touchpoint rebuilds of sites ``run.py`` built, many times, forms interleaved.

A no-op rebuild of 20 or 100 pages takes well under a second, on which a drifting machine
moves a median of three by a third. This runs the two rebuilds of every form in turn, ``--rounds``
times, on the sites ``run.py`` left in its work folder (each is built cold first if it has
no output), and writes their medians and the ratios to the lean floor:

    nice python benchmarks/rebuilds.py --sizes 20 100 --rounds 15 --output benchmarks/rebuilds-20-100.md
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict
from pathlib import Path

import generate
from run import FORM_NAMES, HERE, Run, build, compile_sphinx_cjm, content_pages, machine

STEPS = {"noop": "no-op rebuild", "edit": "one touchpoint edited"}


def rebuild(form: str, site: Path, n_pages: int, revision: int) -> dict[str, Run]:
    runs = {"noop": build(site, 1)}
    generate.edit_touchpoint(form, site / "src", n_pages, revision)
    runs["edit"] = build(site, 1)
    return runs


def table(n_pages: int, forms: list[str], runs: dict[str, dict[str, list[Run]]], rounds: int) -> str:
    def median(form: str, step: str, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs[form][step])

    lines = [
        f"### N = {n_pages} pages, medians of {rounds} rounds",
        "",
        "| measure | " + " | ".join(FORM_NAMES[f] for f in forms) + " |",
        "|---|" + "---:|" * len(forms),
    ]
    for step, name in STEPS.items():
        for attr, unit in (("seconds", "wall s"), ("cpu_seconds", "CPU s")):
            lines.append(f"| {name}, {unit} | " + " | ".join(f"{median(f, step, attr):.3f}" for f in forms) + " |")
    others = [f for f in forms if f != "lean"]
    if "lean" in forms and others:
        lines += ["", "| ratio to the lean floor | " + " | ".join(FORM_NAMES[f] for f in others) + " |"]
        lines.append("|---|" + "---:|" * len(others))
        for step, name in STEPS.items():
            for attr, unit in (("seconds", "wall"), ("cpu_seconds", "CPU")):
                ratios = [median(f, step, attr) / median("lean", step, attr) for f in others]
                lines.append(f"| {name}, {unit} | " + " | ".join(f"{r:.2f}×" for r in ratios) + " |")
    written = {f: sorted({p for r in runs[f]["edit"] for p in content_pages(r.written)}) for f in forms}
    noop_written = {f: max(len(content_pages(r.written)) for r in runs[f]["noop"]) for f in forms}
    lines += [
        "",
        "Pages rewritten after the edit: " + "; ".join(f"{FORM_NAMES[f]} {', '.join(written[f])}" for f in forms) + ".",
        "Pages rewritten by the no-op, at most: "
        + "; ".join(f"{FORM_NAMES[f]} {noop_written[f]}" for f in forms)
        + ".",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--forms", nargs="+", choices=generate.FORMS, default=["lean", "cjm"])
    parser.add_argument("--workdir", type=Path, default=HERE / "_work")
    parser.add_argument("--output", type=Path, default=HERE / "rebuilds.md")
    args = parser.parse_args()

    compile_sphinx_cjm()
    info = machine()
    command = (
        f"python benchmarks/rebuilds.py --sizes {' '.join(map(str, args.sizes))} --rounds {args.rounds}"
        f" --forms {' '.join(args.forms)}"
    )
    text = [
        f"<!-- written by benchmarks/rebuilds.py on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} -->",
        f"Command: `{command}`.",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()) + ".",
        "",
    ]
    raw: dict[int, dict[str, dict[str, list[dict]]]] = {}
    for n_pages in args.sizes:
        runs: dict[str, dict[str, list[Run]]] = {form: {step: [] for step in STEPS} for form in args.forms}
        for form in args.forms:
            site = args.workdir / str(n_pages) / form
            if not (site / "src").exists():
                generate.write_site(form, n_pages, site / "src")
            if not (site / "html").exists():
                build(site, 1)
        for round_ in range(args.rounds):
            for form in args.forms:
                # Revisions past run.py's: each edit changes the page.
                for step, run in rebuild(form, args.workdir / str(n_pages) / form, n_pages, 1000 + round_).items():
                    runs[form][step].append(run)
            print(f"N={n_pages} round {round_ + 1} of {args.rounds}", flush=True)
        text.append(table(n_pages, args.forms, runs, args.rounds))
        raw[n_pages] = {f: {s: [asdict(r) for r in rs] for s, rs in steps.items()} for f, steps in runs.items()}
    args.output.write_text("\n".join(text), encoding="utf-8")
    args.output.with_suffix(".json").write_text(
        json.dumps({"machine": info, "results": raw}, indent=1), encoding="utf-8"
    )
    print(args.output.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
