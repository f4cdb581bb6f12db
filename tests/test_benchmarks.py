"""A small run of the scale benchmark (200 documents), so its code paths cannot rot.
It asserts what the run did, never how fast: speed targets live in benchmarks/RESULTS.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.query import list_queries

from .virtuoso import available

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_scale_benchmark_small_run(tmp_path: Path) -> None:
    out = tmp_path / "scale.md"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--sizes", "20", "200", "--workers", "1", "2",
           "--rdflib-at", "20", "--runs", "1", "--budget", "1", "--work", str(tmp_path / "work"), "--out", str(out)]
    if available():
        cmd.append("--virtuoso")
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    res = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert [(b["documents"], b["workers"]) for b in res["builds"]] == [(20, 1), (20, 2), (200, 1), (200, 2)]
    assert all(b["processed"] == b["documents"] and b["rss_main_mb"] > 0 for b in res["builds"])
    assert res["incremental"]["processed"] == 1 and res["incremental"]["unchanged"] == 199
    assert min(res["f1"].values()) >= 0.99
    names = {q.name for q in list_queries()}
    engines = {"embedded@200", "embedded@20", "rdflib@20"} | ({"virtuoso@200"} if available() else set())
    assert set(res["queries"]) == engines
    for engine, cases in res["queries"].items():
        assert {c.split("@")[0] for c in cases} == names, engine
    # the look-ups find something, so their latency is not that of an empty answer
    assert all(res["queries"]["embedded@200"][c]["rows"] > 0 for c in ("tasks-by-unit", "units-by-task", "tasks-in-place"))
    if available():
        assert res["push"]["graphs"] == 202  # 200 documents, the shared graph, the ontology
        assert res["queries"]["virtuoso@200"]["tasks-by-unit"]["rows"] == res["queries"]["embedded@200"]["tasks-by-unit"]["rows"]
    assert "| 200 | " in out.read_text(encoding="utf-8")
