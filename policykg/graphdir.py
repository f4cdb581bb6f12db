"""The graph directory: where a build puts what, and reading it back.

``graph/`` holds ``generations/NNNNNN/`` (the store, dataset files, ``extractions/``
and ``manifest.json`` of one build, see :mod:`policykg.generation`), fixed links to the
current one, and ``parts/``: the build's cache of each document's extraction and
statements, named by document id. Reading a graph needs nothing of the pipeline (no spaCy).
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from policykg import __version__
from policykg.atomic import write_bytes, write_text
from policykg.errors import GraphNotBuiltError
from policykg.generation import EXTRACTIONS, MANIFEST
from policykg.records import Extraction, document_id, extraction_from_dict, graph_name

if TYPE_CHECKING:
    from policykg.dataset import DocumentRDF

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
    #: the self-check (see policykg.pipeline.extract.selfcheck): responsibility clauses found and
    #: scoped, coverage, and whether the document was understood at all
    clauses: int = 0
    coverage: float = 1.0
    leftovers: int = 0
    understood: bool = True
    #: table rows that restate a body task (pkg:restates): counted once, as that task
    restating: int = 0
    #: tasks no theme's words were found in (th:Unclassified, see ontology/themes.ttl)
    unclassified: int = 0
    #: the plan's title, jurisdiction and the titles of the documents it implements (for
    #: the policy chain, see policykg.chain)
    title: str | None = None
    jurisdiction: str | None = None
    implements: list[str] = field(default_factory=list)
    #: the curator's corrections that concern the document (a hash of them, see
    #: policykg.curate) and what became of each (policykg.pipeline.correct.Outcome as dicts)
    corrections: str = ""
    correction_outcomes: list[dict[str, str]] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return document_id(self.name, self.sha256)


#: what a part holds; a build of another format starts afresh (2: the summary names the plan's
#: title, jurisdiction and the documents it implements; 3: and the corrections applied)
PARTS_FORMAT = 3


class Parts:
    """``graph/parts/``: what was written for each document, keyed by its file name and
    sha256, so an unchanged document is never extracted again, and a build that was
    interrupted resumes where it stopped. A new extractor version starts afresh."""

    def __init__(self, out: Path, pipeline_version: str) -> None:
        self.out = out
        self.dir = out / PARTS
        stamp = self.dir / "VERSION"
        version = f"{__version__} {pipeline_version} parts-{PARTS_FORMAT}\n"
        try:
            fresh = stamp.read_text(encoding="utf-8") != version
        except OSError:
            fresh = True
        if fresh:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir.mkdir(parents=True)
            write_text(stamp, version)

    def files(self, doc_id: str) -> tuple[Path, Path]:
        """The N-Quads of one document's graph, and of its statements for the shared graph."""
        return part_files(self.out, doc_id)

    def extraction(self, doc_id: str) -> Path:
        return self.dir / f"{doc_id}.extraction.json"

    def original(self, doc_id: str) -> Path:
        """The extraction as the pipeline made it, before the curator's corrections (written
        only for a document they changed)."""
        return self.dir / f"{doc_id}.original.json"

    def reusable(self, name: str, sha: str, corrections: str = "") -> DocumentSummary | None:
        """The summary of a document built before from the same bytes with the same
        corrections (see :func:`policykg.curate.corrections_digest`), or None."""
        doc_id = document_id(name, sha)
        try:
            data = json.loads((self.dir / f"{doc_id}.json").read_text(encoding="utf-8"))
            needed = (*self.files(doc_id), self.extraction(doc_id))
            if data["sha256"] != sha or data["name"] != name or not all(p.exists() for p in needed):
                return None
            if data.get("corrections", "") != corrections:
                return None
            return DocumentSummary(**data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, s: DocumentSummary, extraction_json: str, rdf: DocumentRDF, original_json: str | None = None) -> None:
        """Write one document's extraction (and the one before corrections, when they changed
        it) and parts; the summary last, as the mark that the rest is complete."""
        write_text(self.extraction(s.doc_id), extraction_json)
        if original_json is not None:
            write_text(self.original(s.doc_id), original_json)
        else:
            self.original(s.doc_id).unlink(missing_ok=True)
        for path, data in zip(self.files(s.doc_id), (rdf.graph, rdf.shared)):
            write_bytes(path, data)
        write_text(self.dir / f"{s.doc_id}.json", json.dumps(s.__dict__, ensure_ascii=False))

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

    # The shared graph the store holds, as N-Quads, kept from the last build so that the
    # next one need not read it back from the store. The pending mark covers a build
    # stopped between keeping it and swapping its store in.
    _SHARED = "shared.nq"

    def shared(self) -> bytes | None:
        """The shared graph's N-Quads as the store holds them, if known."""
        if (self.dir / "shared.pending").exists():
            return None
        try:
            return (self.dir / self._SHARED).read_bytes()
        except OSError:
            return None

    def keep_shared(self, nquads: bytes) -> None:
        """Keep the shared graph of the store about to be swapped in (then ``shared_committed``)."""
        write_text(self.dir / "shared.pending", "")
        write_bytes(self.dir / self._SHARED, nquads)

    def shared_committed(self) -> None:
        (self.dir / "shared.pending").unlink(missing_ok=True)

    def prune(self, keep: list[DocumentSummary]) -> None:
        """Remove the parts of documents no longer in the build."""
        stems = {s.doc_id for s in keep}
        for p in self.dir.iterdir():
            base = next((p.name[: -len(x)] for x in _PART_SUFFIXES if p.name.endswith(x)), None)
            retired = p.name.endswith(".trig")  # an earlier version's part
            if p.name not in ("VERSION", "shared.pending", self._SHARED) and (base not in stems or retired):
                p.unlink(missing_ok=True)


#: ``.trig``: the parts of earlier versions, removed by the next build
_PART_SUFFIXES = (".shared.nq", ".nq", ".trig", ".extraction.json", ".original.json", ".json")


def part_files(graph_dir: Path, doc_id: str) -> tuple[Path, Path]:
    """One document's N-Quads and shared N-Quads in ``graph_dir/parts/``. Part files are
    named by document id alone: a name of any length or in any characters gives a file
    name of 16 hex digits and a suffix."""
    stem = Path(graph_dir) / PARTS / doc_id
    return stem.with_name(doc_id + ".nq"), stem.with_name(doc_id + ".shared.nq")


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


def document_graph_files(graph_dir: str | Path) -> list[tuple[str, Path]]:
    """Each document's named graph IRI and its N-Quads part file, as the last build wrote them."""
    out = Path(graph_dir)
    try:
        inputs = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["inputs"]
    except (OSError, ValueError, KeyError) as exc:
        raise GraphNotBuiltError(f"{graph_dir}: no usable {MANIFEST} here ({exc}). Run `policykg build DOCS_DIR -o {graph_dir}` first") from None
    try:
        return [(graph_name(d["doc_id"]), part_files(out, d["doc_id"])[0]) for d in inputs]
    except (KeyError, TypeError):
        raise GraphNotBuiltError(f"{graph_dir}: {MANIFEST} was written by an older policykg. Build again: `policykg build DOCS_DIR -o {graph_dir}`") from None


def read_extraction(path: Path) -> Extraction:
    """One extraction record as a build wrote it."""
    return extraction_from_dict(json.loads(path.read_text(encoding="utf-8")))


def load_extractions(graph_dir: str | Path, *, original: bool = False) -> list[Extraction]:
    """The extractions a build wrote, in document-name order; with ``original``, each as the
    pipeline made it, before the curator's corrections (``build --corrections``)."""
    ext_dir = Path(graph_dir) / EXTRACTIONS
    if not ext_dir.is_dir():
        raise GraphNotBuiltError(
            f"{graph_dir}: no built graph here (no {EXTRACTIONS}/ folder). Run `policykg build DOCS_DIR -o {graph_dir}` first"
        )
    out = []
    for p in sorted(ext_dir.glob("*.json")):
        try:
            ex = read_extraction(p)
            before = Path(graph_dir) / PARTS / f"{ex.doc_id}.original.json"
            out.append(read_extraction(before) if original and ex.corrections and before.exists() else ex)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise GraphNotBuiltError(
                f"{p}: not an extraction this version of policykg can read (an older build?). "
                f"Build again: `policykg build DOCS_DIR -o {graph_dir}`") from None
    return sorted(out, key=lambda e: e.doc)
