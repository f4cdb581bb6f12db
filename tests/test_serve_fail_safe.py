"""The endpoint as a careless or hostile client meets it, over real HTTP against a
`policykg serve` process (issue "Fail safe")."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main

SAMPLE = "shenzhen-2022-town-assistance-plan.txt"
#: the installed command, as a user runs it
POLICYKG = shutil.which("policykg", path=str(Path(sys.executable).parent)) or "policykg"
COUNT_DOCS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:SourceDocument }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             timeout: float = 120) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


def _query(port: int, text: str, fmt: str = "json", timeout: float = 120) -> tuple[int, bytes]:
    status, _, body = _request(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": text, "format": fmt}),
                               timeout=timeout)
    return status, body


def _count_docs(port: int) -> int:
    status, body = _query(port, COUNT_DOCS)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("served")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / SAMPLE, docs / SAMPLE)
    assert CliRunner().invoke(main, ["build", str(docs), "-o", str(root / "graph"), "-q"]).exit_code == 0
    return docs, root / "graph"


def _serve(graph_dir: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    proc = subprocess.Popen([POLICYKG, "serve", str(graph_dir), "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _request(port, "GET", "/queries", timeout=5)[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server did not start")


@pytest.fixture(scope="module")
def server(graph: tuple[Path, Path]) -> Iterator[int]:
    proc, port = _serve(graph[1], "--workers", "2", "--max-memory", "1024", "--timeout", "8", "--idle-timeout", "2",
                        "--max-response-mb", "1")
    yield port
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def test_a_crashing_query_is_refused_and_the_endpoint_keeps_answering(server: int, graph: tuple[Path, Path]) -> None:
    crasher = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    for _ in range(3):
        status, body = _query(server, crasher)
        assert status == 400 and b"5002 deep" in body
    assert _query(server, "ASK {}")[0] == 200
    # the command line refuses it too, instead of dying with a segmentation fault
    res = subprocess.run([POLICYKG, "sparql", crasher, str(graph[1])], capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "deep" in res.stderr


def test_service_is_refused_by_the_query_not_by_its_words(server: int) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(3)
    target = listener.getsockname()[1]
    sneaky = ("PREFIX schema: <http://schema.org/> SELECT * WHERE { VALUES ?v { schema:a\\# } "
              f"SERVICE <http://127.0.0.1:{target}/x> {{ ?s ?p ?o }} }}")
    try:
        status, body = _query(server, sneaky)
        assert status == 403 and b"SERVICE" in body
        with pytest.raises(TimeoutError):
            listener.accept()  # no request left the server
    finally:
        listener.close()
    # words that only look like updates are fine
    ok = 'SELECT ?load WHERE { ?load pkg:Create ?x . FILTER(?x != "DROP ALL") } LIMIT 1'
    assert _query(server, ok)[0] == 200
    assert _request(server, "POST", "/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"})[0] == 403


def test_a_memory_hog_is_stopped_and_its_process_replaced(server: int) -> None:
    hog = "SELECT ?a ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
    for _ in range(2):
        status, body = _query(server, hog, timeout=120)
        assert status == 503 and (b"MB a query may use" in body or b"stopped" in body), body
        assert _query(server, "ASK {}")[0] == 200


def test_cheap_queries_are_not_stuck_behind_slow_ones(server: int) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    threads = [threading.Thread(target=_query, args=(server, slow)) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    assert all(t.is_alive() for t in threads)
    status, _ = _query(server, "ASK {}")
    assert status == 200
    assert all(t.is_alive() for t in threads)  # answered while both slow queries still ran
    for t in threads:
        t.join()


def test_results_follow_a_rebuild(graph: tuple[Path, Path], samples_dir: Path) -> None:
    docs, built = graph
    graph_dir = built.parent / "rebuilt"
    shutil.copytree(built, graph_dir, symlinks=True)
    proc, port = _serve(graph_dir, "--workers", "2")
    try:
        assert _count_docs(port) == 1
        shutil.copy(samples_dir / "luhe-2021-old-areas-work-plan.txt", docs)
        try:
            assert CliRunner().invoke(main, ["build", str(docs), "-o", str(graph_dir), "-q"]).exit_code == 0
        finally:
            (docs / "luhe-2021-old-areas-work-plan.txt").unlink()
        assert [_count_docs(port) for _ in range(6)] == [2] * 6
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_http_is_strict(server: int) -> None:
    assert _request(server, "GET", "/sparql?query=ASK%7B%7D", headers={"Host": "evil.example"})[0] == 421
    assert _request(server, "GET", "/sparql?query=ASK%7B%7D", headers={"Host": f"localhost:{server}"})[0] == 200
    for length in ("-1", "abc"):
        raw = socket.create_connection(("127.0.0.1", server), timeout=30)
        raw.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                    b"Content-Length: " + length.encode() + b"\r\n\r\n" + b"x" * 5000)
        assert raw.recv(100).startswith(b"HTTP/1.1 400")
        raw.close()
    # a silent connection is closed (the server here allows 2 s)
    idle = socket.create_connection(("127.0.0.1", server), timeout=30)
    t = time.monotonic()
    assert idle.recv(10) == b"" and time.monotonic() - t < 20
    idle.close()


def test_xml_results_are_well_formed_for_any_value(server: int) -> None:
    q = 'SELECT ?x ?y WHERE { BIND("a\\u0001b<&>" AS ?x) BIND(STRDT("1", <http://example.org/t?a=1&b=2>) AS ?y) }'
    status, body = _query(server, q, fmt="xml")
    assert status == 200
    root = ET.fromstring(body)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    literals = root.findall(f".//{ns}literal")
    assert literals[0].text == "a\ufffdb<&>"
    assert literals[1].get("datatype") == "http://example.org/t?a=1&b=2"


def test_sigterm_stops_the_server_cleanly(graph: tuple[Path, Path]) -> None:
    proc, port = _serve(graph[1])
    assert _query(port, "ASK {}")[0] == 200
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert "Traceback" not in err and "EOFError" not in err


def test_a_huge_response_is_cut_at_the_byte_limit(server: int) -> None:
    """10,000 rows of 2 kB each would be a 20 MB answer; this server allows 1 MB."""
    big = 'SELECT ?x WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), "' + "填" * 700 + '") AS ?x) } LIMIT 10000'
    status, headers, body = _request(server, "GET", "/sparql?" + urllib.parse.urlencode({"query": big}))
    assert status == 200 and headers.get("X-Result-Truncated") == "true"
    assert len(body) < 3 << 20
    assert 100 < len(json.loads(body)["results"]["bindings"]) < 10_000



def test_when_every_process_is_busy_the_queue_is_bounded(graph: tuple[Path, Path]) -> None:
    from policykg.serve import serve_in_thread, stop

    server, _ = serve_in_thread(graph[1], workers=1, max_workers=1, max_waiting=0, timeout=8)
    port = server.server_address[1]
    try:
        slow = threading.Thread(target=_query, args=(port, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
        slow.start()
        time.sleep(1.0)
        status, headers, body = _request(port, "GET", "/sparql?query=ASK%7B%7D")
        assert status == 503 and headers.get("Retry-After") == "5" and b"busy" in body
        slow.join()  # stopped at the time limit: its process is replaced, and then the endpoint is free again
        deadline = time.monotonic() + 60
        while _query(port, "ASK {}")[0] != 200:
            assert time.monotonic() < deadline
            time.sleep(0.5)
    finally:
        stop(server)


def test_memory_serving_gives_the_answers_of_the_store_on_disk(graph: tuple[Path, Path], server: int) -> None:
    question = "SELECT ?u (COUNT(?a) AS ?n) WHERE { ?a prov:agent/skos:prefLabel ?u } GROUP BY ?u ORDER BY ?u"
    proc, port = _serve(graph[1], "--workers", "1", "--memory")
    try:
        status, body = _query(port, question)
        assert status == 200, body
        expected = _query(server, question)[1]
        assert json.loads(body) == json.loads(expected) and json.loads(body)["results"]["bindings"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
