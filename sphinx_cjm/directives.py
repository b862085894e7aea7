"""The ``persona``, ``journey``, ``stage``, ``touchpoint`` and ``journey-table`` directives.

Each directive turns its options into a model record (reporting problems as
``cjm.*`` warnings at its own line), stores it in the domain, and renders the
object's own description where it stands. Tables are left as placeholders
(:mod:`sphinx_cjm.nodes`) because their content may come from other documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxSmartQuotes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective, new_document

from . import journey_file, model
from .domain import CJMDomain, Record, cjm_domain, warn
from .held import held
from .i18n import Labels, has_catalog, project_labels, project_locale_dirs
from .nodes import cjm_description, emotion_curve_placeholder, evidence_links, journey_table, persona_journeys
from .numbers import format_number
from .rst_options import nested_parse_kwargs
from .settings import project_channels, project_lanes

JOURNEY_CONTEXT = "cjm:journey"
STAGE_CONTEXT = "cjm:stage"
#: The ``:language:`` of the journey being read, for the labels of what is nested in it.
LANGUAGE_CONTEXT = "cjm:language"
#: How the stages and touchpoints inside a journey render their descriptions (its ``:details:``).
DETAILS_CONTEXT = "cjm:details"
#: ``full``: a titled block with a field list; ``compact``: one paragraph, the same words in
#: a fifth of the nodes; ``none``: only the anchor (and nested objects), so links still land.
DETAILS = ("full", "compact", "none")

#: A description's field: its label and its items, each a text or an inline node (a link).
Field = tuple[str, Sequence["str | nodes.Node"]]
#: The innermost stage or touchpoint: what a recommendation or evidence nested in it is about.
PARENT_CONTEXT = "cjm:parent"
#: ``env.temp_data`` key: the kinds of the cjm directives whose bodies are being parsed, outermost first.
ENCLOSING = "cjm:enclosing"


def xref(kind: str, target: str, text: str = "", *, warn_dangling: bool = True) -> pending_xref:
    """A link to a cjm object; with no ``text`` it shows the object's title.

    ``warn_dangling=False`` for links whose target the domain's consistency check
    already reports, so a broken id is reported once.
    """
    node = pending_xref(
        "",
        nodes.inline(text or target, text or target, classes=["xref", "cjm", f"cjm-{kind}"]),
        refdomain="cjm",
        reftype=kind,
        reftarget=target,
        refexplicit=bool(text),
        refwarn=warn_dangling,
    )
    return node


def field(label: str, *body: nodes.Node) -> nodes.field:
    # The label comes from sphinx_cjm's catalogs, in the journey's language: not a message of the page.
    return nodes.field("", nodes.field_name(label, label, translatable=False), nodes.field_body("", *body))


def document_counters(env: BuildEnvironment, name: str) -> dict[Any, int]:
    """Counters kept while one document is read (Sphinx empties ``temp_data`` after each)."""
    return cast("dict[Any, int]", env.temp_data.setdefault(name, {}))


def is_stage(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and "cjm-stage" in node["classes"]


def item_paragraph(item: str | nodes.Node) -> nodes.paragraph:
    return nodes.paragraph(item, item) if isinstance(item, str) else nodes.paragraph("", "", item)


def items_body(items: Sequence[str | nodes.Node]) -> list[nodes.Element]:
    if len(items) == 1:
        return [item_paragraph(items[0])]
    return [nodes.bullet_list("", *(nodes.list_item("", item_paragraph(i)) for i in items))]


def detail_block(
    kind: str,
    anchor: str | nodes.target,
    title: str | nodes.Node,
    fields: list[Field],
    details: str = "full",
    location: tuple[str, int] = ("", 0),
) -> nodes.container:
    """An object's description: anchor, title and fields, as ``details`` (one of :data:`DETAILS`) says.

    ``anchor`` is the object's id, or the target :func:`claim_anchor` made for it. The anchor
    is a target rather than the container's id: LaTeX labels targets only. The title and
    fields stay a :class:`~sphinx_cjm.nodes.cjm_description` until the page is written. Every node
    is located at ``location`` (source, line), where the object is written.
    """
    classes = ["cjm", f"cjm-{kind}"] + ([] if details == "full" else [f"cjm-details-{details}"])
    box = nodes.container(classes=classes)
    box += anchor if isinstance(anchor, nodes.target) else nodes.target("", "", ids=[anchor])
    if details != "none":
        box += description_placeholder(kind, title, fields, details)
    locate(box, location)
    return box


def locate(node: nodes.Element, location: tuple[str, int]) -> None:
    # Sphinx patches a rubric or field name without a source at read time, serialising it to
    # XML for a debug message first; gettext extracts only located paragraphs.
    for element in node.findall(nodes.Element):
        element.source, element.line = location


def description_placeholder(kind: str, title: str | nodes.Node, fields: list[Field], details: str) -> cjm_description:
    node = cjm_description(kind=kind, details=details)

    def kept(item: str | nodes.Node) -> str | int:
        if isinstance(item, str):
            return item
        node.append(item)
        return len(node.children) - 1

    node["title"] = kept(title)
    node["fields"] = [[label, [kept(item) for item in items]] for label, items in fields]
    return node


class ExpandDescriptions(SphinxPostTransform):
    """Each :class:`~sphinx_cjm.nodes.cjm_description` becomes its rubric and field list, or its paragraph.

    HTML builders write most of them as they translate the page
    (:mod:`sphinx_cjm.description_html`), as ``sphinx.ext.graphviz`` draws: under ``-j`` that
    is done by the writing processes, where Sphinx resolves every page serially in the main one.
    """

    # Last but for the builders' own (LaTeX footnotes, link collection): Sphinx's post-transforms
    # each walk the page, which is smaller while each description is one node. The links among
    # the fields are children of that node until then, resolved in place with the page's.
    default_priority = 500

    def run(self, **kwargs: Any) -> None:
        placeholders = [node for node in held(self.document, cjm_description) if not node.get("shaped")]
        if placeholders:
            expand(self.document, placeholders)


def expand(document: nodes.document, placeholders: list[cjm_description]) -> list[list[nodes.Element]]:
    """Replace each placeholder of ``document`` by its description; return what replaced each."""
    made = [expanded(node) for node in placeholders]
    # Typographic quotes, dashes and ellipses, as Sphinx gives the text it reads: its pass
    # runs over the descriptions that have any (most have none), not over the page again.
    to_quote = [
        element
        for node, result in zip(placeholders, made, strict=True)
        if any(SMART_QUOTED.search(text) for text in description_texts(node))
        for element in result
    ]
    if to_quote:
        quoted = new_document(document["source"], document.settings)
        quoted.extend(to_quote)
        SphinxSmartQuotes(quoted, None).apply()
    for node, result in zip(placeholders, made, strict=True):
        node.replace_self(result)
    return made


#: What smart quotes may change: quotes, ``--``, ``...`` and ``. . .``.
SMART_QUOTED = re.compile(r"[\"'`]|--|\.\.\.|\. \. \.")


def description_texts(node: cjm_description) -> Iterator[str]:
    """The texts of a description: title, labels and items (its links' texts were quoted when read)."""
    if isinstance(node["title"], str):
        yield node["title"]
    for label, items in node["fields"]:
        yield label
        yield from (item for item in items if isinstance(item, str))


def expanded(node: cjm_description) -> list[nodes.Element]:
    children = list(node.children)

    def item(value: str | int) -> str | nodes.Node:
        return children[value] if isinstance(value, int) else value

    fields: list[Field] = [(label, [item(value) for value in items]) for label, items in node["fields"]]
    result = described(node["kind"], item(node["title"]), fields, node["details"])
    for element in result:
        locate(element, (node.source or "", node.line or 0))
    return result


def described(kind: str, title: str | nodes.Node, fields: list[Field], details: str) -> list[nodes.Element]:
    """The title and fields of a description, in full or compact."""
    heading = [nodes.Text(title)] if isinstance(title, str) else [title]
    if details == "compact":
        # One paragraph: the title in bold, then "Label: item; item." for each field, in as few text nodes as can be.
        line = nodes.paragraph("", "", nodes.strong("", "", *heading), classes=[f"cjm-{kind}-title"])
        text = ""
        for label, items in fields:
            text += f" {label}: "
            for n, item in enumerate(items):
                text += "; " if n else ""
                if isinstance(item, str):
                    text += item
                else:
                    line += [nodes.Text(text), item]
                    text = ""
            text += "."
        line += nodes.Text(text)
        return [line]
    result: list[nodes.Element] = [
        nodes.rubric(title if isinstance(title, str) else "", "", *heading, classes=[f"cjm-{kind}-title"])
    ]
    if fields:
        result.append(nodes.field_list("", *(field(label, *items_body(items)) for label, items in fields)))
    return result


def kept_without_details(body: list[nodes.Node]) -> list[nodes.Node]:
    """What a description rendered with ``:details: none`` keeps of its body: nested objects and anchors."""
    return [
        node
        for node in body
        if isinstance(node, nodes.target) or (isinstance(node, nodes.container) and "cjm" in node["classes"])
    ]


def check_details_config(app: Sphinx, config: Config) -> None:
    """An unknown ``cjm_details`` warns ``cjm.option`` and renders in full."""
    if config.cjm_details not in DETAILS:
        warn(
            f"cjm_details: {config.cjm_details!r} is not one of {', '.join(DETAILS)}; details render in full",
            "option",
            None,
        )
        config.cjm_details = "full"


def claim_anchor(document: nodes.document, kind: str, record: Record, location: Any) -> nodes.target:
    """The target giving ``record`` its HTML anchor, its id, never repeating another HTML id of the page.

    A section's id derived from its title gives way: the page titled "Doors" keeps its
    journey ``doors`` at ``#doors`` and its own anchor becomes ``#doors-section``.
    Sections further down avoid the id by themselves once it is registered here.
    Where anything else holds the id (an explicit label, another object), the object's
    anchor becomes ``<id>-<kind>`` (numbered if need be) and links follow it; that is
    a ``cjm.duplicate`` warning, unless the holder is another cjm object, whose
    duplicate id the domain reports once the project is read.
    """
    anchor = record.id
    holder = document.ids.get(anchor)
    if isinstance(holder, nodes.section):
        renamed = model.unique_id(f"{anchor}-section", set(document.ids))
        holder["ids"] = [renamed if i == anchor else i for i in holder["ids"]]
        document.ids[renamed] = holder
        del document.ids[anchor]
    elif holder is not None:
        anchor = model.unique_id(f"{record.id}-{kind}", set(document.ids))
        record.origin.anchor = anchor
        if not holder.get("cjm_kind"):
            warn(
                f"{kind}: id {record.id!r} is already the HTML id of a {holder.tagname} element on this page; "
                f"this {kind}'s anchor is {anchor!r} (give it another :id:)",
                "duplicate",
                location,
            )
    target = nodes.target("", "", ids=[anchor], cjm_kind=kind)
    document.set_id(target)
    return target


class CJMDirective(SphinxDirective):
    """Shared plumbing: clean input, nesting checks, warnings at the directive's line, ids, the domain."""

    kind: ClassVar[str]
    #: Kinds of cjm directive this one must not stand inside, at any depth (checked for every subclass).
    not_inside: ClassVar[frozenset[str]] = frozenset()
    final_argument_whitespace = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clean_input()
        self.check_nesting()

    def clean_input(self) -> None:
        """Characters no page can show (controls, lone surrogates) are replaced in arguments and options."""
        self.arguments: list[str] = [self.cleaned("argument", text) for text in self.arguments]
        self.options: dict[str, Any] = {
            name: self.cleaned(f":{name}:", value) if isinstance(value, str) else value
            for name, value in self.options.items()
        }

    def cleaned(self, where: str, text: str) -> str:
        text, problems = model.clean_text(text)
        self.warn(model.Problem(p.subtype, f"{where}: {p.message}") for p in problems)
        return text

    def check_nesting(self) -> None:
        enclosing = [kind for kind in self.env.temp_data.get(ENCLOSING) or () if kind in self.not_inside]
        if enclosing:
            self.warn(
                [
                    model.Problem(
                        "nesting",
                        f"a {self.kind} cannot stand inside a {enclosing[-1]}; write it outside "
                        "(stages and touchpoints join their journey and stage with :journey: and :stage:)",
                    )
                ]
            )

    @property
    def domain(self) -> CJMDomain:
        return cjm_domain(self.env)

    def warn(self, problems: Iterable[model.Problem]) -> None:
        for problem in problems:
            warn(f"{self.kind}: {problem.message}", problem.subtype, self.get_location())

    def labels(self) -> Labels:
        """Labels in the enclosing journey's ``:language:``, or the project's."""
        return project_labels(self.env, self.env.ref_context.get(LANGUAGE_CONTEXT))

    #: The parent id :meth:`object_id` derived the id under; None when the id was given.
    derived_from: str | None = None

    def origin(self) -> model.Origin:
        source, line = self.get_source_info()
        return model.Origin(
            docname=self.env.docname, source=source or "", lineno=line or 0, derived_from=self.derived_from
        )

    def object_id(self, title: str, parent_id: str) -> str:
        """The ``:id:`` option, or one derived from the title and the parent's id.

        A derived id is unique on its page (a repeated title gets ``-2``, ``-3``); a title
        with nothing to transliterate is numbered, and where the object is not nested in
        its parent, the page's name joins the id, so pages never derive the same one. A title
        derived on several pages is made unique once every page is read (:meth:`CJMDomain.renames`).
        """
        explicit = self.options.get("id", "").strip()
        if explicit:
            self.warn(model.check_id(explicit))
            return explicit
        counters = document_counters(self.env, "cjm:derived")
        counters[self.kind] = position = counters.get(self.kind, 0) + 1
        nested = parent_id and parent_id in (
            self.env.ref_context.get(JOURNEY_CONTEXT),
            self.env.ref_context.get(STAGE_CONTEXT),
        )
        if not model.slugify(title) and not nested:
            page = model.slugify(self.env.docname)
            parent_id = f"{parent_id}-{page}" if parent_id else page
        taken = cast(set[str], self.env.temp_data.setdefault("cjm:derived-ids", set()))
        object_id = model.unique_id(model.derive_id(title, parent_id, self.kind, position), taken)
        taken.add(object_id)
        self.derived_from = parent_id
        return object_id

    def emotion(self) -> model.Number | None:
        value, problems = model.parse_emotion(self.options.get("emotion"), self.config.cjm_emotion_scale)
        self.warn(problems)
        return value

    def parse_body(self, context: dict[str, str] | None = None) -> list[nodes.Node]:
        """Parse the content with ``context`` (ids of the enclosing objects) in force."""
        saved = {key: self.env.ref_context.get(key) for key in context or {}}
        self.env.ref_context.update(context or {})
        enclosing = cast(list[str], self.env.temp_data.setdefault(ENCLOSING, []))
        enclosing.append(self.kind)
        try:
            holder = nodes.Element()
            self.state.nested_parse(self.content, self.content_offset, holder, **nested_parse_kwargs(self.state))
            return holder.children
        finally:
            enclosing.pop()
            for key, value in saved.items():
                if value is None:
                    self.env.ref_context.pop(key, None)
                else:
                    self.env.ref_context[key] = value

    def nested_position(self, context_key: str, parent_id: str) -> int | None:
        """The object's position inside its enclosing directive, if it is nested there."""
        if self.env.ref_context.get(context_key) != parent_id:
            return None
        counters = document_counters(self.env, "cjm:nested")
        position = counters.get((context_key, parent_id), 0)
        counters[(context_key, parent_id)] = position + 1
        return position

    def evidence_placeholder(self, object_id: str) -> evidence_links:
        """Where the description lists the evidence supporting the object, which may be written anywhere."""
        node = evidence_links(target=object_id)
        self.set_source_info(node)
        self.domain.note_use(self.env.docname, "supported-by", object_id)
        return node

    def container(
        self, record: Record, title: str | nodes.Node, fields: list[Field] | None = None, details: str = "full"
    ) -> nodes.container:
        source, line = self.get_source_info()
        anchor = claim_anchor(self.state.document, self.kind, record, self.get_location())
        return detail_block(self.kind, anchor, title, fields or [], details, (source or "", line or 0))

    def details(self) -> str:
        """How this description renders: its journey's ``:details:``, else ``cjm_details``."""
        return self.env.ref_context.get(DETAILS_CONTEXT) or self.config.cjm_details


class PersonaDirective(CJMDirective):
    """A portrait of one customer segment."""

    kind = "persona"
    not_inside = frozenset({"persona"})
    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"id": directives.unchanged, "segment": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0].strip()
        persona = model.Persona(
            id=self.object_id(title, ""),
            title=title,
            segment=self.options.get("segment", "").strip(),
            origin=self.origin(),
        )
        self.domain.add("persona", persona)
        fields: list[Field] = [(self.labels().field("segment"), [persona.segment])] if persona.segment else []
        box = self.container(persona, title, fields)
        box += self.parse_body()
        box += persona_journeys(persona=persona.id)
        self.domain.note_use(self.env.docname, "persona-journeys", persona.id)
        return [box]


class JourneyDirective(CJMDirective):
    """One journey: its table and curve, with stages nested or written elsewhere."""

    kind = "journey"
    not_inside = frozenset({"journey", "persona", "stage", "touchpoint"})
    # The title may come from :file: instead (the argument, when given, overrides the file's).
    required_arguments = 0
    optional_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "id": directives.unchanged,
        "persona": directives.unchanged,
        "lanes": directives.unchanged,
        "stages": directives.unchanged,
        "file": directives.unchanged,
        "no-table": directives.flag,
        "no-curve": directives.flag,
        "language": directives.unchanged,
        "lint": directives.unchanged,
        "details": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        details = self.details_option()
        loaded = journey_file.load(self) if "file" in self.options else None
        if loaded is None and not self.arguments:
            if "file" not in self.options:  # a :file: that could not be read has said why
                self.warn([model.Problem("option", "a journey needs a title argument, or a :file: that gives one")])
            return []
        journey = loaded.journey if loaded and loaded.journey else self.journey_from_options()
        journey.language = self.language(journey.language)
        journey.lint = self.lint_switches()
        journey.curve = "no-curve" not in self.options
        self.domain.add("journey", journey)
        labels = project_labels(self.env, journey.language)
        fields: list[Field] = []
        if journey.persona:
            fields.append((labels.field("persona"), [xref("persona", journey.persona, warn_dangling=False)]))
        box = self.container(journey, journey.title, fields)
        body = self.parse_body(
            {JOURNEY_CONTEXT: journey.id, LANGUAGE_CONTEXT: journey.language, DETAILS_CONTEXT: details}
        )
        box += journey_file.intro_nodes(loaded) if loaded else []
        box += [n for n in body if not is_stage(n)]
        if "no-table" not in self.options:
            box += self.table_placeholder(journey.id, curve=journey.curve, full_map=True)
        if journey.curve:
            # Where the table shows the curve (HTML), this figure is left out.
            box += self.curve_placeholder([journey.id], on_table="no-table" not in self.options)
        box += journey_file.detail_nodes(self, loaded, details) if loaded else []
        box += [n for n in body if is_stage(n)]
        return [box]

    def language(self, from_file: str = "") -> str:
        """``:language:`` (else the file's) if labels exist in it (shipped or in ``locale_dirs``); else the project's."""
        language = self.options.get("language", "").strip() or from_file
        if language and not has_catalog(language, project_locale_dirs(self.config, self.env.srcdir)):
            message = f"no labels in language {language!r:.20} (no sphinx_cjm catalog); the project's language is used"
            self.warn([model.Problem("option", message)])
            return ""
        return language

    def lint_switches(self) -> list[str] | None:
        """``:lint:`` as switch names (checked with the project's lint); None when not given."""
        if "lint" not in self.options:
            return None
        names = model.split_list(self.options["lint"])
        return [] if [name.lower() for name in names] == ["none"] else names

    def parse_lanes(self) -> list[str] | None:
        """``:lanes:`` with the project's own lanes known; None when not given."""
        if not self.options.get("lanes"):
            return None
        lanes, problems = model.parse_lanes(
            self.options["lanes"], self.config.cjm_default_lanes, project_lanes(self.config)
        )
        self.warn(problems)
        return lanes

    def details_option(self) -> str:
        """``:details:``, or ``cjm_details`` when it is left out or names no rendering (``cjm.option``)."""
        value = self.options.get("details", "").strip()
        if value and value not in DETAILS:
            self.warn([model.Problem("option", f"unknown :details: {value!r}; use one of {', '.join(DETAILS)}")])
            value = ""
        return value or self.config.cjm_details

    def journey_from_options(self) -> model.Journey:
        title = self.arguments[0].strip()
        lanes, problems = model.parse_lanes(
            self.options.get("lanes"), self.config.cjm_default_lanes, project_lanes(self.config)
        )
        self.warn(problems)
        return model.Journey(
            id=self.object_id(title, ""),
            title=title,
            persona=self.options.get("persona", "").strip(),
            lanes=lanes,
            stage_order=model.split_list(self.options.get("stages")),
            origin=self.origin(),
        )

    def table_placeholder(self, journey_id: str, *, curve: bool = True, full_map: bool = False) -> journey_table:
        """The journey's table; ``curve``: with the emotion curve on its grid, where the builder can draw it so;
        ``full_map``: with a link to the journey's full-map page, where the builder writes one."""
        node = journey_table(journey=journey_id, curve=curve, full_map=full_map)
        self.set_source_info(node)
        self.domain.note_use(self.env.docname, "journey", journey_id)
        return node

    def curve_placeholder(self, journey_ids: list[str], *, on_table: bool = False) -> emotion_curve_placeholder:
        """The journeys' emotion curve, drawn once the whole project is read (:mod:`sphinx_cjm.figure`).

        ``on_table``: the journey's table beside it shows the curve too, where the builder can.
        """
        node = emotion_curve_placeholder(
            journeys=journey_ids,
            on_table=on_table,
            **{name: self.options.get(name, "") for name in ("title", "width", "alt")},
        )
        self.set_source_info(node)
        for journey_id in journey_ids:
            self.domain.note_use(self.env.docname, "journey", journey_id)
        return node


class JourneyTableDirective(JourneyDirective):
    """``.. journey-table:: ID`` shows a journey's table anywhere; ``:lanes:`` and ``:stages:`` show a fragment."""

    kind = "journey-table"
    not_inside = frozenset()
    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"lanes": directives.unchanged, "stages": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        node = self.table_placeholder(self.arguments[0].strip())
        node["lanes"] = self.parse_lanes()
        node["stages"] = model.split_list(self.options.get("stages")) or None
        return [node]


class StageDirective(CJMDirective):
    """A column of the map: one option per text lane, touchpoints nested or elsewhere."""

    kind = "stage"
    not_inside = frozenset({"stage", "touchpoint", "persona"})
    # No title: a stage of its journey's template (``:id:`` given), titled by the template.
    required_arguments = 0
    optional_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "id": directives.unchanged,
        "journey": directives.unchanged,
        "emotion": directives.unchanged,
        "reach": directives.unchanged,
        **{lane: directives.unchanged for lane in model.TEXT_LANES},
    }
    #: Its text lanes: the built-in ones, and the project's (:func:`register_configured_lanes`).
    text_lanes: ClassVar[tuple[str, ...]] = model.TEXT_LANES

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0].strip() if self.arguments else ""
        journey_id = self.options.get("journey", "").strip() or self.env.ref_context.get(JOURNEY_CONTEXT, "")
        reach, problems = model.parse_reach(self.options.get("reach"))
        self.warn(problems)
        stage = model.Stage(
            id=self.object_id(title, journey_id),
            title=title,
            journey=journey_id,
            lanes={
                lane: model.split_items(self.options.get(lane)) for lane in self.text_lanes if self.options.get(lane)
            },
            emotion=self.emotion(),
            nested_index=self.nested_position(JOURNEY_CONTEXT, journey_id),
            origin=self.origin(),
            reach=reach,
        )
        if journey_id:
            self.domain.add("stage", stage)
        else:
            self.warn(
                [
                    model.Problem(
                        "option",
                        f"{stage.id!r} is not inside a journey and has no :journey: option; it is left out of every map",
                    )
                ]
            )
        labels = self.labels()
        fields: list[Field] = []
        if not self.env.ref_context.get(JOURNEY_CONTEXT) and journey_id:
            fields.append((labels.field("journey"), [xref("journey", journey_id, warn_dangling=False)]))
            self.domain.note_use(self.env.docname, "journey-title", journey_id)
        fields += [(labels.lane(lane), list(items)) for lane, items in stage.lanes.items()]
        if stage.emotion is not None:
            fields.append((labels.field("emotion"), [format_number(stage.emotion, labels.language)]))
        if stage.reach is not None:
            fields.append((labels.field("reach"), [format_number(stage.reach, labels.language)]))
        details = self.details()
        heading: str | nodes.Node = title
        if not title:
            heading = xref("stage", stage.id, warn_dangling=False)
            self.domain.note_use(self.env.docname, "stage", stage.id)
        box = self.container(stage, heading, fields, details)
        box += [self.evidence_placeholder(stage.id)] if details != "none" else []
        body = self.parse_body({STAGE_CONTEXT: stage.id, PARENT_CONTEXT: stage.id})
        box += kept_without_details(body) if details == "none" else body
        return [box]


class TouchpointDirective(CJMDirective):
    """A place where customer and company meet, inside one stage."""

    kind = "touchpoint"
    not_inside = frozenset({"touchpoint", "persona"})
    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "id": directives.unchanged,
        "stage": directives.unchanged,
        "channel": directives.unchanged,
        "emotion": directives.unchanged,
        "barrier": directives.unchanged,
        "solution": directives.unchanged,
        "owner": directives.unchanged,
        "kpi": directives.unchanged,
    }
    text_fields = ("barrier", "solution", "owner", "kpi")

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0].strip()
        stage_id = self.options.get("stage", "").strip() or self.env.ref_context.get(STAGE_CONTEXT, "")
        channel, channel_kind, problems = model.parse_channel(
            self.options.get("channel"), project_channels(self.config)
        )
        self.warn(problems)
        touchpoint = model.Touchpoint(
            id=self.object_id(title, stage_id),
            title=title,
            stage=stage_id,
            channel=channel,
            channel_kind=channel_kind,
            emotion=self.emotion(),
            nested_index=self.nested_position(STAGE_CONTEXT, stage_id),
            origin=self.origin(),
            **{name: " ".join(self.options.get(name, "").split()) for name in self.text_fields},
        )
        if stage_id:
            self.domain.add("touchpoint", touchpoint)
        else:
            self.warn(
                [
                    model.Problem(
                        "option",
                        f"{touchpoint.id!r} is not inside a stage and has no :stage: option; it is left out of every map",
                    )
                ]
            )
        labels = self.labels()
        fields: list[Field] = []
        if not self.env.ref_context.get(STAGE_CONTEXT) and stage_id:
            fields.append((labels.field("stage"), [xref("stage", stage_id, warn_dangling=False)]))
            self.domain.note_use(self.env.docname, "stage", stage_id)
        if touchpoint.channel:
            fields.append((labels.field("channel"), [labels.channel(touchpoint.channel)]))
        if touchpoint.emotion is not None:
            fields.append((labels.field("emotion"), [format_number(touchpoint.emotion, labels.language)]))
        fields += [
            (labels.field(name), [getattr(touchpoint, name)]) for name in self.text_fields if getattr(touchpoint, name)
        ]
        details = self.details()
        box = self.container(touchpoint, title, fields, details)
        box += [self.evidence_placeholder(touchpoint.id)] if details != "none" else []
        body = self.parse_body({PARENT_CONTEXT: touchpoint.id})
        box += kept_without_details(body) if details == "none" else body
        return [box]


def register_configured_lanes(app: Sphinx, config: Config) -> None:
    """Report bad ``cjm_lanes`` / ``cjm_channels`` entries once; give ``stage`` an option per configured lane.

    Directive options are fixed per class: the project's lanes need a subclass of their own.
    """
    for setting in (model.configured_lanes(config.cjm_lanes), model.configured_channels(config.cjm_channels)):
        for problem in setting[1]:
            warn(problem.message, problem.subtype, None)
    lanes = tuple(project_lanes(config))
    if lanes:
        stage = type(
            "StageDirective",
            (StageDirective,),
            {
                "option_spec": {**StageDirective.option_spec, **dict.fromkeys(lanes, directives.unchanged)},
                "text_lanes": (*StageDirective.text_lanes, *lanes),
                "__module__": __name__,
            },
        )
        app.add_directive("stage", stage, override=True)
        app.add_directive_to_domain("cjm", "stage", stage, override=True)
