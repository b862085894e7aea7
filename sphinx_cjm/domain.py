"""The ``cjm`` domain: every persona, journey, stage and touchpoint of the project.

Objects are kept as plain model records (never nodes) in ``env.domaindata['cjm']``,
so they pickle, merge after parallel reads and are dropped per document on
incremental builds. Duplicated ids are all kept; the first by document and line
wins and the others are reported once reading is over, whatever the read order.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import multiprocessing.util
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal, cast, overload

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import ENV_PICKLE_FILENAME, Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import make_refnode
from sphinx.util.typing import RoleFunction

from . import facts, model, packed, templates
from .i18n import _, project_catalog_stamps, project_labels
from .nodes import cjm_description
from .packed import Packed
from .settings import project_limits

logger = logging.getLogger(__name__)

#: Domain data key of each kind of object, in the order the JSON export lists them.
KINDS = {
    "persona": "personas",
    "journey": "journeys",
    "stage": "stages",
    "touchpoint": "touchpoints",
    "metric": "metrics",
    "recommendation": "recommendations",
    "evidence": "evidence",
}
#: ``env.temp_data`` key: (kind, record) of every record added while the current page is read.
ADDED_RECORDS = "cjm:added"
Record = (
    model.Persona
    | model.Journey
    | model.Stage
    | model.Touchpoint
    | model.Metric
    | model.Recommendation
    | model.Evidence
)
#: Kinds whose links show only the title, while the object's own content may change.
TITLE_ONLY_USES = ("journey", "metric")
#: Each kind's place in :data:`KINDS`: the earlier kind holds an id written at the same place.
KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
#: The kind whose records the domain data keeps under each plural.
KIND_OF_PLURAL = {plural: kind for kind, plural in KINDS.items()}
#: Kinds linking to touchpoints and stages, with the field naming them.
TARGET_FIELDS = {"recommendation": "addresses", "evidence": "supports"}
#: The fields of each kind that name other objects by id.
REFERENCE_FIELDS = {
    "journey": ("persona", "stage_order"),
    "stage": ("journey",),
    "touchpoint": ("stage",),
    "metric": ("stage",),
    **{kind: (field,) for kind, field in TARGET_FIELDS.items()},
}


def warn(message: str, subtype: str, location: Any) -> None:
    """A ``cjm.<subtype>`` warning; ``location`` is a node, ``(docname, line)`` or ``"file:line"``."""
    logger.warning(message, type="cjm", subtype=subtype, location=location)


def added_records(env: BuildEnvironment) -> list[tuple[str, Record]]:
    """(kind, record) of every record added while the current page is read."""
    return cast("list[tuple[str, Record]]", env.temp_data.setdefault(ADDED_RECORDS, []))


def record_location(record: Record) -> str | tuple[str, int]:
    origin = record.origin
    if origin.source:
        return f"{origin.source}:{origin.lineno}" if origin.lineno else origin.source
    return (origin.docname, origin.lineno)


class CJMXRefRole(XRefRole):
    """``:journey:`` and ``:cjm:journey:`` alike resolve in the cjm domain."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        kind = self.name.rpartition(":")[2]
        self.name = f"cjm:{kind}"
        # A link shows the title only: the page need not be rewritten when the object's content changes.
        use = f"{kind}-title" if kind in TITLE_ONLY_USES else kind
        cjm_domain(self.env).note_use(self.env.docname, use, self.target)
        return super().run()


class CJMDomain(Domain):
    name = "cjm"
    label = "Customer journey maps"
    object_types: ClassVar[dict[str, ObjType]] = {kind: ObjType(_(kind), kind) for kind in KINDS}
    roles: ClassVar[dict[str, RoleFunction | XRefRole]] = {
        kind: CJMXRefRole(innernodeclass=nodes.inline, warn_dangling=True) for kind in KINDS
    }
    initial_data: ClassVar[dict[str, Any]] = {
        # docname -> (plural, record) of each record the page holds, as read; each page's loaded when first
        # used (:mod:`sphinx_cjm.packed`): clearing or merging a page loads no other
        "records": {},
        # what get_objects lists, made before the environment is pickled: a no-op build then needs no record
        "objects": None,
        # docname -> sorted keys ("journey:ID", "stage:ID", ...) whose content the page shows
        "uses": {},
        # key -> digest of that content at the last build, to find pages to rewrite
        "digests": {},
        # facts read from cjm_metric_facts (:mod:`sphinx_cjm.facts`): kept by the main process, never per page
        "facts": {},
        # docname -> its renamed ids (:meth:`CJMDomain.renames`) at the last build: a page whose changed is rewritten
        "renamed": {},
        # the project's sphinx_cjm catalogs at the last build (:func:`reread_for_changed_catalogs`)
        "catalogs": {},
    }
    data_version = 6

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._index: dict[str, Any] | None = None
        #: Plural -> id -> every record holding that id, as read (:meth:`_held`).
        self._holders: dict[str, dict[str, list[Record]]] | None = None
        #: The records by kind and id, derived ids written on several pages made unique (:meth:`renames`).
        self._records: dict[str, dict[str, list[Record]]] | None = None
        self._renames: dict[str, dict[str, str]] = {}
        #: Whether this build added or dropped any record; a no-op rebuild reads nothing.
        self._modified = False
        #: (kind, record) of each record this build added or dropped: what pages show of other objects stays.
        self._touched: list[tuple[str, Record]] = []
        #: Whether something any object may show changed (the facts): every digest is made again.
        self._all_touched = False
        #: Whether a build is under way (from reading to build-finished).
        self.building = False

    # --- storing ---------------------------------------------------------------------------

    def add(self, kind: str, record: Record) -> None:
        if isinstance(record, model.Journey):
            record.stage_titles = templates.conf_template_titles(record, self.env.config.cjm_stage_templates)
        page_records = self.data["records"].setdefault(record.origin.docname, Packed([]))
        page_records.changed().append((KINDS[kind], record))
        self._touched.append((kind, record))
        self.records_changed()
        # The page's texts are offered for translation once it is parsed (:mod:`sphinx_cjm.translation`).
        added_records(self.env).append((kind, record))

    def records_changed(self) -> None:
        """Records were added, dropped or edited in place (translated): what is derived from them is made again."""
        self._index = self._records = self._holders = None
        self.data["objects"] = None
        self._modified = True

    def _held(self, plural: str) -> dict[str, list[Record]]:
        """Id -> every record of that kind holding it, as read (not renamed), pages in name order."""
        if self._holders is None:
            self._holders = {plural: {} for plural in KINDS.values()}
            pages = [self.data["records"][docname] for docname in sorted(self.data["records"])]
            unpickled = any(not page.loaded for page in pages)
            with packed.collector_paused():
                for page in pages:
                    for record_plural, record in page.value:
                        self._holders[record_plural].setdefault(record.id, []).append(record)
                # Records unpickled at once would be walked by each full collection until the build ends.
                # Not outside a build, which no build-finished ends. (Nothing looks records up while
                # pages are read, whose garbage would be kept: :func:`freeze_after_reading` waits.)
                if unpickled and self.building:
                    packed.keep_out_of_collections()
        return self._holders[plural]

    def unload_records(self) -> None:
        """Forget the records unpickled for this build, and what was derived from them; asked again, they load again.

        Sphinx keeps the application, and so its environment, until the interpreter exits,
        whose last collections walk every object left (at 1,000 journeys: 1.8 s after an edit).
        """
        self._index = self._records = self._holders = None
        for page in self.data["records"].values():
            page.unload()
        if self.data["objects"] is not None:
            self.data["objects"].unload()

    def _page_records(self, docname: str) -> list[tuple[str, Record]]:
        """(plural, record) of each record page ``docname`` holds, as read."""
        page_records = self.data["records"].get(docname)
        return [] if page_records is None else cast("list[tuple[str, Record]]", page_records.value)

    def note_use(self, docname: str, kind: str, object_id: str) -> None:
        uses = self.data["uses"].setdefault(docname, [])
        key = f"{kind}:{object_id}"
        if key not in uses:
            uses.append(key)
            uses.sort()

    def clear_doc(self, docname: str) -> None:
        self._touched.extend((KIND_OF_PLURAL[plural], record) for plural, record in self._page_records(docname))
        self.data["records"].pop(docname, None)
        self.data["uses"].pop(docname, None)
        self.records_changed()

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in sorted(docnames):
            page_records = otherdata["records"].get(docname)
            if page_records is not None:
                self.data["records"][docname] = page_records
                self._touched.extend((KIND_OF_PLURAL[plural], record) for plural, record in page_records.value)
            if docname in otherdata["uses"]:
                self.data["uses"][docname] = otherdata["uses"][docname]
        self.records_changed()

    # --- looking up ------------------------------------------------------------------------

    @staticmethod
    def _first(records: list[Record]) -> Record:
        return min(records, key=lambda r: (r.origin.docname, r.origin.lineno, r.origin.source))

    @overload
    def objects(self, kind: Literal["persona"]) -> dict[str, model.Persona]: ...
    @overload
    def objects(self, kind: Literal["journey"]) -> dict[str, model.Journey]: ...
    @overload
    def objects(self, kind: Literal["stage"]) -> dict[str, model.Stage]: ...
    @overload
    def objects(self, kind: Literal["touchpoint"]) -> dict[str, model.Touchpoint]: ...
    @overload
    def objects(self, kind: Literal["metric"]) -> dict[str, model.Metric]: ...
    @overload
    def objects(self, kind: Literal["recommendation"]) -> dict[str, model.Recommendation]: ...
    @overload
    def objects(self, kind: Literal["evidence"]) -> dict[str, model.Evidence]: ...
    @overload
    def objects(self, kind: str) -> dict[str, Record]: ...
    def objects(self, kind: str) -> dict[str, Any]:
        """Each id of ``kind`` to its winning record, sorted by id."""
        index = self._build_index()
        return index[kind]

    @overload
    def get(self, kind: Literal["persona"], object_id: str) -> model.Persona | None: ...
    @overload
    def get(self, kind: Literal["journey"], object_id: str) -> model.Journey | None: ...
    @overload
    def get(self, kind: Literal["stage"], object_id: str) -> model.Stage | None: ...
    @overload
    def get(self, kind: Literal["touchpoint"], object_id: str) -> model.Touchpoint | None: ...
    @overload
    def get(self, kind: Literal["metric"], object_id: str) -> model.Metric | None: ...
    @overload
    def get(self, kind: Literal["recommendation"], object_id: str) -> model.Recommendation | None: ...
    @overload
    def get(self, kind: Literal["evidence"], object_id: str) -> model.Evidence | None: ...
    @overload
    def get(self, kind: Literal["target"], object_id: str) -> model.Stage | model.Touchpoint | None: ...
    @overload
    def get(self, kind: str, object_id: str) -> Record | None: ...
    def get(self, kind: str, object_id: str) -> Record | None:
        """The object of ``kind`` with that id; kind ``target`` finds a touchpoint or stage."""
        if kind == "target":
            return self.target(object_id)
        return self.objects(kind).get(object_id)

    @staticmethod
    def _written_first(kind: str, record: Record) -> tuple[str, int, str, int]:
        return (record.origin.docname, record.origin.lineno, record.origin.source, KIND_ORDER[kind])

    def renames(self) -> dict[str, dict[str, str]]:
        """docname -> {id derived there: the id it takes}, for ids derived from the same title on several pages.

        The page first in document order keeps the id (a page whose id was given by ``:id:``,
        if any, before all); on each other page the page's name joins it after the parent's
        id, as numbered ids have it (``sales-onboarding`` on page ``b``: ``sales-b-onboarding``),
        or, where the parent itself was renamed there, the parent's new id does.
        Ids given by ``:id:`` and ids that do not clash never change.
        """
        holders: dict[str, list[Record]] = {}
        for plural in KINDS.values():
            for object_id, records in self._held(plural).items():
                held = holders.get(object_id)
                holders[object_id] = records if held is None else [*held, *records]
        taken = set(holders)
        clashing = [i for i, held in holders.items() if len(held) > 1 and len({r.origin.docname for r in held}) > 1]
        renames: dict[str, dict[str, str]] = {}
        # Shorter ids first: a parent's id is a prefix of the ids derived under it.
        for object_id in sorted(clashing, key=lambda i: (len(i), i)):
            records = holders[object_id]
            given = [r for r in records if r.origin.derived_from is None]
            keeper = self._first(given or records).origin.docname
            for record in records:
                parent, docname = record.origin.derived_from, record.origin.docname
                if parent is None or docname == keeper or object_id in renames.get(docname, {}):
                    continue
                rest = object_id[len(parent) + 1 :] if parent else object_id
                page = model.slugify(docname)
                new_parent = renames.get(docname, {}).get(parent)
                wanted = f"{new_parent}-{rest}" if new_parent else "-".join(filter(None, (parent, page, rest)))
                new_id = model.unique_id(wanted, taken)
                taken.add(new_id)
                renames.setdefault(docname, {})[object_id] = new_id
        return renames

    def records(self) -> dict[str, dict[str, list[Record]]]:
        """Every record by kind (plural) and id, with :meth:`renames` applied to ids and to the ids they name."""
        if self._records is None:
            self._renames = renames = self.renames()
            self._records = {}
            for kind, plural in KINDS.items():
                renamed_records: dict[str, list[Record]] = {}
                for object_id, records in self._held(plural).items():
                    if not renames or all(r.origin.docname not in renames for r in records):
                        # Shared with the data, which is never changed in place while they are kept.
                        renamed_records[object_id] = records
                        continue
                    for record in records:
                        renamed = self._renamed(kind, record, renames.get(record.origin.docname))
                        renamed_records.setdefault(renamed.id, []).append(renamed)
                self._records[plural] = renamed_records
        return self._records

    @staticmethod
    def _renamed(kind: str, record: Record, renames: dict[str, str] | None) -> Record:
        """``record`` with its page's renamed ids (:class:`ApplyRenamedIds` renames its anchor)."""
        if not renames:
            return record
        changes: dict[str, Any] = {}
        for name in REFERENCE_FIELDS.get(kind, ()):
            value = getattr(record, name)
            changes[name] = [renames.get(v, v) for v in value] if isinstance(value, list) else renames.get(value, value)
        changes["id"] = renames.get(record.id, record.id)
        return dataclasses.replace(record, **changes)

    def local_id(self, docname: str, object_id: str) -> str:
        """The id ``object_id`` stands for on page ``docname``: the page's own object, if its id was renamed."""
        return self.renames_of(docname).get(object_id, object_id)

    def renames_of(self, docname: str) -> dict[str, str]:
        """The ids derived on page ``docname`` that :meth:`renames` changed, with their new ids."""
        self.records()
        return self._renames.get(docname, {})

    def winners(self) -> dict[str, tuple[str, Record]]:
        """Each id to the kind and record that hold it: ids are unique across every kind, the first written wins."""
        winners: dict[str, tuple[str, Record]] = {}
        for kind, plural in KINDS.items():
            for object_id, records in self.records()[plural].items():
                first = records[0] if len(records) == 1 else self._first(records)  # most ids are written once
                held = winners.get(object_id)
                if held is None or self._written_first(kind, first) < self._written_first(*held):
                    winners[object_id] = (kind, first)
        return winners

    def _build_index(self) -> dict[str, Any]:
        if self._index is None:
            index: dict[str, Any] = {kind: {} for kind in KINDS}
            index["winners"] = winners = self.winners()
            for object_id, (kind, record) in sorted(winners.items()):
                index[kind][object_id] = record
            index["template_problems"] = templates.apply_templates(
                index["journey"],
                index["stage"],
                self.env.config.cjm_stage_templates,
                lambda journey: project_labels(self.env, journey.language).gettext,
            )
            stages_of: dict[str, list[model.Stage]] = {}
            for stage in index["stage"].values():
                stages_of.setdefault(stage.journey, []).append(stage)
            touchpoints_of: dict[str, list[model.Touchpoint]] = {}
            for touchpoint in index["touchpoint"].values():
                touchpoints_of.setdefault(touchpoint.stage, []).append(touchpoint)
            metrics_of: dict[str, list[model.Metric]] = {}
            for metric in index["metric"].values():
                metrics_of.setdefault(metric.stage, []).append(facts.with_fact(metric, self.data["facts"]))
            index["stages_of"], index["touchpoints_of"], index["metrics_of"] = stages_of, touchpoints_of, metrics_of
            for kind, target_field in TARGET_FIELDS.items():
                written = sorted(index[kind].values(), key=lambda r: (r.origin.docname, r.origin.lineno, r.id))
                index[f"written_{kind}"] = written
                of_target: dict[str, list[Any]] = {}
                for record in written:
                    for target in dict.fromkeys(getattr(record, target_field)):
                        of_target.setdefault(target, []).append(record)
                index[f"{kind}_of"] = of_target
            index["assembled"], index["exported"] = {}, {}
            self._index = index
        return self._index

    def template_problems(self) -> list[tuple[model.Journey, model.Problem]]:
        """Problems met expanding ``:stages: template:NAME``, with their journeys."""
        return self._build_index()["template_problems"]

    @staticmethod
    def anchor(record: Record) -> tuple[str, str]:
        """The document and HTML id a link to ``record`` goes to; a bare templated stage's is its journey."""
        if isinstance(record, model.Stage) and record.from_template:
            return record.origin.docname, record.journey
        return record.origin.docname, record.origin.anchor or record.id

    def assembled(self, journey_id: str) -> model.AssembledJourney | None:
        index = self._build_index()
        journey = index["journey"].get(journey_id)
        if journey is None:
            return None
        if journey_id not in index["assembled"]:
            stages = index["stages_of"].get(journey_id, [])
            touchpoints = [t for s in stages for t in index["touchpoints_of"].get(s.id, [])]
            metrics = [m for s in stages for m in index["metrics_of"].get(s.id, [])]
            persona = index["persona"].get(journey.persona)
            assembled = model.assemble(
                journey,
                persona,
                stages,
                touchpoints,
                metrics,
                index["written_recommendation"],
                index["written_evidence"],
            )
            index["assembled"][journey_id] = model.apply_limits(assembled, project_limits(self.env.config))
        return index["assembled"][journey_id]

    def exported(self, journey_id: str) -> dict[str, Any] | None:
        """The journey as ``cjm.json`` lists it, made once a build for the export and the digests; not to be changed."""
        exported = self._build_index()["exported"]
        if journey_id not in exported:
            assembled = self.assembled(journey_id)
            exported[journey_id] = assembled and model.export_journey(assembled)
        return exported[journey_id]

    def metric(self, metric_id: str) -> model.Metric | None:
        """The metric with its fact from the facts files, if any."""
        metric = self.get("metric", metric_id)
        return facts.with_fact(metric, self.data["facts"]) if isinstance(metric, model.Metric) else None

    def set_facts(self, loaded: dict[str, Any]) -> None:
        """Keep the facts read from the files; pages showing changed ones are rewritten (:meth:`pages_to_rewrite`)."""
        if loaded != self.data["facts"]:
            self.data["facts"] = loaded
            self._index = self._records = None
            self._modified = True
            self._all_touched = True

    def written(self, kind: str) -> list[Any]:
        """Every recommendation or evidence, by document and line."""
        return self._build_index()[f"written_{kind}"]

    def linked_to(self, kind: str, object_id: str) -> list[Any]:
        """The recommendations addressing, or the evidence supporting, a touchpoint or stage."""
        return self._build_index()[f"{kind}_of"].get(object_id, [])

    def target(self, object_id: str) -> model.Stage | model.Touchpoint | None:
        """The touchpoint or stage a recommendation addresses or evidence supports."""
        return self.get("touchpoint", object_id) or self.get("stage", object_id)

    def journey_of(self, record: Record) -> str:
        """The id of the journey a stage, touchpoint or metric belongs to ('' if unknown)."""
        if isinstance(record, model.Touchpoint | model.Metric):
            stage = self.get("stage", record.stage)
            return stage.journey if stage else ""
        if isinstance(record, model.Stage):
            return record.journey
        if isinstance(record, model.Recommendation | model.Evidence):
            targets = record.addresses if isinstance(record, model.Recommendation) else record.supports
            found = (self.target(t) for t in targets)
            return next((self.journey_of(t) for t in found if t is not None), "")
        return record.id if isinstance(record, model.Journey) else ""

    # --- what pages show, for incremental builds -------------------------------------------

    def digest(self, key: str) -> str:
        """A fingerprint of what a page shows for ``key``: a whole journey, or an object's title and place."""
        kind, _sep, object_id = key.partition(":")
        if kind == "journey":
            assembled = self.assembled(object_id)
            content: Any = None
            if assembled:
                persona = assembled.persona
                sources = facts.sources_of(assembled, self.data["facts"])
                content = [
                    self.exported(object_id),
                    persona and model.export_persona(persona),
                    sources,
                    self.solution_links(assembled),
                ]
        elif kind == "metric":  # its description shows plan, fact and verdict
            metric = self.metric(object_id)
            content = metric and [model.export_metric(metric), metric.origin.docname, metric.fact_date]
        elif (
            kind == "registers"
        ):  # the registers show every journey, touchpoint, recommendation and evidence, no metric
            content = [
                [
                    [{**exported, "metrics": None}, self.solution_links(a)]
                    for j in self.objects("journey")
                    if (a := self.assembled(j)) and (exported := self.exported(j))
                ],
                [
                    [t.id, t.title, t.origin.docname, t.stage, t.channel, t.emotion]
                    for t in self.objects("touchpoint").values()
                ],
                [self.export(r) for kind in TARGET_FIELDS for r in self.written(kind)],
            ]
        elif kind == "journey-recommendations":  # a journey diff compares every field of them
            content = [
                self.export(r) for r in self.objects("recommendation").values() if self.journey_of(r) == object_id
            ]
        elif kind == "supported-by":  # the evidence a touchpoint's or stage's description lists
            content = [[r.id, r.title, r.origin.docname] for r in self.linked_to("evidence", object_id)]
        elif kind == "persona-journeys":
            content = [
                [j.id, j.title, j.origin.docname] for j in self.objects("journey").values() if j.persona == object_id
            ]
        else:  # a link to the object, "journey-title:ID" for a journey
            record = self.get(kind.removesuffix("-title"), object_id)
            content = record and [record.title, record.origin.docname]
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()

    def current_digest(self, key: str) -> str:
        """:meth:`digest`, kept from :meth:`pages_to_rewrite` when a page shows ``key`` (records do not change after)."""
        return self.data["digests"].get(key) or self.digest(key)

    @staticmethod
    def solution_links(assembled: model.AssembledJourney) -> list[list[str]]:
        """The recommendations a journey's solutions lane lists."""
        return [[r.id, r.title, r.origin.docname] for s in assembled.stages for r in s.all_recommendations()]

    def export(self, record: model.Recommendation | model.Evidence) -> dict[str, Any]:
        """A recommendation or evidence as ``cjm.json`` lists it."""
        if isinstance(record, model.Recommendation):
            return model.export_recommendation(record, self.journey_of(record))
        return model.export_evidence(record)

    def pages_to_rewrite(self) -> set[str]:
        """Pages whose shown content changed since the last build; remembers the new state."""
        if not self._modified:
            return set()
        keys = sorted({key for uses in self.data["uses"].values() for key in uses})
        old = self.data["digests"]
        self.records()
        renamed, self.data["renamed"] = self.data.get("renamed", {}), self._renames
        pages = {
            docname for docname in {*renamed, *self._renames} if renamed.get(docname) != self._renames.get(docname)
        }
        # A renamed id changes what pages show of objects no page read this build holds.
        touched = None if self._all_touched or pages else self.touched_ids()
        new: dict[str, str] = {}
        for key in keys:
            kept = old.get(key) if touched is not None and not self._may_show(key, touched) else None
            new[key] = kept or self.digest(key)
        self._touched, self._all_touched = [], False
        changed = {key for key in keys if old.get(key) != new[key]}
        self.data["digests"] = new
        return pages | {docname for docname, uses in self.data["uses"].items() if changed.intersection(uses)}

    @staticmethod
    def _may_show(key: str, touched: set[str]) -> bool:
        """Whether the content of ``key`` (:meth:`digest`) may involve an id of ``touched``."""
        kind, _sep, object_id = key.partition(":")
        return kind == "registers" or object_id in touched

    def touched_ids(self) -> set[str]:
        """Ids whose objects may show differently since the last build, from the records this build added or dropped.

        Each such record's id, the ids it names (its stage, journey, persona, targets), and up
        from there: a touchpoint's stage and journey, a target's journey. Every record holding
        one of these ids counts, so that a duplicate that now wins or loses does too. Then the
        journeys of a touched persona, whose maps show it.
        """
        index, records = self._build_index(), self.records()
        ids: set[str] = set()
        for kind, record in self._touched:  # as read: with the ids their page's renames give them too
            for object_id in self._named(kind, record):
                ids.update((object_id, self.local_id(record.origin.docname, object_id)))
        frontier = set(ids)
        while frontier:
            found: set[str] = set()
            for object_id in frontier:
                for kind, plural in KINDS.items():
                    for record in records[plural].get(object_id, ()):
                        found.update(self._named(kind, record))
                    if (made := index[kind].get(object_id)) is not None:  # a stage made from a template
                        found.update(self._named(kind, made))
            frontier = found - ids
            ids |= frontier
        ids.update(j.id for j in index["journey"].values() if j.persona in ids)
        return ids

    @staticmethod
    def _named(kind: str, record: Record) -> Iterator[str]:
        """The record's id and the ids it names."""
        yield record.id
        for name in REFERENCE_FIELDS.get(kind, ()):
            value = getattr(record, name)
            if isinstance(value, list):
                yield from value
            elif value:
                yield value

    # --- consistency -----------------------------------------------------------------------

    def check_consistency(self) -> None:
        winners = self._build_index()["winners"]
        for kind, plural in KINDS.items():
            held = self.records()[plural].items()
            # Most ids are held by one record, which wins.
            clashing = [(i, records) for i, records in held if len(records) > 1 or winners[i][1] is not records[0]]
            for object_id, records in sorted(clashing):
                first_kind, first = winners[object_id]
                for record in sorted(records, key=lambda r: (r.origin.docname, r.origin.lineno)):
                    if record is first:
                        continue
                    if first_kind == kind:
                        message = f"duplicate {kind} id {object_id!r}, also defined in {first.origin.docname!r}"
                    else:
                        message = (
                            f"duplicate id {object_id!r}: a {first_kind} in {first.origin.docname!r} has it "
                            f"(ids are unique across every kind); this {kind} is left out"
                        )
                    warn(message, "duplicate", record_location(record))
        index = self._build_index()
        limits = project_limits(self.env.config)
        for journey in self.objects("journey").values():
            stages = index["stages_of"].get(journey.id, [])
            touchpoints = sum(len(index["touchpoints_of"].get(s.id, [])) for s in stages)
            for problem in model.limit_problems(journey.id, len(stages), touchpoints, len(journey.lanes), limits):
                warn(problem.message, problem.subtype, record_location(journey))
        personas, journeys, stages_by_id = self.objects("persona"), self.objects("journey"), self.objects("stage")
        for journey in journeys.values():
            if journey.persona and journey.persona not in personas:
                warn(f"journey {journey.id!r}: unknown persona {journey.persona!r}", "ref", record_location(journey))
            for stage_id in journey.stage_order:
                stage = stages_by_id.get(stage_id)
                if stage is None or stage.journey != journey.id:
                    warn(
                        f"journey {journey.id!r}: :stages: names {stage_id!r}, not a stage of this journey",
                        "ref",
                        record_location(journey),
                    )
        for stage in stages_by_id.values():
            if stage.journey not in journeys:
                warn(f"stage {stage.id!r}: unknown journey {stage.journey!r}", "ref", record_location(stage))
        for touchpoint in self.objects("touchpoint").values():
            if touchpoint.stage not in stages_by_id:
                warn(
                    f"touchpoint {touchpoint.id!r}: unknown stage {touchpoint.stage!r}",
                    "ref",
                    record_location(touchpoint),
                )
        for metric in self.objects("metric").values():
            if metric.stage not in stages_by_id:
                warn(f"metric {metric.id!r}: unknown stage {metric.stage!r}", "ref", record_location(metric))
        for kind, target_field in TARGET_FIELDS.items():
            for record in self.objects(kind).values():
                for target in getattr(record, target_field):
                    if self.target(target) is None:
                        warn(
                            f"{kind} {record.id!r}: :{target_field}: names {target!r}, not a touchpoint or stage",
                            "ref",
                            record_location(record),
                        )

    # --- cross-references ------------------------------------------------------------------

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        record = self.get(typ, self.local_id(fromdocname, target))
        if record is None:
            return None
        if not node.get("refexplicit"):
            contnode = contnode.copy()  # its classes, with the title as its text
            contnode += nodes.Text(record.title)
        return make_refnode(builder, fromdocname, *self.anchor(record), contnode, record.title)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        results = []
        for kind in KINDS:
            refnode = self.resolve_xref(env, fromdocname, builder, kind, target, node, contnode)
            if refnode is not None:
                results.append((f"cjm:{kind}", refnode))
        return results

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        return iter(self.pack_objects().value)

    def pack_objects(self) -> Packed[list[tuple[str, str, str, str, str, int]]]:
        """What :meth:`get_objects` lists, sorted as Sphinx sorts it (which then costs a pass);
        made unless kept from the last build that changed a record."""
        if self.data["objects"] is None:
            index = self._build_index()
            self.data["objects"] = Packed(
                sorted(
                    (object_id, record.title, kind, *self.anchor(record), 1)
                    for kind in KINDS
                    for object_id, record in index[kind].items()
                )
            )
        return cast("Packed[list[tuple[str, str, str, str, str, int]]]", self.data["objects"])


#: Attributes of a node that are never object ids (docutils' own).
NOT_ID_ATTRIBUTES = frozenset(nodes.Element.basic_attributes)


class ApplyRenamedIds(SphinxPostTransform):
    """The page's anchors and placeholders hold the ids derived on it as read: give them those :meth:`CJMDomain.renames` made.

    First of the post-transforms, so every other one finds the page's own objects; an
    object's anchor stays equal to its id.
    """

    default_priority = 1

    def run(self, **kwargs: Any) -> None:
        renames = cjm_domain(self.env).renames_of(self.env.docname)
        if not renames:
            return
        for node in self.document.findall(nodes.Element):
            # An object's anchor (moved by docutils from its target to the element after it): no other element
            # of the page has its id (:func:`~sphinx_cjm.directives.claim_anchor`).
            if any(i in renames for i in node["ids"]):
                node["ids"] = [renames.get(i, i) for i in node["ids"]]
                self.document.ids.update((i, node) for i in node["ids"])
            # A description's attributes are its text, never ids.
            if not type(node).__module__.startswith("sphinx_cjm.") or isinstance(node, cjm_description):
                continue
            for name, value in node.attributes.items():
                if name in NOT_ID_ATTRIBUTES:
                    continue
                if isinstance(value, str):
                    node[name] = renames.get(value, value)
                elif isinstance(value, list):
                    node[name] = [renames.get(v, v) if isinstance(v, str) else v for v in value]


def app_of(env: Any) -> Sphinx:
    """The application (``env._app`` since Sphinx 8; ``env.app`` before)."""
    return getattr(env, "_app", None) or env.app


def builder_of(env: Any) -> Builder:
    """The builder writing the pages."""
    return app_of(env).builder


def cjm_domain(env: BuildEnvironment) -> CJMDomain:
    """The project's ``cjm`` domain, typed as such."""
    domain = env.get_domain("cjm")
    assert isinstance(domain, CJMDomain)
    return domain


def pack_objects(app: Sphinx, env: BuildEnvironment) -> None:
    """Make what the domain publishes before the environment is pickled, so that builds changing nothing find it."""
    cjm_domain(env).pack_objects()


def warn_missing_reference(app: Any, domain: Domain, node: pending_xref) -> bool | None:
    """Report an unknown id as ``cjm.ref`` instead of Sphinx's generic ``ref`` warning."""
    if domain is None or domain.name != "cjm":
        return None
    if not node.get("refwarn"):
        return True  # a link from an object's own description: check_consistency reported it
    warn(f"unknown {node['reftype']} id {node['reftarget']!r}", "ref", node)
    return True


def written_since_last_read(app: Sphinx, stamp: Path) -> bool:
    """Whether ``stamp`` is newer than the saved environment: no page was read since, so the data is as then.

    Sphinx saves the environment whenever it reads a page, whichever builder reads it.
    """
    try:
        return stamp.stat().st_mtime_ns > Path(app.doctreedir, ENV_PICKLE_FILENAME).stat().st_mtime_ns
    except OSError:
        return False


def note_build_start(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Reading starts: a build is under way until build-finished.

    A build that ended without build-finished (interrupted, or driven through its builder)
    left what it froze: given back here at the latest.
    """
    packed.thaw()
    cjm_domain(env).building = True


def freeze_after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    """Reading is over: what it made lives until the build ends, and is left out of the collector's full collections.

    The environment and the doctrees Sphinx keeps for writing were walked by every full
    collection while the pages were written (at 100 journeys, 2 s of a 13 s build). Frozen,
    they are not walked, but the doctrees written are freed only when the build ends, and
    what reading left for the collector with them (at 100 journeys: 0.5 s then, 4 MB more at
    the peak); a ``sphinx-build`` process takes 0.6–1 s less. At 1,000 journeys a no-op build
    takes 1.6 s instead of 1.9 s. :func:`release_records` gives it all back.
    """
    packed.keep_out_of_collections()


def freeze_in_forked_children(app: Sphinx) -> None:
    """``builder-inited``: a process forked through :mod:`multiprocessing` while a build is under way (Sphinx's
    readers and writers under ``-j``) leaves what it inherits from the main process out of its collections.

    A writing process is forked once the main process has resolved its pages, and inherits
    every page resolved so far: each of its full collections walked them all, and wrote to
    them, copying the memory it shares with the main process. At 1,000 journeys a writer
    took 22 s for its first hundred pages and 32 s for each later hundred. Sphinx's
    processes exit when their pages are done; what they inherit is freed with them. The hook
    lives as long as ``app``.
    """
    multiprocessing.util.register_after_fork(app, freeze_inherited)


def freeze_inherited(app: Sphinx) -> None:
    if cjm_domain(app.env).building:
        gc.freeze()


def release_records(app: Sphinx, exception: BaseException | None) -> None:
    """The build is over: the records it unpickled are forgotten, and the collector may walk all it froze
    (:func:`freeze_after_reading`, :func:`~sphinx_cjm.packed.keep_out_of_collections`)."""
    domain = cjm_domain(app.env)
    domain.building = False
    domain.unload_records()
    packed.thaw()


def reread_for_changed_catalogs(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages holding or showing the map's objects, read again when the project's ``sphinx_cjm`` catalogs changed.

    Their labels (lanes, fields, built-in templates' stage titles) come from those catalogs,
    which Sphinx does not count among a page's dependencies: added, edited or removed, a
    catalog changes every such page.
    """
    domain = cjm_domain(env)
    stamps = project_catalog_stamps(env.config, env.srcdir)
    if stamps == domain.data["catalogs"]:
        return []
    domain.data["catalogs"] = stamps
    return sorted((set(domain.data["records"]) | set(domain.data["uses"])) - removed)
