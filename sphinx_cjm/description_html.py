"""The HTML of a stage's or touchpoint's description, written as its page is translated.

A description is a rubric and a field list (or one paragraph): a few dozen docutils nodes
to make and translate, about fifty times a page, which was a third of a cold build.
Descriptions of one shape (rendering, kind, ids, items in each field) translate to the
same HTML but for their texts, and the translator encodes a text the same wherever it
stands. So each builder translates a shape once, with marks for its texts, and every
description of that shape fills in its own texts (with typographic quotes), encoded by
the translator. What this cannot fill in (a link among the items; a compact description
that smart quotes would change) is made into nodes and translated as any
(:func:`sphinx_cjm.directives.expand`).
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxSmartQuotes
from sphinx.util.docutils import new_document

from .directives import SMART_QUOTED, Field, described, expand
from .nodes import cjm_description

#: A text's place in a shape's HTML: its index between two private-use characters.
MARK = "\ue000{}\ue001"
MARKED = re.compile("\ue000(\\d+)\ue001")

#: The HTML of each shape, marks for texts, per builder (one a build, in each writing process).
SHAPES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], str]] = weakref.WeakKeyDictionary()


def visit_description(translator: Any, node: cjm_description) -> None:
    texts = filled_texts(node, translator.document)
    if texts is None or translator.messages or MARKED.search("".join(texts)):
        for element in expand(translator.document, [node])[0]:
            element.walkabout(translator)
    else:
        html = shape_html(translator, node)
        translator.body.append(MARKED.sub(lambda mark: translator.encode(texts[int(mark[1])]), html))
    raise nodes.SkipNode


def filled_texts(node: cjm_description, document: nodes.document) -> list[str] | None:
    """The ids, title, labels and items of a description in the order of its marks, with typographic quotes;
    None if one is not a text."""
    texts = [node["title"]]
    for label, items in node["fields"]:
        texts += [label, *items]
    if not all(isinstance(text, str) for text in texts):
        return None
    to_quote = [n for n, text in enumerate(texts) if SMART_QUOTED.search(text)]
    if to_quote:
        # In full, each text is alone in its element (rubric, field name, paragraph), which smart
        # quotes educate one by one; in compact, one paragraph holds them all.
        if node["details"] != "full":
            return None
        for n, text in zip(to_quote, smart_quoted(document, [texts[n] for n in to_quote]), strict=True):
            texts[n] = text
    return [*node["ids"], *texts]


def smart_quoted(document: nodes.document, texts: list[str]) -> list[str]:
    """``texts`` as Sphinx's smart quotes educate each alone in a paragraph of ``document``'s settings."""
    holder = new_document(document["source"], document.settings)
    holder.extend(nodes.paragraph(text, text) for text in texts)
    SphinxSmartQuotes(holder, None).apply()
    return [paragraph.astext() for paragraph in holder.children]


def shape_html(translator: Any, node: cjm_description) -> str:
    fields = node["fields"]
    shape = (
        type(translator),
        node["kind"],
        node["details"],
        tuple(node["classes"]),
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
