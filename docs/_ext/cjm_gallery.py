"""Publish the example case-study site (``examples/``) inside the docs, under ``examples/``, with thumbnails.

The examples are their own Sphinx project: their own language (the case studies are
Russian, so their lane labels are too), their own ids and their own ``conf.py``. Built
as part of the docs they keep all of that, and nothing in them can clash with the ids
of the docs' tutorial. Their warnings become the docs' warnings, so ``-W`` covers them.

The examples are built first (``builder-inited``), so that the gallery's thumbnails can
be drawn from what they publish: each case's journeys, read back from the examples'
``cjm.json``, drawn by sphinx_cjm's own curve code into ``gallery/_thumbs/`` in the
examples' language (axis, legend and numbers in Russian, like the maps; the same data
gives the same bytes; a file is rewritten only when they change). Browser
screenshots kept under ``_static/shots/`` are shown too (``gallery-shots``); the pages of
the case studies' PDF kept beside them (``pdf-<case>-map.png``, drawn by ``make pdf-shots``)
are shown on their case's own page instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.tags import Tags

from sphinx_cjm import curve, diff, model
from sphinx_cjm.figure import messages
from sphinx_cjm.i18n import labels_for

logger = logging.getLogger(__name__)


THUMBS = "gallery/_thumbs"
SHOTS = "_static/shots"
#: Pages of the case studies' PDF among the shots: each case's page shows its own.
PDF_PAGES = "pdf-*.png"


def build_examples(app: Sphinx) -> None:
    if app.builder.format != "html" or not app.config.gallery_examples_source:
        return
    source = Path(app.confdir, app.config.gallery_examples_source).resolve()
    target = Path(app.outdir, app.config.gallery_examples_target)
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q",
        "-D", f"html_theme={app.config.html_theme}",
        "-d", str(Path(app.doctreedir, "_cjm_examples")),
        str(source), str(target),
    ]  # fmt: skip
    logger.info("building the example case studies into %s", target)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stderr.splitlines():
        if line.strip():
            logger.warning("examples: %s", line, type="cjm-gallery")
    if result.returncode != 0:
        logger.warning("examples: the build failed with exit code %d", result.returncode, type="cjm-gallery")
        return
    export = json.loads((target / "cjm.json").read_text(encoding="utf-8"))
    draw_thumbnails(app, export, examples_language(source))


def examples_language(source: Path) -> str:
    """The ``language`` of the examples' own ``conf.py`` (their journeys set none of their own)."""
    return Config.read(source, overrides={}, tags=Tags()).language or "en"


def thumbnail(journeys: list[model.AssembledJourney], language: str, fmt: str = "png") -> bytes:
    """A case's first three journeys' curves overlaid, every word and number in ``language``."""
    return curve.draw_curve(
        journeys[:3], fmt, size=(8, 3.4), messages=messages(labels_for(language)), language=language
    )


def draw_thumbnails(app: Any, export: dict[str, Any], language: str) -> None:
    """One PNG per case study (the first folder of its pages) under ``app.srcdir``: its journeys' curves overlaid."""
    cases: dict[str, list[Any]] = {}
    for journey in export["journeys"]:
        case, slash, _page = journey["docname"].partition("/")
        if slash:
            cases.setdefault(case, []).append(diff.assembled_from_export(journey))
    folder = Path(app.srcdir, THUMBS)
    folder.mkdir(parents=True, exist_ok=True)
    for case, journeys in sorted(cases.items()):
        data = thumbnail(journeys, language)
        path = folder / f"{case}.png"
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


class GalleryCard(SphinxDirective):
    """``.. gallery-card:: CASE`` with ``:link:`` and ``:alt:``: the case's thumbnail as a link, if it was drawn."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"link": directives.unchanged_required, "alt": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        name = f"{THUMBS}/{self.arguments[0]}.png"
        if not Path(self.env.srcdir, name).is_file():  # the gallery is built without the examples
            return []
        self.env.note_dependency(str(Path(self.env.srcdir, name)))
        alt = self.options.get("alt", self.arguments[0])
        image = nodes.image(uri=f"/{name}", alt=alt, classes=["cjm-gallery-thumb"])
        reference = nodes.reference("", "", image, refuri=self.options["link"], internal=False)
        return [nodes.paragraph("", "", reference)]


class GalleryShots(SphinxDirective):
    """``.. gallery-shots::``: every browser screenshot under ``_static/shots/``, captioned with its name."""

    def run(self) -> list[nodes.Node]:
        figures: list[nodes.Node] = []
        for path in sorted(Path(self.env.srcdir, SHOTS).glob("*.png")):
            if path.match(PDF_PAGES):
                continue
            name = f"/{SHOTS}/{path.name}"
            caption = path.stem.replace("-", " ")
            figure = nodes.figure("", nodes.image(uri=name, alt=caption, width="45%"), nodes.caption(caption, caption))
            self.env.note_dependency(str(path))
            figures.append(figure)
        return figures


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("gallery_examples_source", "../examples", "html", types=(str,))
    app.add_config_value("gallery_examples_target", "examples", "html", types=(str,))
    app.connect("builder-inited", build_examples)
    app.add_directive("gallery-card", GalleryCard)
    app.add_directive("gallery-shots", GalleryShots)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
