"""The embedded on-disk SPARQL store (pyoxigraph).

``graph/store/`` holds a pyoxigraph store: one named graph per document, one
shared graph of units and places, and one for the ontology. Each document's
statements are serialized once, when it is extracted, into part files
(``graph/parts/``); a build streams them into the store in bulk-loaded batches,
and a rebuild replaces only the named graphs of documents whose sha256 changed.
The dataset files beside it are :mod:`policykg.dataset`'s.
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import GraphNotBuiltError
from policykg.graphs import ONTOLOGY_GRAPH, ontology_quads, triples_as_nquads
from policykg.pipeline.rdf import GRAPH_PREFIX, SHARED_GRAPH, graph_iri

STORE = "store"


def open_store(graph_dir: str | Path, *, read_only: bool = False, memory: bool = False) -> ox.Store:
    """The store of a graph directory (created when writing).

    Read-only stores are opened once per process and generation of the graph: later calls
    get the open store (opening one takes 16–20 ms), and a rebuild's new store is opened
    on the first call after it. ``memory``: a copy of the store held in memory, when it
    fits (whole-corpus queries run ten to twenty-five times faster; loading it takes about
    10 s per million statements, once per process), else the store on disk with a warning.
    """
    path = Path(graph_dir) / STORE
    if read_only:
        if not path.is_dir():
            raise GraphNotBuiltError(
                f"{graph_dir}: no store here ({STORE}/ missing). Run `policykg build DOCS_DIR -o {graph_dir}` first"
            )
        return _reader(path, memory)
    path.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


#: (graph's store path, in memory) → (the generation's store folder and its identity, the open store)
_READERS: dict[tuple[str, bool], tuple[tuple[str, int, int], ox.Store]] = {}
_READERS_LOCK = threading.Lock()
#: bytes of memory an in-memory copy takes for each byte of the store on disk (1.6 measured
#: at 1,000 documents), with room to spare
MEMORY_PER_DISK_BYTE = 2.0


def _reader(path: Path, memory: bool) -> ox.Store:
    real = path.resolve()
    st = real.stat()
    identity = (str(real), st.st_ino, st.st_mtime_ns)
    slot = (str(path.absolute()), memory)
    with _READERS_LOCK:
        hit = _READERS.get(slot)
        if hit is not None and hit[0] == identity:
            return hit[1]
    if memory and not fits_in_memory(path.parent, 1, "querying it on disk"):
        return _reader(path, False)
    store = ox.Store.read_only(str(real))
    if memory:
        store = memory_copy(store)
    with _READERS_LOCK:
        _READERS[slot] = (identity, store)  # the previous generation's store is let go
    return store


def memory_copy(store: ox.Store) -> ox.Store:
    """An in-memory store holding what ``store`` holds."""
    copy = ox.Store()
    copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
    return copy


def fits_in_memory(graph_dir: str | Path, copies: int, otherwise: str) -> bool:
    """Whether ``copies`` in-memory copies of the graph directory's store fit in the memory
    free now; if not, a warning that ends with what is done ``otherwise``."""
    need = int(store_bytes(graph_dir) * MEMORY_PER_DISK_BYTE) * copies
    free = available_memory()
    if free is not None and need > free:
        warnings.warn(f"{graph_dir}: {copies} in-memory cop{'y' if copies == 1 else 'ies'} of the store need about "
                      f"{need >> 20} MB and {free >> 20} MB are free; {otherwise}", stacklevel=3)
        return False
    return True


def store_bytes(graph_dir: str | Path) -> int:
    """Bytes the graph directory's store takes on disk."""
    return sum(f.stat().st_size for f in (Path(graph_dir) / STORE).resolve().rglob("*") if f.is_file())


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable), if known."""
    free = proc_kib("/proc/meminfo", "MemAvailable")
    if free is not None:
        return free
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def proc_kib(path: str, field: str) -> int | None:
    """A ``FIELD: N kB`` figure of a Linux /proc file (``/proc/meminfo``'s MemAvailable,
    ``/proc/self/status``'s VmSize) in bytes, or None where there is none."""
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


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


#: a build that (re)loads at least 1/OPTIMIZE_SHARE of the documents compacts the store
OPTIMIZE_SHARE = 5


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
        self.optimized = False
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
            self._bulk_load(b"".join(self._batch))
        self._batch, self._size = [], 0

    #: bytes of N-Quads given to the bulk loader at once: it holds about four times what it is
    #: given (a 140 MB shared graph at 10,000 documents took the build's main process 600 MB
    #: higher in one piece, not at all in pieces of 8 MB, and loaded in half the time)
    PIECE = 8 << 20

    def _bulk_load(self, nquads: bytes) -> None:
        """Bulk-load N-Quads lines in pieces of about :attr:`PIECE` bytes (cut at line ends)."""
        start = 0
        while start < len(nquads):
            end = nquads.find(b"\n", min(start + self.PIECE, len(nquads)) - 1) + 1 or len(nquads)
            self.store.bulk_load(nquads[start:end], format=ox.RdfFormat.N_QUADS, lenient=True)
            start = end

    def finish(self, keep: Iterable[str], shared: bytes, *, previous: bytes | None = None,
               corpus: Mapping[str, bytes] | None = None) -> None:
        """Drop the graphs of documents not in ``keep``, set the shared graph to these
        (sorted, unique) N-Quads, reload the ontology and flush. ``previous``: the shared
        graph's N-Quads as the kept store holds them, if known (saves reading it back
        from the store, seconds for a large corpus). ``corpus``: other graphs made from the
        whole corpus (the policy chain), by IRI, each replaced by its N-Quads."""
        self._load()
        for doc_id in self.present - set(keep) - self.loaded:
            self.store.remove_graph(graph_iri(doc_id))
        for name, nquads in (corpus or {}).items():
            graph = ox.NamedNode(name)
            if self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)
            if nquads:
                self._bulk_load(nquads)
                self.added += nquads.count(b"\n")
        # compare lines, not term objects: the shared graph is large, and a rebuild rarely changes it
        gone: set[bytes]
        added: set[bytes]
        if not self.kept:  # nothing to compare with: loaded as it is (sorted and unique)
            gone, added = set(), set()
            self._bulk_load(shared)
            self.added += shared.count(b"\n")
        else:
            if previous is None:  # not kept from the last build: read back from the store
                stored = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=SHARED_GRAPH) or b""
                previous = b"".join(triples_as_nquads(stored, SHARED_GRAPH.value))
            old, new = set(previous.splitlines()), set(shared.splitlines())  # N-Quads of one graph, as lines
            gone, added = old - new, new - old
        if gone:
            for q in ox.parse(b"\n".join(sorted(gone)) + b"\n", format=ox.RdfFormat.N_QUADS):
                self.store.remove(q)
        if added:
            self._bulk_load(b"\n".join(sorted(added)) + b"\n")
        self.added += len(added)
        load_ontology(self.store)
        self.store.flush()
        if not self.kept or len(self.loaded) * OPTIMIZE_SHARE >= len(self.present | self.loaded):
            # compact the files a bulk load leaves: whole-corpus queries run about twice as
            # fast (benchmarks/RESULTS.md); it costs time in proportion to the store, so a
            # rebuild that changed a small part of the corpus skips it
            self.store.optimize()
            self.optimized = True

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
    """(Re)load the ontology and the unit-type and theme schemes into their own named graph."""
    if store.contains_named_graph(ONTOLOGY_GRAPH):
        store.remove_graph(ONTOLOGY_GRAPH)
    store.extend(ontology_quads())
