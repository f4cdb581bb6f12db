"""The endpoint's query processes: each opens the store read-only and answers queries; the
:class:`Endpoint` hands queries to them, stops one past its time limit, replaces one that
died, and starts spares when all are busy."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.generation import current_id
from policykg.namespace import PREFIXES
from policykg.query import check_nesting, tokens
from policykg.store import STORE, fits_in_memory, memory_copy, open_store, proc_kib

#: the operations of SPARQL Update (which ``Store.query`` would not run anyway)
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD", "WITH"})

def refusal(query: str) -> tuple[int, str] | None:
    """Why this read-only endpoint refuses a query, as (HTTP status, message), or None.

    Refused: an update (this endpoint is read-only), a ``SERVICE`` clause (it makes no
    requests to other hosts), and brackets nested deeper than the query engine can take
    (see :func:`policykg.query.check_nesting`). Decided on the query's tokens, never by
    searching its text (where ``?load``, ``pkg:Create``, ``"DROP"`` or an escaped
    ``schema:a\\#`` would mislead a keyword search).

    >>> refusal('SELECT * WHERE { SERVICE <http://evil/> { ?s ?p ?o } }')[0]
    403
    >>> refusal('SELECT ?load WHERE { ?s pkg:Create "DROP ALL" } # SERVICE') is None
    True
    >>> refusal(r'SELECT * WHERE { VALUES ?v { schema:a\\# } SERVICE <http://h/> { ?s ?p ?o } }')[0]
    403
    """
    for kind, text in tokens(query):
        if kind == "word":  # a keyword (not a variable, a prefixed name, a string or an IRI)
            word = text.upper()
            if word == "SERVICE":
                return 403, "SERVICE is not allowed: this endpoint makes no requests to other hosts"
            if word in _UPDATES:
                return 403, f"{word} is an update operation: this endpoint is read-only"
    try:
        check_nesting(query)
    except QueryError as exc:
        return 400, str(exc)
    return None

def _term_tuple(t: Any) -> tuple[str, str, str | None, str | None] | None:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return ("uri", t.value, None, None)
    if isinstance(t, ox.BlankNode):
        return ("bnode", t.value, None, None)
    return ("literal", t.value, t.datatype.value if t.datatype is not None else None, t.language)

def _term_from_tuple(t: tuple[str, str, str | None, str | None] | None) -> Any:
    if t is None:
        return None
    kind, value, datatype, lang = t
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)

def _worker_main(conn: Any, store_path: str, max_rows: int, max_bytes: int, max_memory: int,
                 memory: bool = False) -> None:
    """A query process: opens the store read-only and answers queries sent over ``conn``.

    Its address space is capped at ``max_memory`` bytes, so a query that would take the
    machine's memory fails here (the process dies or the query errs) and is replaced."""
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    # what reaches this process's stderr is the engine's own report of running out of
    # memory, once a line for each allocation that failed; the server reports it once
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    store = ox.Store.read_only(store_path)
    if memory:  # a copy in memory; a query's memory is counted on top of it
        store = memory_copy(store)
    if max_memory:
        limit = max_memory + ((proc_kib("/proc/self/status", "VmSize") or 0) if memory else 0)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready",))  # a query's time limit starts now, not while the process starts
    while True:
        try:
            text, graph_format = conn.recv()
        except (EOFError, OSError):  # the server is gone
            return
        try:
            res = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
            if isinstance(res, ox.QueryBoolean):
                conn.send(("ok", [], [], bool(res), False))
            elif isinstance(res, ox.QueryTriples):
                conn.send(_graph_answer(res, graph_format, max_rows, max_bytes))
            else:
                conn.send(_rows_answer(res, max_rows, max_bytes))
        except SyntaxError as exc:
            conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("memory", f"the query needed more than the {max_memory >> 20} MB a query may use"))
        except Exception as exc:  # keep the worker alive
            conn.send(("error", f"{exc.__class__.__name__}: {exc}"))

def _rows_answer(res: ox.QuerySolutions, max_rows: int, max_bytes: int) -> tuple[Any, ...]:
    """A SELECT's rows as plain tuples, cut at ``max_rows`` rows or about ``max_bytes``."""
    columns = [v.value for v in res.variables]
    rows: list[list[Any]] = []
    truncated = False
    size = 0
    for sol in res:
        row = [_term_tuple(sol[c]) for c in columns]
        size += sum(len(t[1]) + 16 for t in row if t is not None)
        if len(rows) >= max_rows or size > max_bytes:
            truncated = True
            break
        rows.append(row)
    return ("ok", columns, rows, None, truncated)


def _graph_answer(res: ox.QueryTriples, graph_format: str, max_rows: int, max_bytes: int) -> tuple[Any, ...]:
    """A CONSTRUCT's or DESCRIBE's triples in Turtle or JSON-LD, cut like rows."""
    triples: list[ox.Triple] = []
    truncated = False
    size = 0
    for t in res:
        size += len(str(t))
        if len(triples) >= max_rows or size > max_bytes:
            truncated = True
            break
        triples.append(t)
    fmt = ox.RdfFormat.JSON_LD if graph_format == "jsonld" else ox.RdfFormat.TURTLE
    data = ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None) or b""
    return ("graph", data, truncated)


#: seconds a new query process may take to start and open the store
STARTUP_SECONDS = 60.0
#: … and to copy it into memory (about 10 s per million statements)
MEMORY_STARTUP_SECONDS = 900.0


class Busy(Exception):
    """Every query process is taken and the queue is full: try again shortly."""

class Endpoint:
    """Runs queries for the HTTP handler in worker processes.

    * A query past its time limit is stopped: its process is killed and replaced.
    * A process that dies (a query that crashed it or took more than its memory) is
      replaced, never handed another query; the request gets a clear error.
    * When every process is busy a spare one is started, up to ``max_workers``, so a
      cheap query does not wait behind slow ones; past that, at most ``max_waiting``
      requests wait, each at most ``queue_wait`` seconds; the others are told to come
      back (HTTP 503, Retry-After).
    * After a rebuild (the graph directory's current generation changes) queries go to
      processes opened on the new store.
    """

    def __init__(self, graph_dir: str | Path, *, timeout: float = 30.0, max_rows: int = 10_000, workers: int = 2,
                 max_workers: int = 8, max_bytes: int = 64 << 20, max_memory: int = 2 << 30,
                 queue_wait: float = 10.0, max_waiting: int | None = None, memory: bool = False) -> None:
        import multiprocessing as mp
        import queue

        open_store(graph_dir, read_only=True)  # a clear error now if there is no graph
        self.graph_dir = Path(graph_dir)
        self.memory = memory and fits_in_memory(self.graph_dir, max(1, workers), "serving it from disk")
        if self.memory:
            max_workers = workers  # each process holds a copy: no spare ones
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.max_memory = max_memory
        self.workers = max(1, workers)
        self.max_workers = max(self.workers, max_workers)
        self.queue_wait = queue_wait
        self.max_waiting = 256 if max_waiting is None else max_waiting  # as many as connections
        self._waiting = 0
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: queue.Queue[Any] = queue.Queue()
        self._all: list[Any] = []
        self._starting = 0
        self._ready: set[int] = set()  # processes that have opened the store
        #: answers kept for the life of one generation of the graph (a parameter's values)
        self.cache: dict[tuple[str | None, str], Any] = {}
        self.generation = current_id(self.graph_dir)
        for _ in range(self.workers):
            self._idle.put(self._spawn())

    @property
    def startup_seconds(self) -> float:
        """Seconds a new process may take to open the store (and copy it into memory)."""
        return MEMORY_STARTUP_SECONDS if self.memory else STARTUP_SECONDS

    def _store_path(self) -> str:
        return str((self.graph_dir / STORE).resolve())

    def _spawn(self) -> Any:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, daemon=True,
                                 args=(child, self._store_path(), self.max_rows, self.max_bytes, self.max_memory,
                                       self.memory))
        proc.start()
        child.close()
        with self._lock:
            self._all.append(proc)
        return proc, parent, self.generation

    def _retire(self, proc: Any) -> None:
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
        with self._lock:
            if proc in self._all:
                self._all.remove(proc)
            self._ready.discard(proc.pid)

    def _wait_ready(self, proc: Any, conn: Any) -> None:
        """Wait until a new process has opened the store (a busy machine can take seconds
        to start one), so that starting is not counted against a query's time limit."""
        if proc.pid in self._ready:
            return
        try:
            ready = conn.poll(self.startup_seconds) and conn.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._retire(proc)
            raise WorkerDied(f"a query process could not open the store within {self.startup_seconds:g} s; try again")
        with self._lock:
            self._ready.add(proc.pid)

    def _spare(self) -> None:
        """Start one more process in the background when none is idle, or when fewer than
        ``workers`` are left (up to ``max_workers``)."""
        with self._lock:
            total = len(self._all) + self._starting
            if total >= self.max_workers or (not self._idle.empty() and total >= self.workers):
                return
            self._starting += 1

        def start() -> None:
            try:
                self._idle.put(self._spawn())
            finally:
                with self._lock:
                    self._starting -= 1

        threading.Thread(target=start, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            procs = list(self._all)
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        for proc in procs:
            proc.join(timeout=5)

    def _take(self) -> Any:
        import queue

        generation = current_id(self.graph_dir)
        if generation != self.generation:  # rebuilt: processes on the old store are retired as they come
            self.generation = generation
        self._spare()
        busy = f"all {self.max_workers} query processes are busy; try again in a few seconds"
        with self._lock:
            if self._idle.empty() and self._waiting >= self.max_waiting:
                raise Busy(busy)  # the queue is full
            self._waiting += 1
        try:
            deadline = time.monotonic() + self.queue_wait
            while True:
                try:
                    worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise Busy(busy) from None
                proc, conn, gen = worker
                if gen == self.generation and proc.is_alive():
                    return worker
                self._retire(proc)
                self._idle.put(self._spawn())
        finally:
            with self._lock:
                self._waiting -= 1

    def _give_back(self, worker: Any) -> None:
        proc, _, gen = worker
        if gen != self.generation or not proc.is_alive() or self._idle.qsize() >= self.workers:
            self._retire(proc)
            self._spare()
            return
        self._idle.put(worker)

    def execute(self, text: str, graph_format: str = "turtle") -> Answer:
        """Run one query in a query process; a CONSTRUCT or DESCRIBE answers with its triples
        in ``graph_format`` (``turtle`` or ``jsonld``)."""
        refused = refusal(text)
        if refused:
            status, message = refused
            raise (PermissionError if status == 403 else QueryError)(message)
        worker = self._take()
        proc, conn, _ = worker
        try:
            self._wait_ready(proc, conn)
            conn.send((text, graph_format))
            if not conn.poll(self.timeout):
                self._retire(proc)
                raise TimeoutError(f"the query ran longer than {self.timeout:g} s and was stopped")
            try:
                answer = conn.recv()
            except (EOFError, OSError):
                self._retire(proc)
                raise WorkerDied("the query stopped its query process (it crashed it, or needed more than the "
                                 f"{self.max_memory >> 20} MB a query may use); the process was replaced") from None
        finally:
            self._give_back(worker)
        if answer[0] == "memory":
            self._retire(proc)
            raise WorkerDied(answer[1])
        if answer[0] == "error":
            raise QueryError(answer[1])
        if answer[0] == "graph":
            return Answer([], [], None, answer[2], graph=answer[1])
        _, columns, rows, boolean, truncated = answer
        return Answer(columns, [[_term_from_tuple(t) for t in r] for r in rows], boolean, truncated)


@dataclass(frozen=True)
class Answer:
    """What a query gave: rows (a SELECT), a boolean (an ASK) or triples already serialised
    (a CONSTRUCT or DESCRIBE); ``truncated`` when cut at the row or byte limit."""

    columns: list[str]
    rows: list[list[Any]]
    boolean: bool | None
    truncated: bool
    graph: bytes | None = None

class WorkerDied(Exception):
    """A query ended its query process; the process was replaced."""
