"""Recommendations and evidence: the ``recommendation`` and ``evidence`` objects and their registers.

A recommendation addresses touchpoints or stages (nested in one: its parent) and
solves their barriers; evidence supports them. Both are stored in the domain like
every other object. ``recommendation-register`` and ``evidence-list`` leave
placeholders that a post-transform fills once the whole project is read, with plain
docutils tables (and, in HTML, a CSV file of the register in ``_downloads``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx

from . import model
from .directives import PARENT_CONTEXT, CJMDirective, Field, field, xref
from .domain import CJMDomain, cjm_domain
from .held import held
from .i18n import EVIDENCE_KIND_LABELS, PRIORITY_LABELS, STATUS_LABELS, Labels, recommendation_type_label
from .nodes import evidence_links
from .registers import RegisterDirective, ResolveRegisters, register_table, same_owner, text_paragraph

GROUPS = ("type", "journey", "status", "owner", "priority")
SORTS = ("priority", "score", "due", "stage")
#: Where the register's CSV files go inside the HTML builder's ``_downloads``.
CSV_FOLDER = "cjm"


class recommendation_register(nodes.General, nodes.Element):
    """Where a register goes: ``journeys``, ``types``, ``statuses``, ``owner``, ``group_by``, ``sort``."""


class evidence_list(nodes.General, nodes.Element):
    """Where an evidence list goes: ``journeys`` and ``kinds``."""


def recommendation_types(config: Any) -> dict[str, object]:
    """``cjm_recommendation_types`` as key -> label (a list gives keys labelled by themselves)."""
    types = config.cjm_recommendation_types
    if isinstance(types, dict):
        return types
    return {str(key): str(key) for key in types or ()}


def target_kind(record: model.Stage | model.Touchpoint) -> str:
    return "touchpoint" if isinstance(record, model.Touchpoint) else "stage"


# --- the objects -----------------------------------------------------------------------------


class LinkingDirective(CJMDirective):
    """Shared by recommendation and evidence: the touchpoints or stages it is about."""

    target_option: ClassVar[str]
    required_arguments = 1
    has_content = True

    def targets(self) -> list[str]:
        """The enclosing touchpoint or stage, then the ids of the option, each once."""
        parent = self.env.ref_context.get(PARENT_CONTEXT)
        given = model.split_list(self.options.get(self.target_option))
        for target in given:
            self.warn(model.check_id(target))
        return list(dict.fromkeys([*([parent] if parent else []), *given]))

    def store(self, record: model.Recommendation | model.Evidence, targets: list[str]) -> None:
        if not targets:
            self.warn(
                [
                    model.Problem(
                        "option",
                        f"{record.id!r} is not inside a touchpoint or stage and has no :{self.target_option}: option; "
                        "it belongs to no journey",
                    )
                ]
            )
        self.domain.add(self.kind, record)

    def choice(self, name: str, allowed: Iterable[str], what: str, default: str = "") -> str:
        value, problems = model.parse_choice(self.options.get(name), allowed, what)
        self.warn(problems)
        return value or default

    def target_links(self, label: str, targets: list[str]) -> list[Field]:
        """A field of links to the touchpoints or stages, each with its title (none without targets)."""
        for target in targets:
            self.domain.note_use(self.env.docname, "target", target)
        return [(label, [xref("target", target, warn_dangling=False) for target in targets])] if targets else []


class RecommendationDirective(LinkingDirective):
    """A change the map recommends: what, for which touchpoints or stages, who, by when, at what cost."""

    kind = "recommendation"
    target_option = "addresses"
    option_spec: ClassVar[dict[str, Any]] = {
        name: directives.unchanged
        for name in ("id", "addresses", "type", "priority", "impact", "effort", "owner", "status", "due", "budget")
    }

    def run(self) -> list[nodes.Node]:
        title = " ".join(self.arguments[0].split())
        targets = self.targets()
        types = recommendation_types(self.config)
        impact, impact_problems = model.parse_score(self.options.get("impact"), "impact")
        effort, effort_problems = model.parse_score(self.options.get("effort"), "effort")
        due, due_problems = model.parse_date(self.options.get("due"))
        self.warn([*impact_problems, *effort_problems, *due_problems])
        recommendation = model.Recommendation(
            id=self.object_id(title, targets[0] if targets else ""),
            title=title,
            addresses=targets,
            type=self.choice("type", types, "type"),
            priority=self.choice("priority", model.PRIORITIES, "priority"),
            impact=impact,
            effort=effort,
            owner=" ".join(self.options.get("owner", "").split()),
            status=self.choice("status", model.RECOMMENDATION_STATUSES, "status", model.DEFAULT_STATUS),
            due=due,
            budget=" ".join(self.options.get("budget", "").split()),
            origin=self.origin(),
        )
        self.store(recommendation, targets)
        labels = self.labels()
        fields = self.target_links(labels.field("addresses"), targets)
        box = self.container(recommendation, title, fields + recommendation_fields(recommendation, types, labels))
        box += self.parse_body()
        return [box]


def recommendation_fields(r: model.Recommendation, types: dict[str, object], labels: Labels) -> list[Field]:
    """Type, priority, impact, effort, owner, status, due and budget, those that are set."""
    values = {
        "type": recommendation_type_label(r.type, types, labels) if r.type else "",
        "priority": labels.gettext(PRIORITY_LABELS[r.priority]) if r.priority else "",
        "impact": "" if r.impact is None else str(r.impact),
        "effort": "" if r.effort is None else str(r.effort),
        "owner": r.owner,
        "status": labels.status(r.status),
        "due": r.due,
        "budget": r.budget,
    }
    return [(labels.field(name), [value]) for name, value in values.items() if value]


class EvidenceDirective(LinkingDirective):
    """Research behind the map: a quote, an interview, a survey, analytics, an observation or a review."""

    kind = "evidence"
    target_option = "supports"
    option_spec: ClassVar[dict[str, Any]] = {
        name: directives.unchanged for name in ("id", "supports", "kind", "source")
    }

    def run(self) -> list[nodes.Node]:
        title = " ".join(self.arguments[0].split())
        targets = self.targets()
        evidence = model.Evidence(
            id=self.object_id(title, targets[0] if targets else ""),
            title=title,
            kind=self.choice("kind", model.EVIDENCE_KINDS, "evidence kind"),
            source=" ".join(self.options.get("source", "").split()),
            supports=targets,
            origin=self.origin(),
        )
        self.store(evidence, targets)
        labels = self.labels()
        fields = evidence_fields(evidence, labels) + self.target_links(labels.field("supports"), targets)
        box = self.container(evidence, title, fields)
        box += self.parse_body()
        return [box]


def evidence_fields(evidence: model.Evidence, labels: Labels) -> list[Field]:
    """Kind and source, those that are set."""
    values = {
        "kind": labels.gettext(EVIDENCE_KIND_LABELS[evidence.kind]) if evidence.kind else "",
        "source": evidence.source,
    }
    return [(labels.field(name), [value]) for name, value in values.items() if value]


# --- the registers ---------------------------------------------------------------------------


class FilteredRegisterDirective(RegisterDirective):
    """Options naming values of a vocabulary, or one of several."""

    def known(self, option: str, allowed: Iterable[str]) -> list[str]:
        """The option's values that ``allowed`` holds; the others warn."""
        allowed = list(allowed)
        values = []
        for name in model.split_list(self.options.get(option, "").lower()):
            if name not in allowed:
                self.warn(f"unknown {option} {name!r:.40}; use one of: {', '.join(allowed)}")
            elif name not in values:
                values.append(name)
        return values

    def one_of(self, option: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.options.get(option, "").strip().lower()
        if value and value not in allowed:
            self.warn(f"unknown {option} {value!r:.40}; use one of: {', '.join(allowed)}")
            return default
        return value or default


class RecommendationRegisterDirective(FilteredRegisterDirective):
    """``.. recommendation-register::`` every recommendation, filtered, grouped and sorted."""

    placeholder = recommendation_register
    option_spec: ClassVar[dict[str, Any]] = {
        "journey": directives.unchanged,
        "type": directives.unchanged,
        "status": directives.unchanged,
        "owner": directives.unchanged,
        "group-by": directives.unchanged,
        "sort": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        types = self.known("type", recommendation_types(self.config))
        statuses = self.known("status", model.RECOMMENDATION_STATUSES)
        group_by = self.one_of("group-by", GROUPS, "")
        sort = self.one_of("sort", SORTS, SORTS[0])
        owner = " ".join(self.options.get("owner", "").split())
        return self.make_placeholder(types=types, statuses=statuses, owner=owner, group_by=group_by, sort=sort)


class EvidenceListDirective(FilteredRegisterDirective):
    """``.. evidence-list::`` the research behind the maps."""

    placeholder = evidence_list
    option_spec: ClassVar[dict[str, Any]] = {"journey": directives.unchanged, "kind": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        return self.make_placeholder(kinds=self.known("kind", model.EVIDENCE_KINDS))


class Register:
    """The recommendations of a project, with what the register shows about them."""

    def __init__(self, domain: CJMDomain, types: dict[str, object], labels: Labels) -> None:
        self.domain, self.types, self.labels = domain, types, labels
        #: Each touchpoint and stage id -> its (journey, stage, touchpoint) rank, for ``:sort: stage``.
        self.position: dict[str, tuple[int, int, int]] = {}
        for journey_rank, journey_id in enumerate(domain.objects("journey")):
            assembled = domain.assembled(journey_id)
            for stage_rank, stage in enumerate(assembled.stages if assembled else []):
                self.position[stage.stage.id] = (journey_rank, stage_rank, -1)
                for point_rank, point in enumerate(stage.touchpoints):
                    self.position[point.id] = (journey_rank, stage_rank, point_rank)

    def journeys(self, record: model.Recommendation | model.Evidence) -> set[str]:
        targets = record.addresses if isinstance(record, model.Recommendation) else record.supports
        found = (self.domain.target(t) for t in targets)
        return {self.domain.journey_of(t) for t in found if t is not None}

    def chosen(self, node: nodes.Element, journey_ids: list[str] | None) -> list[model.Recommendation]:
        return [
            r
            for r in self.domain.written("recommendation")
            if (journey_ids is None or self.journeys(r) & set(journey_ids))
            and (not node["types"] or r.type in node["types"])
            and (not node["statuses"] or r.status in node["statuses"])
            and (not node["owner"] or same_owner(r.owner, node["owner"]))
        ]

    def sort_key(self, sort: str) -> Callable[[model.Recommendation], tuple]:
        def priority(r: model.Recommendation) -> int:
            return model.PRIORITIES.index(r.priority) if r.priority else len(model.PRIORITIES)

        def score(r: model.Recommendation) -> tuple[bool, float]:
            return r.score is None, -(r.score or 0)

        def stage(r: model.Recommendation) -> tuple:
            ranks = [self.position[t] for t in r.addresses if t in self.position]
            return min(ranks) if ranks else (len(self.position), 0, 0)

        keys: dict[str, Callable[[model.Recommendation], tuple]] = {
            "priority": lambda r: (priority(r), *score(r), r.id),
            "score": lambda r: (*score(r), priority(r), r.id),
            "due": lambda r: (not r.due, r.due, priority(r), r.id),
            "stage": lambda r: (stage(r), priority(r), r.id),
        }
        return keys[sort]

    def groups(self, records: list[model.Recommendation], group_by: str) -> list[tuple[nodes.Node | None, list]]:
        """(heading, records) per group in the order of its vocabulary; unset values last."""
        if not group_by:
            return [(None, records)]
        keyed: dict[str, list[model.Recommendation]] = {}
        for record in records:
            keyed.setdefault(self.group_key(record, group_by), []).append(record)
        order = {
            "type": list(self.types),
            "status": list(model.RECOMMENDATION_STATUSES),
            "priority": list(model.PRIORITIES),
            "journey": list(self.domain.objects("journey")),
        }.get(group_by) or sorted(keyed, key=str.casefold)
        ranked = sorted(keyed, key=lambda key: (not key, order.index(key) if key in order else len(order), key))
        return [(self.group_heading(group_by, key, keyed[key]), keyed[key]) for key in ranked]

    def group_key(self, record: model.Recommendation, group_by: str) -> str:
        if group_by == "journey":
            return self.domain.journey_of(record)
        if group_by == "owner":
            return " ".join(record.owner.split())
        return str(getattr(record, group_by))

    def group_heading(self, group_by: str, key: str, records: list[model.Recommendation]) -> nodes.Node:
        classes = ["cjm-register-group", f"cjm-group-{group_by}"]
        if group_by == "journey" and key:
            journey = self.domain.get("journey", key)
            return nodes.rubric("", "", xref("journey", key, journey.title if journey else key), classes=classes)
        text = self.value_label(group_by, key) or self.labels.register("no-group")
        return nodes.rubric(text, text, classes=classes)

    def value_label(self, name: str, value: str) -> str:
        if not value:
            return ""
        if name == "type":
            return recommendation_type_label(value, self.types, self.labels)
        vocabulary = {"priority": PRIORITY_LABELS, "status": STATUS_LABELS}.get(name)
        return self.labels.gettext(vocabulary[value]) if vocabulary and value in vocabulary else value

    def barrier_text(self, target: model.Stage | model.Touchpoint) -> str:
        if isinstance(target, model.Touchpoint):
            return target.barrier
        return "; ".join(target.lanes.get("barriers", []))

    def addresses_cell(self, record: model.Recommendation) -> nodes.entry:
        cell = nodes.entry()
        for target_id in record.addresses:
            target = self.domain.target(target_id)
            if target is None:
                continue
            paragraph = nodes.paragraph("", "", xref(target_kind(target), target.id, target.title))
            barrier = self.barrier_text(target)
            if barrier:
                paragraph += [nodes.Text(" — "), nodes.inline(barrier, barrier, classes=["cjm-barrier"])]
            cell += paragraph
        return cell

    def row(self, r: model.Recommendation) -> nodes.row:
        def text(value: object) -> nodes.entry:
            shown = "" if value is None else str(value)
            return nodes.entry("", *([text_paragraph(shown)] if shown else []))

        classes = [f"cjm-status-{r.status}", *([f"cjm-priority-{r.priority}"] if r.priority else [])]
        return nodes.row(
            "",
            nodes.entry("", nodes.paragraph("", "", xref("recommendation", r.id, r.title))),
            self.addresses_cell(r),
            text(self.value_label("type", r.type)),
            text(self.value_label("priority", r.priority)),
            text(r.impact),
            text(r.effort),
            text(r.owner),
            text(self.value_label("status", r.status)),
            text(r.due),
            classes=classes,
        )

    def csv_text(self, records: list[model.Recommendation]) -> str:
        """The register as a spreadsheet: the table's columns, plus id, journey and budget."""
        names = ["recommendation", "journey", "addresses", "barrier", "type", "priority", "impact", "effort"]
        names += ["owner", "status", "due", "budget"]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["id", *(self.labels.field(name) for name in names)])
        for r in records:
            targets = [t for t in map(self.domain.target, r.addresses) if t is not None]
            journey = self.domain.get("journey", self.domain.journey_of(r))
            writer.writerow(
                [
                    r.id,
                    r.title,
                    journey.title if journey else "",
                    "; ".join(t.title for t in targets),
                    "; ".join(filter(None, map(self.barrier_text, targets))),
                    self.value_label("type", r.type),
                    self.value_label("priority", r.priority),
                    "" if r.impact is None else r.impact,
                    "" if r.effort is None else r.effort,
                    r.owner,
                    self.value_label("status", r.status),
                    r.due,
                    r.budget,
                ]
            )
        return out.getvalue()


HEADERS = ("recommendation", "addresses", "type", "priority", "impact", "effort", "owner", "status", "due")


def build_register(register: Register, node: nodes.Element, journey_ids: list[str] | None) -> list[nodes.Node]:
    records = sorted(register.chosen(node, journey_ids), key=register.sort_key(node["sort"]))
    headers = [register.labels.field(name) for name in HEADERS]
    result: list[nodes.Node] = []
    for heading, group in register.groups(records, node["group_by"]):
        result += [heading] if heading is not None else []
        result.append(register_table([], headers, map(register.row, group), (22, 22, 9, 8, 6, 6, 11, 8, 8)))
    return result if records else []


def build_evidence_list(
    domain: CJMDomain, node: nodes.Element, journey_ids: list[str] | None, labels: Labels
) -> list[nodes.Node]:
    register = Register(domain, {}, labels)
    rows = []
    for evidence in domain.written("evidence"):
        if journey_ids is not None and not register.journeys(evidence) & set(journey_ids):
            continue
        if node["kinds"] and evidence.kind not in node["kinds"]:
            continue
        supports = nodes.entry()
        for target_id in evidence.supports:
            target = domain.target(target_id)
            if target is not None:
                supports += nodes.paragraph("", "", xref(target_kind(target), target.id, target.title))
        kind = labels.gettext(EVIDENCE_KIND_LABELS[evidence.kind]) if evidence.kind else ""
        rows.append(
            nodes.row(
                "",
                nodes.entry("", nodes.paragraph("", "", xref("evidence", evidence.id, evidence.title))),
                nodes.entry("", *([text_paragraph(kind)] if kind else [])),
                nodes.entry("", *([text_paragraph(evidence.source)] if evidence.source else [])),
                supports,
                classes=[f"cjm-evidence-{evidence.kind}"] if evidence.kind else [],
            )
        )
    if not rows:
        return []
    headers = [labels.field(name) for name in ("evidence", "kind", "source", "supports")]
    return [register_table([], headers, rows, (40, 12, 24, 24))]


def csv_name(docname: str, number: int) -> str:
    return f"{CSV_FOLDER}/{csv_stem(docname)}-recommendations-{number}.csv"


def csv_stem(docname: str) -> str:
    return docname.replace("/", "--")


CSV_FILE = re.compile(r"(?P<stem>.+)-recommendations-\d+\.csv")


def write_if_changed(path: Path, text: str) -> None:
    data = text.encode("utf-8-sig")  # the byte-order mark makes spreadsheets read UTF-8
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class ResolveRecommendationRegisters(ResolveRegisters):
    """Fill registers, evidence lists and the evidence of each description from the whole project."""

    def run(self, **kwargs: Any) -> None:
        domain = cjm_domain(self.env)
        for node in held(self.document, evidence_links):
            found = domain.linked_to("evidence", node["target"])
            if not found:
                node.replace_self([])
                continue
            body = nodes.bullet_list(
                "", *(nodes.list_item("", nodes.paragraph("", "", xref("evidence", e.id, e.title))) for e in found)
            )
            target = domain.target(node["target"])
            journey = domain.journey_of(target) if target else ""
            label = self.shared_labels(domain, [journey] if journey else None).field("evidence")
            node.replace_self(nodes.field_list("", field(label, body), classes=["cjm-evidence-links"]))
        for number, placeholder in enumerate(held(self.document, recommendation_register), start=1):
            journey_ids = self.chosen_journeys(domain, placeholder)
            labels = self.shared_labels(domain, journey_ids)
            register = Register(domain, recommendation_types(self.config), labels)
            content = build_register(register, placeholder, journey_ids)
            if content:
                content.append(self.csv_link(register, placeholder, journey_ids, number))
            self.replace(placeholder, "cjm-recommendation-register", content, labels.register("no-recommendations"))
        for listing in held(self.document, evidence_list):
            journey_ids = self.chosen_journeys(domain, listing)
            labels = self.shared_labels(domain, journey_ids)
            content = build_evidence_list(domain, listing, journey_ids, labels)
            self.replace(listing, "cjm-evidence-list", content, labels.register("no-evidence"))

    def csv_link(
        self, register: Register, node: nodes.Element, journey_ids: list[str] | None, number: int
    ) -> nodes.paragraph:
        """A link to the register's CSV, holding its text until :func:`write_register_csv` writes it."""
        records = sorted(register.chosen(node, journey_ids), key=register.sort_key(node["sort"]))
        label = register.labels.register("download-csv")
        link = addnodes.download_reference(
            "",
            "",
            nodes.inline(label, label),
            filename=csv_name(self.env.docname, number),
            cjm_csv=register.csv_text(records),
        )
        return nodes.paragraph("", "", link, classes=["cjm-register-download"])


def write_register_csv(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Write each register's CSV into the HTML output's ``_downloads`` (``doctree-resolved``: main process).

    Builders that offer no downloads (LaTeX, text, EPUB) drop the link.
    """
    downloads = writes_downloads(app)
    written = set()
    for link in held(doctree, addnodes.download_reference, made_from=(recommendation_register,)):
        if "cjm_csv" not in link:
            continue
        if downloads:
            write_if_changed(Path(app.builder.outdir, "_downloads", link["filename"]), link["cjm_csv"])
            written.add(Path(link["filename"]).name)
            del link["cjm_csv"]
        else:
            link.parent.parent.remove(link.parent)
    if downloads:  # a register the page no longer has, or one now empty, leaves no file behind
        for path in csv_files(app):
            match = CSV_FILE.fullmatch(path.name)
            if match and match["stem"] == csv_stem(docname) and path.name not in written:
                path.unlink()


def remove_csv_of_removed_pages(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the CSV files of pages that are gone go too."""
    if exception is not None or not writes_downloads(app):
        return
    stems = {csv_stem(docname) for docname in app.env.all_docs}
    for path in csv_files(app):
        match = CSV_FILE.fullmatch(path.name)
        if match and match["stem"] not in stems:
            path.unlink()


def writes_downloads(app: Sphinx) -> bool:
    return app.builder.format == "html" and getattr(app.builder, "download_support", False)


def csv_files(app: Sphinx) -> list[Path]:
    return sorted(Path(app.builder.outdir, "_downloads", CSV_FOLDER).glob("*.csv"))
