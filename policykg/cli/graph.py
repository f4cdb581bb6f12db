"""``policykg`` commands on the knowledge graph: query, sparql, list-queries, units,
validate, serve, push. Registered on the main group by importing this module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from policykg.cli._util import FORMATS, Progress, emit, errors_to_click, main


def _remote(func: Any) -> Any:
    """The options that send a query command to a SPARQL server instead of the embedded store."""
    func = click.option("--password", envvar="POLICYKG_PASSWORD", default=None,
                        help="Password for --endpoint (or set POLICYKG_PASSWORD).")(func)
    func = click.option("--user", default=None, help="User name for --endpoint (HTTP Basic or Digest).")(func)
    func = click.option("--endpoint", default=None, metavar="URL",
                        help="Run on this SPARQL endpoint (after `policykg push`) instead of GRAPH_DIR's store.")(func)
    return func


def _runner(graph_dir: Path, endpoint: str | None, user: str | None, password: str | None,
            memory: bool = False) -> Any:
    """A function (text, bindings) → Result on the embedded store or on a server."""
    if endpoint:
        if memory:
            raise click.UsageError("--memory holds the embedded store in memory: it does not go with --endpoint")
        from policykg.remote import run_remote

        return lambda text, bindings=None: run_remote(endpoint, text, bindings, user=user, password=password)
    from policykg.query import run_store
    from policykg.store import open_store

    store = open_store(graph_dir, read_only=True, memory=memory)
    return lambda text, bindings=None: run_store(store, text, bindings)


def _memory(func: Any) -> Any:
    return click.option("--memory", is_flag=True,
                        help="Copy the store into memory first (when it fits): slower to start, "
                             "much faster on whole-corpus questions.")(func)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"{v!r}: write --param NAME=VALUE", param_hint="--param")
        k, val = v.split("=", 1)
        out[k.strip()] = val
    return out


def _query_text(text: str | None, graph_dir: Path, file: Path | None) -> tuple[str, Path]:
    """The query and the graph of ``sparql`` and ``sql``: with ``--file``, the one
    argument given is the graph (`sparql --file q.rq graph/`)."""
    if file is not None:
        if text is not None:
            graph_dir = Path(text)
        text = file.read_text(encoding="utf-8")
    if not text:
        raise click.UsageError("give a query as an argument or with --file")
    return text, graph_dir


@main.command(name="query")
@click.argument("name")
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-p", "--param", "params", multiple=True, help="A parameter as NAME=VALUE (repeatable).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Labels of unit types, kinds of body and themes: Chinese (the default) or English.")
@click.option("--engine", type=click.Choice(["sparql", "sql"]), default="sparql", show_default=True,
              help="sql: answer from the analysis tables with the query's SQL twin (queries/NAME.sql), "
                   "much faster on a large corpus; the same rows, values without language tags.")
@_memory
@_remote
@errors_to_click
def query_command(name: str, graph_dir: Path, params: tuple[str, ...], fmt: str, output: str | None, lang: str | None,
                  engine: str, memory: bool, endpoint: str | None, user: str | None, password: str | None) -> None:
    """Run a named query (see list-queries); parameters are bound, never pasted into the query.

    Example: policykg query tasks-by-unit --param unit=县财政局 --param jurisdiction=遂溪县 --param role=lead
    """
    from policykg.query import bind_params, format_result, get_query
    from policykg.query.checks import EXISTS, check_values, why_empty

    q = get_query(name)
    values = _params(params)
    if lang and any(p.name == "lang" for p in q.params):
        values["lang"] = lang
    if engine == "sql":
        if endpoint:
            raise click.UsageError("--engine sql reads the graph's tables: it does not go with --endpoint")
        from policykg.query.sql import run_twin

        res = run_twin(graph_dir, name, **values)
        emit(format_result(res, fmt), output)
        if not res.rows:
            click.echo(why_empty(values), err=True)
        return
    bindings = bind_params(q, values)
    run = _runner(graph_dir, endpoint, user, password, memory)
    check_values(run, bindings, exists=EXISTS)
    res = run(q.text, bindings)
    emit(format_result(res, fmt), output)
    if not res.rows and res.boolean is None:
        click.echo(why_empty(values), err=True)


@main.command()
@click.argument("text", required=False)
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-f", "--file", "file", type=click.Path(exists=True, path_type=Path), help="Read the query from a .rq file.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@_memory
@_remote
@errors_to_click
def sparql(text: str | None, graph_dir: Path, file: Path | None, fmt: str, output: str | None, memory: bool,
           endpoint: str | None, user: str | None, password: str | None) -> None:
    """Run a SPARQL SELECT or ASK query on the graph (default graph = union of all documents).

    Example: policykg sparql 'SELECT ?u WHERE { ?t pkg:leadUnit ?x . ?x skos:prefLabel ?u } LIMIT 5' graph/
    """
    from policykg.query import format_result

    text, graph_dir = _query_text(text, graph_dir, file)
    emit(format_result(_runner(graph_dir, endpoint, user, password, memory)(text), fmt), output)


@main.command(name="sql")
@click.argument("text", required=False)
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("-f", "--file", "file", type=click.Path(exists=True, path_type=Path), help="Read the query from a .sql file.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@errors_to_click
def sql_command(text: str | None, graph_dir: Path, file: Path | None, fmt: str, output: str | None) -> None:
    """Run SQL (DuckDB) on the analysis tables: assignments, tasks, units, unit_names, places,
    pairings, milestones, concepts, policy_links, task_links.

    Example: policykg sql "SELECT jurisdiction, count(*) AS n FROM assignments WHERE role = 'lead' GROUP BY 1" graph/
    """
    from policykg.query import format_result
    from policykg.query.sql import run_sql

    text, graph_dir = _query_text(text, graph_dir, file)
    emit(format_result(run_sql(graph_dir, text), fmt), output)


@main.command(name="list-queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@errors_to_click
def list_queries_command(fmt: str) -> None:
    """List the named queries with their titles and parameters."""
    from policykg.query import list_queries

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
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Labels of unit types and kinds of body: Chinese or English.")
@_remote
@errors_to_click
def units(graph_dir: Path, jurisdiction: str | None, fmt: str, lang: str, endpoint: str | None, user: str | None,
          password: str | None) -> None:
    """List every unit with its type, kind, aliases, jurisdiction and task counts,
    then the mentions left for review (units no type rule recognises).

    Example: policykg units graph/ --jurisdiction 遂溪县
    """
    from policykg.query import bind_params, format_result, get_query

    run = _runner(graph_dir, endpoint, user, password)
    params = {"jurisdiction": jurisdiction} if jurisdiction else {}
    q = get_query("units")
    click.echo(format_result(run(q.text, bind_params(q, {**params, "lang": lang})), fmt), nl=False)
    review = get_query("unresolved-mentions")
    res = run(review.text, bind_params(review, params))
    if fmt == "table":
        click.echo(f"\nMentions left for review (no unit type recognised): {len(res.rows) or 'none'}")
        if res.rows:
            click.echo(format_result(res, fmt), nl=False)


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--report", "show", is_flag=True, help="Print the full SHACL report.")
@errors_to_click
def validate(graph_dir: Path, show: bool) -> None:
    """Validate the built graph against the SHACL shapes (ontology/shapes.ttl).

    Example: policykg validate graph/
    """
    from policykg.validate import validate_dir

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
@click.option("--max-memory", default=2048, show_default=True, type=int, help="MB of memory a query process may use.")
@click.option("--max-response-mb", default=64, show_default=True, type=int,
              help="MB of results a query may return (the rest is cut, as past --max-rows).")
@click.option("--workers", default=2, show_default=True, type=int,
              help="Query processes kept ready (more are started, up to four times as many, while all are busy).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header names NAME (a DNS name for the machine); repeatable.")
@click.option("--idle-timeout", default=15.0, show_default=True, type=float,
              help="Seconds a connection may stay silent before it is closed.")
@click.option("--memory", is_flag=True,
              help="Each query process holds a copy of the store in memory (when they fit): slower to "
                   "start, much faster on whole-corpus questions; no spare processes are started.")
@errors_to_click
def serve(graph_dir: Path, host: str, port: int, timeout: float, max_rows: int, max_memory: int, max_response_mb: int,
          workers: int, allow_hosts: tuple[str, ...], idle_timeout: float, memory: bool) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (and a query page at /).

    Example: policykg serve graph/ --port 7878
    """
    import signal

    from policykg.serve import make_server

    server = make_server(graph_dir, host, port, timeout=timeout, max_rows=max_rows, max_memory=max_memory << 20,
                         max_bytes=max_response_mb << 20,
                         workers=workers, max_workers=4 * workers, allow_hosts=allow_hosts, idle_timeout=idle_timeout,
                         memory=memory)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a service manager's stop: the same clean exit as Ctrl-C
    click.echo(f"SPARQL endpoint: http://{host}:{server.server_address[1]}/sparql  (query page: http://{host}:{server.server_address[1]}/ ; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.endpoint.close()  # type: ignore[attr-defined]
        click.echo("stopped", err=True)


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store Protocol service (Virtuoso: http://HOST:8890/sparql-graph-crud-auth).")
@click.option("--sparql", "sparql_url", default=None, metavar="URL",
              help="The server's query endpoint: send only the graphs it lacks, delete those of removed documents.")
@click.option("--user", default=None, help="User name (HTTP Basic or Digest).")
@click.option("--password", envvar="POLICYKG_PASSWORD", default=None, help="Password (or set POLICYKG_PASSWORD).")
@click.option("--threads", default=1, show_default=True, type=int,
              help="Requests in flight at once (more for Fuseki or GraphDB; Virtuoso stalled on concurrent writes).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@errors_to_click
def push(graph_dir: Path, endpoint: str, sparql_url: str | None, user: str | None, password: str | None,
         threads: int, quiet: bool) -> None:
    """Load the graph into a SPARQL 1.1 server (Graph Store HTTP Protocol), one named
    graph per document; then query it with `--endpoint` on query, sparql and units.

    Example: policykg push graph/ --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth
    --sparql http://127.0.0.1:8890/sparql --user dba
    """
    from policykg.remote import push as push_graphs

    bar = Progress(desc="pushing", unit="graph", quiet=quiet)
    try:
        report = push_graphs(graph_dir, endpoint, sparql=sparql_url, user=user, password=password, threads=threads,
                             progress=lambda _iri: bar.step(), on_graphs=bar.start)
    finally:
        bar.close()
    click.echo(
        f"Pushed {graph_dir} to {endpoint}: {len(report.sent)} graph(s) sent ({report.triples} triples), "
        f"{report.unchanged} already there, {len(report.deleted)} deleted, in {report.seconds:.1f} s."
    )
