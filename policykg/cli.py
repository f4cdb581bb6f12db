"""The ``policykg`` command. Each command parses options, calls one library
function and formats its result; errors become ``click.ClickException``."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import InputError, PolicyKGError

F = TypeVar("F", bound=Callable[..., Any])


def _errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            raise click.UsageError(str(exc)) from None
        except PolicyKGError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # output piped into a reader that stopped (| head): nothing to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:  # the machine's trouble (full disk, permissions), not a bug to trace
            raise click.ClickException(os_error_message(exc)) from None

    return wrapper  # type: ignore[return-value]


def os_error_message(exc: OSError) -> str:
    """One line for an operating-system error: the file, what happened, what to do."""
    import errno

    where = f"{exc.filename}: " if exc.filename else ""
    what = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        todo = "Free some space (or build into another directory with -o) and run it again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        todo = "Check that you may write there (or build into another directory with -o)"
    else:
        todo = "Check the file and the disk, and run it again"
    return f"{where}{what}. {todo}"


FORMATS = click.Choice(["table", "csv", "tsv", "json"])


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
@click.option("--strict", is_flag=True, help="Exit with an error if any file was skipped or any document was not understood.")
@click.option("--allow-empty", is_flag=True,
              help="Build even if the inputs hold no document (this empties the graph); without it, that is an error.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-w", "--workers", type=int, default=None, help="Worker processes for extraction (default: all cores).")
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
              help="Extract on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a cluster "
                   "of --workers local processes. Workers need the documents at the same paths.")
@_errors
def build(inputs: tuple[Path, ...], out_dir: Path, encoding: str | None, strict: bool, allow_empty: bool, quiet: bool,
          workers: int | None, dask_address: str | None) -> None:
    """Build a graph from documents (files or folders of .txt, .html, .docx, .pdf).

    Unchanged documents (same sha256) are not extracted again, and an interrupted build
    resumes where it stopped.

    Example: policykg build data/samples -o graph/
    """
    from contextlib import nullcontext

    from tqdm import tqdm

    from .build import build_corpus

    # What is imported by now (spaCy, rdflib, the rules) lives as long as this process:
    # move it out of the cyclic collector's sight, so that the collections the build's
    # allocations set off do not scan that heap again and again (one full collection
    # of it costs about as much as extracting a sample document).
    gc.freeze()
    bar: Any = None

    def on_files(n: int) -> None:
        nonlocal bar
        bar = tqdm(total=n, unit="doc", desc="building", disable=quiet, file=sys.stderr)

    def progress(name: str) -> None:
        bar.set_postfix_str(name[-30:], refresh=False)
        bar.update(1)

    if dask_address:
        from .cluster import dask_executor

        pool: Any = dask_executor(dask_address, workers)
    else:
        pool = nullcontext()
    try:
        with pool as executor:
            report = build_corpus(
                inputs, out_dir, encoding=encoding, progress=progress, on_files=on_files, workers=workers, executor=executor,
                allow_empty=allow_empty,
            )
    except OSError as exc:
        raise click.ClickException(
            os_error_message(exc) + ". The documents this build finished are kept and are not extracted again"
        ) from None
    if bar is not None:
        bar.close()
    click.echo(
        f"Built {out_dir}: {len(report.documents)} documents ({len(report.processed)} processed, "
        f"{len(report.unchanged)} unchanged), {report.tasks} tasks, {report.assignments} assignments "
        f"in {report.seconds:.1f} s."
    )
    if len(report.documents) <= LIST_AT_MOST:
        for d in report.documents:
            check = "" if d.understood and d.coverage >= 1.0 else (
                "  NOT UNDERSTOOD (see policykg inspect)" if not d.understood
                else f"  (coverage {d.coverage:.2f}: {d.leftovers} leftover(s))")
            click.echo(f"  {d.name}: {d.tasks} tasks, {d.assignments} assignments{check}")
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} file(s):")
        _some(f"  {p.path}: {p.message}" for p in report.skipped)
    warnings = [p for p in report.problems if p.severity == "warning"]
    if warnings:
        click.echo(f"{len(warnings)} warning(s):")
        _some(f"  {p.path}: {p.message}" for p in warnings)
    if report.not_understood:
        click.echo(f"{len(report.not_understood)} document(s) not understood: responsibility markers but no task "
                   f"assigns a unit. `policykg inspect FILE` shows how each was read:")
        _some(f"  {d.name}" for d in report.not_understood)
    click.echo(f"Manifest: {Path(out_dir) / 'manifest.json'}")
    if strict and (report.skipped or report.not_understood):
        raise click.ClickException(
            f"{len(report.skipped)} file(s) were skipped and {len(report.not_understood)} document(s) "
            f"not understood (--strict)"
        )


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--encoding", default=None, help="Text encoding of a .txt/.html file (default: detected).")
@_errors
def inspect(file: Path, encoding: str | None) -> None:
    """Show how a document was read: its outline, each task's span, clauses, roles and
    units, and the clauses that govern no task.

    Example: policykg inspect data/samples/luhe-2021-old-areas-work-plan.txt
    """
    from .ingest import read_document
    from .inspect import inspect_document

    click.echo(inspect_document(read_document(file, encoding=encoding)))


#: a build lists its documents, skipped files and warnings one per line up to this many
LIST_AT_MOST = 50


def _some(lines: Any) -> None:
    lines = list(lines)
    for line in lines[:LIST_AT_MOST]:
        click.echo(line)
    if len(lines) > LIST_AT_MOST:
        click.echo(f"  … and {len(lines) - LIST_AT_MOST} more (all are listed in manifest.json)")


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


# the other commands register themselves on `main` and `export`
from . import cli_analysis, cli_graph  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    main()
