"""PDF reader (pdfplumber): text lines and tables (as rows) in reading order."""

from __future__ import annotations

import io
import re
from functools import partial

from policykg.errors import CorruptFileError, EncryptedFileError, IngestError, NoTextLayerError
from policykg.pipeline.ingest.builder import MERGED_ABOVE, TextBuilder
from policykg.records import Block


def _outside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    return not _inside(obj, boxes)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def read_pdf(data: bytes, path: str, encoding: str | None) -> tuple[str, list[Block], str | None, list[str]]:
    """Reader ``pdf.v1``. Raises :class:`NoTextLayerError` for scans."""
    import pdfplumber

    builder = TextBuilder()
    warnings: list[str] = []
    chars = 0
    tables = 0
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        if "password" in repr(exc).lower():
            raise EncryptedFileError(
                path, "the PDF is protected by a password",
                "Save a copy without the password (for example `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and build from it",
            ) from None
        raise CorruptFileError(path, f"is not a readable PDF ({exc.__class__.__name__})", "Check the file or export it again") from None
    protected = pdf.doc.encryption is not None
    with pdf:
        for page in pdf.pages:
            chars += len(page.chars)
            items: list[tuple[float, int, object]] = []
            try:
                found = page.find_tables()
            except Exception as exc:
                warnings.append(f"page {page.page_number}: tables could not be read ({exc})")
                found = []
            boxes = [t.bbox for t in found]
            for t in found:
                items.append((t.bbox[1], 1, t.extract()))
            text_page = page.filter(partial(_outside, boxes=boxes)) if boxes else page
            for line in text_page.extract_text_lines(return_chars=False):
                items.append((line["top"], 0, line["text"]))
            items.sort(key=lambda x: (round(x[0], 1), x[1]))
            for _, kind, payload in items:
                if kind == 0:
                    builder.paragraph(str(payload))
                else:
                    rows: list[list[str | None]] = payload  # type: ignore[assignment]
                    for n, row in enumerate(rows):
                        # pdfplumber gives None for a cell covered by a merged one: a cell merged
                        # from above shares its text; a row with one cell spanning it is a heading
                        filled = sum(1 for c in row if c is not None)
                        builder.row([c if c is not None else ("" if n == 0 or filled <= 1 else MERGED_ABOVE) for c in row], tables)
                    tables += 1
    if chars == 0:
        raise NoTextLayerError(
            path,
            "the PDF has no text layer (a scanned image?)",
            "Run OCR first (for example `ocrmypdf -l chi_sim in.pdf out.pdf`) and build from the result",
        )
    if _font_codes(builder.text) > _MOST:
        return _read_with_pdfium(data, path, protected)
    return builder.text, builder.blocks, None, warnings


_FONT_CODE = re.compile(r"\(cid:\d+\)")
#: share of a PDF's text in (cid:NN) codes above which the text is not read from it
_MOST = 0.3


def _font_codes(text: str) -> float:
    """Share of ``text`` that is (cid:NN) font codes: glyphs pdfminer could not map to
    characters (a font without a Unicode map, or one it could not decrypt)."""
    return sum(len(m.group()) for m in _FONT_CODE.finditer(text)) / max(len(text), 1)


def _read_with_pdfium(data: bytes, path: str, protected: bool) -> tuple[str, list[Block], str | None, list[str]]:
    """Read a PDF whose text pdfminer gives as font codes with PDFium instead (line by
    line: no table cells), or say why it cannot be read."""
    import pypdfium2 as pdfium

    why = "the PDF is protected (an owner password) and its" if protected else "its"
    builder = TextBuilder()
    try:
        doc = pdfium.PdfDocument(data)
        for page in doc:
            for line in page.get_textpage().get_text_range().splitlines():
                if line.strip():
                    builder.paragraph(line)
        doc.close()
    except pdfium.PdfiumError:
        pass
    if not builder.text.strip() or _font_codes(builder.text) > _MOST or "\ufffd" in builder.text:
        raise IngestError(
            path, f"{why} text comes out as font codes (cid:NN), not characters",
            "Save it again from the program that made it, or run OCR (`ocrmypdf --force-ocr -l chi_sim in.pdf out.pdf`)",
        )
    return builder.text, builder.blocks, None, [
        f"{why} text came out as font codes (cid:NN); it was read again with PDFium, line by line, so table cells "
        "were not kept apart"
    ]
