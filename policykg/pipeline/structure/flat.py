"""Tables in flattened text: rows put back together, each cell placed in its column.

A table reaches structure in one of these shapes:

* rows of cells (real tables from HTML, docx, PDF; tab-separated lines; ``|`` cells);
* one cell per line, each after a tab (a docx table saved as text);
* one cell per line with no tab, header words split over two lines (``责任`` / ``领导``)
  and merged cells printed once: rows are cut at the 序号 cells 1, 2, 3 …, or where the
  units of the last column end, and each cell is placed in its column by what it holds
  (:func:`align_cells`);
* one row per line, cells separated by spaces (``序号 类别 主要任务 牵头单位 …``).

Column roles come from :mod:`.tables` (header words); tables are recognised by their header,
never by position.
"""

from __future__ import annotations

import re

from policykg.pipeline.structure.lines import Line
from policykg.pipeline.structure.tables import (
    Columns,
    Table,
    is_header_row,
    is_sub_header,
    merge_header,
    placed_row,
    single_header,
)
from policykg.records import SourceDocument
from policykg.text.lexicon import HEADER_WORD_RE, LABEL_RE, header_role
from policykg.text.patterns import ANNEX_RE, looks_like_unit, number_level
from policykg.text.textview import TextView

UNIT_ROLES = ("lead", "support", "units", "assessor")
#: a row with more cells than this is placed without the (quadratic) alignment
MAX_ALIGNED_CELLS = 80


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
        c = re.sub(r"\s+", "", cells[k + 2]) if k + 2 < len(cells) else ""
        if (a in _HEADER_STEMS and b in _HEADER_NOUNS) or (
                # 市政府 / 分管领导: a short word that is no header alone, inside the header (a header
                # follows it too), is the first half of the next
                b and header_role(a) == "other" and len(a) <= 4 and header_role(a + b) not in ("", "other")
                and header_role(c) not in ("", "other")):
            out.append((k, k + 2))  # 责任/领导, 市政府/分管领导: one header written over two lines
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
    if m > MAX_ALIGNED_CELLS:  # a broken table (no 序号 cells found): keep the work linear
        out_: list[list[TextView]] = [[] for _ in range(n)]
        text_col = next((j for j, c in enumerate(cols) if c == "text"), 0)
        unit_col = next((j for j, c in enumerate(cols) if c == "unit"), text_col)
        for cell, kind in zip(cells, kinds):
            out_[unit_col if kind == "unit" else text_col].append(cell)
        return out_
    neg = float("-inf")
    best = [[neg] * (n + 1) for _ in range(m + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    for j in range(n):
        for i in range(m + 1):
            if best[i][j] == neg:
                continue
            # the column stays empty (on a tie, the scorers' column rather than the doers':
            # one unit cell names who does the work)
            score = best[i][j] - (0.99 if roles[j] == "assessor" else 1.0)
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


def _short(text: str) -> bool:
    """Short enough to be a header cell of its own (a note in brackets aside)."""
    return len(re.sub(r"[（(][^（）()]*[）)]", "", text)) <= _SHORT_CELL
_ROW_NUMBER = re.compile(r"(\d{1,3})\s*[*＊※△▲☆★]?")


def _numbered_rows(cells: list[TextView], columns: Columns) -> list[list[list[TextView]] | TextView] | None:
    """Cut cells (one per line) into rows at the 序号 cells 1, 2, 3 … and place each row's
    cells; cells before a row's number belong to the columns left of 序号."""
    if "number" not in columns.roles:
        return None
    p = columns.roles.index("number")
    marks: list[int] = []
    expected = 1
    for k, c in enumerate(cells):
        m = _ROW_NUMBER.fullmatch(c.text.strip())
        if m and int(m.group(1)) == expected:
            marks.append(k)  # 1, 2 … (also 3* or 4※: a number with a mark)
            expected += 1
    if len(marks) < 2 and not (marks and len(cells) - marks[0] <= len(columns) + 2):
        return None
    before, after = columns.roles[:p], columns.roles[p + 1 :]
    rows: list[list[list[TextView]] | TextView] = []
    lead_cells = align_cells(cells[: marks[0]], before) if before else []
    for r, k in enumerate(marks):
        end = marks[r + 1] if r + 1 < len(marks) else len(cells)
        segment = cells[k + 1 : end]
        # a heading row (（二）…) between two rows: the rows' cells stop before it
        heading = next((i for i, c in enumerate(segment) if (n := number_level(c.text)) and n[0] <= 2), None)
        own = segment if heading is None else segment[:heading]
        placed = align_cells(own, after + (before if r + 1 < len(marks) and heading is None else ()))
        rows.append(list(lead_cells) + [[cells[k]]] + placed[: len(after)])
        lead_cells = placed[len(after) :]
        if heading is not None:
            rows.append(segment[heading])
            lead_cells = align_cells(segment[heading + 1 :], before) if before else []
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
        n = number_level(c.text)
        if not current and n and n[0] <= 2:
            rows.append(c)  # a heading row (一、…) between the rows
            continue
        current.append(c)
        if kind == "unit" and (k + 1 == len(cells) or kinds[k + 1] != "unit"):
            rows.append(align_cells(current, columns.roles))
            current = []
    return rows if len(rows) >= 2 else None


def _plain_flat(lines: list[Line], i: int) -> tuple[Columns, list[list[list[TextView]] | TextView], int] | None:
    """A table flattened one cell per line without tabs, its header starting at ``lines[i]``:
    ``(columns, placed rows, index after the table)``."""
    j = i
    while j < len(lines) and _short(lines[j].view.text) and j - i <= 30:
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
    # a header word printed in spaced-out characters (工 作 任 务) is one word
    head = [re.sub(r"\s+", "", w) for w in re.findall(r"[\u4e00-\u9fff](?:\s[\u4e00-\u9fff](?=\s|$))+|\S+",
                                                        lines[i].view.text)]
    if len(head) < 3 or sum(1 for c in head if HEADER_WORD_RE.fullmatch(c) or header_role(c) in UNIT_ROLES) < 3:
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


def _misplaced(row: list[TextView], columns: Columns) -> bool:
    """Would a short row, its cells set against the right edge (merged cells printed once at
    the left), put a unit list outside the unit columns or other text in them?"""
    if len(row) in (1, len(columns)):
        return False
    for cell, role in zip(row[::-1], columns.roles[::-1]):
        unit_cell = cell_kind(cell.text) == "unit"
        if unit_cell != (role in UNIT_ROLES) and cell.text and not LABEL_RE.search(cell.text):
            return True
    return False


def find_tables(lines: list[Line], doc: SourceDocument) -> list[Line | Table]:
    """The stream of lines with every task table found in it replaced by a :class:`Table`;
    rows of a table with no recognisable header go back as lines of text."""
    out: list[Line | Table] = []
    count = 0
    last_columns: Columns | None = None
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.tab and ln.cells is None:
            cells, j = _tab_cells(lines, i, doc)
            made = reassemble_flat_table(cells)
            if made is not None:
                count += 1
                out.append(Table(count, made[0], [list(r) for r in made[1]]))
                i = j
                continue
        if ln.cells is not None:
            columns, rows, i = _row_lines(lines, i)
            if columns is None and last_columns is not None and rows and len(rows[0]) == len(last_columns):
                columns = last_columns  # a table continued on the next page without its header
            if columns is None:
                out.extend(Line(TextView.concat(_spaced([c for c in r if c.text])) if len(r) > 1 else r[0])
                           for r in rows if any(c.text for c in r))
                continue
            last_columns = columns
            count += 1
            out.append(_cell_table(count, columns, rows, printed_as_text=ln.table == -1))
            continue
        found = _text_table(lines, i)
        if found is not None:
            count += 1
            out.append(Table(count, found[0], placed=found[1]))
            i = found[2]
            continue
        out.append(ln)
        i += 1
    return out


def _tab_cells(lines: list[Line], i: int, doc: SourceDocument) -> tuple[list[tuple[TextView, bool]], int]:
    """The cells of a run of tab-indented lines from ``lines[i]`` (a table flattened one
    cell per line), each with whether a blank line came before it; and where the run ends.
    An unindented line right after a cell continues that cell."""
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
        elif e.view.text:
            break
        j += 1
    return cells, j


def _cell_table(number: int, columns: Columns, rows: list[list[TextView]], *, printed_as_text: bool) -> Table:
    """A table read from rows of cells."""
    if printed_as_text and any(_misplaced(r, columns) for r in rows):
        # a table printed as text whose merged cells were printed once, not only at
        # its left: place the short rows' cells by what they hold
        placed = [placed_row(r, len(columns)) if len(r) in (1, len(columns))
                  else align_cells(r, columns.roles) for r in rows]
        return Table(number, columns, placed=placed)
    return Table(number, columns, [list(r) for r in rows])


def _text_table(lines: list[Line], i: int) -> tuple[Columns, list[list[list[TextView]] | TextView], int] | None:
    """A table laid out in plain lines from ``lines[i]``: one cell per line under a header
    line, or one row per line with cells between spaces."""
    ln = lines[i]
    found = None
    if not ln.tab and _short(ln.view.text) and HEADER_WORD_RE.search(ln.view.text):
        found = _plain_flat(lines, i)  # one cell per line
    if found is None and not ln.tab and " " in ln.view.text.strip():
        found = _space_rows(lines, i)  # one row per line, cells between spaces
    return found
