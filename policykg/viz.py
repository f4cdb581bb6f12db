"""Interactive HTML network views (pyvis / vis-network) and static figures (matplotlib).

Views are self-contained: vis-network's script and stylesheet, shipped inside
the installed pyvis package, are inlined, so a page opens from a file:// URL
with the network off. Document text reaches the page only as JSON data and is
put into the page with ``textContent``, never as HTML, so a task containing
``<script>`` shows as text. Large graphs get a precomputed layout with physics
off.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from policykg.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

ROLE_STYLE = {
    "lead": {"color": "#c0392b", "dashes": False, "width": 2.5},
    "support": {"color": "#2e86c1", "dashes": True, "width": 1.5},
    "responsible": {"color": "#7f8c8d", "dashes": False, "width": 1.5},
}
PHYSICS_LIMIT = 1500
#: one colour per kind of body (the ontology's subclasses of pkg:Unit), by its label in either language
KIND_COLORS = {
    ("政府工作部门", "Government department"): "#2e86c1",
    ("党的机关", "Party organ"): "#c0392b",
    ("人民政府", "Government"): "#8e44ad",
    ("事业单位", "Public institution"): "#16a085",
    ("群团组织", "Mass organisation"): "#d35400",
    ("企业", "Enterprise"): "#7f8c8d",
    ("合作经济组织", "Co-operative"): "#b7950b",
    ("议事协调机构", "Temporary body"): "#f06292",
    ("集合性单位", "Collective unit"): "#5d6d7e",
}
_KIND_COLOR = {label: color for labels, color in KIND_COLORS.items() for label in labels}
#: in a view, units with this many or fewer get their names drawn; the others show them on hover
LABELLED = 25


def kind_color(kind: str | None) -> str:
    """The colour of a kind of body (a neutral grey when the graph gives none)."""
    return _KIND_COLOR.get(kind or "", "#aab7b8")


def thin(G: nx.Graph, *, top: int | None = None, min_degree: int | None = None) -> nx.Graph:
    """A view's graph with only its busiest units: the ``top`` units by number of tasks and/or
    those with at least ``min_degree``, with their tasks (a large graph made readable).

    >>> G = nx.MultiDiGraph(); _ = [G.add_node(u, kind="unit") for u in "ab"]; G.add_node("t", kind="task")
    >>> _ = G.add_edge("a", "t"); sorted(thin(G, top=1).nodes)
    ['a', 't']
    """
    if top is None and min_degree is None:
        return G
    units = sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "unit"), key=lambda n: (-G.degree(n), str(n)))
    keep = [u for u in units if G.degree(u) >= (min_degree or 0)][: top if top is not None else None]
    others = {n for u in keep for n in nx.all_neighbors(G, u) if G.nodes[n].get("kind") != "unit"}
    return G.subgraph([*keep, *others]).copy()


def _asset(name: str) -> str:
    import pyvis

    base = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    return (base / name).read_text(encoding="utf-8")


def _snippet(text: str, mention: str | None, width: int = 60) -> str:
    if not mention or mention not in text:
        return text[:width]
    i = text.index(mention)
    a, b = max(0, i - width // 2), min(len(text), i + len(mention) + width // 2)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def layout(G: nx.Graph) -> dict[Any, tuple[float, float]]:
    """A precomputed layout for large graphs: units (or all nodes, if there are few
    units) by a force layout of their co-responsibility graph, each task placed
    near the units assigned to it."""
    import random

    rng = random.Random(1)
    scale = max(300.0, G.number_of_nodes() ** 0.5 * 40)
    units = [n for n, d in G.nodes(data=True) if d.get("kind") == "unit"]
    if not units or len(units) > 3000:
        return {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(G, seed=1, iterations=15, scale=scale).items()}
    U = nx.Graph()
    U.add_nodes_from(units)
    for t in (n for n, d in G.nodes(data=True) if d.get("kind") != "unit"):
        near = sorted({u for u in nx.all_neighbors(G, t) if u in U})
        for a, b in zip(near, near[1:]):
            U.add_edge(a, b, weight=U.edges[a, b]["weight"] + 1 if U.has_edge(a, b) else 1)
    pos = {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(U, seed=1, iterations=40, scale=scale).items()}
    for n in G.nodes:
        if n in pos:
            continue
        near = [pos[u] for u in nx.all_neighbors(G, n) if u in pos]
        cx = sum(p[0] for p in near) / len(near) if near else rng.uniform(-scale, scale)
        cy = sum(p[1] for p in near) / len(near) if near else rng.uniform(-scale, scale)
        pos[n] = (cx + rng.uniform(-25, 25), cy + rng.uniform(-25, 25))
    return pos


def _vis_node(i: int, n: Any, d: dict[str, Any], *, load: int, top: int, named: bool, small: bool) -> dict[str, Any]:
    """One node for vis-network: a unit coloured by its kind and sized by its tasks (its name
    drawn when ``named``), a task (its text drawn only in a ``small`` view), or a place."""
    kind = d.get("kind", "unit")
    node: dict[str, Any] = {"id": i, "key": str(n), "label": d.get("label") or str(n), "group": kind}
    if kind == "unit":
        t = d.get("unit_type") or "other"
        node.update(shape="dot", color=kind_color(d.get("unit_kind")), size=10 + 30 * load / top, unit_type=t,
                    unit_kind=d.get("unit_kind") or "",
                    info=[["单位 unit", node["label"]], ["性质 kind", d.get("unit_kind") or ""], ["类型 type", t],
                          ["辖区 jurisdiction", d.get("jurisdiction") or ""], ["任务数 tasks", str(load)]])
        if not named:
            node["label"] = ""  # on hover
    elif kind == "task":
        if not small:
            node["label"] = ""  # the task's text is on hover
        node.update(shape="square", color="#d5dbdb", size=8,
                    info=[["任务 task", d.get("text", "")], ["政策 policy", d.get("policy_title") or d.get("doc", "")],
                          ["章节 section", d.get("section") or ""], ["文件 document", d.get("doc", "")],
                          ["地点 places", "、".join(d.get("places", []))]])
    else:
        node.update(shape="triangle", color="#27ae60", size=14, info=[[kind, node["label"]]])
    return node


def to_vis(G: nx.Graph, *, title: str) -> dict[str, Any]:
    """Nodes, edges and options for vis-network, built with pyvis in one go
    (no per-edge duplicate checks), plus the legend."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=G.is_directed(), cdn_resources="local")
    big = G.number_of_nodes() > PHYSICS_LIMIT
    pos = layout(G) if big else {}
    units = [n for n, d in G.nodes(data=True) if d.get("kind") == "unit"]
    load = {n: G.degree(n) for n in units}
    top = max(load.values(), default=1) or 1
    named = set(sorted(units, key=lambda u: (-load[u], str(u)))[:LABELLED])  # the busiest: names drawn
    small = G.number_of_nodes() <= 60
    nodes = [_vis_node(i, n, d, load=load.get(n, 0), top=top, named=n in named, small=small)
             for i, (n, d) in enumerate(G.nodes(data=True))]
    types = {x["unit_type"] for x in nodes if x["group"] == "unit"}
    kinds = {x["unit_kind"] for x in nodes if x["group"] == "unit"}
    for node, n in zip(nodes, G.nodes):
        if big and n in pos:
            node.update(x=float(pos[n][0]), y=float(pos[n][1]))
    index = {n: i for i, n in enumerate(G.nodes)}
    edges: list[dict[str, Any]] = []
    for u, v, d in G.edges(data=True):
        role = d.get("role")
        style = ROLE_STYLE.get(role or "", {"color": "#aab7b8", "dashes": False, "width": 1})
        e: dict[str, Any] = {"id": len(edges), "from": index[u], "to": index[v], "role": role or "", **style}
        if "weight" in d:
            e["value"] = d["weight"]
            e["info"] = [["共同任务 shared tasks", str(d["weight"])]] + [
                [k, str(v2)] for k, v2 in d.items() if "-" in k and isinstance(v2, int)
            ]
        if role:
            text = G.nodes[v].get("text", "")
            e["info"] = [["角色 role", role], ["原文 as written", d.get("mention", "")],
                         ["出处 source", f"{d.get('doc', '')} [{d.get('begin')}:{d.get('end')}]"],
                         ["片段 snippet", _snippet(text, d.get("mention"))]]
        edges.append(e)
    net.nodes, net.edges = nodes, edges
    if big:
        net.toggle_physics(False)
    else:
        net.barnes_hut(gravity=-6000, spring_length=120)
    options = json.loads(net.options.to_json())
    options.setdefault("interaction", {}).update({"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big})
    if not big:
        options.setdefault("physics", {}).update({"stabilization": {"enabled": True, "iterations": 300}})
    options["edges"] = {**options.get("edges", {}), "smooth": False if big else {"type": "continuous"}}
    places = sorted(d.get("label") or str(n) for n, d in G.nodes(data=True) if d.get("kind") == "place")
    legend = {"kinds": {k: kind_color(k) for k in sorted(kinds) if k}, "types": sorted(types), "roles": ROLE_STYLE,
              "places": places, "labelled": sum(1 for x in nodes if x["label"])}
    return {"title": title, "nodes": nodes, "edges": edges, "options": options, "legend": legend}


PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<style>{vis_css}</style>
<style>
html,body{{margin:0;height:100%;font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif}}
#wrap{{display:flex;height:100%}} #net{{flex:1;height:100%}}
#side{{width:260px;overflow:auto;padding:8px;border-left:1px solid #ddd;font-size:13px}}
#side h1{{font-size:15px;margin:4px 0 8px}} .sw{{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}}
.tip{{max-width:420px;white-space:pre-wrap;font-size:12px}} .tip b{{display:block;color:#555}}
#search{{width:95%}}
</style></head>
<body><div id="wrap"><div id="net"></div><div id="side"><h1 id="title"></h1>
<input id="search" placeholder="搜索 search"><div id="legend"></div></div></div>
<div id="status" data-nodes="0" data-edges="0" data-drawn="false" data-errors="" data-wide="" data-labelled="" hidden></div>
<script type="application/json" id="data">{data}</script>
<script>
(function(){{
  var status=document.getElementById("status"), errors=[];
  function fail(msg){{errors.push(String(msg));status.setAttribute("data-errors",errors.join(" | "));}}
  window.addEventListener("error",function(e){{fail(e.message);}});
  var origError=console.error; console.error=function(){{fail(Array.prototype.join.call(arguments," "));origError.apply(console,arguments);}};
  window.__policykgFail=fail;
}})();
</script>
<script>{vis_js}</script>
<script>
(function(){{
  var data=JSON.parse(document.getElementById("data").textContent);
  document.title=data.title; document.getElementById("title").textContent=data.title;
  function tip(rows){{var d=document.createElement("div");d.className="tip";
    rows.forEach(function(r){{var b=document.createElement("b");b.textContent=r[0];var s=document.createElement("span");s.textContent=r[1];d.appendChild(b);d.appendChild(s);}});return d;}}
  data.nodes.forEach(function(n){{if(n.info)n.title=tip(n.info);}});
  data.edges.forEach(function(e){{if(e.info)e.title=tip(e.info);}});
  var nodes=new vis.DataSet(data.nodes), edges=new vis.DataSet(data.edges);
  var net=new vis.Network(document.getElementById("net"),{{nodes:nodes,edges:edges}},data.options);
  var status=document.getElementById("status");
  status.setAttribute("data-nodes",String(nodes.length)); status.setAttribute("data-edges",String(edges.length));
  net.on("afterDrawing",function(){{status.setAttribute("data-drawn","true");
    var wide=0;Array.prototype.forEach.call(document.querySelectorAll("body *"),function(el){{
      if(el.getBoundingClientRect().right>window.innerWidth+1)wide++;}});
    status.setAttribute("data-wide",String(wide));}});
  status.setAttribute("data-labelled",String(data.legend.labelled));
  (function nudge(n){{  // ask for frames until the first one is drawn
    if(status.getAttribute("data-drawn")==="true"||n>50)return;
    net.redraw(); setTimeout(function(){{nudge(n+1);}},100);
  }})(0);
  net.on("stabilizationIterationsDone",function(){{net.setOptions({{physics:false}});}});
  // legend with filters: unit types and roles
  var hiddenTypes={{}}, hiddenKinds={{}}, hiddenRoles={{}}, legend=document.getElementById("legend");
  function refresh(){{
    nodes.update(data.nodes.map(function(n){{return {{id:n.id,hidden:!!((n.unit_type&&hiddenTypes[n.unit_type])||(n.unit_kind&&hiddenKinds[n.unit_kind]))}};}}));
    edges.update(data.edges.map(function(e){{return {{id:e.id,hidden:!!(e.role&&hiddenRoles[e.role])}};}}));
  }}
  function box(label,color,dashed,onchange){{var l=document.createElement("label");l.style.display="block";
    var c=document.createElement("input");c.type="checkbox";c.checked=true;c.onchange=function(){{onchange(!c.checked);refresh();}};
    var s=document.createElement("span");s.className="sw";s.style.background=color;if(dashed)s.style.border="1px dashed #333";
    var t=document.createElement("span");t.textContent=label;l.appendChild(c);l.appendChild(s);l.appendChild(t);legend.appendChild(l);}}
  var h=document.createElement("h1");h.textContent="角色 roles";legend.appendChild(h);
  Object.keys(data.legend.roles).forEach(function(r){{var st=data.legend.roles[r];box(r,st.color,st.dashes,function(off){{hiddenRoles[r]=off;}});}});
  var kinds=Object.keys(data.legend.kinds);
  if(kinds.length){{h=document.createElement("h1");h.textContent="单位性质 kinds of body";legend.appendChild(h);}}
  kinds.forEach(function(k){{box(k,data.legend.kinds[k],false,function(off){{hiddenKinds[k]=off;}});}});
  if(data.legend.places.length){{h=document.createElement("h1");h.textContent="▲ 地点 places";legend.appendChild(h);
    data.legend.places.forEach(function(p){{var d=document.createElement("div");d.className="place";d.textContent=p;legend.appendChild(d);}});}}
  if(data.legend.types.length){{h=document.createElement("h1");h.textContent="单位类型 unit types";legend.appendChild(h);}}
  data.legend.types.forEach(function(t){{box(t,"#fff",false,function(off){{hiddenTypes[t]=off;}});}});
  h=document.createElement("h1");h.textContent="■ 任务 task  ● 单位 unit · 名称见悬停 names on hover";legend.appendChild(h);
  document.getElementById("search").addEventListener("input",function(ev){{var q=ev.target.value.trim();if(!q)return;
    var hit=data.nodes.filter(function(n){{return String(n.label).indexOf(q)>=0;}});
    if(hit.length){{net.selectNodes(hit.map(function(n){{return n.id;}}));net.focus(hit[0].id,{{scale:1.2}});}}}});
  window.policykgNetwork=net;
}})();
</script></body></html>"""


def render_html(G: nx.Graph, *, title: str) -> str:
    """A self-contained HTML page showing ``G`` (no external requests)."""
    data = json.dumps(to_vis(G, title=title), ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # safe inside <script>
    return PAGE.format(title=html.escape(title), vis_css=_asset("vis-network.css"), vis_js=_asset("vis-network.min.js"),
                       data=data)


def save_html(page: str, path: str | Path) -> Path:
    """Write a page atomically."""
    from policykg.atomic import write_text

    return write_text(path, page)


def show(G: nx.Graph, *, title: str = "policykg", height: int = 600) -> Any:
    """Display a view inline in Jupyter (an iframe holding the self-contained page)."""
    from IPython.display import HTML

    page = html.escape(render_html(G, title=title), quote=True)
    return HTML(f'<iframe srcdoc="{page}" style="width:100%;height:{height}px;border:0"></iframe>')


# --- building the graph for each kind of view ---------------------------------

def view_graph(source: Any, view: str, *, jurisdiction: str | None = None, unit: str | None = None,
               place: str | None = None, lang: str = "zh") -> tuple[nx.Graph, str]:
    """The graph and title of a view: ``network`` (units–tasks), ``units``
    (co-responsibility), ``unit`` (one unit's tasks and partners), ``place``
    (tasks reaching a place and its sub-places), ``chain`` (policies, the documents they
    implement, and tasks linked across them with their units)."""
    from policykg.analysis.network import chain_graph, co_responsibility_graph, responsibility_graph
    from policykg.pipeline.resolve import unit_label

    if view == "chain":
        H = chain_graph(source, lang=lang)
        if jurisdiction:  # the plans of one jurisdiction, what they implement and their tasks' links
            plans = {n for n, d in H.nodes(data=True) if d.get("jurisdiction") == jurisdiction and d.get("kind") == "policy"}
            tasks = {t for t, d in H.nodes(data=True) if d.get("kind") == "task" and plans & set(H.successors(t))}
            higher = {h for t in tasks for h in H.successors(t) if H.nodes[h].get("kind") == "task"}
            keep = plans | {m for n in plans for m in H.successors(n)} | tasks | higher
            keep |= {u for t in tasks for u in H.predecessors(t) if H.nodes[u].get("kind") == "unit"}
            H = H.subgraph(keep).copy()
        return H, f"政策链 policy chain · {jurisdiction or '全部 all'}"

    G = responsibility_graph(source, jurisdiction=jurisdiction, lang=lang)
    where = jurisdiction or "全部 all"
    if view == "network":
        return G, f"单位–任务网络 · {where}"
    if view == "units":
        return co_responsibility_graph(G), f"单位协作网络 · {where}"
    if view == "unit":
        if not unit:
            raise UsageError("the unit view needs --unit")
        label = unit_label(unit, jurisdiction)
        ids = [n for n, d in G.nodes(data=True) if d.get("kind") == "unit" and d["label"] in (label, unit)]
        if not ids:
            from policykg.query.checks import suggestions

            near = suggestions(label, {d["label"] for _, d in G.nodes(data=True) if d.get("kind") == "unit"})
            raise UsageError(f"no unit {unit!r} in {where}" + (f": did you mean {' or '.join(near)}?" if near else ""))
        tasks = {t for u in ids for t in G.successors(u)}
        keep = set(ids) | tasks | {u for t in tasks for u in G.predecessors(t)}
        return G.subgraph(keep).copy(), f"{label} · {where}"
    if view == "place":
        if not place:
            raise UsageError("the place view needs --place")
        from policykg.analysis.projections import project

        rows = project(source, "places-within", place=place).rows
        if not rows:
            from policykg.query.checks import suggestions

            near = suggestions(place, {r["name"] for r in project(source, "places").rows})
            raise UsageError(f"no place {place!r} in this graph" + (f": did you mean {' or '.join(near)}?" if near else ""))
        names = {r["name"] for r in rows} | {place}
        tasks = {n for n, d in G.nodes(data=True) if d.get("kind") == "task" and names & set(d.get("places", []))}
        keep = tasks | {u for t in tasks for u in G.predecessors(t)}
        H = G.subgraph(keep).copy()
        for name in sorted(names):
            pid = f"place:{name}"
            if any(name in G.nodes[t].get("places", []) for t in tasks):
                H.add_node(pid, kind="place", label=name)
                for t in tasks:
                    if name in G.nodes[t].get("places", []):
                        H.add_edge(t, pid)
        return H, f"地点 {place} 的任务"
    raise UsageError(f"unknown view {view!r}: use network, units, unit, place or chain")


# --- static figures -------------------------------------------------------------

@contextmanager
def cjk_figure(width: float, height: float) -> Iterator[Figure]:
    """A matplotlib ``Figure`` whose text is drawn in a CJK font where one is installed.

    No pyplot and no backend switch: a library call leaves matplotlib's global state
    (the backend of a notebook, its rcParams) as it found it; the font settings hold
    only inside the block, so draw and save the figure there.
    """
    from matplotlib import font_manager, rc_context, rcParams
    from matplotlib.figure import Figure

    have = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in CJK_FONTS if f in have]
    with rc_context({"font.sans-serif": fonts + list(rcParams["font.sans-serif"]), "axes.unicode_minus": False}):
        yield Figure(figsize=(width, height))


#: fonts with Chinese glyphs, in order of preference
CJK_FONTS = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Source Han Sans SC", "SimHei")


def png_bytes(fig: Figure, *, dpi: int = 150) -> bytes:
    """The figure as PNG bytes."""
    import io

    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def workload_figure(df: pd.DataFrame, path: str | Path, *, top: int = 15, title: str = "") -> Path:
    """Stacked bar chart of the busiest units' tasks by role (a ``workload`` DataFrame)."""
    from policykg.atomic import write_bytes

    d = df.head(top).iloc[::-1]
    with cjk_figure(8, 0.35 * len(d) + 1.5) as fig:
        ax = fig.subplots()
        left = [0] * len(d)
        for role in ("lead", "support", "responsible"):
            vals = list(d[role])
            ax.barh(list(d["unit"]), vals, left=left, color=ROLE_STYLE[role]["color"], label=role)
            left = [a + b for a, b in zip(left, vals)]
        ax.set_xlabel("tasks")
        ax.set_title(title)
        ax.legend(loc="lower right")
        return write_bytes(path, png_bytes(fig))


def section_order(G: nx.Graph, sections: list[str]) -> list[str]:
    """Sections in the order the documents give them (the first task of each), not by
    character code (一、 … 十、 sort wrongly as text).

    >>> G = nx.Graph(); G.add_node(1, kind="task", section="二、乙", doc="a", begin=9); G.add_node(2, kind="task", section="一、甲", doc="a", begin=1)
    >>> section_order(G, ["二、乙", "一、甲"])
    ['一、甲', '二、乙']
    """
    first: dict[str, tuple[str, int]] = {}
    for _, d in G.nodes(data=True):
        if d.get("kind") == "task":
            key = (str(d.get("doc") or ""), int(d.get("begin") or 0))
            sec = d.get("section") or "-"
            if sec not in first or key < first[sec]:
                first[sec] = key
    return sorted(sections, key=lambda s: (first.get(s, ("~", 0)), s))


def heatmap_figure(G: nx.MultiDiGraph, path: str | Path, *, title: str = "") -> Path:
    """Heat-map of unit types × task sections (assignment counts)."""
    import pandas as pd

    from policykg.atomic import write_bytes

    rows = [(G.nodes[u].get("unit_type") or "other", G.nodes[t].get("section") or "-") for u, t in G.edges()]
    table = pd.crosstab(pd.Series([r[0] for r in rows], name="unit type"), pd.Series([r[1] for r in rows], name="section"))
    table = table[section_order(G, list(table.columns))]
    with cjk_figure(max(6, 0.5 * table.shape[1] + 3), max(4, 0.35 * table.shape[0] + 2)) as fig:
        ax = fig.subplots()
        im = ax.imshow(table.values, cmap="Reds", aspect="auto")
        ax.set_xticks(range(table.shape[1]), [str(c)[:14] for c in table.columns], rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(table.shape[0]), list(table.index), fontsize=8)
        fig.colorbar(im, ax=ax, label="assignments")
        ax.set_title(title)
        return write_bytes(path, png_bytes(fig))
