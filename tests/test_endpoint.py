"""The SPARQL endpoint: the protocol, content negotiation, row and time limits."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

from policykg.serve import serve_in_thread, stop


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _post(url: str, data: bytes, ctype: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_endpoint_protocol(fixture_server: str) -> None:
    q = urllib.parse.quote("SELECT ?n WHERE { ?u skos:prefLabel ?n } ORDER BY ?n LIMIT 2")
    for accept, marker in [
        ("application/sparql-results+json", b'"bindings"'),
        ("application/sparql-results+xml", b"<sparql"),
        ("text/csv", b"n\r\n"),
        ("text/tab-separated-values", b"?n\n"),
    ]:
        status, headers, body = _get(f"{fixture_server}/sparql?query={q}", Accept=accept)
        assert status == 200 and marker in body and headers["Content-Type"].startswith(accept)
    status, body = _post(f"{fixture_server}/sparql", b"SELECT (COUNT(*) AS ?c) WHERE { ?s ?p ?o }", "application/sparql-query")
    assert status == 200 and b'"c"' in body
    # read-only: updates and SERVICE are refused
    assert _post(f"{fixture_server}/sparql", b"DROP ALL", "application/sparql-update")[0] == 403
    assert _post(f"{fixture_server}/sparql", b"update=DROP+ALL", "application/x-www-form-urlencoded")[0] == 403
    service = urllib.parse.quote("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert _get(f"{fixture_server}/sparql?query={service}")[0] == 403
    assert _get(f"{fixture_server}/sparql?query={urllib.parse.quote('SELEC nonsense')}")[0] == 400
    status, _, page = _get(f"{fixture_server}/")
    assert status == 200 and b"<textarea" in page and b"tasks-by-unit" in page


def test_endpoint_row_limit(fixture_graph: Path) -> None:
    server, _ = serve_in_thread(fixture_graph, max_rows=3)
    try:
        q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
        status, headers, body = _get(f"http://127.0.0.1:{server.server_address[1]}/sparql?query={q}")
        assert status == 200 and headers.get("X-Result-Truncated") == "true"
        assert len(json.loads(body)["results"]["bindings"]) == 3
    finally:
        stop(server)


def test_endpoint_stops_a_query_past_its_time_limit(built_graph: Path) -> None:
    import time

    server, _ = serve_in_thread(built_graph, timeout=1.0, workers=1)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        slow = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        t = time.perf_counter()
        status, _, body = _get(f"{base}/sparql?query={slow}")
        assert status == 503 and b"stopped" in body and time.perf_counter() - t < 10
        # the endpoint goes on answering with a fresh worker
        status, _, _ = _get(f"{base}/sparql?query={urllib.parse.quote('ASK { ?s ?p ?o }')}")
        assert status == 200
        load = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }") + "%0ALOAD%20%3Chttp%3A%2F%2Fexample.org%2F%3E"
        assert _get(f"{base}/sparql?query={load}")[0] == 403
    finally:
        stop(server)
    assert server.server_address[0] == "127.0.0.1"
