"""A read-only SPARQL 1.1 Protocol endpoint over a built graph's embedded store.

* ``GET /sparql?query=…`` and ``POST /sparql`` (form-encoded or
  ``application/sparql-query``); results as JSON, XML, CSV or TSV by content
  negotiation (``Accept``) or ``format=json|xml|csv|tsv``.
* ``GET /queries`` lists the named queries; ``GET /queries/NAME?param=value``
  runs one with its parameters bound.
* ``GET /`` is a page where a person can type a query (no external assets).

Read-only: updates (``update=``, ``application/sparql-update``) are refused, and
so are ``SERVICE`` and ``LOAD`` (no requests to other hosts). Queries run in worker
processes: one past its time limit is stopped (503), and results are cut at a row
limit (truncated results carry ``X-Result-Truncated: true``).
It binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.generation import current_id
from policykg.namespace import PREFIXES
from policykg.query import bind_params, check_nesting, get_query, list_queries, tokens, with_values
from policykg.store import STORE, open_store

MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
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


def _term_json(t: Any) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype is not None and not t.datatype.value.endswith("#string"):
        out["datatype"] = t.datatype.value
    return out


#: characters XML 1.0 cannot hold at all, escaped or not
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_chars(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def serialize(columns: list[str], rows: list[list[Any]], fmt: str, boolean: bool | None = None) -> bytes:
    """SPARQL 1.1 query results in JSON, XML, CSV or TSV.

    Written here, not by pyoxigraph's ``QuerySolutions.serialize``: the rows come from a
    query process as plain tuples, cut at ``--max-rows``, and pyoxigraph's XML keeps
    characters XML 1.0 cannot hold (a control character in a document's text would
    make the whole answer unreadable to an XML parser).
    """
    if fmt == "json":
        if boolean is not None:
            return json.dumps({"head": {}, "boolean": boolean}).encode()
        bindings = [{c: _term_json(v) for c, v in zip(columns, r) if v is not None} for r in rows]
        return json.dumps({"head": {"vars": columns}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        if boolean is not None:
            out.append(f"<head/><boolean>{'true' if boolean else 'false'}</boolean></sparql>")
            return "".join(out).encode("utf-8")
        out.append("<head>" + "".join(f'<variable name="{c}"/>' for c in columns) + "</head><results>")
        for r in rows:
            out.append("<result>")
            for c, v in zip(columns, r):
                if v is None:
                    continue
                j = _term_json(v)
                if j["type"] == "uri":
                    inner = f"<uri>{xml_escape(_xml_chars(j['value']))}</uri>"
                elif j["type"] == "bnode":
                    inner = f"<bnode>{xml_escape(_xml_chars(j['value']))}</bnode>"
                else:
                    attr = f" xml:lang={quoteattr(j['xml:lang'])}" if "xml:lang" in j else (
                        f" datatype={quoteattr(_xml_chars(j['datatype']))}" if "datatype" in j else "")
                    inner = f"<literal{attr}>{xml_escape(_xml_chars(j['value']))}</literal>"
                out.append(f'<binding name="{c}">{inner}</binding>')
            out.append("</result>")
        out.append("</results></sparql>")
        return "".join(out).encode("utf-8")
    buf = io.StringIO()
    if boolean is not None:
        buf.write("true\n" if boolean else "false\n")
        return buf.getvalue().encode("utf-8")
    if fmt == "csv":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if v is None else v.value for v in r])
    else:
        buf.write("\t".join("?" + c for c in columns) + "\n")
        for r in rows:
            buf.write("\t".join("" if v is None else str(v) for v in r) + "\n")
    return buf.getvalue().encode("utf-8")


PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>policykg SPARQL</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}textarea{{width:100%;height:14em;font-family:monospace}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;font-size:90%}}</style></head>
<body><h1>policykg SPARQL endpoint</h1>
<p>Read-only. The default graph is the union of all document graphs. Endpoint: <code>/sparql</code>.</p>
<form method="post" action="/sparql"><textarea name="query">{query}</textarea>
<p><select name="format"><option>json</option><option>csv</option><option>tsv</option><option>xml</option></select>
<button type="submit">Run</button></p></form>
<h2>Named queries</h2><ul>{named}</ul></body></html>"""

DEFAULT_QUERY = """SELECT ?unit (COUNT(DISTINCT ?task) AS ?tasks) WHERE {
  ?task pkg:leadUnit ?u . ?u skos:prefLabel ?unit .
} GROUP BY ?unit ORDER BY DESC(?tasks) LIMIT 20"""


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


def _worker_main(conn: Any, store_path: str, max_rows: int, max_bytes: int, max_memory: int) -> None:
    """A query process: opens the store read-only and answers queries sent over ``conn``.

    Its address space is capped at ``max_memory`` bytes, so a query that would take the
    machine's memory fails here (the process dies or the query errs) and is replaced."""
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    # what reaches this process's stderr is the engine's own report of running out of
    # memory, once a line for each allocation that failed; the server reports it once
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    if max_memory:
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    store = ox.Store.read_only(store_path)
    conn.send(("ready",))  # a query's time limit starts now, not while the process starts
    while True:
        try:
            text = conn.recv()
        except (EOFError, OSError):  # the server is gone
            return
        try:
            res = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
            if isinstance(res, ox.QueryBoolean):
                conn.send(("ok", [], [], bool(res), False))
                continue
            if isinstance(res, ox.QueryTriples):
                conn.send(("error", "CONSTRUCT and DESCRIBE are not served here; use SELECT or ASK"))
                continue
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
            conn.send(("ok", columns, rows, None, truncated))
        except SyntaxError as exc:
            conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("memory", f"the query needed more than the {max_memory >> 20} MB a query may use"))
        except Exception as exc:  # keep the worker alive
            conn.send(("error", f"{exc.__class__.__name__}: {exc}"))


#: seconds a new query process may take to start and open the store
STARTUP_SECONDS = 60.0


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
                 queue_wait: float = 10.0, max_waiting: int | None = None) -> None:
        import multiprocessing as mp
        import queue

        open_store(graph_dir, read_only=True)  # a clear error now if there is no graph
        self.graph_dir = Path(graph_dir)
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
        self.generation = current_id(self.graph_dir)
        for _ in range(self.workers):
            self._idle.put(self._spawn())

    def _store_path(self) -> str:
        return str((self.graph_dir / STORE).resolve())

    def _spawn(self) -> Any:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, daemon=True,
                                 args=(child, self._store_path(), self.max_rows, self.max_bytes, self.max_memory))
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
            ready = conn.poll(STARTUP_SECONDS) and conn.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._retire(proc)
            raise WorkerDied(f"a query process could not open the store within {STARTUP_SECONDS:g} s; try again")
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

    def execute(self, text: str) -> tuple[list[str], list[list[Any]], bool | None, bool]:
        refused = refusal(text)
        if refused:
            status, message = refused
            raise (PermissionError if status == 403 else QueryError)(message)
        worker = self._take()
        proc, conn, _ = worker
        try:
            self._wait_ready(proc, conn)
            conn.send(text)
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
        _, columns, rows, boolean, truncated = answer
        return columns, [[_term_from_tuple(t) for t in r] for r in rows], boolean, truncated


class WorkerDied(Exception):
    """A query ended its query process; the process was replaced."""


def _negotiate(accept: str, fmt: str | None) -> str:
    if fmt in MEDIA:
        return fmt
    accept = accept or ""
    for key, media in MEDIA.items():
        if media in accept:
            return key
    if "json" in accept:
        return "json"
    if "xml" in accept:
        return "xml"
    return "json"


#: names a request's Host header may give besides the address served on: a page on any
#: other site cannot reach the endpoint by pointing its own name at 127.0.0.1 (DNS rebinding)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: seconds a connection may stay silent (between requests, or within one) before it is closed
IDLE_SECONDS = 15.0
#: the largest query body accepted
MAX_BODY = 1_000_000


class SparqlHandler(BaseHTTPRequestHandler):
    """The endpoint's HTTP side: routes, limits on what a request may be, and answers.
    :func:`make_handler` makes a subclass bound to one :class:`Endpoint`."""

    server_version = "policykg-sparql"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    endpoint: Endpoint
    allowed_hosts: frozenset[str] = LOOPBACK_NAMES

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except TimeoutError:  # a silent client: drop the connection
            self.close_connection = True

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        host = self.headers.get("Host")
        if host is not None and _host_name(host) not in self.allowed_hosts:
            self._error(HTTPStatus.MISDIRECTED_REQUEST, f"this endpoint does not answer for the host {host!r}; "
                                                        "start it with --allow-host NAME to serve that name")
            self.close_connection = True
            return False
        return True

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        pass

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str, extra: dict[str, str] | None = None) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", extra)

    def _read_only(self) -> None:
        self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")

    def _format(self, asked: str | None) -> str:
        return _negotiate(self.headers.get("Accept", ""), asked)

    def _answer(self, text: str, fmt: str) -> None:
        try:
            columns, rows, boolean, truncated = self.endpoint.execute(text)
        except PermissionError as exc:
            return self._error(HTTPStatus.FORBIDDEN, str(exc))
        except Busy as exc:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), {"Retry-After": "5"})
        except (TimeoutError, WorkerDied) as exc:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except (SyntaxError, QueryError) as exc:
            return self._error(HTTPStatus.BAD_REQUEST, f"bad query: {exc}")
        extra = {"X-Result-Truncated": "true"} if truncated else {}
        ctype = MEDIA[fmt] + ("; charset=utf-8" if fmt in ("csv", "tsv", "json") else "")
        self._send(HTTPStatus.OK, serialize(columns, rows, fmt, boolean), ctype, extra)

    # --- GET (and HEAD) ---------------------------------------------------------

    def do_GET(self) -> None:
        url = urlparse(self.path)
        qs = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path in ("/", "/index.html"):
            return self._page()
        if url.path == "/sparql":
            return self._get_sparql(qs)
        if url.path == "/queries":
            return self._listing()
        if url.path.startswith("/queries/"):
            return self._named(url.path.rsplit("/", 1)[1], qs)
        return self._error(HTTPStatus.NOT_FOUND, "not found: try / or /sparql")

    do_HEAD = do_GET

    def _page(self) -> None:
        named = "".join(
            f"<li><code>/queries/{html.escape(q.name)}</code> — {html.escape(q.title)}"
            f"{' (' + html.escape(', '.join(p.name for p in q.params)) + ')' if q.params else ''}</li>"
            for q in list_queries()
        )
        body = PAGE.format(query=html.escape(DEFAULT_QUERY), named=named).encode("utf-8")
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")

    def _get_sparql(self, qs: dict[str, str]) -> None:
        if "update" in qs:
            return self._read_only()
        if "query" not in qs:
            return self._error(HTTPStatus.BAD_REQUEST, "give a query: /sparql?query=...")
        return self._answer(qs["query"], self._format(qs.get("format")))

    def _listing(self) -> None:
        listing = [
            {"name": q.name, "title": q.title, "description": q.description,
             "params": [{"name": p.name, "required": p.required} for p in q.params]}
            for q in list_queries()
        ]
        self._send(HTTPStatus.OK, json.dumps(listing, ensure_ascii=False).encode("utf-8"), "application/json")

    def _named(self, name: str, qs: dict[str, str]) -> None:
        fmt = self._format(qs.pop("format", None))
        try:
            q = get_query(name)
            text = with_values(q.text, bind_params(q, qs))
        except QueryError as exc:
            return self._error(HTTPStatus.BAD_REQUEST, str(exc))
        return self._answer(text, fmt)

    # --- POST ---------------------------------------------------------------------

    def do_POST(self) -> None:
        url = urlparse(self.path)
        if url.path != "/sparql":
            return self._error(HTTPStatus.NOT_FOUND, "POST queries to /sparql")
        raw = self._body()
        if raw is None:
            return None
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        qs = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if ctype == "application/sparql-update":
            return self._read_only()
        if ctype == "application/sparql-query":
            return self._answer(raw, self._format(qs.get("format")))
        form = {k: v[-1] for k, v in parse_qs(raw).items()}
        if "update" in form:
            return self._read_only()
        if "query" not in form:
            return self._error(HTTPStatus.BAD_REQUEST, "give a query (form field 'query')")
        qs.setdefault("format", form.get("format", ""))
        return self._answer(form["query"], self._format(qs.get("format")))

    def _body(self) -> str | None:
        """The request's body, read by its one Content-Length (None: refused, the answer sent)."""
        declared = self.headers.get_all("Content-Length") or []
        problem = None
        if len(declared) != 1:
            problem = HTTPStatus.LENGTH_REQUIRED, "give one Content-Length with the query"
        elif not declared[0].strip().isdigit():
            problem = HTTPStatus.BAD_REQUEST, f"Content-Length must be a number of bytes, not {declared[0]!r}"
        elif int(declared[0]) > MAX_BODY:
            problem = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"query too long: at most {MAX_BODY:,} bytes"
        if problem is not None:
            self.close_connection = True
            self._error(*problem)
            return None
        return self.rfile.read(int(declared[0])).decode("utf-8", errors="replace")


def make_handler(endpoint: Endpoint, allowed_hosts: frozenset[str] = LOOPBACK_NAMES,
                 idle_timeout: float = IDLE_SECONDS) -> type[BaseHTTPRequestHandler]:
    """A :class:`SparqlHandler` bound to ``endpoint``, answering for ``allowed_hosts``."""
    return type("Handler", (SparqlHandler,), {"endpoint": endpoint, "allowed_hosts": allowed_hosts,
                                              "timeout": idle_timeout})


def _host_name(host: str) -> str:
    """The name in a Host header, without its port (``[::1]:7878`` -> ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def make_server(graph_dir: str | Path, host: str = "127.0.0.1", port: int = 7878, *,
                allow_hosts: tuple[str, ...] = (), max_connections: int = 256, idle_timeout: float = IDLE_SECONDS,
                **kwargs: Any) -> ThreadingHTTPServer:
    """A ready server (call ``serve_forever``); ``port=0`` picks a free port.

    Requests must name this server in their Host header: the address it serves on, a
    loopback name, or one of ``allow_hosts``. At most ``max_connections`` connections are
    open at once (others get 503 and are closed); silent ones close after
    ``idle_timeout`` seconds."""
    endpoint = Endpoint(graph_dir, **kwargs)
    allowed = LOOPBACK_NAMES | {host.lower()} | {h.lower() for h in allow_hosts}
    slots = threading.BoundedSemaphore(max_connections)

    class Server(ThreadingHTTPServer):
        request_queue_size = 512  # many clients connecting at once
        daemon_threads = True

        def process_request(self, request: Any, client_address: Any) -> None:
            if not slots.acquire(blocking=False):
                try:
                    request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n"
                                    b"Connection: close\r\n\r\n")
                except OSError:
                    pass
                self.shutdown_request(request)
                return
            super().process_request(request, client_address)

        def handle_error(self, request: Any, client_address: Any) -> None:
            import sys

            if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                return  # the client went away: nothing to report
            super().handle_error(request, client_address)

        def process_request_thread(self, request: Any, client_address: Any) -> None:
            try:
                super().process_request_thread(request, client_address)
            finally:
                slots.release()

    server = Server((host, port), make_handler(endpoint, frozenset(allowed), idle_timeout))
    server.endpoint = endpoint  # type: ignore[attr-defined]
    return server


def stop(server: ThreadingHTTPServer) -> None:
    """Stop a server and its query processes."""
    server.shutdown()
    server.server_close()
    server.endpoint.close()  # type: ignore[attr-defined]


def serve_in_thread(graph_dir: str | Path, **kwargs: Any) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start a server in a background thread (for notebooks and tests); stop it with :func:`stop`."""
    server = make_server(graph_dir, port=kwargs.pop("port", 0), **kwargs)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    return server, t
