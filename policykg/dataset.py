"""The dataset: each document's statements serialized once (N-Quads), the dataset as one
N-Quads file, and conversion to other syntaxes on demand.

The dataset is the ontology graph, the shared graph, the policy chain's graph and each
document's graph, graph by graph (documents by name, lines sorted within each graph,
byte-identical for the same input), for other triple stores and for rdflib. A build writes
it as ``graph/dataset.nq`` when asked (``build --dataset``: joined from the part files);
otherwise ``policykg export dataset`` makes the same bytes from the store (a rebuild then
does not rewrite gigabytes for one changed document). TriG, Turtle and JSON-LD are made
from the N-Quads when asked.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from policykg.atomic import open_atomic
from policykg.generation import NQUADS
from policykg.graphs import ontology_nquads, sorted_lines, triples_as_nquads
from policykg.namespace import PREFIXES
from policykg.pipeline.rdf import graph_iri

if TYPE_CHECKING:
    from rdflib import Dataset



@dataclass(frozen=True)
class DocumentRDF:
    """One document's statements, serialized once (in the worker that extracted it)."""

    #: its named graph as N-Quads, lines sorted
    graph: bytes
    #: its statements about units and places (for the shared graph), N-Quads, lines sorted
    shared: bytes


def _without_prefixes(trig: bytes) -> bytes:
    return b"".join(line for line in trig.splitlines(keepends=True) if not line.startswith(b"@prefix "))


def trig_header() -> bytes:
    """The ``@prefix`` lines that start the dataset as TriG."""
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(PREFIXES.items())).encode("utf-8")


def document_rdf(doc_id: str, quads: Iterable[ox.Quad]) -> DocumentRDF:
    """Serialize one document's statements (the pipeline's last stage made them): its named
    graph and its statements about units and places, as N-Quads."""
    g = graph_iri(doc_id)
    mine: dict[ox.Quad, None] = {}
    shared: list[ox.Quad] = []
    for q in quads:
        if q.graph_name == g:
            mine[q] = None
        else:
            shared.append(q)
    return DocumentRDF(
        graph=sorted_lines(ox.serialize(mine, format=ox.RdfFormat.N_QUADS) or b""),
        shared=sorted_lines(ox.serialize(shared, format=ox.RdfFormat.N_QUADS) or b""),
    )


def write_dataset_files(graph_dir: str | Path, corpus: bytes, parts: Iterable[Path]) -> None:
    """Write ``dataset.nq`` atomically, streaming: the ontology graph, the graphs made from
    the whole corpus (``corpus``: the shared graph, then the chain's), then each document's
    graph from its N-Quads part file (in the order given: by document name)."""
    with open_atomic(Path(graph_dir) / NQUADS) as fh:
        fh.write(ontology_nquads() + corpus)
        fh.flush()
        for path in parts:
            _append(fh, path)


def store_nquads(graph_dir: str | Path) -> Iterator[bytes]:
    """The dataset's N-Quads as ``write_dataset_files`` writes them, made from the store a
    graph at a time (the documents in the manifest's order, which is by name)."""
    from policykg.chain import CHAIN_GRAPH
    from policykg.graphdir import document_graph_files
    from policykg.pipeline.rdf import SHARED_GRAPH
    from policykg.store import open_store

    store = open_store(graph_dir, read_only=True)
    yield ontology_nquads()
    graphs = [SHARED_GRAPH.value, CHAIN_GRAPH, *(iri for iri, _ in document_graph_files(graph_dir))]
    for iri in graphs:
        g = ox.NamedNode(iri)
        if not store.contains_named_graph(g):
            continue
        yield b"".join(sorted(triples_as_nquads(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"", iri)))


def _graph_of(line: bytes) -> bytes:
    """The graph term of an N-Quads line (the last term before the final dot)."""
    body = line.rstrip()[:-1].rstrip()
    return body[body.rindex(b"<"):] if body.endswith(b">") else b""


def trig_lines(nquads: Iterable[bytes]) -> Iterator[bytes]:
    """The dataset as TriG, from its N-Quads lines grouped by graph (as ``dataset.nq`` is):
    the prefixes once, then one block per graph, a graph at a time in memory."""
    yield trig_header()

    def block(lines: list[bytes]) -> bytes:
        quads = ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS)
        return _without_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b"")

    current: bytes | None = None
    lines: list[bytes] = []
    for line in nquads:
        if not line.strip():
            continue
        g = _graph_of(line)
        if g != current and lines:
            yield block(lines)
            lines = []
        current = g
        lines.append(line if line.endswith(b"\n") else line + b"\n")
    if lines:
        yield block(lines)


def _append(fh: BinaryIO, path: Path) -> None:
    """Append a file's bytes to an open file (copied by the kernel where it can)."""
    start = fh.seek(0, os.SEEK_END)
    with open(path, "rb") as src:
        try:
            while os.copy_file_range(src.fileno(), fh.fileno(), 1 << 30):
                pass
            fh.seek(0, os.SEEK_END)
            return
        except OSError:  # not on this file system: copy through Python
            os.ftruncate(fh.fileno(), start)
            fh.seek(start)
            src.seek(0)
        shutil.copyfileobj(src, fh, 1 << 20)


def load_dataset(graph_dir: str | Path) -> Dataset:
    """The whole dataset as an rdflib ``Dataset`` (``dataset.nq``, or the same made from the store)."""
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(data=dataset_bytes(graph_dir, "nquads"), format="nquads")
    return ds


def _nquads(graph_dir: str | Path) -> Iterator[bytes]:
    """The dataset's N-Quads in pieces: the file a build wrote, else made from the store."""
    path = Path(graph_dir) / NQUADS
    if path.exists():
        with open(path, "rb") as fh:
            yield from fh
    else:
        yield from store_nquads(graph_dir)



DATASET_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def dataset_bytes(graph_dir: str | Path, fmt: str) -> bytes:
    """The dataset in a syntax: ``nquads`` (``dataset.nq``, or the same bytes made from the
    store), ``trig`` (made from them a graph at a time), ``turtle`` (all graphs merged into
    one, for tools without named graphs) or ``jsonld``."""
    if fmt == "trig":
        return b"".join(trig_lines(line for piece in _nquads(graph_dir) for line in piece.splitlines(keepends=True)))
    nquads = b"".join(_nquads(graph_dir))
    if fmt == "nquads":
        return nquads
    if fmt == "turtle":
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
        return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    if fmt == "jsonld":  # compacted with the prefixes as its @context (pyoxigraph writes expanded JSON-LD only)
        from rdflib import Dataset as RdflibDataset

        ds = RdflibDataset()
        ds.parse(data=nquads, format="nquads")
        return ds.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True).encode("utf-8")
    raise ValueError(f"no dataset format {fmt!r}: choose one of {', '.join(DATASET_FORMATS)}")
