"""Writing networks for other tools (Gephi, igraph, R): GraphML, GEXF, CSV edge lists.

Attributes that GraphML/GEXF cannot hold (lists) are joined into strings.
"""

from __future__ import annotations

import csv
import io

import networkx as nx

from policykg.errors import UsageError


def _flat(G: nx.Graph) -> nx.Graph:
    H = G.__class__()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: ("、".join(map(str, v)) if isinstance(v, list) else v) for k, v in d.items() if v is not None})
    for u, v, d in G.edges(data=True):
        H.add_edge(u, v, **{k: (len(x) if isinstance(x, list) else x) for k, x in d.items() if x is not None})
    return H


def network_bytes(G: nx.Graph, fmt: str, *, table: str = "edges") -> bytes:
    """``G`` as GraphML, GEXF or CSV: the edge list (source, target, their labels, the
    edges' attributes), or with ``table="nodes"`` the node table (id, label, kind, type,
    jurisdiction …), so Gephi or R show names, not IRIs."""
    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(_flat(G), buf, encoding="utf-8")
        return buf.getvalue()
    if fmt == "gexf":
        buf = io.BytesIO()
        nx.write_gexf(_flat(G), buf, encoding="utf-8")
        return buf.getvalue()
    if fmt == "csv" and table == "nodes":
        return _node_table(G)
    if fmt == "csv":
        out = io.StringIO()
        keys = sorted({k for *_, d in G.edges(data=True) for k, v in d.items() if not isinstance(v, list)})
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["source", "target", "source_label", "target_label", *keys])
        for u, v, d in G.edges(data=True):
            w.writerow([u, v, G.nodes[u].get("label", ""), G.nodes[v].get("label", ""), *[d.get(k, "") for k in keys]])
        return out.getvalue().encode("utf-8")
    raise UsageError(f"unknown network format {fmt!r}")


def _node_table(G: nx.Graph) -> bytes:
    out = io.StringIO()
    keys = sorted({k for _, d in G.nodes(data=True) for k in d} - {"label"})
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "label", *keys])
    for n, d in G.nodes(data=True):
        w.writerow([n, d.get("label", ""), *[("、".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v))
                                            for v in (d.get(k) for k in keys)]])
    return out.getvalue().encode("utf-8")
