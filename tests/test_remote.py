"""``policykg push`` and ``--endpoint`` against a real Virtuoso open-source server
(Debian's ``virtuoso-opensource``, installed by ``.ci/run``; each run starts its
own server with a private config bound to 127.0.0.1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.build import build_corpus
from policykg.cli import main
from policykg.errors import RemoteError
from policykg.query import bind_params, get_query, run_store
from policykg.remote import push, remote_graphs, run_remote
from policykg.store import open_store

from .test_queries import EXPECTED, _key, _strip
from .virtuoso import PASSWORD, USER, available, start_virtuoso

pytestmark = pytest.mark.skipif(
    not available(), reason="Virtuoso not installed (apt-get install virtuoso-opensource); CI installs it and runs these tests"
)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with start_virtuoso(tmp_path_factory.mktemp("virtuoso")) as v:
        yield v


@pytest.fixture(scope="module")
def pushed(fixture_graph: Path, virtuoso):  # type: ignore[no-untyped-def]
    report = push(fixture_graph, virtuoso.gsp, sparql=virtuoso.sparql, user=USER, password=PASSWORD)
    return fixture_graph, report


def test_push_sends_one_graph_per_document(pushed, virtuoso) -> None:  # type: ignore[no-untyped-def]
    out, report = pushed
    local = {g.value for g in open_store(out, read_only=True).named_graphs()}
    assert set(report.sent) == local  # the documents, the shared graph, the ontology
    assert report.triples == len(open_store(out, read_only=True))
    docs = {g for g in local if "/graph/" in g}
    assert remote_graphs(virtuoso.sparql) == docs


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_named_query_on_virtuoso(name: str, pushed, virtuoso) -> None:  # type: ignore[no-untyped-def]
    out, _ = pushed
    q = get_query(name)
    spec = EXPECTED[name]
    bindings = bind_params(q, spec["params"])
    remote = _strip(run_remote(virtuoso.sparql, q.text, bindings).rows)
    assert _key(remote) == _key(_strip(spec["rows"]))
    assert _key(remote) == _key(_strip(run_store(open_store(out, read_only=True), q.text, bindings).rows))


def test_hostile_parameter_stays_one_literal_on_the_server(pushed, virtuoso) -> None:  # type: ignore[no-untyped-def]
    q = get_query("tasks-by-unit")
    hostile = '" } ; DROP ALL ; #'
    assert run_remote(virtuoso.sparql, q.text, bind_params(q, {"unit": hostile, "jurisdiction": hostile})).rows == []
    assert run_remote(virtuoso.sparql, "ASK { GRAPH ?g { ?s ?p ?o } }").boolean is True


def test_second_push_sends_only_what_changed(tmp_path: Path, virtuoso, samples_dir: Path) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    shutil.copytree(samples_dir, docs)
    out = tmp_path / "graph"
    build_corpus([docs], out)
    first = push(out, virtuoso.gsp, sparql=virtuoso.sparql, user=USER, password=PASSWORD)
    again = push(out, virtuoso.gsp, sparql=virtuoso.sparql, user=USER, password=PASSWORD)
    # shared, chain (the samples cite documents not in the corpus) and ontology
    assert len(again.sent) == 3 and again.unchanged == len(first.sent) - 3 and not again.deleted
    gone = sorted(docs.glob("*.txt"))[0]
    gone.unlink()
    build_corpus([docs], out)
    third = push(out, virtuoso.gsp, sparql=virtuoso.sparql, user=USER, password=PASSWORD)
    assert len(third.deleted) == 1 and len(third.sent) == 3
    there = remote_graphs(virtuoso.sparql)
    assert third.deleted[0] not in there


def test_cli_push_and_query_with_endpoint(tmp_path: Path, virtuoso, pushed) -> None:  # type: ignore[no-untyped-def]
    out, _ = pushed
    runner = CliRunner()
    res = runner.invoke(main, ["push", str(out), "--endpoint", virtuoso.gsp, "--sparql", virtuoso.sparql,
                               "--user", USER, "-q"], env={"POLICYKG_PASSWORD": PASSWORD})
    assert res.exit_code == 0, res.output
    assert "already there" in res.output
    name = "tasks-by-unit"
    args = ["query", name, str(out), "--format", "csv"] + [f"--param={k}={v}" for k, v in EXPECTED[name]["params"].items()]
    local = runner.invoke(main, args)
    remote = runner.invoke(main, args + ["--endpoint", virtuoso.sparql])
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())
    assert len(local.output.splitlines()) > 1


def test_wrong_password_is_a_clear_error(pushed, virtuoso) -> None:  # type: ignore[no-untyped-def]
    out, _ = pushed
    with pytest.raises(RemoteError, match="401"):
        push(out, virtuoso.gsp, user=USER, password="wrong")


def test_large_graphs_go_in_pieces(pushed, virtuoso) -> None:  # type: ignore[no-untyped-def]
    """A graph larger than chunk_bytes is PUT in its first piece and POSTed in the others;
    the server ends with exactly the local triples."""
    out, _ = pushed
    report = push(out, virtuoso.gsp, user=USER, password=PASSWORD, chunk_bytes=2000)
    store = open_store(out, read_only=True)
    docs = [g for g in store.named_graphs() if "/graph/" in g.value]
    assert docs and set(report.sent) >= {g.value for g in docs}
    for g in docs:
        local = sum(1 for _ in store.quads_for_pattern(None, None, None, g))
        assert local * 100 > 2000  # more than one piece
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"
        assert run_remote(virtuoso.sparql, text).rows[0]["n"] == local
