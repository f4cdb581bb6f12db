"""Named queries: ``queries/*.rq`` files with ``# title:``, ``# description:`` and
``# params:`` header lines, and their parameters bound as RDF terms.

A ``unit`` parameter accepts a canonical name, an abbreviation or an alias (县发改局)
and is resolved (within the given jurisdiction) before binding.

>>> q = get_query("tasks-by-unit")
>>> [(p.name, p.required) for p in q.params]
[('unit', True), ('jurisdiction', True), ('role', False)]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.paths import QUERIES_DIR
from policykg.pipeline.resolve import unit_label
from policykg.query.checks import role_value

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
#: the languages of the labels of unit types, kinds of body and themes; the default first
LANGS = ("zh", "en")
DEFAULT_LANG = LANGS[0]
#: how tasks are counted: a table row restating a body task (pkg:restates) once, as that task, or both
COPIES = ("once", "both")
#: the value of an optional parameter a query takes when it is not given: labels of unit
#: types, kinds and themes in Chinese; a row restating a body task counted as that task
DEFAULTS = {"lang": DEFAULT_LANG, "copies": COPIES[0]}


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
        params.append(Param(name, req == "required", _kind(name, note), note))
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


def _kind(name: str, note: str) -> str:
    """How a parameter's value becomes a term: ``role``, ``lang`` and ``copies`` by their
    names (the same in every query), ``unit``, ``date`` and ``iri`` by the note, else plain ``text``."""
    if name in ("role", "lang", "copies"):
        return name
    return next((k for k in ("unit", "date", "iri") if note.startswith(k)), "text")


Term = ox.Literal | ox.NamedNode


def bind_params(query: NamedQuery, values: Mapping[str, str | tuple[str, ...]]) -> dict[str, Term | tuple[Term, ...]]:
    """Check the parameters and turn them into RDF terms: units resolved to canonical names,
    roles and dates checked, IRIs as IRIs; a tuple of values binds one row each."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(f"query '{query.name}' has no parameter {', '.join(unknown)}; it takes: {', '.join(known) or 'none'}")
    missing = [p.name for p in query.params if p.required and not values.get(p.name)]
    if missing:
        raise QueryError(f"query '{query.name}' needs the parameter {missing[0]} (--param {missing[0]}=VALUE)")
    values = {**values, **{k: v for k, v in DEFAULTS.items() if k in known and not values.get(k)}}
    jurisdiction = values.get("jurisdiction")
    context = jurisdiction if isinstance(jurisdiction, str) and jurisdiction else None
    out: dict[str, Term | tuple[Term, ...]] = {}
    for name, value in values.items():
        if isinstance(value, tuple):
            out[name] = tuple(_term(known[name], v, context) for v in value)
        elif value:
            out[name] = _term(known[name], value, context)
    return out


def _term(p: Param, value: str, jurisdiction: str | None) -> Term:
    if p.kind == "role":  # lead, support, responsible (or 牵头, 配合, 责任)
        return ox.Literal(role_value(value))
    if p.kind == "lang":
        if value not in LANGS:
            raise QueryError(f"lang={value!r}: labels are in {' or '.join(LANGS)}")
        return ox.Literal(value)
    if p.kind == "copies":  # once: a row that restates a body task is that task; both: counted apart
        if value not in COPIES:
            raise QueryError(f"copies={value!r}: give once (a table row that restates a body task counts as that task) or both")
        return ox.Literal(value)
    if p.kind == "unit":  # resolved within the given jurisdiction (县税务局 in 遂溪县 …)
        return ox.Literal(unit_label(value, jurisdiction))
    if p.kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise QueryError(f"parameter {p.name}={value!r}: give a date as YYYY-MM-DD")
        return ox.Literal(value, datatype=ox.NamedNode(XSD_DATE))
    if p.kind == "iri":
        return ox.NamedNode(value)
    return ox.Literal(value)
