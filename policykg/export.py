"""Tables out of a built graph: assignments, places, pairings (rows of plain dicts).

One assignment row per (task, unit, role); a task with no unit appears once
with ``role``/``mention``/``unit`` set to ``None``. ``start``/``end`` are the
mention's character span in the document text, so
``text[start:end] == mention``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from policykg.records import Extraction, task_id

ASSIGNMENT_FIELDS = (
    "doc", "task", "task_title", "task_text", "section", "role", "mention", "unit", "unit_label",
    "start", "end", "prose", "jurisdiction", "task_persons", "task_assessors",
)
PLACE_FIELDS = ("doc", "name", "type", "parent", "start", "end", "jurisdiction")
PAIRING_FIELDS = ("doc", "helper", "helped", "kind", "start", "end", "jurisdiction")


def assignment_rows(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    """Rows for ``export assignments``."""
    for ex in extractions:
        for t in ex.tasks:
            base = {
                "doc": ex.doc,
                "task": task_id(ex.doc_id, t.key),
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
