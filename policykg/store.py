"""The embedded on-disk SPARQL store (pyoxigraph) and the dataset files.

``graph/store/`` holds a pyoxigraph store: one named graph per document, one
shared graph of units and places, and one for the ontology. Each document's
statements are serialized once, when it is extracted, into part files
(``graph/parts/``); a build streams them into the store in bulk-loaded batches,
and a rebuild replaces only the named graphs of documents whose sha256 changed.
``graph/dataset.nq`` and ``graph/dataset.trig`` are the part files joined, graph
by graph (lines sorted within each graph, byte-identical for the same input),
for other triple stores and for rdflib.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from policykg.atomic import open_atomic
from policykg.errors import GraphNotBuiltError
from policykg.namespace import ONTOLOGY_IRI, PREFIXES
from policykg.paths import ONTOLOGY_DIR, resource
from policykg.pipeline.rdf import GRAPH_PREFIX, SHARED_GRAPH, graph_iri

if TYPE_CHECKING:
    from rdflib import Dataset

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


@dataclass(frozen=True)
class DocumentRDF:
    """One document's statements, serialized once (in the worker that extracted it)."""

    #: its named graph as N-Quads, lines sorted
    graph: bytes
    #: its statements about units and places (for the shared graph), N-Quads, lines sorted
    shared: bytes
    #: its named graph as TriG, without ``@prefix`` lines (see :func:`trig_header`)
    trig: bytes


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(data.splitlines()))
    return b"".join(line + b"\n" for line in lines if line)


def _without_prefixes(trig: bytes) -> bytes:
    return b"".join(line for line in trig.splitlines(keepends=True) if not line.startswith(b"@prefix "))


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


def trig_header() -> bytes:
    """The ``@prefix`` lines that start ``dataset.trig``."""
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(PREFIXES.items())).encode("utf-8")


def document_rdf(doc_id: str, quads: Iterable[ox.Quad]) -> DocumentRDF:
    """Serialize one document's statements (the pipeline's last stage made them): its named
    graph (N-Quads and TriG) and its statements about units and places."""
    g = graph_iri(doc_id)
    mine: dict[ox.Quad, None] = {}
    shared: list[ox.Quad] = []
    for q in quads:
        if q.graph_name == g:
            mine[q] = None
        else:
            shared.append(q)
    return DocumentRDF(
        graph=_sorted_lines(ox.serialize(mine, format=ox.RdfFormat.N_QUADS) or b""),
        shared=_sorted_lines(ox.serialize(shared, format=ox.RdfFormat.N_QUADS) or b""),
        trig=_without_prefixes(ox.serialize(mine, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""),
    )


class StoreUpdate:
    """Apply a build to a copy of the store, written into the new generation's folder.

    The copy is a pyoxigraph backup (hard links, cheap) of the current store when
    documents of the previous build are kept, else an empty store; the current store is
    untouched, and the new one is published with the rest of the generation
    (see :mod:`policykg.generation`). Documents are streamed in: their N-Quads are
    buffered and bulk-loaded in batches of ``batch_bytes``, so memory does not grow
    with the corpus.
    """

    def __init__(self, graph_dir: str | Path, work: Path, *, keep: bool, batch_bytes: int = 32 << 20) -> None:
        self.out = Path(graph_dir)
        self.work = work
        shutil.rmtree(self.work, ignore_errors=True)
        self.kept = False
        if keep and (self.out / STORE).is_dir():
            try:
                ox.Store.read_only(str(self.out / STORE)).backup(str(self.work))
                self.kept = True
            except OSError:
                shutil.rmtree(self.work, ignore_errors=True)  # damaged: start afresh
        self.store = ox.Store(str(self.work))
        self.present = document_graphs(self.store)
        self.loaded: set[str] = set()
        self.added = 0
        self._batch: list[bytes] = []
        self._size = 0
        self._limit = batch_bytes

    def add(self, doc_id: str, nquads: bytes) -> None:
        """Replace the named graph of one document by these N-Quads."""
        if doc_id in self.present and doc_id not in self.loaded:
            self.store.remove_graph(graph_iri(doc_id))
        self.loaded.add(doc_id)
        self._batch.append(nquads)
        self._size += len(nquads)
        self.added += nquads.count(b"\n")
        if self._size >= self._limit:
            self._load()

    def _load(self) -> None:
        if self._batch:
            # bulk loading is not transactional, which is safe here: this store is a copy
            # that replaces the real one only when it is complete (see commit)
            self.store.bulk_load(b"".join(self._batch), format=ox.RdfFormat.N_QUADS, lenient=True)
        self._batch, self._size = [], 0

    def finish(self, keep: Iterable[str], shared: bytes, *, previous: bytes | None = None) -> None:
        """Drop the graphs of documents not in ``keep``, set the shared graph to these
        (sorted, unique) N-Quads, reload the ontology and flush. ``previous``: the shared
        graph's N-Quads as the kept store holds them, if known (saves reading it back
        from the store, seconds for a large corpus)."""
        self._load()
        for doc_id in self.present - set(keep) - self.loaded:
            self.store.remove_graph(graph_iri(doc_id))
        # compare lines, not term objects: the shared graph is large, and a rebuild rarely changes it
        new = set(nquads_as_triples(shared, SHARED_GRAPH.value).splitlines())
        if not self.kept:
            old: set[bytes] = set()
        elif previous is not None:
            old = set(nquads_as_triples(previous, SHARED_GRAPH.value).splitlines())
        else:
            old = set((self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=SHARED_GRAPH) or b"").splitlines())
        gone, added = old - new, new - old
        del old, new
        if gone:
            for q in ox.parse(b"\n".join(gone), format=ox.RdfFormat.N_TRIPLES):
                self.store.remove(ox.Quad(q.subject, q.predicate, q.object, SHARED_GRAPH))
        if added:
            self.store.bulk_load(b"\n".join(sorted(added)) + b"\n", format=ox.RdfFormat.N_TRIPLES, to_graph=SHARED_GRAPH, lenient=True)
        self.added += len(added)
        load_ontology(self.store)
        self.store.flush()

    def close(self) -> None:
        """Let go of the store (it is complete, flushed and ready to publish)."""
        self.__dict__.pop("store", None)

    def abort(self) -> None:
        self.close()
        shutil.rmtree(self.work, ignore_errors=True)


def document_graphs(store: ox.Store) -> set[str]:
    """doc ids whose named graph is in the store."""
    return {g.value[len(GRAPH_PREFIX) :] for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(GRAPH_PREFIX)}


def load_ontology(store: ox.Store) -> None:
    """(Re)load the ontology and the unit-type scheme into their own named graph."""
    if store.contains_named_graph(ONTOLOGY_GRAPH):
        store.remove_graph(ONTOLOGY_GRAPH)
    for name in ONTOLOGY_FILES:
        store.load(path=str(resource(ONTOLOGY_DIR, name)), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)


def _ontology_quads() -> list[ox.Quad]:
    store = ox.Store()
    load_ontology(store)
    return list(store)


def write_dataset_files(graph_dir: str | Path, shared: bytes, parts: Iterable[tuple[Path, Path]], *, shared_trig: bytes | None = None) -> bytes:
    """Write ``dataset.nq`` and ``dataset.trig`` atomically, streaming: the ontology graph,
    the shared graph, then each document's graph from its ``(N-Quads, TriG)`` part files
    (in the order given). Lines are sorted within each graph, so the same input gives
    the same bytes. ``shared_trig``: the shared graph already written as TriG (by an
    earlier build); returns it, for the next build."""
    out = Path(graph_dir)
    onto = _ontology_quads()
    head_nq = _sorted_lines(ox.serialize(onto, format=ox.RdfFormat.N_QUADS) or b"") + shared
    if shared_trig is None:
        shared_trig = _without_prefixes(ox.serialize(ox.parse(shared, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b"")
    head_trig = trig_header() + _without_prefixes(ox.serialize(sorted(onto, key=str), format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b"") + shared_trig
    parts = list(parts)
    for name, head, which in ((NQUADS, head_nq, 0), (TRIG, head_trig, 1)):
        with open_atomic(out / name) as fh:
            fh.write(head)
            fh.flush()
            for pair in parts:
                _append(fh, pair[which])
    return shared_trig


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
    """The whole dataset as an rdflib ``Dataset`` (read from ``dataset.trig``)."""
    from rdflib import Dataset

    path = Path(graph_dir) / TRIG
    if not path.exists():
        raise GraphNotBuiltError(f"{graph_dir}: no {TRIG} here. Run `policykg build DOCS_DIR -o {graph_dir}` first")
    ds = Dataset(default_union=True)
    ds.parse(path, format="trig")
    return ds



DATASET_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def dataset_bytes(graph_dir: str | Path, fmt: str) -> bytes:
    """The dataset in another syntax: ``trig``, ``nquads`` (the files the build wrote),
    ``turtle`` (all graphs merged into one, for tools without named graphs) or ``jsonld``."""
    out = Path(graph_dir)
    if fmt in ("nquads", "trig"):
        path = out / (NQUADS if fmt == "nquads" else TRIG)
        if not path.exists():
            raise GraphNotBuiltError(f"{graph_dir}: no {path.name} here. Run `policykg build DOCS_DIR -o {graph_dir}` first")
        return path.read_bytes()
    store = open_store(graph_dir, read_only=True)
    if fmt == "turtle":
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)}
        return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    quads = ox.parse(_sorted_lines(store.dump(format=ox.RdfFormat.N_QUADS) or b""), format=ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=DATASET_FORMATS[fmt]) or b""
