"""HTML reader: paragraphs from block elements, real ``<table>`` rows and cells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policykg.errors import CorruptFileError
from policykg.pipeline.ingest.builder import MERGED_ABOVE, TextBuilder
from policykg.pipeline.ingest.text import decode_bytes
from policykg.records import Block

if TYPE_CHECKING:
    from bs4 import Tag

BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section",
    "article", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "main",
    "nav", "aside", "form", "center", "address", "figure", "figcaption", "caption",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "button", "select"}


def _cell_text(cell: Tag) -> str:
    return "\n".join(s.strip() for s in cell.stripped_strings)


def table_rows(table: Tag) -> list[list[object]]:
    """Rows of a table as cell texts; a cell covered by a rowspan from above is
    :data:`MERGED_ABOVE`, the extra columns of a colspan are empty."""
    rows: list[list[object]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan above
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        out: list[object] = []
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while pending.get(col, 0) > 0:
                pending[col] -= 1
                out.append(MERGED_ABOVE)
                col += 1
            span = _int(cell.get("colspan"), 1)
            rowspan = _int(cell.get("rowspan"), 1)
            out.append(_cell_text(cell))
            for k in range(span):
                if rowspan > 1:
                    pending[col + k] = rowspan - 1
                if k:
                    out.append("")
            col += span
        while pending.get(col, 0) > 0:
            pending[col] -= 1
            out.append(MERGED_ABOVE)
            col += 1
        rows.append(out)
    return rows


def _int(value: object, default: int) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except (TypeError, ValueError):
        return default


def read_html(data: bytes, path: str, encoding: str | None) -> tuple[str, list[Block], str, list[str]]:
    """Reader ``html.v1``. Walks the tree without recursion, so deep markup is safe."""
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Doctype, ProcessingInstruction

    markup, used, warnings = decode_bytes(data, path, encoding)
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as exc:  # lxml raises many kinds on broken input
        raise CorruptFileError(path, f"the HTML could not be parsed ({exc})", "Save the page again and retry") from None
    builder = TextBuilder()
    buf: list[str] = []
    tables = 0

    def flush() -> None:
        if buf:
            builder.paragraph("".join(buf))
            buf.clear()

    root = soup.body or soup
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if node == "__END__":
            flush()
            continue
        if isinstance(node, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(node, NavigableString):
            buf.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in SKIP_TAGS:
            continue
        if name == "br":
            buf.append("\n")
            continue
        if name == "table":
            flush()
            for cells in table_rows(node):
                builder.row(cells, tables)
            tables += 1
            continue
        block = name in BLOCK_TAGS or name == "tr"
        if block:
            flush()
            stack.append("__END__")
        stack.extend(reversed(list(node.children)))
    flush()
    return builder.text, builder.blocks, used, warnings
