"""Plain-text reader: encoding detection and line/row blocks."""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter

from policykg.errors import EncodingError
from policykg.records import Block, SourceDocument

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_CANDIDATES = ["gb18030", "big5", "utf_16_le", "utf_16_be"]


def _plausible(text: str) -> float:
    """Share of characters that can occur in a policy document."""
    if not text:
        return 0.0
    good = sum(n for ch, n in Counter(text).items() if _can_occur(ch))
    return good / len(text)


def _can_occur(ch: str) -> bool:
    return (ch in "\n\t\r" or ch.isprintable()) and unicodedata.category(ch) not in ("Co", "Cs", "Cn") and ch != "\ufffd"


def decode_bytes(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """Decode ``data``: an explicit encoding wins, then a BOM, UTF-8, then detection.

    Returns the text, the encoding used and warnings. Raises
    :class:`~policykg.errors.EncodingError` for binary or undecodable data.
    """
    warnings: list[str] = []
    if encoding:
        try:
            return data.decode(encoding), encoding, warnings
        except (UnicodeDecodeError, LookupError) as exc:
            raise EncodingError(
                path,
                f"cannot be decoded as {encoding} ({exc})",
                "Check the --encoding value or leave it out to detect the encoding",
            ) from None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, warnings
            except UnicodeDecodeError:
                break
    try:
        text, used = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        text, used = "", ""
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            text, used = data[: exc.start].decode("utf-8"), "utf-8"
            warnings.append("the file ends in the middle of a character (truncated download?); the last bytes were dropped")
    if not used:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=_CANDIDATES).best()
        if best is not None:
            text, used = str(best), best.encoding
    if not used or _plausible(text) < 0.97:
        mixed = _line_by_line(data)
        if mixed is not None:
            text, encodings = mixed
            warnings.append(f"lines in more than one encoding ({', '.join(encodings)}); each line was decoded on its own")
            return text, "+".join(encodings), warnings
        raise EncodingError(
            path,
            "does not look like text in UTF-8, UTF-16, GB18030/GBK or Big5 (binary data?)",
            "Check that it is a text document; if you know its encoding pass --encoding",
        )
    return text, used, warnings


#: the encodings a line of a mixed file may be in, tried in this order (UTF-8 first:
#: GB18030 decodes almost any bytes, UTF-8 only text written in it)
_LINE_ENCODINGS = ("utf-8", "gb18030", "big5")


def _line_by_line(data: bytes) -> tuple[str, list[str]] | None:
    """A file put together from parts in different encodings (UTF-8 and GBK lines, say),
    each line decoded in the first encoding that reads it; None unless that gives
    plausible text with more than one encoding."""
    if b"\x00" in data:
        return None  # UTF-16 or binary: lines are not byte-separated
    lines, used = [], []
    for raw in data.split(b"\n"):
        for enc in _LINE_ENCODINGS:
            try:
                lines.append(raw.decode(enc))
            except UnicodeDecodeError:
                continue
            if enc not in used:
                used.append(enc)
            break
        else:
            return None
    text = "\n".join(lines)
    if len(used) < 2 or _plausible(text) < 0.97:
        return None
    return text, used


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def line_blocks(text: str) -> list[Block]:
    """One block per non-blank line; lines with two or more tab-separated cells
    that hold text become rows (empty cells are kept: they are merged cells)."""
    blocks: list[Block] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            if line.startswith("\t") and "\n" not in line:
                blocks.append(Block("paragraph", start, end))  # an empty table cell
            continue
        if "\t" in line.strip("\t") or (line.startswith("\t") and line.count("\t") >= 2):
            cells, c = [], start
            for part in line.split("\t"):
                cells.append((c, c + len(part)))
                c += len(part) + 1
            if sum(1 for a, b in cells if text[a:b].strip()) >= 2:
                blocks.append(Block("row", start, end, tuple(cells)))
                continue
        blocks.append(Block("paragraph", start, end))
    return blocks


def read_text(data: bytes, path: str, encoding: str | None) -> tuple[str, list[Block], str, list[str]]:
    """Reader ``txt.v1``."""
    text, used, warnings = decode_bytes(data, path, encoding)
    text = normalise_newlines(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, line_blocks(text), used, warnings


def text_document(text: str, *, name: str = "text.txt") -> SourceDocument:
    """A string read as if it were a UTF-8 .txt file (notebooks and tests)."""
    import hashlib

    return SourceDocument(
        name=name,
        path=name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        format="txt",
        encoding="utf-8",
        text=text,
        blocks=tuple(line_blocks(text)),
    )
