"""Parameter values checked against what the graph holds, so a wrong value fails loudly
with the close matches (``jurisdiction=遂溪`` → did you mean 遂溪县?) instead of giving an
empty answer that reads like "nothing there".

>>> suggestions("遂溪", {"遂溪县", "陆河县", "麻章区"})
['遂溪县']
>>> role_value("牵头"), role_value("support")
('lead', 'support')
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.query.results import Result
from policykg.text.lexicon import ROLE_NAMES

#: role words a user may give, in English or as the documents write them
ROLE_WORDS = ROLE_NAMES

#: parameter name → the SELECT listing every value the graph knows for it (as ?v)
VOCABULARIES = {
    "jurisdiction": "SELECT DISTINCT ?v WHERE { ?x pkg:jurisdiction/schema:name ?v }",
    "unit": "SELECT DISTINCT ?v WHERE { ?u a pkg:Unit ; skos:prefLabel ?v }",
    "place": "SELECT DISTINCT ?v WHERE { ?p a pkg:Place ; schema:name ?v }",
    "theme": "SELECT DISTINCT ?v WHERE { ?t a skos:Concept ; skos:prefLabel ?l . "
             "FILTER(STRSTARTS(STR(?t), \"https://w3id.org/policykg/theme/\")) BIND(STR(?l) AS ?v) }",
}


#: parameter name → an ASK whether ``?v`` is a value the graph knows (an index look-up, where
#: listing the vocabulary reads all of it: 0.1 s and more on a large corpus); the listing is
#: asked only for a value that is not there, to suggest close ones
EXISTS = {
    "jurisdiction": "ASK WHERE { ?x pkg:jurisdiction/schema:name ?v }",
    "unit": "ASK WHERE { ?u skos:prefLabel ?v ; a pkg:Unit }",
    "place": "ASK WHERE { ?p schema:name ?v ; a pkg:Place }",
}


def role_value(value: str) -> str:
    """``lead``, ``support`` or ``responsible`` for a role word (牵头, 配合, 责任 … as well)."""
    role = ROLE_WORDS.get(value.strip())
    if role is None:
        raise QueryError(f"role={value!r} is not a role: give lead (牵头), support (配合) or responsible (责任)")
    return role


def suggestions(value: str, known: Iterable[str], n: int = 5) -> list[str]:
    """Known values close to ``value``: those that contain it or that it contains, then
    the closest spellings."""
    known = sorted(set(known))
    near = [k for k in known if value and (value in k or k in value)]
    near.sort(key=lambda k: (abs(len(k) - len(value)), k))
    close = [k for k in difflib.get_close_matches(value, known, n=n, cutoff=0.5) if k not in near]
    return (near + close)[:n]


def check_values(run: Callable[..., Result], values: Mapping[str, Any],
                 vocabularies: Mapping[str, str] = VOCABULARIES, exists: Mapping[str, str] | None = None) -> None:
    """Raise :class:`QueryError` when a jurisdiction, unit, place or theme names nothing in
    the graph ``run`` queries (each vocabulary query gives the known values as ``v``); the
    message gives the close matches. ``exists``: ASK queries that look a value up (``run``
    then takes the bindings too), tried first."""
    for name, term in sorted(values.items()):
        if name not in vocabularies or not isinstance(term, ox.Literal):
            continue
        if exists and name in exists and run(exists[name], {"v": term}).boolean:
            continue
        known = {str(r["v"]) for r in run(vocabularies[name]).rows}
        if term.value in known:
            continue
        near = suggestions(term.value, known)
        hint = f"did you mean {' or '.join(near)}?" if near else f"the graph knows {len(known)} (try `policykg query units` or list-queries)"
        raise QueryError(f"{name}={term.value!r} names no {name} in this graph: {hint}")


def why_empty(values: Mapping[str, str]) -> str:
    """What an empty answer means once every value was found in the graph."""
    given = ", ".join(f"{k}={v}" for k, v in values.items() if v)
    if not given:
        return "no rows: the graph holds nothing this query looks for"
    return f"no rows: each of {given} is in the graph, but nothing matches them all together"
