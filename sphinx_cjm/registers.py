"""The registers a finished map ends with: ``touchpoint-index`` and ``barrier-list``.

Both directives leave a placeholder; a post-transform fills it once every document
has been read, with plain docutils tables whose links are ``pending_xref`` nodes, so
HTML, LaTeX and text builders all render them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from . import model
from .directives import xref
from .domain import CJMDomain, cjm_domain, warn
from .held import held
from .i18n import Labels, project_labels
from .numbers import format_number
from .settings import project_channels

SORT_ORDERS = ("stage", "emotion")
#: The ``:channel:`` name of the group of touchpoints without a channel ('').
NO_CHANNEL = "none"


class touchpoint_index(nodes.General, nodes.Element):
    """Where a touchpoint index goes: ``journeys``, ``channels`` and ``sort`` as given."""


class barrier_list(nodes.General, nodes.Element):
    """Where a barrier list goes: ``journeys`` and ``owner`` as given."""


# --- what the registers list -----------------------------------------------------------------


@dataclass(frozen=True)
class TouchpointEntry:
    touchpoint: model.Touchpoint
    journey: model.Journey | None
    stage: model.Stage | None
    #: Journey, stage and touchpoint order, for ``:sort: stage``.
    position: tuple


@dataclass(frozen=True)
class BarrierEntry:
    barrier: str
    solution: str
    owner: str
    #: The touchpoint the barrier was written on; None for a stage's ``:barriers:`` item.
    touchpoint: model.Touchpoint | None
    #: Recommendations addressing that touchpoint (or the stage, for its own barriers).
    recommendations: tuple[model.Recommendation, ...] = ()

    @property
    def solved(self) -> bool:
        return bool(self.solution or self.recommendations)


def barrier_entries(stage: model.AssembledStage) -> list[BarrierEntry]:
    """A stage's barriers with their solutions and owners.

    The stage's own ``:barriers:``, ``:solutions:`` and ``:owners:`` items pair by
    position (the second solution answers the second barrier); a single owner owns
    every fix of the stage. A solution beyond the last barrier is listed on its own.
    Then each touchpoint with a barrier or a solution, with its ``:owner:``.
    Recommendations addressing the stage solve each of its own barriers; those
    addressing a touchpoint solve its barrier.
    """
    lanes = stage.stage.lanes
    barriers, solutions, owners = (lanes.get(lane, []) for lane in ("barriers", "solutions", "owners"))
    stage_recommendations = tuple(stage.recommendations_of(stage.stage.id))
    entries = []
    for n in range(max(len(barriers), len(solutions))):
        owner = owners[n] if n < len(owners) else (owners[0] if len(owners) == 1 else "")
        recommendations = stage_recommendations if n < len(barriers) else ()
        entries.append(BarrierEntry(_at(barriers, n), _at(solutions, n), owner, None, recommendations))
    for point in stage.touchpoints:
        if point.barrier or point.solution:
            recommendations = tuple(stage.recommendations_of(point.id))
            entries.append(BarrierEntry(point.barrier, point.solution, point.owner, point, recommendations))
    return entries


def _at(items: list[str], n: int) -> str:
    return items[n] if n < len(items) else ""


def same_owner(owner: str, wanted: str) -> bool:
    return " ".join(owner.split()).casefold() == " ".join(wanted.split()).casefold()


def touchpoint_entries(domain: CJMDomain, journey_ids: list[str] | None) -> list[TouchpointEntry]:
    """Touchpoints of the chosen journeys; with None, of all, and those outside any journey."""
    entries: list[TouchpointEntry] = []
    placed: set[str] = set()
    for journey_rank, journey_id in enumerate(domain.objects("journey") if journey_ids is None else journey_ids):
        assembled = domain.assembled(journey_id)
        if assembled is None:
            continue
        for stage_rank, stage in enumerate(assembled.stages):
            for point_rank, point in enumerate(stage.touchpoints):
                placed.add(point.id)
                position = (journey_rank, stage_rank, point_rank)
                entries.append(TouchpointEntry(point, assembled.journey, stage.stage, position))
    if journey_ids is None:
        for point in domain.objects("touchpoint").values():
            if point.id not in placed:
                entries.append(TouchpointEntry(point, None, domain.get("stage", point.stage), (len(entries), 0, 0)))
    return entries


# --- directives ------------------------------------------------------------------------------


class RegisterDirective(SphinxDirective):
    """Shared plumbing: the ``:journey:`` option, a placeholder noted as showing every journey."""

    placeholder: ClassVar[type[nodes.Element]]
    has_content = False

    def warn(self, message: str) -> None:
        warn(f"{self.name}: {message}", "option", self.get_location())

    def make_placeholder(self, **attributes: Any) -> list[nodes.Node]:
        node = self.placeholder(journeys=model.split_list(self.options.get("journey")), **attributes)
        self.set_source_info(node)
        cjm_domain(self.env).note_use(self.env.docname, "registers", "")
        return [node]


class TouchpointIndexDirective(RegisterDirective):
    """``.. touchpoint-index::`` every touchpoint, grouped by channel."""

    placeholder = touchpoint_index
    option_spec: ClassVar[dict[str, Any]] = {
        "journey": directives.unchanged,
        "channel": directives.unchanged,
        "sort": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        channels = []
        groups = channel_groups(project_channels(self.config))
        for name in model.split_list(self.options.get("channel", "").lower()):
            channel = "" if name == NO_CHANNEL else name
            if channel not in groups:
                self.warn(f"unknown channel {name!r:.40}; use {', '.join(groups[:-1])} or {NO_CHANNEL}")
            elif channel not in channels:
                channels.append(channel)
        sort = self.options.get("sort", "").strip().lower() or SORT_ORDERS[0]
        if sort not in SORT_ORDERS:
            self.warn(f"unknown sort order {sort!r:.40}; use {' or '.join(SORT_ORDERS)}")
            sort = SORT_ORDERS[0]
        return self.make_placeholder(channels=channels, sort=sort)


class BarrierListDirective(RegisterDirective):
    """``.. barrier-list::`` the register of barriers and their solutions."""

    placeholder = barrier_list
    option_spec: ClassVar[dict[str, Any]] = {"journey": directives.unchanged, "owner": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        return self.make_placeholder(owner=" ".join(self.options.get("owner", "").split()))


# --- rendering -------------------------------------------------------------------------------


def text_paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph(text, text)


def recommendation_link(recommendation: model.Recommendation) -> nodes.paragraph:
    link = xref("recommendation", recommendation.id, recommendation.title)
    return nodes.paragraph("", "", link, classes=["cjm-recommendation-link"])


def link(kind: str, record: model.Journey | model.Stage | model.Touchpoint | None) -> list[nodes.Node]:
    return [nodes.paragraph("", "", xref(kind, record.id, record.title))] if record else []


def register_table(
    classes: list[str], headers: Iterable[str], rows: Iterable[nodes.row], widths: Iterable[int]
) -> nodes.table:
    # On paper a register breaks across pages between rows (longtable), its columns as wide as ``widths`` say.
    table = nodes.table(classes=["cjm-register-table", "longtable", "colwidths-given", *classes])
    widths = list(widths)
    group = nodes.tgroup(cols=len(widths))
    table += group
    group += [nodes.colspec(colwidth=width) for width in widths]
    group += nodes.thead("", nodes.row("", *(nodes.entry("", text_paragraph(h)) for h in headers)))
    group += nodes.tbody("", *rows)
    return table


def channel_groups(channels: dict[str, str]) -> list[str]:
    """The groups of the touchpoint index, in the order shown: each channel name, then '' (no channel)."""
    return [*channels, ""]


def group_label(channel: str, kind: str, labels: Labels) -> str:
    """ "Online", "Offline", "No channel"; a configured channel by its name, with its kind."""
    if channel in model.CHANNELS or not channel:
        return labels.register(f"group-{channel}")
    name = labels.channel(channel)
    return f"{name[:1].upper()}{name[1:]} ({labels.channel(kind)})"


def build_touchpoint_index(
    entries: list[TouchpointEntry], channels: list[str], sort: str, kinds: dict[str, str], labels: Labels
) -> list[nodes.Node]:
    if sort == "emotion":  # the lowest first: the dips are where the work is
        entries = sorted(entries, key=lambda e: (e.touchpoint.emotion is None, e.touchpoint.emotion or 0, e.position))
    else:
        entries = sorted(entries, key=lambda e: e.position)
    headers = [labels.register("touchpoint"), *(labels.field(f) for f in ("journey", "stage", "emotion"))]
    result: list[nodes.Node] = []
    for channel in channels or channel_groups(kinds):
        group = [e for e in entries if e.touchpoint.channel == channel]
        if not group:
            continue
        label = group_label(channel, kinds.get(channel, ""), labels)
        classes = ["cjm-channel-group", f"cjm-channel-{channel or NO_CHANNEL}"]
        if channel not in model.CHANNELS and channel:
            classes.append(f"cjm-channel-kind-{kinds[channel]}")
        result.append(nodes.rubric(label, label, classes=classes))
        rows = []
        for entry in group:
            emotion = entry.touchpoint.emotion
            rows.append(
                nodes.row(
                    "",
                    nodes.entry("", *link("touchpoint", entry.touchpoint)),
                    nodes.entry("", *link("journey", entry.journey)),
                    nodes.entry("", *link("stage", entry.stage)),
                    nodes.entry(
                        "", *([text_paragraph(format_number(emotion, labels.language))] if emotion is not None else [])
                    ),
                )
            )
        result.append(register_table([f"cjm-channel-{channel or NO_CHANNEL}"], headers, rows, (30, 30, 30, 10)))
    return result


def barrier_rows(stage: model.AssembledStage, entries: list[BarrierEntry], labels: Labels) -> list[nodes.row]:
    rows = []
    for n, entry in enumerate(entries):
        row = nodes.row()
        if n == 0:  # the stage cell spans the stage's rows: the register is grouped by stage
            row += nodes.entry("", *link("stage", stage.stage), morerows=len(entries) - 1)
        row += nodes.entry("", *([text_paragraph(entry.barrier)] if entry.barrier else []))
        if entry.solved:
            solutions = [text_paragraph(entry.solution)] if entry.solution else []
            solutions += [recommendation_link(r) for r in entry.recommendations]
            row += nodes.entry("", *solutions)
        else:
            mark = labels.register("no-solution")
            row += nodes.entry("", nodes.paragraph("", "", nodes.strong(mark, mark, classes=["cjm-no-solution"])))
            row["classes"].append("cjm-unsolved")
        row += nodes.entry("", *([text_paragraph(entry.owner)] if entry.owner else []))
        row += nodes.entry("", *link("touchpoint", entry.touchpoint))
        rows.append(row)
    return rows


def build_barrier_list(
    journeys: list[model.AssembledJourney], owner: str, labels_of: Callable[[model.Journey], Labels]
) -> list[nodes.Node]:
    """Per journey, a rubric and a table, labelled in the journey's language."""
    result: list[nodes.Node] = []
    for assembled in journeys:
        labels = labels_of(assembled.journey)
        headers = [labels.field(f) for f in ("stage", "barrier", "solution", "owner")]
        headers.append(labels.register("touchpoint"))
        rows = []
        for stage in assembled.stages:
            entries = [e for e in barrier_entries(stage) if not owner or same_owner(e.owner, owner)]
            rows += barrier_rows(stage, entries, labels) if entries else []
        if rows:
            journey = assembled.journey
            result.append(
                nodes.rubric("", "", xref("journey", journey.id, journey.title), classes=["cjm-register-journey"])
            )
            result.append(register_table([], headers, rows, (18, 26, 26, 15, 15)))
    return result


class ResolveRegisters(SphinxPostTransform):
    """Fill ``touchpoint-index`` and ``barrier-list`` placeholders from the whole project."""

    # Before ReferencesResolver (10), so the links made here are resolved too.
    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        domain = cjm_domain(self.env)
        kinds = project_channels(self.config)
        for node in held(self.document, touchpoint_index):
            journey_ids = self.chosen_journeys(domain, node)
            labels = self.shared_labels(domain, journey_ids)
            entries = touchpoint_entries(domain, journey_ids)
            content = build_touchpoint_index(entries, node["channels"], node["sort"], kinds, labels)
            self.replace(node, "cjm-touchpoint-index", content, labels.register("no-touchpoints"))
        for listing in held(self.document, barrier_list):
            journey_ids = self.chosen_journeys(domain, listing)
            journeys = [
                domain.assembled(j) for j in (domain.objects("journey") if journey_ids is None else journey_ids)
            ]
            content = build_barrier_list(
                [j for j in journeys if j], listing["owner"], lambda j: project_labels(self.env, j.language)
            )
            labels = self.shared_labels(domain, journey_ids)
            self.replace(listing, "cjm-barrier-list", content, labels.register("no-barriers"))

    def shared_labels(self, domain: CJMDomain, journey_ids: list[str] | None) -> Labels:
        """The language of the journeys a register names, when they share one; else the project's."""
        journeys = [domain.get("journey", journey_id) for journey_id in journey_ids or []]
        languages = {j.language for j in journeys if isinstance(j, model.Journey)}
        return project_labels(self.env, languages.pop() if journey_ids and len(languages) == 1 else None)

    @staticmethod
    def chosen_journeys(domain: CJMDomain, node: nodes.Element) -> list[str] | None:
        """The known journeys of ``:journey:``; None when the option is not given."""
        if not node["journeys"]:
            return None
        known = []
        for journey_id in node["journeys"]:
            if domain.get("journey", journey_id) is None:
                warn(f"{node.tagname.replace('_', '-')}: unknown journey id {journey_id!r}", "ref", node)
            elif journey_id not in known:
                known.append(journey_id)
        return known

    @staticmethod
    def replace(node: nodes.Element, class_name: str, content: list[nodes.Node], empty_text: str) -> None:
        if not content:
            content = [text_paragraph(empty_text)]
        node.replace_self(nodes.container("", *content, classes=["cjm-register", class_name]))
