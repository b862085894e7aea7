"""The project's own lanes and channels (``cjm_lanes``, ``cjm_channels``), read from ``conf.py``.

A configured lane is a text lane like the built-in ones: a stage option, a YAML key,
a CSV row, a ``:lanes:`` name and a key of the export. Directive options are fixed
per class, so once the configuration is read the ``stage`` directive is registered
again as a subclass whose options include the project's lanes
(:func:`sphinx_cjm.directives.register_configured_lanes`).
"""

from __future__ import annotations

from typing import Any

from . import files, model
from .i18n import configured_lane_labels


def project_lanes(config: Any) -> dict[str, Any]:
    """The text lanes the project adds: key -> label as configured (bad entries left out)."""
    return model.configured_lanes(getattr(config, "cjm_lanes", None))[0]


def project_channels(config: Any) -> dict[str, str]:
    """Every channel name of the project -> its kind (``online``/``offline``)."""
    return model.configured_channels(getattr(config, "cjm_channels", None))[0]


def project_limits(config: Any) -> model.Limits:
    """The most stages, touchpoints and lanes a journey shows (``cjm_max_stages``...)."""
    default = model.Limits()
    return model.Limits(
        getattr(config, "cjm_max_stages", default.stages),
        getattr(config, "cjm_max_touchpoints", default.touchpoints),
        getattr(config, "cjm_max_lanes", default.lanes),
    )


def file_settings(config: Any) -> files.Settings:
    """How journey files are read in this project: a Sphinx ``Config``, or the names ``conf.py`` defines."""
    return files.Settings(
        scale=getattr(config, "cjm_emotion_scale", model.DEFAULT_EMOTION_SCALE),
        default_lanes=getattr(config, "cjm_default_lanes", model.DEFAULT_LANES),
        max_bytes=getattr(config, "cjm_file_max_bytes", files.DEFAULT_MAX_BYTES),
        lane_labels=configured_lane_labels(config),
        lanes=tuple(project_lanes(config)),
        channels=project_channels(config),
        recommendation_types=tuple(getattr(config, "cjm_recommendation_types", model.DEFAULT_RECOMMENDATION_TYPES)),
        limits=project_limits(config),
    )
