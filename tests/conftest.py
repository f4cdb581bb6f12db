"""Shared fixtures: the bundled samples, a graph built from them once per session,
and small documents in every format, made in code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from policykg.build import build_corpus
from policykg.graphdir import load_extractions
from policykg.pipeline.ingest import read_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
GOLDEN = ROOT / "tests" / "golden"
QUERY_FIXTURES = ROOT / "tests" / "fixtures" / "queries"

#: a small plan in the common layout: headings, items with a label, prose, a pairing
PLAN_TEXT = """关于推进某某县乡村振兴的实施方案

一、主要任务
（一）加强基础设施建设
1.推进农村公路建设，完善路网。（责任单位：县交通运输局、县财政局，各镇人民政府）
2.加快农村供水工程建设。由县水务局牵头，县财政局配合。
二、保障措施
各镇党委政府要切实履行主体责任。
"""

TABLE_ROWS = [
    ["序号", "项目名称", "工作内容", "责任单位"],
    ["1", "农村公路建设", "完成村道硬化", "牵头单位：县交通运输局 配合单位：县财政局、各镇人民政府"],
    ["2", "饮水安全工程", "推进村村通自来水", "县水务局"],
]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    return GOLDEN


@pytest.fixture(scope="session")
def built_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus built once per session."""
    out = tmp_path_factory.mktemp("graph")
    build_corpus([SAMPLES], out)
    return out


@pytest.fixture(scope="session")
def fixture_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two small documents of tests/fixtures/queries built once per session (the
    named queries' and projections' expected rows are theirs)."""
    out = tmp_path_factory.mktemp("fixture-graph")
    build_corpus([QUERY_FIXTURES], out)
    return out


@pytest.fixture(scope="session")
def fixture_server(fixture_graph: Path):  # type: ignore[no-untyped-def]
    """The SPARQL endpoint on the fixture graph, for the session."""
    from policykg.serve import serve_in_thread, stop

    server, _ = serve_in_thread(fixture_graph, timeout=20, max_rows=1000)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    stop(server)


@pytest.fixture(scope="session")
def sample_extractions(built_graph: Path):  # type: ignore[no-untyped-def]
    return load_extractions(built_graph)


@pytest.fixture(scope="session")
def sample_documents():  # type: ignore[no-untyped-def]
    return {p.name: read_document(p) for p in sorted(SAMPLES.glob("*.txt"))}


def make_docx(rows: list[list[str]], paragraphs: list[str], *, merge_down: tuple[int, int, int] | None = None) -> bytes:
    """A .docx with paragraphs and one table; ``merge_down=(col, row0, row1)`` merges cells vertically."""
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    if merge_down:
        col, r0, r1 = merge_down
        top = table.cell(r0, col)
        top.merge(table.cell(r1, col))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def make_pdf(paragraphs: list[str], rows: list[list[str]] | None = None, *, text: bool = True) -> bytes:
    """A PDF with Chinese text (reportlab's built-in CID font) and an optional table.

    With ``text=False`` it draws only a shape: a page with no text layer, like a scan.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    buf = io.BytesIO()
    if not text:
        c = canvas.Canvas(buf, pagesize=A4)
        c.rect(100, 100, 300, 400, fill=1)
        c.showPage()
        c.save()
        return buf.getvalue()
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    story: list[object] = [Paragraph(p, style) for p in paragraphs]
    if rows:
        t = Table([[Paragraph(c, cell) for c in row] for row in rows])
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(t)
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()
