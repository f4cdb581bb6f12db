"""Every reader, on small documents made here, gives the tasks and units the text holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncodingError,
    NoTextLayerError,
    UnsupportedFormatError,
)
from policykg.pipeline import extract_document
from policykg.pipeline.ingest import read_document

from .conftest import PLAN_TEXT, TABLE_ROWS, make_docx, make_pdf

PLAN_UNITS = {
    ("responsible", "县交通运输局"),
    ("responsible", "县财政局"),
    ("responsible", "各镇人民政府"),
    ("lead", "县水务局"),
    ("support", "县财政局"),
    ("responsible", "各镇党委政府"),
}
TABLE_UNITS = {
    ("1", "lead", "县交通运输局"),
    ("1", "support", "县财政局"),
    ("1", "support", "各镇人民政府"),
    ("2", "responsible", "县水务局"),
}


def units_of(path: Path, **kw: str) -> set[tuple[str, str]]:
    ex = extract_document(read_document(path, **kw))
    return {(m.role, m.name) for t in ex.tasks for m in t.mentions}


def table_units(path: Path) -> set[tuple[str, str, str]]:
    ex = extract_document(read_document(path))
    return {(t.key.rsplit("-", 1)[-1].lstrip("0"), m.role, m.name) for t in ex.tasks if t.kind == "row" for m in t.mentions}


@pytest.mark.parametrize(
    "encoding, data",
    [
        ("utf-8", PLAN_TEXT.encode("utf-8")),
        ("utf-8-sig", b"\xef\xbb\xbf" + PLAN_TEXT.encode("utf-8")),
        ("gb18030", PLAN_TEXT.encode("gbk")),
        ("utf-16", PLAN_TEXT.encode("utf-16")),  # with BOM
        ("utf_16_le", PLAN_TEXT.encode("utf-16-le")),  # without BOM
        ("utf-8", PLAN_TEXT.replace("\n", "\r\n").encode("utf-8")),  # Windows line ends
    ],
)
def test_txt_encodings(tmp_path: Path, encoding: str, data: bytes) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text.startswith("关于推进某某县")
    assert "\r" not in doc.text
    assert units_of(path) == PLAN_UNITS


def test_explicit_encoding_wins(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN_TEXT.encode("gbk"))
    assert read_document(path, encoding="gbk").encoding == "gbk"
    with pytest.raises(EncodingError, match="plan.txt"):
        read_document(path, encoding="utf-8")


def test_traditional_characters_read_like_simplified(tmp_path: Path) -> None:
    import opencc

    path = tmp_path / "trad.txt"
    path.write_text(opencc.OpenCC("s2t").convert(PLAN_TEXT), encoding="utf-8")
    ex = extract_document(read_document(path))
    mentions = [m for t in ex.tasks for m in t.mentions]
    assert {(m.role, m.name) for m in mentions} == PLAN_UNITS
    assert "縣交通運輸局" in {m.text for m in mentions}  # as written


def test_html_paragraphs_and_table(tmp_path: Path) -> None:
    rows = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE_ROWS
    )
    html = f"""<html><head><title>t</title><script>var x = "<p>县公安局</p>";</script></head><body>
    <div class="nav">首页 &gt; 政策</div>
    <p>{PLAN_TEXT.splitlines()[0]}</p>
    {''.join(f'<p>{line}</p>' for line in PLAN_TEXT.splitlines()[1:] if line)}
    <p>附件</p><table>{rows}</table></body></html>"""
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path)
    assert "县公安局" not in doc.text  # scripts are not text
    assert sum(b.kind == "row" for b in doc.blocks) == 3
    assert PLAN_UNITS <= units_of(path)
    assert table_units(path) == TABLE_UNITS


def test_html_rowspan_is_an_empty_merged_cell(tmp_path: Path) -> None:
    html = """<table><tr><th>工作任务</th><th>主要内容</th><th>责任部门</th></tr>
    <tr><td rowspan="2">一、基础设施</td><td>修路</td><td>县交通运输局</td></tr>
    <tr><td>供水</td><td>县水务局</td></tr></table>"""
    path = tmp_path / "t.htm"
    path.write_text(html, encoding="utf-8")
    ex = extract_document(read_document(path))
    assert [(t.section, t.text, [m.name for m in t.mentions]) for t in ex.tasks] == [
        ("一、基础设施", "修路", ["县交通运输局"]),
        ("一、基础设施", "供水", ["县水务局"]),
    ]


def test_docx_paragraphs_and_table_with_merged_cells(tmp_path: Path) -> None:
    rows = [["工作任务", "主要内容", "责任部门"], ["一、基础设施", "修路", "牵头部门：县交通运输局 配合部门：县财政局"], ["", "供水", "县水务局"]]
    path = tmp_path / "plan.docx"
    path.write_bytes(make_docx(rows, [line for line in PLAN_TEXT.splitlines() if line], merge_down=(0, 1, 2)))
    ex = extract_document(read_document(path))
    assert PLAN_UNITS <= {(m.role, m.name) for t in ex.tasks for m in t.mentions}
    got = [(t.section, t.text, [(m.role, m.name) for m in t.mentions]) for t in ex.tasks if t.kind == "row"]
    assert got == [
        ("一、基础设施", "修路", [("lead", "县交通运输局"), ("support", "县财政局")]),
        ("一、基础设施", "供水", [("responsible", "县水务局")]),
    ]


def test_pdf_text_and_table(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(make_pdf([line for line in PLAN_TEXT.splitlines() if line], TABLE_ROWS))
    assert PLAN_UNITS <= units_of(path)
    assert table_units(path) == TABLE_UNITS


@pytest.mark.parametrize(
    "name, data, error, says",
    [
        ("empty.txt", b"", EmptyDocumentError, "empty"),
        ("blank.txt", b"  \n\n ", EmptyDocumentError, "empty"),
        ("junk.txt", bytes(range(256)) * 40, EncodingError, "binary"),
        ("fake.docx", b"this is not a zip file", CorruptFileError, "not a zip"),
        ("fake.pdf", b"%PDF-1.4 broken", CorruptFileError, "PDF"),
        ("old.doc", b"\xd0\xcf\x11\xe0", UnsupportedFormatError, ".doc"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, name: str, data: bytes, error: type, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as info:
        read_document(path)
    assert name in str(info.value) and says in str(info.value)


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([], text=False))
    with pytest.raises(NoTextLayerError, match="OCR"):
        read_document(path)


def test_truncated_utf8_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(PLAN_TEXT.encode("utf-8") + "县".encode()[:2])
    doc = read_document(path)
    assert doc.warnings and "truncated" in doc.warnings[0]
    assert units_of(path) == PLAN_UNITS
