"""How long a large network view takes to load and draw in headless Chromium.

    python benchmarks/view_load.py --nodes 5000

Builds a synthetic unit–task graph (a fifth units, four fifths tasks, two or three
assignments per task), renders the self-contained page (precomputed layout and
physics off past 1,500 nodes), opens it from file:// with the network cut off,
and reports the render time and the browser's wall time until the page's
``data-drawn`` flag is set (the network is drawn and responds to input).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import networkx as nx

from policykg.viz import render_html, save_html


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    units = [f"u{i}" for i in range(n // 5)]
    types = ["finance", "transport", "education", "health", "water", "township and street governments"]
    for u in units:
        G.add_node(u, kind="unit", label=f"单位{u}", unit_type=rng.choice(types), jurisdiction="某县")
    for i in range(n - len(units)):
        t = f"t{i}"
        G.add_node(t, kind="task", label=f"任务{i}", text=f"任务{i}的内容", doc="synthetic.txt")
        for role, u in zip(("lead", "support", "support"), rng.sample(units, rng.choice((2, 3)))):
            G.add_edge(u, t, role=role, mention=G.nodes[u]["label"], begin=0, end=3, doc="synthetic.txt")
    return G


def measure(n: int) -> dict[str, float | int | str]:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("needs Chromium (apt-get install chromium)")
    G = synthetic(n)
    t0 = time.perf_counter()
    page_html = render_html(G, title=f"synthetic {n}")
    render_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        page = save_html(page_html, Path(tmp) / "big.html")
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp}/profile",
                "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=10000",
                "--dump-dom", page.as_uri()]
        t1 = time.perf_counter()
        dom = subprocess.run(args, capture_output=True, text=True, timeout=120).stdout
        browser_s = time.perf_counter() - t1
    status = dict(re.findall(r'data-([a-z]+)="([^"]*)"', re.search(r'<div id="status"([^>]*)>', dom).group(1)))  # type: ignore[union-attr]
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "page_mb": round(len(page_html) / 1e6, 2),
            "render_s": round(render_s, 2), "browser_load_and_draw_s": round(browser_s, 2),
            "drawn": status.get("drawn", ""), "errors": status.get("errors", "")}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    print(json.dumps(measure(ap.parse_args().nodes), ensure_ascii=False, indent=1))
