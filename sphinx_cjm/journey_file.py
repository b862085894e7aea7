"""``journey :file:``: a journey read from a YAML or CSV file (:mod:`sphinx_cjm.files`).

The file's objects go into the domain like directive-born ones, with the document of
the ``journey`` directive as ``docname`` and the file and line as ``source``/``lineno``;
their descriptions are rendered inside the journey, so links and roles land there.
The directive's own title argument and options override the file's values.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from . import directives, files, model
from .domain import record_location, warn
from .i18n import Labels, project_labels
from .nodes import metric_values
from .numbers import format_number
from .settings import file_settings

if TYPE_CHECKING:
    from .directives import JourneyDirective


def load(directive: JourneyDirective) -> files.JourneyFile | None:
    """Read the ``:file:`` of a journey directive and store its objects; None if it cannot be read."""
    env = directive.env
    option = directive.options["file"].strip()
    path = Path(env.relfn2path(option, env.docname)[1]).resolve() if option else None
    if path is None or not path.is_relative_to(Path(env.srcdir).resolve()):
        warn(
            f"journey: :file: {option!r} must name a file inside the source directory; it is not read",
            "file",
            directive.get_location(),
        )
        return None
    # Also when missing: the page is then read again on every build until the file appears.
    env.note_dependency(path)
    if not path.is_file():
        warn(f"journey: :file: {option!r} not found", "file", directive.get_location())
        return None
    overrides = files.Overrides(
        title=directive.arguments[0].strip() if directive.arguments else "",
        id=directive.options.get("id", "").strip(),
        persona=directive.options.get("persona", "").strip(),
        lanes=directive.parse_lanes(),
        stage_order=model.split_list(directive.options.get("stages")),
    )
    directive.warn(model.check_id(overrides.id) if overrides.id else [])
    loaded = files.load(path, file_settings(directive.config), overrides, env.docname)
    for problem in loaded.problems:
        # Sphinx takes a location without a line for a docname; a whole-file problem points at line 1.
        warn(f"journey file: {problem.message}", problem.subtype, f"{path}:{problem.line or 1}")
    if loaded.journey is None:
        return None
    domain = directive.domain
    if loaded.persona:
        domain.add("persona", loaded.persona)
    for stage in loaded.stages:
        domain.add("stage", stage.stage)
        for point in stage.touchpoints:
            domain.add("touchpoint", point.touchpoint)
        for file_metric in stage.metrics:
            domain.add("metric", file_metric.metric)
            domain.note_use(env.docname, "metric", file_metric.metric.id)
    for item in loaded.all_linked():
        domain.add("recommendation" if isinstance(item.record, model.Recommendation) else "evidence", item.record)
    # Stages nested in the directive's body come after the file's.
    directives.document_counters(env, "cjm:nested")[(directives.JOURNEY_CONTEXT, loaded.journey.id)] = len(
        loaded.stages
    )
    return loaded


class file_text(nodes.paragraph, addnodes.translatable):
    """A paragraph of a file's description: a message of the page, translated as plain text (never markup)."""

    def preserve_original_messages(self) -> None:
        """The original stays in ``rawsource``."""

    def extract_original_messages(self) -> list[str]:
        return [self.rawsource]

    def apply_translated_message(self, original_message: str, translated_message: str) -> None:
        self.children = []
        self += nodes.Text(translated_message)


def paragraphs(text: str, origin: model.Origin) -> list[nodes.Node]:
    """Plain text, blank lines separating paragraphs (never parsed as markup), located in the file."""
    result: list[nodes.Node] = []
    for part in (p.strip() for p in text.split("\n\n")):
        if part:
            paragraph = file_text(part, part)
            paragraph.source, paragraph.line = origin.source, origin.lineno
            result.append(paragraph)
    return result


def intro_nodes(loaded: files.JourneyFile) -> list[nodes.Node]:
    """The journey's description from the file, shown before its table."""
    return paragraphs(loaded.description, loaded.journey.origin) if loaded.journey else []


def detail_nodes(directive: JourneyDirective, loaded: files.JourneyFile, details: str) -> list[nodes.Node]:
    """The file's persona, stages and touchpoints with their descriptions, after the table.

    ``details`` is the journey's ``:details:`` (:data:`sphinx_cjm.directives.DETAILS`); the persona card is always full.
    """
    result: list[nodes.Node] = []
    labels = project_labels(directive.env, loaded.journey.language if loaded.journey else "")
    if loaded.persona:
        segment: list[directives.Field] = (
            [(labels.field("segment"), [loaded.persona.segment])] if loaded.persona.segment else []
        )
        card = block(directive, "persona", loaded.persona, segment, "full")
        card += paragraphs(loaded.persona_description, loaded.persona.origin)
        result.append(card)
    for stage in loaded.stages:
        result.append(stage_box(directive, stage, labels, details))
    return result


def block(
    directive: JourneyDirective,
    kind: str,
    record: model.Stage | model.Touchpoint | model.Persona | model.Recommendation | model.Evidence | model.Metric,
    fields: list[directives.Field],
    details: str = "full",
) -> nodes.container:
    """The object's description box, like a directive's, located at the file's line (so problems point there).

    Its HTML anchor is claimed on the page like a directive's (:func:`sphinx_cjm.directives.claim_anchor`).
    """
    location = (record.origin.source, record.origin.lineno)
    anchor = directives.claim_anchor(directive.state.document, kind, record, record_location(record))
    return directives.detail_block(kind, anchor, record.title, fields, details, location)


def stage_box(directive: JourneyDirective, loaded: files.FileStage, labels: Labels, details: str) -> nodes.container:
    stage = loaded.stage
    fields: list[directives.Field] = [(labels.lane(lane), list(items)) for lane, items in stage.lanes.items()]
    if stage.emotion is not None:
        fields.append((labels.field("emotion"), [format_number(stage.emotion, labels.language)]))
    if stage.reach is not None:
        fields.append((labels.field("reach"), [format_number(stage.reach, labels.language)]))
    container = block(directive, "stage", stage, fields, details)
    if details != "none":
        container += directive.evidence_placeholder(stage.id)
        container += paragraphs(loaded.description, stage.origin)
    container += linked_boxes(directive, loaded.linked, labels)
    for point in loaded.touchpoints:
        container += touchpoint_box(directive, point, labels, details)
    for item in loaded.metrics:
        container += metric_box(directive, item, details)
    return container


def metric_box(directive: JourneyDirective, loaded: files.FileMetric, details: str) -> nodes.container:
    """A metric's description: its plan, fact and verdict are filled in once the facts files are read."""
    metric = loaded.metric
    container = block(directive, "metric", metric, [], details)
    if details != "none":
        container += metric_values(metric=metric.id, nested=True)
        container += paragraphs(loaded.description, metric.origin)
    return container


def touchpoint_box(
    directive: JourneyDirective, loaded: files.FileTouchpoint, labels: Labels, details: str
) -> nodes.container:
    touchpoint = loaded.touchpoint
    fields: list[directives.Field] = []
    if touchpoint.channel:
        fields.append((labels.field("channel"), [labels.channel(touchpoint.channel)]))
    if touchpoint.emotion is not None:
        fields.append((labels.field("emotion"), [format_number(touchpoint.emotion, labels.language)]))
    fields += [
        (labels.field(name), [getattr(touchpoint, name)])
        for name in ("barrier", "solution", "owner", "kpi")
        if getattr(touchpoint, name)
    ]
    container = block(directive, "touchpoint", touchpoint, fields, details)
    if details != "none":
        container += directive.evidence_placeholder(touchpoint.id)
        container += paragraphs(loaded.description, touchpoint.origin)
    container += linked_boxes(directive, loaded.linked, labels)
    return container


def linked_boxes(directive: JourneyDirective, items: list[files.FileLinked], labels: Labels) -> list[nodes.Node]:
    """The descriptions of the recommendations and evidence written in a stage or touchpoint of the file."""
    from .recommendations import evidence_fields, recommendation_fields, recommendation_types

    result: list[nodes.Node] = []
    for item in items:
        record = item.record
        if isinstance(record, model.Recommendation):
            fields = recommendation_fields(record, recommendation_types(directive.config), labels)
            container = block(directive, "recommendation", record, fields)
        else:
            container = block(directive, "evidence", record, evidence_fields(record, labels))
        container += paragraphs(item.description, record.origin)
        result.append(container)
    return result
