"""The shape of the package: imports flow one way, the pipeline is one route, read-only
commands do not load the extractor, the code stays checked (ruff with a complexity
limit, mypy with every function typed) and library calls leave global state alone."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "policykg"


def _modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of the tree but those under ``if TYPE_CHECKING:`` (never run)."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def import_graph() -> nx.DiGraph:
    """Module → module it imports, for every import in the package that runs (at the top of
    a module or inside a function: a lazy import is still a dependency)."""
    modules = _modules()

    def module_of(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    G = nx.DiGraph()
    G.add_nodes_from(modules)
    for name, path in modules.items():
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("policykg"):
                targets = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("policykg")]
            else:
                continue
            for t in filter(None, map(module_of, targets)):
                if t != name:
                    G.add_edge(name, t)
    return G


def test_the_package_has_no_import_cycle() -> None:
    G = import_graph()
    assert G.number_of_edges() > 100  # the walk found the package's imports
    cycles = list(nx.simple_cycles(G))
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c + [c[0]]) for c in cycles[:5])


def test_the_walk_finds_a_cycle_when_there_is_one() -> None:
    G = import_graph()
    G.add_edge("policykg.records", "policykg.cli")  # as if records imported the CLI
    assert list(nx.simple_cycles(G))


def test_no_stage_calls_a_later_stage() -> None:
    """ingest → structure → extract → resolve → rdf: only pipeline/__init__ runs them in order."""
    order = ["ingest", "structure", "extract", "resolve", "rdf"]
    G = import_graph()
    stage = {m: next((s for s in order if m == f"policykg.pipeline.{s}" or m.startswith(f"policykg.pipeline.{s}.")), None)
             for m in G}
    backwards = [(a, b) for a, b in G.edges if stage[a] and stage[b] and order.index(stage[b]) > order.index(stage[a])]
    assert not backwards, backwards


def test_only_resolve_calls_canonical_name() -> None:
    callers = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
               if "canonical_name(" in p.read_text(encoding="utf-8") and "pipeline/resolve" not in p.as_posix()]
    assert not callers, callers


def test_pipeline_version_covers_the_pipeline_only() -> None:
    from policykg.pipeline import fingerprinted_files

    names = {p.relative_to(ROOT).as_posix() for p in fingerprinted_files()}
    assert "policykg/pipeline/extract/clauses.py" in names and "policykg/pipeline/rdf.py" in names
    assert "policykg/text/lexicon.py" in names and "ontology/unit-types.ttl" in names
    assert not {"policykg/viz.py", "policykg/serve/server.py", "policykg/build.py", "policykg/cli/build.py"} & names


def test_query_and_serve_start_without_spacy(built_graph: Path) -> None:
    """Read-only commands never load the extractor (spaCy takes seconds to import)."""
    code = f"""
import sys
from click.testing import CliRunner
from policykg.cli import main
res = CliRunner().invoke(main, ["query", "units", {str(built_graph)!r}, "-p", "jurisdiction=遂溪县", "--format", "csv"])
assert res.exit_code == 0 and "县财政局" in res.output, res.output
import urllib.request
from policykg.serve import serve_in_thread, stop
server, _ = serve_in_thread({str(built_graph)!r}, workers=1)
try:
    url = f"http://127.0.0.1:{{server.server_address[1]}}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
    assert b"true" in urllib.request.urlopen(url, timeout=60).read()
finally:
    stop(server)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc"))
assert not loaded, loaded[:5]
assert "policykg.pipeline.extract" not in sys.modules
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]


def test_python_m_policykg_cli_runs_a_command() -> None:
    res = subprocess.run([sys.executable, "-m", "policykg.cli", "serve", "--help"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "SPARQL" in res.stdout, res.stderr


def _function_lengths() -> list[tuple[str, int]]:
    """(file:function, lines of code without the docstring) of every function."""
    out = []
    for p in PACKAGE.rglob("*.py"):
        lines = p.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and len(body) > 1:
                    body = body[1:]  # the docstring
                start = body[0].lineno
                reason = any("# long:" in line for line in lines[node.lineno - 2 : node.lineno])
                if not reason:
                    out.append((f"{p.relative_to(ROOT)}:{node.name}", (node.end_lineno or start) - start + 1))
    return out


def test_functions_are_short() -> None:
    """No function body over 60 lines without a ``# long:`` comment above it saying why."""
    long = sorted((n, f) for f, n in _function_lengths() if n > 60)
    assert not long, long


@pytest.mark.parametrize("tool", [
    ["ruff", "check", "."],
    ["mypy", "policykg"],
])
def test_lint_and_types(tool: list[str]) -> None:
    """ruff (ruff.toml: real mistakes, import order, complexity at most 15) and mypy
    (setup.cfg: every function typed) pass on the code."""
    res = subprocess.run([sys.executable, "-m", *tool], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


def test_atomic_writes_leave_the_umask_alone_and_follow_it(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        import importlib

        import policykg.atomic as atomic

        importlib.reload(atomic)
        assert os.umask(0o027) == 0o027  # importing it did not change the umask
        made = atomic.write_text(tmp_path / "a.txt", "x")
        assert made.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_figures_leave_matplotlib_as_they_found_it(tmp_path: Path) -> None:
    import matplotlib
    import pandas as pd

    from policykg.viz import workload_figure

    backend, fonts = matplotlib.get_backend(), list(matplotlib.rcParams["font.sans-serif"])
    df = pd.DataFrame({"unit": ["县财政局", "县交通运输局"], "lead": [2, 1], "support": [1, 0], "responsible": [0, 3]})
    out = workload_figure(df, tmp_path / "w.png", title="工作量")
    assert out.read_bytes().startswith(b"\x89PNG")
    assert matplotlib.get_backend() == backend
    assert list(matplotlib.rcParams["font.sans-serif"]) == fonts


def test_export_ids_are_the_keys_of_the_graph_iris(built_graph: Path) -> None:
    """One id scheme: a task's and a unit's id in ``export assignments`` is the key of its IRI."""
    from policykg.export import assignment_rows
    from policykg.graphdir import load_extractions
    from policykg.records import ID_BASE
    from policykg.store import open_store

    store = open_store(built_graph, read_only=True)
    tasks = {q.subject.value for q in store.quads_for_pattern(None, None, None) if q.subject.value.startswith(ID_BASE + "task/")}
    units = {q.subject.value for q in store.quads_for_pattern(None, None, None) if q.subject.value.startswith(ID_BASE + "unit/")}
    rows = list(assignment_rows(load_extractions(built_graph)))
    assert {ID_BASE + "task/" + r["task"] for r in rows} == tasks
    assert {ID_BASE + "unit/" + r["unit"] for r in rows if r["unit"]} <= units
    assert len({r["unit"] for r in rows if r["unit"]}) > 100
