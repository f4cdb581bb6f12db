"""Extract: structured drafts → tasks with their units, roles, milestones, places, pairings.

>>> from policykg.extract import extract_text
>>> ex = extract_text("一、任务\\n1.修路。（责任单位：县交通局，各镇人民政府）\\n", name="a.txt")
>>> [(m.role, m.text) for m in ex.tasks[0].mentions]
[('responsible', '县交通局'), ('responsible', '各镇人民政府')]
"""

from __future__ import annotations

import hashlib
import re

from ..records import Extraction, Mention, Milestone, Pairing, Place, SourceDocument, Task, TaskDraft
from ..resolve import defined_abbreviations
from ..structure import structure_document
from ..textview import TextView, fold
from .pipeline import FIRST_LEADS_RE, make_doc, make_nlp
from .places import find_pairings, find_places, place_of_unit

DEADLINE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:底|年底|末|年末|\d{1,2}\s*月(?:底|份)?)?\s*(?:前|之前)")

__all__ = ["extract_document", "extract_text"]


def _mentions(draft: TaskDraft, nlp, first_leads: bool = False) -> list[tuple[TextView, str, int, int, bool]]:
    """(view, role, start, end, prose) per unit mention, in the coordinates of its view."""
    jobs: list[tuple[TextView, dict[str, object]]] = []
    for role, view in draft.unit_cells:
        jobs.append((view, {"default_role": role, "in_cell": draft.kind == "row", "first_leads": first_leads}))
    has_cells = any(v.text.strip() for _, v in draft.unit_cells)
    title_end = 0
    if draft.title is not None and draft.title.offsets and draft.body.offsets and draft.title.offsets[0] == draft.body.offsets[0]:
        rest = draft.body.text[len(draft.title) + 1 :]
        if re.sub(r"[（(【〔].*$", "", rest).strip():
            title_end = len(draft.title) + 1  # a run-in title, with the body's own sentences after it
    jobs.append((draft.body, {"allow_prose": not has_cells, "title_end": title_end, "first_leads": first_leads}))
    if draft.lead_in is not None:
        jobs.append((draft.lead_in, {"allow_prose": True}))
    docs = [make_doc(nlp, v.text, **opts) for v, opts in jobs]  # type: ignore[arg-type]
    found: list[tuple[TextView, str, int, int, bool]] = []
    labelled = inherited = False
    for (view, _), doc in zip(jobs, nlp.pipe(docs)):
        labelled = labelled or (view is not draft.lead_in and len(doc.spans["lists"]) > 0)
        for span in doc.spans["units"]:
            if view is draft.lead_in:
                inherited = True
            found.append((view, span.label_, span.start_char, span.end_char, bool(span._.prose)))
    if inherited and not labelled:
        # a lead-in ("驻村工作队要做到：") governs the items below it, as a label would
        found = [f for f in found if f[0] is draft.lead_in]
    elif labelled:
        found = [f for f in found if f[0] is not draft.lead_in]
    return found


def _task(draft: TaskDraft, doc: SourceDocument, nlp, first_leads: bool = False) -> Task:
    mentions: list[Mention] = []
    seen: set[tuple[str, str]] = set()
    for view, role, s, e, prose in _mentions(draft, nlp, first_leads):
        name = re.sub(r"\s+", "", view.text[s:e])
        if (role, name) in seen:  # listed once per role (a unit may lead one part and support another)
            continue
        seen.add((role, name))
        a, b = view.source_span(s, e)
        mentions.append(Mention(doc.text[a:b], a, b, role, name, prose))  # type: ignore[arg-type]
    milestones: list[Milestone] = []
    for year, view in draft.milestones:
        v = view.strip()
        if not v.text:
            continue
        y = year
        if not y:
            m = DEADLINE_RE.search(v.text) or re.search(r"(?:19|20)\d{2}", v.text)
            y = m.group(1) if m and m.groups() else (m.group(0) if m else "")
        milestones.append(Milestone(y, v.raw, v.source_start, v.source_end))
    if not draft.milestones:
        for m in DEADLINE_RE.finditer(draft.body.text):
            a, b = draft.body.source_span(m.start(), m.end())
            milestones.append(Milestone(m.group(1), draft.body.raw[m.start() : m.end()], a, b))
    parts = [draft.body] + list(draft.extra)
    text = "\n".join(p.raw.strip() for p in parts)
    start = min(p.source_start for p in parts if p.text)
    end = max(p.source_end for p in parts if p.text)
    if draft.title is not None and draft.title.text:
        start = min(start, draft.title.source_start)
    places = tuple(dict.fromkeys(p[0] for p in find_places(draft.body.text)))
    return Task(
        key=draft.key,
        title=draft.title.raw.strip() if draft.title is not None and draft.title.text else None,
        text=text,
        section=draft.section,
        start=start,
        end=end,
        mentions=tuple(mentions),
        milestones=tuple(milestones),
        prose=any(m.prose for m in mentions),
        places=places,
        kind=draft.kind,
    )


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


def extract_document(doc: SourceDocument) -> Extraction:
    """Run structure and the extraction pipeline over one document."""
    nlp = make_nlp()
    structure = structure_document(doc)
    tasks: list[Task] = []
    # a note or a column header saying the first unit listed leads (排在第一位的为牵头单位)
    first_leads = bool(FIRST_LEADS_RE.search(fold(doc.text)))
    for draft in structure.tasks:
        task = _task(draft, doc, nlp, first_leads)
        if task.kind == "paragraph" and not task.mentions:
            continue  # running text that assigns nothing is not a task
        tasks.append(task)
    places: dict[str, Place] = {}
    pairings: dict[tuple[str, str, str], Pairing] = {}
    for view in structure.paragraphs + tuple(d.body for d in structure.tasks if d.kind == "row"):
        for name, ptype, parent, s, e in find_places(view.text):
            if parent is None and ptype in ("town", "street"):
                parent = structure.policy.jurisdiction
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
                places[hit[0]] = Place(hit[0], hit[1], structure.policy.jurisdiction, m.start, m.end)
    places = {**_jurisdiction_places(structure.policy, doc.text), **places}
    for name in [n for n in places if n + "村" in places and places[n].parent == places[n + "村"].parent]:
        del places[name]  # 里光 and 里光村 are one village: keep the full name
    aliases = defined_abbreviations(doc.text)
    for task in tasks:
        aliases.update(shared_suffix_names([m.name for m in task.mentions]))
    return Extraction(
        doc=doc.name,
        doc_id=doc.doc_id,
        sha256=doc.sha256,
        format=doc.format,
        policy=structure.policy,
        tasks=tuple(tasks),
        places=tuple(places.values()),
        pairings=tuple(pairings.values()),
        warnings=tuple(doc.warnings),
        aliases=aliases,
    )


_ADMIN_TYPES = (("开发区", "district"), ("新区", "district"), ("区", "district"), ("县", "county"), ("市", "city"), ("省", "province"))


def _admin_type(name: str) -> str:
    return next(t for suffix, t in _ADMIN_TYPES if name.endswith(suffix)) if name.endswith(tuple(s for s, _ in _ADMIN_TYPES)) else "area"


def _jurisdiction_places(policy, text: str) -> dict[str, Place]:
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
