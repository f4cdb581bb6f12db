"""Query results: rows of Python values (:class:`Result`), as a DataFrame or as text
(an aligned table, CSV, TSV or JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    import pandas as pd

_INT_TYPES = {
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#nonNegativeInteger",
    "http://www.w3.org/2001/XMLSchema#int",
    "http://www.w3.org/2001/XMLSchema#long",
}


@dataclass
class Result:
    """Rows of a SELECT (values as Python str/int/float/bool/None), or an ASK answer."""

    columns: list[str]
    rows: list[dict[str, Any]]
    boolean: bool | None = None
    #: the RDF terms of each row (in ``columns`` order) where the engine gave them
    terms: list[list[Any]] | None = None

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


def python_value(term: Any) -> Any:
    """An RDF term as a Python value: numbers and booleans typed, IRIs and other literals as str."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        if dt in _INT_TYPES:
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if dt.endswith("#boolean"):
            return term.value in ("true", "1")  # Virtuoso writes 1 and 0
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def to_result(solutions: ox.QuerySolutions | ox.QueryBoolean, *, limit: int | None = None) -> Result:
    """pyoxigraph's results (from a store or parsed from a server's answer) as a :class:`Result`."""
    if isinstance(solutions, ox.QueryBoolean):
        return Result([], [], bool(solutions))
    columns = [v.value for v in solutions.variables]
    rows, terms = [], []
    for n, sol in enumerate(solutions):
        if limit is not None and n >= limit:
            break
        row = [sol[c] for c in columns]
        terms.append(row)
        rows.append({c: python_value(t) for c, t in zip(columns, row)})
    return Result(columns, rows, terms=terms)


def term_json(t: Any) -> dict[str, str]:
    """An RDF term as a SPARQL 1.1 JSON results binding."""
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype is not None and not t.datatype.value.endswith("#string"):
        out["datatype"] = t.datatype.value
    return out


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _value_json(v: Any) -> dict[str, str]:
    """A binding for a Python value where the engine gave no term (rdflib's answers)."""
    if isinstance(v, bool):
        return {"type": "literal", "value": "true" if v else "false", "datatype": _XSD + "boolean"}
    if isinstance(v, int):
        return {"type": "literal", "value": str(v), "datatype": _XSD + "integer"}
    if isinstance(v, float):
        return {"type": "literal", "value": repr(v), "datatype": _XSD + "double"}
    return {"type": "uri" if str(v).startswith(("http://", "https://")) else "literal", "value": str(v)}


def sparql_json(res: Result) -> dict[str, Any]:
    """The result as SPARQL 1.1 Query Results JSON (a W3C format every SPARQL tool reads)."""
    if res.boolean is not None:
        return {"head": {}, "boolean": res.boolean}
    if res.terms is not None:
        bindings = [{c: term_json(t) for c, t in zip(res.columns, row) if t is not None} for row in res.terms]
    else:
        bindings = [{c: _value_json(r[c]) for c in res.columns if r[c] is not None} for r in res.rows]
    return {"head": {"vars": res.columns}, "results": {"bindings": bindings}}


def format_result(res: Result, fmt: str) -> str:
    """Render a result as ``table``, ``csv``, ``tsv`` or ``json`` (SPARQL 1.1 Query Results JSON)."""
    if fmt == "json":
        return json.dumps(sparql_json(res), ensure_ascii=False, indent=1) + "\n"
    if res.boolean is not None:
        return "yes\n" if res.boolean else "no\n"
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
