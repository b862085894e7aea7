"""Each post-transform and ``doctree-resolved`` handler walks a document only if it holds the nodes looked for.

Walking the whole resolved page (tables built, descriptions expanded) once per kind of
placeholder, most often to find none, took about a tenth of a build. Before anything is
resolved the page is small, its tables, curves and descriptions still placeholders: the
first post-transform, :class:`NoteHeldTypes`, walks it once and notes the types of its
nodes. This is done per document resolved rather than per page read: a LaTeX, Texinfo,
man or single-page HTML build resolves one tree assembled from many pages, and a
full-map page (:mod:`sphinx_cjm.full_map`) is read from no source.
"""

from __future__ import annotations

import weakref
from typing import Any, TypeVar

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

N = TypeVar("N", bound=nodes.Node)

#: The types of the nodes each document held before it was resolved.
HELD_TYPES: weakref.WeakKeyDictionary[nodes.Node, frozenset[type]] = weakref.WeakKeyDictionary()


class NoteHeldTypes(SphinxPostTransform):
    """Note the types of the document's nodes, before any post-transform replaces one."""

    default_priority = 0  # before any post-transform replaces a node (ApplyRenamedIds: 1, tables: 5)

    def run(self, **kwargs: Any) -> None:
        HELD_TYPES[self.document] = frozenset(map(type, self.document.findall()))


def held(doctree: nodes.Node, node_class: type[N], made_from: tuple[type[nodes.Node], ...] = ()) -> list[N]:
    """The ``node_class`` nodes of ``doctree``, which is walked only if it held some before it was resolved,
    or some of ``made_from``, the placeholders that post-transforms make into them.

    A tree the post-transforms did not see first (a piece of a document) is always walked.
    """
    types = HELD_TYPES.get(doctree)
    wanted = (node_class, *made_from)
    if types is not None and not any(issubclass(held_type, wanted) for held_type in types):
        return []
    return list(doctree.findall(node_class))
