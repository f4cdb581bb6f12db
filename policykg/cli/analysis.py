"""``policykg`` commands for analysis: viz, analyze, export network, compare.
Registered on the main group by importing this module."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policykg.cli._util import errors_to_click, lang_option, main
from policykg.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="HTML file to write (default: GRAPH/html/VIEW-….html).")
@click.option("--view", type=click.Choice(["network", "units", "unit", "place", "chain"]), default="network",
              show_default=True,
              help="network: units and tasks; units: co-responsibility; unit: one unit; place: tasks reaching a place; "
                   "chain: policies, what they implement and the tasks linked across them.")
@click.option("-j", "--jurisdiction", default=None, help="Only this jurisdiction (e.g. 遂溪县).")
@click.option("--unit", default=None, help="For --view unit: the unit (name, abbreviation or alias).")
@click.option("--place", default=None, help="For --view place: a town, street or village.")
@click.option("--top", type=int, default=None, help="Only the N units with the most tasks (and their tasks).")
@click.option("--min-degree", type=int, default=None, help="Only units with at least this many tasks (and their tasks).")
@lang_option
@errors_to_click
def viz(graph_dir: Path, output: Path | None, view: str, jurisdiction: str | None, unit: str | None, place: str | None,
        top: int | None, min_degree: int | None, lang: str) -> None:
    """Write an interactive network view as a self-contained HTML file (opens offline).

    Example: policykg viz graph/ -o graph/html/suixi.html --jurisdiction 遂溪县
    """
    from policykg.viz import render_html, save_html, thin, view_graph

    try:
        G, title = view_graph(graph_dir, view, jurisdiction=jurisdiction, unit=unit, place=place, lang=lang)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    G = thin(G, top=top, min_degree=min_degree)
    if output is None:
        tag = "-".join(x for x in (view, jurisdiction, unit, place) if x)
        output = Path(graph_dir) / "html" / f"{tag}.html"
    save_html(render_html(G, title=title), output)
    click.echo(f"wrote {output} ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)")


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-j", "--jurisdiction", default=None, help="Only this jurisdiction (e.g. 遂溪县).")
@click.option("--top", default=10, show_default=True, type=int, help="Rows per table.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--figures", type=click.Path(path_type=Path), default=None, help="Also write PNG figures into this folder.")
@click.option("--table", "only", default=None, metavar="NAME",
              help="Only this table (workload, centrality, co-lead-pairs, lead-support-pairs, communities, leading-alone).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="With --format csv: a folder to write one CSV file per table into.")
@lang_option
@errors_to_click
def analyze(graph_dir: Path, jurisdiction: str | None, top: int, fmt: str, figures: Path | None, only: str | None,
            output: Path | None, lang: str) -> None:
    """Workload, centrality, co-lead and lead→support pairs, communities, leading alone.

    Example: policykg analyze graph/ --jurisdiction 遂溪县 ;
    policykg analyze graph/ --format csv --table workload
    """
    from policykg.analysis import network as nw

    G = nw.responsibility_graph(graph_dir, jurisdiction=jurisdiction, lang=lang)
    tables = nw.analysis_tables(G)
    echo_tables({slug(k): df.head(top) for k, df in tables.items()}, fmt, only, output, index=False)
    if figures:
        from policykg.viz import heatmap_figure, workload_figure

        where = jurisdiction or "all"
        a = workload_figure(tables["workload"], figures / f"workload-{where}.png", top=top, title=f"workload · {where}")
        b = heatmap_figure(G, figures / f"types-by-section-{where}.png", title=f"unit types × sections · {where}")
        click.echo(f"wrote {a} and {b}", err=True)


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.argument("jurisdictions", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Compare every jurisdiction in the graph.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write an HTML report (and CSV tables next to it); with --all --format csv, a folder of CSV files.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--threshold", default=0.4, show_default=True, type=float, help="Lowest score of a counterpart pair.")
@click.option("--table", "only", default=None, metavar="NAME",
              help="With --all: only this table (theme-coverage, unit-type-shares-lead, -support, -responsible, division-of-labour-similarity).")
@click.option("--copies", type=click.Choice(["once", "both"]), default="once", show_default=True,
              help="once: a table row that restates a body task counts as that task (its units join it); both: apart.")
@lang_option
@errors_to_click
def compare(graph_dir: Path, jurisdictions: tuple[str, ...], all_: bool, output: Path | None, fmt: str, threshold: float,
            only: str | None, copies: str, lang: str) -> None:
    """Compare how jurisdictions divide the same work: themes, counterpart tasks, who leads.

    Examples: policykg compare graph/ 遂溪县 陆河县 ;
    policykg compare graph/ 遂溪县 陆河县 -o compare.html ; policykg compare graph/ --all --format csv -o tables/
    """
    from policykg.analysis import compare as cmp

    tasks = cmp.task_table(graph_dir, lang=lang, copies=copies)
    if all_:
        echo_tables({slug(k): df for k, df in cmp.all_tables(tasks).items()}, fmt, only, output, index=True)
        return
    if len(jurisdictions) != 2:
        raise click.UsageError("name two jurisdictions (e.g. 遂溪县 陆河县) or use --all")
    a, b = jurisdictions
    try:
        cmp.check_jurisdictions(tasks, (a, b), where=str(graph_dir))
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    pairs = cmp.counterparts(tasks, a, b, threshold=threshold)
    uniq = cmp.unique_tasks(tasks, pairs, a, b)
    def who(row: Any, side: str) -> str:  # the role named: 牵头 (lead) units, else 责任 (responsible)
        if row[f"{side}_lead_units"]:
            return "lead: " + "、".join(row[f"{side}_lead_units"])
        return "responsible: " + "、".join(row[f"{side}_responsible_units"]) if row[f"{side}_responsible_units"] else ""

    shown = pairs.assign(a_units=pairs.apply(who, axis=1, side="a") if len(pairs) else [],
                         b_units=pairs.apply(who, axis=1, side="b") if len(pairs) else [],
                         a_text=pairs.a_text.str.slice(0, 24), b_text=pairs.b_text.str.slice(0, 24))
    cols = ["score", "a_key", "a_text", "a_units", "b_key", "b_text", "b_units", "compared_role", "differ"]
    if fmt == "csv":
        click.echo(pairs.drop(columns=["a_task", "b_task"]).to_csv(index=False), nl=False)
    else:
        for line in cmp.summary(tasks, pairs, a, b):
            click.echo(line)
        click.echo(f"\n== counterpart tasks ({a} → {b})")
        click.echo(shown[cols].to_string(index=False) if len(shown) else "(none)")
        click.echo(f"\n== tasks unique to one plan: {int((uniq.jurisdiction == a).sum())} in {a}, "
                   f"{int((uniq.jurisdiction == b).sum())} in {b}")
        click.echo(uniq.assign(text=uniq.text.str.slice(0, 30))[["jurisdiction", "key", "text"]].head(20).to_string(index=False))
    if output:
        written = cmp.save_report(output, graph_dir, a, b, threshold=threshold, tasks=tasks, pairs=pairs, unique=uniq)
        click.echo(f"wrote {', '.join(map(str, written))}", err=True)


def slug(title: str) -> str:
    """A table's name on the command line: ``co-lead pairs`` → ``co-lead-pairs``."""
    return title.split(" or ")[0].replace(" ", "-")


def echo_tables(tables: dict[str, pd.DataFrame], fmt: str, only: str | None, folder: Path | None, *, index: bool) -> None:
    """Print the tables (one, with ``only``); as CSV, one table per file or per output:
    ``only`` names it, or ``folder`` gets a file for each."""
    if only is not None:
        if only not in tables:
            raise click.UsageError(f"no table {only!r}; the tables are: {', '.join(tables)}")
        tables = {only: tables[only]}
    if fmt == "csv" and len(tables) > 1 and folder is None:
        raise click.UsageError(f"a CSV holds one table: give --table NAME ({', '.join(tables)}) or -o FOLDER for a file each")
    if fmt == "csv" and folder is not None:
        from policykg.atomic import write_text

        for name, df in tables.items():
            click.echo(f"wrote {write_text(Path(folder) / f'{name}.csv', df.to_csv(index=index))}", err=True)
        return
    for name, df in tables.items():
        if fmt == "csv":
            click.echo(df.to_csv(index=index), nl=False)
        else:
            click.echo(f"\n== {name}")
            click.echo(df.to_string(index=index) if len(df) else "(none)")
