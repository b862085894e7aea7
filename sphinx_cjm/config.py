"""The extension's configuration values, each checked once when ``conf.py`` is read.

A value that cannot be used is one ``cjm.option`` warning and is replaced by its
default in the configuration itself, so every place that reads it (directives,
journey files, curves, the export) sees a usable value. The curve's settings are
checked with their drawing code (:func:`sphinx_cjm.figure.check_config`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal, TypeVar

from sphinx.application import Sphinx
from sphinx.config import Config

from . import model
from .domain import warn
from .files import DEFAULT_MAX_BYTES, check_max_bytes
from .settings import project_lanes

#: Journeys larger than this are cut (``cjm.limit``): past them a table or curve is unreadable, and slow to make.
DEFAULT_LIMITS = model.Limits()
T = TypeVar("T")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    #: What a change rebuilds, as Sphinx's ``rebuild`` argument.
    rebuild: Literal["env", "html"]
    #: Sphinx's accepted types (checked after this module has replaced a bad value).
    types: tuple[type, ...]
    #: The value to use (from the value written and the rest of the configuration); ValueError if unusable.
    check: Callable[[Any, Config], Any]
    #: What a usable value is, for the warning.
    expected: str


def required(value: T | None) -> T:
    if value is None:
        raise ValueError
    return value


def default_lanes(value: Any, config: Config) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(name, str) for name in value):
        raise ValueError
    lanes, problems = model.parse_lanes(list(value), (), project_lanes(config))
    if problems or not lanes:
        raise ValueError
    return lanes


def export_name(value: Any, config: Config) -> str | None:
    """A relative file path inside the output directory; None for no export."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\\" in value:
        raise ValueError
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts:
        raise ValueError
    return value


def positive_whole(value: Any, config: Config) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "cjm_emotion_scale",
        model.DEFAULT_EMOTION_SCALE,
        "env",
        (tuple, list),
        lambda value, config: required(model.parse_scale(value)),
        "two numbers (low, high), low below high",
    ),
    Setting(
        "cjm_default_lanes",
        list(model.DEFAULT_LANES),
        "env",
        (list, tuple),
        default_lanes,
        "a list of lane names",
    ),
    Setting(
        "cjm_file_max_bytes",
        DEFAULT_MAX_BYTES,
        "env",
        (int,),
        lambda value, config: required(check_max_bytes(value)),
        "a whole number of bytes, above 0",
    ),
    Setting(
        "cjm_export_json",
        "cjm.json",
        "html",
        (str, type(None)),
        export_name,
        "a file name inside the output directory, or None",
    ),
    Setting("cjm_max_stages", DEFAULT_LIMITS.stages, "env", (int,), positive_whole, "a whole number above 0"),
    Setting("cjm_max_touchpoints", DEFAULT_LIMITS.touchpoints, "env", (int,), positive_whole, "a whole number above 0"),
    Setting("cjm_max_lanes", DEFAULT_LIMITS.lanes, "env", (int,), positive_whole, "a whole number above 0"),
)


def add_config_values(app: Sphinx) -> None:
    for setting in SETTINGS:
        app.add_config_value(setting.name, setting.default, setting.rebuild, types=setting.types)


def replace_unusable(config: Any) -> list[str]:
    """Replace each unusable value of ``config`` by its default; a message for each.

    ``config`` is Sphinx's ``Config``, or the names a ``conf.py`` defines (``sphinx-cjm --conf``).
    """
    messages = []
    for setting in SETTINGS:
        if not hasattr(config, setting.name):
            continue
        value = getattr(config, setting.name)
        try:
            usable = setting.check(value, config)
        except ValueError:
            messages.append(
                f"{setting.name}: {value!r:.80} is not {setting.expected}; the default {setting.default!r} is used"
            )
            usable = setting.default
        setattr(config, setting.name, usable)
    return messages


def check_config(app: Sphinx, config: Config) -> None:
    """Replace each unusable value by its default, with one warning (before Sphinx's own type check)."""
    for message in replace_unusable(config):
        warn(message, "option", None)
