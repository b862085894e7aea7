"""Reference tables generated from sphinx_cjm itself, so the docs cannot drift from the code.

``.. cjm-directive:: NAME`` renders the options of the ``cjm:NAME`` directive, read from
its ``option_spec``; ``.. cjm-config::`` renders every ``cjm_*`` config value with its
default, read from ``app.config.values``; ``.. cjm-roles::`` renders the domain's roles.
Each takes a field list as content: one description per option, value or role. A
missing description, or one for something the code does not have, is a warning (so
``make docs``, which runs with ``-W``, fails), and so is a directive of the extension
that no page documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.directives.code import container_wrapper
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


def documented(env: Any) -> dict[str, str]:
    """Directive name -> the page documenting it, kept on the environment between builds."""
    if not hasattr(env, "cjm_documented_directives"):
        env.cjm_documented_directives = {}
    return env.cjm_documented_directives


#: How each docutils option converter reads to a user.
CONVERTER_NAMES: dict[Callable[..., Any], str] = {
    directives.flag: "flag (no value)",
    directives.unchanged: "text",
    directives.unchanged_required: "text (required)",
    directives.path: "path",
    directives.positive_int: "positive integer",
    directives.nonnegative_int: "integer ≥ 0",
}


def converter_name(converter: Callable[..., Any]) -> str:
    return CONVERTER_NAMES.get(converter, getattr(converter, "__name__", "text").replace("_", " "))


def describe_default(value: Any) -> str:
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return "[" + ", ".join(repr(v) for v in value) + "]"
    return repr(value)


def literal_cell(text: str) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", nodes.literal(text, text)))


def text_cell(text: str) -> nodes.entry:
    return nodes.entry("", nodes.paragraph(text, text))


def table(headers: list[str], widths: list[int], rows: Iterable[list[nodes.entry]]) -> nodes.table:
    node = nodes.table(classes=["cjm-reference-table"])
    group = nodes.tgroup(cols=len(headers))
    node += group
    group += [nodes.colspec(colwidth=width) for width in widths]
    group += nodes.thead("", nodes.row("", *(text_cell(h) for h in headers)))
    group += nodes.tbody("", *(nodes.row("", *cells) for cells in rows))
    return node


class FieldDescriptions(SphinxDirective):
    """A directive whose content is a field list: name -> description."""

    has_content = True

    def descriptions(self) -> dict[str, nodes.field_body]:
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder)
        found: dict[str, nodes.field_body] = {}
        for field_list in holder.findall(nodes.field_list):
            for field in field_list.children:
                found[field[0].astext().strip()] = field[1]
        return found

    def check(self, what: str, expected: Iterable[str], described: Iterable[str]) -> None:
        expected, described = set(expected), set(described)
        for name in sorted(expected - described):
            logger.warning(
                "%s %r has no description in the docs", what, name, location=self.get_location(), type="cjm-docs"
            )
        for name in sorted(described - expected):
            logger.warning(
                "%s %r is described but the code has none", what, name, location=self.get_location(), type="cjm-docs"
            )


def description_cell(body: nodes.field_body | None) -> nodes.entry:
    return nodes.entry("", *(body.children if body is not None else []))


class DirectiveOptions(FieldDescriptions):
    """``.. cjm-directive:: NAME``: the options of one cjm directive, and its syntax in RST and MyST."""

    required_arguments = 1

    def syntax(self, name: str, option_spec: dict[str, Any], arguments: int, has_content: bool) -> list[nodes.Node]:
        """The directive with every option, written in both markups (generated: it cannot drift from the code)."""
        argument = " ARGUMENT" if arguments else ""
        options = [
            f":{option}:" + ("" if converter_name(spec) == "flag" else " …") for option, spec in option_spec.items()
        ]
        content = ["", "Content."] if has_content else []
        rst = "\n".join([f".. {name}::{argument}", *(f"   {line}" if line else "" for line in [*options, *content])])
        myst = "\n".join([f"```{{{name}}}{argument}", *options, *content, "```"])
        blocks = []
        for text, language, caption in ((rst, "rst", "reStructuredText"), (myst, "markdown", "MyST Markdown")):
            block = nodes.literal_block(text, text, language=language)
            self.set_source_info(block)
            blocks.append(container_wrapper(self, block, caption))
        return blocks

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        directive = self.env.app.registry.domain_directives.get("cjm", {}).get(name)
        if directive is None:
            logger.warning("no cjm directive %r", name, location=self.get_location(), type="cjm-docs")
            return []
        documented(self.env)[name] = self.env.docname
        option_spec = getattr(directive, "option_spec", None) or {}
        described = self.descriptions()
        self.check(f"option of {name}", option_spec, described)
        arguments = getattr(directive, "required_arguments", 0)
        optional = getattr(directive, "optional_arguments", 0)
        summary = f"Arguments: {arguments} required, {optional} optional" + (
            ", the last may contain spaces." if getattr(directive, "final_argument_whitespace", False) else "."
        )
        summary += " Has content." if getattr(directive, "has_content", False) else " No content."
        result: list[nodes.Node] = [nodes.paragraph(summary, summary, classes=["cjm-reference-summary"])]
        result += self.syntax(name, option_spec, arguments + optional, getattr(directive, "has_content", False))
        if option_spec:
            rows = [
                [
                    literal_cell(f":{option}:"),
                    text_cell(converter_name(option_spec[option])),
                    description_cell(described.get(option)),
                ]
                for option in option_spec
            ]
            result.append(table(["Option", "Value", "Meaning"], [18, 14, 50], rows))
        return result


class ConfigValues(FieldDescriptions):
    """``.. cjm-config::``: every ``cjm_*`` config value, with its default."""

    def run(self) -> list[nodes.Node]:
        values = {name: value for name, value in self.config.values.items() if name.startswith("cjm_")}
        described = self.descriptions()
        self.check("config value", values, described)
        rows = []
        for name in sorted(values):
            value = self.config.values[name]
            default = value.default
            rows.append(
                [
                    literal_cell(name),
                    literal_cell(describe_default(default)),
                    text_cell(value.rebuild or "—"),
                    description_cell(described.get(name)),
                ]
            )
        return [table(["Value", "Default", "Change rebuilds", "Meaning"], [20, 22, 10, 40], rows)]


class Roles(FieldDescriptions):
    """``.. cjm-roles::``: the domain's cross-reference roles."""

    def run(self) -> list[nodes.Node]:
        roles = self.env.get_domain("cjm").roles
        described = self.descriptions()
        self.check("role", roles, described)
        rows = [
            [literal_cell(f":{name}:`id`"), literal_cell(f":cjm:{name}:`id`"), description_cell(described.get(name))]
            for name in roles
        ]
        return [table(["Role", "With the domain prefix", "Links to"], [18, 22, 40], rows)]


def check_every_directive_documented(app: Sphinx, env: Any) -> None:
    for name in sorted(set(app.registry.domain_directives.get("cjm", {})) - set(documented(env))):
        logger.warning("directive %r has no cjm-directive reference in the docs", name, type="cjm-docs")


def merge_documented(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    documented(env).update(documented(other))


def forget_documented(app: Sphinx, env: Any, docname: str) -> None:
    pages = documented(env)
    for name in [n for n, doc in pages.items() if doc == docname]:
        del pages[name]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("cjm-directive", DirectiveOptions)
    app.add_directive("cjm-config", ConfigValues)
    app.add_directive("cjm-roles", Roles)
    app.connect("env-purge-doc", forget_documented)
    app.connect("env-merge-info", merge_documented)
    app.connect("env-check-consistency", check_every_directive_documented)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
