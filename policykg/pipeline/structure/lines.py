"""The lines of a document: each paragraph or table row, with what surrounds it.

The first thing structure reads; :mod:`.flat` finds tables in the stream and
:mod:`.outline` builds the tree from what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.records import SourceDocument
from policykg.text.textview import TextView


@dataclass
class Line:
    """One line of text (stripped), and what surrounds it; ``cells`` for a table row
    (``table`` numbers the real table it belongs to, -1 for rows found in plain text)."""

    view: TextView
    blank_before: bool = False
    tab: bool = False
    cells: list[TextView] | None = None
    table: int = -1


#: a page number printed on a line of its own: — 3 —, - 12 -, 第3页
_PAGE_NUMBER = re.compile(r"[—\-－–][—\-－–\s]*\d{1,3}\s*[—\-－–][—\-－–\s]*|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?")


def read_lines(doc: SourceDocument) -> list[Line]:
    """One :class:`Line` per block: a paragraph, or a table row with its cells (a line whose
    cells are separated by ``|`` is a row too; so is a run of lines that each end in ``|``,
    one cell per line, between lines of bare pipes)."""
    lines: list[Line] = []
    prev_end = 0
    for b in doc.blocks:
        gap = doc.text[prev_end : b.start]
        prev_end = b.end
        blank = gap.count("\n") >= 2
        view = TextView.of(doc.text, b.start, b.end)
        if b.kind == "row":
            cells = [TextView.of(doc.text, s, e).strip() for s, e in b.cells]
            lines.append(Line(view.strip(), blank, True, cells, b.table))
            continue
        stripped = view.strip()
        if _PAGE_NUMBER.fullmatch(stripped.text):
            continue  # — 3 — : a page number printed between the lines
        if stripped.text.count("|") + stripped.text.count("｜") >= 2:
            # cells separated by |
            bounds = [-1] + [k for k, ch in enumerate(stripped.text) if ch in "|｜"] + [len(stripped)]
            cells = [stripped.sub(a + 1, b).strip() for a, b in zip(bounds, bounds[1:])]
            cells = cells[1:] if cells and not cells[0].text else cells
            cells = cells[:-1] if cells and not cells[-1].text else cells
            if sum(1 for c in cells if c.text) >= 2:
                lines.append(Line(stripped, blank, False, cells, -1))
                continue
        lines.append(Line(stripped, blank, doc.text[b.start : b.start + 1] == "\t"))
    return _pipe_cells(lines, doc)


#: a line of bare pipes (the end of a row), and one cell on a line of its own ending in a pipe
_BARE_PIPES = re.compile(r"[|｜][|｜\s]*")
_PIPE_CELL = re.compile(r"[|｜]?\s*([^|｜]*?)\s*[|｜]")
#: fewest such lines that make a table
_MIN_PIPE_RUN = 6


def _pipe_cells(lines: list[Line], doc: SourceDocument) -> list[Line]:
    """Undo a table printed one cell per line, each cell closed by ``|`` (``投资促进局 |``):
    between lines of bare pipes (``||``) the cells are one row; with no such lines each cell
    becomes a line of its own, for :mod:`.flat` to read as a table printed one cell per line."""
    def kind(ln: Line) -> str:
        text = ln.view.text
        if ln.tab or ln.cells is not None:
            return ""
        if _BARE_PIPES.fullmatch(text):
            return "bar"
        return "cell" if _PIPE_CELL.fullmatch(text) else ""

    kinds = [kind(ln) for ln in lines]
    out: list[Line] = []

    def end_row(row: list[TextView]) -> None:
        if row:
            out.append(Line(TextView.of(doc.text, row[0].source_start, row[-1].source_end), False, False, row, -1))

    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and kinds[j]:
            j += 1
        if j - i < _MIN_PIPE_RUN or kinds[i:j].count("cell") < 3:
            j = max(j, i + 1)
            out.extend(lines[i:j])  # no such table here
            i = j
            continue
        bars = "bar" in kinds[i:j]
        row: list[TextView] = []
        for ln, k in zip(lines[i:j], kinds[i:j]):
            if k == "bar":
                end_row(row)
                row = []
                continue
            m = _PIPE_CELL.fullmatch(ln.view.text)
            assert m is not None
            cell = ln.view.sub(m.start(1), m.end(1))
            if bars:
                row.append(cell)
            else:
                out.append(Line(cell, ln.blank_before))
        end_row(row)
        i = j
    return out
