"""``sphinx-cjm`` (also ``python -m sphinx_cjm``): journey files without Sphinx.

- ``validate FILE...``: check YAML/CSV journeys; ``file:line`` messages, exit 1 on problems;
- ``render FILE -o curve.svg|pdf|png``: the journey's emotion curve;
- ``convert FILE -o out.yaml|out.rst|out.md``: CSV to YAML, YAML (or CSV) to directives;
- ``schema``: print the JSON Schema of the YAML format;
- ``diff OLD.json NEW.json [--format text|markdown|json]``: what changed between two
  ``cjm.json`` exports (exit 0: nothing, 1: changes, 2: bad input).

Exit status: 0 done, 1 problems in a file, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__, convert, diff, files

CURVE_FORMATS = ("svg", "pdf", "png")
CONVERTERS: dict[str, Callable[[files.JourneyFile], str]] = {
    ".yaml": convert.to_yaml,
    ".yml": convert.to_yaml,
    ".rst": convert.to_rst,
    ".md": convert.to_myst,
}


def report(loaded: files.JourneyFile, name: str) -> bool:
    """Print the file's problems as ``file:line: [cjm.subtype] message``; True if there were none."""
    for problem in loaded.problems:
        where = f"{name}:{problem.line}" if problem.line else name
        print(f"{where}: [cjm.{problem.subtype}] {problem.message}", file=sys.stderr)
    return not loaded.problems


def usage_error(args: argparse.Namespace, message: str) -> NoReturn:
    """Exit with status 2 and the usage line, as argparse does for its own checks."""
    command_line: argparse.ArgumentParser = args.parser
    command_line.error(message)


def read(name: str, args: argparse.Namespace) -> files.JourneyFile:
    low, high = args.scale
    if not low < high:
        usage_error(args, "--scale LOW must be below HIGH")
    settings = files.Settings(scale=tuple(args.scale), max_bytes=args.max_bytes)
    return files.load(Path(name), settings)


def validate(args: argparse.Namespace) -> int:
    clean = [report(read(name, args), name) for name in args.files]
    if all(clean):
        print(f"OK: {len(clean)} journey file{'s' if len(clean) > 1 else ''} valid")
        return 0
    return 1


def render(args: argparse.Namespace) -> int:
    fmt = Path(args.output).suffix.lower().lstrip(".")
    if fmt not in CURVE_FORMATS:
        usage_error(args, f"-o must end in .{', .'.join(CURVE_FORMATS)}")
    loaded = read(args.file, args)
    report(loaded, args.file)
    assembled = loaded.assembled()
    if assembled is None:
        return 1
    from .curve import draw_curve  # matplotlib is slow to import; only this command needs it

    return write(args.output, draw_curve([assembled], fmt, title=assembled.journey.title, scale=tuple(args.scale)))


def write(output: str, data: bytes) -> int:
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        print(f"{output}: cannot write: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {output}")
    return 0


def convert_file(args: argparse.Namespace) -> int:
    writer = CONVERTERS.get(Path(args.output).suffix.lower())
    if writer is None:
        usage_error(args, f"-o must end in {', '.join(CONVERTERS)}")
    loaded = read(args.file, args)
    report(loaded, args.file)
    if loaded.journey is None:
        return 1
    return write(args.output, writer(loaded).encode("utf-8"))


def print_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(files.SCHEMA_PATH.read_text(encoding="utf-8"))
    return 0


DIFF_FORMATS = ("text", "markdown", "json")


def diff_exports(args: argparse.Namespace) -> int:
    """0 when the exports hold the same maps, 1 when something changed, 2 when one cannot be read."""
    try:
        old, new = diff.load(args.old), diff.load(args.new)
    except diff.BadExport as error:
        print(f"sphinx-cjm diff: {error}", file=sys.stderr)
        return 2
    changes = diff.compare(old, new)
    if args.format == "json":
        sys.stdout.write(diff.to_json(changes))
    elif args.format == "markdown":
        sys.stdout.write(diff.to_markdown(changes, old, new))
    else:
        sys.stdout.write(diff.to_text(changes, old, new))
    return 1 if changes else 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="sphinx-cjm", description="Customer journey maps kept in YAML and CSV files."
    )
    main_parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument(
        "--scale",
        nargs=2,
        type=float,
        default=files.Settings().scale,
        metavar=("LOW", "HIGH"),
        help="the emotion scale, as cjm_emotion_scale (default: -2 2)",
    )
    reading.add_argument(
        "--max-bytes",
        type=int,
        default=files.DEFAULT_MAX_BYTES,
        help="the largest file read, as cjm_file_max_bytes (default: 1 MiB)",
    )

    command = commands.add_parser("validate", parents=[reading], help="check journey files (YAML or CSV)")
    command.add_argument("files", nargs="+", metavar="FILE")
    command.set_defaults(run=validate)

    command = commands.add_parser("render", parents=[reading], help="draw a journey's emotion curve")
    command.add_argument("file", metavar="FILE")
    command.add_argument("-o", "--output", required=True, help="curve.svg, curve.pdf or curve.png")
    command.set_defaults(run=render)

    command = commands.add_parser("convert", parents=[reading], help="CSV to YAML; YAML or CSV to RST or MyST")
    command.add_argument("file", metavar="FILE")
    command.add_argument("-o", "--output", required=True, help="out.yaml, out.rst or out.md")
    command.set_defaults(run=convert_file)

    command = commands.add_parser("schema", help="print the JSON Schema of the YAML format")
    command.set_defaults(run=print_schema)

    command = commands.add_parser(
        "diff",
        help="what changed between two cjm.json exports (exit 0: nothing, 1: changes, 2: bad input)",
    )
    command.add_argument("old", metavar="OLD.json")
    command.add_argument("new", metavar="NEW.json")
    command.add_argument("--format", choices=DIFF_FORMATS, default="text", help="text (default), markdown or json")
    command.set_defaults(run=diff_exports)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    main_parser = parser()
    args = main_parser.parse_args(argv)
    args.parser = main_parser
    return args.run(args)
