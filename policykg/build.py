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
import shutil
import signal
import stat
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_bytes, write_text
from .errors import BuildLockedError, GraphNotBuiltError, IngestError, InputError
from .extract import extract_document
from .extract.pipeline import PIPELINE_VERSION
from .generation import EXTRACTIONS, MANIFEST, NewGeneration
from .ingest import read_document, supported
from .rdf import graph_iri
from .records import Extraction, Problem, document_id, extraction_from_dict
from .resolve import resolve_units
from .store import STORE, DocumentRDF, StoreUpdate, document_rdf, stored_documents, write_dataset_files

PARTS = "parts"


@dataclass
class DocumentSummary:
    name: str
    sha256: str
    format: str
    encoding: str | None
    tasks: int
    assignments: int
    warnings: list[str]
    #: the self-check (see policykg.extract.selfcheck): responsibility clauses found and
    #: scoped, coverage, and whether the document was understood at all
    clauses: int = 0
    coverage: float = 1.0
    leftovers: int = 0
    understood: bool = True

    @property
    def doc_id(self) -> str:
        return document_id(self.name, self.sha256)


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

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def tasks(self) -> int:
        return sum(d.tasks for d in self.documents)

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


def _atomic_write(path: Path, text: str) -> None:
    write_text(path, text)


def extract_file(path: Path, name: str, encoding: str | None = None) -> tuple[Extraction, str | None] | Problem:
    """Read, extract and resolve one file; a problem (never an exception) when it cannot be read."""
    try:
        doc = read_document(path, encoding=encoding)
        doc = replace(doc, name=name)
        ex = extract_document(doc)
        ex = replace(ex, units={k: v["id"] or "" for k, v in resolve_units(ex).items()})
        return ex, doc.encoding
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


def _extract_one(job: tuple[Path, str, str | None]) -> tuple[str, Built | Problem]:
    """Extract one file and serialize everything written for it (runs in a worker)."""
    path, name, encoding = job
    outcome = extract_file(path, name, encoding)
    if isinstance(outcome, Problem):
        return name, outcome
    ex, encoding_used = outcome
    try:
        rdf = document_rdf(ex)
    except Exception as exc:  # a bug must not lose the rest of the corpus
        return name, Problem(shown(path), f"skipped: internal error {exc.__class__.__name__}: {exc}. Please report it", "error")
    summary = DocumentSummary(
        name=name,
        sha256=ex.sha256,
        format=ex.format,
        encoding=encoding_used,
        tasks=len(ex.tasks),
        assignments=sum(len(t.mentions) for t in ex.tasks),
        warnings=list(ex.warnings),
        clauses=ex.check.clauses,
        coverage=ex.check.coverage,
        leftovers=len(ex.check.leftovers),
        understood=ex.check.understood,
    )
    text = json.dumps(ex.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return name, Built(summary, text, rdf)


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
    todo: list[tuple[Path, str]],
    *,
    encoding: str | None,
    workers: int | None,
    executor: Executor | None = None,
) -> Iterator[tuple[str, Built | Problem]]:
    """Extract files in order: on ``executor`` when given (a Dask cluster's, say), else in a
    pool of worker processes when there are enough files to pay for starting them, else here."""
    jobs = [(path, name, encoding) for path, name in todo]
    if executor is not None:
        yield from _in_order(executor, jobs, window=64)
        return
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(jobs) < 4 * workers:
        yield from map(_extract_one, jobs)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                             initializer=_watch_parent, initargs=(os.getpid(),)) as pool:
        yield from _in_order(pool, jobs, window=64 * workers)


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


class _Parts:
    """``graph/parts/``: what was written for each document, keyed by its file name and
    sha256, so an unchanged document is never extracted again, and a build that was
    interrupted resumes where it stopped. A new extractor version starts afresh."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.dir = out / PARTS
        stamp = self.dir / "VERSION"
        version = f"{__version__} {PIPELINE_VERSION}\n"
        try:
            fresh = stamp.read_text(encoding="utf-8") != version
        except OSError:
            fresh = True
        if fresh:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir.mkdir(parents=True)
            _atomic_write(stamp, version)

    def files(self, doc_id: str) -> tuple[Path, Path, Path]:
        """The N-Quads, TriG and shared N-Quads of one document."""
        return part_files(self.out, doc_id)

    def extraction(self, doc_id: str) -> Path:
        return self.dir / f"{doc_id}.extraction.json"

    def reusable(self, name: str, sha: str) -> DocumentSummary | None:
        """The summary of a document built before from the same bytes, or None."""
        doc_id = document_id(name, sha)
        try:
            data = json.loads((self.dir / f"{doc_id}.json").read_text(encoding="utf-8"))
            needed = (*self.files(doc_id), self.extraction(doc_id))
            if data["sha256"] != sha or data["name"] != name or not all(p.exists() for p in needed):
                return None
            return DocumentSummary(**data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, built: Built) -> None:
        """Write one document's extraction and parts; the summary last, as the mark that
        the rest is complete."""
        s = built.summary
        _atomic_write(self.extraction(s.doc_id), built.extraction_json)
        for path, data in zip(self.files(s.doc_id), (built.rdf.graph, built.rdf.trig, built.rdf.shared)):
            write_bytes(path, data)
        _atomic_write(self.dir / f"{s.doc_id}.json", json.dumps(s.__dict__, ensure_ascii=False))

    def publish(self, keep: list[DocumentSummary], final: Path) -> None:
        """Fill the new generation's ``extractions/`` with the extractions of these
        documents (each file a hard link to its part)."""
        final.mkdir(parents=True, exist_ok=True)
        names = extraction_file_names(keep)
        for s in keep:
            src, dst = self.extraction(s.doc_id), final / names[s.doc_id]
            try:
                os.link(src, dst)
            except OSError:  # no hard links here: copy
                shutil.copyfile(src, dst)

    # The shared graph the store holds, as N-Quads and TriG, kept from the last build so
    # that the next one need not read it back from the store nor serialise it again. The
    # pending mark covers a build stopped between keeping it and swapping its store in.
    _SHARED = ("shared.nq", "shared.trig")

    def shared(self) -> tuple[bytes, bytes] | None:
        """The shared graph's N-Quads and TriG as the store holds them, if known."""
        if (self.dir / "shared.pending").exists():
            return None
        try:
            nq, trig = ((self.dir / n).read_bytes() for n in self._SHARED)
        except OSError:
            return None
        return nq, trig

    def keep_shared(self, nquads: bytes, trig: bytes) -> None:
        """Keep the shared graph of the store about to be swapped in (then ``shared_committed``)."""
        write_text(self.dir / "shared.pending", "")
        for name, data in zip(self._SHARED, (nquads, trig)):
            write_bytes(self.dir / name, data)

    def shared_committed(self) -> None:
        (self.dir / "shared.pending").unlink(missing_ok=True)

    def prune(self, keep: list[DocumentSummary]) -> None:
        """Remove the parts of documents no longer in the build."""
        stems = {s.doc_id for s in keep}
        for p in self.dir.iterdir():
            base = next((p.name[: -len(x)] for x in _PART_SUFFIXES if p.name.endswith(x)), None)
            if p.name not in ("VERSION", "shared.pending", *self._SHARED) and base not in stems:
                p.unlink(missing_ok=True)


_PART_SUFFIXES = (".shared.nq", ".nq", ".trig", ".extraction.json", ".json")


def part_files(graph_dir: Path, doc_id: str) -> tuple[Path, Path, Path]:
    """One document's N-Quads, TriG and shared N-Quads in ``graph_dir/parts/``. Part files
    are named by document id alone: a name of any length or in any characters gives a file
    name of 16 hex digits and a suffix."""
    stem = Path(graph_dir) / PARTS / doc_id
    return stem.with_name(doc_id + ".nq"), stem.with_name(doc_id + ".trig"), stem.with_name(doc_id + ".shared.nq")


#: longest document name kept whole in an extraction's file name (in bytes, of 255 allowed)
_NAME_BYTES = 150


def extraction_file_names(documents: Iterable[DocumentSummary]) -> dict[str, str]:
    """doc id -> the file name of its extraction in ``extractions/``: the document's name
    with ``/`` as ``__`` and ``.json`` added; the document id is added too where that
    name would be too long or would be another document's (``x/y.txt`` and ``x__y.txt``)."""
    documents = list(documents)
    flat = {d.doc_id: d.name.replace("/", "__") for d in documents}  # names are printable (see shown)
    seen = Counter(flat.values())
    out = {}
    for doc_id, name in flat.items():
        if seen[name] > 1 or len(name.encode("utf-8")) > _NAME_BYTES:
            while len(name.encode("utf-8")) > _NAME_BYTES:
                name = name[:-1]
            name = f"{name}.{doc_id}"
        out[doc_id] = name + ".json"
    return out


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

    Raises
    ------
    InputError
        An input does not exist, or (unless ``allow_empty``) the inputs hold no
        document; the graph directory is left as it was.
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    inputs = [Path(p) for p in inputs]
    missing = [str(p) for p in inputs if not os.path.lexists(p)]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}. Check the path; nothing was built and {out} is unchanged")
    files, problems = discover(inputs)
    if not files and not allow_empty:
        found = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
        raise InputError(
            f"no document to build in {', '.join(map(str, inputs))}"
            + (f" ({found})" if found else "")
            + f". Nothing was built and {out} is unchanged; pass --allow-empty to build an empty graph"
        )
    with build_lock(out):
        return _build(files, problems, out, t0, encoding=encoding, progress=progress, on_files=on_files, workers=workers, executor=executor)


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
) -> BuildReport:
    """Extract what changed, streaming each document's statements into a copy of the
    store as it comes; then the shared graph, the dataset files, the store swap and,
    last, the manifest."""
    if on_files:
        on_files(len(files))
    report = BuildReport(out_dir=str(out), problems=problems)
    parts = _Parts(out)
    in_store = stored_documents(out)
    summaries: dict[str, DocumentSummary] = {}
    todo: list[tuple[Path, str]] = []
    for path, name in files:
        try:
            found = parts.reusable(name, _sha256(path))
        except OSError:
            found = None  # the reader reports why
        if found is None:
            todo.append((path, name))
        else:
            summaries[name] = found
    gen = NewGeneration(out)
    update = StoreUpdate(out, gen.dir / STORE, keep=any(s.doc_id in in_store for s in summaries.values()))
    try:
        for name, summary in summaries.items():
            report.unchanged.append(name)
            if summary.doc_id not in in_store:  # resuming an interrupted build
                update.add(summary.doc_id, parts.files(summary.doc_id)[0].read_bytes())
            if progress:
                progress(name)
        for name, outcome in _extract_all(todo, encoding=encoding, workers=workers, executor=executor):
            if isinstance(outcome, Problem):
                report.problems.append(outcome)
            else:
                parts.write(outcome)
                update.add(outcome.summary.doc_id, outcome.rdf.graph)
                summaries[name] = outcome.summary
                report.processed.append(name)
                kill_point("extracting")
            if progress:
                progress(name)
        kill_point("extracted")
        for path, name in files:
            if name in summaries:
                report.documents.append(summaries[name])
                report.problems.extend(Problem(shown(path), w, "warning") for w in summaries[name].warnings)
        pairs = [parts.files(d.doc_id) for d in report.documents]
        shared = b"".join(sorted({line for _, _, sh in pairs for line in sh.read_bytes().splitlines(keepends=True)}))
        cached = parts.shared()
        update.finish({d.doc_id for d in report.documents}, shared, previous=cached[0] if cached else None)
        report.quads = update.added
        update.close()
        kill_point("store-written")
        shared_trig = write_dataset_files(gen.dir, shared, ((nq, trig) for nq, trig, _ in pairs),
                                          shared_trig=cached[1] if cached and cached[0] == shared else None)
        kill_point("dataset-written")
        parts.publish(report.documents, gen.dir / EXTRACTIONS)
        kill_point("extractions-written")
        report.seconds = time.perf_counter() - t0
        _atomic_write(gen.dir / MANIFEST, json.dumps(manifest(report), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        kill_point("manifest-written")
        if cached != (shared, shared_trig):
            parts.keep_shared(shared, shared_trig)
        kill_point("switching")
    except BaseException:
        update.abort()
        gen.abort()
        raise
    gen.switch()
    kill_point("switched")
    parts.shared_committed()
    parts.prune(report.documents)
    return report


#: the steps of a build, in order, where a test can have it killed (see kill_point)
KILL_POINTS = ("extracting", "extracted", "store-written", "dataset-written", "extractions-written",
               "manifest-written", "switching", "switched")


def kill_point(step: str) -> None:
    """Die here, as SIGKILL would kill a build, when ``POLICYKG_KILL_AT`` names this step:
    the tests kill a build at every step and check that the graph directory is whole."""
    if os.environ.get("POLICYKG_KILL_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def manifest(report: BuildReport) -> dict[str, Any]:
    """The build's record: inputs with sha256, versions, counts and problems (no timestamps,
    so that building the same input twice gives the same file)."""
    import spacy

    return {
        "policykg": __version__,
        "pipeline": PIPELINE_VERSION,
        "versions": {"python": platform.python_version(), "spacy": spacy.__version__},
        "inputs": [{**d.__dict__, "doc_id": d.doc_id} for d in sorted(report.documents, key=lambda d: d.name)],
        "counts": {
            "documents": len(report.documents),
            "processed": len(report.processed),
            "unchanged": len(report.unchanged),
            "tasks": report.tasks,
            "assignments": report.assignments,
            "skipped": len(report.skipped),
            "not_understood": len(report.not_understood),
        },
        "problems": [p.__dict__ for p in report.problems],
    }


def document_graph_files(graph_dir: str | Path) -> list[tuple[str, Path]]:
    """Each document's named graph IRI and its N-Quads part file, as the last build wrote them."""
    out = Path(graph_dir)
    try:
        inputs = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["inputs"]
    except (OSError, ValueError, KeyError) as exc:
        raise GraphNotBuiltError(f"{graph_dir}: no usable {MANIFEST} here ({exc}). Run `policykg build DOCS_DIR -o {graph_dir}` first") from None
    try:
        return [(graph_iri(d["doc_id"]).value, part_files(out, d["doc_id"])[0]) for d in inputs]
    except (KeyError, TypeError):
        raise GraphNotBuiltError(f"{graph_dir}: {MANIFEST} was written by an older policykg. Build again: `policykg build DOCS_DIR -o {graph_dir}`") from None


def load_extractions(graph_dir: str | Path) -> list[Extraction]:
    """The extractions a build wrote, in document-name order."""
    ext_dir = Path(graph_dir) / EXTRACTIONS
    if not ext_dir.is_dir():
        raise GraphNotBuiltError(
            f"{graph_dir}: no built graph here (no {EXTRACTIONS}/ folder). Run `policykg build DOCS_DIR -o {graph_dir}` first"
        )
    out = [extraction_from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(ext_dir.glob("*.json"))]
    return sorted(out, key=lambda e: e.doc)
