"""Projections: the SPARQL SELECTs the analyses start from, one per file in
``queries/projections/`` (with the same header lines as the named queries, and tested
like them), run on a graph directory or a pyoxigraph ``Store``.

>>> sorted(q.name for q in list_projections())[:3]
['assignments', 'place-mentions', 'places']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policykg.paths import QUERIES_DIR
from policykg.query import NamedQuery, Result, bind_params, get_query, list_queries, run_store

PROJECTIONS_DIR = QUERIES_DIR / "projections"


def list_projections() -> list[NamedQuery]:
    return list_queries(PROJECTIONS_DIR)


def store_of(source: Any) -> ox.Store:
    """The store of a graph directory (opened read-only), or ``source`` itself when it is a store."""
    from policykg.store import open_store

    return open_store(source, read_only=True) if isinstance(source, (str, Path)) else source


def project(source: Any, name: str, **params: str | tuple[str, ...]) -> Result:
    """Run the projection ``name`` with its parameters bound as RDF terms (an ``iri``
    parameter as IRIs, a tuple of values as one row each; never pasted into the text)."""
    q = get_query(name, PROJECTIONS_DIR)
    return run_store(store_of(source), q.text, bind_params(q, params))
