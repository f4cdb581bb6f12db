"""``export``: tables, the RDF dataset and networks out of a built graph."""

from __future__ import annotations

from pathlib import Path

import click

from policykg.cli._util import emit, errors_to_click, lang_option, main


@main.group()
def export() -> None:
    """Export tables (assignments, tasks, units, places, pairings, corrections) and the dataset from a built graph."""


def _export_command(kind: str) -> None:
    from policykg import export as ex

    rows_fn, fields = ex.EXPORTS[kind]

    @export.command(name=kind, help=f"Export {kind} as JSON Lines or CSV.\n\nExample: policykg export {kind} graph/ --format csv")
    @click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
    @click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
    @click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
    @click.option("--corrections", "when", type=click.Choice(["after", "before"]), default="after", show_default=True,
                  help="For a graph built with --corrections: the table after them, or before them (as the pipeline "
                       "read the documents), to set beside each other.")
    @errors_to_click
    def command(graph_dir: Path, fmt: str, output: str | None, when: str) -> None:
        from policykg.graphdir import load_extractions

        rows = list(rows_fn(load_extractions(graph_dir, original=when == "before")))
        emit(ex.to_jsonl(rows) if fmt == "jsonl" else ex.to_csv(rows, fields), output)


for _kind in ("assignments", "tasks", "units", "places", "pairings", "corrections"):
    _export_command(_kind)


@export.command(name="dataset")
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "turtle", "jsonld"]), default="trig", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
@errors_to_click
def export_dataset(graph_dir: Path, fmt: str, output: str | None) -> None:
    """Export the RDF dataset as TriG, N-Quads, Turtle (graphs merged) or JSON-LD.

    Example: policykg export dataset graph/ --format turtle -o policykg.ttl
    """
    from policykg.dataset import dataset_bytes

    emit(dataset_bytes(graph_dir, fmt), output)


@export.command(name="network")
@click.argument("graph_dir", type=click.Path(path_type=Path), default="graph")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv"]), default="graphml", show_default=True)
@click.option("--view", type=click.Choice(["network", "units"]), default="network", show_default=True,
              help="network: unit–task edges with roles; units: unit–unit co-responsibility.")
@click.option("-j", "--jurisdiction", default=None, help="Only this jurisdiction (e.g. 遂溪县), as viz -j draws it.")
@click.option("--table", type=click.Choice(["edges", "nodes"]), default="edges", show_default=True,
              help="With --format csv: the edge list, or the node table (labels, kinds, types).")
@click.option("-o", "--output", default=None, help="File to write (default: standard output).")
@lang_option
@errors_to_click
def export_network(graph_dir: Path, fmt: str, view: str, jurisdiction: str | None, table: str, output: str | None,
                   lang: str) -> None:
    """Export the network for Gephi, igraph or R: GraphML, GEXF or a CSV edge list.

    Example: policykg export network graph/ --format graphml -o suixi.graphml
    """
    from policykg.analysis.netio import network_bytes
    from policykg.analysis.network import co_responsibility_graph, responsibility_graph

    G = responsibility_graph(graph_dir, jurisdiction=jurisdiction, lang=lang)
    if view == "units":
        G = co_responsibility_graph(G)
    emit(network_bytes(G, fmt, table=table), output)
