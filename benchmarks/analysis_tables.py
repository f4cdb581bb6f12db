"""Whole-corpus questions on a built graph: DataFrames and aggregates, before and after the
analysis tables (issue 18).

    python benchmarks/analysis_tables.py GRAPH_DIR [--repeat 5] [--out FILE.md]

In one process, for the graph given (build it first, e.g. from
``generate_corpus.py 1000 /tmp/syn --seed 1``), the median of ``--repeat`` runs of:

- ``policykg.assignments()`` from the Parquet tables, and the same rows from the
  extraction records (how the DataFrames were made before the tables);
- each named query with a SQL twin, on the embedded store (SPARQL) and with its twin
  (DuckDB over the tables), checking that both give the same rows;
- ``policykg query NAME --engine sql`` and ``--engine sparql`` as a user runs them
  (a subprocess: imports and opening included).

Machines are noisy: compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TWINS = ("unit-workload", "unit-type-by-jurisdiction", "lead-unit-type-by-theme")


def _median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    import pandas as pd

    from policykg.export import TABLES
    from policykg.frames import table
    from policykg.graphdir import load_extractions
    from policykg.query import run_named
    from policykg.query.sql import run_twin

    lines = [f"Graph: {args.graph} (median of {args.repeat} runs, seconds)", "",
             "| what | before | after | after/before |", "| --- | ---: | ---: | ---: |"]

    def old_frame() -> pd.DataFrame:
        rows_of, columns = TABLES["assignments"]
        return pd.DataFrame(list(rows_of(load_extractions(args.graph))), columns=list(columns))

    before, df_old = _median(old_frame, args.repeat)
    after, df_new = _median(lambda: table("assignments", args.graph), args.repeat)
    assert len(df_old) == len(df_new)
    lines.append(f"| DataFrame of all assignments ({len(df_new):,} rows): records → tables | {before:.3f} | {after:.3f} | {after / before:.3f} |")
    for name in TWINS:
        before, a = _median(lambda n=name: run_named(args.graph, n), args.repeat)
        after, b = _median(lambda n=name: run_twin(args.graph, n), args.repeat)
        assert a.rows == b.rows, name
        lines.append(f"| `{name}` in process ({len(a.rows):,} rows): SPARQL → SQL twin | {before:.3f} | {after:.3f} | {after / before:.3f} |")
    exe = [sys.executable, "-m", "policykg.cli", "query"]
    for name in TWINS:
        times = {}
        for engine in ("sparql", "sql"):
            times[engine], _ = _median(lambda e=engine, n=name: subprocess.run(
                [*exe, n, str(args.graph), "--engine", e, "--format", "csv"], check=True, capture_output=True), args.repeat)
        lines.append(f"| `policykg query {name}`: --engine sparql → sql | {times['sparql']:.3f} | {times['sql']:.3f} | "
                     f"{times['sql'] / times['sparql']:.3f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
