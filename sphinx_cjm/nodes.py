"""Placeholder nodes, replaced once every document has been read."""

from __future__ import annotations

from docutils import nodes


class journey_table(nodes.General, nodes.Element):
    """Where a journey's table goes; ``journey`` holds its id."""


class persona_journeys(nodes.General, nodes.Element):
    """Where a persona card lists the journeys drawn for it; ``persona`` holds its id."""


class emotion_curve_placeholder(nodes.General, nodes.Element):
    """Where an emotion curve goes; ``journeys`` holds the ids, ``title``, ``width``, ``alt`` the options."""


class evidence_links(nodes.General, nodes.Element):
    """Where a touchpoint's or stage's description lists the evidence supporting it; ``target`` holds its id."""


class metric_values(nodes.General, nodes.Element):
    """Where a metric's description shows its plan, fact and verdict; ``metric`` holds its id, ``nested``
    whether it stands in its stage (else the stage is named)."""
