"""Assemble one normalised text from paragraphs and table rows, recording blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from policykg.records import Block

_WS_RUN = re.compile(r"[ \t\r\f\v]+")


def tidy(text: str) -> str:
    """Collapse runs of spaces and tabs inside a cell or paragraph; keep line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS_RUN.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


#: a table cell merged with the one above it (rowspan, vertical merge): it shares that cell's text
MERGED_ABOVE = object()


class TextBuilder:
    """Append paragraphs (one per line) and rows (cells joined by tabs).

    A cell given as :data:`MERGED_ABOVE` is not written again: its span is the
    span of the cell above, so every row of a merged cell reads the same source text.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.blocks: list[Block] = []
        self._above: dict[int, list[tuple[int, int]]] = {}

    def _append(self, s: str) -> int:
        start = self._len
        self._parts.append(s)
        self._len += len(s)
        return start

    def paragraph(self, text: str) -> None:
        text = tidy(text)
        if not text:
            return
        for line in text.split("\n"):
            if not line.strip():
                self._append("\n")
                continue
            start = self._append(line)
            self._append("\n")
            self.blocks.append(Block("paragraph", start, start + len(line)))

    def blank(self) -> None:
        self._append("\n")

    def row(self, cells: Sequence[object], table: int) -> None:
        above = self._above.get(table, [])
        texts = ["" if c is MERGED_ABOVE else tidy(str(c)) for c in cells]
        if not any(texts) and not any(c is MERGED_ABOVE for c in cells):
            return
        spans = []
        row_start = self._len
        for i, (cell, text) in enumerate(zip(cells, texts)):
            if i:
                self._append("\t")
            if cell is MERGED_ABOVE and i < len(above):
                spans.append(above[i])
                continue
            start = self._append(text)
            spans.append((start, start + len(text)))
        self._append("\n")
        self._above[table] = spans
        self.blocks.append(Block("row", row_start, self._len - 1, tuple(spans), table))

    @property
    def text(self) -> str:
        return "".join(self._parts)
