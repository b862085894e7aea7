"""``sphinx-cjm`` (also ``python -m sphinx_cjm``): journey maps from the command line.

- ``new DIR``: a Sphinx project with a journey map, ready to build;
- ``validate FILE...``: check YAML/CSV/Mermaid journeys and RST/MyST documents; ``file:line``
  messages, exit 1 on problems;
- ``render FILE -o curve.svg|pdf|png``: the journey's emotion curve;
- ``convert FILE -o out.yaml|out.rst|out.md|out.mmd``: between YAML, CSV, Mermaid and directives;
- ``schema``: print the JSON Schema of the YAML format;
- ``diff OLD.json NEW.json [--format text|markdown|json]``: what changed between two
  ``cjm.json`` exports (exit 0: nothing, 1: changes, 2: bad input).

Exit status: 0 done, 1 problems in a file, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__, convert, diff, files, scaffold
from .templates import BUILTIN_TEMPLATES

CURVE_FORMATS = ("svg", "pdf", "png")
CONVERTERS: dict[str, Callable[[files.JourneyFile], str]] = {
    ".yaml": convert.to_yaml,
    ".yml": convert.to_yaml,
    ".rst": convert.to_rst,
    ".md": convert.to_myst,
}
MERMAID_SUFFIXES = (".mmd", ".mermaid")
#: Checked by a Sphinx build rather than read as journey files.
DOCUMENT_SUFFIXES = (".rst", ".md")


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
    return files.load(Path(name), settings, kind=args.from_format)


def validate(args: argparse.Namespace) -> int:
    documents = [name for name in args.files if Path(name).suffix.lower() in DOCUMENT_SUFFIXES]
    clean = [report(read(name, args), name) for name in args.files if name not in documents]
    if documents:
        clean.append(validate_documents(documents, args))
    if all(clean):
        print(f"OK: {len(args.files)} file{'s' if len(args.files) > 1 else ''} valid")
        return 0
    return 1


def validate_documents(names: list[str], args: argparse.Namespace) -> bool:
    """Check RST/MyST documents with a quiet Sphinx build; print each problem; True if there were none."""
    from . import documents  # Sphinx is slow to import; only documents need it

    missing = [name for name in names if not Path(name).is_file()]
    for name in missing:
        print(f"{name}: [cjm.file] cannot read {name}: no such file", file=sys.stderr)
    readable = [Path(name) for name in names if name not in missing]
    try:
        findings = documents.check(readable, tuple(args.scale), args.max_bytes) if readable else []
    except Exception as error:  # a project's conf.py or extensions that fail: Sphinx's message, not a traceback
        print(f"{names[0]}: the Sphinx build failed: {error}", file=sys.stderr)
        return False
    for finding in findings:
        where = shown_path(finding.path)
        where = f"{where}:{finding.line}" if finding.line else where
        print(f"{where}: [{finding.type}] {finding.message}", file=sys.stderr)
    return not findings and not missing


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, as the user would type it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
    suffix = Path(args.output).suffix.lower()
    writer = CONVERTERS.get(suffix)
    if writer is None and suffix not in MERMAID_SUFFIXES:
        usage_error(args, f"-o must end in {', '.join([*CONVERTERS, *MERMAID_SUFFIXES])}")
    loaded = read(args.file, args)
    report(loaded, args.file)
    if loaded.journey is None:
        return 1
    if writer is not None:
        return write(args.output, writer(loaded).encode("utf-8"))
    text, left_out = convert.to_mermaid(loaded, tuple(args.scale))
    for message in left_out:
        print(f"{args.output}: {message}", file=sys.stderr)
    return write(args.output, text.encode("utf-8"))


def new_project(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        usage_error(args, f"{args.directory} exists and is not an empty folder; name a new one")
    try:
        written = scaffold.new_project(directory, args.language, args.format, args.template)
    except OSError as error:
        print(f"{args.directory}: cannot write: {error.strerror or error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    if args.format == "md" and importlib.util.find_spec("myst_parser") is None:
        print("MyST pages need myst-parser: pip install 'sphinx-cjm[myst]'", file=sys.stderr)
    print(f"Build it: cd {shlex.quote(args.directory)} && {scaffold.BUILD_COMMAND}")
    return 0


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
        "--from",
        dest="from_format",
        choices=sorted(set(files.FORMATS.values())),
        help="the journey file's format (default: from its suffix: .yaml, .csv, .mmd)",
    )
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

    command = commands.add_parser("new", help="start a Sphinx project holding a journey map")
    command.add_argument("directory", metavar="DIR", help="the project's folder (new, or empty)")
    command.add_argument("--language", choices=scaffold.LANGUAGES, default="en", help="default: en")
    command.add_argument(
        "--format", choices=list(scaffold.FORMATS), default="rst", help="rst or MyST md pages (default: rst)"
    )
    command.add_argument(
        "--template", choices=list(BUILTIN_TEMPLATES), default="retail", help="the stages (default: retail)"
    )
    command.set_defaults(run=new_project)

    command = commands.add_parser(
        "validate", parents=[reading], help="check journey files (YAML, CSV, Mermaid) and documents (RST, MyST)"
    )
    command.add_argument("files", nargs="+", metavar="FILE")
    command.set_defaults(run=validate)

    command = commands.add_parser("render", parents=[reading], help="draw a journey's emotion curve")
    command.add_argument("file", metavar="FILE")
    command.add_argument("-o", "--output", required=True, help="curve.svg, curve.pdf or curve.png")
    command.set_defaults(run=render)

    command = commands.add_parser(
        "convert", parents=[reading], help="between YAML, CSV, Mermaid journeys and RST or MyST directives"
    )
    command.add_argument("file", metavar="FILE")
    command.add_argument("-o", "--output", required=True, help="out.yaml, out.rst, out.md or out.mmd")
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
