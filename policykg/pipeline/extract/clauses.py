"""Responsibility clauses: the places in a text that say who does the work.

Two kinds are found in any text, before anything decides what a task is:

* **labelled lists**: a role label and the units after it, in any bracket or none
  (``（牵头单位：A；配合单位：B）``, ``【责任单位】A``, ``责任单位：A、B。``, a label line);
* **verb clauses**: a bracket whose whole content is unit lists with role verbs
  (``（A、B牵头，C按职责分工负责）``, ``（A负责。列第一位者为牵头单位，下同）``,
  ``（A指导，B参与）``). A bracket with anything else in it (``（含技工院校）``,
  ``（以下简称…）``) is not a clause;
* **bare unit lists**: a bracket of unit names alone that closes a sentence
  (``…有序化解过剩产能。（省发展改革委、工业和信息化厅）``), read as responsible.

Each clause records its span (brackets included), the unit lists it holds with their
roles, and the notes it carries (the first-listed-leads convention, a standing
assignment such as ``以下均需X落实，不再列出``). Splitting a list into unit mentions
is :mod:`policykg.pipeline.extract.units`' job; deciding which text a clause governs is
:mod:`policykg.pipeline.extract.scope`'s.

>>> t = "修路。（牵头单位：县交通局；配合单位：县财政局、各镇）"
>>> [(u.role, t[u.start:u.end]) for c in find_clauses(t) for u in c.lists]
[('lead', '县交通局'), ('support', '县财政局、各镇')]
>>> t = "加大支持。（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）"
>>> [(c.first_leads, [(u.role, t[u.start:u.end]) for u in c.lists]) for c in find_clauses(t)]
[(True, [('responsible', '人力资源社会保障部、财政部')])]
>>> find_clauses("支持各类职业院校（含技工院校）承担培训。")
[]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from policykg.pipeline.extract.units import looks_like_unit, split_units
from policykg.text.lexicon import (
    CLOSE,
    FIELD_LABEL_RE,
    FIRST_LEADS_RE,
    LABEL_RE,
    OPEN,
    OTHERS_SUPPORT_RE,
    STANDING_NOTE_RE,
    VERB_END_RE,
    label_of,
    role_of_label,
    role_of_verb,
)
from policykg.text.patterns import scan_to


@dataclass(frozen=True)
class UnitList:
    """``text[start:end]`` lists units in ``role``; ``prose`` when a verb gave the role."""

    role: str
    start: int
    end: int
    prose: bool = False


@dataclass(frozen=True)
class Clause:
    """One responsibility clause: its span in the text and what it says."""

    start: int
    end: int
    lists: tuple[UnitList, ...]
    kind: str  # "label", "verb" or "bare" (a bracket of units alone, closing a sentence)
    bracketed: bool = False
    #: the clause states that the first unit listed leads
    first_leads: bool = False
    #: units the clause assigns to every task below it (以下均需X落实，不再列出)
    standing: tuple[UnitList, ...] = ()


@dataclass(frozen=True)
class LabelledList:
    """The text a label governs: ``text[start:end]`` lists units in ``role``."""

    role: str
    label_start: int
    start: int
    end: int
    bracket: int = -1  # position of the opening bracket right before the label, or -1


def _closing(text: str, k: int, limit: int) -> int:
    """Position of the bracket that closes the one opened at ``k`` (or ``limit``)."""
    return scan_to(text, k + 1, limit, "")


def _list_end(text: str, start: int, limit: int, bracketed: bool) -> int:
    """Where a labelled list stops: its closing bracket, or a sentence end."""
    return scan_to(text, start, limit, "\n" if bracketed else "。！？!?\n")


def _trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over separators and a full stop that end a list."""
    while end > start and text[end - 1] in " \t\n；;，,、。":
        end -= 1
    return end


def find_labels(text: str, *, cell: bool = False) -> list[LabelledList]:
    """Every labelled list in ``text``.

    In a table cell (``cell=True``) a list runs to the next label or the end of
    the cell; in running text it also stops at the bracket that opened the
    label or at the end of the sentence.

    >>> t = "牵头部门：县卫健局 配合部门：县医保局"
    >>> [(x.role, t[x.start:x.end].strip()) for x in find_labels(t, cell=True)]
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
        i = bisect_left(stops, m.end())
        limit = stops[i] if i < len(stops) else len(text)
        # an opening bracket right before the label (allowing ** and spaces), or before
        # an earlier label of the same bracket (（牵头单位：A；配合单位：B）)
        k = m.start() - 1
        while k >= 0 and text[k] in " *\t":
            k -= 1
        bracket = k if k >= 0 and text[k] in OPEN and not m.group("blabel") else -1
        if bracket < 0 and out and out[-1].bracket >= 0 and _closing(text, out[-1].bracket, len(text)) > m.start():
            bracket = out[-1].bracket
        bracketed = bracket >= 0
        if bracketed:
            limit = min(limit, _closing(text, bracket, len(text)))
        end = limit if (cell or m.group("blabel")) and not bracketed else _list_end(text, m.end(), limit, bracketed)
        if m.group("blabel"):  # 【牵头单位】X: the list runs to the next label, a wide gap or the end of the line
            gap = re.compile(r"\s").search(text, m.end() + 1, end)
            end = gap.start() if gap else end
        end = _note_cut(text, m.end(), end)
        end = _trim_end(text, m.end(), end)  # the separator before the next label is not part of the list
        out.append(LabelledList(role_of_label(label_of(m)), starts[id(m)], m.end(), end, bracket))
    return out


def _note_cut(text: str, start: int, end: int) -> int:
    """A list stops at a ``；`` after which no unit follows (…；若工作涉及多个科室的，列第一的为牵头
    科室，下同): what follows is a note on the list, not part of it."""
    k = start
    while True:
        k = scan_to(text, k, end, "；;")
        if k >= end or text[k] not in "；;":
            return end
        first = re.split(r"[、，,；;]", text[k + 1 : end].strip(), maxsplit=1)[0]
        if first and not looks_like_unit(re.sub(r"等(?:单位|部门)?$", "", first)):
            return k
        k += 1


# --- verb clauses -------------------------------------------------------------------
_PART_SEPS = "，,；;。"
_DEADLINE_PART = re.compile(r"(?:\d{4}\s*年|\d{1,2}\s*月|年底|年内|长期|持续|每年|每季度|前完成|底前|之前)")
_SAME_BELOW = re.compile(r"^(?:以下|下)(?:均)?同$")
_LEADING = re.compile(r"^(?:由|并由|请)")


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Top-level parts of ``text[start:end]`` between ，；。 (never inside brackets)."""
    out = []
    depth = 0
    a = start
    for k in range(start, end):
        ch = text[k]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _PART_SEPS:
            out.append((a, k))
            a = k + 1
    out.append((a, end))
    return [(a, b) for a, b in ((_strip(text, a, b)) for a, b in out) if b > a]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def is_unit_list(text: str, start: int, end: int) -> bool:
    """Does ``text[start:end]`` consist of unit names only (every item ends like a unit)?"""
    m = _LEADING.match(text, start, end)
    if m:
        start = m.end()
    names = split_units(text, start, end)
    if not names:
        return False
    covered = sum(len(n) for n, _, _ in names)
    body = re.sub(r"[\s、，,；;及和与等]", "", text[start:end])
    return all(looks_like_unit(n) for n, _, _ in names) and covered * 10 >= len(body) * 7


def parse_verb_clause(text: str, start: int, end: int) -> Clause | None:
    """Read ``text[start:end]`` (a bracket's content) as unit lists with role verbs.

    >>> t = "市大数据局、市财政局牵头，市直各相关单位及各县(市、区)人民政府按职责分工负责"
    >>> [(u.role, t[u.start:u.end]) for u in parse_verb_clause(t, 0, len(t)).lists]
    [('lead', '市大数据局、市财政局'), ('responsible', '市直各相关单位及各县(市、区)人民政府')]
    >>> parse_verb_clause("含技工院校", 0, 5) is None
    True
    """
    standing, blank = _standing_note(text, start, end)
    lists: list[UnitList] = []
    pending: list[tuple[int, int]] = []
    first_leads = False
    for a, b in _parts(text, start, end):
        if blank and blank[0] <= a < blank[1] + 1:
            continue
        part = text[a:b]
        if FIRST_LEADS_RE.search(part):
            first_leads = True
            continue
        if OTHERS_SUPPORT_RE.search(part):
            continue  # 其余为配合单位: what the first-listed-leads convention says already
        if _SAME_BELOW.match(part) or re.fullmatch(r"不再(?:一一)?列出", part):
            continue
        vm = VERB_END_RE.search(part)
        if vm:
            role = role_of_verb(vm.group(0))
            units_end = a + vm.start()
            if role is None:
                return None
            if units_end > a and not is_unit_list(text, a, units_end):
                return None
            if units_end <= a and not pending:
                return None
            lists.extend(UnitList(role, pa, pb, True) for pa, pb in pending)
            pending = []
            if units_end > a:
                lists.append(UnitList(role, a, units_end, True))
            continue
        if is_unit_list(text, a, b):
            pending.append((a, b))
        elif not _DEADLINE_PART.search(part) or not (lists or pending):
            return None  # words that are not units, or a date in brackets (not a clause)
    if pending or not lists:
        return None
    return Clause(start, end, tuple(lists), "verb", first_leads=first_leads, standing=tuple(standing))


def _standing_note(text: str, start: int, end: int) -> tuple[list[UnitList], tuple[int, int] | None]:
    """A note in the bracket that puts units in charge of every task below it (以下均需X落实):
    those units, and the note's span (its words are not read again as a clause's)."""
    sm = STANDING_NOTE_RE.search(text, start, end)
    if sm:
        a, b = sm.span("units")
        if is_unit_list(text, a, b):
            return [UnitList("responsible", a, b, True)], sm.span()
    return [], None


def _brackets(text: str) -> list[tuple[int, int]]:
    """Top-level bracket pairs ``(open, close)`` in ``text`` (an unclosed one runs to the end)."""
    out = []
    k = 0
    while k < len(text):
        if text[k] in OPEN:
            j = _closing(text, k, len(text))
            out.append((k, j))
            k = j + 1
        else:
            k += 1
    return out


def _closes_a_sentence(text: str, a: int, b: int) -> bool:
    """Does the bracket ``text[a:b+1]`` stand at the end of a sentence (after 。, or before
    。/；/the end of the text)?"""
    before = text[:a].rstrip()
    after = text[b + 1 :].lstrip()
    return bool(before) and (before[-1] in "。；;！？!?" or (bool(after) and after[0] in "。；;"))


def find_clauses(text: str, *, cell: bool = False) -> list[Clause]:
    """Every responsibility clause in ``text``, in order.

    ``cell``: the text is a table cell, where a label's list runs to the next
    label, and where a verb clause needs no bracket (``X牵头，Y配合``).
    """
    clauses: list[Clause] = []
    labels = find_labels(text, cell=cell)
    covered: list[tuple[int, int]] = []
    groups: dict[int, list[LabelledList]] = {}
    order: list[int] = []
    for lab in labels:
        key = lab.bracket if lab.bracket >= 0 else -1 - lab.label_start
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(lab)
    for key in order:
        labs = groups[key]
        standing: list[UnitList] = []
        cut: list[LabelledList] = []
        for x in labs:  # 责任单位：A、B。以下均需C落实，不再列出: the note is not part of the list
            sm = STANDING_NOTE_RE.search(text, x.start, x.end)
            if sm:
                a, b = sm.span("units")
                if is_unit_list(text, a, b):
                    standing.append(UnitList("responsible", a, b, True))
                x = LabelledList(x.role, x.label_start, x.start, _trim_end(text, x.start, sm.start()), x.bracket)
            cut.append(x)
        labs = cut
        lists = tuple(UnitList(x.role, x.start, x.end) for x in labs)
        if key >= 0:
            s, e = key, min(_closing(text, key, len(text)) + 1, len(text))
        else:
            s, e = labs[0].label_start, labs[-1].end
            if e < len(text) and text[e] in "。；;":
                e += 1
        inner = text[s:e]
        clauses.append(Clause(s, e, lists, "label", bracketed=key >= 0,
                              first_leads=bool(FIRST_LEADS_RE.search(inner)), standing=tuple(standing)))
        covered.append((s, e))
    for a, b in _brackets(text):
        if any(s <= a < e for s, e in covered):
            continue
        clause = parse_verb_clause(text, a + 1, b)
        if clause is not None:
            clauses.append(Clause(a, min(b + 1, len(text)), clause.lists, "verb", True, clause.first_leads,
                                  clause.standing))
        elif _closes_a_sentence(text, a, b) and is_unit_list(text, a + 1, b):
            # 推动产业延链补链。（省发展改革委、工业和信息化厅）: units alone, closing the sentence
            clauses.append(Clause(a, min(b + 1, len(text)), (UnitList("responsible", a + 1, b),), "bare", True))
    if cell and not clauses:
        clause = parse_verb_clause(text, 0, len(text))
        if clause is not None:
            clauses.append(clause)
    return sorted(clauses, key=lambda c: c.start)
