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
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

from .namespace import PREFIXES
from .query import QueryError, bind_params, get_query, list_queries, with_values
from .store import open_store

MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_FORBIDDEN = re.compile(r"\b(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD)\b", re.IGNORECASE)


def forbidden_keyword(query: str) -> str | None:
    """A keyword this read-only endpoint refuses (SERVICE, or any update), outside strings,
    IRIs and comments.

    >>> forbidden_keyword('SELECT * WHERE { SERVICE <http://evil/> { ?s ?p ?o } }')
    'SERVICE'
    >>> forbidden_keyword('SELECT * WHERE { ?s ?p "DROP ALL" } # LOAD') is None
    True
    """
    m = _FORBIDDEN.search(_STRINGS.sub(" ", query))
    return m.group(1).upper() if m else None


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


def serialize(columns: list[str], rows: list[list[Any]], fmt: str, boolean: bool | None = None) -> bytes:
    """SPARQL 1.1 query results in JSON, XML, CSV or TSV."""
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
                    inner = f"<uri>{xml_escape(j['value'])}</uri>"
                elif j["type"] == "bnode":
                    inner = f"<bnode>{xml_escape(j['value'])}</bnode>"
                else:
                    attr = f' xml:lang="{j["xml:lang"]}"' if "xml:lang" in j else (f' datatype="{j["datatype"]}"' if "datatype" in j else "")
                    inner = f"<literal{attr}>{xml_escape(j['value'])}</literal>"
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


def _worker_main(conn: Any, store_path: str, max_rows: int) -> None:
    """A query process: opens the store read-only and answers queries sent over ``conn``."""
    store = ox.Store.read_only(store_path)
    while True:
        text = conn.recv()
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
            for sol in res:
                if len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append([_term_tuple(sol[c]) for c in columns])
            conn.send(("ok", columns, rows, None, truncated))
        except SyntaxError as exc:
            conn.send(("error", str(exc)))
        except Exception as exc:  # keep the worker alive
            conn.send(("error", f"{exc.__class__.__name__}: {exc}"))


class Endpoint:
    """Executes queries for the HTTP handler in worker processes, so that a query
    past its time limit is stopped (the process is killed and replaced), not left running."""

    def __init__(self, graph_dir: str | Path, *, timeout: float = 30.0, max_rows: int = 10_000, workers: int = 2) -> None:
        import multiprocessing as mp
        import queue

        open_store(graph_dir, read_only=True)  # a clear error now if there is no graph
        self.store_path = str(Path(graph_dir) / "store")
        self.timeout = timeout
        self.max_rows = max_rows
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[Any] = queue.Queue()
        self._all: list[Any] = []
        for _ in range(max(1, workers)):
            self._idle.put(self._spawn())

    def _spawn(self) -> Any:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, self.store_path, self.max_rows), daemon=True)
        proc.start()
        child.close()
        self._all.append(proc)
        return proc, parent

    def close(self) -> None:
        for proc in self._all:
            if proc.is_alive():
                proc.kill()
        for proc in self._all:
            proc.join(timeout=5)

    def execute(self, text: str) -> tuple[list[str], list[list[Any]], bool | None, bool]:
        word = forbidden_keyword(text)
        if word:
            raise PermissionError(f"{word} is not allowed: this endpoint is read-only and makes no requests to other hosts")
        proc, conn = self._idle.get()
        try:
            conn.send(text)
            if not conn.poll(self.timeout):
                proc.kill()
                proc.join(timeout=5)
                self._all.remove(proc)
                proc, conn = self._spawn()
                raise TimeoutError(f"the query ran longer than {self.timeout:g} s and was stopped")
            answer = conn.recv()
        finally:
            self._idle.put((proc, conn))
        if answer[0] == "error":
            raise QueryError(answer[1])
        _, columns, rows, boolean, truncated = answer
        return columns, [[_term_from_tuple(t) for t in r] for r in rows], boolean, truncated


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


def make_handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "policykg-sparql"
        protocol_version = "HTTP/1.1"

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

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

        def _answer(self, text: str, fmt: str) -> None:
            try:
                columns, rows, boolean, truncated = endpoint.execute(text)
            except PermissionError as exc:
                return self._error(HTTPStatus.FORBIDDEN, str(exc))
            except TimeoutError as exc:
                return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
            except (SyntaxError, QueryError) as exc:
                return self._error(HTTPStatus.BAD_REQUEST, f"bad query: {exc}")
            extra = {"X-Result-Truncated": "true"} if truncated else {}
            ctype = MEDIA[fmt] + ("; charset=utf-8" if fmt in ("csv", "tsv", "json") else "")
            self._send(HTTPStatus.OK, serialize(columns, rows, fmt, boolean), ctype, extra)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            qs = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if url.path in ("/", "/index.html"):
                named = "".join(
                    f"<li><code>/queries/{html.escape(q.name)}</code> — {html.escape(q.title)}"
                    f"{' (' + html.escape(', '.join(p.name for p in q.params)) + ')' if q.params else ''}</li>"
                    for q in list_queries()
                )
                body = PAGE.format(query=html.escape(DEFAULT_QUERY), named=named).encode("utf-8")
                return self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")
            if url.path == "/sparql":
                if "update" in qs:
                    return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
                if "query" not in qs:
                    return self._error(HTTPStatus.BAD_REQUEST, "give a query: /sparql?query=...")
                return self._answer(qs["query"], _negotiate(self.headers.get("Accept", ""), qs.get("format")))
            if url.path == "/queries":
                listing = [
                    {"name": q.name, "title": q.title, "description": q.description,
                     "params": [{"name": p.name, "required": p.required} for p in q.params]}
                    for q in list_queries()
                ]
                return self._send(HTTPStatus.OK, json.dumps(listing, ensure_ascii=False).encode("utf-8"), "application/json")
            if url.path.startswith("/queries/"):
                name = url.path.rsplit("/", 1)[1]
                fmt = _negotiate(self.headers.get("Accept", ""), qs.pop("format", None))
                try:
                    q = get_query(name)
                    text = with_values(q.text, bind_params(q, qs))
                except QueryError as exc:
                    return self._error(HTTPStatus.BAD_REQUEST, str(exc))
                return self._answer(text, fmt)
            return self._error(HTTPStatus.NOT_FOUND, "not found: try / or /sparql")

        do_HEAD = do_GET

        def do_POST(self) -> None:
            url = urlparse(self.path)
            if url.path != "/sparql":
                return self._error(HTTPStatus.NOT_FOUND, "POST queries to /sparql")
            length = int(self.headers.get("Content-Length") or 0)
            if length > 1_000_000:
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too long")
            raw = self.rfile.read(length).decode("utf-8", errors="replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            qs = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if ctype == "application/sparql-update":
                return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
            if ctype == "application/sparql-query":
                text = raw
            else:
                form = {k: v[-1] for k, v in parse_qs(raw).items()}
                if "update" in form:
                    return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
                if "query" not in form:
                    return self._error(HTTPStatus.BAD_REQUEST, "give a query (form field 'query')")
                text = form["query"]
                qs.setdefault("format", form.get("format", ""))
            return self._answer(text, _negotiate(self.headers.get("Accept", ""), qs.get("format")))

    return Handler


def make_server(graph_dir: str | Path, host: str = "127.0.0.1", port: int = 7878, **kwargs: Any) -> ThreadingHTTPServer:
    """A ready server (call ``serve_forever``); ``port=0`` picks a free port."""
    endpoint = Endpoint(graph_dir, **kwargs)

    class Server(ThreadingHTTPServer):
        request_queue_size = 512  # many clients connecting at once
        daemon_threads = True

    server = Server((host, port), make_handler(endpoint))
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
