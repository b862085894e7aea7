"""Placeholder nodes, replaced once every document has been read."""

from __future__ import annotations

from docutils import nodes


class journey_table(nodes.General, nodes.Element):
    """Where a journey's table goes; ``journey`` holds its id."""


class written_journey_table(nodes.General, nodes.Element):
    """A journey's table that the HTML translator makes as it writes the page (:mod:`sphinx_cjm.table_html`).

    ``journey``, ``stages``, ``lanes`` and ``curve`` say which table, ``fromdocname`` the page
    its links start from. Its one text node holds the table's words: the search index reads
    them before the page is translated. ``html``, if set, is the table made ahead by the main
    process (:func:`sphinx_cjm.table_html.make_tables_ahead`).
    """


class persona_journeys(nodes.General, nodes.Element):
    """Where a persona card lists the journeys drawn for it; ``persona`` holds its id."""


class emotion_curve_placeholder(nodes.General, nodes.Element):
    """Where an emotion curve goes; ``journeys`` holds the ids, ``title``, ``width``, ``alt`` the options."""


class evidence_links(nodes.General, nodes.Element):
    """Where a touchpoint's or stage's description lists the evidence supporting it; ``target`` holds its id."""


class metric_values(nodes.General, nodes.Element):
    """Where a metric's description shows its plan, fact and verdict; ``metric`` holds its id, ``nested``
    whether it stands in its stage (else the stage is named)."""


class cjm_description(nodes.General, nodes.Element):
    """An object's title and fields, made into a rubric and field list (or one paragraph) when the page is
    written (:class:`sphinx_cjm.directives.ExpandDescriptions`).

    Every read-time transform of Sphinx and docutils (smart quotes, i18n, references, ...)
    walks the whole page, and the page is pickled between reading and writing: to them a
    description is one node rather than a few dozen. ``kind`` and ``details`` say how it
    renders; ``title`` and each item of ``fields`` (``[label, [item, ...]]``) is a text or
    the index of a child node (a link).
    """


class journey_diff(nodes.General, nodes.Element):
    """Where the diff goes: ``journey`` (its id), ``old`` (the old export's part about it), ``against`` (as written)."""


class full_map_source(nodes.General, nodes.Element):
    """What a journey's own table shows (table, legend, facts), which its full-map page shows too.

    In HTML the page is written from these nodes' HTML as the journey's page is translated
    (:func:`sphinx_cjm.full_map.depart_full_map_source`): the table is made once, and under
    ``-j`` the page is written by the process that writes the journey's page. ``journey`` holds its id.
    """
