"""The RDF dataset a build writes: SHACL, the ontology, exports that parse back, and builds that are
deterministic, incremental and the same in parallel, on a cluster and after every rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykg.build import build_corpus
from policykg.dataset import NQUADS, dataset_bytes, load_dataset
from policykg.query import bind_params, get_query, run_store
from policykg.store import open_store


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
    build_corpus([docs], a, dataset=True)
    build_corpus([docs], b, dataset=True)
    assert (a / NQUADS).read_bytes() == (b / NQUADS).read_bytes()
    for p in sorted((a / "extractions").glob("*.json")):
        assert p.read_bytes() == (b / "extractions" / p.name).read_bytes()
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()
    again = build_corpus([docs], a, dataset=True)
    assert again.processed == [] and len(again.unchanged) == 5
    assert (a / NQUADS).read_bytes() == (b / NQUADS).read_bytes()
    touched = docs / "luhe-2021-old-areas-work-plan.txt"
    touched.write_text(touched.read_text(encoding="utf-8") + "\n（十四）补充任务。\n1.推进新任务。（责任单位：县审计局）\n", encoding="utf-8")
    third = build_corpus([docs], a, dataset=True)
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


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "jsonld"])


def test_dataset_exports_parse_back(built_graph: Path, fmt: str) -> None:
    import pyoxigraph as ox

    from policykg.dataset import DATASET_FORMATS, dataset_bytes

    data = dataset_bytes(built_graph, fmt)
    parsed = set(ox.parse(data, format=DATASET_FORMATS[fmt]))
    assert len(parsed) > 10_000
    if fmt in ("trig", "nquads", "jsonld"):  # every statement of the dataset, in its graph
        assert parsed == set(ox.parse(dataset_bytes(built_graph, "nquads"), format=ox.RdfFormat.N_QUADS))
    if fmt == "jsonld":  # compacted: prefixed names under an @context
        import json

        doc = json.loads(data)
        assert doc["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
        assert "skos:prefLabel" in data.decode("utf-8")


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
    build_corpus([docs], one, workers=1, dataset=True)
    report = build_corpus([docs], two, workers=2, dataset=True)  # 10 files: a pool of two processes
    assert len(report.processed) == 10
    assert (one / NQUADS).read_bytes() == (two / NQUADS).read_bytes()


def test_build_on_a_dask_cluster_gives_the_same_dataset(tmp_path: Path, samples_dir: Path) -> None:
    """The extraction step on a local Dask cluster of two worker processes: the same code
    path as the process pool, the same dataset."""
    from policykg.cluster import dask_executor

    docs = _ten_documents(tmp_path, samples_dir)
    here, there = tmp_path / "here", tmp_path / "there"
    build_corpus([docs], here, workers=1, dataset=True)
    with dask_executor("local", workers=2) as executor:
        report = build_corpus([docs], there, executor=executor, dataset=True)
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
        in_file = {line[: line.rindex("<")].rstrip() for line in dataset_bytes(out, "nquads").decode("utf-8").splitlines()
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


def test_a_graph_built_by_an_earlier_version_loses_its_trig_link(tmp_path: Path, samples_dir: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / "shenzhen-2022-town-assistance-plan.txt", docs)
    out = tmp_path / "graph"
    build_corpus([docs], out)
    (out / "current" / "dataset.trig").write_bytes(b"")  # as an earlier version published it
    (out / "dataset.trig").symlink_to("current/dataset.trig")
    (out / "parts" / "0123456789abcdef.trig").write_bytes(b"")
    (docs / "more.txt").write_text("一、工作任务\n（一）推进道路建设。（牵头单位：县交通运输局）\n", encoding="utf-8")
    build_corpus([docs], out)
    assert not (out / "dataset.trig").is_symlink() and not (out / NQUADS).exists()
    assert not list((out / "parts").glob("*.trig"))


def test_the_dataset_file_is_written_when_asked_and_made_from_the_store_otherwise(tmp_path: Path, samples_dir: Path) -> None:
    """``build --dataset`` writes dataset.nq; without it the same bytes come from the store
    (export dataset, load_dataset), and a later build without it removes the old file's link."""
    docs = tmp_path / "docs"
    shutil.copytree(samples_dir, docs)
    with_file, without = tmp_path / "with", tmp_path / "without"
    build_corpus([docs], with_file, dataset=True)
    build_corpus([docs], without)
    assert not (without / NQUADS).exists()
    written = (with_file / NQUADS).read_bytes()
    assert dataset_bytes(without, "nquads") == written and written.count(b"\n") > 10_000
    assert "/id/chain>" in written.decode("utf-8")  # the samples cite documents not in the corpus
    (docs / "luhe-2021-old-areas-work-plan.txt").unlink()
    build_corpus([docs], with_file)  # a rebuild without --dataset: the old file is not left behind
    assert not (with_file / NQUADS).exists() and not (with_file / NQUADS).is_symlink()
    assert "luhe" not in " ".join(d for d in dataset_bytes(with_file, "nquads").decode("utf-8").split() if "luhe" in d)
    assert len(load_dataset(with_file)) < len(load_dataset(without))
