"""Score extractions against gold annotations (``shared/gold/FORMAT.md``).

A gold task matches a project task whose list number + title + text (for a
table row: also its cells in document order) contains the gold anchor (white
space and conversion artefacts ignored), one to one, preferring a task in the
same section. Assignments compare unit mentions after the gold
file's aliases are applied to both sides: *role-aware* compares
(role, mention) pairs, *unit-only* compares mentions.

>>> s = Counts(tp=8, fp=1, fn=1)
>>> round(s.precision, 3), round(s.recall, 3), round(s.f1, 3)
(0.889, 0.889, 0.889)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policykg.errors import GoldFormatError
from policykg.records import ROLES, Extraction
from policykg.text.textview import squash


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @classmethod
    def of(cls, gold: set | frozenset, found: set | frozenset) -> Counts:
        """Counts of ``found`` against ``gold``."""
        return cls(len(gold & found), len(found - gold), len(gold - found))

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    """Scores of one document (or, for the micro row, of all)."""

    doc: str
    role_aware: Counts = field(default_factory=Counts)
    unit_only: Counts = field(default_factory=Counts)
    by_role: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in ROLES})
    gold_tasks: int = 0
    matched_tasks: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def task_recall(self) -> float:
        return self.matched_tasks / self.gold_tasks if self.gold_tasks else 1.0

    def add(self, other: DocScore) -> None:
        self.role_aware.add(other.role_aware)
        self.unit_only.add(other.unit_only)
        for r in ROLES:
            self.by_role[r].add(other.by_role[r])
        self.gold_tasks += other.gold_tasks
        self.matched_tasks += other.matched_tasks


@dataclass
class Evaluation:
    documents: list[DocScore]
    micro: DocScore
    missing: list[str]

    def table(self) -> list[dict[str, Any]]:
        """One row per document and a final ``micro`` row (for printing or CSV)."""
        rows = []
        for d in self.documents + [self.micro]:
            row: dict[str, Any] = {
                "doc": d.doc,
                "P": d.role_aware.precision,
                "R": d.role_aware.recall,
                "F1": d.role_aware.f1,
                "unit_F1": d.unit_only.f1,
                "task_recall": d.task_recall,
                "gold_tasks": d.gold_tasks,
                "gold_assignments": d.role_aware.tp + d.role_aware.fn,
            }
            for r in ROLES:
                c = d.by_role[r]
                row[f"{r}_F1"] = c.f1 if c.tp + c.fn else None  # no gold in this role: undefined
                row[f"{r}_gold"] = c.tp + c.fn
            rows.append(row)
        return rows


@dataclass(frozen=True)
class _Task:
    key: str
    haystack: str
    section: str
    assignments: frozenset[tuple[str, str]]


def load_gold(path: str | Path) -> dict[str, dict[str, Any]]:
    """Gold files by source document name, from one file or a folder of ``*.gold.json``."""
    path = Path(path)
    files = sorted(path.glob("*.gold.json")) if path.is_dir() else [path]
    if not files:
        raise GoldFormatError(f"{path}: no *.gold.json files found. Point --gold at a folder of gold files")
    out: dict[str, dict[str, Any]] = {}
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            out[data["doc"]] = data
            for t in data["tasks"]:
                t["anchor"], t["section"]
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise GoldFormatError(f"{f}: not a gold file as FORMAT.md describes ({exc}). Fix or remove it") from None
    return out


def tasks_from_extraction(ex: Extraction) -> list[dict[str, Any]]:
    """Project tasks as plain dicts: key, title, text, section, assignments."""
    return [
        {
            "key": t.key,
            "title": t.title,
            "text": t.text,
            "number": t.number,
            "cells": list(t.cells),
            "section": t.section,
            "assignments": [(m.role, m.text) for m in t.mentions],
        }
        for t in ex.tasks
    ]


def tasks_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Project tasks per document from ``export assignments`` rows (JSONL/CSV)."""
    docs: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        task = docs.setdefault(r["doc"], {}).setdefault(
            r["task"],
            {"key": r["task"], "title": r.get("task_title"), "text": r["task_text"], "section": r.get("section"), "assignments": []},
        )
        if r.get("role") and r.get("mention"):
            task["assignments"].append((r["role"], r["mention"]))
    return {d: list(t.values()) for d, t in docs.items()}


def _alias_map(gold: Mapping[str, Any]) -> dict[str, str]:
    return {squash(k): squash(v) for k, v in (gold.get("aliases") or {}).items()}


def score_document(gold: Mapping[str, Any], tasks: list[dict[str, Any]]) -> DocScore:
    """Score one document's project tasks against its gold file."""
    aliases = _alias_map(gold)

    def norm(mention: str) -> str:
        m = squash(mention)
        return aliases.get(m, m)

    project = [
        _Task(
            t["key"],
            squash((t.get("number") or "") + (t.get("title") or "") + (t.get("text") or "") + "".join(t.get("cells") or ())),
            squash(t.get("section") or ""),
            frozenset((role, norm(m)) for role, m in t["assignments"]),
        )
        for t in tasks
    ]
    gold_tasks = []
    for g in gold["tasks"]:
        pairs: frozenset[tuple[str, str]] = frozenset((role, norm(m)) for role in ROLES for m in g.get(role, []))
        gold_tasks.append((g, squash(g["anchor"]), squash(g.get("section") or ""), pairs))
    candidates = [[i for i, p in enumerate(project) if a and a in p.haystack] for _, a, _, _ in gold_tasks]
    order = sorted(range(len(gold_tasks)), key=lambda k: (len(candidates[k]), k))
    used: set[int] = set()
    match: dict[int, int] = {}
    for k in order:
        free = [i for i in candidates[k] if i not in used]
        if not free:
            continue
        same = [i for i in free if project[i].section == gold_tasks[k][2]]
        best = (same or free)[0]
        used.add(best)
        match[k] = best
    score = DocScore(doc=gold["doc"], gold_tasks=len(gold_tasks), matched_tasks=len(match))

    def compare(g: frozenset[tuple[str, str]], p: frozenset[tuple[str, str]]) -> None:
        score.role_aware.add(Counts.of(g, p))
        gu, pu = {m for _, m in g}, {m for _, m in p}
        score.unit_only.add(Counts.of(gu, pu))
        for r in ROLES:
            gr, pr = {x for x in g if x[0] == r}, {x for x in p if x[0] == r}
            score.by_role[r].add(Counts.of(gr, pr))
        for role, m in sorted(p - g):
            score.errors.append(f"FP {role} {m}")
        for role, m in sorted(g - p):
            score.errors.append(f"FN {role} {m}")

    for k, (g, _, _, pairs) in enumerate(gold_tasks):
        if k in match:
            if pairs != project[match[k]].assignments:
                score.errors.append(f"-- task {g['key']} ~ {project[match[k]].key}")
            compare(pairs, project[match[k]].assignments)
        else:
            score.errors.append(f"-- task {g['key']} unmatched (anchor {g['anchor']!r})")
            compare(pairs, frozenset())
    for i, p in enumerate(project):
        if i not in used and p.assignments:
            score.errors.append(f"-- project task {p.key} matches no gold task")
            compare(frozenset(), p.assignments)
    return score


def evaluate(gold_dir: str | Path, project: Mapping[str, list[dict[str, Any]]]) -> Evaluation:
    """Score every gold document against the project's tasks for it.

    ``project`` maps a document name to its tasks (see :func:`tasks_from_extraction`
    and :func:`tasks_from_rows`). A gold document the project lacks scores zero
    and is listed in ``missing``.
    """
    gold = load_gold(gold_dir)
    docs: list[DocScore] = []
    missing = []
    micro = DocScore(doc="micro")
    for name in sorted(gold):
        if name not in project:
            missing.append(name)
        score = score_document(gold[name], project.get(name, []))
        docs.append(score)
        micro.add(score)
    return Evaluation(docs, micro, missing)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_scores(rows: list[dict[str, Any]]) -> str:
    """The evaluation table as aligned text (role-aware P/R/F1, unit-only F1, task recall;
    a role with no gold assignments in a document shows ``-``)."""
    head = ("document", "P", "R", "F1", "unit F1", "task R", "lead F1", "supp F1", "resp F1", "gold")
    lines = [head]
    for r in rows:
        lines.append((
            r["doc"], f"{r['P']:.3f}", f"{r['R']:.3f}", f"{r['F1']:.3f}", f"{r['unit_F1']:.3f}",
            f"{r['task_recall']:.3f}", *(_f(r[f"{role}_F1"]) for role in ("lead", "support", "responsible")),
            str(r["gold_assignments"]),
        ))
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(head))]
    out = []
    for n, row in enumerate(lines):
        if n == len(lines) - 1:
            out.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
        out.append("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(out)
