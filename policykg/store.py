"""The embedded on-disk SPARQL store (pyoxigraph) and the dataset files.

``graph/store/`` holds a pyoxigraph store: one named graph per document plus
one for the ontology. A rebuild replaces only the named graphs of documents
whose sha256 changed. ``graph/dataset.nq`` (sorted N-Quads, byte-identical for
the same input) and ``graph/dataset.trig`` are dumped from it for other triple
stores and for rdflib.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .atomic import write_bytes
from .errors import GraphNotBuiltError
from .namespace import ONTOLOGY_IRI, PREFIXES
from .paths import ONTOLOGY_DIR, resource
from .rdf import GRAPH_PREFIX, SHARED_GRAPH, extraction_quads, graph_iri
from .records import Extraction

STORE = "store"
NQUADS = "dataset.nq"
TRIG = "dataset.trig"
ONTOLOGY_FILES = ("policykg.ttl", "unit-types.ttl", "themes.ttl")
ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)



def open_store(graph_dir: str | Path, *, read_only: bool = False) -> ox.Store:
    """The store of a graph directory (created when writing)."""
    path = Path(graph_dir) / STORE
    if read_only:
        if not path.is_dir():
            raise GraphNotBuiltError(
                f"{graph_dir}: no store here ({STORE}/ missing). Run `policykg build DOCS_DIR -o {graph_dir}` first"
            )
        return ox.Store.read_only(str(path))
    path.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


def stored_documents(graph_dir: str | Path) -> set[str]:
    """doc ids whose graph is in the graph directory's store (empty when there is none)."""
    path = Path(graph_dir) / STORE
    if not path.is_dir():
        return set()
    try:
        store = ox.Store.read_only(str(path))
    except OSError:
        return set()  # unreadable or damaged: everything is rebuilt
    return document_graphs(store)


def update_store(
    graph_dir: str | Path, extractions: Iterable[Extraction], remove: Iterable[str], everything: Iterable[Extraction] = ()
) -> int:
    """Apply a build to a copy of the store, then swap the copy in whole.

    The copy is a pyoxigraph backup (hard links, cheap); the previous store is
    untouched until the final rename, so a build killed at any point leaves
    the previous store usable. Also writes the dataset files. Returns quads added.
    """
    import shutil

    out = Path(graph_dir)
    final, work, old = out / STORE, out / ".store-new", out / ".store-old"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    if final.is_dir():
        try:
            ox.Store.read_only(str(final)).backup(str(work))
        except OSError:
            shutil.rmtree(work, ignore_errors=True)  # damaged: start afresh (all documents were re-extracted)
    store = ox.Store(str(work))
    added = replace_documents(store, extractions, remove, everything=everything)
    load_ontology(store)
    store.flush()
    write_dataset_files(store, out)
    del store
    if final.exists():
        os.replace(final, old)
    os.replace(work, final)
    shutil.rmtree(old, ignore_errors=True)
    return added


def document_graphs(store: ox.Store) -> set[str]:
    """doc ids whose named graph is in the store."""
    return {g.value[len(GRAPH_PREFIX) :] for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(GRAPH_PREFIX)}


def replace_documents(
    store: ox.Store, extractions: Iterable[Extraction], remove: Iterable[str] = (), *, everything: Iterable[Extraction] = ()
) -> int:
    """Replace the named graphs of these documents (and drop those of ``remove``), then
    rebuild the shared graph of units and places from ``everything`` (all documents of the
    build); returns quads added."""
    added: list[ox.Quad] = []
    shared_of: dict[str, list[ox.Quad]] = {}  # the shared quads of the documents built here, kept for below
    for doc_id in remove:
        store.remove_graph(graph_iri(doc_id))
    for ex in extractions:
        g = graph_iri(ex.doc_id)
        if store.contains_named_graph(g):
            store.remove_graph(g)
        mine = shared_of[ex.doc_id] = []
        for q in extraction_quads(ex):
            if q.graph_name == g:
                added.append(q)
            elif q.graph_name == SHARED_GRAPH:
                mine.append(q)
    shared: set[ox.Quad] = set()
    for ex in everything:
        done = shared_of.get(ex.doc_id)
        shared.update(done if done is not None else (q for q in extraction_quads(ex) if q.graph_name == SHARED_GRAPH))
    if store.contains_named_graph(SHARED_GRAPH):
        store.remove_graph(SHARED_GRAPH)
    # bulk loading is not transactional, which is safe here: this store is a copy that
    # replaces the real one only when it is complete (see update_store)
    store.bulk_extend(added)
    store.bulk_extend(shared)
    return len(added) + len(shared)


def load_ontology(store: ox.Store) -> None:
    """(Re)load the ontology and the unit-type scheme into their own named graph."""
    if store.contains_named_graph(ONTOLOGY_GRAPH):
        store.remove_graph(ONTOLOGY_GRAPH)
    for name in ONTOLOGY_FILES:
        store.load(path=str(resource(ONTOLOGY_DIR, name)), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)


def sorted_nquads(store: ox.Store) -> bytes:
    """All quads as N-Quads, lines sorted: the same input gives the same bytes."""
    data = store.dump(format=ox.RdfFormat.N_QUADS) or b""
    lines = sorted(set(data.decode("utf-8").splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


DATASET_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def _reserialize(nquads: bytes, fmt: str) -> bytes:
    """Sorted N-Quads in another of :data:`DATASET_FORMATS` (prefixes where the syntax has them)."""
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=DATASET_FORMATS[fmt], prefixes=PREFIXES if fmt != "jsonld" else None) or b""


def write_dataset_files(store: ox.Store, graph_dir: str | Path) -> None:
    """Dump ``dataset.nq`` (sorted) and ``dataset.trig`` atomically."""
    out = Path(graph_dir)
    nquads = sorted_nquads(store)
    write_bytes(out / NQUADS, nquads)
    write_bytes(out / TRIG, _reserialize(nquads, "trig"))


def load_dataset(graph_dir: str | Path):
    """The whole dataset as an rdflib ``Dataset`` (read from ``dataset.trig``)."""
    from rdflib import Dataset

    path = Path(graph_dir) / TRIG
    if not path.exists():
        raise GraphNotBuiltError(f"{graph_dir}: no {TRIG} here. Run `policykg build DOCS_DIR -o {graph_dir}` first")
    ds = Dataset(default_union=True)
    ds.parse(path, format="trig")
    return ds



def dataset_bytes(graph_dir: str | Path, fmt: str) -> bytes:
    """The dataset in another syntax: ``trig``, ``nquads`` (sorted), ``turtle`` (all
    graphs merged into one, for tools without named graphs) or ``jsonld``."""
    store = open_store(graph_dir, read_only=True)
    if fmt == "nquads":
        return sorted_nquads(store)
    if fmt == "turtle":
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)}
        return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return _reserialize(sorted_nquads(store), fmt)
