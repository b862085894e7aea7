"""The KPIs and conversion rows of the journey table.

A stage's ``metric`` objects and its ``Name: plan / fact`` text items show plan and
fact, with a mark: class ``cjm-kpi-met`` or ``cjm-kpi-below`` on the item, and a
symbol and a word in it, so the verdict shows in print and plain text as well, not
by colour alone. Numbers are written in the journey's language with Babel.
"""

from __future__ import annotations

from babel.numbers import format_percent
from docutils import nodes

from . import model
from .directives import xref
from .i18n import Labels
from .numbers import babel_locale, format_number

#: The verdict's symbol, beside its word.
MARKS = {"met": "\u2713", "below": "\u2717"}


def format_share(share: float, language: str | None) -> str:
    """A share of 0..1 as a percentage in the language's style, to a tenth of a per cent."""
    return format_percent(round(share, 3), locale=babel_locale(language), decimal_quantization=False)


def format_measure(text: str, language: str | None, better: str = "") -> str:
    """A plan or fact with its numbers in ``language``; a single-number plan with ``better`` gets ``≥``/``≤``.

    Text that is not a measure stays as written.
    """
    measure = model.parse_measure(text)
    if measure is None:
        return text.strip()
    numbers = format_number(measure.low, language)
    if measure.is_range:
        numbers += "\u2013" + format_number(measure.high, language)
    direction = measure.better or (better if not measure.is_range else "")
    prefix = {"higher": "\u2265\u00a0", "lower": "\u2264\u00a0"}.get(direction, "")
    unit = ("\u00a0" if measure.spaced else "") + measure.unit if measure.unit else ""
    return prefix + numbers + unit


def value_paragraph(
    name: list[nodes.Node], plan: str, fact: str, status: str, classes: list[str], labels: Labels
) -> nodes.paragraph:
    """``name: plan X / fact Y ✓ plan met``; the item's class tells the verdict."""
    paragraph = nodes.paragraph("", "", *name, classes=["cjm-kpi", *classes, f"cjm-kpi-{status}"])
    paragraph += nodes.Text(": ")
    plan_text = f"{labels.register('plan')} {plan}"
    paragraph += nodes.inline(plan_text, plan_text, classes=["cjm-kpi-plan"])
    if fact:
        fact_text = f"{labels.register('fact')} {fact}"
        paragraph += [nodes.Text(" / "), nodes.inline(fact_text, fact_text, classes=["cjm-kpi-fact"])]
    if status in MARKS:
        mark = f"{MARKS[status]}\u00a0{labels.register('plan-met' if status == 'met' else 'below-plan')}"
        paragraph += [nodes.Text(" "), nodes.strong(mark, mark, classes=["cjm-kpi-mark"])]
    return paragraph


def kpi_paragraph(item: str, labels: Labels) -> nodes.paragraph:
    value = model.parse_kpi(item)[0]
    if value is None:
        return nodes.paragraph(item, item)
    return value_paragraph(
        [nodes.Text(value.name)],
        format_measure(value.plan, labels.language),
        format_measure(value.fact, labels.language),
        value.status,
        [],
        labels,
    )


def metric_paragraph(metric: model.Metric, labels: Labels) -> nodes.paragraph:
    """A metric in its stage's cell: its title links to its description."""
    return value_paragraph(
        [xref("metric", metric.id, metric.title)],
        format_measure(metric.plan, labels.language, metric.better),
        format_measure(metric.fact, labels.language),
        model.metric_status(metric),
        ["cjm-metric"],
        labels,
    )


def kpi_cell_body(stage: model.AssembledStage, labels: Labels) -> list[nodes.Element]:
    """One paragraph per KPI item and metric of the stage; a list when there are several."""
    paragraphs: list[nodes.Element] = [kpi_paragraph(item, labels) for item in stage.lane_items("kpis")]
    paragraphs += [metric_paragraph(metric, labels) for metric in stage.metrics]
    if len(paragraphs) <= 1:
        return paragraphs
    return [nodes.bullet_list("", *(nodes.list_item("", p) for p in paragraphs))]


def conversion_cell_body(conversion: model.Conversion, labels: Labels) -> list[nodes.Element]:
    """The stage's reach, its share of the previous stage's and of the first's."""
    if conversion.reach is None:
        return []
    language = labels.language
    lines = [(labels.register("reach") % format_number(conversion.reach, language), "cjm-reach")]
    if conversion.of_previous is not None:
        share = format_share(conversion.of_previous, language)
        lines.append((labels.register("of-previous") % share, "cjm-conversion-previous"))
    if conversion.of_first is not None and conversion.of_previous is not None:
        share = format_share(conversion.of_first, language)
        lines.append((labels.register("of-first") % share, "cjm-conversion-first"))
    return [nodes.paragraph(text, text, classes=[cls]) for text, cls in lines]
