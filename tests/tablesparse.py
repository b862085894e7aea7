"""Tables of a built HTML page by class: each row's classes, cell texts, cell links and spans."""

from __future__ import annotations

import html.parser
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Row:
    classes: list[str]
    cells: list[str] = field(default_factory=list)
    links: list[list[str]] = field(default_factory=list)
    #: (rowspan, colspan) of each cell
    spans: list[tuple[int, int]] = field(default_factory=list)
    header: bool = False


class Tables(html.parser.HTMLParser):
    """Every ``<table>`` whose class list holds ``table_class``, in page order."""

    def __init__(self, text: str, table_class: str) -> None:
        super().__init__()
        self.table_class = table_class
        self.tables: list[list[Row]] = []
        self._table: list[Row] | None = None
        self._cell: str | None = None
        self._in_head = False
        self.feed(text)

    @classmethod
    def read(cls, path: Path, table_class: str) -> list[list[Row]]:
        return cls(path.read_text(encoding="utf-8"), table_class).tables

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and self.table_class in classes:
            self._table = []
        elif self._table is None:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._table.append(Row(classes, header=self._in_head))
        elif tag in ("td", "th"):
            self._cell = ""
            row = self._table[-1]
            row.links.append([])
            row.spans.append((int(a.get("rowspan") or 1), int(a.get("colspan") or 1)))
        elif tag == "a" and self._cell is not None and a.get("href"):
            self._table[-1].links[-1].append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag in ("td", "th") and self._cell is not None:
            self._table[-1].cells.append(" ".join(self._cell.replace("¶", "").split()))
            self._cell = None
        elif tag == "table":
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data
