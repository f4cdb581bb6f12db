"""Extractions → RDF quads, one named graph per source document.

Quads are built as pyoxigraph terms and streamed into the store (building
rdflib objects triple by triple is far slower). IRIs are deterministic: they
are made from the document id (a hash of its name and sha256), task keys, and unit and place
names, never from counters that depend on the run, and no blank node is used.

>>> iri("unit", "遂溪县", "县财政局").value
'https://w3id.org/policykg/id/unit/遂溪县/县财政局'
>>> iri("unit", "a b/c").value
'https://w3id.org/policykg/id/unit/a%20b%2Fc'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Quad

from policykg.namespace import DCTERMS, ELI, ID, NIF, ORG, PKG, PROV, RDF, RDFS, SCHEMA, SKOS, TIME, XSD
from policykg.pipeline.gazetteer import lookup
from policykg.records import AppliedCorrection, Extraction, Pairing, ResolvedUnit, Task, graph_name, local_id

GRAPH_PREFIX = graph_name("")
#: statements about units and places, shared by all documents (each stated once)
SHARED_GRAPH = NamedNode(str(ID) + "shared")


def iri(kind: str, *parts: str) -> NamedNode:
    """A data IRI ``id/<kind>/<part>/…``; parts keep their Chinese characters, unsafe
    characters are percent-encoded."""
    return NamedNode(str(ID) + kind + "/" + local_id(*parts))


def graph_iri(doc_id: str) -> NamedNode:
    """The named graph holding one document's statements."""
    return NamedNode(graph_name(doc_id))


def _n(term: object) -> NamedNode:
    return NamedNode(str(term))


# frequently used predicates as pyoxigraph nodes
A = _n(RDF.type)
_P = {
    name: _n(term)
    for name, term in {
        "label": RDFS.label, "title": DCTERMS.title, "identifier": DCTERMS.identifier, "issued": DCTERMS.issued,
        "creator": DCTERMS.creator, "isPartOf": DCTERMS.isPartOf, "source": DCTERMS.source,
        "prefLabel": SKOS.prefLabel, "altLabel": SKOS.altLabel, "classification": ORG.classification,
        "agent": PROV.agent, "hadRole": PROV.hadRole, "anchorOf": NIF.anchorOf, "begin": NIF.beginIndex,
        "end": NIF.endIndex, "context": NIF.referenceContext, "name": SCHEMA.name, "containedIn": SCHEMA.containedInPlace,
        "inYear": TIME.inXSDgYear, "dateDocument": ELI.date_document, "subOrgOf": ORG.subOrganizationOf,
        "Person": SCHEMA.Person, "comment": RDFS.comment, "Agent": PROV.Agent, "associated": PROV.wasAssociatedWith,
        "endedAt": PROV.endedAtTime, "used": PROV.used,
    }.items()
}
_T = {name: _n(getattr(PKG, name)) for name in PKG.__annotations__}
ROLE_CONCEPT = {"lead": _T["Lead"], "support": _T["Support"], "responsible": _T["Responsible"]}
ROLE_PROPERTY = {"lead": _T["leadUnit"], "support": _T["supportUnit"], "responsible": _T["responsibleUnit"]}
_INT = NamedNode(str(XSD.integer))  # the store keeps xsd:integer; shapes require >= 0
_DATE = NamedNode(str(XSD.date))
_GYEAR = NamedNode(str(XSD.gYear))
_BOOL = NamedNode(str(XSD.boolean))
_DATETIME = NamedNode(str(XSD.dateTime))


def _int(v: int) -> Literal:
    return Literal(str(v), datatype=_INT)


_LOCAL = ("town", "street", "village", "natural_village")


def place_iri(name: str, parents: Mapping[str, str | None], types: Mapping[str, str]) -> NamedNode:
    """Divisions from county up are named alone (the gazetteer's names are unique enough);
    towns and villages under their whole chain of parents, up to the first division, so
    the 城关镇 of one county and its villages are not those of another.

    >>> place_iri("赤杆村", {"赤杆村": "湖光镇", "湖光镇": "麻章区"}, {"赤杆村": "village", "湖光镇": "town"}).value
    'https://w3id.org/policykg/id/place/麻章区/湖光镇/赤杆村'
    """
    chain = [name]
    while types.get(chain[-1], "") in _LOCAL and (parent := parents.get(chain[-1])) and parent not in chain:
        chain.append(parent)
    return iri("place", *reversed(chain))


def unit_iri(unit: ResolvedUnit) -> NamedNode:
    """``id/unit/<unit id>``: the IRI's key is the unit's id in every table."""
    return NamedNode(str(ID) + "unit/" + unit.id)


def extraction_quads(ex: Extraction) -> Iterator[Quad]:
    """Every statement about one document, in its named graph; statements about its
    units and places in the shared graph, with the places' ``pkg:withinPlace`` closure."""
    places: set[NamedNode] = set()
    parents: dict[NamedNode, set[NamedNode]] = {}
    for quad in _Statements(ex).all():
        if quad.graph_name == SHARED_GRAPH:
            if quad.predicate == A and quad.object == _T["Place"]:
                places.add(quad.subject)  # type: ignore[arg-type]
            elif quad.predicate == _P["containedIn"]:
                parents.setdefault(quad.subject, set()).add(quad.object)  # type: ignore[arg-type]
        yield quad
    for place in sorted(places, key=str):
        for outer in _within(place, parents):
            yield Quad(place, _T["withinPlace"], outer, SHARED_GRAPH)


def _within(place: NamedNode, parents: Mapping[NamedNode, set[NamedNode]]) -> list[NamedNode]:
    """The place and every place that contains it, as far as the document's places and
    the gazetteer tell (the closure a ``schema:containedInPlace*`` path would walk)."""
    seen, todo = [place], [place]
    while todo:
        for parent in sorted(parents.get(todo.pop(), ()), key=str):
            if parent not in seen:
                seen.append(parent)
                todo.append(parent)
    return seen


class _Statements:
    """The statements about one document, made in document order: its source, the policy,
    its places, units, tasks (with their assignments, assessments, people and milestones)
    and pairings. It remembers the IRIs given to places and units so far, since later
    statements refer back to them and a unit or place is described once."""

    def __init__(self, ex: Extraction) -> None:
        self.ex = ex
        self.graph = graph_iri(ex.doc_id)
        self.doc = iri("doc", ex.doc_id)
        self.policy = iri("policy", ex.doc_id)
        self.jurisdiction = ex.policy.jurisdiction
        self.parents = {p.name: p.parent for p in ex.places}
        self.types = {p.name: p.type for p in ex.places}
        self.places: dict[str, NamedNode] = {}
        self.units: dict[str, NamedNode] = {}

    def q(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Quad:
        """A statement of this document, in its named graph."""
        return Quad(s, p, o, self.graph)

    @staticmethod
    def sh(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Quad:
        """A statement about a unit or place: it goes to the shared graph, stated once
        however many documents name the unit or place."""
        return Quad(s, p, o, SHARED_GRAPH)

    def span(self, node: NamedNode, start: int, end: int) -> Iterator[Quad]:
        """Where in the document's text ``node`` was read (NIF offsets)."""
        yield self.q(node, _P["begin"], _int(start))
        yield self.q(node, _P["end"], _int(end))
        yield self.q(node, _P["context"], self.doc)

    def all(self) -> Iterator[Quad]:
        ex = self.ex
        yield from self.source()
        yield from self.policy_metadata()
        yield from self.named_places()
        if self.jurisdiction:
            yield from self.division(self.jurisdiction)
            yield self.q(self.policy, _T["jurisdiction"], self.places[self.jurisdiction])
        for issuer in ex.policy.issuers:
            yield from self.unit(issuer)
            yield self.q(self.policy, _P["creator"], self.units[issuer])
        for t in ex.tasks:
            yield from self.task(t)
        for n, pair in enumerate(ex.pairings, 1):
            yield from self.pairing(n, pair)
        for c in ex.corrections:
            yield from self.correction(c)

    def source(self) -> Iterator[Quad]:
        ex, doc = self.ex, self.doc
        yield self.q(doc, A, _T["SourceDocument"])
        yield self.q(doc, _P["source"], Literal(ex.doc))
        yield self.q(doc, _T["sha256"], Literal(ex.sha256))
        yield self.q(doc, _T["format"], Literal(ex.format))

    def policy_metadata(self) -> Iterator[Quad]:
        pol, policy = self.ex.policy, self.policy
        yield self.q(policy, A, _T["Policy"])
        yield self.q(policy, _T["sourceDocument"], self.doc)
        if pol.title:
            yield self.q(policy, _P["title"], Literal(pol.title))
        if pol.doc_number:
            yield self.q(policy, _P["identifier"], Literal(pol.doc_number))
        if pol.date:
            yield self.q(policy, _P["issued"], Literal(pol.date, datatype=_DATE))
            yield self.q(policy, _P["dateDocument"], Literal(pol.date, datatype=_DATE))
        for title in pol.implements:
            yield self.q(policy, _T["implementsTitle"], Literal(title))

    def named_places(self) -> Iterator[Quad]:
        """The places the text names (the jurisdiction among them), under their parents."""
        for p in self.ex.places:
            node = self.places[p.name] = place_iri(p.name, self.parents, self.types)
            yield self.sh(node, A, _T["Place"])
            yield self.sh(node, _P["name"], Literal(p.name))
            yield self.sh(node, _T["placeType"], Literal(p.type))
            if p.parent:
                yield self.sh(node, _P["containedIn"], place_iri(p.parent, self.parents, self.types))
            for cid in p.corrections:
                yield self.sh(node, _T["correctedBy"], self.correction_iri(cid))

    def division(self, name: str) -> Iterator[Quad]:
        """A county-level or higher place, with its code and parents from the gazetteer."""
        if name not in self.places:
            node = self.places[name] = iri("place", name)
            yield self.sh(node, A, _T["Place"])
            yield self.sh(node, _P["name"], Literal(name))
        div = lookup(name, near=self.parents.get(name) or self.jurisdiction)
        if div is None:
            return
        chain = div.chain()
        for d, parent in zip(chain, chain[1:] + [None]):
            dn = iri("place", d.name)
            yield self.sh(dn, A, _T["Place"])
            yield self.sh(dn, _P["name"], Literal(d.name))
            yield self.sh(dn, _T["placeType"], Literal(d.level))
            yield self.sh(dn, _T["divisionCode"], Literal(d.code))
            if parent is not None:
                yield self.sh(dn, _P["containedIn"], iri("place", parent.name))

    def unit_node(self, u: ResolvedUnit) -> Iterator[Quad]:
        """A unit as resolve named it: label, kind, type and jurisdiction."""
        node = unit_iri(u)
        yield self.sh(node, A, _T["Unit"])
        yield self.sh(node, A, _T[u.kind])
        yield self.sh(node, _P["prefLabel"], Literal(u.label))
        yield self.sh(node, _P["classification"], NamedNode(u.type))
        if u.jurisdiction:
            if u.jurisdiction not in self.places:
                yield from self.division(u.jurisdiction)
            yield self.sh(node, _T["jurisdiction"], self.places[u.jurisdiction])

    def unit(self, name: str) -> Iterator[Quad]:
        """The unit a name of the document stands for (described the first time it is named)."""
        if name in self.units:
            return
        u = self.ex.units.get(name)
        if u is None:
            raise ValueError(f"{self.ex.doc}: unit {name!r} was not resolved; run the resolve stage "
                             "(policykg.pipeline.process_document) before rdf")
        node = self.units[name] = unit_iri(u)
        yield from self.unit_node(u)
        if name != u.label:
            yield self.sh(node, _P["altLabel"], Literal(name))
            if u.rule:
                yield self.sh(node, _T["aliasRule"], Literal(u.rule))
        for town in u.member_places:
            yield self.sh(node, _T["memberPlace"], self.places[town])
        if u.parent is not None:
            yield from self.unit_node(u.parent)
            yield self.sh(node, _P["subOrgOf"], unit_iri(u.parent))

    def task(self, t: Task) -> Iterator[Quad]:
        task = iri("task", self.ex.doc_id, t.key)
        yield self.q(task, A, _T["Task"])
        yield self.q(task, _P["isPartOf"], self.policy)
        yield self.q(task, _T["key"], Literal(t.key))
        yield self.q(task, _T["kind"], Literal(t.kind))
        yield self.q(task, _T["text"], Literal(t.text))
        if t.title:
            yield self.q(task, _P["title"], Literal(t.title))
        if t.section:
            yield self.q(task, _T["section"], Literal(t.section))
        if t.number:
            yield self.q(task, _T["number"], Literal(t.number))
        yield from self.span(task, t.start, t.end)
        for theme in t.themes:
            yield self.q(task, _T["theme"], NamedNode(theme))
        if t.restates:
            yield self.q(task, _T["restates"], iri("task", self.ex.doc_id, t.restates))
        for name in t.places:
            if name in self.places:
                yield self.q(task, _T["mentionsPlace"], self.places[name])
        yield from self.assignments(task, t)
        yield from self.assessments(task, t)
        yield from self.persons(task, t)
        yield from self.milestones(task, t)

    def assignments(self, task: NamedNode, t: Task) -> Iterator[Quad]:
        """Who does the task, in which role, read where."""
        for n, m in enumerate(t.mentions, 1):
            yield from self.unit(m.name)
            a = iri("assignment", self.ex.doc_id, t.key, str(n))
            yield self.q(task, ROLE_PROPERTY[m.role], self.units[m.name])
            yield self.q(task, _T["assignment"], a)
            yield self.q(a, A, _T["Assignment"])
            yield self.q(a, _T["task"], task)
            yield self.q(a, _P["agent"], self.units[m.name])
            yield self.q(a, _P["hadRole"], ROLE_CONCEPT[m.role])
            yield self.q(a, _P["anchorOf"], Literal(m.text))
            yield from self.span(a, m.start, m.end)
            yield self.q(a, _T["prose"], Literal("true" if m.prose else "false", datatype=_BOOL))
            for cid in m.corrections:
                yield self.q(a, _T["correctedBy"], self.correction_iri(cid))

    def assessments(self, task: NamedNode, t: Task) -> Iterator[Quad]:
        """评分部门: units that score the task, not doers."""
        for n, m in enumerate(t.assessors, 1):
            yield from self.unit(m.name)
            a = iri("assessment", self.ex.doc_id, t.key, str(n))
            yield self.q(task, _T["assessor"], self.units[m.name])
            yield self.q(task, _T["assessment"], a)
            yield self.q(a, A, _T["Assessment"])
            yield self.q(a, _T["task"], task)
            yield self.q(a, _P["agent"], self.units[m.name])
            yield self.q(a, _P["anchorOf"], Literal(m.text))
            yield from self.span(a, m.start, m.end)

    def persons(self, task: NamedNode, t: Task) -> Iterator[Quad]:
        """责任领导: people, never units."""
        for n, person in enumerate(t.persons, 1):
            who = iri("person", self.jurisdiction or self.ex.doc_id, person.name)
            yield self.sh(who, A, _P["Person"])
            yield self.sh(who, _P["name"], Literal(person.name))
            pm = iri("person-mention", self.ex.doc_id, t.key, str(n))
            yield self.q(task, _T["person"], who)
            yield self.q(task, _T["personMention"], pm)
            yield self.q(pm, A, _T["PersonMention"])
            yield self.q(pm, _T["task"], task)
            yield self.q(pm, _T["person"], who)
            yield self.q(pm, _P["anchorOf"], Literal(person.name))
            yield from self.span(pm, person.start, person.end)

    def milestones(self, task: NamedNode, t: Task) -> Iterator[Quad]:
        for n, ms in enumerate(t.milestones, 1):
            node = iri("milestone", self.ex.doc_id, t.key, str(n))
            yield self.q(task, _T["milestone"], node)
            yield self.q(node, A, _T["Milestone"])
            yield self.q(node, _P["label"], Literal(ms.text))
            if re.fullmatch(r"\d{4}", ms.year):
                yield self.q(node, _P["inYear"], Literal(ms.year, datatype=_GYEAR))
            yield from self.span(node, ms.start, ms.end)

    def correction_iri(self, cid: str) -> NamedNode:
        return iri("correction", self.ex.doc_id, cid)

    def correction(self, c: AppliedCorrection) -> Iterator[Quad]:
        """A curator's correction applied to this document, as a PROV activity: who made it,
        when and why (from the corrections file), what it changed (before and after), and
        the task it changed; the statements it made or changed point to it (pkg:correctedBy)."""
        node, who = self.correction_iri(c.id), iri("curator", c.who)
        yield self.q(node, A, _T["Correction"])
        yield self.q(node, _T["correctionId"], Literal(c.id))
        yield self.q(node, _T["correctionAction"], Literal(c.action))
        yield self.q(node, _T["correctionSource"], Literal(c.source))
        yield self.q(node, _T["anchoring"], Literal(c.anchored))
        yield self.q(node, _T["before"], Literal(c.before))
        yield self.q(node, _T["after"], Literal(c.after))
        yield self.q(node, _P["associated"], who)
        yield self.sh(who, A, _P["Agent"])  # a curator is described once, in the shared graph
        yield self.sh(who, _P["name"], Literal(c.who))
        yield self.q(node, _P["endedAt"], Literal(c.when, datatype=_DATETIME))
        yield self.q(node, _P["comment"], Literal(c.why))
        yield self.q(node, _P["used"], self.doc)
        if c.task is not None:
            yield self.q(node, _T["correctsTask"], iri("task", self.ex.doc_id, c.task))

    def pairing(self, n: int, pair: Pairing) -> Iterator[Quad]:
        """对口帮扶: a helper unit and the place it helps."""
        node = iri("pairing", self.ex.doc_id, str(n))
        yield self.q(node, A, _T["PairedAssistance"])
        yield self.q(node, _T["pairingKind"], Literal(pair.kind))
        yield from self.unit(pair.helper)
        yield self.q(node, _T["helper"], self.units[pair.helper])
        helped = self.places.get(pair.helped) or iri("place", pair.helped)
        if pair.helped not in self.places:
            yield self.sh(helped, A, _T["Place"])
            yield self.sh(helped, _P["name"], Literal(pair.helped))
        yield self.q(node, _T["helped"], helped)
        yield from self.span(node, pair.start, pair.end)


__all__ = ["extraction_quads", "graph_iri", "iri"]
