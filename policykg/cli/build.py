"""``build``, ``inspect`` and ``evaluate``: from documents to a graph, and how well it was read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policykg.cli._util import LIST_AT_MOST, Progress, echo_some, errors_to_click, main, os_error_message

if TYPE_CHECKING:
    from policykg.build import BuildReport


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", default="graph", show_default=True, type=click.Path(path_type=Path),
              help="Graph directory to write.")
@click.option("--encoding", default=None, help="Text encoding of .txt/.html files (default: detect).")
@click.option("--strict", is_flag=True, help="Exit with an error if any file was skipped, any document was not understood "
                                            "or any correction is stale or unusable.")
@click.option("--allow-empty", is_flag=True,
              help="Build even if the inputs hold no document (this empties the graph); without it, that is an error.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--dataset", is_flag=True,
              help="Also write GRAPH/dataset.nq, the whole dataset as N-Quads (else `policykg export dataset` "
                   "makes it when asked; a rebuild need not rewrite it).")
@click.option("-w", "--workers", type=int, default=None, help="Worker processes for extraction (default: all cores).")
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
              help="Extract on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a cluster "
                   "of --workers local processes. Workers need the documents at the same paths.")
@click.option("--corrections", type=click.Path(exists=True, path_type=Path), default=None, metavar="PATH",
              help="A curator's corrections: a CSV file or a folder of *.csv (see `policykg review`), applied to the "
                   "documents they concern, with who/when/why kept as provenance; stale ones are reported.")
@errors_to_click
def build(inputs: tuple[Path, ...], out_dir: Path, encoding: str | None, strict: bool, allow_empty: bool, quiet: bool,
          dataset: bool, workers: int | None, dask_address: str | None, corrections: Path | None) -> None:
    """Build a graph from documents (files or folders of .txt, .html, .docx, .pdf).

    Unchanged documents (same sha256) are not extracted again, and an interrupted build
    resumes where it stopped.

    Example: policykg build data/samples -o graph/
    """
    from contextlib import nullcontext

    from policykg.build import build_corpus

    bar = Progress(desc="building", unit="doc", quiet=quiet)
    if dask_address:
        from policykg.cluster import dask_executor

        pool: Any = dask_executor(dask_address, workers)
    else:
        pool = nullcontext()
    try:
        with pool as executor:
            report = build_corpus(
                inputs, out_dir, encoding=encoding, progress=bar.step, on_files=bar.start, workers=workers, executor=executor,
                allow_empty=allow_empty, dataset=dataset, corrections=corrections,
            )
    except OSError as exc:
        raise click.ClickException(
            os_error_message(exc) + ". The documents this build finished are kept and are not extracted again"
        ) from None
    finally:
        bar.close()
    echo_summary(report, out_dir)
    unusable = len(report.corrections.stale) + len(report.corrections.problems)
    if strict and (report.skipped or report.not_understood or unusable):
        raise click.ClickException(
            f"{len(report.skipped)} file(s) were skipped, {len(report.not_understood)} document(s) "
            f"not understood and {unusable} correction(s) stale or unusable (--strict)"
        )


def echo_summary(report: BuildReport, out_dir: Path) -> None:
    """The build's summary: counts, then each document, skipped file, warning and document not understood."""
    click.echo(
        f"Built {out_dir}: {len(report.documents)} documents ({len(report.processed)} processed, "
        f"{len(report.unchanged)} unchanged), {report.tasks} tasks"
        + (f" ({report.restating} table rows restate body tasks)" if report.restating else "")
        + f", {report.assignments} assignments "
        f"in {report.seconds:.1f} s."
    )
    if report.chain.policies:
        cited = len(report.chain.policies)
        click.echo(f"Policy chain: {cited} higher-level document(s) cited, {report.chain.in_corpus} of them in the "
                   f"corpus; {len(report.chain.tasks)} task(s) linked to the task they carry out "
                   f"(policykg query implementing-policies / task-decomposition).")
    if report.unclassified:
        click.echo(f"Themes: {report.unclassified} of {report.tasks} tasks match no theme's words (th:Unclassified; "
                   f"policykg review lists them).")
    fixes = report.corrections
    if fixes.applied or fixes.stale or fixes.problems:
        click.echo(f"Corrections: {len(fixes.applied)} applied ({len(fixes.reanchored)} re-anchored after the document "
                   f"changed), {len(fixes.stale)} stale, {len(fixes.problems)} unusable "
                   f"(policykg query corrections shows before and after).")
    if len(report.documents) <= LIST_AT_MOST:
        for d in report.documents:
            check = "" if d.understood and d.coverage >= 1.0 else (
                "  NOT UNDERSTOOD (see policykg inspect)" if not d.understood
                else f"  (coverage {d.coverage:.2f}: {d.leftovers} leftover(s))")
            again = f" ({d.restating} table rows restate body tasks)" if d.restating else ""
            click.echo(f"  {d.name}: {d.tasks} tasks{again}, {d.assignments} assignments{check}")
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} file(s):")
        echo_some(f"  {p.path}: {p.message}" for p in report.skipped)
    warnings = [p for p in report.problems if p.severity == "warning"]
    if warnings:
        click.echo(f"{len(warnings)} warning(s):")
        echo_some(f"  {p.path}: {p.message}" for p in warnings)
    if report.not_understood:
        click.echo(f"{len(report.not_understood)} document(s) not understood: responsibility markers but no task "
                   f"assigns a unit. `policykg inspect FILE` shows how each was read:")
        echo_some(f"  {d.name}" for d in report.not_understood)
    click.echo(f"Manifest: {Path(out_dir) / 'manifest.json'}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--encoding", default=None, help="Text encoding of a .txt/.html file (default: detected).")
@errors_to_click
def inspect(file: Path, encoding: str | None) -> None:
    """Show how a document was read: its outline, each task's span, clauses, roles and
    units, and the clauses that govern no task.

    Example: policykg inspect data/samples/luhe-2021-old-areas-work-plan.txt
    """
    from policykg.inspect import inspect_document
    from policykg.pipeline.ingest import read_document

    click.echo(inspect_document(read_document(file, encoding=encoding)))


@main.command()
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, path_type=Path),
              help="Folder of *.gold.json files (or one file).")
@click.argument("source", type=click.Path(exists=True, path_type=Path), default="graph")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--errors", "show_errors", is_flag=True, help="List every false positive and negative.")
@click.option("--corrections", "when", type=click.Choice(["after", "before", "both"]), default="after", show_default=True,
              help="For a graph built with --corrections: score it after the corrections, before them (as the "
                   "pipeline read the documents), or both, side by side.")
@errors_to_click
def evaluate(gold_dir: Path, source: Path, fmt: str, show_errors: bool, when: str) -> None:
    """Score a built graph (or an `export assignments` file) against gold annotations.

    Example: policykg evaluate --gold tests/golden/ graph/
    """
    from policykg.evaluate import evaluate as run
    from policykg.evaluate import format_scores, tasks_from_extraction, tasks_from_rows
    from policykg.export import read_rows

    stages = ("before", "after") if when == "both" else (when,)
    rows: list[dict[str, Any]] = []
    for stage in stages:
        if source.is_dir():
            from policykg.graphdir import load_extractions

            project = {e.doc: tasks_from_extraction(e) for e in load_extractions(source, original=stage == "before")}
        else:
            fmt_in = "csv" if source.suffix.lower() == ".csv" else "jsonl"
            project = tasks_from_rows(read_rows(source.read_text(encoding="utf-8"), fmt_in))
        result = run(gold_dir, project)
        table = result.table()
        if fmt == "table":
            click.echo((f"{stage} corrections:\n" if len(stages) > 1 else "") + format_scores(table))
        rows += [{"corrections": stage, **r} if len(stages) > 1 else r for r in table]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from policykg.export import to_csv

        click.echo(to_csv(rows, tuple(rows[0])), nl=False)
    for name in result.missing:
        click.echo(f"warning: {name} has gold but is not in {source}", err=True)
    if show_errors:
        for d in result.documents:
            if d.errors:
                click.echo(f"\n== {d.doc}")
                click.echo("\n".join(d.errors))


@main.command()
@click.argument("graph_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default="graph")
@click.option("-o", "--out", "out_file", default="review.csv", show_default=True, type=click.Path(path_type=Path),
              help="The review file to write (CSV, UTF-8 with a byte-order mark so spreadsheets read the Chinese).")
@click.option("--doc", "docs", multiple=True, metavar="NAME",
              help="Also list every assignment of this document (its name in the manifest); repeatable.")
@errors_to_click
def review(graph_dir: Path, out_file: Path, docs: tuple[str, ...]) -> None:
    """Write what most needs a human look to a CSV, one row each, with the source words and
    the columns of a correction: fill in action, who, when and why, save the rows under
    corrections/, and build with --corrections corrections/.

    Example: policykg review graph/ -o review.csv --doc luhe-2021-old-areas-work-plan.txt
    """
    from collections import Counter

    from policykg.atomic import write_text
    from policykg.curate import REVIEW_COLUMNS, review_rows
    from policykg.errors import UsageError
    from policykg.export import to_csv
    from policykg.graphdir import load_extractions
    from policykg.pipeline.correct import ACTIONS

    extractions = load_extractions(graph_dir)
    unknown = sorted(set(docs) - {e.doc for e in extractions})
    if unknown:
        raise UsageError(f"no document {', '.join(unknown)} in {graph_dir}; the names are those of "
                         f"{graph_dir / 'manifest.json'} (for example {extractions[0].doc if extractions else '—'})")
    rows = review_rows(extractions, everything=docs)
    write_text(out_file, "\ufeff" + to_csv(rows, REVIEW_COLUMNS))
    kinds = Counter(r["issue"].split(":")[0] for r in rows)
    click.echo(f"Wrote {len(rows)} row(s) to review to {out_file}"
               + (": " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) if rows else "") + ".")
    click.echo(f"Fill in action ({', '.join(ACTIONS)}), value, who, when and why "
               "on the rows to change; then build with --corrections.")
