"""The outline of a document: its numbered lines as a tree, each with the unnumbered
paragraphs that follow it, and the tables in between.

No character counts decide what a heading is. Every numbered line is a node; whether
a node is a heading over tasks, a task, or neither is decided later from the
responsibility clauses in and below it (:mod:`policykg.pipeline.extract.scope`).

What this module does decide:

* **numbers**: 一、 （一） 1. （1） ① 1） 第X条 第X章, by their usual levels; a number
  directly followed by a figure (``11.121人才工程``, ``2.2023年底前``) only where the
  sequence of numbers expects it;
* **inline numbering**: ``…。2.…`` or ``…；（三）…`` inside a line starts a new item when the
  number continues a sequence (never a list introduced by a colon: ``包括：（1）…；（2）…``);
  a heading run into its first item (``四、标题（十一）条目。``) is split too;
* **wraps**: a paragraph broken by a page break or a line wrap is joined again.

>>> from policykg.pipeline.ingest.text import line_blocks
>>> from policykg.records import SourceDocument
>>> t = "一、任务\\n1.修路。（责任单位：县交通局）2.供水。（责任单位：县水务局）\\n"
>>> root = build_outline(SourceDocument("a", "a", "0" * 64, "txt", None, t, tuple(line_blocks(t))))
>>> [(n.number, n.head.text) for n in root.nodes()]
[('一、', '任务'), ('1.', '修路。（责任单位：县交通局）'), ('2.', '供水。（责任单位：县水务局）')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from policykg.pipeline.structure.flat import find_tables
from policykg.pipeline.structure.lines import read_lines
from policykg.pipeline.structure.tables import Table
from policykg.records import SourceDocument, TaskDraft
from policykg.text.lexicon import CLOSE, LABEL_RE, NON_TASK_SECTIONS, OPEN, OWNER_HEADING_RE, UNIT_HEADING_RE
from policykg.text.patterns import (
    ANNEX_RE,
    DOC_TYPE_END,
    NUMBER_BEFORE_DIGIT,
    NUMBER_PATTERNS,
    RUN_IN_TITLE_RE,
    TERMINAL,
    UNIT_END_RE,
    looks_like_unit,
    number_value,
    parse_number,
)
from policykg.text.textview import TextView

_LABEL_START = re.compile(rf"^[{re.escape(OPEN)}\s*]*" + LABEL_RE.pattern)
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
#: where an inline number may start: after a sentence end or a closing bracket
_INLINE = re.compile(r"(?<=[。；;！!？?）)】〕])\s*(?=[（(]?\s*[\d一二三四五六七八九十①-⑳])")
#: the rest of a unit list wrapped onto the next line: no sentence in it
_LIST_REST = re.compile(r"[^。；;，,：:！？!?]{1,40}")
#: a bracketed number right after a word: （二） glued to the text before it
_GLUED = re.compile(r"(?<=[\u4e00-\u9fff])[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[)）]")


@dataclass
class Node:
    """A numbered line and what follows it up to the next numbered line of its level or above.

    ``items`` holds, in document order, the unnumbered paragraphs (:class:`TextView`),
    the child nodes and the table rows (:class:`TaskDraft`) under this node. The root
    of a document has level -1 and no head; its paragraphs are the front matter and
    anything outside the numbered outline.
    """

    level: int
    number: str = ""
    head: TextView | None = None
    items: list[TextView | Node | TaskDraft] = field(default_factory=list)
    parent: Node | None = None
    annex: bool = False
    style: str = ""
    value: int | None = None

    @property
    def paras(self) -> list[TextView]:
        return [x for x in self.items if isinstance(x, TextView)]

    @property
    def children(self) -> list[Node]:
        return [x for x in self.items if isinstance(x, Node)]

    def nodes(self) -> Iterator[Node]:
        """This node's descendants in document order (not itself)."""
        for x in self.items:
            if isinstance(x, Node):
                yield x
                yield from x.nodes()

    def heading(self) -> str | None:
        """The node as a section name: its number and head (up to a run-in title's 。)."""
        if self.head is None:
            return None
        raw = self.head.raw.strip()
        m = re.match(r"^([^。；;]{2,60}?[。；;])\s*\S", self.head.text)
        if m:
            raw = self.head.raw[: m.end(1)]
        return (self.number + raw).strip()


class _Numbers:
    """The sequence of list numbers met so far, by style, to judge a doubtful number."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        self.level_of = {style: level for level, style, _ in NUMBER_PATTERNS}

    def expects(self, style: str, value: int | None) -> bool:
        if value is None:
            return False
        last = self.last.get(style)
        return value == 1 if last is None else value == last + 1

    def see(self, style: str, value: int | None) -> None:
        if value is None:
            return
        self.last[style] = value
        level = self.level_of[style]
        for other in list(self.last):
            if self.level_of[other] > level:
                del self.last[other]  # a new 一、 restarts the （一） below it


def line_number(text: str, numbers: _Numbers, pos: int = 0) -> tuple[int, str, int | None, int] | None:
    """The list number at ``text[pos:]``: ``(level, style, value, end)``, also a number
    followed by a figure when the sequence expects it."""
    n = parse_number(text, pos)
    if n:
        return n
    m = NUMBER_BEFORE_DIGIT.match(text[pos:])
    if m:
        value = number_value(m.group("v"))
        if numbers.expects("arabic", value) and numbers.last.get("arabic") is not None:
            return 3, "arabic", value, pos + m.end()
    return None


def _depth(text: str, pos: int) -> int:
    depth = 0
    for ch in text[:pos]:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
    return depth


Number = tuple[int, str, "int | None", int]  # level, style, value, end of the number


def split_inline(view: TextView, numbers: _Numbers) -> list[tuple[TextView, Number | None]]:
    """Cut a line where a new numbered item starts inside it: each piece with its list
    number (relative to the piece), read once so the sequence advances once.

    A number starts an item after a sentence end (``…。2.…``) where the sequence expects it;
    a bracketed number (（二）) also right after a word, where the line already holds an item of
    its style (a whole document on one line, its labels glued to the next item), or where it
    follows a heading run into its first item (``四、健全机制（十一）规范解读。``)."""
    text = view.text
    cuts: list[int] = []
    found: dict[int, Number] = {}
    lead = line_number(text, numbers)
    if lead:
        found[0] = lead
        numbers.see(lead[1], lead[2])
    piece_number: Number | None = lead  # the number of the piece being read
    piece_start = 0
    candidates = sorted({m.end() for m in _INLINE.finditer(text)} | {m.start() for m in _GLUED.finditer(text)})
    for k in candidates:
        if k <= piece_start or _depth(text, k) or text.count("“", 0, k) > text.count("”", 0, k):
            continue
        n = parse_number(text, k)
        if n is None:
            d = NUMBER_BEFORE_DIGIT.match(text[k:])
            n = (3, "arabic", number_value(d.group("v")), k + d.end()) if d else None
        if n is None or n[1] == "article" or not text[n[3] :].strip():
            continue
        before = text[:k].rstrip()
        fused = (n[1] in ("paren-cn", "paren-arabic") and piece_number is not None and piece_number[0] < n[0]
                 and k - piece_number[3] <= 30 and not re.search(r"[\s，,。；;：:、“”《》]", text[piece_number[3] : k]))
        if fused:  # a heading run into its item: no punctuation since the heading's number
            ok = True
        elif not numbers.expects(n[1], n[2]):
            ok = False
        elif before and before[-1] in "。！!？?；;）)】〕":
            ok = n[2] != 1 or before[-1] in "。！!？?" or (len(before) > 1 and before[-2] in "。！!？?")
        else:  # the next item of a run glued to the previous one (（二） right after a word)
            ok = n[1] in ("paren-cn", "paren-arabic") and piece_number is not None and piece_number[1] == n[1]
        if ok:
            cuts.append(k)
            found[k] = n
            numbers.see(n[1], n[2])
            piece_number, piece_start = (n[0], n[1], n[2], n[3]), k
    bounds = [0, *cuts, len(text)]
    out: list[tuple[TextView, Number | None]] = []
    for a, b in zip(bounds, bounds[1:]):
        piece = view.sub(a, b)
        lead_space = len(piece.text) - len(piece.text.lstrip())
        n = found.get(a)
        if piece.text.strip():
            out.append((piece.strip(), (n[0], n[1], n[2], n[3] - a - lead_space) if n else None))
    return out


def _unbalanced(text: str) -> bool:
    return (text.count("《") > text.count("》") or text.count("（") + text.count("(") > text.count("）") + text.count(")")
            or text.count("【") > text.count("】") or text.count("〔") > text.count("〕"))


def _joinable(prev: TextView, nxt: TextView, numbered_prev: bool) -> bool:
    """Is ``nxt`` the rest of ``prev``, split by a page break or a line wrap?"""
    p, n = prev.text.rstrip(), nxt.text
    if not p or not n:
        return False
    if _unbalanced(p) or p[-1] in "、，,":
        return not ANNEX_RE.match(n)  # an open bracket, or a list broken after its separator
    if p[-1] in TERMINAL or _DATE_LINE.match(p) or _DATE_LINE.match(n):
        return False
    if numbered_prev and not re.search(r"[。；;！？!?]", p) and len(p) <= 40:
        return False  # a heading: what follows is its text, not its rest
    if ANNEX_RE.match(n) or _LABEL_START.match(n):
        return False
    if _LABEL_START.match(p) or LABEL_RE.search(p):
        # a unit list wrapped mid-name (各街道办 / 事处、各社区党委), never the item's text
        return bool(_LIST_REST.fullmatch(n)) and ("、" in n or bool(UNIT_END_RE.search(n)))
    return True


# --- the tree -----------------------------------------------------------------------
def build_outline(doc: SourceDocument) -> Node:
    """The outline tree of a document (its root node)."""
    root = Node(-1)
    stack = [root]
    numbers = _Numbers()
    started = False
    annex = False
    last_view: TextView | None = None  # the last paragraph or head added, for joining wraps
    last_numbered = False
    for el in find_tables(read_lines(doc), doc):
        if isinstance(el, Table):
            for draft in el.drafts(section_of(stack[-1])):
                stack[-1].items.append(draft)
            last_view = None
            continue
        if not el.view.text:
            continue
        pieces = [(el.view, None)] if el.tab else split_inline(el.view, numbers)
        for k, (view, n) in enumerate(pieces):
            if n is None and last_view is not None and k == 0 and (started or _unbalanced(last_view.text)) \
                    and _joinable(last_view, view, last_numbered):
                joined = TextView.concat([last_view, view])
                _replace_last(stack, last_view, joined)
                last_view = joined
                continue
            if ANNEX_RE.match(view.text) and n is None:
                annex = True
                stack = [root]
            if n is None:
                stack[-1].items.append(view)
                last_view, last_numbered = view, False
                continue
            level, style, value, end = n
            while len(stack) > 1 and stack[-1].level >= level:
                stack.pop()
            head = view.sub(end, len(view)).strip()
            node = Node(level, view.raw[:end].strip(), head, [], stack[-1], annex, style, value)
            stack[-1].items.append(node)
            stack.append(node)
            started = True
            last_view, last_numbered = head, True
    return root


def _replace_last(stack: list[Node], old: TextView, new: TextView) -> None:
    node = stack[-1]
    if node.head is old:
        node.head = new
        return
    for i in range(len(node.items) - 1, -1, -1):
        if node.items[i] is old:
            node.items[i] = new
            return


def section_of(node: Node) -> str | None:
    """The nearest heading at or above ``node``."""
    while node is not None and node.head is None:
        node = node.parent  # type: ignore[assignment]
    return node.heading() if node is not None else None


def iter_segments(root: Node) -> Iterator[TextView]:
    """Every head and paragraph of an outline, in document order."""
    for item in root.items:
        if isinstance(item, TextView):
            yield item
        elif isinstance(item, Node):
            if item.head is not None:
                yield item.head
            yield from iter_segments(item)


def owner_heading(text: str) -> bool:
    """Does a heading only name who owns the work below it (县审计局牵头的工作, or a unit's
    name alone: 招商服务局（行政审批局）)?"""
    return OWNER_HEADING_RE.match(text.strip()) is not None or unit_heading(text) is not None


def unit_heading(text: str) -> re.Match[str] | None:
    """A heading that is only a unit's name (its other names may follow in a bracket)."""
    m = UNIT_HEADING_RE.match(text.strip())
    return m if m is not None and looks_like_unit(m.group("who")) else None


def names_only(text: str) -> bool:
    """Text that only names what follows (总体要求 / 基本原则。), with no sentence in it."""
    body = text.strip().rstrip("。；;：:")
    return len(body) <= 40 and not re.search(r"[。；;！？!?]", body) and not (len(body) > 18 and "，" in body)


def statement_section(node: Node | None) -> bool:
    """Is the node in a section of goals, principles or scope (总体要求, 基本原则 …)?"""
    while node is not None and node.head is not None:
        m = RUN_IN_TITLE_RE.match(node.head.text)
        title = m.group(1) if m else node.head.text
        if any(w in title for w in NON_TASK_SECTIONS):
            return True
        node = node.parent
    return False


def title_line(text: str) -> bool:
    """A line that names a document (…实施方案), not one that assigns work."""
    return bool(DOC_TYPE_END.search(text.strip())) and not re.search(r"[。；;，,]", text)
