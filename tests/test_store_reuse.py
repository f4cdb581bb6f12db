"""The embedded store at corpus scale (issue 18, point 3): a read-only store opened once
per process and generation, a copy held in memory on request, and look-ups that do not
list a whole vocabulary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import policykg.store as store_module
from policykg.cli import main
from policykg.query import query, run_named
from policykg.store import open_store

SAMPLES = ("shenzhen-2022-town-assistance-plan.txt", "luhe-2021-old-areas-work-plan.txt")
COUNT_DOCS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:SourceDocument }"


@pytest.fixture()
def small_graph(tmp_path: Path, samples_dir: Path) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / SAMPLES[0], docs / SAMPLES[0])
    out = tmp_path / "graph"
    assert CliRunner().invoke(main, ["build", str(docs), "-o", str(out), "-q"]).exit_code == 0
    return docs, out


def _documents(graph_dir: Path, **kwargs: bool) -> int:
    from policykg.query import sparql

    df = sparql(graph_dir, COUNT_DOCS, **kwargs)
    assert not isinstance(df, bool)
    return int(df["n"][0])


def test_a_store_is_opened_once_and_again_after_a_rebuild(small_graph: tuple[Path, Path], samples_dir: Path) -> None:
    docs, graph_dir = small_graph
    first = open_store(graph_dir, read_only=True)
    assert open_store(graph_dir, read_only=True) is first
    assert _documents(graph_dir) == 1
    shutil.copy(samples_dir / SAMPLES[1], docs / SAMPLES[1])
    assert CliRunner().invoke(main, ["build", str(docs), "-o", str(graph_dir), "-q"]).exit_code == 0
    assert open_store(graph_dir, read_only=True) is not first
    assert _documents(graph_dir) == 2
    assert _documents(graph_dir, memory=True) == 2


@pytest.mark.parametrize("name, params", [
    ("unit-workload", {}),
    ("tasks-by-unit", {"unit": "县财政局", "jurisdiction": "遂溪县", "role": "lead"}),
    ("co-assigned-units", {"unit": "县财政局", "jurisdiction": "遂溪县"}),
    ("places", {"jurisdiction": "遂溪县"}),
])
def test_the_in_memory_copy_gives_the_same_rows(built_graph: Path, name: str, params: dict[str, str]) -> None:
    on_disk = run_named(built_graph, name, **params)
    in_memory = run_named(built_graph, name, memory=True, **params)
    assert on_disk.rows, "a case with no rows tests nothing"
    assert in_memory.rows == on_disk.rows
    assert open_store(built_graph, read_only=True, memory=True) is not open_store(built_graph, read_only=True)


def test_a_store_too_large_for_memory_is_queried_on_disk(small_graph: tuple[Path, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _, graph_dir = small_graph
    monkeypatch.setattr(store_module, "available_memory", lambda: 1 << 20)
    with pytest.warns(UserWarning, match="querying it on disk"):
        store = open_store(graph_dir, read_only=True, memory=True)
    assert store is open_store(graph_dir, read_only=True)


def test_query_memory_on_the_command_line(built_graph: Path) -> None:
    args = ["query", "unit-workload", str(built_graph), "-p", "jurisdiction=遂溪县", "--format", "csv"]
    disk = CliRunner().invoke(main, args)
    memory = CliRunner().invoke(main, [*args, "--memory"])
    assert disk.exit_code == 0 and memory.exit_code == 0, memory.output
    assert memory.output == disk.output and disk.output.count("\n") > 5


def test_a_wrong_value_still_gets_close_matches(built_graph: Path) -> None:
    from policykg.errors import QueryError

    with pytest.raises(QueryError, match="did you mean 县财政局"):
        query(built_graph, "tasks-by-unit", unit="县财政", jurisdiction="遂溪县", memory=True)
