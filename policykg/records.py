"""Typed records that flow between the stages (ingest → structure → extract → resolve).

All records are frozen dataclasses. Character offsets (``start``/``end``) are
code-point offsets into :attr:`SourceDocument.text`, the one normalised text of
a document, so ``doc.text[m.start:m.end] == m.text`` for every mention ``m``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["lead", "support", "responsible"]
ROLES: tuple[Role, ...] = ("lead", "support", "responsible")


@dataclass(frozen=True)
class Problem:
    """A warning or error about one input, for the build summary and manifest."""

    path: str
    message: str
    severity: Literal["warning", "error"] = "warning"


@dataclass(frozen=True)
class Block:
    """A paragraph (one line of text) or a table row with its cells.

    ``cells`` holds ``(start, end)`` spans of each cell for rows; it is empty
    for paragraphs. ``table`` numbers the real table a row belongs to (``-1``
    for paragraphs and for rows recognised in plain text).
    """

    kind: Literal["paragraph", "row"]
    start: int
    end: int
    cells: tuple[tuple[int, int], ...] = ()
    table: int = -1


@dataclass(frozen=True)
class SourceDocument:
    """What a reader makes of one file: text, blocks and where it came from."""

    name: str
    path: str
    sha256: str
    format: str
    encoding: str | None
    text: str
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = ()

    @property
    def doc_id(self) -> str:
        """A short stable id, from the document's name and content: see :func:`document_id`."""
        return document_id(self.name, self.sha256)


def document_id(name: str, sha256: str) -> str:
    """16 hex digits that name one document of a corpus: a hash of its name (its path
    within the input folder) and of its content's sha256. Two documents never share
    one (the same text under two names, or two versions of one file), and an edited
    document gets a new one, so its old statements are replaced, not merged.

    >>> document_id("a/plan.txt", "0" * 64) == document_id("b/plan.txt", "0" * 64)
    False
    """
    import hashlib

    key = name.encode("utf-8", "surrogateescape") + b"\n" + sha256.encode("ascii")
    return hashlib.sha256(key).hexdigest()[:16]


# --- ids: one scheme for every output ------------------------------------------
# An id is the key of the thing's IRI (``…/id/task/<id>``): path segments with
# Chinese kept and unsafe characters percent-encoded, so export, DataFrames,
# query results and the graph name a task or unit the same way.

_UNSAFE = re.compile(r"[\x00-\x20<>\"{}|\\^`%/#?\[\]]")


#: data IRIs are ``ID_BASE + kind + "/" + id`` (see :func:`policykg.pipeline.rdf.iri`)
ID_BASE = "https://w3id.org/policykg/id/"


def graph_name(doc_id: str) -> str:
    """The IRI of the named graph that holds one document's statements."""
    return ID_BASE + "graph/" + doc_id


def local_id(*parts: str) -> str:
    """Segments joined by ``/``, each with unsafe characters percent-encoded.

    >>> local_id("遂溪县", "县财政局"), local_id("a b/c")
    ('遂溪县/县财政局', 'a%20b%2Fc')
    """
    return "/".join(_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), p) for p in parts)


def task_id(doc_id: str, key: str) -> str:
    """A task's id: its document's id and its key (``3f2a…/body-002``)."""
    return local_id(doc_id, key)


def unit_id(jurisdiction: str | None, label: str) -> str:
    """A unit's id: its jurisdiction (``-`` when none) and canonical name (``遂溪县/县财政局``)."""
    return local_id(jurisdiction or "-", label)


@dataclass(frozen=True)
class Mention:
    """A unit named in a task, with its role and exact source span."""

    text: str
    start: int
    end: int
    role: Role
    name: str
    prose: bool = False
    #: ids of the curator's corrections that made or changed this mention (see policykg.curate)
    corrections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Milestone:
    """A per-year progress requirement or a deadline."""

    year: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Person:
    """A person named beside a task (a 责任领导 column): never a unit."""

    name: str
    start: int
    end: int
    role: str = "responsible"


@dataclass(frozen=True)
class Task:
    """One assignable piece of work: a numbered item, a paragraph or a table row."""

    key: str
    title: str | None
    text: str
    section: str | None
    start: int
    end: int
    mentions: tuple[Mention, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    prose: bool = False
    places: tuple[str, ...] = ()
    kind: Literal["item", "paragraph", "row"] = "item"
    #: people named beside the task (责任领导 …), never units
    persons: tuple[Person, ...] = ()
    #: units that score or assess the task (评分部门 …), not doers; ``role`` is "assessor"
    assessors: tuple[Mention, ...] = ()
    #: the list number as written (（三）, 2.), for a numbered item
    number: str | None = None
    #: for a table row: its cells in document order (the 序号 cell left out)
    cells: tuple[str, ...] = ()
    #: theme concept IRIs, set by resolve
    themes: tuple[str, ...] = ()
    #: for a table row that says again what a body task says: that task's key (set by resolve)
    restates: str | None = None


@dataclass(frozen=True)
class Place:
    """A place named in a document, with its parent where the text gives one."""

    name: str
    type: str
    parent: str | None
    start: int
    end: int
    #: ids of the curator's corrections that set this place's parent (see policykg.curate)
    corrections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pairing:
    """A paired-assistance relation: ``helper`` assists ``helped``."""

    helper: str
    helped: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Policy:
    """Metadata of the plan a document contains."""

    title: str | None
    doc_number: str | None
    issuers: tuple[str, ...]
    date: str | None
    jurisdiction: str | None
    implements: tuple[str, ...]
    addressees: tuple[str, ...] = ()


@dataclass(frozen=True)
class Leftover:
    """A responsibility clause that no text took, or another finding of the self-check."""

    start: int
    end: int
    text: str
    why: str


@dataclass(frozen=True)
class SelfCheck:
    """How well a document was understood, measured on itself.

    ``markers``: responsibility markers in the text (clauses, role labels, unit cells);
    ``clauses``: clauses found; ``scoped``: clauses that govern a task; ``leftovers``:
    clauses and findings that need a look; ``coverage``: scoped ÷ found (1.0 when none).
    """

    markers: int = 0
    clauses: int = 0
    scoped: int = 0
    coverage: float = 1.0
    tasks_with_units: int = 0
    numbering_gaps: tuple[str, ...] = ()
    duplicate_roles: tuple[str, ...] = ()
    suspicious: tuple[str, ...] = ()
    leftovers: tuple[Leftover, ...] = ()

    @property
    def understood(self) -> bool:
        """False when the text has responsibility markers but no task assigns a unit."""
        return not (self.markers and not self.tasks_with_units)


@dataclass(frozen=True)
class ResolvedUnit:
    """A unit as the graph names it (set by resolve): its canonical name within a
    jurisdiction, the rule that made it, and its kind and type."""

    label: str
    jurisdiction: str | None
    #: the abbreviation-table row or rule that turned the mention into ``label`` (None: as written)
    rule: str | None = None
    #: the kind of body (``PartyOrgan``, ``GovernmentDepartment`` …: a class of the ontology)
    kind: str = "GovernmentDepartment"
    #: the unit-type concept IRI (ontology/unit-types.ttl)
    type: str = ""
    #: towns a collective unit (各镇人民政府) stands for
    member_places: tuple[str, ...] = ()
    #: the city bureau a county branch (市生态环境局遂溪分局) belongs to
    parent: ResolvedUnit | None = None

    @property
    def id(self) -> str:
        return unit_id(self.jurisdiction, self.label)


def _unit_from_dict(data: dict[str, Any]) -> ResolvedUnit:
    parent = data.get("parent")
    return ResolvedUnit(**{**data, "member_places": tuple(data.get("member_places", ())),
                           "parent": _unit_from_dict(parent) if parent else None})


@dataclass(frozen=True)
class CorrectionProvenance:
    """What every correction says of itself: its id (a hash of what it changes and where),
    its action, the file and line it was read from, and who made it, when and why."""

    id: str
    action: str
    source: str
    who: str
    when: str
    why: str


@dataclass(frozen=True)
class Correction(CorrectionProvenance):
    """One row of a curator's corrections file (see :mod:`policykg.curate`): what to change,
    anchored by the document's sha256, the task's key and text and the mention's span and
    text."""

    doc: str = ""
    sha256: str = ""
    task: str = ""
    task_text: str = ""
    mention: str = ""
    start: int | None = None
    end: int | None = None
    unit: str = ""
    role: str = ""
    place: str = ""
    value: str = ""


@dataclass(frozen=True)
class AppliedCorrection(CorrectionProvenance):
    """A correction as applied to one document: where it landed (``task``: the key, after
    re-anchoring), what the extraction said before and what it says now, and how it was
    anchored (``exact``, or ``re-anchored`` by text when the document changed)."""

    task: str | None
    before: str
    after: str
    anchored: str = "exact"


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    doc: str
    doc_id: str
    sha256: str
    format: str
    policy: Policy
    tasks: tuple[Task, ...]
    places: tuple[Place, ...] = ()
    pairings: tuple[Pairing, ...] = ()
    warnings: tuple[str, ...] = ()
    #: every unit name the document uses (issuers, doers, assessors, helpers) → the unit (set by resolve)
    units: dict[str, ResolvedUnit] = field(default_factory=dict)
    #: abbreviations the document defines, and names completed from a list (东简 → 东简街道)
    aliases: dict[str, str] = field(default_factory=dict)
    check: SelfCheck = field(default_factory=SelfCheck)
    #: the curator's corrections applied to this document (see policykg.curate)
    corrections: tuple[AppliedCorrection, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (lists instead of tuples)."""
        return _listify(asdict(self))


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_listify(v) for v in value]
    return value


def extraction_from_dict(data: dict[str, Any]) -> Extraction:
    """Inverse of :meth:`Extraction.to_dict`."""
    tasks = tuple(
        Task(
            **{
                **t,
                "mentions": tuple(_mention(m) for m in t["mentions"]),
                "milestones": tuple(Milestone(**m) for m in t["milestones"]),
                "places": tuple(t["places"]),
                "persons": tuple(Person(**x) for x in t.get("persons", ())),
                "assessors": tuple(_mention(x) for x in t.get("assessors", ())),
                "cells": tuple(t.get("cells", ())),
                "themes": tuple(t.get("themes", ())),
            }
        )
        for t in data["tasks"]
    )
    p = data["policy"]
    policy = Policy(
        **{
            **p,
            "issuers": tuple(p["issuers"]),
            "implements": tuple(p["implements"]),
            "addressees": tuple(p.get("addressees", ())),
        }
    )
    return Extraction(
        doc=data["doc"],
        doc_id=data["doc_id"],
        sha256=data["sha256"],
        format=data["format"],
        policy=policy,
        tasks=tasks,
        places=tuple(Place(**{**x, "corrections": tuple(x.get("corrections", ()))}) for x in data["places"]),
        pairings=tuple(Pairing(**x) for x in data["pairings"]),
        warnings=tuple(data["warnings"]),
        units={k: _unit_from_dict(v) for k, v in data.get("units", {}).items()},
        aliases=dict(data.get("aliases", {})),
        check=_check_from_dict(data.get("check")),
        corrections=tuple(AppliedCorrection(**x) for x in data.get("corrections", ())),
    )


def _mention(data: dict[str, Any]) -> Mention:
    return Mention(**{**data, "corrections": tuple(data.get("corrections", ()))})


def _check_from_dict(data: dict[str, Any] | None) -> SelfCheck:
    if not data:
        return SelfCheck()
    return SelfCheck(**{
        **data,
        "numbering_gaps": tuple(data.get("numbering_gaps", ())),
        "duplicate_roles": tuple(data.get("duplicate_roles", ())),
        "suspicious": tuple(data.get("suspicious", ())),
        "leftovers": tuple(Leftover(**x) for x in data.get("leftovers", ())),
    })


# --- structure stage -------------------------------------------------------
# These records hold TextViews (cleaned text with offsets into the source),
# so they stay in memory between structure and extract and are not serialised.

from policykg.text.textview import TextView  # noqa: E402


@dataclass(frozen=True)
class TaskDraft:
    """A task as laid out in the document, before units are extracted.

    ``unit_cells`` are the table cells (or text) that hold responsible units,
    each with the role its column gives (``None``: labels inside decide,
    otherwise ``responsible``). ``lead_in`` is a paragraph introducing a list
    of items ("驻村工作队要做到：") whose subject the items inherit.
    """

    key: str
    kind: Literal["item", "paragraph", "row"]
    title: TextView | None
    body: TextView
    section: str | None
    unit_cells: tuple[tuple[str | None, TextView], ...] = ()
    milestones: tuple[tuple[str, TextView], ...] = ()
    lead_in: TextView | None = None
    extra: tuple[TextView, ...] = ()
    persons: tuple[TextView, ...] = ()
    assessors: tuple[TextView, ...] = ()
    first_leads: bool = False
    #: every cell of the row in document order, the 序号 cell left out
    cells: tuple[TextView, ...] = ()
    #: headings above the row that name who owns the work (县审计局牵头的工作, 王志刚县长负责的工作)
    owners: tuple[TextView, ...] = ()


@dataclass(frozen=True)
class Structure:
    """The layout of one document: its metadata and its outline (the root node of
    :class:`policykg.pipeline.structure.outline.Node`, paragraphs and table rows under it)."""

    policy: Policy
    outline: Any
