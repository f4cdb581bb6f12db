"""Load test of `policykg serve`: N concurrent named-query requests from local clients.

    python benchmarks/load_serve.py graph/ --requests 200 --concurrency 200

Starts the endpoint on 127.0.0.1 (a free port) in this process, sends the requests
from a thread pool, and prints errors and latency (median, p95, p99). Only loopback
traffic; the number of requests is bounded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.parse
import urllib.request
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph_dir", type=Path)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    args = ap.parse_args()
    print(json.dumps(run(args.graph_dir, args.requests, args.concurrency), indent=1))


if __name__ == "__main__":
    main()
