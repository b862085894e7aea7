"""The KPIs row of the journey table: ``Name: plan / fact`` items show both values.

A fact below its plan carries the class ``cjm-kpi-below-plan`` and a visible
"below plan" mark, so the shortfall shows in print and plain text as well.
"""

from __future__ import annotations

from docutils import nodes

from . import model
from .i18n import REGISTER_LABELS


def kpi_paragraph(item: str) -> nodes.paragraph:
    value = model.parse_kpi(item)[0]
    if value is None:
        return nodes.paragraph(item, item)
    plan = f"{REGISTER_LABELS['plan']} {value.plan}"
    fact = f"{REGISTER_LABELS['fact']} {value.fact}"
    paragraph = nodes.paragraph(
        "",
        "",
        nodes.Text(f"{value.name}: "),
        nodes.inline(plan, plan, classes=["cjm-kpi-plan"]),
        nodes.Text(" / "),
        nodes.inline(fact, fact, classes=["cjm-kpi-fact"]),
        classes=["cjm-kpi"],
    )
    if value.below_plan:
        mark = f"({REGISTER_LABELS['below-plan']})"
        paragraph += [nodes.Text(" "), nodes.strong(mark, mark, classes=["cjm-kpi-below-plan-mark"])]
        paragraph["classes"].append("cjm-kpi-below-plan")
    return paragraph


def kpi_cell_body(items: list[str]) -> list[nodes.Element]:
    """One paragraph per KPI; a list when there are several."""
    paragraphs = [kpi_paragraph(item) for item in items]
    if len(paragraphs) == 1:
        return paragraphs
    return [nodes.bullet_list("", *(nodes.list_item("", p) for p in paragraphs))]
