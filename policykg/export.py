"""Tables out of a built graph: assignments, tasks, units, places, pairings, corrections (rows of plain
dicts, snake_case columns). Tasks and units are named by their ids, the keys of their IRIs
in the graph (``task``: ``<document id>/body-002``; ``unit``: ``遂溪县/县财政局``).

One assignment row per (task, unit, role); a task with no unit appears once
with ``role``/``mention``/``unit`` set to ``None``. ``start``/``end`` are the
mention's character span in the document text, so
``text[start:end] == mention``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from policykg.records import Extraction, Task, task_id

ASSIGNMENT_FIELDS = (
    "doc", "task", "canonical_task", "task_title", "task_text", "section", "role", "mention", "unit", "unit_label",
    "start", "end", "prose", "jurisdiction", "task_persons", "task_assessors",
)
TASK_FIELDS = (
    "doc", "task", "key", "kind", "number", "title", "text", "section", "jurisdiction", "themes", "restates",
    "canonical_task", "lead_units", "support_units", "responsible_units", "start", "end",
)
UNIT_FIELDS = (
    "unit", "label", "jurisdiction", "kind", "unit_type", "aliases", "documents",
    "lead_tasks", "support_tasks", "responsible_tasks",
)
PLACE_FIELDS = ("doc", "name", "type", "parent", "start", "end", "jurisdiction")
PAIRING_FIELDS = ("doc", "helper", "helped", "kind", "start", "end", "jurisdiction")
CORRECTION_FIELDS = ("doc", "task", "action", "before", "after", "who", "when", "why", "anchoring", "source", "id")


def canonical_task(ex: Extraction, t: Task) -> str:
    """The id of the task ``t`` counts as: the body task it restates, or itself."""
    return task_id(ex.doc_id, t.restates or t.key)


def assignment_rows(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    """Rows for ``export assignments``. ``canonical_task`` is the body task a table row
    restates (or the task itself): count distinct canonical tasks to count each task once."""
    for ex in extractions:
        for t in ex.tasks:
            base = {
                "doc": ex.doc,
                "task": task_id(ex.doc_id, t.key),
                "canonical_task": canonical_task(ex, t),
                "task_title": t.title,
                "task_text": t.text,
                "section": t.section,
                "jurisdiction": ex.policy.jurisdiction,
                # people (责任领导) and scoring bodies (评分部门) named beside the task: never doers
                "task_persons": "、".join(p.name for p in t.persons) or None,
                "task_assessors": "、".join(m.name for m in t.assessors) or None,
            }
            if not t.mentions:
                yield {**base, "role": None, "mention": None, "unit": None, "unit_label": None,
                       "start": None, "end": None, "prose": None}
            for m in t.mentions:
                unit = ex.units.get(m.name)
                yield {
                    **base,
                    "role": m.role,
                    "mention": m.text,
                    "unit": unit.id if unit else None,
                    "unit_label": unit.label if unit else None,
                    "start": m.start,
                    "end": m.end,
                    "prose": m.prose,
                }


def local_name(iri: str) -> str:
    """The last segment of an IRI: the id the tables give a theme or a unit type."""
    return iri.rsplit("/", 1)[-1]


def task_rows(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    """One row per task: where it is, its text, themes, the task it restates (a table row
    that says again what a body task says), and its units by role (canonical names joined
    with 、)."""
    for ex in extractions:
        for t in ex.tasks:
            by_role: dict[str, list[str]] = {"lead": [], "support": [], "responsible": []}
            for m in t.mentions:
                label = ex.units[m.name].label if m.name in ex.units else m.name
                if label not in by_role[m.role]:
                    by_role[m.role].append(label)
            yield {
                "doc": ex.doc, "task": task_id(ex.doc_id, t.key), "key": t.key, "kind": t.kind, "number": t.number,
                "title": t.title, "text": t.text, "section": t.section, "jurisdiction": ex.policy.jurisdiction,
                "themes": "、".join(local_name(x) for x in t.themes) or None,
                "restates": task_id(ex.doc_id, t.restates) if t.restates else None,
                "canonical_task": canonical_task(ex, t),
                **{f"{role}_units": "、".join(names) or None for role, names in by_role.items()},
                "start": t.start, "end": t.end,
            }


def unit_rows(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    """One row per unit (by id) over the whole corpus: its canonical name, jurisdiction, kind
    and type, the names it is written as, and in how many documents and tasks it has each role
    (a table row that restates a body task counts as that task: each task once)."""
    units: dict[str, dict[str, Any]] = {}
    for ex in extractions:
        for name, u in ex.units.items():
            row = units.setdefault(u.id, {
                "unit": u.id, "label": u.label, "jurisdiction": u.jurisdiction, "kind": u.kind,
                "unit_type": local_name(u.type), "aliases": set(), "documents": set(),
                "lead_tasks": set(), "support_tasks": set(), "responsible_tasks": set(),
            })
            if name != u.label:
                row["aliases"].add(name)
            row["documents"].add(ex.doc_id)
        for t in ex.tasks:
            for m in t.mentions:
                if m.name in ex.units:
                    units[ex.units[m.name].id][f"{m.role}_tasks"].add(canonical_task(ex, t))
    for uid in sorted(units):
        row = units[uid]
        yield {**row, "aliases": "、".join(sorted(row["aliases"])) or None, "documents": len(row["documents"]),
               **{k: len(row[k]) for k in ("lead_tasks", "support_tasks", "responsible_tasks")}}


def place_rows(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    for ex in extractions:
        for p in ex.places:
            yield {"doc": ex.doc, "name": p.name, "type": p.type, "parent": p.parent,
                   "start": p.start, "end": p.end, "jurisdiction": ex.policy.jurisdiction}


def pairing_rows(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    for ex in extractions:
        for p in ex.pairings:
            yield {"doc": ex.doc, "helper": p.helper, "helped": p.helped, "kind": p.kind,
                   "start": p.start, "end": p.end, "jurisdiction": ex.policy.jurisdiction}


def correction_rows(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    """One row per correction applied to a document (``build --corrections``): what the
    extraction said before and what the graph says after, who made it, when and why."""
    for ex in extractions:
        for c in ex.corrections:
            yield {"doc": ex.doc, "task": task_id(ex.doc_id, c.task) if c.task else None, "action": c.action,
                   "before": c.before, "after": c.after, "who": c.who, "when": c.when, "why": c.why,
                   "anchoring": c.anchored, "source": c.source, "id": c.id}


#: every table: its rows from the extractions, and its columns in order
TABLES: dict[str, tuple[Callable[[Iterable[Extraction]], Iterator[dict[str, Any]]], tuple[str, ...]]] = {
    "assignments": (assignment_rows, ASSIGNMENT_FIELDS),
    "tasks": (task_rows, TASK_FIELDS),
    "units": (unit_rows, UNIT_FIELDS),
    "places": (place_rows, PLACE_FIELDS),
    "pairings": (pairing_rows, PAIRING_FIELDS),
}
#: what ``policykg export`` writes: the tables, and the corrections applied (read from the
#: extraction records; they are not an analysis table)
EXPORTS = {**TABLES, "corrections": (correction_rows, CORRECTION_FIELDS)}


def to_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def to_csv(rows: Iterable[dict[str, Any]], fields: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(fields), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in fields})
    return buf.getvalue()


def read_rows(text: str, fmt: str) -> list[dict[str, Any]]:
    """Parse an export back into rows (JSONL or CSV)."""
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    rows = []
    for r in csv.DictReader(io.StringIO(text)):
        rows.append({k: (v if v != "" else None) for k, v in r.items()})
    return rows
