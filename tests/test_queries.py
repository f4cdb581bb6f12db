"""Named queries: their expected rows on the fixture graph (from the store, through rdflib and over
HTTP), parameters bound and resolved, and look-ups derived from the gold of the samples."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from policykg.dataset import load_dataset
from policykg.query import bind_params, get_query, list_queries, run_rdflib, run_store
from policykg.store import open_store
from policykg.text.textview import squash

FIXTURES = Path(__file__).parent / "fixtures" / "queries"


EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def _strip(rows: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    """Rows without task IRIs; GROUP_CONCAT lists (units) in a fixed order, as SPARQL leaves it open."""
    return [
        {k: ("、".join(sorted(v.split("、"))) if k == "units" and v else v) for k, v in r.items() if k != "task"}
        for r in rows
    ]


def _http_rows(base: str, name: str, params: dict[str, str]) -> list[dict]:  # type: ignore[type-arg]
    url = f"{base}/queries/{name}?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        data = json.loads(resp.read())
    columns = data["head"]["vars"]
    out = []
    for b in data["results"]["bindings"]:
        row = {}
        for c in columns:
            t = b.get(c)
            if t is None:
                row[c] = None
            elif t.get("datatype", "").endswith("#integer"):
                row[c] = int(t["value"])
            elif t.get("datatype", "").endswith(("#decimal", "#double")):
                row[c] = float(t["value"])
            elif t.get("datatype", "").endswith("#boolean"):
                row[c] = t["value"] == "true"
            else:
                row[c] = t["value"]
        out.append(row)
    return out


def _key(rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)


def test_every_query_has_a_title_and_an_expectation() -> None:
    names = {q.name for q in list_queries()}
    assert names == set(EXPECTED)
    assert len(names) >= 11
    for q in list_queries():
        assert q.title and q.description


@pytest.mark.parametrize("name", sorted(EXPECTED))


def test_named_query_on_fixture(name: str, fixture_graph: Path, fixture_server: str) -> None:
    q = get_query(name)
    spec = EXPECTED[name]
    bindings = bind_params(q, spec["params"])
    store_rows = _strip(run_store(open_store(fixture_graph, read_only=True), q.text, bindings).rows)
    assert store_rows == _strip(spec["rows"])
    # the same rows through rdflib on the TriG file, and through the endpoint over HTTP
    rdflib_rows = _strip(run_rdflib(load_dataset(fixture_graph), q.text, bindings).rows)
    assert _key(rdflib_rows) == _key(_strip(spec["rows"]))
    assert _key(_strip(_http_rows(fixture_server, name, spec["params"]))) == _key(_strip(spec["rows"]))


def test_parameters_are_bound_not_pasted(fixture_graph: Path) -> None:
    q = get_query("tasks-by-unit")
    hostile = '" } ; DROP ALL ; #'
    store = open_store(fixture_graph, read_only=True)
    res = run_store(store, q.text, bind_params(q, {"unit": hostile, "jurisdiction": hostile}))
    assert res.rows == []
    assert len(run_store(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 1").rows) == 1


def _gold_expectations(golden_dir: Path) -> list[tuple[str, str, str, str, list[str]]]:
    """(doc, jurisdiction, unit as written, role, gold anchors): the two most frequent
    units of every role in every gold document."""
    out = []
    for f in sorted(golden_dir.glob("*.gold.json")):
        gold = json.loads(f.read_text(encoding="utf-8"))
        for role in ("lead", "support", "responsible"):
            counts = Counter(u for t in gold["tasks"] for u in t[role])
            for unit, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]:
                anchors = [t["anchor"] for t in gold["tasks"] if unit in t[role]]
                out.append((gold["doc"], gold["policy"]["jurisdiction"], unit, role, anchors))
    return out


@pytest.mark.parametrize(
    "doc, jurisdiction, unit, role, anchors",
    _gold_expectations(Path(__file__).parent / "golden"),
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)


def test_tasks_by_unit_matches_gold(built_graph: Path, doc: str, jurisdiction: str, unit: str, role: str, anchors: list[str]) -> None:
    q = get_query("tasks-by-unit")
    res = run_store(open_store(built_graph, read_only=True), q.text,
                    bind_params(q, {"unit": unit, "jurisdiction": jurisdiction, "role": role}))
    rows = [r for r in res.rows if r["doc"] == doc]
    tasks = {r["task"]: squash((r["title"] or "") + r["text"]) for r in rows}
    assert len(tasks) == len(anchors), f"{unit} {role}: {len(tasks)} tasks, gold has {len(anchors)}"
    for anchor in anchors:
        assert any(squash(anchor) in text for text in tasks.values()), anchor


def test_issue_example_suixi_finance_bureau_leads(built_graph: Path, golden_dir: Path) -> None:
    gold = json.loads((golden_dir / "suixi-2020-old-areas-plan.txt.gold.json").read_text(encoding="utf-8"))
    anchors = [t["anchor"] for t in gold["tasks"] if "县财政局" in t["lead"]]
    q = get_query("tasks-by-unit")
    rows = run_store(open_store(built_graph, read_only=True), q.text,
                     bind_params(q, {"unit": "县财政局", "jurisdiction": "遂溪县", "role": "lead"})).rows
    assert len(rows) == len(anchors) == 3
    assert all(any(squash(a) in squash(r["text"]) for r in rows) for a in anchors)


def test_optional_parameters_filter(fixture_graph: Path) -> None:
    store = open_store(fixture_graph, read_only=True)
    q = get_query("policies")
    assert [r["doc"] for r in run_store(store, q.text, bind_params(q, {"jurisdiction": "乙区"})).rows] == ["beta-district-plan.txt"]
    assert len(run_store(store, q.text, bind_params(q, {})).rows) == 2
    for name in ("unit-workload", "pairings", "unresolved-mentions", "units", "milestones"):
        q = get_query(name)
        params = {"jurisdiction": "乙区"} | ({"year": "2022"} if name == "milestones" else {})
        rows = run_store(store, q.text, bind_params(q, params)).rows
        assert all(r.get("jurisdiction") == "乙区" for r in rows), name


def test_unit_parameter_is_resolved_within_the_jurisdiction(built_graph: Path) -> None:
    q = get_query("tasks-by-unit")
    store = open_store(built_graph, read_only=True)
    rows = run_store(store, q.text, bind_params(q, {"unit": "县税务局", "jurisdiction": "遂溪县"})).rows
    assert rows and {r["mention"] for r in rows} == {"县税务局"}
    full = run_store(store, q.text, bind_params(q, {"unit": "国家税务总局遂溪县税务局", "jurisdiction": "遂溪县"})).rows
    assert len(full) == len(rows)


def test_policy_and_place_projections(built_graph: Path) -> None:
    from policykg.analysis import network as nw

    P = nw.policy_unit_graph(built_graph)
    assert sum(1 for _, d in P.nodes(data=True) if d["kind"] == "policy") == 5
    H = nw.place_graph(built_graph)
    names = {d["label"] for _, d in H.nodes(data=True) if d["kind"] == "place"}
    assert {"湖光镇", "赤杆村", "麻章区", "湛江市"} <= names
    town = next(n for n, d in H.nodes(data=True) if d.get("label") == "赤杆村")
    assert any(H.nodes[p]["label"] == "湖光镇" for p in H.successors(town))


@pytest.mark.parametrize("name, params, says", [
    ("tasks-by-unit", {"unit": "县财政局", "jurisdiction": "遂溪", "role": "lead"}, "did you mean 遂溪县?"),
    ("tasks-by-unit", {"unit": "县财政", "jurisdiction": "遂溪县"}, "did you mean 县财政局"),
    ("tasks-by-unit", {"unit": "县财政局", "jurisdiction": "遂溪县", "role": "leader"}, "give lead (牵头)"),
    ("tasks-by-theme", {"theme": "红色"}, "did you mean 红色资源?"),
    ("tasks-in-place", {"place": "不存在镇"}, "names no place"),
])
def test_wrong_values_fail_loudly_with_close_matches(built_graph: Path, name: str, params: dict[str, str], says: str) -> None:
    from click.testing import CliRunner

    from policykg.cli import main
    from policykg.errors import QueryError
    from policykg.query import run_named

    with pytest.raises(QueryError, match=re.escape(says)):
        run_named(built_graph, name, **params)
    res = CliRunner().invoke(main, ["query", name, str(built_graph)] + [f"-p{k}={v}" for k, v in params.items()])
    assert res.exit_code != 0 and says in res.output


def test_roles_in_chinese_are_the_roles(built_graph: Path) -> None:
    from policykg.query import run_named

    for zh, en in (("牵头", "lead"), ("配合", "support"), ("责任", "responsible")):
        a = run_named(built_graph, "tasks-by-unit", unit="各镇人民政府", jurisdiction="遂溪县", role=zh).rows
        assert a == run_named(built_graph, "tasks-by-unit", unit="各镇人民政府", jurisdiction="遂溪县", role=en).rows


def test_an_empty_answer_says_why(built_graph: Path) -> None:
    from click.testing import CliRunner

    from policykg.cli import main

    res = CliRunner().invoke(main, ["query", "tasks-by-unit", str(built_graph), "-p", "unit=县审计局", "-p",
                                    "jurisdiction=麻章区", "-p", "role=lead"])
    assert res.exit_code == 0 and "(0 rows)" in res.output
    assert "is in the graph, but nothing matches them all together" in res.output


@pytest.mark.parametrize("args, says", [
    (["--view", "place", "--place", "不存在镇"], "no place '不存在镇'"),
    (["-j", "遂溪"], "did you mean 遂溪县?"),
    (["--view", "unit", "--unit", "县财政", "-j", "遂溪县"], "did you mean 县财政局"),
])
def test_views_of_unknown_values_fail_with_close_matches(built_graph: Path, tmp_path: Path, args: list[str], says: str) -> None:
    from click.testing import CliRunner

    from policykg.cli import main

    res = CliRunner().invoke(main, ["viz", str(built_graph), "-o", str(tmp_path / "v.html"), *args])
    assert res.exit_code == 2 and says in res.output
    assert not (tmp_path / "v.html").exists()


@pytest.mark.parametrize("args", [
    ["sparql", "SELECT ?n (COUNT(*) AS ?c) WHERE { ?u skos:prefLabel ?n } GROUP BY ?n ORDER BY ?n LIMIT 5"],
    ["query", "units", "-p", "jurisdiction=甲县"],
    ["sparql", "ASK { ?s ?p ?o }"],
])
def test_json_output_is_standard_sparql_results(fixture_graph: Path, args: list[str]) -> None:
    """``--format json`` writes SPARQL 1.1 Query Results JSON, as any SPARQL tool reads it."""
    import pyoxigraph as ox
    from click.testing import CliRunner

    from policykg.cli import main

    cmd = [args[0], *args[1:2], str(fixture_graph), *args[2:], "--format", "json"]
    res = CliRunner().invoke(main, cmd)
    assert res.exit_code == 0, res.output
    parsed = ox.parse_query_results(res.output.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        assert bool(parsed) is True
        return
    data = json.loads(res.output)
    assert data["head"]["vars"] and data["results"]["bindings"]
    solutions = list(parsed)
    assert len(solutions) == len(data["results"]["bindings"]) > 0
    counts = [b["c"] for b in data["results"]["bindings"] if "c" in b]
    assert all(c["datatype"].endswith("#integer") for c in counts)


def test_labels_are_chinese_by_default_and_english_on_request(fixture_graph: Path) -> None:
    """Unit types, kinds of body and themes show their skos:prefLabel@zh, @en with lang=en."""
    from click.testing import CliRunner

    from policykg.cli import main
    from policykg.query import run_named

    zh = {r["unit"]: r for r in run_named(fixture_graph, "units", jurisdiction="甲县").rows}
    en = {r["unit"]: r for r in run_named(fixture_graph, "units", jurisdiction="甲县", lang="en").rows}
    assert zh["县交通运输局"]["unit_type"] == "交通运输" and zh["县交通运输局"]["kind"] == "政府工作部门"
    assert en["县交通运输局"]["unit_type"] == "transport" and en["县交通运输局"]["kind"] == "Government department"
    themes = run_named(fixture_graph, "lead-unit-type-by-theme", theme="红色资源").rows
    assert {r["task_theme"] for r in themes} == {"红色资源"} and len(themes) == 4
    runner = CliRunner()
    out = runner.invoke(main, ["query", "unit-type-by-jurisdiction", str(fixture_graph), "--lang", "en", "--format", "csv"])
    assert out.exit_code == 0 and "transport" in out.output and "交通运输" not in out.output
    out = runner.invoke(main, ["units", str(fixture_graph), "--format", "csv"])
    assert "政府工作部门" in out.output
    with pytest.raises(Exception, match="labels are in zh or en"):
        run_named(fixture_graph, "units", lang="fr")
