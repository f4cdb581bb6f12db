"""Load test of `policykg serve`: N concurrent named-query requests from local clients.

    python benchmarks/load_serve.py graph/ --requests 200 --concurrency 200
    python benchmarks/load_serve.py graph/ --hostile --requests 500 --concurrency 16

Starts the endpoint on 127.0.0.1 (a free port) in this process, sends the requests
from a thread pool, and prints errors and latency (median, p95, p99). Only loopback
traffic; the number of requests is bounded.

``--hostile`` mixes in what a careless or hostile client sends: queries nested
thousands deep (they crashed the engine), slow cross products (stopped at the time
limit), memory hogs (stopped at the memory limit) and malformed HTTP. It then reports
how each kind was answered, connections dropped without an answer, the peak memory of
any query process against its limit, and the median of 50 ``ASK {}`` sent afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from policykg.serve import serve_in_thread, stop

QUERIES = [
    ("tasks-by-unit", {"unit": "县财政局", "jurisdiction": "遂溪县", "role": "lead"}),
    ("unit-workload", {"jurisdiction": "麻章区"}),
    ("co-assigned-units", {"unit": "县发改局", "jurisdiction": "陆河县"}),
    ("units-by-task", {"fragment": "革命遗址"}),
    ("tasks-in-place", {"place": "太平镇"}),
    ("milestones", {"year": "2019"}),
]


def run(graph_dir: Path, requests: int, concurrency: int) -> dict[str, float | int]:
    server, _ = serve_in_thread(graph_dir, timeout=60, workers=4)
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def one(i: int) -> tuple[float, bool]:
        name, params = QUERIES[i % len(QUERIES)]
        url = f"{base}/queries/{name}?" + urllib.parse.urlencode(params)
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as resp:
                ok = resp.status == 200 and "results" in json.loads(resp.read())
        except Exception:
            ok = False
        return time.perf_counter() - t, ok

    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(one, range(requests)))
    finally:
        stop(server)
    wall = time.perf_counter() - t0
    lat = sorted(r[0] for r in results)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(round(p * (len(lat) - 1))))]

    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": sum(1 for _, ok in results if not ok),
        "wall_s": round(wall, 3),
        "median_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(pct(0.95) * 1000, 1),
        "p99_ms": round(pct(0.99) * 1000, 1),
    }


HOSTILE = [
    ("cheap", "ASK {}"),
    ("cheap", "SELECT ?unit WHERE { ?u skos:prefLabel ?unit } LIMIT 10"),
    ("crasher", "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"),
    ("slow", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    ("hog", "SELECT ?a ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"),
    ("cheap", "SELECT (COUNT(*) AS ?n) WHERE { ?s a pkg:Task }"),
    ("bad-http", ""),
    ("cheap", "ASK { ?s ?p ?o }"),
]


def _peak_kb(pid: int) -> int:
    """A process's peak virtual memory (VmPeak, kB), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmPeak:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def hostile(graph_dir: Path, requests: int, concurrency: int, max_memory_mb: int = 1024, timeout: float = 5.0) -> dict[str, object]:
    server, _ = serve_in_thread(graph_dir, timeout=timeout, workers=2, max_workers=8, max_memory=max_memory_mb << 20)
    port = server.server_address[1]
    endpoint = server.endpoint  # type: ignore[attr-defined]
    peak = [0]
    done = threading.Event()

    def watch() -> None:  # sample the query processes' peak memory while the mix runs
        while not done.is_set():
            for proc in list(endpoint._all):
                if proc.pid:
                    peak[0] = max(peak[0], _peak_kb(proc.pid))
            time.sleep(0.05)

    def one(i: int) -> tuple[str, str]:
        kind, text = HOSTILE[i % len(HOSTILE)]
        try:
            if kind == "bad-http":
                with socket.create_connection(("127.0.0.1", port), timeout=60) as raw:
                    raw.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n" + b"x" * 1000)
                    head = raw.recv(12)
                return kind, head.decode(errors="replace")[9:12] or "dropped"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
            res = conn.getresponse()
            res.read()
            conn.close()
            return kind, str(res.status)
        except (http.client.RemoteDisconnected, ConnectionError):
            return kind, "dropped"

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(one, range(requests)))
        wall = time.perf_counter() - t0
        asks = []
        for _ in range(50):
            t = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%20%7B%7D", timeout=60) as resp:
                assert resp.status == 200
            asks.append(time.perf_counter() - t)
    finally:
        done.set()
        stop(server)
    answers = Counter(f"{kind} {status}" for kind, status in results)
    return {
        "requests": requests,
        "concurrency": concurrency,
        "wall_s": round(wall, 1),
        "answers": dict(sorted(answers.items())),
        "dropped": sum(1 for _, status in results if status == "dropped"),
        "worker_peak_mb": round(peak[0] / 1024),
        "worker_limit_mb": max_memory_mb,
        "ask_after_median_ms": round(statistics.median(asks) * 1000, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph_dir", type=Path)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--hostile", action="store_true", help="mix in crashers, slow queries, memory hogs and bad HTTP")
    args = ap.parse_args()
    if args.hostile:
        print(json.dumps(hostile(args.graph_dir, args.requests, args.concurrency), indent=1, ensure_ascii=False))
    else:
        print(json.dumps(run(args.graph_dir, args.requests, args.concurrency), indent=1))


if __name__ == "__main__":
    main()
