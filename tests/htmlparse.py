"""Reading built HTML pages the way a reader sees them: tables, links, ids."""

from __future__ import annotations

import html.parser
from pathlib import Path


class Page(html.parser.HTMLParser):
    """Ids, links (href, text) and the cells of every ``cjm-journey-table``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self.tables: list[list[list[str]]] = []
        self.cell_links: list[list[list[list[str]]]] = []
        self._table: list[list[str]] | None = None
        self._table_links: list[list[list[str]]] | None = None
        self._row: list[str] | None = None
        self._row_links: list[list[str]] | None = None
        self._cell: str | None = None
        self._href: list[str] | None = None
        self.feed(text)

    @classmethod
    def read(cls, path: Path) -> Page:
        return cls(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if tag == "a" and attributes.get("href"):
            self._href = [attributes["href"] or "", ""]
            if self._row_links is not None and self._cell is not None:
                self._row_links[-1].append(attributes["href"] or "")
        if tag == "table" and "cjm-journey-table" in (attributes.get("class") or "").split():
            self._table, self._table_links = [], []
        elif tag == "tr" and self._table is not None:
            self._row, self._row_links = [], []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
            self._row_links.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.links.append((self._href[0], " ".join(self._href[1].split())))
            self._href = None
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.replace("¶", "").split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._table_links.append(self._row_links)
            self._row = self._row_links = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self.cell_links.append(self._table_links)
            self._table = self._table_links = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data
        if self._href:
            self._href[1] += data

    def link_text(self, text: str) -> str | None:
        """The href of the first link whose text is ``text``."""
        return next((href for href, shown in self.links if shown == text), None)


def table_rows(table: list[list[str]]) -> dict[str, list[str]]:
    """Lane label -> the cells of its row (without the label)."""
    return {row[0]: row[1:] for row in table[1:]}
