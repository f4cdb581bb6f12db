"""Build a graph directory from a folder of documents.

Reads every supported file, extracts it, and writes ``extractions/*.json``
(one per document) and ``manifest.json``. A file that cannot be read is
recorded as a problem and skipped; the rest of the corpus is still built.
Every output file is written atomically (a temporary file, then a rename),
and the manifest last, so an interrupted build leaves the previous graph usable.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import stat
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from policykg import __version__
from policykg.atomic import write_text
from policykg.chain import CHAIN_GRAPH, Chain, ChainDocument, ChainTask, chain_nquads, corpus_chain
from policykg.curate import CorrectionReport, Corrections, correction_report, corrections_digest, load_corrections
from policykg.dataset import DocumentRDF, document_rdf, write_dataset_files
from policykg.errors import BuildLockedError, IngestError, InputError
from policykg.generation import EXTRACTIONS, MANIFEST, NewGeneration, current
from policykg.graphdir import DocumentSummary, Parts, read_extraction
from policykg.pipeline import PIPELINE_VERSION, Processed, process_file
from policykg.pipeline.ingest import supported
from policykg.pipeline.resolve import UNCLASSIFIED
from policykg.records import Correction, Extraction, Problem
from policykg.store import STORE, StoreUpdate, stored_documents
from policykg.tables import TABLES_DIR, TableWriter, document_tables, from_bytes, to_bytes, write_chain_tables


@dataclass
class BuildReport:
    """What a build did: per-document counts and every problem met."""

    out_dir: str
    documents: list[DocumentSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    processed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    quads: int = 0
    #: which documents implement which, and their tasks' links (see policykg.chain)
    chain: Chain = field(default_factory=lambda: Chain([], []))
    #: what became of the curator's corrections (see policykg.curate)
    corrections: CorrectionReport = field(default_factory=CorrectionReport)

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def tasks(self) -> int:
        return sum(d.tasks for d in self.documents)

    @property
    def restating(self) -> int:
        """Table rows that restate a body task (each task counted once is ``tasks - restating``)."""
        return sum(d.restating for d in self.documents)

    @property
    def unclassified(self) -> int:
        """Tasks no theme's words were found in (th:Unclassified)."""
        return sum(d.unclassified for d in self.documents)

    @property
    def not_understood(self) -> list[DocumentSummary]:
        """Documents with responsibility markers but no task that assigns a unit."""
        return [d for d in self.documents if not d.understood]

    @property
    def assignments(self) -> int:
        return sum(d.assignments for d in self.documents)


def discover(inputs: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Files to build as ``(path, document name)``, and problems met on the way.

    Folders are walked (symbolic links to folders are not followed, so a
    link loop cannot trap the walk); hidden files are ignored; files with no
    reader are reported. The document name is the path relative to the folder.
    """
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for item in inputs:
        root = Path(item)
        if not root.is_dir():
            if _regular_file(root, problems):
                found.append((root, root.name))
            continue

        def onerror(exc: OSError) -> None:
            problems.append(Problem(shown(exc.filename), f"folder cannot be read ({exc.strerror}); check its permissions", "error"))

        for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                if fn.startswith(".") or fn.upper().startswith("README"):
                    continue
                path = Path(dirpath) / fn
                if not supported(path):
                    problems.append(
                        Problem(shown(path), "skipped: no reader for this file type (use .txt, .html, .docx or .pdf)", "warning")
                    )
                elif _regular_file(path, problems):
                    found.append((path, path.relative_to(root).as_posix()))
    return _unique_names(found), problems


def shown(path: str | Path) -> str:
    """A path or name as it can be printed and written to JSON: bytes that are not UTF-8
    (a file name from another system) as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _unique_names(found: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Document names as they can be printed, one per document: a name that is not
    UTF-8 is shown with ``\\xNN`` escapes; a name met twice (the same file name in two
    input folders) becomes the path as given."""
    named = [(path, shown(name)) for path, name in found]
    counts = Counter(name for _, name in named)
    out, used = [], set()
    for path, name in named:
        if counts[name] > 1:
            name = shown(path)
        while name in used:  # the same path given twice
            name += "+"
        used.add(name)
        out.append((path, name))
    return out


def _regular_file(path: Path, problems: list[Problem]) -> bool:
    """Is ``path`` (after symbolic links) a regular file? If not, say why in ``problems``:
    reading a FIFO, a device or a socket would hang or never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if path.is_symlink():
            problems.append(Problem(shown(path), "broken symbolic link; remove it or fix its target", "error"))
        else:
            problems.append(Problem(shown(path), f"cannot be read ({exc.strerror}); check the path and its permissions", "error"))
        return False
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        problems.append(Problem(shown(path), f"skipped: {kind}, not a document file", "error"))
        return False
    return True


def process_one(path: Path, name: str, encoding: str | None = None,
                corrections: tuple[Correction, ...] = ()) -> Processed | Problem:
    """The pipeline over one file; a problem (never an exception) when it cannot be read."""
    try:
        return process_file(path, name=name, encoding=encoding, corrections=corrections)
    except IngestError as exc:
        return Problem(shown(path), f"skipped: {exc.problem}. {exc.advice}", "error")
    except Exception as exc:  # a bug must not lose the rest of the corpus
        return Problem(shown(path), f"skipped: internal error {exc.__class__.__name__}: {exc}. Please report it", "error")


@dataclass
class Built:
    """What a worker sends back for one document: everything the build writes for it."""

    summary: DocumentSummary
    extraction_json: str
    rdf: DocumentRDF
    #: the document's rows of the analysis tables, as Arrow IPC streams (see policykg.tables)
    tables: dict[str, bytes]
    #: the extraction before the curator's corrections, when they changed it
    original_json: str | None = None


#: one file to extract: its path, name, forced encoding, and the corrections (and their hash) that concern it
Job = tuple[Path, str, str | None, tuple[Correction, ...], str]


def _json(ex: Extraction) -> str:
    # compact: the C encoder (indented output goes through the pure-Python one, several times slower)
    return json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _extract_one(job: Job) -> tuple[str, Built | Problem]:
    """Extract one file and serialize everything written for it (runs in a worker)."""
    path, name, encoding, corrections, digest = job
    done = process_one(path, name, encoding, corrections)
    if isinstance(done, Problem):
        return name, done
    ex = done.extraction
    try:
        rdf = document_rdf(ex.doc_id, done.quads)
    except Exception as exc:  # a bug must not lose the rest of the corpus
        return name, Problem(shown(path), f"skipped: internal error {exc.__class__.__name__}: {exc}. Please report it", "error")
    summary = DocumentSummary(
        name=name,
        sha256=ex.sha256,
        format=ex.format,
        encoding=done.document.encoding,
        tasks=len(ex.tasks),
        assignments=sum(len(t.mentions) for t in ex.tasks),
        restating=sum(1 for t in ex.tasks if t.restates),
        unclassified=sum(1 for t in ex.tasks if t.themes == (UNCLASSIFIED,)),
        warnings=list(ex.warnings),
        clauses=ex.check.clauses,
        coverage=ex.check.coverage,
        leftovers=len(ex.check.leftovers),
        understood=ex.check.understood,
        title=ex.policy.title,
        jurisdiction=ex.policy.jurisdiction,
        implements=list(ex.policy.implements),
        corrections=digest,
        correction_outcomes=[o.__dict__ for o in done.outcomes],
    )
    original = _json(done.original) if done.original is not None else None
    return name, Built(summary, _json(ex), rdf, to_bytes(document_tables(ex)), original)


def _in_order(executor: Executor, jobs: list[Any], window: int) -> Iterator[Any]:
    """``executor.map`` with at most ``window`` jobs in flight, so finished results do not
    pile up in memory while this process is busy writing the ones before them."""
    it = iter(jobs)
    pending: deque[Future[Any]] = deque(executor.submit(_extract_one, job) for job in islice(it, window))
    while pending:
        result = pending.popleft().result()
        pending.extend(executor.submit(_extract_one, job) for job in islice(it, 1))
        yield result


def _extract_all(
    jobs: list[Job],
    *,
    workers: int | None,
    executor: Executor | None = None,
) -> Iterator[tuple[str, Built | Problem]]:
    """Extract files in order: on ``executor`` when given (a Dask cluster's, say), else in a
    pool of worker processes when there are enough files to pay for starting them, else here."""
    if executor is not None:
        yield from _in_order(executor, jobs, window=64)
        return
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(jobs) < 4 * workers:
        if jobs:
            _load_here()
        yield from map(_extract_one, jobs)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                             initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        yield from _in_order(pool, jobs, window=64 * workers)


def _load_here() -> None:
    """Load the pipeline in this process before it extracts (a rebuild with nothing to
    extract does not import spaCy and the rules: a second of a small rebuild). What it
    holds lives as long as the process: it is moved out of the cyclic collector's sight,
    so that the collections the build's allocations set off do not scan that heap again
    and again (one full collection of it costs about as much as extracting a sample
    document)."""
    import gc

    from policykg.pipeline import load

    load()
    gc.freeze()


def _start_worker(parent: int) -> None:
    """In a worker: load the pipeline and freeze what it holds out of the cyclic collector's
    sight (it lives as long as the worker, as in the main process); then watch the parent."""
    import gc

    from policykg.pipeline import load

    load()
    gc.freeze()
    _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the build that started it is gone (killed, say), instead of
    waiting on its queue for ever."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="policykg-parent-watch", daemon=True).start()


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_corpus(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    allow_empty: bool = False,
    dataset: bool = False,
    corrections: str | Path | None = None,
) -> BuildReport:
    """Build ``out_dir`` from the documents in ``inputs`` (files or folders).

    Parameters
    ----------
    inputs:
        Files and folders to read.
    out_dir:
        The graph directory to write.
    encoding:
        Force this text encoding for .txt and .html files.
    progress:
        Called with each document name after it is processed (for a progress bar).
    on_files:
        Called once with the number of files found.
    workers:
        Worker processes for extraction (default: all cores; small builds run in this process).
    executor:
        Run extraction on this ``concurrent.futures.Executor`` instead, for example a Dask
        cluster's (``distributed.Client(address).get_executor()``); the files must be
        readable at the same paths on its workers.
    allow_empty:
        Build even when the inputs hold no document (the graph is then emptied).
    dataset:
        Also write the dataset as one N-Quads file, ``dataset.nq`` (otherwise
        ``policykg export dataset`` makes the same bytes from the store when asked).
    corrections:
        A curator's corrections file, or a folder of them (``*.csv``, see
        :mod:`policykg.curate`), applied to the documents they concern; what became of
        each is in the report (``report.corrections``) and the manifest.

    Raises
    ------
    InputError
        An input does not exist, or (unless ``allow_empty``) the inputs hold no
        document; the graph directory is left as it was.
    CorrectionsError
        ``corrections`` does not exist or cannot be read.
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    inputs = [Path(p) for p in inputs]
    missing = [str(p) for p in inputs if not os.path.lexists(p)]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}. Check the path; nothing was built and {out} is unchanged")
    fixes = load_corrections(corrections) if corrections is not None else Corrections()
    files, problems = discover(inputs)
    if not files and not allow_empty:
        found = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
        raise InputError(
            f"no document to build in {', '.join(map(str, inputs))}"
            + (f" ({found})" if found else "")
            + f". Nothing was built and {out} is unchanged; pass --allow-empty to build an empty graph"
        )
    with build_lock(out):
        return _build(files, problems, out, t0, encoding=encoding, progress=progress, on_files=on_files, workers=workers,
                      executor=executor, dataset=dataset, corrections=fixes)


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold ``out/.build.lock`` for the whole build; a second build into the same
    directory is refused instead of interleaving with the first."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    path = out / ".build.lock"
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            raise BuildLockedError(
                f"{out}: another build is writing this graph directory (process {holder}). "
                "Wait for it to finish, or build into another directory with -o"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()


def _build(
    files: list[tuple[Path, str]],
    problems: list[Problem],
    out: Path,
    t0: float,
    *,
    encoding: str | None,
    progress: Callable[[str], None] | None,
    on_files: Callable[[int], None] | None,
    workers: int | None = None,
    executor: Executor | None = None,
    dataset: bool = False,
    corrections: Corrections,
) -> BuildReport:
    """Extract what changed, streaming each document's statements into a copy of the
    store as it comes; then the shared graph, the dataset files, the store swap and,
    last, the manifest."""
    if on_files:
        on_files(len(files))
    step = progress or (lambda _name: None)
    report = BuildReport(out_dir=str(out), problems=problems)
    parts = Parts(out, PIPELINE_VERSION)
    in_store = stored_documents(out)
    summaries, todo = _unchanged(files, parts, corrections, encoding)
    gen = NewGeneration(out)
    previous = current(out)
    tables = TableWriter(gen.dir / TABLES_DIR, previous / TABLES_DIR if previous else None, summaries)
    update = StoreUpdate(out, gen.dir / STORE, keep=any(s.doc_id in in_store for s in summaries.values()))
    try:
        for name, summary in summaries.items():
            report.unchanged.append(name)
            if summary.doc_id not in in_store:  # resuming an interrupted build
                update.add(summary.doc_id, parts.files(summary.doc_id)[0].read_bytes())
            step(name)
        for name, outcome in _extract_all(todo, workers=workers, executor=executor):
            if isinstance(outcome, Problem):
                report.problems.append(outcome)
            else:
                parts.write(outcome.summary, outcome.extraction_json, outcome.rdf, outcome.original_json)
                update.add(outcome.summary.doc_id, outcome.rdf.graph)
                tables.add({table: from_bytes(data) for table, data in outcome.tables.items()})
                summaries[name] = outcome.summary
                report.processed.append(name)
                kill_point("extracting")
            step(name)
        kill_point("extracted")
        for path, name in files:
            if name in summaries:
                report.documents.append(summaries[name])
                report.problems.extend(Problem(shown(path), w, "warning") for w in summaries[name].warnings)
        report.corrections = correction_report(corrections, {d.name: d.correction_outcomes for d in report.documents})
        report.problems.extend(report.corrections.as_problems())
        _write_generation(gen.dir, parts, update, report, t0, tables, dataset=dataset)
    except BaseException:
        tables.abort()
        update.abort()
        gen.abort()
        raise
    gen.switch()
    kill_point("switched")
    parts.shared_committed()
    parts.prune(report.documents)
    return report


def _unchanged(files: list[tuple[Path, str]], parts: Parts, corrections: Corrections,
               encoding: str | None) -> tuple[dict[str, DocumentSummary], list[Job]]:
    """The documents built before from the same bytes (by name) with the same corrections,
    and the files to extract, each with the corrections that concern it."""
    summaries: dict[str, DocumentSummary] = {}
    todo: list[Job] = []
    for path, name in files:
        try:
            sha = _sha256(path)
        except OSError:
            sha = ""  # the reader reports why
        mine = corrections.for_document(name, sha)  # the rows are read once per document
        digest = corrections_digest(mine)
        found = parts.reusable(name, sha, digest) if sha else None
        if found is None:
            todo.append((path, name, encoding, mine, digest))
        else:
            summaries[name] = found
    return summaries, todo


def _chain(parts: Parts, documents: list[DocumentSummary]) -> Chain:
    """The policy chain of the corpus: citations from the summaries, tasks read from the
    extractions of the documents it links (and only those)."""
    read: dict[str, list[ChainTask]] = {}

    def tasks(doc_id: str) -> list[ChainTask]:
        if doc_id not in read:
            ex = read_extraction(parts.extraction(doc_id))
            read[doc_id] = [ChainTask(t.key, t.title, t.text) for t in ex.tasks]
        return read[doc_id]

    docs = [ChainDocument(d.doc_id, d.title, d.jurisdiction, tuple(d.implements)) for d in documents]
    return corpus_chain(docs, tasks)


def _write_generation(folder: Path, parts: Parts, update: StoreUpdate, report: BuildReport, t0: float,
                      tables: TableWriter, *, dataset: bool = False) -> None:
    """Everything of the new generation after its documents: the shared graph into the
    store, the dataset files, ``extractions/``, the analysis tables and, last, the manifest."""
    pairs = [parts.files(d.doc_id) for d in report.documents]
    shared = b"".join(sorted({line for _, sh in pairs for line in sh.read_bytes().splitlines(keepends=True)}))
    cached = parts.shared()
    report.chain = _chain(parts, report.documents)
    chain = chain_nquads(report.chain)
    update.finish({d.doc_id for d in report.documents}, shared, previous=cached, corpus={CHAIN_GRAPH: chain})
    report.quads = update.added
    update.close()
    kill_point("store-written")
    if dataset:
        by_name = sorted(report.documents, key=lambda d: d.name)  # as the manifest lists them
        write_dataset_files(folder, shared + chain, (parts.files(d.doc_id)[0] for d in by_name))
    kill_point("dataset-written")
    parts.publish(report.documents, folder / EXTRACTIONS)
    kill_point("extractions-written")

    def from_parts(names: set[str]) -> Iterator[Extraction]:
        for d in report.documents:
            if d.name in names:
                yield read_extraction(parts.extraction(d.doc_id))

    tables.close(from_parts)
    write_chain_tables(folder / TABLES_DIR, report.chain, {d.doc_id: d.name for d in report.documents},
                       {d.doc_id: d.jurisdiction for d in report.documents})
    kill_point("tables-written")
    report.seconds = time.perf_counter() - t0
    write_text(folder / MANIFEST, json.dumps(manifest(report), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    kill_point("manifest-written")
    if cached != shared:
        parts.keep_shared(shared)
    kill_point("switching")


#: the steps of a build, in order, where a test can have it killed (see kill_point)
KILL_POINTS = ("extracting", "extracted", "store-written", "dataset-written", "extractions-written",
               "tables-written", "manifest-written", "switching", "switched")


def kill_point(step: str) -> None:
    """Die here, as SIGKILL would kill a build, when ``POLICYKG_KILL_AT`` names this step:
    the tests kill a build at every step and check that the graph directory is whole."""
    if os.environ.get("POLICYKG_KILL_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def manifest(report: BuildReport) -> dict[str, Any]:
    """The build's record: inputs with sha256, versions, counts and problems (no timestamps,
    so that building the same input twice gives the same file)."""
    from importlib.metadata import version

    return {
        "policykg": __version__,
        "pipeline": PIPELINE_VERSION,
        # the installed version, read without importing spaCy (a second a rebuild need not pay)
        "versions": {"python": platform.python_version(), "spacy": version("spacy")},
        "inputs": [{**d.__dict__, "doc_id": d.doc_id} for d in sorted(report.documents, key=lambda d: d.name)],
        "counts": {
            "documents": len(report.documents),
            "processed": len(report.processed),
            "unchanged": len(report.unchanged),
            "tasks": report.tasks,
            "restating_rows": report.restating,
            "unclassified_tasks": report.unclassified,
            "assignments": report.assignments,
            "skipped": len(report.skipped),
            "not_understood": len(report.not_understood),
            "implemented_documents_cited": len(report.chain.policies),
            "implemented_documents_in_corpus": report.chain.in_corpus,
            "task_links": len(report.chain.tasks),
            "corrections": report.corrections.counts(),
        },
        "corrections": {
            "applied": dict(sorted(report.corrections.applied.items())),
            "reanchored": [{"source": s, "doc": d, "detail": x} for s, d, x in report.corrections.reanchored],
            "stale": [{"source": s, "doc": d, "why": x} for s, d, x in report.corrections.stale],
        },
        "problems": [p.__dict__ for p in report.problems],
    }
