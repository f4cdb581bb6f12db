"""Scale benchmarks (issue 8): build throughput, memory, incremental rebuild, extraction F1,
and the latency of every named query on the embedded store, rdflib and Virtuoso.

    python benchmarks/scale.py --sizes 100 1000 10000 --workers 1 2 \\
        --rdflib-at 1000 --virtuoso --out benchmarks/scale-results.md

Run on demand, never as a timed unit test (a small run is a CI test, so these code
paths cannot rot). Steps, each printed as it finishes:

1. Generate one synthetic corpus of the largest size (``generate_corpus.py``, seed 1);
   each smaller size is its first N documents (folders of links).
2. ``policykg build`` each size with each worker count, in a subprocess, sampling the
   RSS of the build process and its workers every 0.1 s.
3. A plain read-and-regex pass over each corpus (the floor for any extractor).
4. Extraction F1 against the generator's gold, at each size.
5. Incremental rebuild of the largest graph after changing one document.
6. Latency (median, p95) of every named query on the largest graph's embedded store;
   at ``--rdflib-at`` documents on the embedded store and on rdflib's engine over the
   same TriG; with ``--virtuoso``, after ``policykg push`` into a private Virtuoso
   server, on Virtuoso.

Results go to ``--out`` (Markdown, with the machine, command and date) and next to it as
JSON. Machines are noisy: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policykg.dataset import load_dataset  # noqa: E402
from policykg.evaluate import evaluate, tasks_from_extraction  # noqa: E402
from policykg.graphdir import load_extractions  # noqa: E402
from policykg.query import bind_params, get_query, list_queries, run_rdflib, run_store  # noqa: E402
from policykg.store import open_store  # noqa: E402

#: the kinds of named query, as the issue's targets group them
LOOKUPS = ("tasks-by-unit", "units-by-task", "tasks-in-place")
LABEL = re.compile(r"(牵头单位|责任单位|配合单位|责任部门|牵头部门)[：:]\s*([^）)\n；;]+)")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# 1. corpora -------------------------------------------------------------------------


def corpus(work: Path, sizes: list[int], seed: int) -> dict[int, tuple[Path, Path]]:
    """(documents folder, gold folder) per size; smaller sizes link to the first N documents."""
    full = work / f"corpus-{max(sizes)}-seed{seed}"
    if not (full / ".complete").exists():
        shutil.rmtree(full, ignore_errors=True)
        log(f"generating {max(sizes)} synthetic documents into {full}")
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), str(max(sizes)), str(full),
                        "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
        (full / ".complete").write_text("")
    docs = sorted(p for p in full.iterdir() if p.is_file() and p.name.startswith("synthetic-"))
    out = {}
    for n in sizes:
        d, g = work / f"docs-{n}", work / f"gold-{n}"
        if not d.exists() or len(list(d.iterdir())) != n:
            shutil.rmtree(d, ignore_errors=True)
            shutil.rmtree(g, ignore_errors=True)
            d.mkdir()
            g.mkdir()
            for p in docs[:n]:
                (d / p.name).symlink_to(p)
                (g / (p.name + ".gold.json")).symlink_to(full / "gold" / (p.name + ".gold.json"))
        out[n] = (d, g)
    return out


def text_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


# 2. builds --------------------------------------------------------------------------


def run_build(docs: Path, out: Path, workers: int, extra: list[str] | None = None) -> dict[str, Any]:
    """``policykg build`` in a subprocess; wall time and peak RSS (the build process alone,
    and with its worker processes)."""
    import psutil

    cmd = [sys.executable, "-m", "policykg.cli", "build", str(docs), "-o", str(out), "-q", "--workers", str(workers)]
    cmd += extra or []
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_main = peak_tree = 0
    while proc.poll() is None:
        try:
            main = proc.memory_info().rss
            tree = main + sum(c.memory_info().rss for c in proc.children(recursive=True))
        except psutil.Error:
            main = tree = 0
        peak_main, peak_tree = max(peak_main, main), max(peak_tree, tree)
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    m = re.search(r"\((\d+) processed, (\d+) unchanged\)", stdout.decode())
    return {"seconds": wall, "rss_main_mb": peak_main / 2**20, "rss_tree_mb": peak_tree / 2**20,
            "processed": int(m.group(1)) if m else None, "unchanged": int(m.group(2)) if m else None}


# 3. the floor -----------------------------------------------------------------------


def regex_floor(docs: Path) -> float:
    """Seconds to read every file and find its labelled unit lists with one regex."""
    t0 = time.perf_counter()
    found = 0
    for p in sorted(docs.iterdir()):
        if p.suffix == ".docx":
            with zipfile.ZipFile(p) as z:
                text = z.read("word/document.xml").decode("utf-8", "replace")
        else:
            text = p.read_bytes().decode("utf-8", "replace")
        found += sum(1 for _ in LABEL.finditer(text))
    return time.perf_counter() - t0


# 4. F1 ------------------------------------------------------------------------------


def f1(graph: Path, gold: Path) -> tuple[float, int]:
    project = {ex.doc: tasks_from_extraction(ex) for ex in load_extractions(graph)}
    ev = evaluate(gold, project)
    c = ev.micro.role_aware
    return c.f1, c.tp + c.fn


# 6. queries -------------------------------------------------------------------------


def pick_params(run: Any) -> dict[str, dict[str, str]]:
    """Parameters for every named query, taken from the data: a typical case, not the
    largest (the jurisdiction of the first policy in the store, its busiest unit, the
    town that tasks mention most, a phrase of one of the unit's tasks …)."""
    j = str(run_store(run.store, JURISDICTION).rows[0]["j"])
    unit = run("unit-workload", {"jurisdiction": j}).rows[0]["unit_label"]
    place = pick_place(run.store)
    tasks = run("tasks-by-unit", {"unit": unit, "jurisdiction": j}).rows
    text = max((r["text"] for r in tasks), key=len)
    fragment = text[len(text) // 3 : len(text) // 3 + 6]
    themes = run("lead-unit-type-by-theme", {"jurisdiction": j}).rows
    theme = themes[0]["task_theme"] if themes else ""
    years = run("milestones", {"year": "2020", "jurisdiction": j}).rows
    year = "2020" if years else "2021"
    cases = {
        "tasks-by-unit": {"unit": unit, "jurisdiction": j},
        "units-by-task": {"fragment": fragment},
        "tasks-in-place": {"place": place},
        "co-assigned-units": {"unit": unit, "jurisdiction": j},
        "places": {"jurisdiction": j},
        "lead-unit-type-by-theme@j": {"jurisdiction": j},
        "lead-unit-type-by-theme": {},
        "milestones@j": {"year": year, "jurisdiction": j},
        "milestones": {"year": year},
        "pairings@j": {"jurisdiction": j},
        "pairings": {},
        "policies@j": {"jurisdiction": j},
        "policies": {},
        "tasks-by-theme@j": {"theme": theme, "jurisdiction": j},
        "tasks-by-theme": {"theme": theme},
        "unit-type-by-jurisdiction": {},
        "unit-workload@j": {"jurisdiction": j},
        "unit-workload": {},
        "units@j": {"jurisdiction": j},
        "units": {},
        "unresolved-mentions@j": {"jurisdiction": j},
        "unresolved-mentions": {},
        "implementing-policies@j": {"jurisdiction": j},
        "implementing-policies": {},
        "task-decomposition@j": {"jurisdiction": j},
        "task-decomposition": {},
        "corrections": {},
    }
    missing = {q.name for q in list_queries()} - {c.split("@")[0] for c in cases}
    assert not missing, f"named queries without a benchmark case: {missing}"
    return cases


JURISDICTION = """PREFIX pkg: <https://w3id.org/policykg/ontology#> PREFIX schema: <https://schema.org/>
SELECT ?j WHERE { ?p a pkg:Policy ; pkg:jurisdiction/schema:name ?j } ORDER BY ?p LIMIT 1"""


def pick_place(store: Any) -> str:
    """The town or village that tasks mention most."""
    q = """PREFIX pkg: <https://w3id.org/policykg/ontology#> PREFIX schema: <https://schema.org/>
    SELECT ?name (COUNT(*) AS ?n) WHERE { ?t pkg:mentionsPlace ?p . ?p schema:name ?name ; pkg:placeType ?type
    FILTER(?type IN ("town", "street", "village")) } GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 1"""
    rows = run_store(store, q).rows
    return str(rows[0]["name"]) if rows else "太平镇"


def kind(case: str, params: dict[str, str]) -> str:
    name = case.split("@")[0]
    if name in LOOKUPS:
        return "look-up"
    return "jurisdiction" if "jurisdiction" in params else "whole corpus"


def time_queries(run: Any, cases: dict[str, dict[str, str]], *, runs: int, budget: float, cap: float) -> dict[str, dict[str, Any]]:
    """Median and p95 latency per case: a first run (a warm-up, when it takes under a
    second; else the first sample), then more runs while ``budget`` seconds last, up to
    ``runs``. A run past ``cap`` seconds is stopped and the case reported as over it."""
    out = {}
    for case, params in cases.items():
        name = case.split("@")[0]
        start = time.perf_counter()
        try:
            rows, first = run(name, params, cap)
            times: list[float] = [] if first < 1.0 else [first]
            while len(times) < runs and (not times or time.perf_counter() < start + budget):
                times.append(run(name, params, cap)[1])
        except TimeoutError:
            out[case] = {"kind": kind(case, params), "rows": None, "n": 0, "median_ms": None, "p95_ms": None, "over_s": cap}
            log(f"  {case:28} over {cap:.0f} s, stopped")
            continue
        times.sort()
        out[case] = {"kind": kind(case, params), "rows": rows, "n": len(times),
                     "median_ms": statistics.median(times) * 1000,
                     "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000}
        log(f"  {case:28} {out[case]['median_ms']:9.1f} ms median  ({rows} rows, {len(times)} runs)")
    return out


def runner_store(graph: Path) -> Any:
    """In this process, for picking parameters."""
    store = open_store(graph, read_only=True)

    def run(name: str, params: dict[str, str]) -> Any:
        q = get_query(name)
        return run_store(store, q.text, bind_params(q, params))

    run.store = store  # type: ignore[attr-defined]
    return run


_ENGINE: Any = None


def _open_engine(kind: str, graph: str) -> None:
    global _ENGINE
    _ENGINE = (kind, open_store(graph, read_only=True) if kind == "embedded" else load_dataset(graph))


def _timed(name: str, params: dict[str, str]) -> tuple[int, float]:
    kind, engine = _ENGINE
    q = get_query(name)
    bindings = bind_params(q, params)
    t0 = time.perf_counter()
    res = run_store(engine, q.text, bindings) if kind == "embedded" else run_rdflib(engine, q.text, bindings)
    return len(res.rows), time.perf_counter() - t0


class Capped:
    """Runs queries on the embedded store or rdflib in a child process, timed there, so a
    run past the cap can be stopped (an engine cannot be interrupted in-process)."""

    def __init__(self, kind: str, graph: Path) -> None:
        self.kind, self.graph = kind, str(graph)
        self.t_open = self._start()

    def _start(self) -> float:
        import multiprocessing as mp

        t0 = time.perf_counter()
        self.pool = mp.get_context("fork").Pool(1, initializer=_open_engine, initargs=(self.kind, self.graph))
        self.pool.apply(time.sleep, (0,))  # wait for the engine to load
        return time.perf_counter() - t0

    def __call__(self, name: str, params: dict[str, str], cap: float) -> tuple[int, float]:
        try:
            return self.pool.apply_async(_timed, (name, params)).get(timeout=cap)  # type: ignore[no-any-return]
        except Exception as exc:
            if not isinstance(exc, TimeoutError) and exc.__class__.__name__ != "TimeoutError":
                raise
            self.pool.terminate()
            self._start()
            raise TimeoutError from None

    def close(self) -> None:
        self.pool.terminate()


def runner_remote(endpoint: str) -> Any:
    from policykg import remote

    def run(name: str, params: dict[str, str], cap: float) -> tuple[int, float]:
        remote.TIMEOUT = cap
        q = get_query(name)
        bindings = bind_params(q, params)
        t0 = time.perf_counter()
        try:
            rows = len(remote.run_remote(endpoint, q.text, bindings).rows)
        except remote.RemoteError as exc:
            if "timed out" in str(exc).lower() or "exceeds the limit" in str(exc):
                raise TimeoutError from None  # stopped by us, or refused by the server's cost limit
            raise
        return rows, time.perf_counter() - t0

    return run


# the run ----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykg-bench"), help="Folder for corpora and graphs.")
    ap.add_argument("--rdflib-at", type=int, default=None, help="Compare with rdflib at this size (one of --sizes).")
    ap.add_argument("--virtuoso", action="store_true", help="Push a graph into a private Virtuoso and query it.")
    ap.add_argument("--virtuoso-at", type=int, default=None, help="The size pushed to Virtuoso (default: the largest).")
    ap.add_argument("--engines", nargs="+", choices=["embedded", "rdflib", "virtuoso"], default=["embedded", "rdflib", "virtuoso"],
                    help="With --phases queries: run only these engines (the others' results are kept).")
    ap.add_argument("--runs", type=int, default=20, help="Timed runs per query at most.")
    ap.add_argument("--budget", type=float, default=10.0, help="Seconds per query at most (one run at least).")
    ap.add_argument("--cap", type=float, default=60.0, help="Stop a query run past this many seconds.")
    ap.add_argument("--phases", nargs="+", choices=["builds", "incremental", "queries"],
                    default=["builds", "incremental", "queries"],
                    help="Run only these (the others' results are kept from --out's JSON file, graphs from --work).")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "scale-results.md")
    args = ap.parse_args()
    sizes = sorted(set(args.sizes))
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"builds": [], "floor": {}, "f1": {}, "queries": {}}
    if set(args.phases) != {"builds", "incremental", "queries"} and args.out.with_suffix(".json").exists():
        res = json.loads(args.out.with_suffix(".json").read_text(encoding="utf-8"))
    res.setdefault("commands", [])
    res["commands"].append("python benchmarks/scale.py " + " ".join(sys.argv[1:]))
    res["date"] = date.today().isoformat()
    res["machine"] = f"{os.cpu_count()} cores, {_ram_gb():.0f} GiB RAM, {platform.machine()}, Python {platform.python_version()}"
    docs = corpus(work, sizes, args.seed)
    if "builds" in args.phases:
        builds(res, docs, sizes, args.workers, work)
        write(res, args.out)
    if "incremental" in args.phases:
        incremental(res, docs, sizes, args.workers, work)
        write(res, args.out)
    if "queries" in args.phases:
        queries(res, sizes, args.workers, work, args)
        write(res, args.out)
    log(f"wrote {args.out} and {args.out.with_suffix('.json')}")


def builds(res: dict[str, Any], docs: dict[int, tuple[Path, Path]], sizes: list[int], workers: list[int], work: Path) -> None:
    res["builds"], res["floor"], res["f1"] = [], {}, {}
    for n in sizes:
        d, g = docs[n]
        mb = text_mb(d)
        floor = regex_floor(d)
        res["floor"][n] = floor
        log(f"{n} documents, {mb:.1f} MB: read-and-regex floor {floor:.2f} s")
        for w in sorted(workers):
            out = work / f"graph-{n}-w{w}"
            shutil.rmtree(out, ignore_errors=True)
            b = run_build(d, out, w)
            b.update(documents=n, workers=w, mb=mb, docs_per_s=n / b["seconds"], mb_per_s=mb / b["seconds"],
                     ms_per_doc=1000 * b["seconds"] / n, floor_ratio=b["seconds"] / floor)
            res["builds"].append(b)
            log(f"  build, {w} worker(s): {b['seconds']:.1f} s, {b['docs_per_s']:.1f} documents/s, "
                f"peak RSS {b['rss_main_mb']:.0f} MB (with workers {b['rss_tree_mb']:.0f} MB)")
        best = work / f"graph-{n}-w{max(workers)}"
        res["f1"][n], gold_n = f1(best, g)
        log(f"  extraction F1 {res['f1'][n]:.4f} over {gold_n} gold assignments")


def incremental(res: dict[str, Any], docs: dict[int, tuple[Path, Path]], sizes: list[int], workers: list[int], work: Path) -> None:
    """Rebuild the largest graph after changing one document."""
    n, w = max(sizes), max(workers)
    d, _ = docs[n]
    graph = work / f"graph-{n}-w{w}"
    first = sorted(d.iterdir())[0]
    target = first.resolve()
    first.unlink()
    shutil.copyfile(target, first)
    with open(first, "a", encoding="utf-8") as fh:  # a new version each run
        fh.write(f"\n（本文件修订于 {time.strftime('%Y-%m-%d %H:%M:%S')}）\n")
    try:
        b = run_build(d, graph, w)
    finally:
        first.unlink()
        first.symlink_to(target)
    res["incremental"] = {"documents": n, "workers": w, **b}
    log(f"incremental rebuild after changing 1 of {n}: {b['seconds']:.1f} s ({b['processed']} processed)")


def queries(res: dict[str, Any], sizes: list[int], workers: list[int], work: Path, args: argparse.Namespace) -> None:
    """Every named query on the largest graph (embedded store), at --rdflib-at (embedded, rdflib)
    and at --virtuoso-at (Virtuoso, after ``policykg push``); results saved after each engine."""
    n, w = max(sizes), max(workers)
    graph = work / f"graph-{n}-w{w}"
    res.setdefault("queries", {})
    if not all(str(k).isdigit() for k in res.get("params", {})):
        res["params"] = {}  # an older file: cases were not kept per size
    res.setdefault("params", {})
    if "embedded" in args.engines:
        cases = res["params"][str(n)] = pick_params(runner_store(graph))
        log(f"named queries at {n} documents, embedded store")
        emb = Capped("embedded", graph)
        res["queries"][f"embedded@{n}"] = time_queries(emb, cases, runs=args.runs, budget=args.budget, cap=args.cap)
        emb.close()
        write(res, args.out)
    if args.rdflib_at in sizes:
        m = args.rdflib_at
        g_m = work / f"graph-{m}-w{w}"
        small = res["params"][str(m)] = pick_params(runner_store(g_m))
        if "embedded" in args.engines:
            log(f"named queries at {m} documents, embedded store")
            emb = Capped("embedded", g_m)
            res["queries"][f"embedded@{m}"] = time_queries(emb, small, runs=args.runs, budget=args.budget, cap=args.cap)
            emb.close()
        if "rdflib" in args.engines:
            rd = Capped("rdflib", g_m)
            res["rdflib_load_s"] = rd.t_open
            log(f"named queries at {m} documents, rdflib (it parsed {g_m / 'dataset.nq'} in {rd.t_open:.1f} s)")
            res["queries"][f"rdflib@{m}"] = time_queries(rd, small, runs=3, budget=args.budget, cap=args.cap)
            rd.close()
        write(res, args.out)
    if args.virtuoso and "virtuoso" in args.engines:
        sys.path.insert(0, str(ROOT / "tests"))
        from virtuoso import PASSWORD, USER, start_virtuoso

        from policykg.remote import push

        v_n = args.virtuoso_at or n
        g_v = work / f"graph-{v_n}-w{w}"
        cases = res["params"][str(v_n)] = pick_params(runner_store(g_v))
        vdir = work / "virtuoso"
        shutil.rmtree(vdir, ignore_errors=True)
        with start_virtuoso(vdir, memory_mb=4000) as v:
            t0 = time.perf_counter()
            rep = push(g_v, v.gsp, sparql=v.sparql, user=USER, password=PASSWORD)
            res["push"] = {"documents": v_n, "seconds": time.perf_counter() - t0, "graphs": len(rep.sent), "triples": rep.triples}
            log(f"pushed {len(rep.sent)} graphs ({rep.triples} triples) to Virtuoso in {res['push']['seconds']:.1f} s")
            log(f"named queries at {v_n} documents, Virtuoso")
            res["queries"][f"virtuoso@{v_n}"] = time_queries(runner_remote(v.sparql), cases, runs=args.runs, budget=args.budget, cap=args.cap)
        write(res, args.out)


def _ram_gb() -> float:
    import psutil

    return float(psutil.virtual_memory().total / 2**30)


# the report -------------------------------------------------------------------------


def write(res: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    L = [f"# Scale benchmark, {res['date']}", "", f"Machine: {res['machine']}.", "", "Commands: " + "; ".join(f"`{c}`" for c in res["commands"]), ""]
    L += ["## Build", "", "| documents | MB | workers | wall s | documents/s | MB/s | ms/document | peak RSS, build process | peak RSS, with workers | × read-and-regex floor |",
          "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for b in res["builds"]:
        L.append(f"| {b['documents']} | {b['mb']:.1f} | {b['workers']} | {b['seconds']:.1f} | {b['docs_per_s']:.1f} | "
                 f"{b['mb_per_s']:.2f} | {b['ms_per_doc']:.1f} | {b['rss_main_mb']:.0f} MB | {b['rss_tree_mb']:.0f} MB | {b['floor_ratio']:.0f}× |")
    L += ["", "Read-and-regex floor (one process, read every file, one label regex): "
          + ", ".join(f"{n} documents {s:.2f} s" for n, s in res["floor"].items()) + ".", ""]
    L += ["Extraction F1 (role-aware, micro) against the generator's gold: "
          + ", ".join(f"{n} documents {v:.4f}" for n, v in res["f1"].items()) + ".", ""]
    inc = res.get("incremental")
    L += [] if not inc else [f"Incremental rebuild after changing one document of {inc['documents']} ({inc['workers']} workers): "
          f"{inc['seconds']:.1f} s, {inc['processed']} processed, {inc['unchanged']} unchanged, peak RSS {inc['rss_main_mb']:.0f} MB.", ""]
    if "push" in res:
        p = res["push"]
        L += [f"`policykg push` of {p.get('documents', '')} documents into Virtuoso: {p['graphs']} graphs, {p['triples']} triples in {p['seconds']:.1f} s.", ""]
    if "rdflib_load_s" in res:
        L += [f"rdflib parsed dataset.nq in {res['rdflib_load_s']:.1f} s.", ""]
    engines = list(res["queries"])
    if not engines:
        out.write_text("\n".join(L) + "\n", encoding="utf-8")
        return
    L += ["## Named queries (median / p95 ms)", "", "| query | kind | " + " | ".join(engines) + " |",
          "| --- | --- | " + " | ".join("---:" for _ in engines) + " |"]
    cases = list(next(iter(res["queries"].values())))
    for c in cases:
        cells = []
        for e in engines:
            r = res["queries"][e].get(c)
            if not r:
                cells.append("–")
            elif r["median_ms"] is None:
                cells.append(f"over {r['over_s']:.0f} s (stopped)")
            else:
                cells.append(f"{r['median_ms']:.1f} / {r['p95_ms']:.1f} ({r['rows']} rows)")
        some = next((r[c] for r in res["queries"].values() if c in r), {})
        L.append(f"| {c} | {some.get('kind', '')} | " + " | ".join(cells) + " |")
    emb = [e for e in engines if e.startswith("embedded@") and "rdflib@" + e.split("@")[1] in engines]
    if emb:
        m = emb[0].split("@")[1]
        L += ["", f"rdflib ÷ embedded store at {m} documents (how many times faster the embedded store is):", "",
              "| query | kind | ratio |", "| --- | --- | ---: |"]
        for c in res["queries"][emb[0]]:
            a, b = res["queries"][emb[0]][c], res["queries"].get(f"rdflib@{m}", {}).get(c)
            if not b:
                continue
            if b["median_ms"] is None:
                ratio = f"over {b['over_s'] * 1000 / a['median_ms']:.0f}×" if a["median_ms"] else "–"
            else:
                ratio = f"{b['median_ms'] / a['median_ms']:.1f}×" if a["median_ms"] else "–"
            L.append(f"| {c} | {a['kind']} | {ratio} |")
    L += ["", "A case `name@j` is the named query scoped to one jurisdiction; `name` alone runs over the whole corpus.", ""]
    out.write_text("\n".join(L) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
