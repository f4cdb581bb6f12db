"""How a document was read, for a researcher who wants to see why: ``policykg inspect FILE``.

The report lists the self-check (markers, clauses found and scoped, coverage), the policy
metadata, then the outline in document order: each heading, and under it each task with
its character span in the document text, the clauses it took its units from, its units
by role, persons, assessors and milestones; last, the clauses that govern no task and the
other findings of the self-check.

>>> print(inspect_text("一、任务\\n1.修路。（责任单位：县交通局）\\n3.供水。\\n（责任单位：县水务局）\\n", name="a.txt"))
a.txt (txt, utf-8): 2 tasks, 2 with units, 2 assignments
self-check: 2 markers, 2 clauses found, 2 scoped, coverage 1.00
policy: title – | 文号 – | issuers – | date – | jurisdiction –
<BLANKLINE>
一、任务
  ▸ body-001 1. [7–21] 修路。（责任单位：县交通局）
      clause [10–21] （责任单位：县交通局）
      responsible: 县交通局
  ▸ body-002 3. [24–27] 供水。
      clause [28–39] （责任单位：县水务局）
      responsible: 县水务局
<BLANKLINE>
numbering gaps: 3. after 1.
"""

from __future__ import annotations

import hashlib

from policykg.pipeline import trace_document
from policykg.pipeline.extract import Trace
from policykg.pipeline.structure.outline import Node
from policykg.records import Extraction, SourceDocument, Task

ROLE_NAMES = ("lead", "support", "responsible")


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _task_lines(t: Task, trace: Trace, text: str, indent: str) -> list[str]:
    number = f" {t.number}" if t.number else ""
    what = t.text if not t.title or t.text.startswith(t.title) else f"{t.title} | {t.text}"
    out = [f"{indent}▸ {t.key}{number} [{t.start}–{t.end}] {_short(what)}"]
    for a, b in trace.clauses.get(t.key, ()):
        out.append(f"{indent}    clause [{a}–{b}] {_short(text[a:b], 60)}")
    for role in ROLE_NAMES:
        names = [m.name + (" (prose)" if m.prose else "") for m in t.mentions if m.role == role]
        if names:
            out.append(f"{indent}    {role}: {'、'.join(names)}")
    if t.persons:
        out.append(f"{indent}    persons: {'、'.join(p.name for p in t.persons)}")
    if t.assessors:
        out.append(f"{indent}    assessors: {'、'.join(m.name for m in t.assessors)}")
    if t.milestones:
        out.append(f"{indent}    milestones: " + "; ".join(f"{m.year or '?'}: {_short(m.text, 30)}" for m in t.milestones))
    if not t.mentions:
        out.append(f"{indent}    (no unit)")
    return out


def render(ex: Extraction, trace: Trace, doc: SourceDocument) -> str:
    """The inspection report of one document (see the module docstring)."""
    check = ex.check
    tasks = sorted(ex.tasks, key=lambda t: (t.start, t.key))
    encoding = f", {doc.encoding}" if doc.encoding else ""
    lines = [
        f"{ex.doc} ({ex.format}{encoding}): {_plural(len(tasks), 'task')}, "
        f"{sum(1 for t in tasks if t.mentions)} with units, {_plural(sum(len(t.mentions) for t in tasks), 'assignment')}",
        f"self-check: {_plural(check.markers, 'marker')}, {_plural(check.clauses, 'clause')} found, {check.scoped} scoped, "
        f"coverage {check.coverage:.2f}" + ("" if check.understood else " — NOT UNDERSTOOD: markers but no task assigns a unit"),
        "policy: " + " | ".join(f"{label} {value or '–'}" for label, value in (
            ("title", ex.policy.title), ("文号", ex.policy.doc_number), ("issuers", "、".join(ex.policy.issuers)),
            ("date", ex.policy.date), ("jurisdiction", ex.policy.jurisdiction))),
        "",
    ]
    starts = {t.start for t in tasks}
    events: list[tuple[int, int, list[str]]] = []

    def walk(node: Node, depth: int) -> None:
        for item in node.items:
            if isinstance(item, Node):
                if item.head is not None and item.head.source_start not in starts:
                    label = f"{item.number}{_short(item.head.raw, 40)}"
                    events.append((item.head.source_start, 0, ["  " * depth + label]))
                walk(item, depth + 1)

    walk(trace.outline, 0)
    heads = sorted((pos, len(ev[0]) - len(ev[0].lstrip())) for pos, _, ev in events)
    for t in tasks:
        depth = max((d + 2 for pos, d in heads if pos <= t.start), default=0)
        events.append((t.start, 1, _task_lines(t, trace, doc.text, " " * depth)))
    for _, _, ev in sorted(events, key=lambda e: (e[0], e[1])):
        lines.extend(ev)
    leftovers = [x for x in check.leftovers]
    if leftovers:
        lines += ["", "leftovers (clauses that govern no task, suspicious mentions):"]
        lines += [f"  [{x.start}–{x.end}] {_short(x.text, 50)} — {x.why}" for x in leftovers]
    if check.numbering_gaps:
        lines += ["", "numbering gaps: " + "; ".join(check.numbering_gaps)]
    if check.duplicate_roles:
        lines += ["", "tasks with two labels of the same role: " + ", ".join(check.duplicate_roles)]
    return "\n".join(lines)


def inspect_document(doc: SourceDocument) -> str:
    """Read one document and report how (see the module docstring)."""
    ex, trace = trace_document(doc)
    return render(ex, trace, doc)


def inspect_text(text: str, *, name: str = "text.txt") -> str:
    """:func:`inspect_document` for a string, as if it were a UTF-8 .txt file."""
    from policykg.pipeline.ingest.text import line_blocks

    doc = SourceDocument(name, name, hashlib.sha256(text.encode()).hexdigest(), "txt", "utf-8", text,
                         tuple(line_blocks(text)))
    return inspect_document(doc)
