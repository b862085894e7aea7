"""sphinx_cjm: customer journey maps in Sphinx documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from . import config
from .blueprint import blueprint_line_row, skip_line_row
from .description_html import ShapeDescriptions, visit_description
from .directives import (
    ExpandDescriptions,
    JourneyDirective,
    JourneyTableDirective,
    PersonaDirective,
    StageDirective,
    TouchpointDirective,
    check_details_config,
    register_configured_lanes,
)
from .domain import (
    ApplyRenamedIds,
    CJMDomain,
    cjm_domain,
    freeze_after_reading,
    freeze_in_forked_children,
    note_build_start,
    pack_objects,
    release_records,
    reread_for_changed_catalogs,
    warn_missing_reference,
)
from .export import write_export
from .figure import (
    EmotionCurveDirective,
    ResolveCurvePlaceholders,
    add_curve_node,
    check_config,
    forget_layouts,
    name_curve_files,
    remove_unused_curves,
)
from .full_map import (
    add_template_path,
    collect_pages,
    depart_full_map_source,
    note_written_doc,
    visit_full_map_source,
)
from .funnel import FunnelDirective, ResolveFunnels, add_funnel_node, name_funnel_files
from .held import NoteHeldTypes
from .i18n import LOCALE_DIR, MESSAGE_CATALOG, RECOMMENDATION_TYPES
from .journey_diff import JourneyDiffDirective, ResolveJourneyDiffs
from .latex_styles import LATEX_PACKAGES, add_latex_styles
from .lint import check_project
from .matrix_figure import PriorityMatrixDirective, ResolvePriorityMatrices, add_matrix_node, name_matrix_files
from .metrics import MetricDirective, ResolveMetricValues, load_metric_facts
from .nodes import cjm_description, full_map_source, written_journey_table
from .recommendations import (
    EvidenceDirective,
    EvidenceListDirective,
    RecommendationDirective,
    RecommendationRegisterDirective,
    ResolveRecommendationRegisters,
    remove_csv_of_removed_pages,
    write_register_csv,
)
from .registers import BarrierListDirective, ResolveRegisters, TouchpointIndexDirective
from .table import ResolveJourneyPlaceholders
from .table_html import forget_writer_pace, make_tables_ahead, note_page_translated, visit_written_table
from .translation import ApplyTranslatedTexts, OfferTexts, cjm_texts

__version__ = "0.1.0"

STATIC_DIR = Path(__file__).parent / "static"

DIRECTIVES = {
    "persona": PersonaDirective,
    "journey": JourneyDirective,
    "stage": StageDirective,
    "touchpoint": TouchpointDirective,
    "journey-table": JourneyTableDirective,
    "emotion-curve": EmotionCurveDirective,
    "touchpoint-index": TouchpointIndexDirective,
    "barrier-list": BarrierListDirective,
    "metric": MetricDirective,
    "journey-diff": JourneyDiffDirective,
    "funnel": FunnelDirective,
    "recommendation": RecommendationDirective,
    "evidence": EvidenceDirective,
    "recommendation-register": RecommendationRegisterDirective,
    "evidence-list": EvidenceListDirective,
    "priority-matrix": PriorityMatrixDirective,
}


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages showing a journey or title that changed elsewhere are rewritten too."""
    domain = cjm_domain(env)
    return sorted(domain.pages_to_rewrite())


def add_static_path(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC_DIR))
        app.add_css_file("cjm.css")
        app.add_js_file("cjm.js")


def setup(app: Sphinx) -> dict[str, Any]:
    config.add_config_values(app)
    app.add_config_value("cjm_lane_labels", {}, "env", types=(dict,))
    app.add_config_value("cjm_lanes", {}, "env", types=(dict,))
    app.add_config_value("cjm_channels", {}, "env", types=(dict,))
    app.add_config_value("cjm_stage_templates", {}, "env", types=(dict,))
    app.add_config_value("cjm_lint", [], "env", types=(list, tuple, set, dict))
    app.add_config_value("cjm_details", "full", "env", types=(str,))
    app.add_config_value("cjm_curve_format", None, "env", types=(str, dict, type(None)))
    app.add_config_value("cjm_curve_palette", None, "env", types=(dict, list, tuple, type(None)))
    app.add_config_value("cjm_curve_size", None, "env", types=(tuple, list, type(None)))
    app.add_config_value("cjm_metric_facts", [], "env", types=(list, tuple, str))
    app.add_config_value("cjm_metric_facts_max_age", None, "env", types=(int, type(None)))
    # Where drawn figures are kept across builds (None: beside the doctrees; False: not kept).
    app.add_config_value("cjm_figure_cache", None, "", types=(str, bool, type(None)))
    app.add_config_value("cjm_recommendation_types", dict(RECOMMENDATION_TYPES), "env", types=(dict, list, tuple))

    app.add_domain(CJMDomain)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
        app.add_directive_to_domain("cjm", name, directive)
    for kind, role in CJMDomain.roles.items():
        app.add_role(kind, role)
    app.add_transform(OfferTexts)
    app.add_transform(ApplyTranslatedTexts)
    app.add_node(cjm_texts)
    app.add_post_transform(NoteHeldTypes)
    app.add_post_transform(ApplyRenamedIds)
    app.add_node(cjm_description, html=(visit_description, None))
    app.add_node(full_map_source, html=(visit_full_map_source, depart_full_map_source))
    app.add_node(written_journey_table, html=(visit_written_table, None))
    app.add_post_transform(ShapeDescriptions)
    app.add_post_transform(ExpandDescriptions)
    app.add_post_transform(ResolveJourneyPlaceholders)
    app.add_post_transform(ResolveCurvePlaceholders)
    app.add_post_transform(ResolveRegisters)
    app.add_post_transform(ResolveMetricValues)
    app.add_post_transform(ResolveJourneyDiffs)
    app.add_post_transform(ResolveFunnels)
    app.add_post_transform(ResolveRecommendationRegisters)
    app.add_post_transform(ResolvePriorityMatrices)
    app.add_node(blueprint_line_row, html=(skip_line_row, None))
    add_funnel_node(app)
    add_curve_node(app)
    add_matrix_node(app)
    app.add_message_catalog(MESSAGE_CATALOG, str(LOCALE_DIR))
    for package in LATEX_PACKAGES:
        app.add_latex_package(package)

    app.connect("builder-inited", add_static_path)
    app.connect("builder-inited", freeze_in_forked_children)
    app.connect("config-inited", config.check_config)
    app.connect("config-inited", check_config)
    app.connect("config-inited", add_template_path)
    app.connect("html-collect-pages", collect_pages)
    app.connect("doctree-resolved", note_written_doc)
    # Facts first: the pages to rewrite are those whose shown facts changed too.
    app.connect("env-get-updated", load_metric_facts, priority=400)
    app.connect("config-inited", register_configured_lanes)
    app.connect("config-inited", check_details_config)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("env-updated", pack_objects)
    app.connect("env-updated", freeze_after_reading, priority=900)  # after what others make of the reading
    app.connect("env-before-read-docs", note_build_start)
    app.connect("env-get-outdated", reread_for_changed_catalogs)
    app.connect("env-check-consistency", check_project)
    app.connect("config-inited", add_latex_styles)
    app.connect("warn-missing-reference", warn_missing_reference)
    app.connect("doctree-resolved", name_curve_files)
    app.connect("doctree-resolved", name_funnel_files)  # after the curves': it adds to their record
    app.connect("doctree-resolved", name_matrix_files)
    app.connect("doctree-resolved", write_register_csv)
    app.connect("doctree-resolved", make_tables_ahead, priority=900)  # once the other handlers have changed the page
    app.connect("html-page-context", note_page_translated)
    app.connect("build-finished", write_export)
    app.connect("build-finished", remove_unused_curves)
    app.connect("build-finished", forget_layouts)
    app.connect("build-finished", remove_csv_of_removed_pages)
    app.connect("build-finished", release_records)
    app.connect("build-finished", forget_writer_pace)
    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
