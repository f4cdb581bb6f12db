"""``policykg`` commands on the knowledge graph: query, sparql, list-queries, units,
validate, serve. Registered on the main group by importing this module."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .cli import FORMATS, _emit, _errors, main


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
