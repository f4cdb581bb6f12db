"""Word reader (python-docx): paragraphs and tables in document order, merged cells kept."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from policykg.errors import CorruptFileError, TooLargeError
from policykg.pipeline.ingest.builder import MERGED_ABOVE, TextBuilder
from policykg.records import Block

#: refuse a .docx whose parts decompress to more than this (bytes): zip bombs
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024


def _check_zip(data: bytes, path: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise CorruptFileError(
            path,
            "is not a valid .docx (not a zip archive; an old .doc renamed, or a partial download?)",
            "Open it in Word or LibreOffice and save it again as .docx",
        ) from None
    if total > MAX_UNZIPPED_BYTES:
        raise TooLargeError(
            path,
            f"decompresses to {total / 1e6:.0f} MB, over the {MAX_UNZIPPED_BYTES / 1e6:.0f} MB limit",
            "This looks like a zip bomb or a document full of images; save a text-only copy",
        )
    if "word/document.xml" not in names:
        raise CorruptFileError(path, "has no word/document.xml part", "Save it again as a Word .docx document")


def _cell_text(cell: Any) -> str:
    parts = [p.text for p in cell.paragraphs]
    for inner in cell.tables:  # nested tables: their text, row by row
        for row in inner.rows:
            seen = []
            for c in row.cells:
                if c._tc not in seen:
                    seen.append(c._tc)
                    parts.append(_cell_text(c))
    return "\n".join(p for p in parts if p.strip())


def table_rows(table: Any) -> list[list[object]]:
    """Rows as cell texts; a cell merged with the one above is :data:`MERGED_ABOVE`
    (it shares that cell's text), one merged with its left neighbour is empty."""
    rows: list[list[object]] = []
    above: list[object] = []
    for row in table.rows:
        cells = list(row.cells)
        out: list[object] = []
        for j, cell in enumerate(cells):
            left = cells[j - 1]._tc if j else None
            up = above[j] if j < len(above) else None
            if cell._tc is left:
                out.append("")
            elif cell._tc is up:
                out.append(MERGED_ABOVE)
            else:
                out.append(_cell_text(cell))
        above = [c._tc for c in cells]
        rows.append(out)
    return rows


def read_docx(data: bytes, path: str, encoding: str | None) -> tuple[str, list[Block], str | None, list[str]]:
    """Reader ``docx.v1``."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_zip(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors ...
        raise CorruptFileError(path, f"the .docx could not be opened ({exc})", "Open and save it again in Word or LibreOffice") from None
    builder = TextBuilder()
    warnings: list[str] = []
    tables = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            builder.paragraph(Paragraph(child, document).text)
        elif tag == "tbl":
            try:
                rows = table_rows(Table(child, document))
            except Exception as exc:
                warnings.append(f"table {tables + 1} could not be read ({exc}); it was skipped")
                rows = []
            for cells in rows:
                builder.row(cells, tables)
            tables += 1
    return builder.text, builder.blocks, None, warnings
