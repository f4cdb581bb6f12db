"""Structure: a :class:`SourceDocument` → headings, task drafts and policy metadata.

Layout rules only (numbering, labels, tables, page-break wraps); no wording of
any particular document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .metadata import extract_policy
from .patterns import ANNEX_RE, LABEL_RE, OPEN, SENTENCE_PUNCT, TERMINAL, number_level
from .records import Block, Heading, SourceDocument, Structure, TaskDraft
from .tables import Columns, align, is_header_row, is_sub_header, merge_header, reassemble_flat_table, single_header
from .textview import TextView

_LABEL_START = re.compile(rf"^[{re.escape(OPEN)}\s*]*" + LABEL_RE.pattern)
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


@dataclass
class _Line:
    view: TextView  # stripped
    block: Block
    blank_before: bool
    tab: bool


@dataclass
class _Row:
    cells: list[TextView]
    table: int
    blank_before: bool


def _elements(doc: SourceDocument) -> list[_Line | _Row]:
    out: list[_Line | _Row] = []
    prev_end = 0
    for b in doc.blocks:
        gap = doc.text[prev_end : b.start]
        blank = gap.count("\n") >= 2
        prev_end = b.end
        if b.kind == "row":
            out.append(_Row([TextView.of(doc.text, s, e).strip() for s, e in b.cells], b.table, blank))
        else:
            view = TextView.of(doc.text, b.start, b.end).strip()
            out.append(_Line(view, b, blank, doc.text[b.start] == "\t"))
    return out


def _is_heading(view: TextView) -> tuple[int, int] | None:
    nl = number_level(view.text)
    if not nl:
        return None
    body = view.text[nl[1] :].strip()
    if not body or len(body) > 40 or LABEL_RE.search(body):
        return None
    if SENTENCE_PUNCT.search(body.rstrip("。;；:：")) or _unbalanced(body):
        return None
    if len(body) > 18 and re.search(r"[，,]", body):
        return None  # a long line with a comma: an item cut by a page break
    return nl


def _joinable(prev: TextView, nxt: _Line) -> bool:
    """Is ``nxt`` the rest of ``prev``, split by a page break or a line wrap?"""
    p, n = prev.text.rstrip(), nxt.view.text
    if not p or not n or nxt.tab:
        return False
    if p[-1] in TERMINAL or _DATE_LINE.match(p) or _DATE_LINE.match(n):
        return False
    if number_level(n) or ANNEX_RE.match(n) or _LABEL_START.match(n) or _is_heading(prev) or _LABEL_START.match(p):
        return False
    if LABEL_RE.search(p) and not _unbalanced(p):
        return False  # a line that ends a closed label list: the next line is new text
    return True


_ENUM_RE = re.compile(r"(?:(?<=^)|(?<=[。；;，,：:\n）)】]))\s*(?:[一二三四五六七八九十]是|第[一二三四五六七八九十][，,、])")
_ASSIGNS_RE = re.compile(r"牵头|配合|负责|责任单位|责任部门")


def split_enumerated(draft: TaskDraft) -> list[TaskDraft]:
    """An item listing 一是…二是… (or 第一，…第二，…) with units for each part becomes one
    task per part; otherwise it stays whole."""
    if draft.kind == "row" or draft.unit_cells:
        return [draft]
    body = draft.body
    starts = [m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in _ENUM_RE.finditer(body.text)]
    if len(starts) < 2:
        return [draft]
    parts = [body.sub(a, b).strip() for a, b in zip(starts, starts[1:] + [len(body)])]
    if sum(1 for p in parts if _ASSIGNS_RE.search(p.text)) < 2:
        return [draft]
    return [
        TaskDraft(**{**draft.__dict__, "key": f"{draft.key}.{n}", "body": p, "kind": draft.kind})
        for n, p in enumerate(parts, 1)
    ]


def _has_labels(draft: TaskDraft) -> bool:
    return bool(draft.unit_cells) or bool(LABEL_RE.search(draft.body.text))


def _run_in_title(body: TextView) -> TextView | None:
    m = re.match(r"^([^。；;，,：:]{2,30})[。；;]", body.text)
    return body.sub(0, m.end(1)) if m else None


class _Builder:
    """Walks elements once, keeping the heading stack and emitting drafts."""

    def __init__(self) -> None:
        self.headings: list[Heading] = []
        self.stack: list[tuple[int, str]] = []
        self.tasks: list[TaskDraft] = []
        self.paragraphs: list[TextView] = []
        self.keys: dict[str, int] = {}
        self.lead_in: TextView | None = None
        self.annex = False
        self.started = False
        self.counter: dict[str, int] = {}
        self.table_count = 0
        self.after_item = False
        self.pending_label: TextView | None = None
        self.label_run: str | None = None  # the previous line was a label: "attached" or "pending"

    def _take_pending(self) -> tuple[tuple[str | None, TextView], ...]:
        pending, self.pending_label = self.pending_label, None
        return ((None, pending),) if pending is not None else ()

    @property
    def section(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def key(self, base: str) -> str:
        n = self.keys.get(base, 0)
        self.keys[base] = n + 1
        return base if n == 0 else f"{base}-{n + 1}"

    def heading(self, level: int, view: TextView) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        text = view.raw.strip()
        self.stack.append((level, text))
        self.headings.append(Heading(level, text, view.source_start, view.source_end))
        self.lead_in = None
        self.after_item = False
        self.pending_label = None
        self.started = True

    def paragraph(self, view: TextView, heading: tuple[int, int] | None = None) -> None:
        self.paragraphs.append(view)
        if ANNEX_RE.match(view.text):
            self.annex = True
            self.stack = []
            self.lead_in = None
            self.after_item = False
            return
        if _LABEL_START.match(view.text):
            # a label on its own line belongs to the item above it, unless that item has its
            # labels already: then the labels are written before their items (责任单位：X / 1.…)
            last = self.tasks[-1] if self.tasks else None
            if self.label_run == "pending" and self.pending_label is not None:  # 牵头单位：… / 配合单位：… before the item
                self.pending_label = TextView.concat([self.pending_label, view])
            elif last is not None and (self.label_run == "attached" or (self.after_item and not _has_labels(last))):
                self.tasks[-1] = TaskDraft(**{**last.__dict__, "unit_cells": last.unit_cells + ((None, view),)})
                self.label_run = "attached"
                return
            else:
                self.pending_label = view
            self.label_run = "pending"
            return
        self.label_run = None
        if heading:
            self.heading(heading[0], view)
            return
        num = number_level(view.text)
        prefix = "annex" if self.annex else "body"
        if num:
            body = view.sub(num[1], len(view)).strip()
            self.counter[prefix] = self.counter.get(prefix, 0) + 1
            self.tasks.append(
                TaskDraft(
                    key=self.key(f"{prefix}-{self.counter[prefix]:03d}"),
                    kind="item",
                    title=_run_in_title(body),
                    body=body,
                    section=self.section,
                    lead_in=self.lead_in,
                    unit_cells=self._take_pending(),
                )
            )
            self.after_item = True
            return
        if not self.started:
            return
        if view.text.rstrip().endswith(("：", ":")):
            self.lead_in = view
            return
        if self.tasks and self.tasks[-1].kind == "item" and self.after_item:
            # a further paragraph of the item above (no heading in between)
            last = self.tasks[-1]
            # keep the line break (the real one before this line) so lists do not run on
            brk = TextView("\n", "\n", (view.source_start - 1,))
            self.tasks[-1] = TaskDraft(**{**last.__dict__, "body": TextView.concat([last.body, brk, view])})
            return
        self.counter[prefix + "-p"] = self.counter.get(prefix + "-p", 0) + 1
        self.tasks.append(
            TaskDraft(
                key=self.key(f"{prefix}-p{self.counter[prefix + '-p']:03d}"),
                kind="paragraph",
                title=_run_in_title(view),
                body=view,
                section=self.section,
                unit_cells=self._take_pending(),
            )
        )
        self.after_item = bool(self.tasks[-1].unit_cells)

    # -- tables -------------------------------------------------------------
    def table(self, columns: Columns | None, rows: list[list[TextView]]) -> None:
        if columns is None:
            for cells in rows:
                joined = TextView.concat(cells)
                self.paragraph(joined, _is_heading(joined))
            return
        if "group" in columns.roles and not {"title", "content"} & set(columns.roles):
            # 工作任务 / 重点任务 is the only text column: it is the task itself
            columns = Columns(tuple("title" if r == "group" else r for r in columns.roles), columns.years)
        group_col = _group_column(columns, rows)
        if group_col is None and "group" in columns.roles and "title" not in columns.roles:
            # a 重点任务 column that does not group rows under headings names the task
            columns = Columns(tuple("title" if r == "group" else r for r in columns.roles), columns.years)
        roles = columns.roles
        width = len(roles)
        current_group: str | None = None
        above: dict[int, TextView] = {}
        self.lead_in = None
        self.after_item = False
        for idx, cells in enumerate(rows, 1):
            filled = [c for c in cells if c.text.strip()]
            if len(filled) == 1 and width > 1 and (len(cells) == 1 or len(set(c.source_start for c in cells)) > 1):
                nl = number_level(filled[0].text)
                if nl:  # a heading row (one cell, or one filled cell spanning the table)
                    self.heading(nl[0], filled[0])
                    current_group = filled[0].raw.strip()
                    continue
            if is_header_row([c.text for c in cells]):
                continue
            row = align(cells, width)
            for j, cell in enumerate(row):  # 同上: the same as the cell above
                if cell is not None and cell.text.strip() in ("同上", "同前") and j in above:
                    row[j] = above[j]
            above = {j: c for j, c in enumerate(row) if c is not None and c.text.strip()}
            by_role: dict[str, list[tuple[int, TextView]]] = {}
            for j, (role, cell) in enumerate(zip(roles, row)):
                if cell is not None and cell.text.strip():
                    by_role.setdefault(role if j != group_col else "group", []).append((j, cell))
            if "group" in by_role:
                current_group = by_role["group"][0][1].raw.strip()
            units = tuple(
                ({"lead": "lead", "support": "support"}.get(roles[j]), cell)
                for role in ("lead", "support", "units")
                for j, cell in by_role.get(role, [])
            )
            milestones = tuple(
                (columns.years[j] or "", cell) for j, cell in by_role.get("year", [])
            ) + tuple(("", cell) for j, cell in by_role.get("progress", []))
            title = by_role.get("title", [(0, None)])[0][1]
            content = [c for _, c in by_role.get("content", [])] + [c for _, c in by_role.get("other", [])]
            number = by_role.get("number", [(0, None)])[0][1]
            if not units and title is None and number is None and self.tasks and self.tasks[-1].kind == "row":
                if content or milestones:  # a sub-row of the previous task
                    last = self.tasks[-1]
                    self.tasks[-1] = TaskDraft(**{**last.__dict__, "extra": last.extra + tuple(content)})
                continue
            if not units and title is None and not content:
                continue
            body = content[0] if content else (title or number)
            if body is None:
                continue
            section = current_group if group_col is not None and current_group else self.section
            label = number.text.strip() if number is not None else str(idx)
            label = re.sub(r"\W+", "", label) or str(idx)
            self.tasks.append(
                TaskDraft(
                    key=self.key(f"t{self.table_count}-row-{label.zfill(3)}"),
                    kind="row",
                    title=title,
                    body=body,
                    section=section,
                    unit_cells=units,
                    milestones=milestones,
                    extra=tuple(content[1:]),
                )
            )
        self.started = True



def _group_column(columns: Columns, rows: list[list[TextView]]) -> int | None:
    """The column that groups rows (merged cells, heading-numbered values)."""
    width = len(columns)
    for j, role in enumerate(columns.roles):
        if role not in ("group", "title"):
            continue
        values = [align(r, width)[j] for r in rows if len(r) > 1]
        filled = [v for v in values if v is not None and v.text.strip()]
        if not filled:
            continue
        numbered = sum(1 for v in filled if number_level(v.text))
        sparse = len(filled) * 5 < len(values) * 3
        if role == "group" and (numbered * 2 >= len(filled) or sparse):
            return j
        if role == "title" and numbered * 2 >= len(filled) and "group" not in columns.roles:
            return j
    return None


def _unbalanced(text: str) -> bool:
    return text.count("《") > text.count("》") or text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _collect(doc: SourceDocument) -> list[object]:
    """First pass: paragraphs joined across wraps, tables as (columns, rows)."""
    elements = _elements(doc)
    out: list[object] = []
    pending: TextView | None = None
    seen_heading = False
    last_columns: Columns | None = None
    i = 0

    def flush() -> None:
        nonlocal pending, seen_heading
        if pending is not None:
            out.append(pending)
            seen_heading = seen_heading or bool(_is_heading(pending))
            pending = None

    while i < len(elements):
        el = elements[i]
        if isinstance(el, _Line) and el.tab:
            # a table flattened one cell per line: collect its cells
            cells: list[tuple[TextView, bool]] = []
            j = i
            while j < len(elements):
                e = elements[j]
                if isinstance(e, _Line) and e.tab:
                    cells.append((TextView.of(doc.text, e.block.start + 1, e.block.end).strip(), e.blank_before))
                elif isinstance(e, _Line) and cells and not e.blank_before:
                    v, blank = cells[-1]
                    begin = v.source_start if v.text else e.block.start
                    cells[-1] = (TextView.of(doc.text, begin, e.block.end).strip(), blank)
                elif isinstance(e, _Line) and cells and (_is_heading(e.view) or number_level(e.view.text)):
                    cells.append((e.view, True))
                else:
                    break
                j += 1
            made = reassemble_flat_table(cells)
            if made is not None:
                flush()
                out.append(made)
                i = j
                continue
        if isinstance(el, _Row):
            flush()
            rows: list[list[TextView]] = []
            j = i
            while j < len(elements):
                e = elements[j]
                if isinstance(e, _Line) and el.table == -1 and _is_heading(e.view) and rows:
                    # a section heading between the rows of a text table
                    nxt = elements[j + 1] if j + 1 < len(elements) else None
                    if isinstance(nxt, _Row) and nxt.table == -1:
                        rows.append([e.view])
                        j += 1
                        continue
                if not isinstance(e, _Row) or e.table != el.table:
                    break
                rows.append(e.cells)
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
                            "" if j < len(r) and c.text and c.source_start == r[j].source_start else c.text
                            for j, c in enumerate(rows[start])
                        ]
                        if is_sub_header(sub):
                            header.append(sub)
                            start += 1
                    break
            columns = (merge_header(header) if len(header) > 1 else single_header(header[0])) if header else None
            if columns is None and last_columns is not None and rows and len(rows[0]) == len(last_columns):
                columns = last_columns  # a table continued on the next page (or in a second table) without its header
            last_columns = columns or last_columns
            out.append((columns, rows[start:] if columns else rows))
            i = j
            continue
        assert isinstance(el, _Line)
        if not el.view.text:
            i += 1
            continue
        if pending is not None and (
            _unbalanced(pending.text) if not seen_heading else _joinable(pending, el)
        ):
            pending = TextView.concat([pending, el.view])
        else:
            flush()
            pending = el.view
        i += 1
    flush()
    return out


def _heading_by_context(items: list[object], k: int) -> tuple[int, int] | None:
    """A short numbered line is a heading unless the next numbered line is its sibling."""
    view = items[k]
    assert isinstance(view, TextView)
    nl = _is_heading(view)
    if not nl or nl[0] <= 1:
        return nl
    if k + 1 >= len(items) and view.text.rstrip()[-1] in "。；;":
        return None  # a sentence with nothing below it: the last item, not a heading
    for nxt in items[k + 1 : k + 2]:
        if isinstance(nxt, TextView):
            n2 = number_level(nxt.text)
            if (n2 and n2[0] <= nl[0]) or _LABEL_START.match(nxt.text):
                return None  # followed by a sibling or by its own label: an item
    return nl


def structure_document(doc: SourceDocument) -> Structure:
    """Find metadata, headings and task drafts in a document.

    >>> from policykg.records import SourceDocument
    >>> from policykg.ingest.text import line_blocks
    >>> text = "一、任务\\n1.修路。（责任单位：县交通局）\\n"
    >>> doc = SourceDocument("a.txt", "a.txt", "0" * 64, "txt", "utf-8", text, tuple(line_blocks(text)))
    >>> [(t.section, t.body.text) for t in structure_document(doc).tasks]
    [('一、任务', '修路。（责任单位：县交通局）')]
    """
    items = _collect(doc)
    b = _Builder()
    front: list[TextView] = []
    for k, item in enumerate(items):
        if isinstance(item, tuple):
            b.table_count += 1
            b.table(*item)
            continue
        assert isinstance(item, TextView)
        heading = _heading_by_context(items, k)
        if not b.started and not heading and not ANNEX_RE.match(item.text):
            front.append(item)
            b.paragraphs.append(item)
            continue
        b.paragraph(item, heading)
    policy = extract_policy(front)
    tasks = tuple(t for draft in b.tasks for t in split_enumerated(draft))
    return Structure(policy, tuple(b.headings), tasks, tuple(b.paragraphs))
