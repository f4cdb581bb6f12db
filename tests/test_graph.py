"""The knowledge graph: named queries, gold-derived look-ups, SHACL, determinism,
incremental rebuilds, and the same answers from the store, rdflib and the endpoint."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from policykg.build import build_corpus
from policykg.query import bind_params, get_query, list_queries, run_rdflib, run_store
from policykg.serve import serve_in_thread, stop
from policykg.store import NQUADS, load_dataset, open_store
from policykg.text.textview import squash

FIXTURES = Path(__file__).parent / "fixtures" / "queries"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fixture-graph")
    build_corpus([FIXTURES], out)
    return out


@pytest.fixture(scope="module")
def fixture_server(fixture_graph: Path):  # type: ignore[no-untyped-def]
    server, _ = serve_in_thread(fixture_graph, timeout=20, max_rows=1000)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    stop(server)


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


def test_sample_graph_conforms_and_a_broken_one_does_not(built_graph: Path) -> None:
    from rdflib import Literal, URIRef

    from policykg.namespace import PKG, PROV
    from policykg.validate import validate_graph

    ds = load_dataset(built_graph)
    assert validate_graph(ds).conforms
    # break it: an assignment with two roles and a task with no policy
    a = next(ds.subjects(PROV.hadRole, PKG.Lead))
    ds.add((a, PROV.hadRole, PKG.Support))
    t = next(ds.subjects(PKG.key, None))
    for o in list(ds.objects(t, URIRef("http://purl.org/dc/terms/isPartOf"))):
        ds.remove((t, URIRef("http://purl.org/dc/terms/isPartOf"), o))
    ds.add((t, PKG.key, Literal("second key")))
    v = validate_graph(ds)
    assert not v.conforms and v.violations >= 3


def test_build_is_deterministic_and_incremental(tmp_path: Path, samples_dir: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(samples_dir, docs)
    a, b = tmp_path / "a", tmp_path / "b"
    build_corpus([docs], a)
    build_corpus([docs], b)
    assert (a / NQUADS).read_bytes() == (b / NQUADS).read_bytes()
    again = build_corpus([docs], a)
    assert again.processed == [] and len(again.unchanged) == 5
    assert (a / NQUADS).read_bytes() == (b / NQUADS).read_bytes()
    touched = docs / "luhe-2021-old-areas-work-plan.txt"
    touched.write_text(touched.read_text(encoding="utf-8") + "\n（十四）补充任务。\n1.推进新任务。（责任单位：县审计局）\n", encoding="utf-8")
    third = build_corpus([docs], a)
    assert third.processed == ["luhe-2021-old-areas-work-plan.txt"] and len(third.unchanged) == 4
    q = get_query("tasks-by-unit")
    rows = run_store(open_store(a, read_only=True), q.text, bind_params(q, {"unit": "县审计局", "jurisdiction": "陆河县"})).rows
    assert [r["text"] for r in rows] == ["推进新任务。（责任单位：县审计局）"]
    # the edited document's graph was replaced; the others' statements are untouched
    old_id = next(d.doc_id for d in again.documents if d.name == touched.name)
    new_id = third.documents[0].doc_id
    assert [d.name for d in third.documents][0] == touched.name and new_id != old_id
    old = (b / NQUADS).read_text(encoding="utf-8").splitlines()
    new = (a / NQUADS).read_text(encoding="utf-8").splitlines()
    assert not [line for line in new if f"/graph/{old_id}>" in line]
    def docs_only(lines: list[str], skip: str) -> set[str]:
        return {line for line in lines if skip not in line and "/id/shared>" not in line}

    assert docs_only(new, new_id) == docs_only(old, old_id)


def test_ontology_terms_match_the_python_namespace() -> None:
    from rdflib import Graph
    from rdflib.namespace import RDF

    from policykg.namespace import PKG
    from policykg.paths import ONTOLOGY_DIR

    g = Graph().parse(ONTOLOGY_DIR / "policykg.ttl").parse(ONTOLOGY_DIR / "unit-types.ttl")
    ns = str(PKG._NS)
    defined = {str(s)[len(ns):] for s in g.subjects(RDF.type, None) if str(s).startswith(ns)}
    assert defined == set(PKG.__annotations__)
    with pytest.raises(AttributeError):
        PKG.noSuchTerm  # noqa: B018
    for term in defined:  # labels in Chinese and English
        langs = {o.language for o in g.objects(PKG[term], None) if getattr(o, "language", None)}
        assert {"zh", "en"} <= langs or term in ("RoleScheme",), term


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _post(url: str, data: bytes, ctype: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_endpoint_protocol(fixture_server: str) -> None:
    q = urllib.parse.quote("SELECT ?n WHERE { ?u skos:prefLabel ?n } ORDER BY ?n LIMIT 2")
    for accept, marker in [
        ("application/sparql-results+json", b'"bindings"'),
        ("application/sparql-results+xml", b"<sparql"),
        ("text/csv", b"n\r\n"),
        ("text/tab-separated-values", b"?n\n"),
    ]:
        status, headers, body = _get(f"{fixture_server}/sparql?query={q}", Accept=accept)
        assert status == 200 and marker in body and headers["Content-Type"].startswith(accept)
    status, body = _post(f"{fixture_server}/sparql", b"SELECT (COUNT(*) AS ?c) WHERE { ?s ?p ?o }", "application/sparql-query")
    assert status == 200 and b'"c"' in body
    # read-only: updates and SERVICE are refused
    assert _post(f"{fixture_server}/sparql", b"DROP ALL", "application/sparql-update")[0] == 403
    assert _post(f"{fixture_server}/sparql", b"update=DROP+ALL", "application/x-www-form-urlencoded")[0] == 403
    service = urllib.parse.quote("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert _get(f"{fixture_server}/sparql?query={service}")[0] == 403
    assert _get(f"{fixture_server}/sparql?query={urllib.parse.quote('SELEC nonsense')}")[0] == 400
    status, _, page = _get(f"{fixture_server}/")
    assert status == 200 and b"<textarea" in page and b"tasks-by-unit" in page


def test_endpoint_row_limit(fixture_graph: Path) -> None:
    server, _ = serve_in_thread(fixture_graph, max_rows=3)
    try:
        q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
        status, headers, body = _get(f"http://127.0.0.1:{server.server_address[1]}/sparql?query={q}")
        assert status == 200 and headers.get("X-Result-Truncated") == "true"
        assert len(json.loads(body)["results"]["bindings"]) == 3
    finally:
        stop(server)


def test_issue_example_suixi_finance_bureau_leads(built_graph: Path, golden_dir: Path) -> None:
    gold = json.loads((golden_dir / "suixi-2020-old-areas-plan.txt.gold.json").read_text(encoding="utf-8"))
    anchors = [t["anchor"] for t in gold["tasks"] if "县财政局" in t["lead"]]
    q = get_query("tasks-by-unit")
    rows = run_store(open_store(built_graph, read_only=True), q.text,
                     bind_params(q, {"unit": "县财政局", "jurisdiction": "遂溪县", "role": "lead"})).rows
    assert len(rows) == len(anchors) == 3
    assert all(any(squash(a) in squash(r["text"]) for r in rows) for a in anchors)


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "jsonld"])
def test_dataset_exports_parse_back(built_graph: Path, fmt: str) -> None:
    import pyoxigraph as ox

    from policykg.store import DATASET_FORMATS, dataset_bytes

    data = dataset_bytes(built_graph, fmt)
    n = sum(1 for _ in ox.parse(data, format=DATASET_FORMATS[fmt]))
    assert n > 10_000


def test_endpoint_stops_a_query_past_its_time_limit(built_graph: Path) -> None:
    import time

    server, _ = serve_in_thread(built_graph, timeout=1.0, workers=1)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        slow = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        t = time.perf_counter()
        status, _, body = _get(f"{base}/sparql?query={slow}")
        assert status == 503 and b"stopped" in body and time.perf_counter() - t < 10
        # the endpoint goes on answering with a fresh worker
        status, _, _ = _get(f"{base}/sparql?query={urllib.parse.quote('ASK { ?s ?p ?o }')}")
        assert status == 200
        load = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }") + "%0ALOAD%20%3Chttp%3A%2F%2Fexample.org%2F%3E"
        assert _get(f"{base}/sparql?query={load}")[0] == 403
    finally:
        stop(server)
    assert server.server_address[0] == "127.0.0.1"


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


def _ten_documents(tmp_path: Path, samples_dir: Path) -> Path:
    """Two distinct copies of each sample text: enough files for a pool of two workers."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(2):
        for p in samples_dir.glob("*.txt"):
            (docs / f"{i}-{p.name}").write_text(p.read_text(encoding="utf-8") + f"\n{i}\n", encoding="utf-8")
    return docs


def test_parallel_build_gives_the_same_dataset(tmp_path: Path, samples_dir: Path) -> None:
    docs = _ten_documents(tmp_path, samples_dir)
    one, two = tmp_path / "one", tmp_path / "two"
    build_corpus([docs], one, workers=1)
    report = build_corpus([docs], two, workers=2)  # 10 files: a pool of two processes
    assert len(report.processed) == 10
    assert (one / NQUADS).read_bytes() == (two / NQUADS).read_bytes()


def test_build_on_a_dask_cluster_gives_the_same_dataset(tmp_path: Path, samples_dir: Path) -> None:
    """The extraction step on a local Dask cluster of two worker processes: the same code
    path as the process pool, the same dataset."""
    from policykg.cluster import dask_executor

    docs = _ten_documents(tmp_path, samples_dir)
    here, there = tmp_path / "here", tmp_path / "there"
    build_corpus([docs], here, workers=1)
    with dask_executor("local", workers=2) as executor:
        report = build_corpus([docs], there, executor=executor)
    assert len(report.processed) == 10 and not report.skipped
    assert (here / NQUADS).read_bytes() == (there / NQUADS).read_bytes()


def test_shared_graph_follows_every_rebuild(tmp_path: Path, samples_dir: Path) -> None:
    """The units and places graph is diffed against the last build's copy in parts/, or
    read back from the store when a build stopped before its swap: either way the store
    ends up holding exactly the dataset file's shared graph."""
    import pyoxigraph as ox

    from policykg.pipeline.rdf import SHARED_GRAPH

    docs = tmp_path / "docs"
    shutil.copytree(samples_dir, docs)
    out = tmp_path / "g"

    def shared_lines_agree() -> set[str]:
        in_file = {line[: line.rindex("<")].rstrip() for line in (out / NQUADS).read_text(encoding="utf-8").splitlines()
                   if line.endswith(f"<{SHARED_GRAPH.value}> .")}
        store = ox.Store.read_only(str(out / "store"))
        in_store = {line[:-2].rstrip() for line in store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=SHARED_GRAPH).decode().splitlines()}
        assert in_store == in_file
        return in_file

    build_corpus([docs], out)
    before = shared_lines_agree()
    assert not (out / "parts" / "shared.pending").exists()
    first = (out / "parts" / "shared.nq").read_bytes()
    touched = docs / "luhe-2021-old-areas-work-plan.txt"
    original = touched.read_text(encoding="utf-8")
    touched.write_text(original + "\n（十四）补充任务。\n1.推进新任务。（责任单位：县审计局）\n", encoding="utf-8")
    build_corpus([docs], out)  # diffed against the kept copy: the new unit is added
    added = shared_lines_agree() - before
    assert any("县审计局" in line for line in added)
    touched.write_text(original, encoding="utf-8")
    # as if a build had stopped after keeping its shared graph (without the unit) but
    # before swapping its store in: the kept copy is not what the store holds
    (out / "parts" / "shared.nq").write_bytes(first)
    (out / "parts" / "shared.pending").write_text("")
    build_corpus([docs], out)  # read back from the store: the unit is removed again
    assert shared_lines_agree() == before
    assert not (out / "parts" / "shared.pending").exists()
