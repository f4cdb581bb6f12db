"""Task tables from any flattening: column roles from header words, rows back together.

A task table is recognised by its header cells (序号, 工作任务, 牵头单位, 责任领导 …),
never by position. The layouts that reach this module:

* real tables (HTML, docx, PDF) and tab-separated lines: rows of cells;
* a table flattened one cell per line, each cell starting with a tab;
* a table flattened one cell per line with no tab, where header words may be split
  over two lines (``责任`` / ``领导``) and merged cells are printed once: rows are cut at
  the 序号 cells and each cell is placed in its column by what it holds (a unit list,
  a person's name, a figure, a sentence), see :func:`align_cells`;
* one row per line with cells separated by spaces (``序号 类别 主要任务 牵头单位 …``),
  placed the same way;
* cells separated by ``|``.

Column roles come from :func:`policykg.lexicon.header_role`: lead / support / units
(responsible), person (责任领导 …: stored as persons, never as units), assessor
(评分部门 …: stored as assessors, not as doers), number, title, group, content,
year, progress, target, measure, note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..lexicon import FIRST_LEADS_RE, HEADER_WORD_RE, header_role
from ..patterns import ANNEX_RE, YEAR_RE, number_level
from ..records import TaskDraft
from ..textview import TextView

if TYPE_CHECKING:
    from ..records import SourceDocument
    from .outline import Line

UNIT_ROLES = ("lead", "support", "units", "assessor")
TEXT_ROLES = ("title", "group", "content", "other", "note", "progress", "target", "year", "")


def is_header_cell(text: str) -> bool:
    """A short cell with a header word and no sentence or label in it (责任单位（排在第一位的为牵头单位） is one)."""
    t = re.sub(r"[（(][^（）()]*[）)]", "", re.sub(r"\s+", "", text))
    return len(t) <= 12 and not re.search(r"[：:。；;，,]", t) and bool(HEADER_WORD_RE.search(t))


def is_header_row(cells: list[str]) -> bool:
    """Two or more cells read like column headers."""
    return sum(1 for c in cells if is_header_cell(c)) >= 2


@dataclass(frozen=True)
class Columns:
    """Roles of a table's columns and, for year columns, the year."""

    roles: tuple[str, ...]
    years: tuple[str | None, ...]
    first_leads: bool = False  # a header says the first unit listed leads

    def __len__(self) -> int:
        return len(self.roles)


def is_sub_header(cells: list[str]) -> bool:
    """A second header row: every filled cell is a year or a column name (牵头单位 | 配合单位)."""
    filled = [re.sub(r"\s+", "", c) for c in cells if c.strip()]
    return bool(filled) and all(header_role(c) not in ("", "other", "number") for c in filled)


def merge_header(rows: list[list[str]]) -> Columns:
    """Column roles from one header row, or two when a label spans sub-columns
    (years under 进度要求, 牵头单位 | 配合单位 under 责任单位).

    >>> merge_header([["序号", "项目名称", "进度要求", "责任单位"], ["", "", "2018年", "2019年", ""]]).roles
    ('number', 'title', 'year', 'year', 'units')
    >>> merge_header([["序号", "措施", "责任单位", "时限"], ["", "", "牵头单位", "配合单位", ""]]).roles
    ('number', 'content', 'lead', 'support', 'progress')
    """
    top = [re.sub(r"\s+", "", c) for c in rows[0]]
    if len(rows) == 1:
        return single_header(top)
    sub = [re.sub(r"\s+", "", c) for c in rows[1]]
    if len(top) < len(sub):
        # a label over several sub-columns was written once: widen it over its run
        runs: list[tuple[int, int]] = []
        j = 0
        while j < len(sub):
            if sub[j]:
                k = j
                while k + 1 < len(sub) and sub[k + 1]:
                    k += 1
                runs.append((j, k))
                j = k + 1
            else:
                j += 1
        for p, q in reversed(runs):
            if q > p and len(top) < len(sub):
                top = top[: p + 1] + [""] * (q - p) + top[p + 1 :]
    width = max(len(top), len(sub))
    top += [""] * (width - len(top))
    sub += [""] * (width - len(sub))
    roles: list[str] = []
    years: list[str | None] = []
    for t, s in zip(top, sub):
        if YEAR_RE.match(s):
            roles.append("year")
            years.append(re.match(r"\d{4}", s).group(0))  # type: ignore[union-attr]
        else:
            roles.append(header_role(s) if s and header_role(s) not in ("", "other") else header_role(t or s))
            years.append(None)
    return Columns(tuple(roles), tuple(years), any(FIRST_LEADS_RE.search(c) for c in top + sub))


def single_header(cells: list[str]) -> Columns:
    roles = []
    years: list[str | None] = []
    for c in cells:
        c = re.sub(r"\s+", "", c)
        r = header_role(c)
        roles.append(r)
        years.append(c[:4] if r == "year" else None)
    return Columns(tuple(roles), tuple(years), any(FIRST_LEADS_RE.search(c) for c in cells))


#: header words split over two lines: a stem, then the noun that completes it
_HEADER_STEMS = ("责任", "牵头", "配合", "协办", "参与", "评分", "考核", "完成", "主要", "重点", "工作", "具体")
_HEADER_NOUNS = ("领导", "科室", "单位", "部门", "人", "时限", "任务", "内容", "措施", "处室")


def merge_fragments(cells: list[str]) -> list[tuple[int, int]]:
    """Group header cells broken over two lines (``责任`` / ``领导``): spans ``(first, last+1)``.

    >>> merge_fragments(["序号", "重点工作", "责任", "领导", "责任", "科室"])
    [(0, 1), (1, 2), (2, 4), (4, 6)]
    """
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(cells):
        a = re.sub(r"\s+", "", cells[k])
        b = re.sub(r"\s+", "", cells[k + 1]) if k + 1 < len(cells) else ""
        if a in _HEADER_STEMS and b in _HEADER_NOUNS:
            out.append((k, k + 2))
            k += 2
        else:
            out.append((k, k + 1))
            k += 1
    return out


# --- placing cells in columns ---------------------------------------------------------
def cell_kind(text: str) -> str:
    """What a cell holds: ``num``, ``unit`` (a unit list), ``person``, ``short`` or ``text``.

    >>> [cell_kind(t) for t in ["3", "县财政局、县教育局等", "程立岩", "≥85%", "完成改造并投入运行。"]]
    ['num', 'unit', 'person', 'short', 'text']
    """
    from ..extract.units import looks_like_unit  # the unit vocabulary lives with the splitter

    t = re.sub(r"\s+", "", text)
    if not t:
        return "empty"
    if re.fullmatch(r"\d{1,3}", t):
        return "num"
    items = [re.sub(r"(?:等(?:单位|部门)?)$", "", x) for x in re.split(r"[、，,；;]", t) if x]
    if items and not re.search(r"[。：:]", t) and looks_like_unit(items[0]) and \
            sum(1 for x in items if looks_like_unit(x)) * 10 >= len(items) * 6:
        return "unit"
    if all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", x) for x in items) and len(items) <= 3:
        return "person"
    if len(t) <= 6 and not re.search(r"[。；;]", t):
        return "short"
    return "text"


_SCORES: dict[str, dict[str, float]] = {
    # column role → cell kind → score
    "number": {"num": 3, "empty": 0},
    "unit": {"unit": 3, "empty": 0, "person": -2, "short": -3, "text": -4, "num": -4},
    "person": {"person": 3, "empty": 0, "unit": -1, "short": 0, "text": -3, "num": -3},
    "measure": {"short": 2, "empty": 0, "num": 1, "text": -2, "unit": -3, "person": -1},
    "value": {"short": 2, "num": 2, "text": 1, "empty": 0, "unit": -2, "person": -1},
    "text": {"text": 2, "short": 0.5, "empty": 0, "person": -1, "unit": -2, "num": -1},
}


def _column_kind(role: str) -> str:
    if role in UNIT_ROLES:
        return "unit"
    if role in ("number", "person", "measure"):
        return role
    if role in ("progress", "target", "year"):
        return "value"
    return "text"


def align_cells(cells: list[TextView], roles: tuple[str, ...]) -> list[list[TextView]]:
    """Place a row's cells in its columns by what each cell holds (merged cells printed
    once leave a column empty; a column of units may hold several cells).

    Returns one list of cells per column.
    """
    kinds = [cell_kind(c.text) for c in cells]
    cols = [_column_kind(r) for r in roles]
    m, n = len(cells), len(roles)
    neg = float("-inf")
    best = [[neg] * (n + 1) for _ in range(m + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    for j in range(n):
        for i in range(m + 1):
            if best[i][j] == neg:
                continue
            # the column stays empty
            score = best[i][j] - 1.0
            if score > best[i][j + 1]:
                best[i][j + 1], back[(i, j + 1)] = score, (i, j)
            # the column takes cells i..k-1
            total = best[i][j]
            for k in range(i + 1, m + 1):
                s = _SCORES[cols[j]].get(kinds[k - 1], -3)
                if k > i + 1:
                    s -= 0 if cols[j] == "unit" and roles[j] != "assessor" else (0.5 if cols[j] == "text" else 4)
                total += s
                if total > best[k][j + 1]:
                    best[k][j + 1], back[(k, j + 1)] = total, (i, j)
    out: list[list[TextView]] = [[] for _ in range(n)]
    i, j = m, n
    while j > 0:
        pi, pj = back[(i, j)]
        out[pj] = cells[pi:i]
        i, j = pi, pj
    return out


# --- tables --------------------------------------------------------------------------
@dataclass
class Table:
    """A task table: its columns and its rows (a one-cell row is a heading inside the table)."""

    index: int
    columns: Columns
    rows: list[list[TextView | None]] = field(default_factory=list)
    #: rows already placed in columns (cells per column), for tables placed by :func:`align_cells`
    placed: list[list[list[TextView]] | TextView] = field(default_factory=list)

    def drafts(self, section: str | None) -> list[TaskDraft]:
        """One task draft per data row."""
        rows = self.placed or [_placed(r, len(self.columns)) for r in self.rows]
        return _row_drafts(self.index, self.columns, rows, section)


def _placed(cells: list[TextView | None], width: int) -> list[list[TextView]] | TextView:
    filled = [c for c in cells if c is not None and c.text.strip()]
    if len(filled) == 1 and width > 1 and number_level(filled[0].text) \
            and (len(cells) == 1 or len({c.source_start for c in cells if c is not None}) > 1):
        return filled[0]  # a heading row: one cell, or one filled cell spanning the table
    padded: list[TextView | None] = [None] * max(0, width - len(cells))
    padded.extend(cells[:width])
    return [[c] if c is not None and c.text.strip() else [] for c in padded]


def _group_column(columns: Columns, rows: list[list[list[TextView]] | TextView]) -> int | None:
    """The column that groups rows (merged cells, heading-numbered values)."""
    data = [r for r in rows if isinstance(r, list)]
    for j, role in enumerate(columns.roles):
        if role not in ("group", "title"):
            continue
        values = [r[j][0] if r[j] else None for r in data]
        filled = [v for v in values if v is not None]
        if not filled:
            continue
        numbered = sum(1 for v in filled if number_level(v.text))
        sparse = len(filled) * 5 < len(values) * 3
        if role == "group" and (numbered * 2 >= len(filled) or sparse):
            return j
        if role == "title" and numbered * 2 >= len(filled) and "group" not in columns.roles:
            return j
    return None


def _row_drafts(index: int, columns: Columns, rows: list[list[list[TextView]] | TextView],
                section: str | None) -> list[TaskDraft]:
    if "group" in columns.roles and not {"title", "content"} & set(columns.roles):
        # 工作任务 / 重点任务 is the only text column: it is the task itself
        columns = Columns(tuple("title" if r == "group" else r for r in columns.roles), columns.years,
                          columns.first_leads)
    group_col = _group_column(columns, rows)
    if group_col is None and "group" in columns.roles and "title" not in columns.roles:
        columns = Columns(tuple("title" if r == "group" else r for r in columns.roles), columns.years,
                          columns.first_leads)
    roles = columns.roles
    drafts: list[TaskDraft] = []
    current_group: str | None = None
    above: dict[int, list[TextView]] = {}
    keys: dict[str, int] = {}
    for idx, row in enumerate(rows, 1):
        if isinstance(row, TextView):  # a heading row
            current_group = row.raw.strip()
            continue
        if is_header_row([" ".join(c.text for c in cells) for cells in row]):
            continue
        for j, cells in enumerate(row):  # 同上: the same as the cell above
            if len(cells) == 1 and cells[0].text.strip() in ("同上", "同前") and j in above:
                row[j] = above[j]
        above = {j: cells for j, cells in enumerate(row) if cells}
        by_role: dict[str, list[tuple[int, TextView]]] = {}
        for j, (role, cells) in enumerate(zip(roles, row)):
            for cell in cells:
                by_role.setdefault(role if j != group_col else "group", []).append((j, cell))
        if "group" in by_role:
            current_group = by_role["group"][0][1].raw.strip()
        units = tuple(
            ({"lead": "lead", "support": "support"}.get(roles[j]), cell)
            for role in ("lead", "support", "units")
            for j, cell in by_role.get(role, [])
        )
        milestones = (
            tuple((columns.years[j] or "", cell) for j, cell in by_role.get("year", []))
            + tuple(("", cell) for _, cell in by_role.get("target", []))
            + tuple(("", cell) for _, cell in by_role.get("progress", []))
        )
        title = by_role.get("title", [(0, None)])[0][1]
        content = [c for _, c in by_role.get("content", [])] + [c for _, c in by_role.get("other", [])]
        number = by_role.get("number", [(0, None)])[0][1]
        if not units and title is None and number is None and drafts:
            if content or milestones:  # a sub-row of the previous task
                last = drafts[-1]
                drafts[-1] = TaskDraft(**{**last.__dict__, "extra": last.extra + tuple(content)})
            continue
        if not units and title is None and not content:
            continue
        body = content[0] if content else (title or number)
        if body is None:
            continue
        label = number.text.strip() if number is not None else str(idx)
        label = re.sub(r"\W+", "", label) or str(idx)
        base = f"t{index}-row-{label.zfill(3)}"
        n = keys.get(base, 0)
        keys[base] = n + 1
        drafts.append(
            TaskDraft(
                key=base if n == 0 else f"{base}-{n + 1}",
                kind="row",
                title=title,
                body=body,
                section=current_group if group_col is not None and current_group else (current_group or section),
                unit_cells=units,
                milestones=milestones,
                extra=tuple(content[1:]) + tuple(c for _, c in by_role.get("measure", [])),
                persons=tuple(c for _, c in by_role.get("person", [])),
                assessors=tuple(c for _, c in by_role.get("assessor", [])),
                first_leads=columns.first_leads,
                cells=tuple(c for j, cells in enumerate(row) if roles[j] != "number" for c in cells if c.text),
            )
        )
    return drafts


# --- finding tables in a stream of lines ---------------------------------------------
def reassemble_flat_table(cells: list[tuple[TextView, bool]]) -> tuple[Columns, list[list[TextView]]] | None:
    """Rebuild rows from a table flattened one cell per line, each cell after a tab.

    ``cells`` are ``(view, blank_line_before)`` in document order, starting at
    the header. Rows are cut by the column count, so blank lines inside a row do
    not matter; a repeated header is skipped. ``None`` when no header is found.
    """
    groups: list[list[str]] = [[]]
    i = 0
    while i < len(cells):
        view, blank = cells[i]
        if blank and groups[-1]:
            if len(groups) == 2:
                break
            groups.append([])
        groups[-1].append(view.text.strip())
        i += 1
    if not is_header_row(groups[0]):
        return None
    second = groups[1] if len(groups) > 1 else []
    if second and is_sub_header(second) and not any(number_level(c) for c in second if c):
        columns = merge_header([groups[0], second])
        header_len = len(groups[0]) + len(second)
    else:
        columns = single_header(groups[0])
        header_len = len(groups[0])
    width = len(columns)
    rows: list[list[TextView]] = []
    current: list[TextView] = []
    i = header_len
    while i < len(cells):
        view, _ = cells[i]
        text = view.text.strip()
        if not current:
            if text and HEADER_WORD_RE.fullmatch(re.sub(r"\s+", "", text)) and text.startswith(groups[0][0][:2]):
                i += header_len  # a repeated header
                continue
            nl = number_level(text)
            if text and nl and nl[0] <= 2:
                rows.append([view])
                i += 1
                continue
        current.append(view)
        if len(current) == width:
            rows.append(current)
            current = []
        i += 1
    if current:
        rows.append(current)
    return columns, rows


_SHORT_CELL = 16


def _numbered_rows(cells: list[TextView], columns: Columns) -> list[list[list[TextView]] | TextView] | None:
    """Cut cells (one per line) into rows at the 序号 cells 1, 2, 3 … and place each row's
    cells; cells before a row's number belong to the columns left of 序号."""
    if "number" not in columns.roles:
        return None
    p = columns.roles.index("number")
    marks: list[int] = []
    expected = 1
    for k, c in enumerate(cells):
        if c.text.strip() == str(expected):
            marks.append(k)
            expected += 1
    if len(marks) < 2 and not (marks and len(cells) - marks[0] <= len(columns) + 2):
        return None
    before, after = columns.roles[:p], columns.roles[p + 1 :]
    rows: list[list[list[TextView]] | TextView] = []
    lead_cells = align_cells(cells[: marks[0]], before) if before else []
    for r, k in enumerate(marks):
        end = marks[r + 1] if r + 1 < len(marks) else len(cells)
        placed = align_cells(cells[k + 1 : end], after + (before if r + 1 < len(marks) else ()))
        row = list(lead_cells) + [[cells[k]]] + placed[: len(after)]
        lead_cells = placed[len(after) :]
        rows.append(row)
    return rows


def _unit_rows(cells: list[TextView], columns: Columns) -> list[list[list[TextView]] | TextView] | None:
    """Cut cells (one per line) into rows where the unit cells of the last column end,
    for a table with no 序号 column (an index table whose merged cells print once)."""
    if not columns.roles or _column_kind(columns.roles[-1]) != "unit":
        return None
    kinds = [cell_kind(c.text) for c in cells]
    rows: list[list[list[TextView]] | TextView] = []
    current: list[TextView] = []
    for k, (c, kind) in enumerate(zip(cells, kinds)):
        current.append(c)
        if kind == "unit" and (k + 1 == len(cells) or kinds[k + 1] != "unit"):
            rows.append(align_cells(current, columns.roles))
            current = []
    return rows if len(rows) >= 2 else None


def _plain_flat(lines: list[Line], i: int) -> tuple[Columns, list[list[list[TextView]] | TextView], int] | None:
    """A table flattened one cell per line without tabs, its header starting at ``lines[i]``:
    ``(columns, placed rows, index after the table)``."""
    j = i
    while j < len(lines) and len(lines[j].view.text) <= _SHORT_CELL and j - i <= 30:
        j += 1
    run = [lines[k].view.text.strip() for k in range(i, j)]
    spans = merge_fragments(run)
    names = ["".join(run[a:b]) for a, b in spans]
    count = 0
    while count < len(names) and header_role(names[count]) not in ("", "other"):
        count += 1
    head = names[:count]
    if len(head) < 3 or not is_header_row(head):
        return None
    columns = single_header(head)
    header_lines = spans[count - 1][1]
    end = len(lines)
    for k in range(i + header_lines, len(lines)):
        if lines[k].cells is not None or ANNEX_RE.match(lines[k].view.text):
            end = k
            break
    cells = [ln.view for ln in lines[i + header_lines : end]]
    rows = _numbered_rows(cells, columns) or _unit_rows(cells, columns)
    if rows is None:
        return None
    return columns, rows, end


_SPACE_ROW = re.compile(r"^\d{1,3}\s")


def _space_rows(lines: list[Line], i: int) -> tuple[Columns, list[list[list[TextView]] | TextView], int] | None:
    """A table flattened one row per line, cells separated by spaces, header at ``lines[i]``."""
    head = lines[i].view.text.split()
    if len(head) < 3 or sum(1 for c in head if HEADER_WORD_RE.fullmatch(c)) < 3:
        return None
    columns = single_header(head)
    rows: list[list[list[TextView]] | TextView] = []
    j = i + 1
    while j < len(lines) and (_SPACE_ROW.match(lines[j].view.text) or not lines[j].view.text.strip()):
        view = lines[j].view
        tokens = [m.span() for m in re.finditer(r"\S+", view.text)]
        cells = [view.sub(a, b) for a, b in tokens]
        # a run of two or more spaces is an empty (merged) cell
        padded: list[TextView] = []
        for k, (a, _b) in enumerate(tokens):
            if k and a - tokens[k - 1][1] >= 2:
                padded.extend(view.sub(a, a) for _ in range(min(3, a - tokens[k - 1][1] - 1)))
            padded.append(cells[k])
        rows.append(align_cells(padded, columns.roles) if cells else [])
        j += 1
    if not rows:
        return None
    # join the text cells a column took: one cell per column
    out: list[list[list[TextView]] | TextView] = []
    for row in rows:
        assert isinstance(row, list)
        joined = []
        for role, cells in zip(columns.roles, row):
            cells = [c for c in cells if c.text]
            if len(cells) > 1 and _column_kind(role) != "unit":
                cells = [TextView.concat(_spaced(cells))]
            joined.append(cells)
        out.append(joined)
    return columns, out, j


def _spaced(cells: list[TextView]) -> list[TextView]:
    out: list[TextView] = []
    for c in cells:
        if out:
            out.append(TextView(" ", " ", (c.source_start - 1,)))
        out.append(c)
    return out


def _row_lines(lines: list[Line], i: int) -> tuple[Columns | None, list[list[TextView]], int]:
    """Rows of cells (tab-separated lines, real tables, ``|`` lines) from ``lines[i]``."""
    first = lines[i]
    rows: list[list[TextView]] = []
    j = i
    while j < len(lines):
        ln = lines[j]
        if ln.cells is None:
            if first.table == -1 and rows and number_level(ln.view.text) and j + 1 < len(lines) \
                    and lines[j + 1].cells is not None and lines[j + 1].table == -1:
                rows.append([ln.view])  # a section heading between the rows of a text table
                j += 1
                continue
            break
        if ln.table != first.table:
            break
        rows.append(ln.cells)
        j += 1
    header: list[list[str]] = []
    start = 0
    for k, r in enumerate(rows[:3]):
        if is_header_row([c.text for c in r]):
            header = [[c.text for c in r]]
            start = k + 1
            if start < len(rows):
                # a cell merged down from the first header row reads as blank here
                sub = [
                    "" if n < len(r) and c.text and c.source_start == r[n].source_start else c.text
                    for n, c in enumerate(rows[start])
                ]
                if is_sub_header(sub):
                    header.append(sub)
                    start += 1
            break
    columns = (merge_header(header) if len(header) > 1 else single_header(header[0])) if header else None
    return columns, rows[start:] if columns else rows, j


def find_tables(lines: list[Line], doc: SourceDocument) -> list[Line | Table]:
    """The stream of lines with every task table found in it replaced by a :class:`Table`;
    rows of a table with no recognisable header go back as lines of text."""
    from .outline import Line

    out: list[Line | Table] = []
    count = 0
    last_columns: Columns | None = None
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.tab and ln.cells is None:
            cells: list[tuple[TextView, bool]] = []
            j = i
            while j < len(lines):
                e = lines[j]
                if e.cells is not None:
                    break
                if e.tab:
                    cells.append((e.view, e.blank_before))
                elif cells and not e.blank_before and e.view.text:
                    v, blank = cells[-1]
                    begin = v.source_start if v.text else e.view.source_start
                    cells[-1] = (TextView.of(doc.text, begin, e.view.source_end).strip(), blank)
                elif cells and number_level(e.view.text):
                    cells.append((e.view, True))
                elif not e.view.text:
                    pass
                else:
                    break
                j += 1
            made = reassemble_flat_table(cells)
            if made is not None:
                count += 1
                out.append(Table(count, made[0], [list(r) for r in made[1]]))
                i = j
                continue
        if ln.cells is not None:
            columns, rows, j = _row_lines(lines, i)
            if columns is None and last_columns is not None and rows and len(rows[0]) == len(last_columns):
                columns = last_columns  # a table continued on the next page without its header
            if columns is not None:
                last_columns = columns
                count += 1
                out.append(Table(count, columns, [list(r) for r in rows]))
            else:
                out.extend(Line(TextView.concat(_spaced([c for c in r if c.text])) if len(r) > 1 else r[0])
                           for r in rows if any(c.text for c in r))
            i = j
            continue
        if not ln.tab and len(ln.view.text) <= _SHORT_CELL and HEADER_WORD_RE.search(ln.view.text):
            flat = _plain_flat(lines, i)
            if flat is not None:
                count += 1
                out.append(Table(count, flat[0], placed=flat[1]))
                i = flat[2]
                continue
        if not ln.tab and " " in ln.view.text.strip():
            spaced = _space_rows(lines, i)
            if spaced is not None:
                count += 1
                out.append(Table(count, spaced[0], placed=spaced[1]))
                i = spaced[2]
                continue
        out.append(ln)
        i += 1
    return out
