"""SQL over a graph's analysis tables (DuckDB), and the SQL twins of named queries.

A named query that is a corpus-wide aggregate may carry a twin, ``queries/NAME.sql``
beside ``NAME.rq``: the same question over the tables (``policykg.tables``), much faster
on a large corpus. Its parameters are the ``.rq`` file's, checked and resolved the same
way (a unit given as 县发改局 is 县发展和改革局) and bound as DuckDB named parameters
(``$jurisdiction``; an optional one not given is NULL). SPARQL stays the definition: a
test runs both and asserts the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policykg.errors import QueryError
from policykg.paths import QUERIES_DIR
from policykg.query.named import bind_params, get_query
from policykg.query.results import Result

_PARAM = re.compile(r"\$(\w+)")
#: parameter name → the SQL listing every value the tables know for it (as v), to check values
VOCABULARIES = {
    "jurisdiction": "SELECT DISTINCT jurisdiction AS v FROM tasks WHERE jurisdiction IS NOT NULL "
                    "UNION SELECT DISTINCT jurisdiction FROM unit_names WHERE jurisdiction IS NOT NULL",
    "unit": "SELECT DISTINCT label AS v FROM unit_names",
    "place": "SELECT DISTINCT name AS v FROM places",
    "theme": "SELECT DISTINCT label AS v FROM concepts WHERE scheme = 'theme'",
}


def twin(name: str, folder: str | Path = QUERIES_DIR) -> Path | None:
    """The SQL twin of a named query, if it has one."""
    path = Path(folder) / f"{name}.sql"
    return path if path.is_file() else None


def run_sql(graph_dir: str | Path, text: str, params: Mapping[str, Any] | None = None) -> Result:
    """SQL on the graph's tables (views ``assignments``, ``tasks``, ``units``, ``unit_names``,
    ``places``, ``pairings``, ``milestones``, ``concepts``); ``$name`` parameters bound."""
    import duckdb

    from policykg.tables import connect

    used = set(_PARAM.findall(text))
    with connect(graph_dir) as con:
        try:
            cur = con.execute(text, {k: v for k, v in (params or {}).items() if k in used})
        except duckdb.Error as exc:
            raise QueryError(f"SQL error: {exc}") from None
        if cur.description is None:
            return Result([], [])
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    return Result(columns, rows)


def run_twin(graph_dir: str | Path, name: str, **values: str) -> Result:
    """A named query answered by its SQL twin."""
    path = twin(name)
    if path is None:
        raise QueryError(f"named query '{name}' has no SQL twin (queries/{name}.sql); run it on the store")
    from policykg.query.checks import check_values

    q = get_query(name)
    bound = bind_params(q, values)
    check_values(lambda text: run_sql(graph_dir, text), bound, VOCABULARIES)
    params: dict[str, Any] = {p.name: None for p in q.params}
    for k, term in bound.items():
        if isinstance(term, tuple):
            raise QueryError(f"parameter {k}: the SQL twin takes one value")
        params[k] = term.value
    return run_sql(graph_dir, path.read_text(encoding="utf-8"), params)
