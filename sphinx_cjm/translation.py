"""The map's own text through Sphinx's i18n: ``gettext`` extracts it, the ``Locale`` transform translates it.

Sphinx translates the text of the document tree, but a map's texts are directive
options (titles, lane items, barriers, owners, ...), which it never extracts (sphinx
issues 8857, 11956, 12383), and which the records in the domain hold. So while a page
is read:

1. before ``Locale`` (priority 20), each record the page added gets a
   :class:`cjm_texts` node holding its texts as messages, at the record's file and
   line. It is an ``addnodes.translatable``: the ``gettext`` builder extracts its
   messages into the page's catalog like any paragraph's;
2. ``Locale`` applies the project's message catalogs (``language``, ``locale_dirs``)
   to it like to any node;
3. after ``Locale``, the translated texts are written back into the records, and
   into the object's own description on the page. The table, curve, registers,
   full-map page and ``cjm.json`` are all made from the records, so they show the
   translation. The nodes are then dropped, except in a ``gettext`` build.

Editing a ``.po`` file makes Sphinx read the pages of that catalog again (it tracks
the compiled catalog as a dependency), and the domain then rewrites every page that
shows a changed record.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from .domain import added_records, cjm_domain
from .nodes import cjm_description

#: The fields of each kind of record that hold text a reader sees: strings, lists of
#: strings, or a dict of strings or of lists of strings (``lanes``). Kinds and fields a record does
#: not have are skipped, so a kind is translatable once it is listed here.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "persona": ("title", "segment"),
    "journey": ("title", "stage_titles"),
    "stage": ("title", "lanes"),
    "touchpoint": ("title", "barrier", "solution", "owner", "kpi"),
    "metric": ("title",),
    "recommendation": ("title", "owner", "budget"),
    "evidence": ("title", "source"),
}

Path = tuple[str | int, ...]


class cjm_texts(nodes.Element, addnodes.translatable):
    """The texts of one record as messages: ``texts`` is a list of ``[path, original, translated]``."""

    def preserve_original_messages(self) -> None:
        """The originals stay in ``texts`` whatever is applied."""

    def extract_original_messages(self) -> Sequence[str]:
        return [original for _path, original, _translated in self["texts"]]

    def apply_translated_message(self, original_message: str, translated_message: str) -> None:
        for entry in self["texts"]:
            if entry[1] == original_message:
                entry[2] = translated_message


def record_texts(kind: str, record: Any) -> Iterator[tuple[Path, str]]:
    """Each text of the record with its path: ``("title",)``, ``("lanes", "actions", 0)``."""
    for name in TEXT_FIELDS.get(kind, ()):
        value = getattr(record, name, None)
        if isinstance(value, str):
            if value.strip():
                yield (name,), value
        elif isinstance(value, list):
            yield from (((name, n), item) for n, item in enumerate(value) if isinstance(item, str) and item.strip())
        elif isinstance(value, dict):
            for key, items in value.items():
                if isinstance(items, str) and items.strip():
                    yield (name, key), items
                for n, item in enumerate(items if isinstance(items, list) else []):
                    if isinstance(item, str) and item.strip():
                        yield (name, key, n), item


def set_text(record: Any, path: Path, text: str) -> None:
    head, *rest = path
    if not rest:
        setattr(record, str(head), text)
        return
    container = getattr(record, str(head))
    for key in rest[:-1]:
        container = container[key]
    container[rest[-1]] = text


class OfferTexts(SphinxTransform):
    """Put each record the page added into the document as a :class:`cjm_texts` node, before ``Locale``."""

    default_priority = 15

    def apply(self, **kwargs: Any) -> None:
        for position, (kind, record) in enumerate(added_records(self.env)):
            texts = [[list(path), text, None] for path, text in record_texts(kind, record)]
            if not texts:
                continue
            node = cjm_texts(record_index=position, texts=texts)
            node.source = record.origin.source or str(self.env.doc2path(self.env.docname))
            node.line = record.origin.lineno or 1
            self.document += node


class ApplyTranslatedTexts(SphinxTransform):
    """After ``Locale``: translated texts into the records and the objects' descriptions; drop the nodes."""

    default_priority = 21

    def apply(self, **kwargs: Any) -> None:
        added = added_records(self.env)
        if not added:  # OfferTexts gave the page no cjm_texts: it need not be walked
            return
        translated_any = False
        for node in list(self.document.findall(cjm_texts)):
            _kind, record = added[node["record_index"]]
            changes = {}
            for path, original, translated in node["texts"]:
                if translated and translated != original:
                    set_text(record, tuple(path), translated)
                    changes[original] = translated
            if changes:
                translated_any = True
                self.translate_description(record.id, changes)
            if not self.env.versioning_condition:  # only the gettext builder reads them later
                node.parent.remove(node)
        if translated_any:
            cjm_domain(self.env).records_changed()

    def translate_description(self, object_id: str, changes: dict[str, str]) -> None:
        """The object's description (title, fields) as written on the page, now in the translation."""
        anchor = next(self.document.findall(lambda n: isinstance(n, nodes.Element) and object_id in n["ids"]), None)
        if anchor is None:
            return
        box = anchor if isinstance(anchor, nodes.container) else anchor.parent
        for text in list(own_texts(box)):
            if str(text) in changes:
                text.parent.replace(text, nodes.Text(changes[str(text)]))
        for placeholder in (child for child in box.children if isinstance(child, cjm_description)):
            placeholder["title"] = changes.get(placeholder["title"], placeholder["title"])
            for field in placeholder["fields"]:
                field[1] = [changes.get(item, item) if isinstance(item, str) else item for item in field[1]]


def own_texts(box: nodes.Element) -> Iterator[nodes.Text]:
    """The text nodes of an object's box, not of the objects nested in it."""
    for child in box.children:
        if isinstance(child, nodes.Text):
            yield child
        elif isinstance(child, nodes.Element) and not (
            isinstance(child, nodes.container) and "cjm" in child["classes"]
        ):
            yield from own_texts(child)
