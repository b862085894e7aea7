"""sphinx_cjm: customer journey maps in Sphinx documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from . import model
from .directives import JourneyDirective, JourneyTableDirective, PersonaDirective, StageDirective, TouchpointDirective
from .domain import CJMDomain, warn_missing_reference
from .export import write_export
from .i18n import LOCALE_DIR, MESSAGE_CATALOG
from .table import ResolveJourneyPlaceholders

__version__ = "0.1.0"

STATIC_DIR = Path(__file__).parent / "static"

DIRECTIVES = {
    "persona": PersonaDirective,
    "journey": JourneyDirective,
    "stage": StageDirective,
    "touchpoint": TouchpointDirective,
    "journey-table": JourneyTableDirective,
}


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages showing a journey or title that changed elsewhere are rewritten too."""
    domain: CJMDomain = env.get_domain("cjm")  # type: ignore[assignment]
    return sorted(domain.pages_to_rewrite())


def add_static_path(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC_DIR))
        app.add_css_file("cjm.css")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("cjm_emotion_scale", model.DEFAULT_EMOTION_SCALE, "env", types=(tuple, list))
    app.add_config_value("cjm_default_lanes", list(model.DEFAULT_LANES), "env", types=(list, tuple))
    app.add_config_value("cjm_lane_labels", {}, "env", types=(dict,))
    app.add_config_value("cjm_stage_templates", {}, "env", types=(dict,))
    app.add_config_value("cjm_export_json", "cjm.json", "html", types=(str, type(None)))

    app.add_domain(CJMDomain)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
        app.add_directive_to_domain("cjm", name, directive)
    for kind, role in CJMDomain.roles.items():
        app.add_role(kind, role)
    app.add_post_transform(ResolveJourneyPlaceholders)
    app.add_message_catalog(MESSAGE_CATALOG, str(LOCALE_DIR))

    app.connect("builder-inited", add_static_path)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("warn-missing-reference", warn_missing_reference)
    app.connect("build-finished", write_export)
    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
