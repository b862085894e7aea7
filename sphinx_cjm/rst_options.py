"""reStructuredText parsing of what is nested in a journey, with cheaper directive options.

docutils parses every directive's option block with a nested state machine of its own,
built anew for each block (it keeps nested parsers for content only): a page of 49 stages
and touchpoints spent a quarter of sphinx_cjm's cost there. The bodies of the cjm
directives are parsed with the states below, which read an option block of plain
``:name: value`` fields (a value may go on over indented lines) directly, as docutils
would, and hand any other block (a name with markup, an escape, an unknown or duplicated
option, a value its converter refuses) to docutils, which parses and reports it as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from docutils import utils
from docutils.parsers.rst import states

#: A field whose name docutils reads as it is written: plain words joined by hyphens (no
#: markup to parse), then nothing or spaces and the value's first line.
PLAIN_OPTION = re.compile(r":([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*):(?: +(.*))?")


def plain_options(lines: list[str]) -> list[tuple[str, str | None]] | None:
    """The ``(name, value)`` pairs of an option block of plain names, as docutils reads them; else None.

    A value goes on over the lines indented below its name: one text, a line each, without
    the indentation those lines have in common (docutils' ``get_indented`` and ``ExtensionOptions``).
    """
    if any("\x00" in line for line in lines):  # docutils' escape mark: let docutils read it
        return None
    fields: list[tuple[str, str, list[str]]] = []
    for line in lines:
        if line.startswith(" ") and fields:
            fields[-1][2].append(line)
            continue
        match = PLAIN_OPTION.fullmatch(line)
        if match is None:
            return None
        fields.append((match[1].lower(), match[2] or "", []))
    return [(name, joined(first, below)) for name, first, below in fields]


def joined(first: str, below: list[str]) -> str | None:
    indent = min(len(line) - len(line.lstrip()) for line in below) if below else 0
    return "\n".join([first] * bool(first) + [line[indent:] for line in below]) or None


class FastOptions(states.Body):
    """Reads plain option blocks directly; nested parses keep using these states."""

    def __init__(self, state_machine: Any, debug: bool = False) -> None:
        super().__init__(state_machine, debug)
        self.nested_sm_kwargs = NESTED_SM_KWARGS

    def parse_extension_options(
        self, option_spec: dict[str, Callable[[str | None], Any]], datalines: Any
    ) -> tuple[int, Any]:
        option_list = plain_options(list(datalines))
        if option_list is not None:  # (None is the value of an empty option, in docutils too)
            try:
                return 1, utils.assemble_option_dict(option_list, option_spec)  # type: ignore[arg-type]
            except (KeyError, ValueError, TypeError, utils.ExtensionOptionError):
                pass  # docutils words the error
        return super().parse_extension_options(option_spec, datalines)


# docutils finds states by class name, so these keep the names of the states they extend:
# ``Body`` reads a directive, ``Explicit`` each directive after it with no text between.
class Body(FastOptions):
    pass


class Explicit(FastOptions, states.Explicit):
    pass


STATE_CLASSES = tuple({"Body": Body, "Explicit": Explicit}.get(s.__name__, s) for s in states.state_classes)
NESTED_SM_KWARGS = {"state_classes": STATE_CLASSES, "initial_state": "Body"}


def nested_parse_kwargs(state: Any) -> dict[str, Any]:
    """``nested_parse`` arguments that parse a cjm directive's body with :data:`STATE_CLASSES`.

    Empty where the body is not reStructuredText parsed by docutils (MyST) or where those
    states are already in force (their nested parses then reuse docutils' cached parsers).
    """
    if not isinstance(state, states.RSTState) or isinstance(state, FastOptions):
        return {}
    return {"state_machine_kwargs": NESTED_SM_KWARGS}
