"""The HTML of a stage's or touchpoint's description, written as its page is translated.

A description is a rubric and a field list (or one paragraph): a few dozen docutils nodes
to make and translate, about fifty times a page, which was a third of a cold build.
Descriptions of one shape (rendering, kind, ids, items in each field) translate to the
same HTML but for their texts, and the translator encodes a text the same wherever it
stands. So each builder translates a shape once, with marks for its texts, and every
description of that shape fills in its own texts, encoded by the translator.

:class:`ShapeDescriptions` picks, as the page is resolved, the descriptions written so:
those whose items are all texts. It gives them typographic quotes then, with the settings
the page was read with (the translator's are the HTML writer's), as
:func:`sphinx_cjm.directives.expand` would. The others (a link among the items; a compact
description whose texts smart quotes change: they share a paragraph) are expanded into
nodes by :class:`sphinx_cjm.directives.ExpandDescriptions`, which runs next.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxSmartQuotes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import new_document

from .directives import SMART_QUOTED, Field, described, description_texts, expand
from .held import held
from .nodes import cjm_description

#: A text's place in a shape's HTML: its index between two private-use characters.
MARK = "\ue000{}\ue001"
MARKED = re.compile("\ue000(\\d+)\ue001")

#: The HTML of each shape, marks for texts, per builder (one a build, in each writing process).
SHAPES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], str]] = weakref.WeakKeyDictionary()


class ShapeDescriptions(SphinxPostTransform):
    """Leave to the HTML translator each description it can write from its shape, its texts quoted; the
    search index, fed before the page is translated, reads them from one text node."""

    formats = ("html",)
    default_priority = 499  # just before ExpandDescriptions, which expands the rest

    def run(self, **kwargs: Any) -> None:
        for node in held(self.document, cjm_description):
            texts = own_texts(node)
            if texts is None or MARKED.search("".join([*node["ids"], *texts])):
                continue
            if any(SMART_QUOTED.search(text) for text in texts):
                if node["details"] != "full":
                    continue
                # Each text is alone in its element (rubric, field name, paragraph), which smart quotes
                # educate one by one: all of them, as expand() does once one needs it.
                set_own_texts(node, smart_quoted(self.document, texts))
            node["shaped"] = True
            node += nodes.Text(" ".join(description_texts(node)))


def own_texts(node: cjm_description) -> list[str] | None:
    """The title, labels and items of a description; None if an item is not a text."""
    texts = [node["title"]]
    for label, items in node["fields"]:
        texts += [label, *items]
    return texts if all(isinstance(text, str) for text in texts) else None


def set_own_texts(node: cjm_description, texts: list[str]) -> None:
    given = iter(texts)
    node["title"] = next(given)
    node["fields"] = [[next(given), [next(given) for _item in items]] for _label, items in node["fields"]]


def smart_quoted(document: nodes.document, texts: list[str]) -> list[str]:
    """``texts`` as Sphinx's smart quotes educate each alone in a paragraph of ``document``'s settings."""
    holder = new_document(document["source"], document.settings)
    holder.extend(nodes.paragraph(text, text) for text in texts)
    SphinxSmartQuotes(holder, None).apply()
    return [paragraph.astext() for paragraph in holder.children]


def visit_description(translator: Any, node: cjm_description) -> None:
    texts = own_texts(node)
    if texts is None or getattr(translator, "messages", None):  # docutils 0.21+ writes them after the next paragraph
        for element in expand(translator.document, [node])[0]:
            element.walkabout(translator)
    else:
        html = shape_html(translator, node)
        filled = [*node["ids"], *texts]
        translator.body.append(MARKED.sub(lambda mark: translator.encode(filled[int(mark[1])]), html))
    raise nodes.SkipNode


def shape_html(translator: Any, node: cjm_description) -> str:
    fields = node["fields"]
    shape = (
        type(translator),
        node["kind"],
        node["details"],
        tuple(node["classes"]),
        translator.compact_simple,  # a list in a compact list is not marked simple again
        len(node["ids"]),
        tuple(len(items) for _label, items in fields),
    )
    shapes = SHAPES.setdefault(translator.builder, {})
    if shape not in shapes:
        marks = iter(MARK.format(n) for n in range(len(node["ids"]) + 1 + sum(1 + len(i) for _l, i in fields)))
        ids = [next(marks) for _id in node["ids"]]
        title = next(marks)
        marked: list[Field] = [(next(marks), [next(marks) for _item in items]) for _label, items in fields]
        made = described(node["kind"], title, marked, node["details"])
        made[0].update_basic_atts({"ids": ids, "classes": node["classes"]})
        for element in made:  # where it would stand (the translator looks up at it), not put there
            element.parent = node.parent
        body, translator.body = translator.body, []
        try:
            for element in made:
                element.walkabout(translator)
            shapes[shape] = "".join(translator.body)
        finally:
            translator.body = body
    return shapes[shape]
