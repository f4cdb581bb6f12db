"""Extract: a structured document → tasks with their units, roles, milestones, places, pairings.

The route, clause first:

1. :mod:`policykg.structure` gives the outline (numbered lines as a tree, paragraphs and
   table rows under them) and the policy metadata;
2. the spaCy pipeline (:mod:`.pipeline`) finds the responsibility clauses of every
   paragraph and splits their unit lists into mentions;
3. :mod:`.scope` gives each clause the text it governs; that text is a task;
4. conventions stated anywhere in the document are applied (the first unit listed
   leads; a unit responsible for every task below a note), deadlines become
   milestones, and :mod:`.selfcheck` measures how much of the document was understood.

>>> from policykg.extract import extract_text
>>> ex = extract_text("一、任务\\n1.修路。（责任单位：县交通局，各镇人民政府）\\n", name="a.txt")
>>> [(m.role, m.text) for m in ex.tasks[0].mentions]
[('responsible', '县交通局'), ('responsible', '各镇人民政府')]
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from ..lexicon import DEADLINE_FIELD_RE, FIRST_LEADS_RE, PERSON_FIELD_RE, RESPONSIBLE_LEADS_RE
from ..records import Extraction, Mention, Milestone, Pairing, Person, Place, Policy, SourceDocument, Task, TaskDraft
from ..resolve import defined_abbreviations
from ..structure import structure_document
from ..structure.outline import Node
from ..textview import TextView, fold
from .clauses import Clause
from .pipeline import make_doc, make_nlp
from .places import find_pairings, find_places, place_of_unit
from .prose import find_prose
from .scope import ClauseRef, Scoped, Seg, duty_parts, enumerated_parts, iter_segments, scope_outline
from .selfcheck import self_check
from .units import looks_like_unit, split_units

DEADLINE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:底|年底|末|年末|\d{1,2}\s*月(?:底|份)?)?\s*(?:前|之前)")

__all__ = ["Trace", "extract_document", "extract_text", "trace_document"]


@dataclass
class _Found:
    """A unit mention before it becomes a :class:`Mention`: its view and span there."""

    view: TextView
    start: int
    end: int
    role: str
    prose: bool


class _Extractor:
    """Turns one document's scoped tasks into :class:`Task` records."""

    def __init__(self, doc: SourceDocument, root: Node, policy: Policy) -> None:
        self.doc = doc
        year = re.search(r"(?:19|20)\d{2}", policy.title or "")
        #: the plan's year (from its title): the year of a target given without one (年度目标 ≥85%)
        self.plan_year = year.group(0) if year else ""
        self.nlp = make_nlp()
        segments = list(iter_segments(root))
        self.docs = {id(v): d for v, d in zip(segments, self.nlp.pipe(make_doc(self.nlp, v.text) for v in segments))}
        folded = fold(doc.text)
        self.first_leads = bool(FIRST_LEADS_RE.search(folded))
        self.responsible_leads = bool(RESPONSIBLE_LEADS_RE.search(folded))
        self.end_of_text = len(doc.text.rstrip())
        self.keys: dict[str, int] = {}
        self.counter: dict[str, int] = {}

    def spacy_doc(self, view: TextView) -> Doc:
        d = self.docs.get(id(view))
        if d is None:
            d = self.docs[id(view)] = self.nlp(make_doc(self.nlp, view.text))
        return d

    def clauses_of(self, view: TextView) -> list[Clause]:
        return self.spacy_doc(view)._.clauses

    # -- mentions ----------------------------------------------------------------------
    def clause_mentions(self, ref: ClauseRef, first_leads: bool = False) -> list[_Found]:
        d = self.spacy_doc(ref.seg.view)
        index = next((i for i, c in enumerate(d._.clauses) if c is ref.clause), -1)
        spans = [s for s in d.spans["units"] if s._.clause == index]
        out = [_Found(ref.seg.view, s.start_char, s.end_char, s.label_, ref.clause.lists[0].prose if ref.clause.lists else False)
               for s in spans]
        roles = {ul.role for ul in ref.clause.lists}
        if (first_leads or ref.clause.first_leads) and roles == {"responsible"} and not any(s._.marked for s in spans):
            for k, f in enumerate(out):  # the first unit listed leads, the others support
                f.role = "lead" if k == 0 else "support"
        elif self.responsible_leads and "lead" not in roles and not any(s._.marked for s in spans):
            for f in out:  # 无牵头单位的，责任单位即为牵头单位
                if f.role == "responsible":
                    f.role = "lead"
        return out

    def cell_mentions(self, view: TextView, default_role: str | None, first_leads: bool) -> list[_Found]:
        d = self.nlp(make_doc(self.nlp, view.text, default_role=default_role, in_cell=True))
        out: list[_Found] = []
        for _ci, clause in enumerate(d._.clauses):
            ref = ClauseRef(Seg(view, []), clause)
            self.docs[id(view)] = d
            out.extend(self.clause_mentions(ref, first_leads))
        return out

    def prose_mentions(self, view: TextView, skip: int = 0) -> list[_Found]:
        return [_Found(view, s, e, role, True) for role, _name, s, e in find_prose(view.text, skip=skip)]

    # -- tasks -------------------------------------------------------------------------
    def key(self, base: str) -> str:
        n = self.keys.get(base, 0)
        self.keys[base] = n + 1
        return base if n == 0 else f"{base}-{n + 1}"

    def next_number(self, prefix: str) -> int:
        self.counter[prefix] = self.counter.get(prefix, 0) + 1
        return self.counter[prefix]

    def task_from_scoped(self, s: Scoped, number: int | None) -> list[Task]:
        annex = s.node is not None and s.node.annex
        prefix = "annex" if annex else "body"
        if s.kind == "paragraph" or number is None:
            key = self.key(f"{prefix}-p{self.next_number(prefix + '-p'):03d}")
        else:
            key = self.key(f"{prefix}-{number:03d}{s.letter}")
        found: list[_Found] = []
        for ref in s.clauses:
            found.extend(self.clause_mentions(ref, self.first_leads))
        prose_views = s.prose if not s.clauses else []
        bodies = [s.parts]
        if prose_views and not s.inherited:
            # an item listing 一是…二是… with units in each part: one task per part
            body = _join(s.parts)
            parts = enumerated_parts(body)
            if len(parts) == 1 and len(s.parts) == 1:
                parts = duty_parts(body)
            if len(parts) > 1:
                return [self.make_task(f"{key}.{n}", s, [p], self.prose_for([p], s), "item")
                        for n, p in enumerate(parts, 1)]
        if prose_views and not s.inherited:
            found.extend(self.prose_for(prose_views, s))
        for ref in s.inherited:
            if ref.clause.kind == "lead-in":
                found.extend(self.prose_mentions(ref.seg.view))
            else:
                found.extend(self.clause_mentions(ref, self.first_leads))
        return [self.make_task(key, s, bodies[0], found, s.kind)]

    def prose_for(self, views: list[TextView], s: Scoped) -> list[_Found]:
        out: list[_Found] = []
        for v in views:
            skip = 0
            if s.title is not None and v.offsets and s.title.offsets and v.offsets[0] == s.title.offsets[0]:
                rest = v.text[len(s.title) + 1 :]
                if re.sub(r"[（(【〔].*$", "", rest).strip():
                    skip = len(s.title) + 1  # a run-in title, with the body's own sentences after it
            out.extend(self.prose_mentions(v, skip))
        return out

    def person_fields(self, views: list[TextView]) -> tuple[Person, ...]:
        """People named in 责任人：/牵头负责领导： fields."""
        out: list[Person] = []
        for view in views:
            for m in PERSON_FIELD_RE.finditer(view.text):
                for n in re.finditer(r"[^、，,\s]+", m.group("names")):
                    a, b = view.source_span(m.start("names") + n.start(), m.start("names") + n.end())
                    out.append(Person(re.sub(r"\s+", "", self.doc.text[a:b]), a, b))
        return tuple(out)

    def make_task(self, key: str, s: Scoped, parts: list[TextView], found: list[_Found], kind: str) -> Task:
        milestones = self.deadlines(parts + s.fields)
        number = s.node.number if s.node is not None and s.node.number and kind == "item" else None
        if number and s.node is not None and s.node.head is not None and parts and \
                parts[0].source_start != s.node.head.source_start:
            number = None  # a later run of the item
        views = list(dict.fromkeys([*parts, *s.fields, *(r.seg.view for r in s.clauses)]))
        return self.build_task(key, kind, s.title, parts, s.section, found, milestones, self.person_fields(views), (),
                               number)

    def task_from_row(self, draft: TaskDraft) -> Task:
        found: list[_Found] = []
        for role, view in draft.unit_cells:
            found.extend(self.cell_mentions(view, role, draft.first_leads or self.first_leads))
        milestones: list[Milestone] = []
        for year, view in draft.milestones:
            v = view.strip()
            if not v.text:
                continue
            y = year
            if not y:
                m = DEADLINE_RE.search(v.text) or re.search(r"(?:19|20)\d{2}", v.text)
                y = m.group(1) if m and m.groups() else (m.group(0) if m else self.plan_year)
            milestones.append(Milestone(y, v.raw, v.source_start, v.source_end))
        persons = []
        for view in draft.persons:
            for m in re.finditer(r"[^、，,；;\s]+", view.text):
                a, b = view.source_span(m.start(), m.end())
                persons.append(Person(re.sub(r"\s+", "", view.raw[m.start() : m.end()]), a, b))
        assessors = []
        for view in draft.assessors:
            for name, s, e in split_units(view.text):
                a, b = view.source_span(s, e)
                assessors.append(Mention(self.doc.text[a:b], a, b, "assessor", name))  # type: ignore[arg-type]
        parts = [draft.body, *draft.extra]
        task = self.build_task(draft.key, "row", draft.title, parts, draft.section, found, milestones,
                               tuple(persons), tuple(assessors))
        if not draft.cells:
            return task
        return replace(task, cells=tuple(c.raw.strip() for c in draft.cells),
                       start=min(task.start, min(c.source_start for c in draft.cells)),
                       end=max(task.end, max(c.source_end for c in draft.cells)))

    def deadlines(self, parts: list[TextView]) -> list[Milestone]:
        out: list[Milestone] = []
        for view in parts:
            for m in DEADLINE_FIELD_RE.finditer(view.text):
                value = m.group("value").strip()
                if not value:
                    continue
                a, b = view.source_span(m.start("value"), m.start("value") + len(value))
                year = re.search(r"(?:19|20)\d{2}", value)
                out.append(Milestone(year.group(0) if year else "", self.doc.text[a:b], a, b))
            if out:
                continue
            for m in DEADLINE_RE.finditer(view.text):
                a, b = view.source_span(m.start(), m.end())
                out.append(Milestone(m.group(1), view.raw[m.start() : m.end()], a, b))
        return out

    def build_task(self, key: str, kind: str, title: TextView | None, parts: list[TextView], section: str | None,
                   found: list[_Found], milestones: list[Milestone], persons: tuple[Person, ...],
                   assessors: tuple[Mention, ...], number: str | None = None) -> Task:
        mentions: list[Mention] = []
        seen: set[tuple[str, str]] = set()
        for f in found:
            a, b = f.view.source_span(f.start, f.end)
            text = self.doc.text[a:b]
            name = re.sub(r"\s+", "", f.view.text[f.start : f.end])
            if b >= self.end_of_text and not looks_like_unit(name):
                continue  # cut off with the document (各县区人民…)
            if (f.role, name) in seen:  # listed once per role (a unit may lead one part and support another)
                continue
            seen.add((f.role, name))
            mentions.append(Mention(text, a, b, f.role, name, f.prose))  # type: ignore[arg-type]
        filled = [p for p in parts if p.text]
        text = "\n".join(p.raw.strip() for p in filled)
        start = min((p.source_start for p in filled), default=0)
        end = max((p.source_end for p in filled), default=0)
        if title is not None and title.text:
            start = min(start, title.source_start)
        places = tuple(dict.fromkeys(p[0] for v in filled for p in find_places(v.text)))
        return Task(
            key=key,
            title=title.raw.strip() if title is not None and title.text else None,
            text=text,
            section=section,
            start=start,
            end=end,
            mentions=tuple(mentions),
            milestones=tuple(milestones),
            prose=any(m.prose for m in mentions),
            places=places,
            kind=kind,  # type: ignore[arg-type]
            persons=persons,
            assessors=assessors,
            number=number,
        )


def _join(parts: list[TextView]) -> TextView:
    out: list[TextView] = []
    for p in parts:
        if out and p.offsets:
            out.append(TextView("\n", "\n", (max(p.source_start - 1, 0),)))
        out.append(p)
    return TextView.concat(out) if out else TextView("", "", ())


def _apply_standing(scoped: list[Scoped | TaskDraft]) -> dict[int, list[_Found]]:
    """Units a note assigns to every later task that has a clause (以下均需X落实，不再列出):
    the note says the clauses below leave them out, so tasks read from prose keep their own."""
    extra: dict[int, list[_Found]] = {}
    active: list[_Found] = []
    for k, s in enumerate(scoped):
        if not isinstance(s, Scoped) or not s.clauses:
            continue
        if active:
            extra[k] = list(active)
        for ref in s.clauses:
            for ul in ref.clause.standing:
                active = [_Found(ref.seg.view, a, b, "responsible", True)
                          for _n, a, b in split_units(ref.seg.view.text, ul.start, ul.end)]
    return extra


@dataclass(frozen=True)
class Trace:
    """How a document was read, for ``policykg inspect``: the outline, and for each task the
    source spans of the clauses it took its units from (prose tasks have none)."""

    outline: Node
    clauses: dict[str, tuple[tuple[int, int], ...]]


def extract_document(doc: SourceDocument) -> Extraction:
    """Run structure, the clause finder and scope over one document."""
    return trace_document(doc)[0]


def trace_document(doc: SourceDocument) -> tuple[Extraction, Trace]:
    """:func:`extract_document`, and the :class:`Trace` of how the document was read."""
    structure = structure_document(doc)
    root = structure.outline
    ex = _Extractor(doc, root, structure.policy)
    scoped, leftovers = scope_outline(root, ex.clauses_of)
    standing = _apply_standing(scoped)
    tasks: list[Task] = []
    numbers: dict[int, int] = {}
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
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
            made = [_with_extra(ex, t, standing[k]) for t in made]
        for t in made:
            spans[t.key] = tuple(r.seg.view.source_span(r.clause.start, r.clause.end) for r in item.clauses + item.inherited
                                 if r.clause.kind != "lead-in")
        tasks.extend(made)
    check = self_check(doc, root, ex, scoped, leftovers, tasks)
    policy = structure.policy
    if policy.jurisdiction is None:
        policy = replace(policy, jurisdiction=jurisdiction_from_text(fold(doc.text), tasks))
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
    for name in [n for n in places if n + "村" in places and places[n].parent == places[n + "村"].parent]:
        del places[name]  # 里光 and 里光村 are one village: keep the full name
    aliases = defined_abbreviations(doc.text)
    for task in tasks:
        aliases.update(shared_suffix_names([m.name for m in task.mentions]))
    warnings = list(doc.warnings)
    if not check.understood:
        warnings.append(
            f"{check.markers} responsibility marker(s) found but no task assigns a unit: the layout was not "
            f"understood. Run `policykg inspect {doc.path}` to see how it was read"
        )
    elif check.leftovers and check.coverage < 1.0:
        warnings.append(
            f"{check.clauses - check.scoped} of {check.clauses} responsibility clause(s) govern no task "
            f"(coverage {check.coverage:.2f}); `policykg inspect {doc.path}` lists them"
        )
    extraction = Extraction(
        doc=doc.name,
        doc_id=doc.doc_id,
        sha256=doc.sha256,
        format=doc.format,
        policy=policy,
        tasks=tuple(tasks),
        places=tuple(places.values()),
        pairings=tuple(pairings.values()),
        warnings=tuple(warnings),
        aliases=aliases,
        check=check,
    )
    return extraction, Trace(root, spans)


_LEVELS = {"省": ("province",), "市": ("city",), "县": ("county", "district"), "区": ("district", "county")}


def jurisdiction_from_text(text: str, tasks: list[Task]) -> str | None:
    """When the front matter names no jurisdiction: the division named most often in the text
    whose level is the level of the document's own units (市财政局 → a city).

    >>> t = [Task("k", None, "", None, 0, 0, (Mention("市财政局", 0, 4, "lead", "市财政局"),))]
    >>> jurisdiction_from_text("为苏州打造…，落实《苏州市规划》和《四川省方案》", t)
    '苏州市'
    """
    from collections import Counter

    from ..gazetteer import divisions_in

    prefixes = Counter(m.name[0] for t in tasks for m in t.mentions if m.name[:1] in _LEVELS)
    if not prefixes:
        return None
    levels = _LEVELS[prefixes.most_common(1)[0][0]]
    # a municipality (天津市) is a province by level but a city by name and by its units (市财政局)
    counts = Counter(d.name for d in divisions_in(text)
                     if d.level in levels or (d.name.endswith("市") and "city" in levels))
    return counts.most_common(1)[0][0] if counts else None


def _with_extra(ex: _Extractor, task: Task, found: list[_Found]) -> Task:
    have = {(m.role, m.name) for m in task.mentions}
    extra = []
    for f in found:
        a, b = f.view.source_span(f.start, f.end)
        name = re.sub(r"\s+", "", f.view.text[f.start : f.end])
        if ("responsible", name) not in have and not any(n == name for _, n in have):
            extra.append(Mention(ex.doc.text[a:b], a, b, "responsible", name, True))
            have.add(("responsible", name))
    return replace(task, mentions=task.mentions + tuple(extra), prose=task.prose or bool(extra))


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


def _admin_type(name: str) -> str:
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
            out[parent] = Place(parent, _admin_type(parent), None, max(ppos, 0), max(ppos, 0) + (len(parent) if ppos >= 0 else 0))
            break
    out[j] = Place(j, _admin_type(j), parent, max(pos, 0), max(pos, 0) + (len(j) if pos >= 0 else 0))
    return out


def extract_text(text: str, *, name: str = "text.txt") -> Extraction:
    """Extract from a string (as if it were a UTF-8 .txt file); handy in notebooks and tests."""
    from ..ingest.text import line_blocks

    doc = SourceDocument(
        name=name,
        path=name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        format="txt",
        encoding="utf-8",
        text=text,
        blocks=tuple(line_blocks(text)),
    )
    return extract_document(doc)
