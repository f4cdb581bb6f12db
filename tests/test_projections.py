"""The projections (``queries/projections/*.rq``: the SELECTs the networks and the
comparison tables are built from) on the query fixtures' graph: each gives its expected
rows (tests/fixtures/queries/projections.json), from the store and through rdflib alike.

The expected rows were checked against the two fixture documents; after a deliberate
change, rewrite them with ``POLICYKG_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.analysis.projections import PROJECTIONS_DIR, list_projections, project
from policykg.dataset import load_dataset
from policykg.errors import QueryError
from policykg.query import get_query, run_rdflib

EXPECTED_FILE = Path(__file__).parent / "fixtures" / "queries" / "projections.json"
EXPECTED = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
#: each projection with the parameters it is run with (an ``iri`` parameter: names of a projection's rows to bind)
CASES = {
    "assignments": {},
    "assignments-of-one-policy": {"policy": "policies-in"},
    "policies-in": {"jurisdiction": "甲县"},
    "policy-jurisdictions": {},
    "task-places": {},
    "places": {},
    "place-mentions": {},
    "places-within": {"place": "东湖镇"},
    "tasks": {},
    "task-themes": {},
    "task-units": {},
}


def _key(rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)


def _run(graph: Path, case: str) -> tuple[str, dict[str, str | tuple[str, ...]], list[dict]]:  # type: ignore[type-arg]
    name = case.removesuffix("-of-one-policy")
    params: dict[str, str | tuple[str, ...]] = dict(CASES[case])
    if case == "assignments-of-one-policy":
        params = {"policy": tuple(r["policy"] for r in project(graph, "policies-in", jurisdiction="甲县").rows)}
    return name, params, project(graph, name, **params).rows


def test_every_projection_has_a_title_and_a_case() -> None:
    names = {q.name for q in list_projections()}
    assert names == {c.removesuffix("-of-one-policy") for c in CASES}
    assert all(q.title and q.description for q in list_projections())


@pytest.mark.parametrize("case", sorted(CASES))
def test_projection_on_fixture(case: str, fixture_graph: Path) -> None:
    name, params, rows = _run(fixture_graph, case)
    if os.environ.get("POLICYKG_UPDATE_GOLDEN"):
        EXPECTED[case] = sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
        EXPECTED_FILE.write_text(json.dumps(EXPECTED, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert rows, "a projection with nothing to show on the fixtures tests nothing"
    assert _key(rows) == _key(EXPECTED[case])
    # the same rows through rdflib on the TriG file
    q = get_query(name, PROJECTIONS_DIR)
    bindings = {k: ox.Literal(v) for k, v in params.items() if isinstance(v, str)}
    if any(p.name == "lang" for p in q.params):
        bindings.setdefault("lang", ox.Literal("zh"))  # project()'s default
    if not isinstance(params.get("policy", ""), str):
        return  # rdflib binds one value per variable
    assert _key(run_rdflib(load_dataset(fixture_graph), q.text, bindings).rows) == _key(EXPECTED[case])


def test_one_jurisdiction_is_a_subset_of_all(fixture_graph: Path) -> None:
    _, _, everything = _run(fixture_graph, "assignments")
    _, _, one = _run(fixture_graph, "assignments-of-one-policy")
    assert one and len(one) < len(everything)
    assert {r["jurisdiction"] for r in one} == {"甲县"}
    assert _key(one) == _key([r for r in everything if r["jurisdiction"] == "甲县"])


def test_projection_parameters_are_checked_and_bound(fixture_graph: Path) -> None:
    with pytest.raises(QueryError, match="needs the parameter place"):
        project(fixture_graph, "places-within")
    with pytest.raises(QueryError, match="has no parameter"):
        project(fixture_graph, "places", jurisdiction="甲县")
    assert project(fixture_graph, "places-within", place='" } ?p ?q ?r . { "').rows == []
