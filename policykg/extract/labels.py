"""Role labels: 牵头单位：…, 配合部门：…, （责任单位：…）, 【责任单位：…】 in any bracket or none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..patterns import CLOSE, FIELD_LABEL_RE, LABEL_RE, OPEN, label_of, label_role


@dataclass(frozen=True)
class LabelledList:
    """The text a label governs: ``text[start:end]`` lists units in ``role``."""

    role: str
    label_start: int
    start: int
    end: int


def _list_end(text: str, start: int, limit: int, bracketed: bool) -> int:
    """Where a labelled list stops: its closing bracket, or a sentence end."""
    depth = 0
    for k in range(start, limit):
        ch = text[k]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            if depth == 0:
                return k
            depth -= 1
        elif ch in "。！？!?" and depth == 0 and not bracketed:
            return k
    return limit


def find_labels(text: str, *, cell: bool = False) -> list[LabelledList]:
    """Every labelled list in ``text``.

    In a table cell (``cell=True``) a list runs to the next label or the end of
    the cell; in running text it also stops at the bracket that opened the
    label or at the end of the sentence.

    >>> [(x.role, "|".join(s for s in [__import__("re").sub(r"\\s", "", "牵头部门：县卫健局 配合部门：县医保局"[x.start:x.end])])) for x in find_labels("牵头部门：县卫健局 配合部门：县医保局", cell=True)]
    [('lead', '县卫健局'), ('support', '县医保局')]
    >>> t = "修路。（责任单位：县交通局，各镇人民政府）"
    >>> [(x.role, t[x.start:x.end]) for x in find_labels(t)]
    [('responsible', '县交通局，各镇人民政府')]
    """
    found = list(LABEL_RE.finditer(text))
    # 【牵头单位】X: the label starts at its opening bracket
    starts = {id(m): (m.start() - 1 if m.group("blabel") else m.start()) for m in found}
    stops = sorted([starts[id(m)] for m in found] + [m.start() for m in FIELD_LABEL_RE.finditer(text)])
    out: list[LabelledList] = []
    for m in found:
        limit = next((x for x in stops if x >= m.end()), len(text))
        # an opening bracket right before the label (allowing ** and spaces)
        k = m.start() - 1
        while k >= 0 and text[k] in " *\t":
            k -= 1
        bracketed = k >= 0 and text[k] in OPEN and not m.group("blabel")
        end = limit if (cell or m.group("blabel")) and not bracketed else _list_end(text, m.end(), limit, bracketed)
        if m.group("blabel"):  # 【牵头单位】X: the list runs to the next label, a wide gap or the end of the line
            gap = re.compile(r"\s").search(text, m.end() + 1, end)
            end = gap.start() if gap else end
        out.append(LabelledList(label_role(label_of(m)), starts[id(m)], m.end(), end))
    return out
