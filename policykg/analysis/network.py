"""Responsibility networks: projections of the RDF graph to networkx, and analyses.

Projections are built from SPARQL SELECT results (never triple by triple, which
would turn every literal into a node): the queries in ``queries/projections/``. Analyses are plain functions: the graph
first, options keyword-only, DataFrames out.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("u1", kind="unit", label="县财政局"); G.add_node("u2", kind="unit", label="县教育局")
>>> G.add_node("t1", kind="task", label="修路")
>>> _ = G.add_edge("u1", "t1", role="lead"); _ = G.add_edge("u2", "t1", role="support")
>>> workload(G)[["unit", "lead", "support", "total"]].values.tolist()
[['县财政局', 1, 0, 1], ['县教育局', 0, 1, 1]]
>>> pairs(G, kind="lead-support")[["a", "b", "tasks"]].values.tolist()
[['县财政局', '县教育局', 1]]
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING, Any

import networkx as nx

from policykg.analysis.projections import project, store_of
from policykg.errors import UsageError
from policykg.query.checks import suggestions

if TYPE_CHECKING:
    import pandas as pd

ROLES = ("lead", "support", "responsible")

def responsibility_graph(source: Any, *, jurisdiction: str | None = None, lang: str = "zh") -> nx.MultiDiGraph:
    """The bipartite unit → task graph: one edge per assignment, ``role`` on each edge.

    ``source`` is a graph directory or a pyoxigraph ``Store``. Task nodes carry
    text, title, section, policy, document, places and the source span of each
    mention (on the edges); unit nodes carry label, type (its label in ``lang``, zh or en)
    and jurisdiction.
    """
    store = store_of(source)
    if jurisdiction:  # its policies bound as ?policy: the query starts from them
        policies = tuple(r["policy"] for r in project(store, "policies-in", jurisdiction=jurisdiction).rows)
        if not policies:
            known = {r["jurisdiction"] for r in project(store, "policy-jurisdictions").rows}
            near = suggestions(jurisdiction, known)
            raise UsageError(f"no policy of {jurisdiction!r} in this graph: "
                             + (f"did you mean {' or '.join(near)}?" if near else f"it has {', '.join(sorted(known)) or 'none'}"))
        rows = project(store, "assignments", policy=policies, lang=lang).rows
    else:
        rows = project(store, "assignments", lang=lang).rows
    places: dict[str, list[str]] = {}
    for r in project(store, "task-places").rows:
        places.setdefault(r["task"], []).append(r["placeName"])
    G = nx.MultiDiGraph()
    for r in sorted(rows, key=lambda r: (r["doc"], r["begin"])):
        t, u = r["task"], r["u"]
        if t not in G:
            G.add_node(
                t, kind="task", label=r["title"] or (r["text"][:24] + ("…" if len(r["text"]) > 24 else "")),
                text=r["text"], title=r["title"], key=r["key"], section=r["section"], policy=r["policy"],
                policy_title=r["policyTitle"], doc=r["doc"], jurisdiction=r["jurisdiction"], begin=r["begin"],
                places=sorted(places.get(t, [])),
            )
        if u not in G:
            G.add_node(u, kind="unit", label=r["unitLabel"], unit_type=r["unitType"] or "other", unit_kind=r["unitKind"],
                       jurisdiction=r["unitJurisdiction"])
        G.add_edge(u, t, key=f"{r['role']}:{r['begin']}", role=r["role"], mention=r["mention"],
                   begin=r["begin"], end=r["end"], doc=r["doc"])
    return G


def _units_of(G: nx.MultiDiGraph, task: Any) -> dict[Any, set[str]]:
    out: dict[Any, set[str]] = {}
    for u, _, d in G.in_edges(task, data=True):
        out.setdefault(u, set()).add(d["role"])
    return out


def co_responsibility_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Units linked by the tasks they share: ``weight`` (shared tasks) and counts by
    role pair (``lead-lead``, ``lead-support``, …) on each edge."""
    H = nx.Graph()
    for n, d in G.nodes(data=True):
        if d.get("kind") == "unit":
            H.add_node(n, **d)
    for t, d in G.nodes(data=True):
        if d.get("kind") != "task":
            continue
        units = _units_of(G, t)
        for a, b in combinations(sorted(units), 2):
            if not H.has_edge(a, b):
                H.add_edge(a, b, weight=0, tasks=[])
            e = H.edges[a, b]
            e["weight"] += 1
            e["tasks"].append(t)
            for ra in units[a]:
                for rb in units[b]:
                    pair = "-".join(sorted((ra, rb), key=ROLES.index))
                    e[pair] = e.get(pair, 0) + 1
    return H


def policy_unit_graph(source: Any, *, lang: str = "zh") -> nx.Graph:
    """Policies and the units they assign, across jurisdictions (weight = assignments)."""
    G = responsibility_graph(source, lang=lang)
    H = nx.Graph()
    for u, t in G.edges():
        pol = G.nodes[t]["policy"]
        if pol not in H:
            H.add_node(pol, kind="policy", label=G.nodes[t]["policy_title"] or G.nodes[t]["doc"],
                       jurisdiction=G.nodes[t]["jurisdiction"])
        if u not in H:
            H.add_node(u, **G.nodes[u])
        w = H.edges[u, pol]["weight"] + 1 if H.has_edge(u, pol) else 1
        H.add_edge(u, pol, weight=w)
    return H


def place_graph(source: Any) -> nx.DiGraph:
    """The place hierarchy (child → parent, ``contained_in``) with tasks attached (task → place)."""
    store = store_of(source)
    H = nx.DiGraph()
    rows = project(store, "places").rows
    for r in rows:
        H.add_node(r["p"], kind="place", label=r["name"], place_type=r["type"])
    for r in rows:
        if r["parent"]:
            H.add_edge(r["p"], r["parent"], relation="contained_in")
    for r in project(store, "place-mentions").rows:
        H.add_node(r["t"], kind="task", label=r["key"])
        H.add_edge(r["t"], r["p"], relation="mentions")
    return H


def chain_graph(source: Any, *, lang: str = "zh") -> nx.DiGraph:
    """The policy chain (see :mod:`policykg.chain`): policies (``kind="policy"``, or ``"cited
    policy"`` for a document known only by its title) with an ``implements`` edge to what
    they implement; the tasks linked across them (``implements task`` edges, with the
    ``similarity``), each with a ``part of`` edge to its policy; and the units of the
    implementing tasks (``role`` edges, unit → task, as in :func:`responsibility_graph`)."""
    from policykg.query.named import bind_params, get_query
    from policykg.query.run import run_store

    store = store_of(source)

    def rows(name: str, **params: str) -> list[dict[str, Any]]:
        q = get_query(name)
        return run_store(store, q.text, bind_params(q, params)).rows

    H = nx.DiGraph()
    for r in rows("implementing-policies"):
        src = f"policy:{r['doc']}"
        H.add_node(src, kind="policy", label=r["policy_title"] or r["doc"], jurisdiction=r["jurisdiction"], doc=r["doc"])
        if r["in_corpus"]:
            target = f"policy:{r['implemented_doc']}"
            if target not in H:
                H.add_node(target, kind="policy", label=r["implements_title"] or r["implemented_doc"],
                           jurisdiction=r["implemented_jurisdiction"], doc=r["implemented_doc"])
        else:
            target = f"cited:{r['implements_title']}"
            H.add_node(target, kind="cited policy", label=r["implements_title"])
        H.add_edge(src, target, relation="implements")
    for r in rows("task-decomposition", lang=lang):
        higher, task = f"task:{r['higher_doc']}/{r['higher_key']}", f"task:{r['doc']}/{r['key']}"
        for node, doc, key, text in ((higher, r["higher_doc"], r["higher_key"], r["higher_text"]),
                                     (task, r["doc"], r["key"], r["text"])):
            if node not in H:
                H.add_node(node, kind="task", label=key, text=text, doc=doc,
                           policy_title=H.nodes[f"policy:{doc}"]["label"] if f"policy:{doc}" in H else doc)
                H.add_edge(node, f"policy:{doc}", relation="part of")
        H.add_edge(task, higher, relation="implements task", similarity=r["similarity"])
        if r["unit"]:
            unit = f"unit:{r['jurisdiction']}/{r['unit']}"
            H.add_node(unit, kind="unit", label=r["unit"], unit_type=r["unit_type"], jurisdiction=r["jurisdiction"])
            H.add_edge(unit, task, role=r["role"])
    return H


# --- analyses ----------------------------------------------------------------

def analysis_tables(G: nx.MultiDiGraph) -> dict[str, pd.DataFrame]:
    """The tables ``policykg analyze`` shows, by title: workload, centrality, co-lead and
    lead→support pairs, communities, and units leading alone or with support."""
    H = co_responsibility_graph(G)
    comm = communities(H)
    return {
        "workload": workload(G).drop(columns=["id"]),
        "centrality": centrality(H).drop(columns=["id"]),
        "co-lead pairs": pairs(G, kind="co-lead"),
        "lead-support pairs": pairs(G, kind="lead-support"),
        "communities": comm.drop(columns=["id"]) if "id" in comm else comm,
        "leading alone or with support": lead_alone(G),
    }


def workload(G: nx.MultiDiGraph) -> pd.DataFrame:
    """Tasks per unit by role (distinct tasks), busiest first."""
    import pandas as pd

    rows = []
    for u, d in G.nodes(data=True):
        if d.get("kind") != "unit":
            continue
        by_role: dict[str, set[Any]] = {r: set() for r in ROLES}
        for _, t, e in G.out_edges(u, data=True):
            by_role[e["role"]].add(t)
        total = len(set().union(*by_role.values()))
        rows.append({"unit": d["label"], "jurisdiction": d.get("jurisdiction"), "unit_type": d.get("unit_type"),
                     **{r: len(by_role[r]) for r in ROLES}, "total": total, "id": u})
    df = pd.DataFrame(rows, columns=["unit", "jurisdiction", "unit_type", *ROLES, "total", "id"])
    return df.sort_values(["total", "lead", "unit"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def centrality(H: nx.Graph) -> pd.DataFrame:
    """Degree, weighted degree, betweenness and eigenvector centrality of units in the
    co-responsibility graph."""
    import pandas as pd

    if H.number_of_nodes() == 0:
        return pd.DataFrame(columns=["unit", "degree", "weighted_degree", "betweenness", "eigenvector"])
    bet = nx.betweenness_centrality(H, weight=None)
    eig: dict[Any, float] = {n: 0.0 for n in H}
    for comp in nx.connected_components(H):  # eigenvector centrality within each component
        if len(comp) < 2:
            continue
        sub = H.subgraph(comp)
        try:
            for n, v in nx.eigenvector_centrality(sub, weight="weight", max_iter=2000, tol=1e-8).items():
                eig[n] = v * len(comp) / H.number_of_nodes()
        except nx.PowerIterationFailedConvergence:
            pass
    rows = [{"unit": H.nodes[n].get("label", n), "jurisdiction": H.nodes[n].get("jurisdiction"), "degree": H.degree(n),
             "weighted_degree": H.degree(n, weight="weight"), "betweenness": round(bet[n], 6),
             "eigenvector": round(float(abs(eig[n])), 6), "id": n} for n in H]
    df = pd.DataFrame(rows)
    return df.sort_values(["weighted_degree", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)


def pairs(G: nx.MultiDiGraph, *, kind: str = "co-lead", top: int | None = None) -> pd.DataFrame:
    """Strongest unit pairs: ``co-lead`` (both lead the same task) or ``lead-support``
    (a leads, b supports), with the number of tasks."""
    import pandas as pd

    count: Counter[tuple[Any, Any]] = Counter()
    for t, d in G.nodes(data=True):
        if d.get("kind") != "task":
            continue
        units = _units_of(G, t)
        leads = sorted(u for u, r in units.items() if "lead" in r)
        if kind == "co-lead":
            for a, b in combinations(leads, 2):
                count[(a, b)] += 1
        elif kind == "lead-support":
            for a in leads:
                for b in sorted(u for u, r in units.items() if "support" in r):
                    if a != b:
                        count[(a, b)] += 1
        else:
            raise UsageError(f"kind must be 'co-lead' or 'lead-support', not {kind!r}")
    rows = [{"a": G.nodes[a]["label"], "b": G.nodes[b]["label"], "tasks": n,
             "jurisdiction": G.nodes[a].get("jurisdiction")} for (a, b), n in count.items()]
    df = pd.DataFrame(rows, columns=["a", "b", "tasks", "jurisdiction"])
    df = df.sort_values(["tasks", "a", "b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    return df.head(top) if top else df


def communities(H: nx.Graph, *, seed: int = 1) -> pd.DataFrame:
    """Louvain communities of the co-responsibility graph (weighted), one row per unit."""
    import pandas as pd

    if H.number_of_edges() == 0:
        return pd.DataFrame(columns=["unit", "community"])
    comms = nx.community.louvain_communities(H, weight="weight", seed=seed)
    rows = [{"unit": H.nodes[n].get("label", n), "community": i, "size": len(c), "id": n}
            for i, c in enumerate(sorted(comms, key=lambda c: (-len(c), sorted(map(str, c))[0]))) for n in sorted(c)]
    return pd.DataFrame(rows)


def lead_alone(G: nx.MultiDiGraph) -> pd.DataFrame:
    """For each lead unit: tasks it leads alone (no support unit) and with support."""
    import pandas as pd

    rows: dict[Any, dict[str, Any]] = {}
    for t, d in G.nodes(data=True):
        if d.get("kind") != "task":
            continue
        units = _units_of(G, t)
        has_support = any("support" in r for r in units.values())
        for u, r in units.items():
            if "lead" in r:
                row = rows.setdefault(u, {"unit": G.nodes[u]["label"], "jurisdiction": G.nodes[u].get("jurisdiction"),
                                          "alone": 0, "with_support": 0})
                row["with_support" if has_support else "alone"] += 1
    df = pd.DataFrame(list(rows.values()), columns=["unit", "jurisdiction", "alone", "with_support"])
    return df.sort_values(["alone", "with_support", "unit"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


__all__ = [
    "responsibility_graph", "co_responsibility_graph", "policy_unit_graph", "place_graph",
    "workload", "centrality", "pairs", "communities", "lead_alone", "analysis_tables",
]
