"""The ``policykg`` command. Each command parses options, calls one library
function and formats its result; errors become ``click.ClickException``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import PolicyKGError

F = TypeVar("F", bound=Callable[..., Any])


def _errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PolicyKGError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _emit(content: str | bytes, output: str | Path | None) -> None:
    """Write a result to a file (atomically) or to standard output."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    if output:
        from .atomic import write_text

        write_text(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykg")
def main() -> None:
    """Build and query a knowledge graph of who is responsible for what in policy documents."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", default="graph", show_default=True, type=click.Path(path_type=Path),
              help="Graph directory to write.")
@click.option("--encoding", default=None, help="Text encoding of .txt/.html files (default: detect).")
@click.option("--strict", is_flag=True, help="Exit with an error if any file was skipped.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-w", "--workers", type=int, default=None, help="Worker processes for extraction (default: all cores).")
@_errors
def build(inputs: tuple[Path, ...], out_dir: Path, encoding: str | None, strict: bool, quiet: bool, workers: int | None) -> None:
    """Build a graph from documents (files or folders of .txt, .html, .docx, .pdf).

    Example: policykg build data/samples -o graph/
    """
    from tqdm import tqdm

    from .build import build_corpus

    bar: Any = None

    def on_files(n: int) -> None:
        nonlocal bar
        bar = tqdm(total=n, unit="doc", desc="building", disable=quiet, file=sys.stderr)

    def progress(name: str) -> None:
        bar.set_postfix_str(name[-30:], refresh=False)
        bar.update(1)

    report = build_corpus(inputs, out_dir, encoding=encoding, progress=progress, on_files=on_files, workers=workers)
    if bar is not None:
        bar.close()
    click.echo(
        f"Built {out_dir}: {len(report.documents)} documents ({len(report.processed)} processed, "
        f"{len(report.unchanged)} unchanged), {report.tasks} tasks, {report.assignments} assignments "
        f"in {report.seconds:.1f} s."
    )
    for d in report.documents:
        click.echo(f"  {d.name}: {d.tasks} tasks, {d.assignments} assignments")
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} file(s):")
        for p in report.skipped:
            click.echo(f"  {p.path}: {p.message}")
    warnings = [p for p in report.problems if p.severity == "warning"]
    if warnings:
        click.echo(f"{len(warnings)} warning(s):")
        for p in warnings:
            click.echo(f"  {p.path}: {p.message}")
    click.echo(f"Manifest: {Path(out_dir) / 'manifest.json'}")
    if strict and report.skipped:
        raise click.ClickException(f"{len(report.skipped)} file(s) were skipped (--strict)")


@main.group()
def export() -> None:
    """Export tables (assignments, places, pairings) from a built graph."""


def _export_command(kind: str) -> None:
    from . import export as ex

    rows_fn, fields = {
        "assignments": (ex.assignment_rows, ex.ASSIGNMENT_FIELDS),
        "places": (ex.place_rows, ex.PLACE_FIELDS),
        "pairings": (ex.pairing_rows, ex.PAIRING_FIELDS),
    }[kind]

    @export.command(name=kind, help=f"Export {kind} as JSON Lines or CSV.\n\nExample: policykg export {kind} graph/ --format csv")
    @click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
    @click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
    @click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
    @_errors
    def command(graph_dir: Path, fmt: str, output: str | None) -> None:
        from .build import load_extractions

        rows = list(rows_fn(load_extractions(graph_dir)))
        _emit(ex.to_jsonl(rows) if fmt == "jsonl" else ex.to_csv(rows, fields), output)


for _kind in ("assignments", "places", "pairings"):
    _export_command(_kind)


@export.command(name="dataset")
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "turtle", "jsonld"]), default="trig", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@_errors
def export_dataset(graph_dir: Path, fmt: str, output: str | None) -> None:
    """Export the RDF dataset as TriG, N-Quads, Turtle (graphs merged) or JSON-LD.

    Example: policykg export dataset graph/ --format turtle -o policykg.ttl
    """
    from .store import dataset_bytes

    _emit(dataset_bytes(graph_dir, fmt), output)


@main.command()
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, path_type=Path),
              help="Folder of *.gold.json files (or one file).")
@click.argument("source", type=click.Path(exists=True, path_type=Path), default="graph")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--errors", "show_errors", is_flag=True, help="List every false positive and negative.")
@_errors
def evaluate(gold_dir: Path, source: Path, fmt: str, show_errors: bool) -> None:
    """Score a built graph (or an `export assignments` file) against gold annotations.

    Example: policykg evaluate --gold tests/golden/ graph/
    """
    from .evaluate import evaluate as run
    from .evaluate import tasks_from_extraction, tasks_from_rows
    from .export import read_rows

    if source.is_dir():
        from .build import load_extractions

        project = {e.doc: tasks_from_extraction(e) for e in load_extractions(source)}
    else:
        fmt_in = "csv" if source.suffix.lower() == ".csv" else "jsonl"
        project = tasks_from_rows(read_rows(source.read_text(encoding="utf-8"), fmt_in))
    result = run(gold_dir, project)
    rows = result.table()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from .export import to_csv

        click.echo(to_csv(rows, tuple(rows[0])), nl=False)
    else:
        click.echo(format_scores(rows))
    for name in result.missing:
        click.echo(f"warning: {name} has gold but is not in {source}", err=True)
    if show_errors:
        for d in result.documents:
            if d.errors:
                click.echo(f"\n== {d.doc}")
                click.echo("\n".join(d.errors))


FORMATS = click.Choice(["table", "csv", "tsv", "json"])


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"{v!r}: write --param NAME=VALUE", param_hint="--param")
        k, val = v.split("=", 1)
        out[k.strip()] = val
    return out


@main.command(name="query")
@click.argument("name")
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-p", "--param", "params", multiple=True, help="A parameter as NAME=VALUE (repeatable).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@_errors
def query_command(name: str, graph_dir: Path, params: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Run a named query (see list-queries); parameters are bound, never pasted into the query.

    Example: policykg query tasks-by-unit --param unit=县财政局 --param jurisdiction=遂溪县 --param role=lead
    """
    from .query import bind_params, format_result, get_query, run_store
    from .store import open_store

    q = get_query(name)
    res = run_store(open_store(graph_dir, read_only=True), q.text, bind_params(q, _params(params)))
    _emit(format_result(res, fmt), output)


@main.command()
@click.argument("text", required=False)
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-f", "--file", "file", type=click.Path(exists=True, path_type=Path), help="Read the query from a .rq file.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@_errors
def sparql(text: str | None, graph_dir: Path, file: Path | None, fmt: str, output: str | None) -> None:
    """Run a SPARQL SELECT or ASK query on the graph (default graph = union of all documents).

    Example: policykg sparql 'SELECT ?u WHERE { ?t pkg:leadUnit ?x . ?x skos:prefLabel ?u } LIMIT 5' graph/
    """
    from .query import format_result, run_store
    from .store import open_store

    if file is not None:
        if text is not None:  # `sparql --file q.rq graph/`: the one argument is the graph
            graph_dir = Path(text)
        text = file.read_text(encoding="utf-8")
    if not text:
        raise click.UsageError("give a query as an argument or with --file")
    _emit(format_result(run_store(open_store(graph_dir, read_only=True), text), fmt), output)


@main.command(name="list-queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_errors
def list_queries_command(fmt: str) -> None:
    """List the named queries with their titles and parameters."""
    from .query import list_queries

    qs = list_queries()
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "title": q.title, "description": q.description,
                                "params": [{"name": p.name, "required": p.required, "note": p.note} for p in q.params]}
                               for q in qs], ensure_ascii=False, indent=1))
        return
    for q in qs:
        params = ", ".join(f"{p.name}{'' if p.required else '?'}" for p in q.params)
        click.echo(f"{q.name:28} {q.title}" + (f"  [{params}]" if params else ""))


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-j", "--jurisdiction", default=None, help="Only this jurisdiction (e.g. 遂溪县).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@_errors
def units(graph_dir: Path, jurisdiction: str | None, fmt: str) -> None:
    """List every unit with its type, kind, aliases, jurisdiction and task counts,
    then the mentions left for review (units no type rule recognises).

    Example: policykg units graph/ --jurisdiction 遂溪县
    """
    from .query import bind_params, format_result, get_query, run_store
    from .store import open_store

    store = open_store(graph_dir, read_only=True)
    params = {"jurisdiction": jurisdiction} if jurisdiction else {}
    q = get_query("units")
    click.echo(format_result(run_store(store, q.text, bind_params(q, params)), fmt), nl=False)
    review = get_query("unresolved-mentions")
    res = run_store(store, review.text, bind_params(review, params))
    if fmt == "table":
        click.echo(f"\nMentions left for review (no unit type recognised): {len(res.rows) or 'none'}")
        if res.rows:
            click.echo(format_result(res, fmt), nl=False)


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--report", "show", is_flag=True, help="Print the full SHACL report.")
@_errors
def validate(graph_dir: Path, show: bool) -> None:
    """Validate the built graph against the SHACL shapes (ontology/shapes.ttl).

    Example: policykg validate graph/
    """
    from .validate import validate_dir

    v = validate_dir(graph_dir)
    if show or not v.conforms:
        click.echo(v.report)
    click.echo(f"{graph_dir}: {'conforms' if v.conforms else f'does not conform ({v.violations} violations)'}")
    if not v.conforms:
        raise SystemExit(1)


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Rows returned at most per query.")
@_errors
def serve(graph_dir: Path, host: str, port: int, timeout: float, max_rows: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (and a query page at /).

    Example: policykg serve graph/ --port 7878
    """
    from .serve import make_server

    server = make_server(graph_dir, host, port, timeout=timeout, max_rows=max_rows)
    click.echo(f"SPARQL endpoint: http://{host}:{server.server_address[1]}/sparql  (query page: http://{host}:{server.server_address[1]}/ ; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.endpoint.close()  # type: ignore[attr-defined]


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="HTML file to write (default: GRAPH/html/VIEW-….html).")
@click.option("--view", type=click.Choice(["network", "units", "unit", "place"]), default="network", show_default=True,
              help="network: units and tasks; units: co-responsibility; unit: one unit; place: tasks reaching a place.")
@click.option("-j", "--jurisdiction", default=None, help="Only this jurisdiction (e.g. 遂溪县).")
@click.option("--unit", default=None, help="For --view unit: the unit (name, abbreviation or alias).")
@click.option("--place", default=None, help="For --view place: a town, street or village.")
@_errors
def viz(graph_dir: Path, output: Path | None, view: str, jurisdiction: str | None, unit: str | None, place: str | None) -> None:
    """Write an interactive network view as a self-contained HTML file (opens offline).

    Example: policykg viz graph/ -o graph/html/suixi.html --jurisdiction 遂溪县
    """
    from .viz import render_html, save_html, view_graph

    try:
        G, title = view_graph(graph_dir, view, jurisdiction=jurisdiction, unit=unit, place=place)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
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
@_errors
def analyze(graph_dir: Path, jurisdiction: str | None, top: int, fmt: str, figures: Path | None) -> None:
    """Workload, centrality, co-lead and lead→support pairs, communities, leading alone.

    Example: policykg analyze graph/ --jurisdiction 遂溪县
    """
    from . import network as nw

    G = nw.responsibility_graph(graph_dir, jurisdiction=jurisdiction)
    H = nw.co_responsibility_graph(G)
    comm = nw.communities(H)
    tables = {
        "workload": nw.workload(G).drop(columns=["id"]),
        "centrality": nw.centrality(H).drop(columns=["id"]),
        "co-lead pairs": nw.pairs(G, kind="co-lead"),
        "lead-support pairs": nw.pairs(G, kind="lead-support"),
        "communities": comm.drop(columns=["id"]) if "id" in comm else comm,
        "leading alone or with support": nw.lead_alone(G),
    }
    for name, df in tables.items():
        if fmt == "csv":
            click.echo(f"# {name}")
            click.echo(df.head(top).to_csv(index=False), nl=False)
        else:
            click.echo(f"\n== {name}")
            click.echo(df.head(top).to_string(index=False) if len(df) else "(none)")
    if figures:
        from .viz import heatmap_figure, workload_figure

        where = jurisdiction or "all"
        a = workload_figure(tables["workload"], figures / f"workload-{where}.png", top=top, title=f"workload · {where}")
        b = heatmap_figure(G, figures / f"types-by-section-{where}.png", title=f"unit types × sections · {where}")
        click.echo(f"wrote {a} and {b}", err=True)


@export.command(name="network")
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv"]), default="graphml", show_default=True)
@click.option("--view", type=click.Choice(["network", "units"]), default="network", show_default=True,
              help="network: unit–task edges with roles; units: unit–unit co-responsibility.")
@click.option("-j", "--jurisdiction", default=None)
@click.option("-o", "--output", default=None, help="File to write (default: standard output).")
@_errors
def export_network(graph_dir: Path, fmt: str, view: str, jurisdiction: str | None, output: str | None) -> None:
    """Export the network for Gephi, igraph or R: GraphML, GEXF or a CSV edge list.

    Example: policykg export network graph/ --format graphml -o suixi.graphml
    """
    from .netio import network_bytes
    from .network import co_responsibility_graph, responsibility_graph

    G = responsibility_graph(graph_dir, jurisdiction=jurisdiction)
    if view == "units":
        G = co_responsibility_graph(G)
    _emit(network_bytes(G, fmt), output)


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.argument("jurisdictions", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Compare every jurisdiction in the graph.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write an HTML report (and CSV tables next to it).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--threshold", default=0.4, show_default=True, type=float, help="Lowest score of a counterpart pair.")
@_errors
def compare(graph_dir: Path, jurisdictions: tuple[str, ...], all_: bool, output: Path | None, fmt: str, threshold: float) -> None:
    """Compare how jurisdictions divide the same work: themes, counterpart tasks, who leads.

    Examples: policykg compare graph/ 遂溪县 陆河县 ;
    policykg compare graph/ 遂溪县 陆河县 -o compare.html ; policykg compare graph/ --all --format csv
    """
    from . import compare as cmp

    tasks = cmp.task_table(graph_dir)
    if all_:
        tables = {"theme coverage": cmp.theme_coverage(tasks), "unit-type shares": cmp.unit_type_shares(tasks),
                  "division-of-labour similarity": cmp.division_of_labour(tasks)}
        for name, df in tables.items():
            click.echo(f"# {name}" if fmt == "csv" else f"\n== {name}")
            click.echo(df.to_csv() if fmt == "csv" else df.to_string(), nl=fmt != "csv")
        return
    if len(jurisdictions) != 2:
        raise click.UsageError("name two jurisdictions (e.g. 遂溪县 陆河县) or use --all")
    a, b = jurisdictions
    known = set(tasks.jurisdiction)
    for j in (a, b):
        if j not in known:
            raise click.UsageError(f"no jurisdiction {j!r} in {graph_dir}; known: {', '.join(sorted(known))}")
    pairs = cmp.counterparts(tasks, a, b, threshold=threshold)
    uniq = cmp.unique_tasks(tasks, pairs, a, b)
    shown = pairs.assign(a_lead=pairs.a_lead_units.map("、".join), b_lead=pairs.b_lead_units.map("、".join),
                         a_text=pairs.a_text.str.slice(0, 24), b_text=pairs.b_text.str.slice(0, 24))
    cols = ["score", "a_key", "a_text", "a_lead", "b_key", "b_text", "b_lead", "differ"]
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
        from .atomic import write_text

        write_text(output, cmp.report_html(graph_dir, a, b, threshold=threshold))
        stem = output.with_suffix("")
        for name, df in {"counterparts": pairs, "unique": uniq, "coverage": cmp.theme_coverage(tasks[tasks.jurisdiction.isin([a, b])]),
                         "shares": cmp.unit_type_shares(tasks[tasks.jurisdiction.isin([a, b])])}.items():
            write_text(f"{stem}-{name}.csv", df.to_csv(index=name in ("coverage", "shares")))
        click.echo(f"wrote {output} and {stem}-*.csv", err=True)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_scores(rows: list[dict[str, Any]]) -> str:
    """The evaluation table as aligned text (role-aware P/R/F1, unit-only F1, task recall;
    a role with no gold assignments in a document shows ``-``)."""
    head = ("document", "P", "R", "F1", "unit F1", "task R", "lead F1", "supp F1", "resp F1", "gold")
    lines = [head]
    for r in rows:
        lines.append((
            r["doc"], f"{r['P']:.3f}", f"{r['R']:.3f}", f"{r['F1']:.3f}", f"{r['unit_F1']:.3f}",
            f"{r['task_recall']:.3f}", *(_f(r[f"{role}_F1"]) for role in ("lead", "support", "responsible")),
            str(r["gold_assignments"]),
        ))
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(head))]
    out = []
    for n, row in enumerate(lines):
        if n == len(lines) - 1:
            out.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
        out.append("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    main()
