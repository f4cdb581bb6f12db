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

from policykg.errors import QueryError
from policykg.paths import QUERIES_DIR
from policykg.query import NamedQuery, Result, get_query, list_queries, run_store
from policykg.query.named import DEFAULT_LANG, LANGS

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
    kinds = {p.name: p for p in q.params}
    unknown = sorted(set(params) - set(kinds))
    if unknown:
        raise QueryError(f"projection '{name}' has no parameter {', '.join(unknown)}; it takes: {', '.join(kinds) or 'none'}")
    missing = [p.name for p in q.params if p.required and params.get(p.name) in (None, "", ())]
    if missing:
        raise QueryError(f"projection '{name}' needs the parameter {missing[0]}")
    bindings: dict[str, ox.Literal | ox.NamedNode | tuple[ox.Literal | ox.NamedNode, ...]] = {}
    if "lang" in kinds and not params.get("lang"):  # labels in Chinese unless asked otherwise
        params = {**params, "lang": DEFAULT_LANG}
    if params.get("lang", DEFAULT_LANG) not in LANGS:
        raise QueryError(f"lang={params['lang']!r}: labels are in {' or '.join(LANGS)}")
    for key, value in params.items():
        make = ox.NamedNode if kinds[key].note.startswith("iri") else ox.Literal
        if isinstance(value, tuple):
            bindings[key] = tuple(make(v) for v in value)
        elif value:
            bindings[key] = make(value)
    return run_store(store_of(source), q.text, bindings)
