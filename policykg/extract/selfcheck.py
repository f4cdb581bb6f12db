"""The self-check: how much of a document was understood, measured on the document itself.

Every document gets one (:class:`~policykg.records.SelfCheck`), in the build summary,
``graph/manifest.json``, the extraction records and ``policykg inspect``:

* responsibility **markers** in the text (role labels, role words, unit cells) and the
  **clauses** found; the clauses that govern a task (**scoped**) and those that do not
  (**leftovers**, with their position and text); **coverage** = scoped ÷ found;
* **numbering gaps** (（一） then （三）), a task with **two labels of the same role**,
  and **suspicious** mentions that look like a person, a sentence or a fragment.

A document with markers but no task that assigns a unit was not understood: the
build says so (and ``--strict`` fails) instead of passing an empty result as success.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..lexicon import LABEL_RE
from ..records import Leftover, SelfCheck, SourceDocument, Task, TaskDraft
from ..structure.outline import Node, iter_segments
from ..textview import fold
from .scope import ClauseRef, Scoped, Seg
from .units import looks_like_unit

if TYPE_CHECKING:
    from .tasks import Extractor

#: words that signal an assignment in running text
ROLE_WORD_RE = re.compile(r"牵头|配合|协办|协助|主办|负责(?!人)|参与")
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def _numbering_gaps(root: Node) -> list[str]:
    gaps: list[str] = []
    for node in [root, *root.nodes()]:
        last: dict[str, tuple[int, str]] = {}
        for child in node.children:
            if child.value is None:
                continue
            prev = last.get(child.style)
            if prev is not None and child.value not in (prev[0] + 1, 1):
                gaps.append(f"{child.number} after {prev[1]}")
            last[child.style] = (child.value, child.number)
    return gaps


def self_check(doc: SourceDocument, root: Node, ex: Extractor, scoped: list[Any],
               leftovers: list[ClauseRef], tasks: list[Task]) -> SelfCheck:
    """Measure one document's extraction (see the module docstring)."""
    found: list[ClauseRef] = []
    for view in iter_segments(root):
        for c in ex.clauses_of(view):
            found.append(ClauseRef(Seg(view, []), c))
    used: set[int] = set()
    cells = 0
    for s in scoped:
        if isinstance(s, TaskDraft):
            cells += sum(1 for _, v in s.unit_cells if v.text.strip())
            continue
        for ref in s.clauses + s.inherited:
            used.add(id(ref.clause))
    text = fold(doc.text)
    label_words = {m.start() for m in LABEL_RE.finditer(text)} | {m.start() for m in ROLE_WORD_RE.finditer(text)}
    markers = len(label_words) + cells
    rest = [Leftover(*ref.seg.view.source_span(ref.clause.start, ref.clause.end),
                     ref.seg.view.raw[ref.clause.start : ref.clause.end], "clause governs no task")
            for ref in found if id(ref.clause) not in used]
    for ref in leftovers:
        if id(ref.clause) not in used and not any(x.start == ref.seg.view.source_span(ref.clause.start, ref.clause.end)[0]
                                                   for x in rest):
            a, b = ref.seg.view.source_span(ref.clause.start, ref.clause.end)
            rest.append(Leftover(a, b, ref.seg.view.raw[ref.clause.start : ref.clause.end], "clause governs no task"))
    scoped_n = sum(1 for ref in found if id(ref.clause) in used)
    duplicate: list[str] = []
    for s, t in _pairs(scoped, tasks):
        roles = [ul.role for ref in s.clauses for ul in ref.clause.lists if ref.clause.kind == "label"]
        if any(roles.count(r) > 1 for r in ("lead", "support")):
            duplicate.append(t.key)
    suspicious: list[str] = []
    for t in tasks:
        for m in t.mentions:
            why = _suspicious(m.name)
            if why:
                suspicious.append(f"{t.key}: {m.name} ({why})")
                rest.append(Leftover(m.start, m.end, m.text, f"mention looks like {why}"))
    return SelfCheck(
        markers=markers,
        clauses=len(found),
        scoped=scoped_n,
        coverage=round(scoped_n / len(found), 3) if found else 1.0,
        tasks_with_units=sum(1 for t in tasks if t.mentions),
        numbering_gaps=tuple(_numbering_gaps(root)),
        duplicate_roles=tuple(duplicate),
        suspicious=tuple(suspicious),
        leftovers=tuple(sorted(rest, key=lambda x: x.start)),
    )


def _suspicious(name: str) -> str | None:
    if re.search(r"[。；;！？!?]", name) or len(name) > 30:
        return "a sentence"
    if looks_like_unit(name):
        return None
    if _PERSON.match(name):
        return "a person or a fragment"
    if len(name) < 2:
        return "a fragment"
    return None


def _pairs(scoped: list[Any], tasks: list[Task]) -> list[tuple[Scoped, Task]]:
    """Scoped items with clauses, paired with their tasks by span."""
    out = []
    by_start: dict[int, Task] = {}
    for t in tasks:
        by_start.setdefault(t.start, t)
    for s in scoped:
        if isinstance(s, Scoped) and s.clauses and any(p.text for p in s.parts):
            found = by_start.get(min(p.source_start for p in s.parts if p.text))
            if found is not None:
                out.append((s, found))
    return out
