"""Task tables: column roles from header words, and one task draft per row.

A task table is recognised by its header cells (序号, 工作任务, 牵头单位, 责任领导 …), never
by position (:mod:`.flat` finds tables in flattened text and places their cells). Column
roles come from :func:`policykg.text.lexicon.header_role`: lead / support / units (responsible),
person (责任领导 …: stored as persons, never as units), assessor (评分部门 …: stored as
assessors, not as doers), number, title, group, content, year, progress, target, measure,
note. A header may say that the first unit listed leads (责任单位（排在第一位的为牵头单位）).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from policykg.records import TaskDraft
from policykg.text.lexicon import FIRST_LEADS_RE, HEADER_WORD_RE, LABEL_RE, OWNER_HEADING_RE, header_role
from policykg.text.patterns import YEAR_RE, number_level
from policykg.text.textview import TextView


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
        rows = self.placed or [placed_row(r, len(self.columns)) for r in self.rows]
        return _row_drafts(self.index, self.columns, rows, section)


def placed_row(cells: Sequence[TextView | None], width: int) -> list[list[TextView]] | TextView:
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
        # heading numbers (一、 （一）) group rows; item numbers (1. （1）) number the rows themselves
        numbered = sum(1 for v in filled if (n := number_level(v.text)) and n[0] <= 2)
        sparse = len(filled) * 5 < len(values) * 3
        if role == "group" and (numbered * 2 >= len(filled) or sparse):
            return j
        if role == "title" and numbered * 2 >= len(filled) and "group" not in columns.roles:
            return j
    return None


def _task_columns(columns: Columns, rows: list[list[list[TextView]] | TextView]) -> tuple[Columns, int | None]:
    """The columns as tasks are read from them, and the column that groups rows (if any):
    a 工作任务 / 重点任务 column that is the only text column, or that groups nothing, is
    the task itself."""
    as_title = Columns(tuple("title" if r == "group" else r for r in columns.roles), columns.years, columns.first_leads)
    if "group" in columns.roles and not {"title", "content"} & set(columns.roles):
        columns = as_title
    group_col = _group_column(columns, rows)
    if group_col is None and "group" in columns.roles and "title" not in columns.roles:
        columns = as_title
    return columns, group_col


def _unit_cells(by_role: dict[str, list[tuple[int, TextView]]], roles: tuple[str, ...]) -> tuple[tuple[str | None, TextView], ...]:
    """The cells that name units, with the role their column gives (None: the cell says)."""
    return tuple(
        ({"lead": "lead", "support": "support"}.get(roles[j]), cell)
        for role in ("lead", "support", "units")
        for j, cell in by_role.get(role, [])
    ) + tuple(  # a labelled list in another cell (省牵头单位：省农业农村厅)
        (None, cell) for role, cells in by_role.items()
        if role not in ("lead", "support", "units", "person", "assessor", "number")
        for _, cell in cells if LABEL_RE.search(cell.text)
    )


def _cells_by_role(row: list[list[TextView]], roles: tuple[str, ...], group_col: int | None) -> dict[str, list[tuple[int, TextView]]]:
    """A row's cells by the role of their column (the grouping column's as ``group``), each with its column."""
    by_role: dict[str, list[tuple[int, TextView]]] = {}
    for j, (role, cells) in enumerate(zip(roles, row)):
        for cell in cells:
            by_role.setdefault(role if j != group_col else "group", []).append((j, cell))
    return by_role


def _milestone_cells(by_role: dict[str, list[tuple[int, TextView]]], columns: Columns) -> tuple[tuple[str, TextView], ...]:
    """Cells that set targets: a year column's (with its year), a target's, a progress column's."""
    return (
        tuple((columns.years[j] or "", cell) for j, cell in by_role.get("year", []))
        + tuple(("", cell) for _, cell in by_role.get("target", []))
        + tuple(("", cell) for _, cell in by_role.get("progress", []))
    )


def _row_key(table: int, number: str, row: int, keys: dict[str, int]) -> str:
    """``t<table>-row-<number>``: the row's own number (its row count when it has none),
    with ``-2``, ``-3`` … for a number met again (``keys`` counts them)."""
    label = re.sub(r"\W+", "", number.strip()) or str(row)
    base = f"t{table}-row-{label.zfill(3)}"
    n = keys.get(base, 0)
    keys[base] = n + 1
    return base if n == 0 else f"{base}-{n + 1}"


def _row_drafts(index: int, columns: Columns, rows: list[list[list[TextView]] | TextView],
                section: str | None) -> list[TaskDraft]:
    columns, group_col = _task_columns(columns, rows)
    roles = columns.roles
    drafts: list[TaskDraft] = []
    current_group: str | None = None
    owners: tuple[TextView, ...] = ()
    above: dict[int, list[TextView]] = {}
    keys: dict[str, int] = {}
    for idx, row in enumerate(rows, 1):
        if isinstance(row, TextView):  # a heading row
            current_group = row.raw.strip()
            level = number_level(row.text)
            head = row.sub(level[1], len(row)).strip() if level else row
            owners = (head,) if OWNER_HEADING_RE.match(head.text) else ()
            continue
        if is_header_row([" ".join(c.text for c in cells) for cells in row]):
            continue
        for j, cells in enumerate(row):  # 同上: the same as the cell above
            if len(cells) == 1 and cells[0].text.strip() in ("同上", "同前") and j in above:
                row[j] = above[j]
        above = {j: cells for j, cells in enumerate(row) if cells}
        by_role = _cells_by_role(row, roles, group_col)
        if "group" in by_role:
            current_group = by_role["group"][0][1].raw.strip()
        units = _unit_cells(by_role, roles)
        milestones = _milestone_cells(by_role, columns)
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
        drafts.append(
            TaskDraft(
                key=_row_key(index, number.text if number is not None else str(idx), idx, keys),
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
                owners=owners,
            )
        )
    return drafts


