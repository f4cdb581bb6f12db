"""Scope: give every responsibility clause the text it governs; that text is a task.

The clauses of every paragraph are found first (:mod:`policykg.pipeline.extract.clauses`);
then the outline (:mod:`policykg.pipeline.structure.outline`) is walked once:

* a clause that closes an item or a paragraph governs it (``1.修路。（责任单位：X）``);
* several clauses in one item each govern the run of sentences since the previous
  clause (``…（X负责）…（Y牵头，Z配合）``), and each run is a task;
* a label line governs the item it stands in (after its text, or between its title
  and its text); a label line after sub-items that have none governs their parent;
* label lines written *before* their items (the parent ends with a label, and every
  item but the last ends with one) govern the item that follows them;
* a clause in a heading makes the heading the task, with its items when they have
  no clause of their own;
* a lead-in (``驻村工作队要做到：``) gives its units to the items below it;
* table rows carry their units in their cells;
* text without any clause is read for prose assignments (由X负责, X牵头), and a
  numbered item with neither is still a task, with no unit.

A clause that governs nothing is never dropped: it is returned as a leftover, with
its position and text, for the self-check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from policykg.pipeline.extract.clauses import Clause
from policykg.pipeline.extract.prose import find_prose
from policykg.pipeline.structure.outline import (
    Node,
    names_only,
    owner_heading,
    section_of,
    statement_section,
    title_line,
    unit_heading,
)
from policykg.records import TaskDraft
from policykg.text.lexicon import DUTY_START_RE, FIELD_LABEL_RE
from policykg.text.patterns import RUN_IN_TITLE_RE
from policykg.text.textview import TextView

ClauseFinder = Callable[[TextView], list[Clause]]

_PUNCT = re.compile(r"[\s。，,、；;：:！？!?…“”\"'（）()【】〔〕\[\]*·•\-—]+")


@dataclass
class Seg:
    """A piece of a node's body (its head or a paragraph) and the clauses in it."""

    view: TextView
    clauses: list[Clause]
    head: bool = False

    def label_line(self, c: Clause) -> bool:
        """Does the clause fill its paragraph (a label line)?"""
        return not self.head and not has_content(self.view.text[: c.start]) and not has_content(self.view.text[c.end :])


@dataclass
class ClauseRef:
    """A clause and the paragraph it stands in."""

    seg: Seg
    clause: Clause


@dataclass
class Scoped:
    """What scope decides for one task: its text and where its units come from."""

    kind: str
    parts: list[TextView]
    section: str | None
    clauses: list[ClauseRef] = field(default_factory=list)
    inherited: list[ClauseRef] = field(default_factory=list)
    prose: list[TextView] = field(default_factory=list)
    title: TextView | None = None
    node: Node | None = None
    letter: str = ""
    #: field lines of the task (时限要求：…, 责任人：…): read for milestones and persons, not text
    fields: list[TextView] = field(default_factory=list)
    #: headings above the task that name who owns it (县审计局牵头的工作, 王志刚县长负责的工作)
    owners: list[TextView] = field(default_factory=list)


def has_content(text: str) -> bool:
    """Is there anything but punctuation and field lines (时限要求：…) in ``text``?"""
    t = text.strip()
    if not t:
        return False
    if FIELD_LABEL_RE.match(t.lstrip("（(【〔[ ")):
        return False
    return bool(_PUNCT.sub("", t))


def _field_line(text: str) -> bool:
    """A paragraph that is only a field (完成时限：2023年底前, 责任人：张三)."""
    return bool(FIELD_LABEL_RE.match(text.strip().lstrip("（(【〔[ ")))


def _run_in_title(view: TextView) -> TextView | None:
    m = RUN_IN_TITLE_RE.match(view.text)
    return view.sub(0, m.end(1)) if m else None


def _title(node: Node) -> TextView | None:
    return _run_in_title(node.head) if node.head is not None else None


def _groups(segs: list[Seg]) -> list[list[ClauseRef]]:
    """Clauses that follow each other with no text between them form one group."""
    groups: list[list[ClauseRef]] = []
    prev: tuple[int, int] | None = None  # (segment index, end) of the previous clause
    for si, seg in enumerate(segs):
        for c in seg.clauses:
            joined = False
            if prev is not None and groups:
                psi, pend = prev
                between = segs[psi].view.text[pend:] if psi < si else ""
                between += "".join(s.view.text for s in segs[psi + 1 : si])
                between += seg.view.text[: c.start] if psi < si else seg.view.text[pend : c.start]
                joined = not has_content(between)
            if joined:
                groups[-1].append(ClauseRef(seg, c))
            else:
                groups.append([ClauseRef(seg, c)])
            prev = (si, c.end)
    return groups


def _label_group(group: list[ClauseRef]) -> bool:
    return all(r.seg.label_line(r.clause) for r in group)


class Scoper:
    """Walks an outline once and decides every task's text and clauses."""

    def __init__(self, clauses_of: ClauseFinder) -> None:
        self.clauses_of = clauses_of
        self.out: list[Scoped | TaskDraft] = []
        self.leftovers: list[ClauseRef] = []
        self.owners: list[TextView] = []  # owner headings around the node being read
        self._segs: dict[int, tuple[Node, list[Seg]]] = {}

    # -- helpers -----------------------------------------------------------------------
    def segs(self, node: Node) -> list[Seg]:
        """The node's head and paragraphs, with their clauses (cached)."""
        key = id(node)
        if key not in self._segs:
            segs = []
            if node.head is not None:
                segs.append(Seg(node.head, self.clauses_of(node.head), True))
            segs.extend(Seg(p, self.clauses_of(p)) for p in node.paras)
            # the node is kept with its segments: while it lives, no other node can take its id
            self._segs[key] = (node, segs)
        return self._segs[key][1]

    def has_clauses(self, node: Node) -> bool:
        return any(s.clauses for s in self.segs(node)) or any(self.has_clauses(c) for c in node.children)

    def subtree_text(self, node: Node) -> list[TextView]:
        parts = [s.view for s in self.segs(node)]
        for c in node.children:
            parts.extend(self.subtree_text(c))
        return parts

    @staticmethod
    def sibling_task(node: Node) -> bool:
        """Is a short numbered line one of a list of items (another leaf numbered in the same
        style beside it), rather than a heading with nothing under it?"""
        if node.parent is None:
            return False
        return any(sib is not node and sib.style == node.style and not sib.children for sib in node.parent.children)

    def heading_with_clause(self, node: Node) -> bool:
        """Is the node's head a heading (a short title) once its clauses are left out?"""
        if node.head is None:
            return False
        seg = self.segs(node)[0]
        text = seg.view.text
        for c in reversed(seg.clauses):
            text = text[: c.start] + text[c.end :]
        return names_only(text)

    def trailing_label_group(self, node: Node) -> list[ClauseRef] | None:
        """Label lines that end the node's own text, after some content."""
        segs = self.segs(node)
        groups = _groups(segs)
        if not groups or not _label_group(groups[-1]):
            return None
        last = groups[-1][-1]
        idx = segs.index(last.seg)
        if any(has_content(s.view.text) for s in segs[idx + 1 :]):
            return None
        return groups[-1]

    # -- the walk ----------------------------------------------------------------------
    def run(self, root: Node) -> list[Scoped | TaskDraft]:
        self.root_paragraphs(root)
        return self.out

    def root_paragraphs(self, root: Node) -> None:
        """The root's paragraphs (front matter, unnumbered text) and its nodes and tables.

        Consecutive paragraphs form pseudo-items: a paragraph with text starts one, and
        the label lines after it belong to it."""
        pending: list[TextView] = []
        # front matter (before the first numbered line or table) is not read for prose
        # when the document has an outline: notices, titles and preambles assign nothing
        front = any(not isinstance(x, TextView) for x in root.items)

        def flush() -> None:
            if pending:
                pseudo = Node(-1, "", None, list(pending), root)
                self.items_of(pseudo, section_of(root), prose=not front)
                pending.clear()

        signed = _signed_duties(root.items)
        for item in root.items:
            if isinstance(item, TextView) and id(item) in signed:
                flush()
                unit = signed[id(item)]
                if unit is not None:  # the duties; the unit line after them is taken with them
                    self.emit(Scoped("paragraph", [item], section_of(root), title=_run_in_title(item), owners=[unit]))
                continue
            if isinstance(item, TextView):
                segs = [Seg(item, self.clauses_of(item))]
                if pending and segs[0].clauses and segs[0].label_line(segs[0].clauses[0]):
                    pending.append(item)
                    continue
                flush()
                pending.append(item)
            elif isinstance(item, Node):
                flush()
                front = False
                self.node(item, [])
            else:
                flush()
                front = False
                self.row(item)
        flush()

    def node(self, node: Node, inherited: list[ClauseRef]) -> None:
        """Decide the tasks of a numbered node and of what is below it."""
        owner = node.head is not None and owner_heading(node.head.text)
        if owner:
            assert node.head is not None
            self.owners.append(node.head)
        try:
            self._node(node, inherited)
        finally:
            if owner:
                self.owners.pop()

    def _node(self, node: Node, inherited: list[ClauseRef]) -> None:
        segs = self.segs(node)
        children = node.children
        before = self._labels_before(node, children)
        # label lines that stand before the first item are its own, not the node's
        groups = [g for g in _groups(segs) if g != before]
        children_with = [self.has_clauses(c) for c in children]
        section = section_of(node.parent) if node.parent is not None else None

        # label lines after sub-items that have none: they govern the parent
        if not groups and len(children) >= 2 and children_with[-1] and not any(children_with[:-1]):
            last = children[-1]
            trailing = self.trailing_label_group(last)
            if trailing is not None and len(_groups(self.segs(last))) == 1 and not last.children:
                self.emit_whole(node, [trailing], section, inherited)
                self.tables(node)
                return

        if groups and not any(children_with) and len(groups) == 1 and self.heading_with_clause(node):
            self.single(node, groups[0], section, whole=True)
            self.tables(node)
            return
        if groups:
            if len(groups) == 1:
                self.single(node, groups[0], section, whole=False)
            else:
                self.runs(node, segs, groups, section)
            self.children(node, [])
            return

        # no clause in the node's own text
        lead_in = self.lead_in(node)
        if children:
            intro = segs[1:] if not statement_section(node) else []
            if intro and node.head is not None and names_only(node.head.text) and intro[0].view is not lead_in \
                    and find_prose(intro[0].view.text):
                # 一、治理蔬菜污染 / 由市农业局承办，市质监局协办。…: the heading's work, assigned
                # in the paragraph under it
                self.emit(Scoped("item", [segs[0].view, intro[0].view], section_of(node.parent) if node.parent else None,
                                 prose=[intro[0].view], title=node.head, node=node))
                intro = intro[1:]
            for seg in intro:  # introductory paragraphs may assign in prose
                if lead_in is None or seg.view is not lead_in:
                    self.prose_paragraph(seg.view, node.heading())
            self.children(node, inherited + ([ClauseRef(Seg(lead_in, []), _LEAD_IN)] if lead_in is not None else []))
            return
        title = _title(node)
        if statement_section(node):
            self.tables(node)  # goals, principles, scope: not tasks unless a clause says so
            return
        if inherited:
            self.emit(Scoped("item", [s.view for s in segs], section, inherited=list(inherited), title=title,
                             node=node))
        else:
            prose_parts = [s.view for s in segs]
            task_like = not names_only(node.head.text if node.head else "") or (
                not node.paras and self.sibling_task(node))
            if task_like or any(find_prose(p.text) for p in prose_parts):
                self.emit(Scoped("item", prose_parts, section, prose=prose_parts, title=title, node=node))
        self.tables(node)

    def tables(self, node: Node) -> None:
        """The table rows directly under a node."""
        for x in node.items:
            if isinstance(x, TaskDraft):
                self.row(x)

    def row(self, draft: TaskDraft) -> None:
        self.out.append(replace(draft, owners=tuple(self.owners) + draft.owners) if self.owners else draft)

    def children(self, node: Node, inherited: list[ClauseRef]) -> None:
        """The children of a node, in document order with its table rows; label lines
        written before their items move to the item that follows them."""
        before = self._labels_before(node, node.children)
        carry = before
        for item in node.items:
            if isinstance(item, TaskDraft):
                self.row(item)
            elif isinstance(item, Node):
                if before is None:
                    self.node(item, inherited)
                    continue
                own = self.trailing_label_group(item)
                self._node_with_label(item, carry, own, inherited)
                carry = own
        if before is not None and carry:
            self.leftovers.extend(carry)

    def _labels_before(self, node: Node, kids: list[Node]) -> list[ClauseRef] | None:
        """Label lines written before their items: the node's text ends with label lines,
        every child but the last ends with label lines, and the last does not."""
        if len(kids) < 2:
            return None
        segs = self.segs(node)
        groups = _groups(segs)
        if not groups or not _label_group(groups[-1]):
            return None
        idx = segs.index(groups[-1][-1].seg)
        if any(has_content(s.view.text) for s in segs[idx + 1 :]):
            return None
        trailing = [self.trailing_label_group(k) is not None for k in kids]
        return groups[-1] if all(trailing[:-1]) and not trailing[-1] else None

    def _node_with_label(self, node: Node, given: list[ClauseRef] | None, own: list[ClauseRef] | None,
                         inherited: list[ClauseRef]) -> None:
        segs = self.segs(node)
        if own is not None:
            keep = [s for s in segs if s is not own[0].seg and all(s is not r.seg for r in own)]
        else:
            keep = segs
        section = section_of(node.parent) if node.parent is not None else None
        scoped = Scoped("item", [s.view for s in keep], section, clauses=list(given or []), title=_title(node),
                        node=node)
        if not given:
            scoped.prose = [s.view for s in keep]
            scoped.inherited = list(inherited)
        self.emit(scoped)
        self.children(node, inherited)

    def lead_in(self, node: Node) -> TextView | None:
        """A paragraph ending in a colon before the items, whose subject they inherit."""
        if not node.children:
            return None
        paras = [p for p in node.paras if p.text.strip()]
        if paras and paras[-1].text.rstrip().endswith(("：", ":")) and find_prose(paras[-1].text) \
                and not all(self.assigns(c) for c in node.children):
            return paras[-1]
        return None

    def assigns(self, node: Node) -> bool:
        """Does the node's own text name who does its work (a clause, or prose)?"""
        return any(s.clauses or find_prose(s.view.text) for s in self.segs(node))

    # -- emitting ------------------------------------------------------------------------
    def emit(self, scoped: Scoped) -> None:
        scoped.owners = list(self.owners) + scoped.owners
        text = [p for p in scoped.parts if not _field_line(p.text)]
        if text:
            scoped.fields = [p for p in scoped.parts if _field_line(p.text)]
            scoped.parts = text
        self.out.append(scoped)

    def emit_whole(self, node: Node, groups: list[list[ClauseRef]], section: str | None,
                   inherited: list[ClauseRef]) -> None:
        refs = [r for g in groups for r in g]
        parts = [p for p in self.subtree_text(node) if not any(p is r.seg.view for r in refs)]
        self.emit(Scoped("item", parts, section, clauses=refs, title=_title(node), node=node))

    def single(self, node: Node, group: list[ClauseRef], section: str | None, *, whole: bool) -> None:
        """One clause group in the node's text: it governs the node (with its children
        when ``whole``), except paragraphs after a clause that closed a paragraph."""
        segs = self.segs(node)
        first, last = group[0], group[-1]
        idx = segs.index(last.seg)
        closing = not first.seg.label_line(first.clause) and not has_content(last.seg.view.text[last.clause.end :]) \
            and has_content(first.seg.view.text[: first.clause.start])
        after = [s for s in segs[idx + 1 :] if has_content(s.view.text)] if closing else []
        label_segs = {id(r.seg) for r in group if r.seg.label_line(r.clause)}
        parts = [s.view for s in segs if id(s) not in label_segs and s not in after]
        if whole:
            for c in node.children:
                parts.extend(self.subtree_text(c))
        kind = "item" if node.head is not None else "paragraph"
        title = _title(node) if node.head is not None else (_run_in_title(parts[0]) if parts else None)
        self.emit(Scoped(kind, parts, section, clauses=list(group), title=title, node=node))
        for s in after:
            self.prose_paragraph(s.view, section)

    def runs(self, node: Node, segs: list[Seg], groups: list[list[ClauseRef]], section: str | None) -> None:
        """Several clause groups: each governs the text since the previous one. Text after
        the last group stays with it in the same paragraph; later paragraphs are read alone."""
        group_of = {id(r.clause): gi for gi, g in enumerate(groups) for r in g}
        runs: list[tuple[list[TextView], list[ClauseRef]]] = []
        parts: list[TextView] = []
        current = -1
        last_seg = max(i for i, s in enumerate(segs) if s.clauses)
        later: list[TextView] = []
        for si, seg in enumerate(segs):
            pos = 0
            for c in seg.clauses:
                gi = group_of[id(c)]
                if gi != current:
                    piece = seg.view.sub(pos, c.start)
                    if has_content(piece.text):
                        parts.append(piece.strip())
                    runs.append((parts, list(groups[gi])))
                    parts = []
                    current = gi
                pos = c.end
            rest = seg.view.sub(pos, len(seg.view))
            if not has_content(rest.text):
                continue
            if si < last_seg:
                parts.append(rest.strip())
            elif si == last_seg:
                runs[-1][0].append(rest.strip())
            else:
                later.append(rest.strip())
        kind = "item" if node.head is not None else "paragraph"
        multiple = sum(1 for r in runs if r[0]) > 1
        letters = _letters()
        for run_parts, refs in runs:
            if not run_parts:
                # a clause right after another group with no text of its own: it joins it
                if self.out and isinstance(self.out[-1], Scoped) and self.out[-1].node is node:
                    self.out[-1].clauses.extend(refs)
                else:
                    self.leftovers.extend(refs)
                continue
            starts_node = node.head is not None and run_parts[0].source_start == node.head.source_start
            self.emit(Scoped(kind, run_parts, section, clauses=list(refs), node=node,
                             title=_run_in_title(run_parts[0]) if starts_node else None,
                             letter=next(letters) if multiple else ""))
        for view in later:
            self.prose_paragraph(view, section)

    def prose_paragraph(self, view: TextView, section: str | None) -> None:
        """A paragraph outside any clause's reach: a task if prose assigns units in it."""
        if find_prose(view.text):
            self.emit(Scoped("paragraph", [view], section, prose=[view], title=_run_in_title(view)))

    def items_of(self, pseudo: Node, section: str | None, *, prose: bool) -> None:
        """A run of root paragraphs (a paragraph and its label lines)."""
        segs = self.segs(pseudo)
        groups = _groups(segs)
        if not groups:
            for s in segs:
                if prose and not title_line(s.view.text):
                    self.prose_paragraph(s.view, section)
            return
        if len(groups) == 1:
            self.single(pseudo, groups[0], section, whole=False)
        else:
            self.runs(pseudo, segs, groups, section)


def _signed_duties(items: list[Node | TextView | TaskDraft]) -> dict[int, TextView | None]:
    """Paragraphs of duties each followed by a line that only names their unit (负责…。 /
    区教育局（计划财务科）), when the document does this at least twice: ``id`` of each
    paragraph → its unit line, and of each unit line → ``None``."""
    out: dict[int, TextView | None] = {}
    for a, b in zip(items, items[1:]):
        if isinstance(a, TextView) and isinstance(b, TextView) and DUTY_START_RE.match(a.text) \
                and not find_prose(a.text) and unit_heading(b.text) is not None:
            out[id(a)], out[id(b)] = b, None
    return out if len(out) >= 4 else {}


#: a stand-in clause for a lead-in paragraph (its units come from prose)
_LEAD_IN = Clause(0, 0, (), "lead-in")


def scope_outline(root: Node, clauses_of: ClauseFinder) -> tuple[list[Scoped | TaskDraft], list[ClauseRef]]:
    """Tasks (scoped text, or table row drafts) in document order, and the clauses no text took."""
    s = Scoper(clauses_of)
    out = s.run(root)
    return out, s.leftovers


def _letters() -> Iterator[str]:
    """a, b, … z, aa, ab, …: the letters that tell apart the tasks of one paragraph."""
    n = 0
    while True:
        name, k = "", n
        while k >= 0:
            name = chr(ord("a") + k % 26) + name
            k = k // 26 - 1
        yield name
        n += 1
