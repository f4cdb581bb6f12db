"""Tasks: scoped text (or a table row) → a :class:`~policykg.records.Task` with its units.

The units of a task come from the clauses scope gave it (split into mentions by the
spaCy pipeline), from prose when no clause governs its text, from a lead-in above it, or
from a table row's cells; the conventions a document states (the first unit listed leads;
无牵头单位的，责任单位即为牵头单位) are applied here, and deadline and person fields become
milestones and persons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from policykg.pipeline.extract.clauses import Clause
from policykg.pipeline.extract.nlp import make_doc, make_nlp
from policykg.pipeline.extract.places import find_places
from policykg.pipeline.extract.prose import division_of_duties, duty_parts, enumerated_parts, find_prose, own_duty
from policykg.pipeline.extract.scope import ClauseRef, Scoped, Seg
from policykg.pipeline.extract.units import looks_like_unit, split_units, split_units_with_roles
from policykg.pipeline.structure.outline import Node, iter_segments, names_only, unit_heading
from policykg.records import Mention, Milestone, Person, Policy, SourceDocument, Task, TaskDraft
from policykg.text.lexicon import (
    CLAUSE_HINT_RE,
    DEADLINE_FIELD_RE,
    FIRST_LEADS_RE,
    LEAD,
    OWNER_HEADING_RE,
    OWNER_ROLES,
    PERSON_FIELD_RE,
    PERSON_POST_RE,
    RESPONSIBLE,
    RESPONSIBLE_LEADS_RE,
)
from policykg.text.textview import TextView, fold

DEADLINE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:底|年底|末|年末|\d{1,2}\s*月(?:底|份)?)?\s*(?:前|之前)")


@dataclass
class Found:
    """A unit mention before it becomes a :class:`Mention`: its view and span there."""

    view: TextView
    start: int
    end: int
    role: str
    prose: bool


class Extractor:
    """Turns one document's scoped tasks into :class:`Task` records."""

    def __init__(self, doc: SourceDocument, root: Node, policy: Policy) -> None:
        self.doc = doc
        year = re.search(r"(?:19|20)\d{2}", policy.title or "")
        #: the plan's year (from its title): the year of a target given without one (年度目标 ≥85%)
        self.plan_year = year.group(0) if year else ""
        self.nlp = make_nlp()
        # only text with a role word can hold a clause: the rest needs no spaCy Doc
        segments = [v for v in iter_segments(root) if CLAUSE_HINT_RE.search(v.text)]
        self.docs = {id(v): d for v, d in zip(segments, self.nlp.pipe(make_doc(self.nlp, v.text) for v in segments))}
        folded = fold(doc.text)
        #: the first-listed-leads convention for the whole document: stated as a note of its
        #: own (注：…) or with 下同; one stated inside a clause without 下同 is that clause's only
        self.first_leads = any(_document_wide(folded, m) for m in FIRST_LEADS_RE.finditer(folded))
        self.responsible_leads = bool(RESPONSIBLE_LEADS_RE.search(folded))
        self.end_of_text = len(doc.text.rstrip())
        self.keys: dict[str, int] = {}
        self.counter: dict[str, int] = {}
        self.spans_by_clause: dict[int, dict[int, list[Span]]] = {}
        self.persons: dict[int, list[Person]] = {}

    def spacy_doc(self, view: TextView) -> Doc:
        d = self.docs.get(id(view))
        if d is None:
            d = self.docs[id(view)] = self.nlp(make_doc(self.nlp, view.text))
        return d

    def _unit_spans(self, view: TextView) -> dict[int, list[Span]]:
        """A segment's unit spans by the ``id`` of their clause (looked up once a segment,
        not once a clause: a paragraph of thousands of clauses stays linear)."""
        found = self.spans_by_clause.get(id(view))
        if found is None:
            d = self.spacy_doc(view)
            clauses = d._.clauses or []
            found = self.spans_by_clause[id(view)] = {}
            for span in d.spans["units"]:
                found.setdefault(id(clauses[span._.clause]), []).append(span)
        return found

    def clauses_of(self, view: TextView) -> list[Clause]:
        if id(view) not in self.docs and not CLAUSE_HINT_RE.search(view.text):
            return []
        return self.spacy_doc(view)._.clauses

    # -- mentions ----------------------------------------------------------------------
    def clause_mentions(self, ref: ClauseRef, first_leads: bool = False) -> list[Found]:
        spans = self._unit_spans(ref.seg.view).get(id(ref.clause), [])
        prose = ref.clause.lists[0].prose if ref.clause.lists else False
        found = [Found(ref.seg.view, s.start_char, s.end_char, s.label_, prose) for s in spans]
        roles = {ul.role for ul in ref.clause.lists}
        return self.conventions(found, roles, any(s._.marked for s in spans), first_leads or ref.clause.first_leads)

    def conventions(self, found: list[Found], roles: set[str], marked: bool, first_leads: bool) -> list[Found]:
        """Roles a document's stated conventions give a list with no role of its own."""
        if marked and first_leads and roles == {"responsible"}:
            for f in found:  # A、B牵头，C、D (列第一位的为牵头，除标注牵头外): the unmarked ones support
                if f.role == "responsible":
                    f.role = "support"
            return found
        if marked:
            return found
        if first_leads and roles == {"responsible"}:
            for k, f in enumerate(found):  # the first unit listed leads, the others support
                f.role = "lead" if k == 0 else "support"
        elif self.responsible_leads and "lead" not in roles:
            for f in found:  # 无牵头单位的，责任单位即为牵头单位
                if f.role == "responsible":
                    f.role = "lead"
        return found

    def cell_mentions(self, view: TextView, default_role: str | None, first_leads: bool) -> list[Found]:
        if not CLAUSE_HINT_RE.search(view.text):
            # a plain list of units in its column's role: nothing for the pipeline to find
            role = default_role or "responsible"
            items = split_units_with_roles(view.text)
            found = [Found(view, s, e, marked or role, False) for _n, s, e, marked in items]
            return self.conventions(found, {role}, any(marked for *_, marked in items), first_leads)
        self.docs[id(view)] = d = self.nlp(make_doc(self.nlp, view.text, default_role=default_role, in_cell=True))
        seg = Seg(view, [])
        return [f for clause in d._.clauses for f in self.clause_mentions(ClauseRef(seg, clause), first_leads)]

    def prose_mentions(self, view: TextView, skip: int = 0) -> list[Found]:
        return [Found(view, s, e, role, True) for role, _name, s, e in find_prose(view.text, skip=skip)]

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
        found: list[Found] = []
        for ref in s.clauses:
            found.extend(self.clause_mentions(ref, self.first_leads))
        prose_views = s.prose if not s.clauses else []
        bodies = [s.parts]
        if prose_views and not s.inherited:
            # an item listing 一是…二是… with units in each part: one task per part
            body = join_parts(s.parts)
            parts = enumerated_parts(body)
            if len(parts) == 1 and len(s.parts) == 1:
                parts = duty_parts(body)
            elif len(parts) == 1:
                # a heading over paragraphs that each open with their own unit: a division of duties
                paras = s.parts[1:] if names_only(s.parts[0].text) and not find_prose(s.parts[0].text) else s.parts
                parts = division_of_duties(paras) or parts
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

    def prose_for(self, views: list[TextView], s: Scoped) -> list[Found]:
        out: list[Found] = []
        for v in views:
            skip = 0
            if s.title is not None and v.offsets and s.title.offsets and v.offsets[0] == s.title.offsets[0]:
                rest = v.text[len(s.title) + 1 :]
                if re.sub(r"[（(【〔].*$", "", rest).strip() and not own_duty(v.text[: len(s.title) + 1]):
                    skip = len(s.title) + 1  # a run-in title, with the body's own sentences after it
            out.extend(self.prose_mentions(v, skip))
        return out

    def person_fields(self, views: list[TextView]) -> tuple[Person, ...]:
        """People named in 责任人：/牵头负责领导： fields."""
        return tuple(p for view in views for p in self._persons_in(view))

    def _persons_in(self, view: TextView) -> list[Person]:
        """The people named in one view's fields (a paragraph's read once, not once a task)."""
        found = self.persons.get(id(view))
        if found is None:
            found = self.persons[id(view)] = []
            for m in PERSON_FIELD_RE.finditer(view.text):
                for n in re.finditer(r"[^、，,\s]+", m.group("names")):
                    a, b = view.source_span(m.start("names") + n.start(), m.start("names") + n.end())
                    found.append(Person(re.sub(r"\s+", "", self.doc.text[a:b]), a, b))
        return found

    def owned(self, owners: list[TextView] | tuple[TextView, ...], found: list[Found]) -> list[Person]:
        """What headings above a task say of it: a unit that leads the work below (added to the
        task's units when it names none in that role), or a leader who owns it (a person)."""
        persons: list[Person] = []
        for view in owners:
            m = OWNER_HEADING_RE.match(view.text)
            if m is None:
                u = unit_heading(view.text)
                if u is not None and not any(f.role in (LEAD, RESPONSIBLE) for f in found):
                    # the name as any unit list is read: a bracket of sub-units or other names is
                    # dropped (招商服务局（行政审批局、政务服务中心）, 区教育局（计划财务科）)
                    for _name, s, e in split_units(view.text, u.start("who"), len(view.text.rstrip("：: ")))[:1]:
                        found.append(Found(view, s, e, RESPONSIBLE, True))
                continue
            a, b = m.span("who")
            person = PERSON_POST_RE.match(m.group("who"))
            if person:
                s, e = view.source_span(a, a + len(person.group("name")))
                persons.append(Person(person.group("name"), s, e))
                continue
            role = OWNER_ROLES.get(m.group("verb"))
            if role and looks_like_unit(m.group("who")) and not any(f.role == role for f in found):
                found.append(Found(view, a, b, role, True))
        return persons

    def make_task(self, key: str, s: Scoped, parts: list[TextView], found: list[Found], kind: str) -> Task:
        milestones = self.deadlines(parts + s.fields)
        owned = self.owned(s.owners, found)
        number = s.node.number if s.node is not None and s.node.number and kind == "item" else None
        if number and s.node is not None and s.node.head is not None and parts and \
                parts[0].source_start != s.node.head.source_start:
            number = None  # a later run of the item
        # each view once (keyed by where it starts, its length and text: hashing a view would
        # hash its offsets, the length of a whole paragraph, once a task)
        views = list({(v.offsets[0] if v.offsets else -1, len(v.offsets), v.text): v
                      for v in [*parts, *s.fields, *(r.seg.view for r in s.clauses)]}.values())
        return self.build_task(key, kind, s.title, parts, s.section, found, milestones,
                               tuple(owned) + self.person_fields(views), (), number)

    def task_from_row(self, draft: TaskDraft) -> Task:
        found: list[Found] = []
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
        persons = self.owned(draft.owners, found) + persons
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
                   found: list[Found], milestones: list[Milestone], persons: tuple[Person, ...],
                   assessors: tuple[Mention, ...], number: str | None = None) -> Task:
        mentions: list[Mention] = []
        scorers = list(assessors)
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
            if f.role == "assessor":  # 由X负责考核: X scores the work
                scorers.append(Mention(text, a, b, "assessor", name, f.prose))  # type: ignore[arg-type]
                continue
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
            assessors=tuple(scorers),
            number=number,
        )


def _document_wide(text: str, m: re.Match[str]) -> bool:
    """Does a first-listed-leads statement apply to the whole document?"""
    if re.search(r"(?:以下|下)(?:均)?同", text[m.end() : m.end() + 12]):
        return True
    depth = 0
    for ch in reversed(text[max(0, m.start() - 200) : m.start()]):
        if ch in "）)】〕]":
            depth += 1
        elif ch in "（(【〔[":
            if depth == 0:
                return False  # inside a bracket: that clause's own note
            depth -= 1
        elif ch == "\n":
            break
    return not re.search(r"(?:责任|牵头|配合)(?:单位|部门)\s*[:：][^\n]*$", text[max(0, m.start() - 200) : m.start()])


def join_parts(parts: list[TextView]) -> TextView:
    out: list[TextView] = []
    for p in parts:
        if out and p.offsets:
            out.append(TextView("\n", "\n", (max(p.source_start - 1, 0),)))
        out.append(p)
    return TextView.concat(out) if out else TextView("", "", ())


def apply_standing(scoped: list[Scoped | TaskDraft]) -> dict[int, list[Found]]:
    """Units a note assigns to every later task that has a clause (以下均需X落实，不再列出):
    the note says the clauses below leave them out, so tasks read from prose keep their own."""
    extra: dict[int, list[Found]] = {}
    active: list[Found] = []
    for k, s in enumerate(scoped):
        if not isinstance(s, Scoped) or not s.clauses:
            continue
        for ref in s.clauses:
            for ul in ref.clause.standing:  # from the task that states it (各项任务均需X落实) on
                active = [Found(ref.seg.view, a, b, "responsible", True)
                          for _n, a, b in split_units(ref.seg.view.text, ul.start, ul.end)]
        if active:
            extra[k] = list(active)
    return extra


def with_extra(ex: Extractor, task: Task, found: list[Found]) -> Task:
    have = {(m.role, m.name) for m in task.mentions}
    extra = []
    for f in found:
        a, b = f.view.source_span(f.start, f.end)
        name = re.sub(r"\s+", "", f.view.text[f.start : f.end])
        if ("responsible", name) not in have and not any(n == name for _, n in have):
            extra.append(Mention(ex.doc.text[a:b], a, b, "responsible", name, True))
            have.add(("responsible", name))
    return replace(task, mentions=task.mentions + tuple(extra), prose=task.prose or bool(extra))


