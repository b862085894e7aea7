"""The emotion-curve figure in Sphinx, after ``sphinx.ext.graphviz``.

The ``journey`` and ``emotion-curve`` directives leave a placeholder; a post-transform
(main process, once every document is read) turns it into an :class:`emotion_curve`
node of plain data and names its file by a digest of everything that shapes it; each
builder's translator draws the file in its visit method (so parallel writes spread
the drawing) into the output image directory, and skips drawing when that file
exists, or copies it from the figure cache (:mod:`sphinx_cjm.figure_cache`) when a
build drew it before. Matplotlib is imported only to draw: a rebuild that draws
nothing never loads it.
"""

from __future__ import annotations

import json
import posixpath
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxTranslator
from sphinx.util.osutil import relative_uri
from sphinx.writers.html5 import HTML5Translator

from . import curve_data, curve_geometry, curve_svg, figure_cache, model
from .directives import JourneyDirective
from .domain import CJMDomain, builder_of, cjm_domain, warn
from .held import held
from .i18n import Labels, project_labels
from .nodes import emotion_curve_placeholder, journey_diff

if TYPE_CHECKING:
    from sphinx.writers.latex import LaTeXTranslator
    from sphinx.writers.texinfo import TexinfoTranslator

logger = logging.getLogger(__name__)

#: File formats each output format takes, its default first.
ACCEPTED_FORMATS = {"html": ("svg", "png"), "latex": ("pdf", "png"), "texinfo": ("png",)}
#: Builders of an accepting format that are better served by another default.
DEFAULT_FORMAT_OF_BUILDER = {"epub": "png"}


class emotion_curve(nodes.General, nodes.Element):
    """A curve ready to draw, as plain data.

    ``plotted`` (:func:`curve_data.plotted_data`), ``targets`` (plotted object id -> its
    docname and anchor, for links), ``alt``, ``title``, ``width``; for builders that draw, ``file``
    (its name), ``format`` and ``options`` (for :func:`sphinx_cjm.curve.draw_plotted`).
    Its child paragraph holds the alt text, which builders that take no images show instead.
    """


class EmotionCurveDirective(JourneyDirective):
    """``.. emotion-curve:: ID [ID ...]``: one journey's curve, or several overlaid."""

    kind = "emotion-curve"
    not_inside = frozenset()
    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "title": directives.unchanged,
        "width": directives.length_or_percentage_or_unitless,
        "alt": directives.unchanged,
        "stages": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        journey_ids = model.split_list(self.arguments[0])
        if not journey_ids:
            self.warn([model.Problem("ref", f"{self.arguments[0]!r} names no journey id; no curve is drawn")])
            return []
        node = self.curve_placeholder(journey_ids)
        node["explicit"] = True  # asked for by name: a journey without emotions is worth a warning
        node["stages"] = model.split_list(self.options.get("stages")) or None
        return [node]


# --- from placeholder to data ----------------------------------------------------------------


class ResolveCurvePlaceholders(SphinxPostTransform):
    """Replace curve placeholders with the plotted data of their journeys."""

    # Before ReferencesResolver (10), like the table's transform.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = cjm_domain(self.env)
        on_table = inline_curve(builder_of(self.env))
        for node in held(self.document, emotion_curve_placeholder):
            # In HTML a journey's own curve is a row of its table (table.py).
            node.replace_self([] if on_table and node.get("on_table") else self.curve_node(node, domain))

    def curve_node(self, node: emotion_curve_placeholder, domain: CJMDomain) -> list[nodes.Node]:
        journeys = []
        stage_ids = node.get("stages")
        for journey_id in node["journeys"]:
            assembled = domain.assembled(journey_id)
            if assembled is None:
                warn(f"emotion-curve: unknown journey id {journey_id!r}", "ref", node)
                continue
            if stage_ids is not None:  # each journey shows those of the ids that are its stages
                assembled = model.fragment(
                    assembled, [i for i in stage_ids if domain_stage_of(domain, i) == journey_id], None
                )[0]
            if not assembled.stages:
                warn(f"journey {journey_id!r} has no stages; its curve is left out", "ref", node)
            else:
                journeys.append(assembled)
        for stage_id in stage_ids or []:
            if domain_stage_of(domain, stage_id) not in node["journeys"]:
                warn(
                    f"emotion-curve: :stages: names {stage_id!r}, not a stage of {', '.join(node['journeys'])}",
                    "ref",
                    node,
                )
        if not journeys:
            return []
        languages = {j.journey.language for j in journeys}
        language = languages.pop() if len(languages) == 1 else ""
        labels = project_labels(self.env, language)
        plotted = curve_data.plotted_data(journeys)
        for journey in plotted:
            if node.get("explicit") and not curve_data.curve_points(journey):
                warn(
                    f"emotion-curve: journey {journey['id']!r} has no emotion scores; the figure says so",
                    "emotion",
                    node,
                )
        alt = node.get("alt") or describe(plotted, labels)
        figure = emotion_curve(
            "",
            nodes.paragraph(alt, alt),
            plotted=plotted,
            targets=plotted_targets(journeys),
            alt=alt,
            title=node.get("title", ""),
            width=node.get("width", ""),
            language=language,
            classes=["cjm-emotion-curve"],
        )
        figure.source, figure.line = node.source, node.line
        return [figure]


def domain_stage_of(domain: CJMDomain, stage_id: str) -> str:
    """The journey of a stage id ('' if it names no stage)."""
    stage = domain.get("stage", stage_id)
    return stage.journey if isinstance(stage, model.Stage) else ""


def plotted_targets(journeys: Sequence[model.AssembledJourney]) -> dict[str, tuple[str, str]]:
    """Each stage and touchpoint id to the document and HTML anchor of its description."""

    targets = {}
    for journey in journeys:
        for stage in journey.stages:
            targets[stage.stage.id] = CJMDomain.anchor(stage.stage)
            targets.update((t.id, CJMDomain.anchor(t)) for t in stage.touchpoints)
    return targets


def describe(plotted: Sequence[Mapping[str, Any]], labels: Labels) -> str:
    """The text alternative: which journeys, which stages, the lowest and highest points.

    It also names the points no research evidence supports, which the figure draws hollow:
    a reader who cannot see the figure must not take guesses for findings either.
    """
    columns = max(len(j["stages"]) for j in plotted)
    stages = ", ".join(curve_data.stage_titles(plotted, columns))
    if len(plotted) == 1:
        parts = [
            labels.gettext("Emotion curve of “%(journey)s” across the stages %(stages)s.")
            % {"journey": plotted[0]["title"], "stages": stages}
        ]
    else:
        titles = ", ".join(quoted(j["title"], labels) for j in plotted)
        parts = [
            labels.gettext("Emotion curves of %(journeys)s across the stages %(stages)s.")
            % {"journeys": titles, "stages": stages}
        ]
    for journey in plotted:
        points = curve_data.curve_points(journey)
        prefix = f"{quoted(journey['title'], labels)}: " if len(plotted) > 1 else ""
        if not points:
            parts.append(prefix + labels.gettext("No emotion scores yet."))
            continue
        lowest = min(points, key=lambda p: p["y"])
        highest = max(points, key=lambda p: p["y"])
        values = {"lowest": point_text(lowest, labels.language), "highest": point_text(highest, labels.language)}
        parts.append(prefix + labels.gettext("Lowest point: %(lowest)s; highest: %(highest)s.") % values)
        unsupported = [p for p in points if not p["supported"]]
        if unsupported:
            listed = "; ".join(point_text(p, labels.language) for p in unsupported)
            parts.append(
                prefix + labels.gettext("No research evidence (hollow points): %(points)s.") % {"points": listed}
            )
    return " ".join(parts)


def quoted(title: str, labels: Labels) -> str:
    return labels.gettext("“%s”") % title


def point_text(point: Mapping[str, Any], language: str | None) -> str:
    where = point["stage"] if point["is_stage"] else f"{point['title']} ({point['stage']})"
    return f"{where}, {curve_data.signed(point['y'], language)}"


# --- drawing, per builder --------------------------------------------------------------------


def curve_format(builder: Builder) -> str:
    """``cjm_curve_format`` for this builder (by name, then format), if the builder takes it."""
    accepted = ACCEPTED_FORMATS.get(builder.format, ("png",))
    setting = builder.config.cjm_curve_format
    wanted = (setting.get(builder.name) or setting.get(builder.format)) if isinstance(setting, Mapping) else setting
    if wanted in accepted:
        return wanted
    default = DEFAULT_FORMAT_OF_BUILDER.get(builder.name, accepted[0])
    return default if default in accepted else accepted[0]


def messages(labels: Labels) -> dict[str, str]:
    """The figure's own words and its legend's, in the journey's language."""
    return {
        "emotion": labels.field("emotion"),
        "empty": labels.gettext("No emotion scores yet"),
        "pain": labels.gettext("Pain point (barrier)"),
        "unsupported": labels.register("unsupported"),
        "touchpoint": labels.register("touchpoint"),
        "stage": labels.gettext("Stage's own emotion (no touchpoint scored)"),
        "gap": labels.gettext("No emotion in this stage"),
    }


# --- inline SVG in HTML ----------------------------------------------------------------------


def inline_curve(builder: Builder) -> bool:
    """Whether this builder shows curves as inline SVG (HTML with the SVG format): on the table's grid."""
    return builder.format == "html" and curve_format(builder) == "svg"


def curve_scale(config: Config) -> tuple[float, float]:
    scale = config.cjm_emotion_scale
    return (float(scale[0]), float(scale[1])) if curve_data.valid_scale(scale) else curve_data.DEFAULT_SCALE


def plot_height(config: Config) -> float:
    """The band between the scale's ends, in label font sizes: ``cjm_curve_size``'s height at 40 px an inch."""
    size = config.cjm_curve_size
    return size[1] * 40 / curve_svg.FONT if size else 13.0


def layout_of(config: Config, plotted: Sequence[Mapping[str, Any]]) -> curve_geometry.Layout:
    """The curve's layout; the same curve on a journey's page and its full-map page is laid out once."""
    key = (json.dumps(plotted, sort_keys=True, default=repr), curve_scale(config), plot_height(config))
    layout = LAYOUTS.get(key)
    if layout is None:
        layout = LAYOUTS[key] = curve_geometry.layout(plotted, key[1], plot_height=key[2])
    return layout


#: Layouts made in this process during the build, by their data; read only once made. Every
#: journey's stays until the build ends: the full-map pages are written after all the others.
LAYOUTS: dict[tuple[str, tuple[float, float], float], curve_geometry.Layout] = {}


def forget_layouts(app: Sphinx, exception: Exception | None) -> None:
    LAYOUTS.clear()


def page_links(builder: Builder, fromdocname: str, targets: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each plotted object's href from the page ``fromdocname``: its anchor, on this page or another."""
    hrefs = {}
    for object_id, (docname, anchor) in targets.items():
        page = "" if docname == fromdocname else builder.get_relative_uri(fromdocname, docname).partition("#")[0]
        hrefs[object_id] = f"{page}#{anchor}"
    return hrefs


def palette_style(config: Config, node: nodes.Node | None) -> str:
    """``cjm_curve_palette`` as CSS variables on the curve (empty: the theme-aware colours of cjm.css)."""
    palette = usable_palette(config, node)
    if palette is None:
        return ""
    from matplotlib.colors import to_hex  # only a configured palette needs matplotlib's colour names

    colours = curve_data.resolve_palette(palette)
    lines = colours.get("lines") or []
    declarations = [f"--cjm-curve-{n}: {to_hex(c)}" for n, c in enumerate(lines[:6])]
    declarations += [
        f"--cjm-curve-{key}: {to_hex(colours[key])}" for key in ("positive", "negative", "pain") if key in colours
    ]
    return "; ".join(declarations)


def curve_row(
    builder: Builder, fromdocname: str, assembled: model.AssembledJourney, labels: Labels
) -> tuple[nodes.row, nodes.Node]:
    """The journey's curve as a row of its table (one cell a stage), and the legend that goes under the table."""
    config = builder.config
    plotted = curve_data.plotted_data([assembled])
    layout = layout_of(config, plotted)
    hrefs = page_links(builder, fromdocname, plotted_targets([assembled]))
    alt = describe(plotted, labels)
    label = labels.lane("curve")
    head = nodes.entry(
        "",
        nodes.paragraph(label, label),
        nodes.inline(alt, alt, classes=["cjm-visually-hidden"]),
        nodes.raw("", curve_svg.scale_svg(layout, labels.language), format="html"),
        classes=["cjm-curve-head"],
    )
    row = nodes.row("", head, classes=["cjm-emotion-curve", "cjm-curve-row"])
    style = palette_style(config, None)
    for column in range(layout.columns):
        svg = curve_svg.stage_svg(layout, column, hrefs, style, labels.language)
        row += nodes.entry("", nodes.raw("", svg, format="html"), classes=["cjm-curve-cell"])
    return row, nodes.raw("", curve_svg.legend(layout, messages(labels), style), format="html")


def curve_texts(config: Config, assembled: model.AssembledJourney, labels: Labels) -> list[str]:
    """The texts :func:`curve_row` shows (description, scale, points, legend), for the search index.

    The curve is laid out here, as its page is resolved, and :func:`curve_row` finds it laid out
    (``LAYOUTS``): under ``-j`` the process writing the page inherits it, which balances the work of
    the main process and the writer on two cores."""
    plotted = curve_data.plotted_data([assembled])
    layout = layout_of(config, plotted)
    names = messages(labels)
    return [
        labels.lane("curve"),
        describe(plotted, labels),
        *(curve_data.signed(value, labels.language) for value, _y in layout.ticks),
        *(curve_svg.point_title(mark, labels.language) for mark in layout.marks),
        *(names[kind] for kind in layout.used()),
    ]


def name_curve_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Name the files of a page about to be written, and note them (``doctree-resolved``: main process)."""
    if app.builder.format not in ACCEPTED_FORMATS or docname not in app.env.all_docs:
        return  # builders that draw nothing show the alt text; full-map pages (full_map.py) draw inline
    if inline_curve(app.builder):
        files: set[str] = set()  # drawn into the page itself
    else:
        curves = held(doctree, emotion_curve, made_from=(emotion_curve_placeholder, journey_diff))
        files = {name_file(app.builder, node) for node in curves}
    FILES_WRITTEN.setdefault(app.builder, {})[docname] = sorted(files)


def name_file(builder: Builder, node: emotion_curve) -> str:
    """Give the node its file's name, format and drawing options, from everything that shapes the file."""
    config = builder.config
    fmt = curve_format(builder)
    links = {}
    if fmt == "svg" and isinstance(builder, StandaloneHTMLBuilder):  # only HTML builders take SVG
        links = {
            object_id: link_from_images(builder, docname, anchor)
            for object_id, (docname, anchor) in sorted(node["targets"].items())
        }
    labels = project_labels(builder.env, node.get("language"))
    options = {
        "title": node["title"],
        "scale": [float(v) for v in config.cjm_emotion_scale],  # checked by sphinx_cjm.config
        "size": config.cjm_curve_size,
        "palette": usable_palette(config, node),
        "links": links,
        "messages": messages(labels),
        "language": labels.language,
    }
    node["format"], node["options"] = fmt, options
    node["fingerprint"] = curve_data.fingerprint(node["plotted"], fmt, **options)
    node["file"] = f"cjm-curve-{node['fingerprint'][:32]}.{fmt}"
    return node["file"]


def draw(node: emotion_curve, directory: Path, builder: Builder) -> str:
    """The node's file in ``directory``: left alone if there, else copied from the figure cache or drawn."""

    def draw_curve() -> bytes:
        from . import curve  # matplotlib is slow to import: only drawing needs it

        with curve_data.font_problems() as problems:
            data = curve.draw_plotted(node["plotted"], node["format"], **node["options"])
        figure_cache.keep_problems(builder, node["fingerprint"], [problem.message for problem in problems])
        logger.verbose("cjm: drew emotion curve %s", node["file"])
        return data

    figure_cache.figure_file(builder, directory, node["file"], node["fingerprint"], draw_curve)
    # Drawn now, before, or copied from the cache: the figure warns alike (font problems are all it keeps).
    for message in figure_cache.kept_problems(builder, node["fingerprint"]):
        warn(message, "font", node)
    return node["file"]


def link_from_images(builder: StandaloneHTMLBuilder, docname: str, anchor: str) -> str:
    """The href of an object's anchor, relative to the image directory the SVG sits in."""
    page = builder.get_target_uri(docname).partition("#")[0] or builder.config.root_doc + builder.out_suffix
    return relative_uri(posixpath.join(builder.imagedir, "curve"), page) + "#" + anchor


def css_length(width: str) -> str:
    return f"{width}px" if width and width[-1].isdigit() else width


def html_visit(self: HTML5Translator, node: emotion_curve) -> None:
    builder = self.builder
    if inline_curve(builder):
        inline_visit(self, node)
    name = draw(node, Path(builder.outdir, builder.imagedir), builder)
    size = curve_geometry.figure_size(node["plotted"], builder.config.cjm_curve_size, curve_scale(builder.config))
    visit_figure_file(self, node, name, size)


def visit_figure_file(self: HTML5Translator, node: nodes.Element, name: str, size: tuple[float, float]) -> None:
    """A figure drawn to a file (``node``'s ``format``, ``alt`` and ``width``), in its own aspect ratio."""
    source = self.attval(posixpath.join(self.builder.imgpath, name))
    alt = self.attval(node["alt"])
    width, height = size
    style = f"aspect-ratio: {width:g} / {height:g}"
    if node.get("width"):
        style += f"; width: {self.attval(css_length(node['width']))}"
    else:
        # Up to a quarter above its natural size (96 px to the inch), so text stays in proportion.
        style += f"; max-width: {round(width * 120)}px"
    self.body.append(self.starttag(node, "figure"))
    if node["format"] == "svg":
        # <object>, not <img>: only an embedded document's links can be followed.
        self.body.append(
            f'<object data="{source}" type="image/svg+xml" role="img" aria-label="{alt}" style="{style}">'
            f"<p>{self.encode(node['alt'])}</p></object>\n"
        )
    else:
        self.body.append(f'<img src="{source}" alt="{alt}" style="{style}" />\n')
    self.body.append("</figure>\n")
    raise nodes.SkipNode


def inline_visit(self: HTML5Translator, node: emotion_curve) -> None:
    """The figure drawn into the page: one grid column a stage, as on the journey's table."""
    config = self.builder.config
    layout = layout_of(config, node["plotted"])
    hrefs = page_links(self.builder, self.builder.current_docname, node["targets"])
    labels = project_labels(self.builder.env, node.get("language"))
    attributes = self.starttag(node, "figure", CLASS="cjm-curve-figure")[len("<figure") : -1].strip()
    if node["width"]:
        attributes += f' style="width: {self.attval(css_length(node["width"]))}"'
    self.body.append(
        curve_svg.figure(
            layout,
            hrefs,
            curve_data.stage_titles(node["plotted"], layout.columns),
            alt=node["alt"],
            title=node["title"],
            messages=messages(labels),
            attributes=attributes,
            style=palette_style(config, node),
            language=labels.language,
        )
    )
    raise nodes.SkipNode


def latex_visit(self: LaTeXTranslator, node: emotion_curve) -> None:
    name = draw(node, Path(self.builder.outdir, self.builder.imagedir), self.builder)
    latex_visit_file(self, name, self.latex_image_length(node["width"]) if node["width"] else None)


def latex_visit_file(self: LaTeXTranslator, name: str, width: str | None) -> None:
    """The drawn file ``name``, centred, ``width`` wide (a LaTeX length; its natural width if None)."""
    options = f"width={width}" if width else ""
    self.body.append(f"\n\n\\begin{{center}}\n\\sphinxincludegraphics[{options}]{{{name}}}\n\\end{{center}}\n\n")
    raise nodes.SkipNode


def texinfo_visit(self: TexinfoTranslator, node: emotion_curve) -> None:
    texinfo_visit_file(self, node, draw)


def texinfo_visit_file(
    self: TexinfoTranslator, node: nodes.Element, draw_file: Callable[[Any, Path, Builder], str]
) -> None:
    """The figure drawn by ``draw_file`` (node, directory, builder) where Texinfo keeps images, with its alt text."""
    figures = f"{str(self.elements['filename'])[:-5]}-figures"
    name = draw_file(node, Path(self.builder.outdir, figures), self.builder)
    alt = self.escape_arg(node["alt"])
    self.body.append(f"\n@image{{{figures}/{name[:-4]},,,{alt},png}}\n")
    raise nodes.SkipNode


def visit_as_text(self: SphinxTranslator, node: emotion_curve) -> None:
    """Builders without images show the alt paragraph the node holds."""


def depart_as_text(self: SphinxTranslator, node: emotion_curve) -> None:
    pass


def add_curve_node(app: Sphinx) -> None:
    """Register the curve node with its visitors: drawn where images are shown, its alt text elsewhere."""
    app.add_node(
        emotion_curve,
        html=(html_visit, None),
        latex=(latex_visit, None),
        texinfo=(texinfo_visit, None),
        text=(visit_as_text, depart_as_text),
        man=(visit_as_text, depart_as_text),
    )


#: Figure files: curves, and the funnels' (:mod:`sphinx_cjm.funnel`) and priority matrices'
#: (:mod:`sphinx_cjm.matrix_figure`), which are noted beside them.
CURVE_FILE = re.compile(r"cjm-(?:curve|funnel|matrix)-[0-9a-f]{32}\.(?:svg|pdf|png)")
#: The curve files each document written in this build uses, by builder (filled in the main process).
FILES_WRITTEN: weakref.WeakKeyDictionary[Builder, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def remove_unused_curves(app: Sphinx, exception: Exception | None) -> None:
    """Delete curve files no page uses any more, so an incremental build leaves what a clean one does.

    Pages not written in this build still use their files, so which files each
    document uses is kept from build to build in a small JSON record beside the
    doctrees (the environment is saved before pages are written: it cannot hold them).
    A build that writes nothing changes no page, and has nothing to do.
    """
    written = FILES_WRITTEN.pop(app.builder, None)
    if exception is not None or written is None:
        return
    outdir = Path(app.builder.outdir)
    record = Path(app.doctreedir) / f"cjm-curves-{app.builder.name}.json"
    used_by = previous_files(record, outdir)
    if used_by is None:
        # Builders of one file for the whole project (LaTeX, Texinfo, single HTML) rewrite it every time.
        if not (isinstance(app.builder.get_outdated_docs(), str) or set(app.env.all_docs) <= set(written)):
            logger.verbose("cjm: no record of the curves older pages use; unused curve files are kept this time")
            return
        used_by = {}
    used_by = {docname: files for docname, files in used_by.items() if docname in app.env.all_docs}
    used_by.update(written)
    used = {name for files in used_by.values() for name in files}
    for path in outdir.rglob("cjm-*"):
        if CURVE_FILE.fullmatch(path.name) and path.name not in used:
            path.unlink()
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"outdir": str(outdir), "files": used_by}, sort_keys=True), encoding="utf-8")


def previous_files(record: Path, outdir: Path) -> dict[str, list[str]] | None:
    """The files each document used after the last build into ``outdir``, if it was recorded."""
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("outdir") != str(outdir) or not isinstance(data.get("files"), dict):
        return None
    return data["files"]


# --- configuration ---------------------------------------------------------------------------


def check_config(app: Sphinx, config: Config) -> None:
    """Report unusable curve settings as ``cjm.option`` and fall back to the defaults."""
    setting = config.cjm_curve_format
    wanted = list(setting.values()) if isinstance(setting, Mapping) else [setting]
    if any(fmt is not None and fmt not in curve_data.FORMATS for fmt in wanted):
        warn(
            f"cjm_curve_format: {setting!r} names an unknown format; use {', '.join(curve_data.FORMATS)}",
            "option",
            None,
        )
        config.cjm_curve_format = None
    size = config.cjm_curve_size
    if size is not None and not valid_size(size):
        warn(
            f"cjm_curve_size: {size!r} is not (width, height) in inches, 1.5 to 50; the size follows the stages",
            "option",
            None,
        )
        config.cjm_curve_size = None
    palette = config.cjm_curve_palette
    if palette is not None and palette_colours(palette) is None:
        warn(
            f"cjm_curve_palette: {palette!r} is not a dict of colours or a list of colours; the default is used",
            "option",
            None,
        )
        config.cjm_curve_palette = None


def palette_colours(palette: Any) -> list[Any] | None:
    """The colours a palette names, or None if it is not shaped as one (:func:`usable_palette` checks the colours)."""
    if isinstance(palette, Mapping):
        lines = palette.get("lines", ["k"])
        if set(palette) <= set(curve_data.DEFAULT_PALETTE) and isinstance(lines, list | tuple) and lines:
            return [*lines, *(v for k, v in palette.items() if k != "lines")]
        return None
    return list(palette) if isinstance(palette, list | tuple) and palette else None


def usable_palette(config: Config, node: nodes.Node | None) -> Any:
    """``cjm_curve_palette`` if matplotlib knows its colours; else, once per build, a ``cjm.option`` warning and None.

    Checked when a page with a curve is written rather than with the other settings,
    because matplotlib is slow to import: builds that write no curve never need it.
    """
    palette = config.cjm_curve_palette
    if palette is None:
        return None
    from matplotlib.colors import is_color_like

    if not all(map(is_color_like, palette_colours(palette) or [])):
        warn(
            f"cjm_curve_palette: {palette!r} names colours matplotlib does not know; the default is used",
            "option",
            node,
        )
        config.cjm_curve_palette = None  # the curves written next use the default without a new warning
        return None
    return palette


def valid_size(size: Any) -> bool:
    return (
        isinstance(size, list | tuple)
        and len(size) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and 1.5 <= v <= 50 for v in size)
    )
