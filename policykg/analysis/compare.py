"""Compare how jurisdictions divide the same work.

Every table is a pandas DataFrame built from SPARQL SELECT results over a built
graph: theme coverage, counterpart tasks between two plans (character n-gram
TF-IDF cosine) with the lead unit types side by side, unit-type shares, a
division-of-labour similarity between jurisdictions, and tasks unique to one
plan. :func:`report_html` puts them in one self-contained page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykg.analysis.projections import project, store_of
from policykg.errors import UsageError
from policykg.query.named import COPIES

if TYPE_CHECKING:
    import pandas as pd

ROLES = ("lead", "support", "responsible")
#: the label of tasks no theme matches (th:Unclassified: not a theme), and of a unit with no type
UNCLASSIFIED_LABELS = {"zh": "未分类", "en": "unclassified"}
OTHER = {"zh": "其他", "en": "other"}
_ROLE_COLUMNS = [f"{role}_{what}" for role in ROLES for what in ("units", "types")]


def task_table(source: Any, *, lang: str = "zh", copies: str = "once") -> pd.DataFrame:
    """One row per task: jurisdiction, document, key, title, text, section, source span,
    themes, and for each role (lead, support, responsible) its units and their types, kept
    apart: a plan whose units are all "responsible" (责任单位) has no lead units. Themes and
    unit types are their labels in ``lang`` (Chinese by default, ``en`` for English).

    A table row that restates a body task (``pkg:restates``) is, with ``copies="once"`` (the
    default), counted as that task: its units join the body task's and the row is left out
    (``restated_by`` lists it). ``copies="both"`` keeps the rows as tasks of their own."""
    import pandas as pd

    if copies not in COPIES:
        raise UsageError(f"copies={copies!r}: give {' or '.join(COPIES)}")
    store = store_of(source)
    tasks = pd.DataFrame(project(store, "tasks").rows)
    if tasks.empty:
        return pd.DataFrame(columns=["task", "jurisdiction", "doc", "key", "title", "text", "section", "begin", "end",
                                     "themes", *_ROLE_COLUMNS, "units", "restates", "restated_by"])
    if "restates" not in tasks:
        tasks["restates"] = None
    tasks["restates"] = tasks.restates.where(tasks.restates.notna(), None)
    themes = pd.DataFrame(project(store, "task-themes", lang=lang).rows, columns=["task", "theme"])
    assign = pd.DataFrame(project(store, "task-units", lang=lang).rows, columns=["task", "role", "unit", "unitType"])
    canonical = dict(zip(tasks.task, tasks.restates)) if copies == "once" else {}
    assign["task"] = assign.task.map(lambda t: canonical.get(t) or t)
    th = themes.groupby("task")["theme"].apply(lambda s: sorted(set(s))).to_dict()
    by_role: dict[tuple[str, str], list[tuple[str, str]]] = {}
    units: dict[str, list[str]] = {}
    for (t, role), g in assign.groupby(["task", "role"]):
        by_role[t, role] = sorted({(r.unit, r.unitType or OTHER[lang]) for r in g.itertuples()})
    for t, g in assign.groupby("task"):
        units[t] = sorted(set(g.unit))
    restated_by = tasks[tasks.restates.notna()].groupby("restates")["task"].apply(sorted).to_dict()
    if copies == "once":
        tasks = tasks[tasks.restates.isna()].copy()
    tasks["restated_by"] = tasks.task.map(lambda t: restated_by.get(t, []))
    tasks["themes"] = tasks.task.map(lambda t: th.get(t, [UNCLASSIFIED_LABELS[lang]]))
    for role in ROLES:
        tasks[f"{role}_units"] = tasks.task.map(lambda t, r=role: [u for u, _ in by_role.get((t, r), [])])
        tasks[f"{role}_types"] = tasks.task.map(lambda t, r=role: sorted({ty for _, ty in by_role.get((t, r), [])}))
    tasks["units"] = tasks.task.map(lambda t: units.get(t, []))
    return tasks.sort_values(["jurisdiction", "doc", "begin"]).reset_index(drop=True)


def theme_coverage(tasks: pd.DataFrame) -> pd.DataFrame:
    """Tasks per theme (rows) and jurisdiction (columns)."""
    import pandas as pd

    rows = [(j, th) for j, ths in zip(tasks.jurisdiction, tasks.themes) for th in ths]
    df = pd.DataFrame(rows, columns=["jurisdiction", "theme"])
    return pd.crosstab(df.theme, df.jurisdiction)


def counterparts(tasks: pd.DataFrame, a: str, b: str, *, threshold: float = 0.4, assigned_only: bool = True) -> pd.DataFrame:
    """For each task of jurisdiction ``a``, its most similar task of ``b``: a weighted mean of
    the character 1–2-gram TF-IDF cosine of their title and text and the overlap of their
    themes (shared / fewer; weighted 0.7 and 0.3), for tasks that share a theme, kept when it reaches ``threshold``; with the
    lead and the responsible units and their types side by side. ``compared_role`` says which
    role ``differ`` compares: lead when both tasks name lead units, else responsible when
    both name responsible units (else none, and ``differ`` is false); ``differ`` is true
    where that role's unit types share none. ``assigned_only`` leaves out tasks that name no unit."""
    import numpy as np
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    if assigned_only:
        tasks = tasks[tasks.units.map(len) > 0]
    ta = tasks[tasks.jurisdiction == a].reset_index(drop=True)
    tb = tasks[tasks.jurisdiction == b].reset_index(drop=True)
    side = ["lead_units", "lead_types", "responsible_units", "responsible_types"]
    cols = ["score", "a_key", "a_text", "a_themes", *[f"a_{c}" for c in side], "b_key", "b_text", "b_themes",
            *[f"b_{c}" for c in side], "compared_role", "differ", "a_task", "b_task", "a_doc", "b_doc"]
    if ta.empty or tb.empty:
        return pd.DataFrame(columns=cols)
    docs = [(r.title or "") + r.text for r in ta.itertuples()] + [(r.title or "") + r.text for r in tb.itertuples()]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit(docs)
    sim = cosine_similarity(vec.transform(docs[: len(ta)]), vec.transform(docs[len(ta):]))
    themes_a = [set(x) - set(UNCLASSIFIED_LABELS.values()) for x in ta.themes]
    themes_b = [set(x) - set(UNCLASSIFIED_LABELS.values()) for x in tb.themes]
    overlap = np.array([[len(x & y) / min(len(x), len(y)) if x & y else 0.0 for y in themes_b] for x in themes_a])
    # counterparts share a theme; the score is mostly wording, partly theme overlap
    sim = np.where(overlap > 0, 0.7 * sim + 0.3 * overlap, 0.0)
    rows = []
    for i in range(len(ta)):
        j = int(sim[i].argmax())
        score = float(sim[i, j])
        if score < threshold:
            continue
        ra, rb = ta.iloc[i], tb.iloc[j]
        role = next((r for r in ("lead", "responsible") if ra[f"{r}_types"] and rb[f"{r}_types"]), None)
        rows.append({
            "score": round(score, 3), "a_key": ra.key, "a_text": ra.text, "a_themes": ra.themes,
            **{f"a_{c}": ra[c] for c in side}, "b_key": rb.key, "b_text": rb.text, "b_themes": rb.themes,
            **{f"b_{c}": rb[c] for c in side}, "compared_role": role,
            "differ": bool(role and not set(ra[f"{role}_types"]) & set(rb[f"{role}_types"])),
            "a_task": ra.task, "b_task": rb.task, "a_doc": ra.doc, "b_doc": rb.doc,
        })
    return pd.DataFrame(rows, columns=cols).sort_values("score", ascending=False).reset_index(drop=True)


def unique_tasks(tasks: pd.DataFrame, pairs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Tasks of ``a`` with no counterpart in ``b`` and of ``b`` with none in ``a``."""
    import pandas as pd

    matched = set(pairs.a_task) | set(pairs.b_task)
    out = tasks[tasks.jurisdiction.isin([a, b]) & ~tasks.task.isin(matched)]
    columns = ["jurisdiction", "doc", "key", "title", "text", "themes", "lead_units", "responsible_units", "task"]
    return pd.DataFrame(out[columns]).reset_index(drop=True)


def unit_type_shares(tasks: pd.DataFrame, role: str = "lead") -> pd.DataFrame:
    """For the units of one role (lead by default): the share of each unit type among each
    jurisdiction's (task, type) pairs. A jurisdiction with no unit of that role has no
    column; the table's column axis is named after the role.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"jurisdiction": ["甲县", "乙县"], "lead_types": [["Finance"], []],
    ...                   "responsible_types": [[], ["Finance"]]})
    >>> list(unit_type_shares(t).columns), unit_type_shares(t).columns.name
    (['甲县'], 'jurisdiction (lead units)')
    """
    import pandas as pd

    rows = [(j, ty) for j, tys in zip(tasks.jurisdiction, tasks[f"{role}_types"]) for ty in tys]
    df = pd.DataFrame(rows, columns=["jurisdiction", "unit_type"])
    table = pd.crosstab(df.unit_type, df.jurisdiction)
    table = (table / table.sum()).round(3)
    table.columns.name = f"jurisdiction ({role} units)"
    return table


def division_of_labour(tasks: pd.DataFrame, role: str = "lead") -> pd.DataFrame:
    """Cosine similarity between jurisdictions of their theme × unit-type matrices for one
    role (lead by default: 1 = the same kinds of department lead the same kinds of work);
    only jurisdictions with units of that role take part."""
    import numpy as np
    import pandas as pd

    rows = [(j, th, ty) for j, ths, tys in zip(tasks.jurisdiction, tasks.themes, tasks[f"{role}_types"])
            for th in ths for ty in tys if th not in UNCLASSIFIED_LABELS.values()]
    df = pd.DataFrame(rows, columns=["jurisdiction", "theme", "unit_type"])
    df["cell"] = df.theme + " × " + df.unit_type
    m = pd.crosstab(df.jurisdiction, df.cell)
    v = m.values.astype(float)
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    norm[norm == 0] = 1
    unit = v / norm
    return pd.DataFrame((unit @ unit.T).round(3), index=m.index, columns=m.index)


def summary(tasks: pd.DataFrame, pairs: pd.DataFrame, a: str, b: str) -> list[str]:
    """A few sentences of plain summary generated from the numbers."""
    cov = theme_coverage(tasks[tasks.jurisdiction.isin([a, b])])
    unclassified = cov.loc[cov.index.isin(UNCLASSIFIED_LABELS.values())].sum()
    cov = cov.loc[~cov.index.isin(UNCLASSIFIED_LABELS.values())]
    na, nb = int((tasks.jurisdiction == a).sum()), int((tasks.jurisdiction == b).sum())
    out = [f"{a} has {na} tasks and {b} has {nb}; {len(pairs)} tasks of {a} have a counterpart in {b}."]
    if unclassified.any():
        out.append("Tasks that match no theme's words (unclassified, left out of the themes below; policykg review "
                   f"lists them): {int(unclassified.get(a, 0))} in {a}, {int(unclassified.get(b, 0))} in {b}.")
    if a in cov and b in cov and len(cov):
        both = [t for t in cov.index if cov.at[t, a] and cov.at[t, b]]
        only_a = [t for t in cov.index if cov.at[t, a] and not cov.at[t, b]]
        only_b = [t for t in cov.index if cov.at[t, b] and not cov.at[t, a]]
        out.append(f"Both plans cover {len(both)} themes" + (f"; only {a} covers {', '.join(only_a)}" if only_a else "")
                   + (f"; only {b} covers {', '.join(only_b)}" if only_b else "") + ".")
        if cov[a].max() and cov[b].max():
            top_a, top_b = cov[a].idxmax(), cov[b].idxmax()
            out.append(f"The most frequent theme is {top_a} in {a} ({cov.at[top_a, a]} tasks) and {top_b} in {b} "
                       f"({cov.at[top_b, b]}).")
    for role in ("lead", "responsible"):
        compared = pairs[pairs.compared_role == role] if len(pairs) else pairs
        if len(compared):
            out.append(f"Of the {len(compared)} counterpart pairs where both tasks name {role} units, "
                       f"{int(compared.differ.sum())} differ in the types of their {role} units.")
    for j in (a, b):
        mine = tasks[tasks.jurisdiction == j]
        if len(mine) and not mine.lead_units.map(len).any():
            out.append(f"{j} names no lead unit (its units are {'responsible' if mine.responsible_units.map(len).any() else 'none'}): "
                       "its figures are in the responsible-unit tables.")
    return out


def _figure_png(cov: pd.DataFrame) -> str:
    from policykg.viz import cjk_figure, png_bytes

    with cjk_figure(max(5, 1.2 * cov.shape[1] + 3), 0.35 * cov.shape[0] + 1.5) as fig:
        ax = fig.subplots()
        im = ax.imshow(cov.values, cmap="Blues", aspect="auto")
        ax.set_xticks(range(cov.shape[1]), list(cov.columns), rotation=30, ha="right")
        ax.set_yticks(range(cov.shape[0]), list(cov.index))
        for i in range(cov.shape[0]):
            for j in range(cov.shape[1]):
                ax.text(j, i, str(cov.values[i, j]), ha="center", va="center", fontsize=7)
        fig.colorbar(im, ax=ax, label="tasks")
        return base64.b64encode(png_bytes(fig, dpi=120)).decode()


#: columns that hold ids, keys or short codes: kept narrow, the Chinese text gets the width
_NARROW = ("task", "key", "doc", "score", "differ", "compared_role")


def _table(df: pd.DataFrame, columns: list[str], headers: dict[str, str] | None = None) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, list):
            v = "、".join(map(str, v))
        return html.escape("" if v is None else str(v))

    def cls(c: str) -> str:
        return ' class="id"' if c.endswith(_NARROW) else (' class="text"' if c.endswith("text") else "")

    head = "".join(f"<th{cls(c)}>{html.escape((headers or {}).get(c, c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td{cls(c)}>{cell(r[c])}</td>" for c in columns) + "</tr>" for _, r in df.iterrows())
    return f"<table><tr>{head}</tr>{body}</table>"


def _report_headers(a: str, b: str) -> dict[str, str]:
    """The report's column headers: in Chinese with the English beside, the two sides of a
    comparison named by their jurisdictions (遂溪县 任务 task, 陆河县 牵头单位 lead …)."""
    headers = {f"{x}_{c}": f"{j} {zh} {en}" for x, j in (("a", a), ("b", b)) for c, zh, en in (
        ("doc", "文件", "document"), ("key", "编号", "key"), ("text", "任务", "task"), ("lead_units", "牵头单位", "lead"),
        ("responsible_units", "责任单位", "responsible"), ("task", "任务标识", "task id"))}
    headers.update({"score": "相似度 score", "compared_role": "比较角色 role compared", "differ": "类型不同 differ",
                    "jurisdiction": "辖区 jurisdiction", "doc": "文件 document", "key": "编号 key", "text": "任务 task",
                    "themes": "主题 themes", "lead_units": "牵头单位 lead", "responsible_units": "责任单位 responsible",
                    "task": "任务标识 task id", "theme": "主题 theme", "unit_type": "单位类型 unit type"})
    return headers


def report_html(source: Any, a: str, b: str, *, threshold: float = 0.4, tasks: Any = None, pairs: Any = None) -> str:
    """A self-contained HTML report comparing two jurisdictions (document text escaped).

    ``tasks`` and ``pairs`` may be passed when the caller has already computed
    :func:`task_table` and :func:`counterparts` for the same source and threshold.
    """
    if tasks is None:
        tasks = task_table(source)
    if pairs is None:
        pairs = counterparts(tasks, a, b, threshold=threshold)
    uniq = unique_tasks(tasks, pairs, a, b)
    cov = theme_coverage(tasks[tasks.jurisdiction.isin([a, b])])
    both = tasks[tasks.jurisdiction.isin([a, b])]
    shares = {role: unit_type_shares(both, role).reset_index() for role in ("lead", "responsible")}
    sim = division_of_labour(both)
    score = sim.at[a, b] if a in sim.index and b in sim.index else float("nan")
    headers = _report_headers(a, b)
    parts = [
        f"<h1>{html.escape(a)} · {html.escape(b)}</h1>",
        "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in summary(tasks, pairs, a, b)) + "</ul>",
        f"<p>分工相似度 Division-of-labour similarity (cosine of theme × lead-unit-type matrices): <b>{score:.3f}</b>"
        + ("" if score == score else " (not comparable: one plan names no lead unit)") + "</p>",
        "<h2>主题覆盖 Theme coverage (tasks)</h2>",
        f'<img alt="theme coverage heat-map: themes by {html.escape(a)} and {html.escape(b)}" '
        f'src="data:image/png;base64,{_figure_png(cov)}">',
        _table(cov.reset_index(), ["theme", *[c for c in cov.columns]], headers),
        "<h2>对应任务 Counterpart tasks</h2><p>Each row links to both tasks in the graph; the text is the task's source text.</p>",
        _table(pairs, ["score", "a_doc", "a_key", "a_text", "a_lead_units", "a_responsible_units", "b_doc", "b_key", "b_text",
                       "b_lead_units", "b_responsible_units", "compared_role", "differ", "a_task", "b_task"], headers),
        "<h2>单位类型占比：牵头单位 Unit-type shares: lead units</h2>",
        _table(shares["lead"], list(shares["lead"].columns), headers),
        "<h2>单位类型占比：责任单位 Unit-type shares: responsible units</h2>",
        _table(shares["responsible"], list(shares["responsible"].columns), headers),
        f"<h2>仅一方有的任务 Tasks unique to one plan ({len(uniq)})</h2>",
        _table(uniq, ["jurisdiction", "doc", "key", "text", "themes", "lead_units", "responsible_units", "task"], headers),
    ]
    style = ("body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;margin:2em;max-width:90em}"
             "table{border-collapse:collapse;margin:1em 0;table-layout:auto;width:100%}"
             "td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px;vertical-align:top;overflow-wrap:anywhere}"
             "th.id,td.id{max-width:9em;word-break:break-all;font-size:11px;color:#555}td.text{min-width:18em}"
             "img{max-width:100%}")
    title = html.escape(f"policykg compare: {a} · {b}")
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title><style>{style}</style>'
            f'</head><body>{"".join(parts)}{_LAYOUT_CHECK}</body></html>')


#: counts the elements wider than the window into ``data-wide`` of a hidden status element,
#: so a headless browser can tell whether the page fits (the report's text never runs code)
_LAYOUT_CHECK = (
    '<div id="status" data-wide="" hidden></div><script>window.addEventListener("load",function(){'
    'var w=0;document.querySelectorAll("body *").forEach(function(e){if(e.getBoundingClientRect().right>'
    'document.documentElement.clientWidth+1)w++;});document.getElementById("status").setAttribute("data-wide",String(w));});'
    '</script>'
)


def all_tables(tasks: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables of ``compare --all``, by title: theme coverage, unit-type shares and the
    division-of-labour similarity of every pair of jurisdictions."""
    return {"theme coverage": theme_coverage(tasks),
            **{f"unit-type shares {role}": unit_type_shares(tasks, role) for role in ROLES},
            "division-of-labour similarity": division_of_labour(tasks)}


def check_jurisdictions(tasks: pd.DataFrame, names: Sequence[str], *, where: str) -> None:
    """Raise :class:`UsageError` naming the known jurisdictions when one of ``names`` has no task."""
    known = set(tasks.jurisdiction)
    for j in names:
        if j not in known:
            raise UsageError(f"no jurisdiction {j!r} in {where}; known: {', '.join(sorted(known))}")


def save_report(output: str | Path, source: Any, a: str, b: str, *, threshold: float, tasks: pd.DataFrame,
                pairs: pd.DataFrame, unique: pd.DataFrame) -> list[Path]:
    """Write the HTML report of ``a`` against ``b`` and its tables as CSV files beside it
    (``NAME-counterparts.csv``, ``-unique``, ``-coverage``, ``-lead-shares``, ``-responsible-shares``); the files written."""
    from policykg.atomic import write_text

    output = Path(output)
    written = [write_text(output, report_html(source, a, b, threshold=threshold, tasks=tasks, pairs=pairs))]
    both = tasks[tasks.jurisdiction.isin([a, b])]
    stem = output.with_suffix("")
    for name, df in {"counterparts": pairs, "unique": unique, "coverage": theme_coverage(both),
                     "lead-shares": unit_type_shares(both, "lead"),
                     "responsible-shares": unit_type_shares(both, "responsible")}.items():
        written.append(write_text(f"{stem}-{name}.csv", df.to_csv(index=name in ("coverage", "lead-shares", "responsible-shares"))))
    return written
