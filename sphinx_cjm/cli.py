"""``sphinx-cjm`` (also ``python -m sphinx_cjm``): journey maps from the command line.

- ``new DIR``: a Sphinx project with a journey map, ready to build;
- ``validate FILE...``: check YAML/CSV/Mermaid journeys and RST/MyST documents; ``file:line``
  messages, exit 1 on problems;
- ``render FILE -o curve.svg|pdf|png``: the journey's emotion curve;
- ``convert FILE -o out.yaml|out.rst|out.md|out.mmd``: between YAML, CSV, Mermaid and directives;
- ``schema``: print the JSON Schema of the YAML format;
- ``diff OLD.json NEW.json [--format text|markdown|json]``: what changed between two
  ``cjm.json`` exports (exit 0: nothing, 1: changes, 2: bad input); statuses in ``--language``.

``--conf conf.py`` reads a Sphinx project's settings (its own lanes and channels, the
emotion scale, the language), so files are checked and drawn as the project would.

Exit status: 0 done, 1 problems in a file, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, convert, curve_data, diff, files, model, scaffold
from .config import replace_unusable
from .i18n import has_catalog, labels_for, project_locale_dirs, shipped_languages
from .settings import file_settings
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


def shown(name: str) -> str:
    """A name as the terminal can print it: undecodable bytes and lone surrogates escaped, not a crash."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def report(loaded: files.JourneyFile, name: str) -> bool:
    """Print the file's problems as ``file:line: [cjm.subtype] message``; True if there were none."""
    for problem in loaded.problems:
        where = f"{shown(name)}:{problem.line}" if problem.line else shown(name)
        print(f"{where}: [cjm.{problem.subtype}] {shown(problem.message)}", file=sys.stderr)
    return not loaded.problems


def usage_error(args: argparse.Namespace, message: str) -> NoReturn:
    """Exit with status 2 and the usage line, as argparse does for its own checks."""
    command_line: argparse.ArgumentParser = args.parser
    command_line.error(message)


def project(args: argparse.Namespace) -> Any:
    """The settings ``--conf`` defines (an empty project without it), as attributes."""
    if not getattr(args, "conf", None):
        return types.SimpleNamespace()
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    path = Path(args.conf).resolve()
    try:
        namespace = eval_config_file(path, Tags())
    except Exception as error:  # a broken conf.py is the user's input: a message, not a traceback
        usage_error(args, f"--conf {args.conf}: {error}")
    conf = types.SimpleNamespace(**namespace, confdir=path.parent)
    for message in replace_unusable(conf):  # as a build would: a warning, and the default
        print(f"{shown(args.conf)}: [cjm.option] {message}", file=sys.stderr)
    return conf


def settings(args: argparse.Namespace) -> files.Settings:
    """How to read files: ``--conf``'s project, then ``--scale`` and ``--max-bytes`` where given."""
    result = file_settings(project(args))
    if args.scale is not None:
        result.scale = tuple(args.scale)
    if args.max_bytes is not None:
        result.max_bytes = args.max_bytes
    scale = model.parse_scale(result.scale)
    if scale is None:
        usage_error(args, "--scale LOW must be below HIGH, both finite numbers")
    if files.check_max_bytes(result.max_bytes) is None:
        usage_error(
            args, f"--conf's cjm_file_max_bytes {result.max_bytes!r:.40} is not a whole number of bytes above 0"
        )
    result.scale = scale
    return result


def read(name: str, args: argparse.Namespace) -> files.JourneyFile:
    return files.load(Path(name), settings(args), kind=args.from_format)


def language(args: argparse.Namespace) -> str:
    """``--language``, else the ``language`` of ``--conf``'s project, else English; checked against the catalogs."""
    conf = project(args)
    chosen = args.language or getattr(conf, "language", None) or "en"
    if not has_catalog(chosen, locale_dirs(conf)):
        usage_error(
            args, f"--language {chosen}: no sphinx_cjm catalog for it (shipped: {', '.join(shipped_languages())})"
        )
    return str(chosen)


def locale_dirs(conf: Any) -> list[Path]:
    return project_locale_dirs(conf, conf.confdir) if hasattr(conf, "confdir") else []


def number(text: str) -> float:
    """A number on the command line, written as in the files (``-1``, ``\u22121``, ``+1``, ``1,5``)."""
    value = model.parse_number(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def byte_count(text: str) -> int:
    digits = text.strip()
    # At most 20 digits: int() refuses longer strings anyway, and no limit needs more.
    value = files.check_max_bytes(int(digits)) if digits.isascii() and digits.isdigit() and len(digits) <= 20 else None
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of bytes from 1 to {sys.maxsize}")
    return value


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
        findings = documents.check(readable, settings(args).scale, settings(args).max_bytes) if readable else []
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
    from .figure import messages

    labels = labels_for(language(args), locale_dirs(project(args)))
    with curve_data.font_problems() as problems:
        drawing = draw_curve(
            [assembled],
            fmt,
            title=assembled.journey.title,
            scale=settings(args).scale,
            messages=messages(labels),
            language=labels.language,
        )
    for problem in problems:
        print(f"{shown(args.output)}: [cjm.{problem.subtype}] {problem.message}", file=sys.stderr)
    return write(args.output, drawing)


def write(output: str, data: bytes) -> int:
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        print(f"{shown(output)}: cannot write: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {shown(output)}")
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
    if args.language:
        loaded.journey.language = language(args)
    if writer is not None:
        return write(args.output, writer(loaded).encode("utf-8"))
    text, left_out = convert.to_mermaid(loaded, settings(args).scale)
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
    if args.conf:
        sys.stdout.write(json.dumps(files.schema(file_settings(project(args))), ensure_ascii=False, indent=2) + "\n")
    else:
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
    if args.format == "json":  # data: statuses by their keys
        sys.stdout.write(diff.to_json(changes))
    else:  # for a reader: statuses as the registers and the journey-diff directive show them
        labels = labels_for(language(args), locale_dirs(project(args)))
        shown = [diff.with_status_labels(change, labels.status) for change in changes]
        to_report = diff.to_markdown if args.format == "markdown" else diff.to_text
        sys.stdout.write(to_report(shown, old, new))
    return 1 if changes else 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="sphinx-cjm", description="Customer journey maps kept in YAML and CSV files."
    )
    main_parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    configured = argparse.ArgumentParser(add_help=False)
    configured.add_argument(
        "--conf",
        metavar="CONF_PY",
        help="a Sphinx project's conf.py: its cjm_lanes, cjm_channels, cjm_emotion_scale, language, ...",
    )
    reading = argparse.ArgumentParser(add_help=False, parents=[configured])
    reading.add_argument(
        "--from",
        dest="from_format",
        choices=sorted(set(files.FORMATS.values())),
        help="the journey file's format (default: from its suffix: .yaml, .csv, .mmd)",
    )
    reading.add_argument(
        "--scale",
        nargs=2,
        type=number,
        metavar=("LOW", "HIGH"),
        help="the emotion scale, as cjm_emotion_scale (default: --conf's, or -2 2)",
    )
    reading.add_argument(
        "--max-bytes",
        type=byte_count,
        help="the largest file read, as cjm_file_max_bytes (default: --conf's, or 1 MiB)",
    )
    labelled = argparse.ArgumentParser(add_help=False)
    labelled.add_argument(
        "--language",
        help="the language of the labels (en, ru, or one with a catalog in --conf's locale_dirs); "
        "default: --conf's language, or en",
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

    command = commands.add_parser("render", parents=[reading, labelled], help="draw a journey's emotion curve")
    command.add_argument("file", metavar="FILE")
    command.add_argument("-o", "--output", required=True, help="curve.svg, curve.pdf or curve.png")
    command.set_defaults(run=render)

    command = commands.add_parser(
        "convert",
        parents=[reading, labelled],
        help="between YAML, CSV, Mermaid journeys and RST or MyST directives (--language: the journey's :language:)",
    )
    command.add_argument("file", metavar="FILE")
    command.add_argument("-o", "--output", required=True, help="out.yaml, out.rst, out.md or out.mmd")
    command.set_defaults(run=convert_file)

    command = commands.add_parser(
        "schema", parents=[configured], help="print the JSON Schema of the YAML format (with --conf: the project's)"
    )
    command.set_defaults(run=print_schema)

    command = commands.add_parser(
        "diff",
        parents=[configured, labelled],
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
