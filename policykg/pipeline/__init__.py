"""The per-document pipeline, one stage after another:

ingest → structure → extract → resolve → (correct) → rdf

Each stage is a function from typed records (:mod:`policykg.records`) to typed
records; a stage never calls a later one. Only :func:`process_document` runs them,
in order. :data:`PIPELINE_VERSION` is a hash of this folder (and of the ontology's
rules and the gazetteer's data), so a build re-extracts a corpus when, and only when,
what it would extract can have changed.

>>> from policykg.pipeline import process_text
>>> done = process_text("一、任务\\n1.修路。（责任单位：县交通局）\\n")
>>> [(m.role, done.extraction.units[m.name].label) for m in done.extraction.tasks[0].mentions]
[('responsible', '县交通运输局')]
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.records import Extraction, SourceDocument

if TYPE_CHECKING:
    from pyoxigraph import Quad

    from policykg.pipeline.correct import Outcome
    from policykg.pipeline.extract import Trace
    from policykg.records import Correction


@dataclass(frozen=True)
class Processed:
    """What the pipeline makes of one document: the resolved extraction, the trace of
    how it was read (for ``policykg inspect``) and its RDF statements."""

    document: SourceDocument
    extraction: Extraction
    trace: Trace
    quads: tuple[Quad, ...]
    #: what became of each curator's correction given (see policykg.pipeline.correct)
    outcomes: tuple[Outcome, ...] = ()
    #: the extraction before the corrections, when they changed it
    original: Extraction | None = None


def load() -> None:
    """Import every stage and build the spaCy pipeline now (each is otherwise loaded on first
    use): a long-lived process then holds them before it freezes its heap for the collector."""
    from policykg.pipeline import rdf  # noqa: F401
    from policykg.pipeline.extract.nlp import make_nlp
    from policykg.pipeline.ingest import text  # noqa: F401
    from policykg.pipeline.resolve import unit_type_rules
    from policykg.pipeline.structure import structure_document  # noqa: F401

    make_nlp()
    unit_type_rules()


def process_document(doc: SourceDocument, corrections: Sequence[Correction] = ()) -> Processed:
    """structure → extract → resolve → rdf over one read document; with a curator's
    ``corrections``, they are applied after resolve (:mod:`policykg.pipeline.correct`)."""
    from policykg.pipeline.rdf import extraction_quads

    extraction, trace = trace_document(doc)
    outcomes: list[Outcome] = []
    original = None
    if corrections:
        from policykg.pipeline.correct import apply_corrections

        original = extraction
        extraction, outcomes = apply_corrections(extraction, corrections, doc.text)
    return Processed(doc, extraction, trace, tuple(extraction_quads(extraction)), tuple(outcomes),
                     original if extraction.corrections else None)


def trace_document(doc: SourceDocument) -> tuple[Extraction, Trace]:
    """structure → extract → resolve: the resolved extraction, and how the document was read."""
    from policykg.pipeline.extract import extract_structure
    from policykg.pipeline.resolve import resolve_extraction
    from policykg.pipeline.structure import structure_document

    extraction, trace = extract_structure(doc, structure_document(doc))
    return resolve_extraction(extraction), trace


def extract_document(doc: SourceDocument) -> Extraction:
    """structure → extract → resolve: who is responsible for what in one read document.

    >>> from policykg.pipeline.ingest.text import text_document
    >>> ex = extract_document(text_document("一、任务\\n1.修路。（责任单位：县交通局，各镇人民政府）\\n"))
    >>> [(m.role, m.text) for m in ex.tasks[0].mentions]
    [('responsible', '县交通局'), ('responsible', '各镇人民政府')]
    """
    return trace_document(doc)[0]


def extract_text(text: str, *, name: str = "text.txt") -> Extraction:
    """:func:`extract_document` over a string, as if it were a UTF-8 .txt file."""
    from policykg.pipeline.ingest.text import text_document

    return extract_document(text_document(text, name=name))


def process_file(path: str | Path, *, name: str | None = None, encoding: str | None = None,
                 corrections: Sequence[Correction] = ()) -> Processed:
    """ingest → structure → extract → resolve → rdf over one file (``name``: its name in
    the corpus, default its path), with the curator's ``corrections`` that concern it.
    An unreadable file raises :class:`policykg.errors.IngestError`."""
    from policykg.pipeline.ingest import read_document

    doc = read_document(path, encoding=encoding)
    return process_document(replace(doc, name=name) if name is not None else doc, corrections)


def process_text(text: str, *, name: str = "text.txt") -> Processed:
    """The pipeline over a string, as if it were a UTF-8 .txt file (notebooks and tests)."""
    from policykg.pipeline.ingest.text import text_document

    return process_document(text_document(text, name=name))


#: what the fingerprint covers, relative to the package: the pipeline, the domain's words,
#: the records it makes, the gazetteer's data; and the ontology's rules (unit types, themes)
_FINGERPRINTED = ("pipeline/**/*.py", "text/**/*.py", "records.py", "data/*.csv")


def fingerprinted_files() -> list[Path]:
    """The files whose content shapes what the pipeline makes of a document."""
    from policykg.paths import ONTOLOGY_DIR

    pkg = Path(__file__).resolve().parent.parent
    return sorted({p for pattern in _FINGERPRINTED for p in pkg.glob(pattern)} | set(ONTOLOGY_DIR.glob("*.ttl")))


@cache
def code_fingerprint() -> str:
    """A hash of :func:`fingerprinted_files`, so a rebuild after any rule change re-extracts
    every document instead of reusing stale results (and only then: editing a view or a
    command does not)."""
    h = hashlib.sha256()
    for p in fingerprinted_files():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def __getattr__(name: str) -> str:
    # PIPELINE_VERSION is hashed on first use: importing a stage (query parameters resolve
    # unit names) must not read and hash the whole pipeline's code
    if name == "PIPELINE_VERSION":
        return f"policykg-pipeline-3+{code_fingerprint()}"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    PIPELINE_VERSION: str

__all__ = ["PIPELINE_VERSION", "Processed", "extract_document", "extract_text", "load", "process_document", "process_file",
           "process_text", "trace_document"]
