"""Every named query against the targets of issue 18, on a built graph.

    python benchmarks/query_targets.py GRAPH_DIR [--repeat 3] [--cap 120] [--only CASE ...] [--out FILE.md]

For each named query (parameters taken from the data as ``scale.py`` takes them: the first
policy's jurisdiction, its busiest unit, a phrase of one of its tasks …), the median of
``--repeat`` runs of:

- ``policykg query NAME GRAPH …`` as a user runs it (a subprocess: start-up, imports and
  opening the store included), with ``--engine sql`` where the query has a SQL twin;
- the same in one Python process, as a notebook asks it: ``run_named`` on the store opened
  once (the first call, which opens it, not counted), or ``run_twin``.

The queries with a SQL twin (whole-corpus aggregates, and units-by-task, which reads every
task's text) run on the tables; the others on the store. Machines are noisy: compare within
one run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from analysis_tables import _median


def _measure(graph: Path, case: str, params: dict[str, str], repeat: int, run_named: Any, run_twin: Any,
             twin: Any, cap: float) -> str:
    """One table row: the query through the command line, then in this process."""
    name = case.split("@")[0]
    sql = twin(name) is not None
    engine = "sql" if sql else "sparql"
    cmd = [sys.executable, "-m", "policykg.cli", "query", name, str(graph), "--format", "csv",
           "-o", "/dev/null", "--engine", engine, *[f"--param={k}={v}" for k, v in params.items()]]
    try:
        cli, _ = _median(lambda: subprocess.run(cmd, check=True, capture_output=True, timeout=cap), repeat)
    except subprocess.TimeoutExpired:
        return f"| {case} | {engine} | – | > {cap:g} (stopped) | – |"

    def inproc() -> Any:
        return run_twin(graph, name, **params) if sql else run_named(graph, name, **params)

    inproc()  # opens the store (or reads the tables' metadata) once
    t, res = _median(inproc, repeat)
    return f"| {case} | {engine} | {len(res.rows)} | {cli:.3f} | {t * 1000:.1f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--cap", type=float, default=120.0, help="Seconds a command-line run may take (then it is stopped).")
    ap.add_argument("--only", nargs="*", default=None, help="Only these cases (e.g. units unit-workload@j).")
    args = ap.parse_args()

    from scale import pick_params

    from policykg.query import bind_params, get_query, run_named, run_store
    from policykg.query.sql import run_twin, twin
    from policykg.store import open_store

    store = open_store(args.graph, read_only=True)

    def run(name: str, params: dict[str, str]) -> Any:
        q = get_query(name)
        return run_store(store, q.text, bind_params(q, params))

    run.store = store  # type: ignore[attr-defined]
    cases = pick_params(run)
    lines = [f"Graph: {args.graph}; median of {args.repeat} runs", "",
             "| query (case) | engine | rows | `policykg query` (s) | in one process (ms) |",
             "| --- | --- | ---: | ---: | ---: |"]
    for case, params in cases.items():
        if args.only and case not in args.only:
            continue
        lines.append(_measure(args.graph, case, params, args.repeat, run_named, run_twin, twin, args.cap))
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
