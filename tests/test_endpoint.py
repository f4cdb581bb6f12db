"""The SPARQL endpoint: the protocol, content negotiation, row and time limits."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

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


def _raw_get(base: str, target: bytes, accept: str) -> tuple[int, bytes]:
    """A GET whose request line carries ``target`` as raw bytes (as curl sends an unencoded URL)."""
    import socket

    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept.encode()
                     + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_raw_utf8_in_the_query_string_is_read_as_utf8(fixture_server: str) -> None:
    status, body = _raw_get(fixture_server, "/queries/unit-workload?jurisdiction=甲县".encode(), "text/csv")
    assert status == 200, body
    encoded = urllib.parse.quote("甲县")
    assert body == _get(f"{fixture_server}/queries/unit-workload?jurisdiction={encoded}", Accept="text/csv")[2]
    assert len(body.decode("utf-8").splitlines()) > 2


def test_the_readme_curl_example_returns_rows(built_graph: Path) -> None:
    """The README's curl command, run against the samples (with curl where it is installed,
    else the same request made as curl makes it: -G puts --data-urlencode in the query string)."""
    import re
    import shlex
    import shutil
    import subprocess

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("$ curl ") and "/queries/" in x)
    args = shlex.split(line.removeprefix("$ "))
    server, _ = serve_in_thread(built_graph)
    try:
        port = server.server_address[1]
        args = [re.sub(r"127\.0\.0\.1:7878", f"127.0.0.1:{port}", a) for a in args]
        if shutil.which("curl"):
            body = subprocess.run(args + ["-s", "--max-time", "60"], capture_output=True, check=True).stdout
        else:
            url = args[-1] + "?" + urllib.parse.urlencode([a.split("=", 1) for a in args[args.index("--data-urlencode") + 1:-1:2]])
            body = _get(url, Accept="text/csv")[2]
    finally:
        stop(server)
    lines = body.decode("utf-8").splitlines()
    assert lines[0].startswith("jurisdiction,") and len(lines) > 5, body[:300]
    assert all(x.startswith("陆河县,") for x in lines[1:])


def test_a_browser_gets_an_html_table_with_the_values_escaped(fixture_server: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    q = urllib.parse.quote('SELECT ?n ?x WHERE { ?u skos:prefLabel ?n } BIND("<b>&" AS ?x) } LIMIT 3'.replace("} BIND", "BIND"))
    status, headers, body = _get(f"{fixture_server}/sparql?query={q}", Accept=browser)
    assert status == 200 and headers["Content-Type"].startswith("text/html"), body[:200]
    page = body.decode("utf-8")
    assert "<table>" in page and "<th>n</th>" in page and "3 rows" in page
    assert "&lt;b&gt;&amp;" in page and "<b>&" not in page
    status, headers, body = _get(f"{fixture_server}/queries/units?jurisdiction=%E7%94%B2%E5%8E%BF", Accept=browser)
    assert status == 200 and "县交通运输局" in body.decode("utf-8")


def test_the_query_page_has_a_form_for_every_named_query(fixture_server: str) -> None:
    from policykg.query import list_queries

    page = _get(f"{fixture_server}/", Accept="text/html")[2].decode("utf-8")
    for q in list_queries():
        assert f'action="/queries/{q.name}"' in page
        for p in q.params:
            assert f'name="{p.name}"' in page


@pytest.mark.parametrize("accept, fmt, parse_as", [
    ("text/turtle", None, "turtle"), ("application/ld+json", None, "json-ld"), ("*/*", "jsonld", "json-ld"),
])
def test_construct_and_describe_answer_with_triples(fixture_server: str, accept: str, fmt: str | None, parse_as: str) -> None:
    from rdflib import Graph

    for query in ("CONSTRUCT { ?u skos:prefLabel ?n } WHERE { ?u a pkg:Unit ; skos:prefLabel ?n }",
                  "DESCRIBE ?u WHERE { ?u skos:prefLabel \"县财政局\" }"):
        url = f"{fixture_server}/sparql?query={urllib.parse.quote(query)}" + (f"&format={fmt}" if fmt else "")
        status, headers, body = _get(url, Accept=accept)
        assert status == 200, body[:300]
        assert headers["Content-Type"].startswith("text/turtle" if parse_as == "turtle" else "application/ld+json")
        g = Graph().parse(data=body.decode("utf-8"), format=parse_as)
        assert len(g) >= 2 and any("县财政局" in str(o) for o in g.objects())


def test_a_named_query_value_that_names_nothing_is_a_400_with_close_matches(fixture_server: str) -> None:
    status, _, body = _get(f"{fixture_server}/queries/units?jurisdiction={urllib.parse.quote('甲')}")
    assert status == 400 and "did you mean 甲县?" in body.decode("utf-8")
