"""Ingest: bytes on disk → :class:`~policykg.records.SourceDocument`.

Readers are registered by file extension under versioned names (``txt.v1`` …)
and imported lazily, so a missing optional dependency only affects its format.

>>> from policykg.pipeline.ingest import reader_for
>>> reader_for("plan.HTM")
'html.v1'
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path

from policykg.errors import EmptyDocumentError, IngestError, TooLargeError, UnsupportedFormatError
from policykg.records import SourceDocument

#: extension → registered reader name
EXTENSIONS: dict[str, str] = {
    ".txt": "txt.v1",
    ".text": "txt.v1",
    ".html": "html.v1",
    ".htm": "html.v1",
    ".docx": "docx.v1",
    ".pdf": "pdf.v1",
}

#: reader name → "module:function", imported on first use
READERS: dict[str, str] = {
    "txt.v1": "policykg.pipeline.ingest.text:read_text",
    "html.v1": "policykg.pipeline.ingest.html:read_html",
    "docx.v1": "policykg.pipeline.ingest.docx:read_docx",
    "pdf.v1": "policykg.pipeline.ingest.pdf:read_pdf",
}

#: files larger than this are refused before they are read (bytes): containers (docx, pdf)
MAX_FILE_BYTES = 200 * 1024 * 1024
#: text files (txt, html) larger than this are refused before they are read (bytes)
MAX_TEXT_FILE_BYTES = 20 * 1024 * 1024
#: documents whose text is longer than this are refused (characters); a policy document
#: is rarely longer than a few hundred thousand characters
MAX_TEXT_CHARS = 5_000_000

Reader = Callable[[bytes, str, "str | None"], tuple[str, list, str | None, list[str]]]


def register_reader(name: str, target: str, *extensions: str) -> None:
    """Register ``target`` ("module:function") as reader ``name`` for ``extensions``."""
    READERS[name] = target
    for ext in extensions:
        EXTENSIONS[ext.lower()] = name


def reader_for(path: str | Path) -> str:
    """The registered reader name for a path, by extension."""
    ext = Path(path).suffix.lower()
    try:
        return EXTENSIONS[ext]
    except KeyError:
        raise UnsupportedFormatError(
            str(path),
            f"no reader for files ending in '{ext or '(none)'}'",
            "Convert it to .txt, .html, .docx or .pdf, or leave it out of the input folder",
        ) from None


def _load(name: str) -> Callable:
    module, func = READERS[name].split(":")
    return getattr(importlib.import_module(module), func)


def supported(path: str | Path) -> bool:
    """True when a reader is registered for the file's extension."""
    return Path(path).suffix.lower() in EXTENSIONS


def read_document(path: str | Path, *, encoding: str | None = None) -> SourceDocument:
    """Read one file into a :class:`SourceDocument`.

    Parameters
    ----------
    path:
        A .txt, .html/.htm, .docx or .pdf file.
    encoding:
        For text and HTML files: use this encoding instead of detecting one.

    Raises
    ------
    IngestError
        With a message naming the file and what to do, for any file that
        cannot be read (empty, binary, undecodable, corrupt, scanned ...).
    """
    path = Path(path)
    name = reader_for(path)
    try:
        size = path.stat().st_size
        limit = MAX_TEXT_FILE_BYTES if name in ("txt.v1", "html.v1") else MAX_FILE_BYTES
        if size > limit:
            raise TooLargeError(
                str(path),
                f"file is {size / 1e6:.0f} MB, over the {limit / 1e6:.0f} MB limit for this format",
                "Split it into smaller documents (one policy per file)",
            )
        data = path.read_bytes()
    except PermissionError:
        raise IngestError(
            str(path), "permission denied", "Make the file readable (chmod +r) or remove it"
        ) from None
    except IsADirectoryError:
        raise IngestError(str(path), "is a directory", "Point at files only") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror})", "Check the file") from None
    if not data.strip():
        raise EmptyDocumentError(str(path), "the file is empty", "Remove it or replace it with the full document")
    reader = _load(name)
    text, blocks, used_encoding, warnings = reader(data, str(path), encoding)
    if not text.strip():
        raise EmptyDocumentError(str(path), "no text could be read from the file", "Check that it is the full document")
    if len(text) > MAX_TEXT_CHARS:
        raise TooLargeError(
            str(path),
            f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit",
            "Split it into smaller documents",
        )
    return SourceDocument(
        name=path.name,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=name.split(".")[0],
        encoding=used_encoding,
        text=text,
        blocks=tuple(blocks),
        warnings=tuple(warnings),
    )


__all__ = ["read_document", "register_reader", "reader_for", "supported", "IngestError"]
