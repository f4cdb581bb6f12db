"""Running SPARQL: on the embedded store (pyoxigraph), on an rdflib ``Dataset``, and
the checks every query passes first.

Parameters are never formatted into query text by hand. For the embedded store they
become a ``VALUES`` block of RDF terms made by pyoxigraph (which escapes them as terms,
so a value can only ever be one literal); for rdflib they are passed as ``initBindings``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.namespace import PREFIXES
from policykg.query.checks import EXISTS, check_values
from policykg.query.named import Term, bind_params, get_query
from policykg.query.results import Result, to_result

if TYPE_CHECKING:
    import pandas as pd


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(text: str, bindings: Mapping[str, Term | tuple[Term, ...]]) -> str:
    """Add ``VALUES`` blocks of terms at the start of the query's top-level WHERE group.

    The terms are serialised by pyoxigraph, so every value stays one RDF term. One
    block per variable (a join of one-row tables is the one row of all of them):
    Virtuoso 7.2 fails on a several-variable block in some queries. A tuple of terms
    gives its variable one row per term.

    >>> with_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal('" } ; DROP ALL ; #')})
    'SELECT ?s WHERE { VALUES ?o { "\\\\" } ; DROP ALL ; #" }\\n ?s ?p ?o }'
    >>> with_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": (ox.NamedNode("http://a"), ox.NamedNode("http://b"))})
    'SELECT ?s WHERE { VALUES ?s { <http://a> <http://b> }\\n ?s ?p ?o }'
    """
    if not bindings:
        return text
    m = _WHERE.search(text)
    if not m:
        raise QueryError("a parameterised query needs a WHERE { … } clause")
    def terms(value: Term | tuple[Term, ...]) -> str:
        return " ".join(map(str, value)) if isinstance(value, tuple) else str(value)

    block = "".join(f" VALUES ?{n} {{ {terms(bindings[n])} }}\n" for n in sorted(bindings))
    return text[: m.end()] + block + text[m.end() :]


#: SPARQL's lexical tokens, in the order the grammar tells them apart
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<comment>#[^\n]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<var>[?$]\w+)"
    r"|(?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w:\-.%]|\\[_~.\-!$&'()*+,;=/?#@%])*)"
    r"|(?P<blank>_:[\w.\-]+)"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<open>[({\[])"
    r"|(?P<close>[)}\]])"
    r"|(?P<other>.)",
    re.DOTALL,
)
#: deepest nesting of brackets a query may have (a few levels are usual; thousands
#: crashed the query engine)
MAX_DEPTH = 64


def tokens(query: str) -> Iterator[tuple[str, str]]:
    """SPARQL's lexical tokens of ``query`` as (kind, text): kinds are ``word`` (a keyword or
    a function name), ``var``, ``pname`` (a prefixed name), ``iri``, ``string``, ``open``
    and ``close`` (brackets), ``comment``, ``space`` …

    >>> [t for t in tokens('SELECT ?load { ?s pkg:Create "a#b" } # c') if t[0] not in ("space",)][:5]
    [('word', 'SELECT'), ('var', '?load'), ('open', '{'), ('var', '?s'), ('pname', 'pkg:Create')]
    """
    for m in _TOKEN.finditer(query):
        yield m.lastgroup or "other", m.group()


def check_nesting(query: str) -> None:
    """Raise :class:`QueryError` when ``query`` nests brackets deeper than
    :data:`MAX_DEPTH` (thousands of levels crash the query engine's process)."""
    depth = deepest = 0
    for kind, _ in tokens(query):
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise QueryError(f"the query nests brackets {deepest} deep; at most {MAX_DEPTH} levels are run")


def run_store(store: ox.Store, text: str, bindings: Mapping[str, Term | tuple[Term, ...]] | None = None, *,
              limit: int | None = None) -> Result:
    """Run SPARQL on the embedded store (the default graph is the union of all graphs)."""
    check_nesting(text)
    try:
        res = store.query(with_values(text, bindings or {}), use_default_graph_as_union=True, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    if isinstance(res, ox.QueryTriples):
        raise QueryError("CONSTRUCT/DESCRIBE queries are not supported here; use SELECT or ASK")
    return to_result(res, limit=limit)


def run_rdflib(dataset: Any, text: str, bindings: Mapping[str, ox.Literal] | None = None) -> Result:
    """Run SPARQL with rdflib's engine on an rdflib ``Dataset`` (parameters via initBindings)."""
    from decimal import Decimal

    from rdflib import Literal, URIRef

    init = {
        k: Literal(v.value, datatype=URIRef(v.datatype.value) if v.datatype and not v.datatype.value.endswith("#string") else None)
        for k, v in (bindings or {}).items()
    }
    res = dataset.query(text, initNs=PREFIXES, initBindings=init)
    if res.type == "ASK":
        return Result([], [], bool(res.askAnswer))
    columns = [str(v) for v in res.vars]
    rows = []
    for r in res:
        row: dict[str, Any] = {}
        for c in columns:
            v = r[c]
            if v is None:
                row[c] = None
            elif isinstance(v, Literal):
                py = v.toPython()
                if isinstance(py, Decimal):
                    py = float(py)  # as python_value gives it from the store
                row[c] = py if isinstance(py, (int, float, bool)) and not isinstance(py, str) else str(v)
            else:
                row[c] = str(v)
        rows.append(row)
    return Result(columns, rows)


def run_named(graph_dir: str | Path, name: str, *, memory: bool = False, **params: str) -> Result:
    """Run a named query on a built graph's embedded store (``memory``: on a copy of it held
    in memory, see :func:`policykg.store.open_store`)."""
    from policykg.store import open_store

    q = get_query(name)
    store = open_store(graph_dir, read_only=True, memory=memory)
    bindings = bind_params(q, params)
    check_values(lambda text, values=None: run_store(store, text, values), bindings, exists=EXISTS)
    return run_store(store, q.text, bindings)


def query(graph_dir: str | Path, name: str, *, memory: bool = False, **params: str) -> pd.DataFrame:
    """A named query's result as a pandas DataFrame.

    ``query("graph", "tasks-by-unit", unit="县财政局", jurisdiction="遂溪县", role="lead")``

    The store is opened once per process; ``memory=True`` holds a copy of it in memory
    (the first call loads it): whole-corpus questions run many times faster.
    """
    return run_named(graph_dir, name, memory=memory, **params).to_dataframe()


def sparql(graph_dir: str | Path, text: str, *, memory: bool = False) -> pd.DataFrame | bool:
    """Raw SPARQL (SELECT/ASK) on a built graph, as a pandas DataFrame (or a bool for ASK);
    ``memory`` as for :func:`query`."""
    from policykg.store import open_store

    res = run_store(open_store(graph_dir, read_only=True, memory=memory), text)
    return res.boolean if res.boolean is not None else res.to_dataframe()


