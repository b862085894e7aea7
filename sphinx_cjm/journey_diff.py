"""``.. journey-diff:: ID`` with ``:against: old-cjm.json``: a journey against an earlier export.

The directive reads the old export when the page is read (the file is a dependency of
the page) and keeps that journey's part of it; once the project is read, a
post-transform compares it with the journey as it is now (:mod:`sphinx_cjm.diff`) and
renders a ``cjm-journey-diff`` block: one emotion-curve figure with the journey
before and after, and a table of the changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform

from . import curve_data, diff, model
from .directives import CJMDirective, xref
from .domain import KINDS, CJMDomain, cjm_domain, warn
from .export import export_data
from .figure import describe, emotion_curve, plotted_targets
from .held import held
from .i18n import Labels, _, project_labels
from .nodes import journey_diff
from .numbers import format_number

#: The words of the table of changes, translated (see :data:`sphinx_cjm.diff.WORDS`).
DIFF_WORDS = {
    "journey": _("journey"),
    "stage": _("stage"),
    "touchpoint": _("touchpoint"),
    "barrier": _("barrier"),
    "metric": _("metric"),
    "recommendation": _("recommendation"),
    "added": _("added"),
    "removed": _("removed"),
    "retitled": _("retitled"),
    "emotion": _("emotion"),
    "opened": _("opened"),
    "closed": _("closed"),
    "plan": _("plan"),
    "fact": _("fact"),
    "status": _("status"),
    "no-changes": _("No changes in the journey maps."),
    "change": _("Change"),
    "object": _("Object"),
    "before": _("before"),
    "after": _("after"),
}


class JourneyDiffDirective(CJMDirective):
    kind = "journey-diff"
    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"against": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        journey_id = self.arguments[0].strip()
        against = self.options.get("against", "").strip()
        old = self.read_old_export(against)
        if old is None:
            return []
        node = journey_diff(journey=journey_id, old=journey_part(old, journey_id), against=against)
        self.set_source_info(node)
        self.domain.note_use(self.env.docname, "journey", journey_id)
        # The journey's digest holds its recommendations' titles only; the diff shows their status, owner...
        self.domain.note_use(self.env.docname, "journey-recommendations", journey_id)
        return [node]

    def read_old_export(self, against: str) -> dict[str, Any] | None:
        """The ``:against:`` export, a file inside the source directory; None (with a warning) when unusable."""
        srcdir = Path(self.env.srcdir).resolve()
        path = Path(self.env.relfn2path(against, self.env.docname)[1]).resolve() if against else None
        if path is None or not path.is_relative_to(srcdir):
            problem = f":against: {against!r} must name a cjm.json file inside the source directory"
            self.warn([model.Problem("file", problem)])
            return None
        self.env.note_dependency(path)
        try:
            return diff.load(path)
        except diff.BadExport as error:
            self.warn([model.Problem("file", f":against: {str(error).replace(str(path), against)}")])
            return None


def journey_part(data: dict[str, Any], journey_id: str) -> dict[str, Any]:
    """What of an export concerns one journey: it, and the recommendations for it."""
    return {
        "journeys": [j for j in data["journeys"] if j["id"] == journey_id],
        "recommendations": [r for r in data.get("recommendations") or [] if r.get("journey") == journey_id],
    }


class ResolveJourneyDiffs(SphinxPostTransform):
    """Compare each ``journey-diff``'s old export with the journey as it is now."""

    # Before ReferencesResolver (10), so the links made here are resolved too.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = cjm_domain(self.env)
        # The page's language: the words of the table and the legend.
        labels = project_labels(self.env)
        for node in held(self.document, journey_diff):
            journey_id = node["journey"]
            if domain.get("journey", journey_id) is None:
                warn(f"journey-diff: unknown journey id {journey_id!r}", "ref", node)
                node.replace_self([])
                continue
            new = journey_part(export_data(domain), journey_id)
            changes = diff.compare(node["old"], new, journey_id)
            block = nodes.container(classes=["cjm-journey-diff"])
            block += self.curve(node, new, domain, labels)
            block += self.table(changes, labels)
            node.replace_self(block)

    def curve(self, node: journey_diff, new: dict[str, Any], domain: CJMDomain, labels: Labels) -> list[nodes.Node]:
        """One figure: the journey before (the old export) and after (now), named so in the legend."""
        sides = [
            (side, data["journeys"][0]) for side, data in (("before", node["old"]), ("after", new)) if data["journeys"]
        ]
        journeys = [diff.assembled_from_export(journey, labels.gettext(DIFF_WORDS[side])) for side, journey in sides]
        if not any(j.stages for j in journeys):
            return []
        plotted = curve_data.plotted_data(journeys)
        current = domain.assembled(node["journey"])
        targets = plotted_targets([current]) if current else {}
        alt = describe(plotted, labels)
        figure = emotion_curve(
            "",
            nodes.paragraph(alt, alt),
            plotted=plotted,
            targets=targets,
            alt=alt,
            title="",
            width="",
            language="",
            classes=["cjm-emotion-curve"],
        )
        figure.source, figure.line = node.source, node.line
        return [figure]

    def table(self, changes: list[diff.Change], labels: Labels) -> list[nodes.Node]:
        if not changes:
            return [paragraph(labels.gettext(DIFF_WORDS["no-changes"]))]
        words = {key: labels.gettext(value) for key, value in DIFF_WORDS.items()}
        language = labels.language
        table = nodes.table(classes=["cjm-journey-diff-table"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (18, 40, 21, 21):
            group += nodes.colspec(colwidth=width)
        header = [words["change"], words["object"], words["before"].capitalize(), words["after"].capitalize()]
        group += nodes.thead("", row(*(paragraph(text) for text in header)))
        body = nodes.tbody()
        for change in changes:
            before, after = diff.before_after(
                diff.with_status_labels(change, labels.status), lambda value: format_number(value, language)
            )
            body += row(paragraph(diff.what(change, words)), subject(change), paragraph(before), paragraph(after))
        group += body
        return [table]


def paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph(text, text)


def row(*cells: nodes.Node) -> nodes.row:
    return nodes.row("", *(nodes.entry("", cell) for cell in cells))


def subject(change: diff.Change) -> nodes.paragraph:
    """The changed object, linked when it exists now (a removed one stays plain text)."""
    if change.where:
        return paragraph(f"{change.title} ({change.where})")
    if change.kind in KINDS and change.action != "removed":
        return nodes.paragraph("", "", xref(change.kind, change.id, change.title, warn_dangling=False))
    return paragraph(change.title)
