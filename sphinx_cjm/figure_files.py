"""What the funnel (:mod:`sphinx_cjm.funnel`) and the priority matrix (:mod:`sphinx_cjm.matrix_figure`) share
with the emotion curve (:mod:`sphinx_cjm.figure`) as figures drawn to a file.

Once a page is resolved, each figure's file is named by a digest of all that shapes it
(:func:`sphinx_cjm.curve_data.fingerprint`) and noted among the files the page uses, so
that files no page uses any more are removed; each builder's translator then draws the
file, unless one of that name exists, and shows it: HTML through
:func:`sphinx_cjm.figure.visit_figure_file`, LaTeX through :func:`sphinx_cjm.figure.latex_visit_file`
and Texinfo through :func:`sphinx_cjm.figure.texinfo_visit_file`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder

from . import curve_data
from .figure import ACCEPTED_FORMATS, FILES_WRITTEN, curve_format, link_from_images
from .held import held

Figure = TypeVar("Figure", bound=nodes.Element)


def note_page_files(
    app: Sphinx,
    doctree: nodes.document,
    docname: str,
    figure: type[Figure],
    placeholder: type[nodes.Element],
    name_file: Callable[[Builder, Figure], str],
) -> None:
    """Name the ``figure`` nodes (made from ``placeholder`` nodes) of a page about to be written, and note
    their files beside its curves'.

    Called on ``doctree-resolved`` (main process), after the curves' :func:`sphinx_cjm.figure.name_curve_files`.
    """
    if app.builder.format not in ACCEPTED_FORMATS:
        return
    names = [name_file(app.builder, node) for node in held(doctree, figure, made_from=(placeholder,))]
    if names:
        files = FILES_WRITTEN.setdefault(app.builder, {}).setdefault(docname, [])
        files[:] = sorted({*files, *names})


def name_file(
    builder: Builder, node: nodes.Element, kind: str, data: Any, drawing_code: tuple[str, ...], **options: Any
) -> str:
    """Give ``node`` its file ``cjm-KIND-<digest>.<format>``, its ``format`` and its drawing ``options``.

    The options are ``options`` and, for an SVG that an HTML page embeds, ``links``: the
    href of each of ``node["targets"]`` (object id -> docname and anchor) from the image directory.
    """
    fmt = curve_format(builder)
    links = {}
    if fmt == "svg" and isinstance(builder, StandaloneHTMLBuilder):  # only HTML builders take SVG
        links = {object_id: link_from_images(builder, *target) for object_id, target in sorted(node["targets"].items())}
    node["format"], node["options"] = fmt, {"links": links, **options}
    node["fingerprint"] = curve_data.fingerprint(data, fmt, drawing_code=drawing_code, **node["options"])
    node["file"] = f"cjm-{kind}-{node['fingerprint'][:32]}.{fmt}"
    return node["file"]
