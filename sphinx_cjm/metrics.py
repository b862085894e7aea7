"""The ``metric`` directive, its description's plan and fact, and facts read from files.

A metric's fact may come from a ``cjm_metric_facts`` file read after every page
(``env-get-updated``, main process): the domain keeps the facts, and a page showing
a metric whose fact changed is rewritten through the domain's digests, while the
pages that show none of them are left alone. So its description is a placeholder,
filled once the facts are known.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

from . import facts, model
from .directives import STAGE_CONTEXT, CJMDirective, field, xref
from .domain import CJMDomain, warn
from .held import held
from .i18n import FIELD_LABELS, REGISTER_LABELS, project_labels
from .kpis import MARKS, format_measure
from .nodes import metric_values


class MetricDirective(CJMDirective):
    """``.. metric:: Title``: a planned and measured value of a stage."""

    kind = "metric"
    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "id": directives.unchanged,
        "stage": directives.unchanged,
        "plan": directives.unchanged,
        "fact": directives.unchanged,
        "better": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0].strip()
        stage_id = self.options.get("stage", "").strip() or self.env.ref_context.get(STAGE_CONTEXT, "")
        plan, fact = (" ".join(self.options.get(name, "").split()) for name in ("plan", "fact"))
        better = self.options.get("better", "").strip().lower()
        self.warn(model.check_metric_values(plan, fact, better))
        metric = model.Metric(
            id=self.object_id(title, stage_id),
            title=title,
            stage=stage_id,
            plan=plan,
            fact=fact,
            better=model.metric_better(better, plan),
            nested_index=self.nested_position(STAGE_CONTEXT, stage_id),
            origin=self.origin(),
        )
        box = self.container(metric, title)
        if stage_id:
            self.domain.add("metric", metric)
            nested = self.env.ref_context.get(STAGE_CONTEXT) == stage_id
            box += metric_values(metric=metric.id, nested=nested)
            self.domain.note_use(self.env.docname, "metric", metric.id)
        else:
            self.warn(
                [
                    model.Problem(
                        "option",
                        f"{metric.id!r} is not inside a stage and has no :stage: option; it is left out of every map",
                    )
                ]
            )
        box += self.parse_body()
        return [box]


def text_paragraph(text: str, classes: list[str] | None = None) -> nodes.paragraph:
    return nodes.paragraph(text, text, classes=classes or [])


def metric_fields(metric: model.Metric, nested: bool, language: str | None) -> nodes.field_list:
    """Stage (when written outside it), plan, fact with its file and date, which way is better, the verdict."""
    fields = nodes.field_list(classes=["cjm-metric-values"])
    if not nested:
        stage_link = xref("stage", metric.stage, warn_dangling=False)  # the domain reports an unknown stage
        fields += field(str(FIELD_LABELS["stage"]), nodes.paragraph("", "", stage_link))
    if metric.plan:
        fields += field(str(FIELD_LABELS["plan"]), text_paragraph(format_measure(metric.plan, language, metric.better)))
    if metric.fact:
        fact = format_measure(metric.fact, language)
        if metric.fact_source:
            fact += f" ({metric.fact_source}, {metric.fact_date})" if metric.fact_date else f" ({metric.fact_source})"
        fields += field(str(FIELD_LABELS["fact"]), text_paragraph(fact))
    fields += field(str(FIELD_LABELS["better"]), text_paragraph(str(REGISTER_LABELS[metric.better])))
    status = model.metric_status(metric)
    verdict = str(REGISTER_LABELS[{"met": "plan-met", "below": "below-plan"}.get(status, "unknown")])
    if status in MARKS:
        verdict = f"{MARKS[status]}\u00a0{verdict}"
    fields += field(str(FIELD_LABELS["status"]), text_paragraph(verdict, ["cjm-kpi", f"cjm-kpi-{status}"]))
    return fields


class ResolveMetricValues(SphinxPostTransform):
    """Fill each metric description with its plan and its fact, which a facts file may give."""

    # Before ReferencesResolver (10), so the stage link made here is resolved too.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain: CJMDomain = self.env.get_domain("cjm")  # type: ignore[assignment]
        for node in held(self.document, metric_values):
            metric = domain.metric(node["metric"])
            node.replace_self(metric_fields(metric, node["nested"], self.config.language) if metric else [])


def facts_source_lines(journey: model.AssembledJourney, domain: CJMDomain) -> list[nodes.paragraph]:
    """Under a table: which file each fact shown comes from, and the newest date in that file."""
    lines = []
    for source, date in facts.sources_of(journey, domain.data["facts"]):
        labels = project_labels(domain.env, journey.journey.language)
        text = labels.register("facts-source") % {"file": source, "date": date or "\u2014"}
        lines.append(text_paragraph(text, ["cjm-facts-source"]))
    return lines


# --- facts files -------------------------------------------------------------------------------


def load_metric_facts(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Read ``cjm_metric_facts`` after the pages (``env-get-updated``); the domain finds the pages to rewrite.

    Problems are reported on every build, at the file's line: the file is read every
    time, like a page that is always outdated, but only its effect on pages is written.
    """
    domain: CJMDomain = env.get_domain("cjm")  # type: ignore[assignment]
    setting = app.config.cjm_metric_facts
    names = [setting] if isinstance(setting, str) else list(setting or [])
    srcdir = Path(env.srcdir).resolve()
    known = domain.objects("metric") if names else {}
    loaded = []
    for name in names:
        path = (srcdir / str(name).lstrip("/")).resolve()
        if not path.is_relative_to(srcdir):
            warn(
                f"cjm_metric_facts: {name!r} must name a file inside the source directory; it is not read", "file", None
            )
            continue
        if not path.is_file():
            warn(f"cjm_metric_facts: {name!r} not found", "file", None)
            continue
        result = facts.read(path, app.config.cjm_file_max_bytes)
        for problem in result.problems:
            warn(f"metric facts: {problem.message}", problem.subtype, f"{path}:{problem.line or 1}")
        for metric_id, fact in sorted(result.facts.items()):
            if metric_id not in known:
                warn(f"metric facts: unknown metric id {metric_id!r}", "ref", f"{path}:{fact.line}")
                del result.facts[metric_id]
        warn_if_stale(app, path, result)
        loaded.append((path.relative_to(srcdir).as_posix(), result))
    domain.set_facts(facts.merged(loaded))
    return []


def warn_if_stale(app: Sphinx, path: Path, result: facts.FactsFile) -> None:
    """Only this warning depends on today's date: what pages show depends on the files alone."""
    max_age = app.config.cjm_metric_facts_max_age
    if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 0):
        warn(
            f"cjm_metric_facts_max_age: {max_age!r} is not a whole number of days; facts are not checked",
            "option",
            None,
        )
        return
    age = facts.stale(result.newest, max_age, datetime.date.today())
    if age is not None:
        line = max((f for f in result.facts.values() if f.date == result.newest), key=lambda f: f.line).line
        warn(
            f"metric facts: the newest fact is from {result.newest}, {age} days ago "
            f"(cjm_metric_facts_max_age is {max_age})",
            "stale",
            f"{path}:{line}",
        )
