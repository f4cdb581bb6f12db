"""Extract: a structured document → tasks with their units, roles, milestones, places, pairings.

The route, clause first:

1. :mod:`policykg.pipeline.structure` gives the outline (numbered lines as a tree, paragraphs and
   table rows under them) and the policy metadata;
2. the spaCy pipeline (:mod:`.nlp`) finds the responsibility clauses of every
   paragraph and splits their unit lists into mentions;
3. :mod:`.scope` gives each clause the text it governs; that text is a task;
4. conventions stated anywhere in the document are applied (the first unit listed
   leads; a unit responsible for every task below a note), deadlines become
   milestones, and :mod:`.selfcheck` measures how much of the document was understood.

>>> from policykg.pipeline import extract_text
>>> ex = extract_text("一、任务\\n1.修路。（责任单位：县交通局，各镇人民政府）\\n", name="a.txt")
>>> [(m.role, m.text) for m in ex.tasks[0].mentions]
[('responsible', '县交通局'), ('responsible', '各镇人民政府')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from policykg.pipeline.extract.aliases import defined_abbreviations
from policykg.pipeline.extract.places import find_pairings, find_places, place_of_unit
from policykg.pipeline.extract.scope import ClauseRef, scope_outline
from policykg.pipeline.extract.selfcheck import self_check
from policykg.pipeline.extract.tasks import Extractor, apply_standing, with_extra
from policykg.pipeline.structure.front import jurisdiction_in_text
from policykg.pipeline.structure.outline import Node, iter_segments
from policykg.records import Extraction, Pairing, Place, Policy, SelfCheck, SourceDocument, Structure, Task, TaskDraft
from policykg.text.textview import TextView, fold

__all__ = ["Trace", "admin_type", "extract_structure"]


@dataclass(frozen=True)
class Trace:
    """How a document was read, for ``policykg inspect``: the outline, and for each task the
    source spans of the clauses it took its units from (prose tasks have none)."""

    outline: Node
    clauses: dict[str, tuple[tuple[int, int], ...]]


def extract_structure(doc: SourceDocument, structure: Structure) -> tuple[Extraction, Trace]:
    """The extract stage: the clause finder and scope over a document's structure; the
    extraction, and the :class:`Trace` of how the document was read."""
    root = structure.outline
    ex = Extractor(doc, root, structure.policy)
    scoped, leftovers = scope_outline(root, ex.clauses_of)
    tasks, governing = _tasks(ex, scoped)
    check = self_check(doc, root, ex.clauses_of, governing, leftovers, tasks)
    policy = structure.policy
    if policy.jurisdiction is None:
        policy = replace(policy, jurisdiction=jurisdiction_in_text(
            fold(doc.text), [m.name for t in tasks for m in t.mentions], {m.start for t in tasks for m in t.mentions}))
    places, pairings, renamed = _places_and_pairings(root, tasks, doc, policy)
    if renamed:  # one name everywhere: a task that mentions 南夏 mentions the village 南夏村
        tasks = [replace(t, places=tuple(dict.fromkeys(renamed.get(n, n) for n in t.places))) for t in tasks]
    aliases = defined_abbreviations(doc.text)
    for task in tasks:
        aliases.update(shared_suffix_names([m.name for m in task.mentions]))
    extraction = Extraction(
        doc=doc.name,
        doc_id=doc.doc_id,
        sha256=doc.sha256,
        format=doc.format,
        policy=policy,
        tasks=tuple(tasks),
        places=places,
        pairings=pairings,
        warnings=(*doc.warnings, *_check_warnings(doc, check)),
        aliases=aliases,
        check=check,
    )
    spans = {key: tuple(r.seg.view.source_span(r.clause.start, r.clause.end) for r in refs)
             for key, refs in governing.items()}
    return extraction, Trace(root, spans)


def _tasks(ex: Extractor, scoped: list[Any]) -> tuple[list[Task], dict[str, list[ClauseRef]]]:
    """The tasks of the scoped items in document order (table rows, numbered items and
    paragraphs), and for each task the clauses that govern it."""
    standing = apply_standing(scoped)
    tasks: list[Task] = []
    numbers: dict[int, int] = {}
    governing: dict[str, list[ClauseRef]] = {}
    for k, item in enumerate(scoped):
        if isinstance(item, TaskDraft):
            tasks.append(ex.task_from_row(item))
            continue
        number = None
        if item.kind == "item" and item.node is not None:
            nid = id(item.node)
            if nid not in numbers:
                numbers[nid] = ex.next_number("annex" if item.node.annex else "body")
            number = numbers[nid]
        made = ex.task_from_scoped(item, number)
        if k in standing:
            made = [with_extra(ex, t, standing[k]) for t in made]
        for t in made:
            governing[t.key] = [r for r in item.clauses + item.inherited if r.clause.kind != "lead-in"]
        tasks.extend(made)
    return tasks, governing


def _places_and_pairings(root: Node, tasks: list[Task], doc: SourceDocument,
                         policy: Policy) -> tuple[tuple[Place, ...], tuple[Pairing, ...], dict[str, str]]:
    """Places the text names (towns under the jurisdiction when no parent is given, places
    a unit's name holds, the jurisdiction itself) and the pairings (对口帮扶) it states; and
    the short names merged into a full one (南夏 → 南夏村)."""
    places: dict[str, Place] = {}
    pairings: dict[tuple[str, str, str], Pairing] = {}
    for view in _place_views(root, tasks, doc):
        for name, ptype, parent, s, e in find_places(view.text):
            if parent is None and ptype in ("town", "street"):
                parent = policy.jurisdiction
            if name not in places or (parent and places[name].parent is None):
                a, b = view.source_span(s, e)
                places[name] = Place(name, ptype, parent, a, b)
        for helper, helped, kind, s, e in find_pairings(view.text):
            a, b = view.source_span(s, e)
            pairings.setdefault((helper, helped, kind), Pairing(helper, helped, kind, a, b))
    for task in tasks:
        for m in task.mentions:
            hit = place_of_unit(m.name)
            if hit and hit[0] not in places:
                places[hit[0]] = Place(hit[0], hit[1], policy.jurisdiction, m.start, m.end)
    places = {**_jurisdiction_places(policy, doc.text), **places}
    renamed = {n: n + "村" for n in places if n + "村" in places and places[n].parent == places[n + "村"].parent}
    for name in renamed:
        del places[name]  # 里光 and 里光村 are one village: keep the full name
    merged = {(renamed.get(p.helped, p.helped), p.helper, p.kind): p for p in pairings.values()}
    return (tuple(places.values()),
            tuple(replace(p, helped=renamed.get(p.helped, p.helped)) for p in merged.values()), renamed)


def _check_warnings(doc: SourceDocument, check: SelfCheck) -> list[str]:
    """What the self-check found wrong, as warnings naming the command that shows it."""
    if not check.understood:
        return [f"{check.markers} responsibility marker(s) found but no task assigns a unit: the layout was not "
                f"understood. Run `policykg inspect {doc.path}` to see how it was read"]
    if check.leftovers and check.coverage < 1.0:
        return [f"{check.clauses - check.scoped} of {check.clauses} responsibility clause(s) govern no task "
                f"(coverage {check.coverage:.2f}); `policykg inspect {doc.path}` lists them"]
    return []


def _place_views(root: Node, tasks: list[Task], doc: SourceDocument) -> list[TextView]:
    views = list(iter_segments(root))
    views += [TextView.of(doc.text, t.start, t.end) for t in tasks if t.kind == "row"]
    return views


def shared_suffix_names(names: list[str]) -> dict[str, str]:
    """东简、东山街道: a bare name before a place with a level shares that level (东简 → 东简街道).

    >>> shared_suffix_names(["东简", "东山街道", "区农业局"])
    {'东简': '东简街道'}
    """
    out = {}
    for a, b in zip(names, names[1:]):
        m = re.fullmatch(r"[\u4e00-\u9fff]{2,4}?(街道|镇|乡)", b)
        if m and re.fullmatch(r"[\u4e00-\u9fff]{2,3}", a) and not a.endswith(("局", "委", "办", "会", "府", "部", "镇", "乡", "村", "区", "县", "市")):
            out[a] = a + m.group(1)
    return out


_ADMIN_TYPES = (("开发区", "district"), ("新区", "district"), ("区", "district"), ("县", "county"), ("市", "city"), ("省", "province"))


def admin_type(name: str) -> str:
    """A division's type from its ending (开发区, 区, 县, 市, 省), else ``area``."""
    return next(t for suffix, t in _ADMIN_TYPES if name.endswith(suffix)) if name.endswith(tuple(s for s, _ in _ADMIN_TYPES)) else "area"


def _jurisdiction_places(policy: Policy, text: str) -> dict[str, Place]:
    """The plan's own jurisdiction as a place, under the city its issuer names (湛江市麻章区)."""
    j = policy.jurisdiction
    if not j:
        return {}
    pos = text.find(j)
    out: dict[str, Place] = {}
    parent = None
    for issuer in policy.issuers + ((policy.title,) if policy.title else ()):
        m = re.search(r"([\u4e00-\u9fff]{2,3}(?:省|市))" + re.escape(j), issuer.removeprefix("中共"))
        if m:
            parent = m.group(1)
            ppos = text.find(parent)
            out[parent] = Place(parent, admin_type(parent), None, max(ppos, 0), max(ppos, 0) + (len(parent) if ppos >= 0 else 0))
            break
    out[j] = Place(j, admin_type(j), parent, max(pos, 0), max(pos, 0) + (len(j) if pos >= 0 else 0))
    return out
