"""The RDF mapper against a golden: one small plan's extraction (invented content, every
kind of statement: policy, places down to a village, units with aliases, a collective
unit, a county branch of a city bureau, roles, a milestone, an assessor, a person and a
pairing) and the dataset it must give, compared graph by graph by isomorphism.

After a deliberate change of the mapping, rewrite the golden with
``POLICYKG_UPDATE_GOLDEN=1 python -m pytest tests/test_rdf_golden.py`` and review its diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from policykg.namespace import PREFIXES
from policykg.pipeline.rdf import extraction_quads
from policykg.records import extraction_from_dict

HERE = Path(__file__).parent / "golden" / "rdf"
EXTRACTION = HERE / "small-plan.extraction.json"
GOLDEN = HERE / "small-plan.trig"


def _dataset(trig: bytes) -> Dataset:
    ds = Dataset()
    ds.parse(data=trig, format="trig")
    return ds


def _graphs(ds: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def _lines(g: Graph) -> list[str]:
    return sorted(g.serialize(format="nt").splitlines())


def diff(got: Dataset, want: Dataset) -> list[str]:
    """What differs, graph by graph, as N-Triples lines: ``+`` made but not in the golden,
    ``-`` in the golden but not made."""
    a, b = _graphs(got), _graphs(want)
    out = []
    for name in sorted(set(a) | set(b)):
        ga, gb = a.get(name, Graph()), b.get(name, Graph())
        if isomorphic(ga, gb):
            continue
        _, only_got, only_want = graph_diff(to_isomorphic(ga), to_isomorphic(gb))
        out.append(f"graph <{name}>:")
        out += [f"  + {line}" for line in _lines(only_got)] + [f"  - {line}" for line in _lines(only_want)]
    return out


def test_rdf_of_a_small_plan_matches_its_golden() -> None:
    ex = extraction_from_dict(json.loads(EXTRACTION.read_text(encoding="utf-8")))
    made = ox.serialize(ox.Dataset(extraction_quads(ex)), format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
    got = _dataset(made)
    if os.environ.get("POLICYKG_UPDATE_GOLDEN"):
        GOLDEN.write_text(got.serialize(format="trig"), encoding="utf-8")
    differences = diff(got, _dataset(GOLDEN.read_bytes()))
    assert not differences, "the RDF differs from tests/golden/rdf/small-plan.trig:\n" + "\n".join(differences)


def test_the_golden_comparison_reports_a_changed_statement_readably() -> None:
    """A golden test that cannot fail is no test: one literal changed shows as one - and one + line."""
    golden = _dataset(GOLDEN.read_bytes())
    changed = _dataset(GOLDEN.read_bytes())
    pkg_key = URIRef("https://w3id.org/policykg/ontology#key")
    task, _, old, name = next(iter(changed.quads((None, pkg_key, None, None))))
    graph = changed.graph(name)
    graph.set((task, pkg_key, Literal("another-key")))
    lines = diff(changed, golden)
    assert len(lines) == 3 and lines[1].startswith("  + ") and "another-key" in lines[1]
    assert lines[2].startswith("  - ") and str(old) in lines[2]


@pytest.mark.parametrize("name", ["small-plan.extraction.json"])
def test_the_golden_extraction_is_resolved(name: str) -> None:
    """The fixture is a resolve-stage record: every unit name it uses is resolved."""
    ex = extraction_from_dict(json.loads((HERE / name).read_text(encoding="utf-8")))
    used = {*ex.policy.issuers, *(m.name for t in ex.tasks for m in (*t.mentions, *t.assessors)),
            *(p.helper for p in ex.pairings)}
    assert used <= set(ex.units)
