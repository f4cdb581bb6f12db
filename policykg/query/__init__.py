"""Named queries (``queries/*.rq``) and raw SPARQL over a built graph.

:mod:`.named` reads the named queries and binds their parameters, :mod:`.run` runs
SPARQL on the embedded store (or an rdflib ``Dataset``), :mod:`.results` turns the
answers into rows, DataFrames and text.
"""

from __future__ import annotations

from policykg.errors import QueryError
from policykg.query.named import NamedQuery, Param, bind_params, get_query, list_queries, parse_query_file
from policykg.query.results import Result, format_result, python_value, to_result
from policykg.query.run import (
    MAX_DEPTH,
    check_nesting,
    query,
    run_named,
    run_rdflib,
    run_store,
    sparql,
    tokens,
    with_values,
)

__all__ = [
    "MAX_DEPTH", "NamedQuery", "Param", "QueryError", "Result", "bind_params", "check_nesting", "format_result",
    "get_query", "list_queries", "parse_query_file", "python_value", "query", "run_named", "run_rdflib", "run_store",
    "sparql", "to_result", "tokens", "with_values",
]
