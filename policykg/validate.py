"""SHACL validation of a built graph against ``ontology/shapes.ttl`` (pySHACL)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykg.paths import ONTOLOGY_DIR, resource


@dataclass
class Validation:
    conforms: bool
    violations: int
    report: str


def validate_graph(data: Any) -> Validation:
    """Validate an rdflib graph (or the union of a Dataset) against the shapes.

    Units and roles are checked with their classes, so the ontology is given
    to pySHACL as the ontology graph (class hierarchy for ``sh:class``).
    """
    from pyshacl import validate
    from rdflib import Graph

    shapes = Graph().parse(resource(ONTOLOGY_DIR, "shapes.ttl"))
    ontology = Graph().parse(resource(ONTOLOGY_DIR, "policykg.ttl"))
    union = Graph()
    for triple in data.triples((None, None, None)):
        union.add(triple)
    conforms, report_graph, text = validate(
        union, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=False, allow_warnings=True
    )
    from rdflib.namespace import SH

    violations = len(list(report_graph.subjects(SH.resultSeverity, SH.Violation)))
    return Validation(bool(conforms), violations, str(text))


def validate_dir(graph_dir: str | Path) -> Validation:
    """Validate the dataset a build wrote (``dataset.trig``)."""
    from policykg.dataset import load_dataset

    return validate_graph(load_dataset(graph_dir))
