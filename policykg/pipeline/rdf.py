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
from policykg.records import Extraction, ResolvedUnit, graph_name, local_id

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
        "Person": SCHEMA.Person,
    }.items()
}
_T = {name: _n(getattr(PKG, name)) for name in PKG.__annotations__}
ROLE_CONCEPT = {"lead": _T["Lead"], "support": _T["Support"], "responsible": _T["Responsible"]}
ROLE_PROPERTY = {"lead": _T["leadUnit"], "support": _T["supportUnit"], "responsible": _T["responsibleUnit"]}
_INT = NamedNode(str(XSD.integer))  # the store keeps xsd:integer; shapes require >= 0
_DATE = NamedNode(str(XSD.date))
_GYEAR = NamedNode(str(XSD.gYear))
_BOOL = NamedNode(str(XSD.boolean))


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
    for quad in _extraction_quads(ex):
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


def _extraction_quads(ex: Extraction) -> Iterator[Quad]:
    g = graph_iri(ex.doc_id)

    def q(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Quad:
        return Quad(s, p, o, g)

    def sh(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Quad:
        """A statement about a unit or place: it goes to the shared graph, stated once
        however many documents name the unit or place."""
        return Quad(s, p, o, SHARED_GRAPH)

    doc = iri("doc", ex.doc_id)
    yield q(doc, A, _T["SourceDocument"])
    yield q(doc, _P["source"], Literal(ex.doc))
    yield q(doc, _T["sha256"], Literal(ex.sha256))
    yield q(doc, _T["format"], Literal(ex.format))

    pol = ex.policy
    policy = iri("policy", ex.doc_id)
    yield q(policy, A, _T["Policy"])
    yield q(policy, _T["sourceDocument"], doc)
    if pol.title:
        yield q(policy, _P["title"], Literal(pol.title))
    if pol.doc_number:
        yield q(policy, _P["identifier"], Literal(pol.doc_number))
    if pol.date:
        yield q(policy, _P["issued"], Literal(pol.date, datatype=_DATE))
        yield q(policy, _P["dateDocument"], Literal(pol.date, datatype=_DATE))
    for title in pol.implements:
        yield q(policy, _T["implementsTitle"], Literal(title))

    # places: the jurisdiction and what the text names
    places: dict[str, NamedNode] = {}
    parents = {p.name: p.parent for p in ex.places}
    types = {p.name: p.type for p in ex.places}
    for p in ex.places:
        node = place_iri(p.name, parents, types)
        places[p.name] = node
        yield sh(node, A, _T["Place"])
        yield sh(node, _P["name"], Literal(p.name))
        yield sh(node, _T["placeType"], Literal(p.type))
        if p.parent:
            yield sh(node, _P["containedIn"], place_iri(p.parent, parents, types))
    jurisdiction = pol.jurisdiction

    def division(name: str) -> Iterator[Quad]:
        """A county-level or higher place, with its code and parents from the gazetteer."""
        node = places.get(name) or iri("place", name)
        if name not in places:
            places[name] = node
            yield sh(node, A, _T["Place"])
            yield sh(node, _P["name"], Literal(name))
        div = lookup(name, near=parents.get(name) or jurisdiction)
        if div is not None:
            chain = div.chain()
            for d, parent in zip(chain, chain[1:] + [None]):
                dn = iri("place", d.name)
                yield sh(dn, A, _T["Place"])
                yield sh(dn, _P["name"], Literal(d.name))
                yield sh(dn, _T["placeType"], Literal(d.level))
                yield sh(dn, _T["divisionCode"], Literal(d.code))
                if parent is not None:
                    yield sh(dn, _P["containedIn"], iri("place", parent.name))

    if jurisdiction:
        yield from division(jurisdiction)
        yield q(policy, _T["jurisdiction"], places[jurisdiction])

    # units, as resolve named them
    units: dict[str, NamedNode] = {}

    def unit_node(u: ResolvedUnit) -> Iterator[Quad]:
        node = unit_iri(u)
        yield sh(node, A, _T["Unit"])
        yield sh(node, A, _T[u.kind])
        yield sh(node, _P["prefLabel"], Literal(u.label))
        yield sh(node, _P["classification"], NamedNode(u.type))
        if u.jurisdiction:
            if u.jurisdiction not in places:
                yield from division(u.jurisdiction)
            yield sh(node, _T["jurisdiction"], places[u.jurisdiction])

    def unit(name: str) -> Iterator[Quad]:
        u = ex.units.get(name)
        if u is None:
            raise ValueError(f"{ex.doc}: unit {name!r} was not resolved; run the resolve stage "
                             "(policykg.pipeline.process_document) before rdf")
        node = units[name] = unit_iri(u)
        yield from unit_node(u)
        if name != u.label:
            yield sh(node, _P["altLabel"], Literal(name))
            if u.rule:
                yield sh(node, _T["aliasRule"], Literal(u.rule))
        for town in u.member_places:
            yield sh(node, _T["memberPlace"], places[town])
        if u.parent is not None:
            yield from unit_node(u.parent)
            yield sh(node, _P["subOrgOf"], unit_iri(u.parent))

    for issuer in pol.issuers:
        if issuer not in units:
            yield from unit(issuer)
        yield q(policy, _P["creator"], units[issuer])

    for t in ex.tasks:
        task = iri("task", ex.doc_id, t.key)
        yield q(task, A, _T["Task"])
        yield q(task, _P["isPartOf"], policy)
        yield q(task, _T["key"], Literal(t.key))
        yield q(task, _T["kind"], Literal(t.kind))
        yield q(task, _T["text"], Literal(t.text))
        if t.title:
            yield q(task, _P["title"], Literal(t.title))
        if t.section:
            yield q(task, _T["section"], Literal(t.section))
        yield q(task, _P["begin"], _int(t.start))
        yield q(task, _P["end"], _int(t.end))
        yield q(task, _P["context"], doc)
        for theme in t.themes:
            yield q(task, _T["theme"], NamedNode(theme))
        for name in t.places:
            if name in places:
                yield q(task, _T["mentionsPlace"], places[name])
        for n, m in enumerate(t.mentions, 1):
            if m.name not in units:
                yield from unit(m.name)
            a = iri("assignment", ex.doc_id, t.key, str(n))
            yield q(task, ROLE_PROPERTY[m.role], units[m.name])
            yield q(task, _T["assignment"], a)
            yield q(a, A, _T["Assignment"])
            yield q(a, _T["task"], task)
            yield q(a, _P["agent"], units[m.name])
            yield q(a, _P["hadRole"], ROLE_CONCEPT[m.role])
            yield q(a, _P["anchorOf"], Literal(m.text))
            yield q(a, _P["begin"], _int(m.start))
            yield q(a, _P["end"], _int(m.end))
            yield q(a, _P["context"], doc)
            yield q(a, _T["prose"], Literal("true" if m.prose else "false", datatype=_BOOL))
        if t.number:
            yield q(task, _T["number"], Literal(t.number))
        for n, m in enumerate(t.assessors, 1):  # 评分部门: units that score the task, not doers
            if m.name not in units:
                yield from unit(m.name)
            a = iri("assessment", ex.doc_id, t.key, str(n))
            yield q(task, _T["assessor"], units[m.name])
            yield q(task, _T["assessment"], a)
            yield q(a, A, _T["Assessment"])
            yield q(a, _T["task"], task)
            yield q(a, _P["agent"], units[m.name])
            yield q(a, _P["anchorOf"], Literal(m.text))
            yield q(a, _P["begin"], _int(m.start))
            yield q(a, _P["end"], _int(m.end))
            yield q(a, _P["context"], doc)
        for n, person in enumerate(t.persons, 1):  # 责任领导: people, never units
            who = iri("person", jurisdiction or ex.doc_id, person.name)
            yield sh(who, A, _P["Person"])
            yield sh(who, _P["name"], Literal(person.name))
            pm = iri("person-mention", ex.doc_id, t.key, str(n))
            yield q(task, _T["person"], who)
            yield q(task, _T["personMention"], pm)
            yield q(pm, A, _T["PersonMention"])
            yield q(pm, _T["task"], task)
            yield q(pm, _T["person"], who)
            yield q(pm, _P["anchorOf"], Literal(person.name))
            yield q(pm, _P["begin"], _int(person.start))
            yield q(pm, _P["end"], _int(person.end))
            yield q(pm, _P["context"], doc)
        for n, ms in enumerate(t.milestones, 1):
            node = iri("milestone", ex.doc_id, t.key, str(n))
            yield q(task, _T["milestone"], node)
            yield q(node, A, _T["Milestone"])
            yield q(node, _P["label"], Literal(ms.text))
            if re.fullmatch(r"\d{4}", ms.year):
                yield q(node, _P["inYear"], Literal(ms.year, datatype=_GYEAR))
            yield q(node, _P["begin"], _int(ms.start))
            yield q(node, _P["end"], _int(ms.end))
            yield q(node, _P["context"], doc)

    for n, pair in enumerate(ex.pairings, 1):
        node = iri("pairing", ex.doc_id, str(n))
        yield q(node, A, _T["PairedAssistance"])
        yield q(node, _T["pairingKind"], Literal(pair.kind))
        if pair.helper not in units:
            yield from unit(pair.helper)
        yield q(node, _T["helper"], units[pair.helper])
        helped = places.get(pair.helped) or iri("place", pair.helped)
        if pair.helped not in places:
            yield sh(helped, A, _T["Place"])
            yield sh(helped, _P["name"], Literal(pair.helped))
        yield q(node, _T["helped"], helped)
        yield q(node, _P["begin"], _int(pair.start))
        yield q(node, _P["end"], _int(pair.end))
        yield q(node, _P["context"], doc)


__all__ = ["extraction_quads", "graph_iri", "iri"]
