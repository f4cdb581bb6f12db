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
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import make_dir, write_text
from .errors import BuildLockedError, GraphNotBuiltError, IngestError
from .extract import extract_document
from .extract.pipeline import PIPELINE_VERSION
from .ingest import read_document, supported
from .records import Extraction, Problem, extraction_from_dict
from .resolve import resolve_units
from .store import STORE, stored_documents, update_store

EXTRACTIONS = "extractions"

MANIFEST = "manifest.json"


@dataclass
class DocumentSummary:
    name: str
    sha256: str
    format: str
    encoding: str | None
    tasks: int
    assignments: int
    warnings: list[str]


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
        if root.is_file():
            found.append((root, root.name))
            continue
        if not root.is_dir():
            problems.append(Problem(str(root), "no such file or folder", "error"))
            continue

        def onerror(exc: OSError) -> None:
            problems.append(Problem(str(exc.filename), f"folder cannot be read ({exc.strerror}); check its permissions", "error"))

        for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                if fn.startswith(".") or fn.upper().startswith("README"):
                    continue
                path = Path(dirpath) / fn
                rel = path.relative_to(root).as_posix()
                if not supported(path):
                    problems.append(
                        Problem(str(path), "skipped: no reader for this file type (use .txt, .html, .docx or .pdf)", "warning")
                    )
                    continue
                if path.is_symlink() and not path.exists():
                    problems.append(Problem(str(path), "broken symbolic link; remove it or fix its target", "error"))
                    continue
                found.append((path, rel))
    return found, problems


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
        return Problem(str(path), f"skipped: {exc.problem}. {exc.advice}", "error")
    except Exception as exc:  # a bug must not lose the rest of the corpus
        return Problem(str(path), f"skipped: internal error {exc.__class__.__name__}: {exc}. Please report it", "error")


def _extract_one(job: tuple[Path, str, str | None]) -> tuple[str, tuple[Extraction, str | None] | Problem]:
    path, name, encoding = job
    return name, extract_file(path, name, encoding)


def _extract_all(
    todo: list[tuple[Path, str]], *, encoding: str | None, workers: int | None, progress: Callable[[str], None] | None
) -> Iterator[tuple[str, tuple[Extraction, str | None] | Problem]]:
    """Extract files in this process, or in a pool of worker processes when there are
    enough of them to pay for starting the workers."""
    workers = workers or os.cpu_count() or 1
    jobs = [(path, name, encoding) for path, name in todo]
    if workers <= 1 or len(jobs) < 4 * workers:
        for job in jobs:
            name, result = _extract_one(job)
            if progress:
                progress(name)
            yield name, result
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        for name, result in pool.map(_extract_one, jobs, chunksize=4):
            if progress:
                progress(name)
            yield name, result


def _previous_inputs(out: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if data.get("pipeline") != PIPELINE_VERSION or data.get("policykg") != __version__:
            return {}  # another extractor: rebuild everything
        return {d["name"]: d for d in data.get("inputs", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _reuse(
    out: Path, path: Path, name: str, previous: dict[str, dict[str, Any]], in_store: set[str]
) -> tuple[Extraction, str | None] | None:
    """The previous build's extraction when the file is unchanged and its graph is in the store."""
    prev = previous.get(name)
    if not prev:
        return None
    try:
        sha = _sha256(path)
    except OSError:
        return None
    ext_file = out / EXTRACTIONS / _file_name(name)
    if not (out / STORE).is_dir():
        return None
    if sha != prev.get("sha256") or sha[:16] not in in_store or not ext_file.exists():
        return None
    try:
        return extraction_from_dict(json.loads(ext_file.read_text(encoding="utf-8"))), prev.get("encoding")
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_extractions(out: Path, extractions: list[Extraction]) -> None:
    """Write all extraction files into a staging folder, then swap it in whole."""
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    final = out / EXTRACTIONS
    staging = Path(tempfile.mkdtemp(prefix=".extractions-", dir=out))
    make_dir(staging)
    old = out / ".extractions-old"
    try:
        for ex in extractions:
            _atomic_write(staging / _file_name(ex.doc), json.dumps(ex.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old.exists() and not final.exists():
            os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _file_name(doc_name: str) -> str:
    return doc_name.replace("/", "__") + ".json"


def build_corpus(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    workers: int | None = None,
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
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    with build_lock(out):
        return _build(inputs, out, t0, encoding=encoding, progress=progress, on_files=on_files, workers=workers)


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
    inputs: Iterable[str | Path],
    out: Path,
    t0: float,
    *,
    encoding: str | None,
    progress: Callable[[str], None] | None,
    on_files: Callable[[int], None] | None,
    workers: int | None = None,
) -> BuildReport:
    files, problems = discover(inputs)
    if on_files:
        on_files(len(files))
    report = BuildReport(out_dir=str(out), problems=problems)
    extractions: list[Extraction] = []
    changed: list[Extraction] = []
    names: set[str] = set()
    previous = _previous_inputs(out)
    in_store = stored_documents(out)
    todo: list[tuple[Path, str]] = []
    reused_docs: dict[str, tuple[Extraction, str | None]] = {}
    for path, name in files:
        reused = _reuse(out, path, name, previous, in_store)
        if reused is not None:
            reused_docs[name] = reused
        else:
            todo.append((path, name))
    results = dict(_extract_all(todo, encoding=encoding, workers=workers, progress=progress))
    for path, name in files:
        if name in reused_docs:
            ex, encoding_used = reused_docs[name]
            report.unchanged.append(name)
            if progress:
                progress(name)
        else:
            outcome = results[name]
            if isinstance(outcome, Problem):
                report.problems.append(outcome)
                continue
            ex, encoding_used = outcome
            changed.append(ex)
            report.processed.append(name)
        extractions.append(ex)
        names.add(name)
        for w in ex.warnings:
            report.problems.append(Problem(str(path), w, "warning"))
        report.documents.append(
            DocumentSummary(
                name=name,
                sha256=ex.sha256,
                format=ex.format,
                encoding=encoding_used,
                tasks=len(ex.tasks),
                assignments=sum(len(t.mentions) for t in ex.tasks),
                warnings=list(ex.warnings),
            )
        )
    _write_extractions(out, extractions)
    current = {ex.doc_id for ex in extractions}
    report.quads = update_store(out, changed, remove=in_store - current, everything=extractions)
    report.seconds = time.perf_counter() - t0
    _atomic_write(out / MANIFEST, json.dumps(manifest(report), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return report


def manifest(report: BuildReport) -> dict[str, Any]:
    """The build's record: inputs with sha256, versions, counts and problems (no timestamps,
    so that building the same input twice gives the same file)."""
    import spacy

    return {
        "policykg": __version__,
        "pipeline": PIPELINE_VERSION,
        "versions": {"python": platform.python_version(), "spacy": spacy.__version__},
        "inputs": [d.__dict__ for d in sorted(report.documents, key=lambda d: d.name)],
        "counts": {
            "documents": len(report.documents),
            "processed": len(report.processed),
            "unchanged": len(report.unchanged),
            "tasks": report.tasks,
            "assignments": report.assignments,
            "skipped": len(report.skipped),
        },
        "problems": [p.__dict__ for p in report.problems],
    }


def load_extractions(graph_dir: str | Path) -> list[Extraction]:
    """The extractions a build wrote, in document-name order."""
    ext_dir = Path(graph_dir) / EXTRACTIONS
    if not ext_dir.is_dir():
        raise GraphNotBuiltError(
            f"{graph_dir}: no built graph here (no {EXTRACTIONS}/ folder). Run `policykg build DOCS_DIR -o {graph_dir}` first"
        )
    out = [extraction_from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(ext_dir.glob("*.json"))]
    return sorted(out, key=lambda e: e.doc)
