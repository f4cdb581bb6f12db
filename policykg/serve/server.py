"""The endpoint's HTTP side: routes, limits on what a request may be, and the server."""

from __future__ import annotations

import html
import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from policykg.errors import QueryError
from policykg.generation import current_id
from policykg.query import NamedQuery, Result, bind_params, get_query, list_queries, python_value, with_values
from policykg.query.checks import check_values
from policykg.serve.results import GRAPH_MEDIA, MEDIA, negotiate, negotiate_graph, serialize
from policykg.serve.workers import Busy, Endpoint, WorkerDied

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>policykg SPARQL</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}textarea{{width:100%;height:14em;font-family:monospace}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;font-size:90%}}
li{{margin-bottom:1em}}form{{margin-top:.3em}}input{{width:12em}}</style></head>
<body><h1>policykg SPARQL endpoint</h1>
<p>Read-only. The default graph is the union of all document graphs. Endpoint: <code>/sparql</code>.</p>
<form method="post" action="/sparql"><textarea name="query">{query}</textarea>
<p><select name="format"><option>html</option><option>json</option><option>csv</option><option>tsv</option><option>xml</option><option>turtle</option><option>jsonld</option></select>
<button type="submit">Run</button></p></form>
<h2>Named queries</h2><ul>{named}</ul></body></html>"""

DEFAULT_QUERY = """SELECT ?unit (COUNT(DISTINCT ?task) AS ?tasks) WHERE {
  ?task pkg:leadUnit ?u . ?u skos:prefLabel ?unit .
} GROUP BY ?unit ORDER BY DESC(?tasks) LIMIT 20"""

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
        return negotiate(self.headers.get("Accept", ""), asked)

    def _graph_format(self, asked: str | None) -> str:
        return negotiate_graph(self.headers.get("Accept", ""), asked)

    def _answer(self, text: str, fmt: str, graph_format: str = "turtle") -> None:
        try:
            answer = self.endpoint.execute(text, graph_format)
        except PermissionError as exc:
            return self._error(HTTPStatus.FORBIDDEN, str(exc))
        except Busy as exc:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), {"Retry-After": "5"})
        except (TimeoutError, WorkerDied) as exc:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except (SyntaxError, QueryError) as exc:
            return self._error(HTTPStatus.BAD_REQUEST, f"bad query: {exc}")
        extra = {"X-Result-Truncated": "true"} if answer.truncated else {}
        if answer.graph is not None:
            return self._send(HTTPStatus.OK, answer.graph, GRAPH_MEDIA[graph_format] + "; charset=utf-8", extra)
        ctype = MEDIA[fmt] + ("; charset=utf-8" if fmt in ("csv", "tsv", "json", "html") else "")
        body = serialize(answer.columns, answer.rows, fmt, answer.boolean, answer.truncated)
        self._send(HTTPStatus.OK, body, ctype, extra)

    # --- GET (and HEAD) ---------------------------------------------------------

    def do_GET(self) -> None:
        url = urlparse(_utf8_path(self.path))
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
        named = "".join(_query_form(q) for q in list_queries())
        body = PAGE.format(query=html.escape(DEFAULT_QUERY), named=named).encode("utf-8")
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")

    def _get_sparql(self, qs: dict[str, str]) -> None:
        if "update" in qs:
            return self._read_only()
        if "query" not in qs:
            return self._error(HTTPStatus.BAD_REQUEST, "give a query: /sparql?query=...")
        return self._answer(qs["query"], self._format(qs.get("format")), self._graph_format(qs.get("format")))

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
            bindings = bind_params(q, qs)
            check_values(self._vocabulary, bindings)  # a value that names nothing: 400 with the close matches
            text = with_values(q.text, bindings)
        except _Unchecked:
            text = with_values(q.text, bindings)  # no query process free to check: run it as given
        except QueryError as exc:
            return self._error(HTTPStatus.BAD_REQUEST, str(exc))
        return self._answer(text, fmt)

    def _vocabulary(self, text: str) -> Result:
        """The values a parameter may take (a SELECT of :data:`VOCABULARIES`), asked of the
        query processes once per build of the graph and kept."""
        key = (current_id(self.endpoint.graph_dir), text)  # a rebuild has values of its own
        cached = self.endpoint.cache.get(key)
        if cached is None:
            try:
                answer = self.endpoint.execute(text)
            except (Busy, TimeoutError, WorkerDied):
                raise _Unchecked from None  # checking a value must not refuse a request
            rows = [{c: python_value(v) for c, v in zip(answer.columns, r)} for r in answer.rows]
            cached = self.endpoint.cache[key] = Result(answer.columns, rows)
        return cached

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
            return self._answer(raw, self._format(qs.get("format")), self._graph_format(qs.get("format")))
        form = {k: v[-1] for k, v in parse_qs(raw).items()}
        if "update" in form:
            return self._read_only()
        if "query" not in form:
            return self._error(HTTPStatus.BAD_REQUEST, "give a query (form field 'query')")
        qs.setdefault("format", form.get("format", ""))
        return self._answer(form["query"], self._format(qs.get("format")), self._graph_format(qs.get("format")))

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

class _Unchecked(Exception):
    """A parameter's values could not be listed just now (every query process busy)."""


def _utf8_path(path: str) -> str:
    """The request's path with raw UTF-8 read as UTF-8: ``curl '…?jurisdiction=陆河县'`` sends
    the characters unencoded, and the request line reaches the handler decoded as Latin-1.

    >>> _utf8_path("/q?j=" + "陆河县".encode().decode("latin-1"))
    '/q?j=陆河县'
    """
    if path.isascii():
        return path
    try:
        return path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return path


def _query_form(q: NamedQuery) -> str:
    """A named query on the query page: its title and description, and a form with a field
    per parameter that runs it (results as an HTML table, or in another format)."""
    fields = "".join(
        f'<label>{html.escape(p.name)} <input name="{html.escape(p.name)}"{" required" if p.required else ""}'
        f' placeholder="{html.escape(p.note or ("required" if p.required else "optional"))}"></label> '
        for p in q.params
    )
    formats = "".join(f"<option>{f}</option>" for f in ("html", "json", "csv", "tsv", "xml"))
    return (f'<li><a href="/queries/{html.escape(q.name)}?format=html"><b>{html.escape(q.title)}</b></a> '
            f"<code>{html.escape(q.name)}</code><br><small>{html.escape(q.description)}</small>"
            f'<form method="get" action="/queries/{html.escape(q.name)}">{fields}'
            f'<select name="format">{formats}</select> <button type="submit">Run</button></form></li>')


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
