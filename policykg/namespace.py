"""RDF namespaces. ``PKG`` lists the ontology's terms and fails on any other name,
so a typo in code is an error, not a new term (a test checks it against ontology/policykg.ttl)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

from policykg.records import ID_BASE

BASE = "https://w3id.org/policykg/"
assert ID_BASE.startswith(BASE)
ONTOLOGY_IRI = BASE + "ontology"
ID = Namespace(ID_BASE)
UT = Namespace(BASE + "unit-type/")
TH = Namespace(BASE + "theme/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")


class PKG(DefinedNamespace):
    """The policykg ontology (ontology/policykg.ttl)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Policy: URIRef
    CitedPolicy: URIRef
    TaskLink: URIRef
    Correction: URIRef
    SourceDocument: URIRef
    Task: URIRef
    Assignment: URIRef
    Unit: URIRef
    CollectiveUnit: URIRef
    PartyOrgan: URIRef
    Government: URIRef
    GovernmentDepartment: URIRef
    PublicInstitution: URIRef
    MassOrganisation: URIRef
    Enterprise: URIRef
    Cooperative: URIRef
    TemporaryBody: URIRef
    memberPlace: URIRef
    Place: URIRef
    PairedAssistance: URIRef
    Milestone: URIRef
    Assessment: URIRef
    PersonMention: URIRef
    RoleScheme: URIRef
    Lead: URIRef
    Support: URIRef
    Responsible: URIRef
    # properties
    assignedUnit: URIRef
    leadUnit: URIRef
    supportUnit: URIRef
    responsibleUnit: URIRef
    assignment: URIRef
    task: URIRef
    prose: URIRef
    key: URIRef
    text: URIRef
    section: URIRef
    kind: URIRef
    mentionsPlace: URIRef
    theme: URIRef
    restates: URIRef
    implementsTask: URIRef
    linkSource: URIRef
    linkTarget: URIRef
    similarity: URIRef
    milestone: URIRef
    assessor: URIRef
    assessment: URIRef
    person: URIRef
    personMention: URIRef
    number: URIRef
    jurisdiction: URIRef
    implementsTitle: URIRef
    sourceDocument: URIRef
    sha256: URIRef
    format: URIRef
    placeType: URIRef
    withinPlace: URIRef
    divisionCode: URIRef
    aliasRule: URIRef
    helper: URIRef
    helped: URIRef
    pairingKind: URIRef
    namePattern: URIRef
    corePattern: URIRef
    cuePattern: URIRef
    correctedBy: URIRef
    correctionId: URIRef
    correctionAction: URIRef
    correctionSource: URIRef
    anchoring: URIRef
    before: URIRef
    after: URIRef
    correctsTask: URIRef


PREFIXES = {
    "pkg": str(PKG._NS),
    "id": str(ID),
    "ut": str(UT),
    "th": str(TH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "eli": str(ELI),
    "org": str(ORG),
    "prov": str(PROV),
    "nif": str(NIF),
    "schema": str(SCHEMA),
    "time": str(TIME),
}
