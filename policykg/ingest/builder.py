"""Assemble one normalised text from paragraphs and table rows, recording blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Block

_WS_RUN = re.compile(r"[ \t\r\f\v]+")


def tidy(text: str) -> str:
    """Collapse runs of spaces and tabs inside a cell or paragraph; keep line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS_RUN.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


class TextBuilder:
    """Append paragraphs (one per line) and rows (cells joined by tabs)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.blocks: list[Block] = []

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

    def row(self, cells: Sequence[str], table: int) -> None:
        cells = [tidy(c) for c in cells]
        if not any(cells):
            return
        spans = []
        row_start = self._len
        for i, cell in enumerate(cells):
            if i:
                self._append("\t")
            start = self._append(cell)
            spans.append((start, start + len(cell)))
        self._append("\n")
        self.blocks.append(Block("row", row_start, self._len - 1, tuple(spans), table))

    @property
    def text(self) -> str:
        return "".join(self._parts)
