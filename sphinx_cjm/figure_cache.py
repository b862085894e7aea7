"""Drawn figures kept across builds by their content fingerprint, outside the output.

Drawing a figure with matplotlib costs tens of milliseconds and, in a build that
draws, half a second to import matplotlib. A figure's fingerprint is a digest of
everything that shapes its bytes (data, options, format, matplotlib's version, the
drawing code), so the same fingerprint always stands for the same bytes: a build
whose output directory was wiped (``make clean``, a fresh CI checkout with the cache
restored) copies the bytes instead of drawing them again.

Any figure of the extension goes through :func:`figure_file` (or :func:`cached_draw`
for the bytes alone): the emotion curve today, and any other drawn figure.

The cache lives in ``cjm_figure_cache`` (a path, relative to the configuration
directory), by default beside the doctrees: ``<doctreedir>/../cjm-figures``, or
``<doctreedir>/cjm-figures`` when that would be inside the output directory. It only
ever holds files named ``<fingerprint>.<format>``, and ``<fingerprint>.problems`` beside a
figure whose drawing had something to say (a glyph its font lacks), so that a figure copied
instead of drawn warns as drawing it did; deleting it, or any file in it, is always safe.
A figure's modification time is refreshed whenever a build uses it, so files untouched
for a month (``find DIR -mtime +30 -delete``) are the stale ones.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from sphinx.builders import Builder
from sphinx.util import logging

logger = logging.getLogger(__name__)

FOLDER = "cjm-figures"


def cache_directory(builder: Builder) -> Path | None:
    """Where drawn figures are kept for this build; None when ``cjm_figure_cache`` turns the cache off."""
    setting = builder.config.cjm_figure_cache
    if setting is False or setting == "":
        return None
    if setting:
        return Path(builder.confdir, setting)
    doctrees = Path(builder.doctreedir)
    beside = doctrees.parent / FOLDER
    return doctrees / FOLDER if beside.resolve().is_relative_to(Path(builder.outdir).resolve()) else beside


def cached_draw(builder: Builder, fingerprint: str, fmt: str, draw: Callable[[], bytes]) -> bytes:
    """The figure's bytes: from the cache when a build drew them before, else ``draw()`` (then kept)."""
    directory = cache_directory(builder)
    if directory is None:
        return draw()
    kept = directory / f"{fingerprint}.{fmt}"
    try:
        data = kept.read_bytes()
    except OSError:
        pass
    else:
        with contextlib.suppress(OSError):  # marked as used, so `find -mtime +30 -delete` prunes only stale figures
            os.utime(kept)
        return data
    data = draw()
    try:
        write_atomically(kept, data)
    except OSError as error:  # a read-only or full cache costs a redraw next time, nothing more
        logger.verbose("cjm: figure cache %s not written: %s", directory, error)
    return data


def figure_file(builder: Builder, directory: Path, name: str, fingerprint: str, draw: Callable[[], bytes]) -> Path:
    """``directory/name`` holding the figure: left alone if it is there, else copied from the cache or drawn."""
    target = directory / name
    if not target.is_file():
        fmt = name.rpartition(".")[2]
        write_atomically(target, cached_draw(builder, fingerprint, fmt, draw))
    return target


def problems_file(builder: Builder, fingerprint: str) -> Path:
    """Where the problems met drawing a figure are kept: the cache, or beside the doctrees without one."""
    return (cache_directory(builder) or Path(builder.doctreedir) / FOLDER) / f"{fingerprint}.problems"


def keep_problems(builder: Builder, fingerprint: str, messages: list[str]) -> None:
    """Note what drawing the figure ``fingerprint`` reported, for the builds that copy it (none: nothing kept)."""
    target = problems_file(builder, fingerprint)
    try:
        if messages:
            write_atomically(target, "\n".join(messages).encode("utf-8"))
        else:
            target.unlink(missing_ok=True)
    except OSError as error:
        logger.verbose("cjm: figure problems %s not written: %s", target, error)


def kept_problems(builder: Builder, fingerprint: str) -> list[str]:
    """What drawing the figure ``fingerprint`` reported, whichever build drew it."""
    try:
        return problems_file(builder, fingerprint).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` so no reader ever sees half a file; parallel writers of the same bytes each use a temp file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, target)
