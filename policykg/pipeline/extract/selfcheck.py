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

from policykg.pipeline.extract.scope import ClauseFinder, ClauseRef
from policykg.pipeline.extract.units import looks_like_unit
from policykg.pipeline.structure.outline import Node, iter_segments
from policykg.records import Leftover, SelfCheck, SourceDocument, Task
from policykg.text.lexicon import LABEL_RE
from policykg.text.textview import fold

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


def self_check(doc: SourceDocument, root: Node, clauses_of: ClauseFinder, governing: dict[str, list[ClauseRef]],
               leftovers: list[ClauseRef], tasks: list[Task]) -> SelfCheck:
    """Measure one document's extraction (see the module docstring). ``governing`` maps each
    task's key to the clauses it took its units from."""
    found = [(view, c) for view in iter_segments(root) for c in clauses_of(view)]
    used = {id(ref.clause) for refs in governing.values() for ref in refs}
    cells = sum(1 for t in tasks if t.kind == "row" and t.mentions)
    text = fold(doc.text)
    label_words = {m.start() for m in LABEL_RE.finditer(text)} | {m.start() for m in ROLE_WORD_RE.finditer(text)}
    rest = [Leftover(*view.source_span(c.start, c.end), view.raw[c.start : c.end], "clause governs no task")
            for view, c in found if id(c) not in used]
    seen = {x.start for x in rest}
    for ref in leftovers:
        a, b = ref.seg.view.source_span(ref.clause.start, ref.clause.end)
        if id(ref.clause) not in used and a not in seen:
            rest.append(Leftover(a, b, ref.seg.view.raw[ref.clause.start : ref.clause.end], "clause governs no task"))
    duplicate = []
    for key, refs in governing.items():
        roles = [ul.role for ref in refs if ref.clause.kind == "label" for ul in ref.clause.lists]
        if any(roles.count(r) > 1 for r in ("lead", "support")):
            duplicate.append(key)
    suspicious: list[str] = []
    for t in tasks:
        for m in t.mentions:
            why = _suspicious(m.name)
            if why:
                suspicious.append(f"{t.key}: {m.name} ({why})")
                rest.append(Leftover(m.start, m.end, m.text, f"mention looks like {why}"))
    scoped = sum(1 for _, c in found if id(c) in used)
    return SelfCheck(
        markers=len(label_words) + cells,
        clauses=len(found),
        scoped=scoped,
        coverage=round(scoped / len(found), 3) if found else 1.0,
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
