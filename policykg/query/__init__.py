"""Named queries (``queries/*.rq``) and raw SPARQL over a built graph.

Parameters are never formatted into query text by hand. For the embedded
store they become a ``VALUES`` block of RDF terms made by pyoxigraph (which
escapes them as terms, so a value can only ever be one literal); for rdflib
they are passed as ``initBindings``. A ``unit`` parameter accepts a canonical
name, an abbreviation or an alias (县发改局) and is resolved before binding.

>>> q = get_query("tasks-by-unit")
>>> [(p.name, p.required) for p in q.params]
[('unit', True), ('jurisdiction', True), ('role', False)]
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from policykg.errors import PolicyKGError
from policykg.namespace import PREFIXES
from policykg.paths import QUERIES_DIR
from policykg.pipeline.resolve import unit_label

if TYPE_CHECKING:
    import pandas as pd

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_INT_TYPES = {
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#nonNegativeInteger",
    "http://www.w3.org/2001/XMLSchema#int",
    "http://www.w3.org/2001/XMLSchema#long",
}


class QueryError(PolicyKGError):
    """A query or its parameters are wrong."""


@dataclass(frozen=True)
class Param:
    name: str
    required: bool
    kind: str  # "unit", "date" or "text"
    note: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: str


_PARAM_RE = re.compile(r"(\w+)\s*\((required|optional)(?:\s*[,:]\s*([^)]*))?\)")


def parse_query_file(path: Path) -> NamedQuery:
    """Read a ``.rq`` file with ``# title:``, ``# description:`` and ``# params:`` header lines."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"#\s*(title|description|params)\s*:\s*(.*)", line)
        if m:
            header[m.group(1)] = m.group(2).strip()
    if "title" not in header:
        raise QueryError(f"{path}: no '# title:' line. Every named query needs a title")
    params = []
    for name, req, note in _PARAM_RE.findall(header.get("params", "")):
        note = note.strip()
        kind = "unit" if note.startswith("unit") else "date" if note.startswith("date") else "text"
        params.append(Param(name, req == "required", kind, note))
    return NamedQuery(path.stem, header["title"], header.get("description", ""), tuple(params), text, str(path))


@lru_cache(maxsize=8)
def _load(folder: str) -> dict[str, NamedQuery]:
    return {p.stem: parse_query_file(p) for p in sorted(Path(folder).glob("*.rq"))}


def list_queries(folder: str | Path = QUERIES_DIR) -> list[NamedQuery]:
    """The named queries, by name."""
    return list(_load(str(folder)).values())


def get_query(name: str, folder: str | Path = QUERIES_DIR) -> NamedQuery:
    queries = _load(str(folder))
    if name not in queries:
        raise QueryError(f"no named query '{name}'. Known: {', '.join(sorted(queries))} (see `policykg list-queries`)")
    return queries[name]


def bind_params(query: NamedQuery, values: Mapping[str, str]) -> dict[str, ox.Literal]:
    """Check the parameters and turn them into RDF literals (units resolved to canonical names)."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(f"query '{query.name}' has no parameter {', '.join(unknown)}; it takes: {', '.join(known) or 'none'}")
    missing = [p.name for p in query.params if p.required and not values.get(p.name)]
    if missing:
        raise QueryError(f"query '{query.name}' needs --param {missing[0]}=VALUE")
    out: dict[str, ox.Literal] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        p = known[name]
        if p.kind == "unit":  # resolved within the given jurisdiction (县税务局 in 遂溪县 …)
            out[name] = ox.Literal(unit_label(value, values.get("jurisdiction") or None))
        elif p.kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise QueryError(f"parameter {name}={value!r}: give a date as YYYY-MM-DD")
            out[name] = ox.Literal(value, datatype=ox.NamedNode(XSD_DATE))
        else:
            out[name] = ox.Literal(value)
    return out


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(text: str, bindings: Mapping[str, ox.Literal]) -> str:
    """Add ``VALUES`` blocks of terms at the start of the query's top-level WHERE group.

    The terms are serialised by pyoxigraph, so every value stays one RDF literal. One
    block per variable (a join of one-row tables is the one row of all of them):
    Virtuoso 7.2 fails on a several-variable block in some queries.

    >>> with_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal('" } ; DROP ALL ; #')})
    'SELECT ?s WHERE { VALUES ?o { "\\\\" } ; DROP ALL ; #" }\\n ?s ?p ?o }'
    """
    if not bindings:
        return text
    m = _WHERE.search(text)
    if not m:
        raise QueryError("a parameterised query needs a WHERE { … } clause")
    block = "".join(f" VALUES ?{n} {{ {bindings[n]} }}\n" for n in sorted(bindings))
    return text[: m.end()] + block + text[m.end() :]


@dataclass
class Result:
    """Rows of a SELECT (values as Python str/int/float/bool/None), or an ASK answer."""

    columns: list[str]
    rows: list[dict[str, Any]]
    boolean: bool | None = None

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        if dt in _INT_TYPES:
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


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


def run_store(store: ox.Store, text: str, bindings: Mapping[str, ox.Literal] | None = None, *, limit: int | None = None) -> Result:
    """Run SPARQL on the embedded store (the default graph is the union of all graphs)."""
    check_nesting(text)
    try:
        res = store.query(with_values(text, bindings or {}), use_default_graph_as_union=True, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    if isinstance(res, ox.QueryBoolean):
        return Result([], [], bool(res))
    if isinstance(res, ox.QueryTriples):
        raise QueryError("CONSTRUCT/DESCRIBE queries are not supported here; use SELECT or ASK")
    columns = [v.value for v in res.variables]
    rows = []
    for n, sol in enumerate(res):
        if limit is not None and n >= limit:
            break
        rows.append({c: _value(sol[c]) for c in columns})
    return Result(columns, rows)


def run_rdflib(dataset: Any, text: str, bindings: Mapping[str, ox.Literal] | None = None) -> Result:
    """Run SPARQL with rdflib's engine on an rdflib ``Dataset`` (parameters via initBindings)."""
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
                row[c] = py if isinstance(py, (int, float, bool)) and not isinstance(py, str) else str(v)
            else:
                row[c] = str(v)
        rows.append(row)
    return Result(columns, rows)


def run_named(graph_dir: str | Path, name: str, **params: str) -> Result:
    """Run a named query on a built graph's embedded store."""
    from policykg.store import open_store

    q = get_query(name)
    return run_store(open_store(graph_dir, read_only=True), q.text, bind_params(q, params))


def query(graph_dir: str | Path, name: str, **params: str) -> pd.DataFrame:
    """A named query's result as a pandas DataFrame.

    ``query("graph", "tasks-by-unit", unit="县财政局", jurisdiction="遂溪县", role="lead")``
    """
    return run_named(graph_dir, name, **params).to_dataframe()


def sparql(graph_dir: str | Path, text: str) -> pd.DataFrame | bool:
    """Raw SPARQL (SELECT/ASK) on a built graph, as a pandas DataFrame (or a bool for ASK)."""
    from policykg.store import open_store

    res = run_store(open_store(graph_dir, read_only=True), text)
    return res.boolean if res.boolean is not None else res.to_dataframe()


def format_result(res: Result, fmt: str) -> str:
    """Render a result as ``table``, ``csv``, ``tsv`` or ``json`` (SPARQL-results-like)."""
    if res.boolean is not None:
        return json.dumps({"boolean": res.boolean}) + "\n" if fmt == "json" else ("yes\n" if res.boolean else "no\n")
    if fmt == "json":
        return json.dumps({"columns": res.columns, "rows": res.rows}, ensure_ascii=False, indent=1) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(res.columns)
        for r in res.rows:
            w.writerow(["" if r[c] is None else r[c] for c in res.columns])
        return buf.getvalue()
    return _table(res.columns, [[("" if r[c] is None else str(r[c])) for c in res.columns] for r in res.rows])


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _table(columns: list[str], rows: Iterable[list[str]], max_cell: int = 40) -> str:
    rows = [[c if len(c) <= max_cell else c[: max_cell - 1] + "…" for c in r] for r in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in rows]) for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
