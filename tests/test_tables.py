"""Analysis tables (issue 18, point 2): Parquet tables a build writes, DataFrames read from
them, SQL over them, and the SQL twins of named queries giving the SPARQL rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from policykg.build import build_corpus
from policykg.cli import main
from policykg.errors import QueryError
from policykg.export import TABLES
from policykg.frames import table
from policykg.graphdir import load_extractions
from policykg.paths import QUERIES_DIR
from policykg.query import run_named
from policykg.query.sql import run_sql, run_twin

#: each twin with parameter sets covering its options
TWIN_CASES = [
    ("unit-workload", {}),
    ("unit-workload", {"jurisdiction": "遂溪县"}),
    ("unit-workload", {"jurisdiction": "遂溪县", "copies": "both"}),
    ("unit-type-by-jurisdiction", {}),
    ("unit-type-by-jurisdiction", {"role": "牵头", "lang": "en"}),
    ("unit-type-by-jurisdiction", {"copies": "both", "role": "support"}),
    ("lead-unit-type-by-theme", {}),
    ("lead-unit-type-by-theme", {"theme": "红色资源", "role": "lead"}),
    ("lead-unit-type-by-theme", {"jurisdiction": "陆河县", "lang": "en", "copies": "both"}),
    ("units-by-task", {"fragment": "红色"}),
    ("units-by-task", {"fragment": "财政"}),
]
FIXTURE_CASES = [
    ("unit-workload", {}),
    ("unit-type-by-jurisdiction", {"lang": "en"}),
    ("lead-unit-type-by-theme", {}),
    ("units-by-task", {"fragment": "村"}),
    ("task-decomposition", {}),  # beta's plan implements alpha's: one task link
    ("task-decomposition", {"lang": "en"}),
]
#: the policy chain's fixtures: a provincial plan, the county plans implementing it (and a dev pair)
CHAIN_CASES = [
    ("task-decomposition", {}),
    ("task-decomposition", {"jurisdiction": "石门县"}),
    ("task-decomposition", {"fragment": "黑臭水体", "lang": "en"}),
]


def _cell(v: object) -> str:
    if pd.isna(v):  # type: ignore[call-overload]
        return ""
    if isinstance(v, float) and v.is_integer():  # an integer column with gaps, as pandas holds it without Arrow
        return str(int(v))
    return str(v)


def _as_text(df: pd.DataFrame) -> list[list[str]]:
    return [[_cell(v) for v in row] for row in df.itertuples(index=False)]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_tables_hold_the_export_rows(built_graph: Path, name: str) -> None:
    rows_of, columns = TABLES[name]
    expected = pd.DataFrame(list(rows_of(load_extractions(built_graph))), columns=list(columns))
    got = table(name, built_graph)
    assert list(got.columns) == list(columns)
    assert len(got) == len(expected) > 0
    assert _as_text(got) == _as_text(expected)


def test_every_twin_has_its_named_query() -> None:
    twins = sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))
    assert twins == sorted({n for n, _ in TWIN_CASES + FIXTURE_CASES})
    assert all((QUERIES_DIR / f"{n}.rq").is_file() for n in twins)


@pytest.mark.parametrize("name, params", TWIN_CASES, ids=[f"{n}-{'-'.join(p.values()) or 'all'}" for n, p in TWIN_CASES])
def test_twin_gives_the_sparql_rows_on_the_samples(built_graph: Path, name: str, params: dict[str, str]) -> None:
    sparql = run_named(built_graph, name, **params)
    sql = run_twin(built_graph, name, **params)
    assert sparql.rows, "a case with no rows tests nothing"
    assert sql.columns == sparql.columns
    assert sql.rows == sparql.rows


#: (graph fixture, query, parameters): the query fixtures' graph and the policy chain's
GRAPH_CASES = [("fixture_graph", n, p) for n, p in FIXTURE_CASES] + [("chain_graph", n, p) for n, p in CHAIN_CASES]


@pytest.mark.parametrize("graph, name, params", GRAPH_CASES,
                         ids=[f"{g}-{n}-{'-'.join(p.values()) or 'all'}" for g, n, p in GRAPH_CASES])
def test_twin_gives_the_sparql_rows_on_the_fixtures(request: pytest.FixtureRequest, graph: str, name: str,
                                                    params: dict[str, str]) -> None:
    graph_dir = request.getfixturevalue(graph)
    sparql = run_named(graph_dir, name, **params)
    assert sparql.rows
    assert run_twin(graph_dir, name, **params).rows == sparql.rows


def test_twin_checks_its_values(built_graph: Path) -> None:
    with pytest.raises(QueryError, match="遂溪县"):
        run_twin(built_graph, "unit-workload", jurisdiction="遂溪")
    with pytest.raises(QueryError, match="no SQL twin"):
        run_twin(built_graph, "units")


def test_sql_over_the_tables(built_graph: Path) -> None:
    res = run_sql(built_graph, "SELECT count(*) AS n FROM assignments WHERE role = $role", {"role": "lead"})
    assert res.rows[0]["n"] == sum(1 for ex in load_extractions(built_graph) for t in ex.tasks
                                   for m in t.mentions if m.role == "lead")
    units = run_sql(built_graph, "SELECT * FROM units WHERE label = '县财政局' AND jurisdiction = '遂溪县'").rows
    assert len(units) == 1 and units[0]["lead_tasks"] > 0
    labels = run_sql(built_graph, "SELECT label FROM concepts WHERE scheme = 'theme' AND concept = 'RedHeritage' ORDER BY lang").rows
    assert [r["label"] for r in labels] == ["red and revolutionary heritage", "红色资源"]
    with pytest.raises(QueryError, match="SQL error"):
        run_sql(built_graph, "SELECT * FROM nothing_here")


def test_sql_and_engine_on_the_command_line(built_graph: Path) -> None:
    out = CliRunner().invoke(main, ["sql", "SELECT jurisdiction, count(*) AS n FROM tasks GROUP BY 1 ORDER BY 1",
                                    str(built_graph), "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[0] == "jurisdiction,n" and "遂溪县,86" in out.output
    sparql = CliRunner().invoke(main, ["query", "unit-workload", str(built_graph), "-p", "jurisdiction=陆河县", "--format", "csv"])
    sql = CliRunner().invoke(main, ["query", "unit-workload", str(built_graph), "-p", "jurisdiction=陆河县", "--format", "csv",
                                    "--engine", "sql"])
    assert sql.exit_code == 0 and sql.output == sparql.output
    bad = CliRunner().invoke(main, ["sql", "SELEC 1", str(built_graph)])
    assert bad.exit_code != 0 and "SQL error" in bad.output


def _copy_samples(samples_dir: Path, to: Path) -> Path:
    shutil.copytree(samples_dir, to)
    return to


def _tables(graph: Path) -> dict[str, list[list[str]]]:
    """Each table's rows (a rebuild puts the changed documents' rows last: compared as sets)."""
    return {n: sorted(_as_text(table(n, graph))) for n in (*TABLES, "milestones")}


def test_a_rebuild_keeps_the_tables_of_what_did_not_change(samples_dir: Path, tmp_path: Path) -> None:
    docs = _copy_samples(samples_dir, tmp_path / "docs")
    graph = tmp_path / "graph"
    build_corpus([docs], graph)
    # one document changed, one removed, one added
    luhe = docs / "luhe-2021-old-areas-work-plan.txt"
    luhe.write_text(luhe.read_text(encoding="utf-8").replace("县财政局", "县财政局、县审计局", 1), encoding="utf-8")
    (docs / "shenzhen-2022-town-assistance-plan.txt").unlink()
    (docs / "extra.txt").write_text("某某县人民政府\n关于印发某某县道路工作方案的通知\n一、主要任务\n"
                                    "1.推进石桥镇道路建设。（牵头单位：县交通运输局）\n", encoding="utf-8")
    report = build_corpus([docs], graph)
    assert sorted(report.processed) == ["extra.txt", "luhe-2021-old-areas-work-plan.txt"]
    fresh = tmp_path / "fresh"
    build_corpus([docs], fresh)
    assert _tables(graph) == _tables(fresh)
    assert "shenzhen-2022-town-assistance-plan.txt" not in set(table("tasks", graph).doc)


def test_tables_are_remade_when_the_previous_build_has_none(samples_dir: Path, tmp_path: Path) -> None:
    """A graph built before the tables (or whose tables were lost) gets them on the next build."""
    docs = _copy_samples(samples_dir, tmp_path / "docs")
    graph = tmp_path / "graph"
    build_corpus([docs], graph)
    before = _tables(graph)
    shutil.rmtree(graph / "current" / "tables")
    report = build_corpus([docs], graph)
    assert not report.processed
    assert _tables(graph) == before


@pytest.fixture(scope="module")
def chain_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chain-tables") / "graph"
    build_corpus([Path(__file__).parent / "fixtures" / "chain"], out)
    return out


def test_the_chain_tables_hold_the_links(chain_graph: Path) -> None:
    links = run_sql(chain_graph, "SELECT doc, key, implemented_doc, implemented_key, similarity FROM task_links").rows
    assert len(links) == len(sparql_links(chain_graph)) == 20  # 14 + 6: the test and the development pairs
    cited = run_sql(chain_graph, "SELECT doc, cited, implemented_doc FROM policy_links ORDER BY doc").rows
    assert [r["implemented_doc"] is None for r in cited].count(True) == 1  # the national plan, not in the corpus
    assert all(0 < r["similarity"] <= 1 for r in links)


def sparql_links(graph: Path) -> list[dict[str, object]]:
    from policykg.query import sparql

    df = sparql(graph, "SELECT ?t ?h WHERE { ?t pkg:implementsTask ?h }")
    assert not isinstance(df, bool)
    return df.to_dict("records")
