"""The named graphs every build has besides the documents' (the ontology's), and N-Quads
lines: sorted, and read as the triples of one graph. Below the store and the dataset, which
both use them."""

from __future__ import annotations

import pyoxigraph as ox

from policykg.namespace import ONTOLOGY_IRI
from policykg.paths import ONTOLOGY_DIR, resource

ONTOLOGY_FILES = ("policykg.ttl", "unit-types.ttl", "themes.ttl")
ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)


def sorted_lines(data: bytes) -> bytes:
    """The distinct non-empty lines of ``data``, sorted, each ending in a newline.

    >>> sorted_lines(b"b\\na\\n\\nb\\n")
    b'a\\nb\\n'
    """
    lines = sorted(set(data.splitlines()))
    return b"".join(line + b"\n" for line in lines if line)


def nquads_as_triples(nquads: bytes, graph: str) -> bytes:
    """N-Quads lines of one graph as N-Triples (the graph term dropped).

    >>> nquads_as_triples(b'<s> <p> "o" <g> .\\n', "g")
    b'<s> <p> "o" .\\n'
    """
    tail = f" <{graph}> .".encode()
    out = []
    for line in nquads.splitlines():
        if not line.endswith(tail):
            raise ValueError(f"not a line of graph <{graph}>: {line[:120]!r}")
        out.append(line[: -len(tail)] + b" .\n")
    return b"".join(out)


def triples_as_nquads(ntriples: bytes, graph: str) -> list[bytes]:
    """N-Triples lines as N-Quads lines of one graph (each ending in a newline).

    >>> triples_as_nquads(b'<s> <p> "o" .\\n', "g")
    [b'<s> <p> "o" <g> .\\n']
    """
    tail = f" <{graph}> .\n".encode()
    return [line[:-2] + tail for line in ntriples.splitlines() if line]


def ontology_quads() -> list[ox.Quad]:
    """The ontology and the unit-type and theme schemes, in their own named graph."""
    store = ox.Store()  # in memory: parses each file into the graph
    for name in ONTOLOGY_FILES:
        store.load(path=str(resource(ONTOLOGY_DIR, name)), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
    return list(store)


def ontology_nquads() -> bytes:
    """The ontology graph's N-Quads, lines sorted."""
    return sorted_lines(ox.serialize(ontology_quads(), format=ox.RdfFormat.N_QUADS) or b"")
