"""The option blocks of what is nested in a journey read as docutils reads them.

:mod:`sphinx_cjm.rst_options` reads plain option blocks itself and hands every other block
to docutils. Each example here is one option block, given to a directive once at the top
level (docutils' own states) and once inside a directive whose body the cjm states parse:
both must see the same options, or fail with the same message at the same line.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinx_cjm.rst_options import FastOptions, nested_parse_kwargs


class AnyOption(dict[str, Any]):
    """Every name is an option taking its text as it is, except ``number``, which must be one."""

    def __missing__(self, name: str) -> Any:
        return directives.unchanged


class Probe(Directive):
    """Records the options it gets, and whether the cjm states parsed it."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = AnyOption(number=int, off=None)

    def run(self) -> list[nodes.Node]:
        return [nodes.literal_block("", repr((self.options, isinstance(self.state, FastOptions))))]


class Outer(Directive):
    has_content = True

    def run(self) -> list[nodes.Node]:
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder, **nested_parse_kwargs(self.state))
        return holder.children


SETTINGS = {"report_level": 1, "halt_level": 5, "warning_stream": False}


def seen(text: str) -> list[tuple[Any, ...]]:
    """What the probes record, and docutils' warnings and errors with their lines, in order."""
    # Registered for each parse: a Sphinx build in another test restores docutils' registry.
    directives.register_directive("probe", Probe)
    directives.register_directive("outer", Outer)
    tree = publish_doctree(text, settings_overrides=SETTINGS)
    return [
        (node.astext(),) if isinstance(node, nodes.literal_block) else (node["line"], node.astext().split(" ", 1)[1])
        for node in tree.findall(lambda n: isinstance(n, (nodes.literal_block, nodes.system_message)))
        if not isinstance(node.parent, nodes.system_message) and node.get("level", 2) > 1
    ]


def indented(block: str, by: int) -> str:
    return "\n".join(" " * by + line if line else line for line in block.splitlines())


def compare(block: str) -> None:
    """``block`` read at the top level and inside ``outer`` (whose two lines put it lower)."""
    probe = f".. probe::\n{indented(block, 3)}\n\n   body\n"
    top, nested = seen(probe), seen(f".. outer::\n\n{indented(probe, 3)}\n")
    assert [
        (found[0].replace(", False)", ", True)"),) if len(found) == 1 else (found[0] + 2, found[1]) for found in top
    ] == nested


NAMES = st.sampled_from(["a", "emotion", "no-curve", "Business-Goals", "a_b", "x:y", "`c`", "number", "off", "a b"])
LINE = st.text(st.sampled_from("ab :\\`*_|-−1,é \u00a0"), max_size=12)


@st.composite
def option_blocks(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        lines.append(f":{draw(NAMES)}:{draw(st.sampled_from(['', ' ', '  ']))}{draw(LINE)}".rstrip())
        for _ in range(draw(st.integers(0, 2))):
            lines.append(" " * draw(st.integers(1, 5)) + (draw(LINE).strip() or "x"))
    return "\n".join(lines)


@settings(derandomize=True, database=None, deadline=None, max_examples=300)
@given(option_blocks())
def test_option_blocks_read_as_docutils_reads_them(block: str) -> None:
    compare(block)


def test_plain_blocks_are_read_by_the_cjm_states() -> None:
    compare(":actions: Compares three offers\n          Asks neighbours\n               for advice\n:emotion: -1")
    nested = seen(".. outer::\n\n   .. probe::\n      :a: one\n         two\n      :b:\n\n      body\n")
    assert nested == [("({'a': 'one\\ntwo', 'b': ''}, True)",)]


def test_errors_keep_docutils_words() -> None:
    compare(":number: many")
    compare(":a: 1\n:a: 2")
    compare(":off: 1")
