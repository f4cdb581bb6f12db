"""Task tables: column roles from headers, flattened tables put back into rows.

A task table is recognised by its header cells (项目名称, 工作内容, 进度要求 with
years, 责任单位 …), never by position. Three layouts reach this module as rows
of cell views: real tables (HTML, docx, PDF), tab-separated lines, and tables
flattened to one cell per line, which :func:`reassemble_flat_table` rebuilds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .patterns import YEAR_RE, number_level
from .textview import TextView

#: header text → column role; first match wins, so specific names come first
HEADER_ROLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), role)
    for p, role in (
        (r"^(?:序号|编号|序|No\.?)$", "number"),
        (r"^(?:责任人|联系人|负责人|分管领导|责任领导)", "person"),
        (r"(?:牵头|主责|主办)(?:责任)?(?:单位|部门)", "lead"),
        (r"(?:配合|协办|协助|协同|参与)(?:单位|部门)", "support"),
        (r"(?:责任|负责|实施|承办|主管)(?:单位|部门|主体)|^责任$", "units"),
        (r"^(?:(?:19|20)\d{2})\s*年?度?$", "year"),
        (r"进度|时间|时限|节点|期限", "progress"),
        (r"项目名称|任务名称|事项名称|工作事项|具体任务|项目$|名称$", "title"),
        (r"工作任务|重点任务|主要任务|任务类别|类别|领域|分类|^任务$", "group"),
        (r"内容|措施|要求|目标|举措|工作任务", "content"),
        (r"备注|说明", "note"),
    )
)
HEADER_WORDS = re.compile(
    r"序号|项目名称|工作任务|主要内容|工作内容|具体内容|工作措施|进度要求|时间节点|完成时限|"
    r"责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|备注|重点任务|主要任务|任务名称"
)


def header_role(text: str) -> str:
    """Role of a column from its header text ('' when unknown).

    >>> header_role("责任单位"), header_role("2019年"), header_role("主要内容")
    ('units', 'year', 'content')
    """
    t = re.sub(r"[（(][^（）()]*[）)]", "", re.sub(r"\s+", "", text)) or re.sub(r"\s+", "", text)  # 责任单位（排在第一位的为牵头单位）
    if not t:
        return ""
    for rx, role in HEADER_ROLES:
        if rx.search(t):
            return role
    return "other"


def is_header_row(cells: list[str]) -> bool:
    """Two or more cells read like column headers."""
    hits = sum(1 for c in cells if HEADER_WORDS.search(re.sub(r"\s+", "", c)))
    return hits >= 2


@dataclass(frozen=True)
class Columns:
    """Roles of a table's columns and, for year columns, the year."""

    roles: tuple[str, ...]
    years: tuple[str | None, ...]

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
    return Columns(tuple(roles), tuple(years))


def single_header(cells: list[str]) -> Columns:
    roles = []
    years: list[str | None] = []
    for c in cells:
        c = re.sub(r"\s+", "", c)
        r = header_role(c)
        roles.append(r)
        years.append(c[:4] if r == "year" else None)
    return Columns(tuple(roles), tuple(years))


def align(cells: list[TextView], width: int) -> list[TextView | None]:
    """Cells padded to ``width``: a short row lost its leading (merged) cells."""
    if len(cells) >= width:
        return list(cells[:width])
    return [None] * (width - len(cells)) + list(cells)


def reassemble_flat_table(cells: list[tuple[TextView, bool]]) -> tuple[Columns, list[list[TextView]]] | None:
    """Rebuild rows from a table flattened one cell per line.

    ``cells`` are ``(view, blank_line_before)`` in document order, starting at
    the header. Returns the columns, the rows (section heading rows have one
    cell); ``None`` when no header is found.
    Rows are cut by the column count, so blank lines inside a row do not
    matter; a repeated header is skipped.
    """
    # header: the first group of cells (until a blank line), plus a second
    # group when it carries the year sub-headers
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
            if text and HEADER_WORDS.fullmatch(re.sub(r"\s+", "", text)) and text.startswith(groups[0][0][:2]):
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
