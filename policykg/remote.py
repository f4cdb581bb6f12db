"""A SPARQL 1.1 server as the store: push the dataset to it, run the same queries on it.

``push`` loads a built graph into any server that speaks the SPARQL 1.1 Graph
Store HTTP Protocol (Virtuoso, Apache Jena Fuseki, GraphDB …): one named graph
per document, sent with ``PUT`` (which replaces the graph). A document's graph
is named by the document id (a hash of its name and of its file's sha256), so a
graph the server already holds is the same document: given the server's SPARQL endpoint, ``push`` sends only the graphs
it lacks and deletes the graphs of documents no longer in the build. The shared
graph of units and places, the policy chain's graph and the ontology graph are always replaced.

``run_remote`` runs SPARQL on a server's query endpoint (SPARQL 1.1 Protocol)
with the same parameter binding as the embedded store: a ``VALUES`` block of
terms serialised by pyoxigraph, never values pasted into the text.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policykg.errors import PolicyKGError, QueryError, RemoteError
from policykg.namespace import PREFIXES
from policykg.pipeline.rdf import GRAPH_PREFIX, SHARED_GRAPH
from policykg.query import Result, to_result, with_values

#: how long one request may take
TIMEOUT = 300.0
#: graphs larger than this are sent in pieces
CHUNK_BYTES = 4 << 20


class _Client:
    """HTTP to one server, with credentials. Each thread has its own session; with Digest
    (Virtuoso) a session first learns the server's nonce with a bodiless request, so that
    large uploads are sent once, already authenticated (a server answering 401 while a
    large body is still being sent breaks the connection)."""

    def __init__(self, url: str, user: str | None, password: str | None) -> None:
        self.url, self.user, self.password = url, user, password
        self.local = threading.local()

    def session(self) -> Any:
        import requests
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        s = getattr(self.local, "session", None)
        if s is None:
            s = requests.Session()
            if self.user is not None:
                asked = self._send(s, "HEAD", self.url, "connect").headers.get("WWW-Authenticate", "")
                if asked.lower().startswith("digest"):
                    s.auth = HTTPDigestAuth(self.user, self.password or "")
                    self._send(s, "HEAD", self.url, "log in")  # learns the nonce
                else:
                    s.auth = HTTPBasicAuth(self.user, self.password or "")
            self.local.session = s
        return s

    def _send(self, s: Any, method: str, url: str, what: str, **kw: Any) -> Any:
        import requests

        try:
            r = s.request(method, url, timeout=TIMEOUT, **kw)
        except requests.RequestException as exc:
            raise RemoteError(f"{what}: cannot reach {url.split('?')[0]}: {exc}. Is the server running?") from None
        if r.status_code in (401, 403) and (s.auth is not None or method != "HEAD"):
            raise RemoteError(f"{what}: the server answered {r.status_code} {r.reason} (check --user/--password)")
        return r

    def request(self, method: str, url: str, what: str, **kw: Any) -> bytes:
        r = self._send(self.session(), method, url, what, **kw)
        if r.status_code >= 400:
            raise RemoteError(f"{what}: the server answered {r.status_code} {r.reason}: {r.text[:500].strip()}")
        return bytes(r.content)


def _prologue(text: str) -> str:
    """PREFIX declarations for the project's prefixes the query uses but does not declare
    (the embedded store is given them; a server is not)."""
    declared = {m.lower() for m in _declared(text)}
    lines = [f"PREFIX {k}: <{v}>" for k, v in sorted(PREFIXES.items()) if k.lower() not in declared and f"{k}:" in text]
    return "\n".join(lines) + ("\n" if lines else "")


def _declared(text: str) -> Iterator[str]:
    for m in re.finditer(r"(?im)^\s*PREFIX\s+([\w-]*):", text):
        yield m.group(1)


def run_remote(
    endpoint: str,
    text: str,
    bindings: Mapping[str, ox.Literal] | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
) -> Result:
    """Run SPARQL (SELECT or ASK) on a server's query endpoint; rows as :func:`query.run_store` gives them."""
    body, separators = _ascii_separators(with_values(text, bindings or {}))
    body = _prologue(body) + body
    raw = _Client(endpoint, user, password).request(
        "POST", endpoint, "query",
        data=urllib.parse.urlencode({"query": body}).encode("utf-8"),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    try:
        res = to_result(ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON))
    except (SyntaxError, ValueError):
        raise QueryError(f"the server at {endpoint} did not answer with SPARQL JSON results: {raw[:200]!r}") from None
    rows = res.rows
    for marker, sep in separators.items():
        for row in rows:
            for c, v in row.items():
                if isinstance(v, str) and marker in v:
                    row[c] = v.replace(marker, sep)
    return Result(res.columns, rows, res.boolean) if separators else res  # terms hold the markers


_SEPARATOR = re.compile(r'(SEPARATOR\s*=\s*)"((?:[^"\\\n]|\\.)*)"', re.IGNORECASE)


def _ascii_separators(text: str) -> tuple[str, dict[str, str]]:
    """Swap non-ASCII ``GROUP_CONCAT`` separators (the named queries join units with 、)
    for ASCII control characters, to be swapped back in the results: Virtuoso 7.2 turns
    a non-ASCII separator into ``?``.

    >>> _ascii_separators('GROUP_CONCAT(?u; SEPARATOR="、")') == ('GROUP_CONCAT(?u; SEPARATOR="' + chr(31) + '")', {chr(31): '、'})
    True
    """
    found: dict[str, str] = {}

    def swap(m: re.Match[str]) -> str:
        sep = m.group(2)
        if sep.isascii():
            return m.group(0)
        marker = next((k for k, v in found.items() if v == sep), None) or chr(0x1F - len(found))
        found[marker] = sep
        return f'{m.group(1)}"{marker}"'

    return _SEPARATOR.sub(swap, text), found


@dataclass
class PushReport:
    sent: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    triples: int = 0
    seconds: float = 0.0


def _graphs(graph_dir: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Every graph of a build as (IRI, a function giving its N-Triples): the ontology, shared
    and chain graphs from the store, the documents' graphs from their part files."""
    from functools import partial

    from policykg.chain import CHAIN_GRAPH
    from policykg.graphdir import document_graph_files
    from policykg.graphs import ONTOLOGY_GRAPH
    from policykg.store import open_store

    store = open_store(graph_dir, read_only=True)
    chain = ox.NamedNode(CHAIN_GRAPH)
    for g in (ONTOLOGY_GRAPH, SHARED_GRAPH, *([chain] if store.contains_named_graph(chain) else [])):
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""
        yield g.value, partial(bytes, data)
    for iri, path in document_graph_files(graph_dir):
        yield iri, partial(_part_triples, path, iri)


def _part_triples(path: Path, graph: str) -> bytes:
    from policykg.graphs import nquads_as_triples

    try:
        return nquads_as_triples(path.read_bytes(), graph)
    except ValueError as exc:
        raise PolicyKGError(f"{path}: {exc}. Rebuild the graph (policykg build) and push again") from None


def _graph_url(gsp: str, iri: str) -> str:
    """The Graph Store Protocol URL of one named graph."""
    return gsp + ("&" if "?" in gsp else "?") + urllib.parse.urlencode({"graph": iri})


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    """N-Triples cut into pieces of about ``size`` bytes, at line ends (always one piece).

    >>> list(_pieces(b"a .\\nb .\\nc .\\n", 5))
    [b'a .\\nb .\\n', b'c .\\n']
    """
    start = 0
    while True:
        end = data.find(b"\n", start + size - 1) + 1 if start + size < len(data) else len(data)
        end = end or len(data)
        yield data[start:end]
        if end >= len(data):
            return
        start = end


def remote_graphs(endpoint: str, *, user: str | None = None, password: str | None = None) -> set[str]:
    """The document graphs a server holds (by their IRI prefix)."""
    text = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ?type } "
        f"FILTER(STRSTARTS(STR(?g), {ox.Literal(GRAPH_PREFIX)})) }}"
    )
    return {r["g"] for r in run_remote(endpoint, text, user=user, password=password).rows}


def push(
    graph_dir: str | Path,
    gsp: str,
    *,
    sparql: str | None = None,
    user: str | None = None,
    password: str | None = None,
    threads: int = 1,
    chunk_bytes: int = CHUNK_BYTES,
    progress: Callable[[str], None] | None = None,
    on_graphs: Callable[[int], None] | None = None,
) -> PushReport:
    """Load a built graph into a SPARQL server through the Graph Store HTTP Protocol.

    Parameters
    ----------
    graph_dir:
        A graph directory written by ``policykg build``.
    gsp:
        The server's Graph Store Protocol service (Virtuoso: ``…/sparql-graph-crud-auth``;
        Fuseki: ``…/DATASET/data``; GraphDB: ``…/repositories/REPO/rdf-graphs/service``).
    sparql:
        The server's query endpoint. When given, only graphs the server lacks are sent,
        and the graphs of documents no longer in the build are deleted; otherwise every
        graph is sent.
    user, password:
        Credentials (HTTP Basic or Digest, as the server asks).
    chunk_bytes:
        A graph larger than this is sent in pieces of about this size (the shared graph of
        10,000 documents is ~95 MB: Virtuoso 7.2 stalled on it in one request).
    threads:
        Requests in flight at once (one by default: Virtuoso 7.2 stalled on locks with four
        concurrent PUTs; Fuseki and GraphDB take several).
    """
    t0 = time.perf_counter()
    out = Path(graph_dir)
    report = PushReport()
    graphs = list(_graphs(out))
    there = remote_graphs(sparql, user=user, password=password) if sparql else set()
    todo = [(iri, get) for iri, get in graphs if iri not in there or not iri.startswith(GRAPH_PREFIX)]
    report.unchanged = len(graphs) - len(todo)
    gone = sorted(there - {iri for iri, _ in graphs})
    if on_graphs:
        on_graphs(len(todo) + len(gone))
    client = _Client(gsp, user, password)
    send = partial(_send_graph, client, gsp, chunk_bytes)
    delete = partial(_delete_graph, client, gsp)

    # the shared and ontology graphs first, alone: with four PUTs at once (the large shared
    # graph among them) Virtuoso 7.2 stalled on locks at 10,000 documents
    first = [item for item in todo if not item[0].startswith(GRAPH_PREFIX)]
    docs = [item for item in todo if item[0].startswith(GRAPH_PREFIX)]
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for iri, n in chain(map(send, first), pool.map(send, docs)):
            report.sent.append(iri)
            report.triples += n
            if progress:
                progress(iri)
        for iri, _ in pool.map(delete, gone):
            report.deleted.append(iri)
            if progress:
                progress(iri)
    report.seconds = time.perf_counter() - t0
    return report


def _send_graph(client: _Client, gsp: str, chunk_bytes: int, item: tuple[str, Callable[[], bytes]]) -> tuple[str, int]:
    """PUT one graph (N-Triples is Turtle, and every Graph Store server reads Turtle); a
    large graph goes in pieces: PUT (replace) the first, POST (add) the others."""
    iri, get = item
    data = get()
    url = _graph_url(gsp, iri)
    for n, piece in enumerate(_pieces(data, chunk_bytes)):
        client.request("POST" if n else "PUT", url, f"{'POST' if n else 'PUT'} graph {iri}", data=piece,
                       headers={"Content-Type": "text/turtle; charset=utf-8"})
    return iri, data.count(b"\n")


def _delete_graph(client: _Client, gsp: str, iri: str) -> tuple[str, int]:
    """DELETE one graph (one the server does not have is no error)."""
    try:
        client.request("DELETE", _graph_url(gsp, iri), f"DELETE graph {iri}")
    except RemoteError as exc:
        if " 404 " not in str(exc):
            raise
    return iri, 0
