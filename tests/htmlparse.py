"""Reading built HTML pages the way a reader sees them: ids, links and journey tables."""

from __future__ import annotations

import html.parser
from pathlib import Path

from tablesparse import Tables


class Page(html.parser.HTMLParser):
    """Ids, links (href, text), and each ``cjm-journey-table``'s cell texts and cell links (lanes only)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self._href: list[str] | None = None
        self.feed(text)
        # The curve's row (cjm-curve-row) is drawn on the table's grid; it is not a lane.
        tables = [
            [row for row in table if "cjm-curve-row" not in row.classes]
            for table in Tables(text, "cjm-journey-table").tables
        ]
        self.tables = [[row.cells for row in table] for table in tables]
        self.cell_links = [[row.links for row in table] for table in tables]

    @classmethod
    def read(cls, path: Path) -> Page:
        return cls(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if tag == "a" and attributes.get("href"):
            self._href = [attributes["href"] or "", ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.links.append((self._href[0], " ".join(self._href[1].split())))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href:
            self._href[1] += data

    def link_text(self, text: str) -> str | None:
        """The href of the first link whose text is ``text``."""
        return next((href for href, shown in self.links if shown == text), None)


def table_rows(table: list[list[str]]) -> dict[str, list[str]]:
    """Lane label -> the cells of its row (without the label)."""
    return {row[0]: row[1:] for row in table[1:]}
