"""The bundled samples and the layout twins (tests/layouts/) against their gold annotations,
and span integrity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg import extract_document, extract_text, read_document
from policykg.evaluate import evaluate, tasks_from_extraction

# Floors at the figures reached when this test was written: it fails on any drop.
MICRO_F1_FLOOR = 0.994
DOC_F1_FLOOR = 0.98
TASK_RECALL_FLOOR = 1.0
# The layout twins: thirteen documents in layouts seen in real documents (tests/layouts/README.md).
LAYOUTS = Path(__file__).parent / "layouts"
LAYOUT_MICRO_F1_FLOOR = 0.99
LAYOUT_DOC_F1_FLOOR = 0.95


@pytest.fixture(scope="module")
def scores(sample_extractions, golden_dir: Path):  # type: ignore[no-untyped-def]
    return evaluate(golden_dir, {e.doc: tasks_from_extraction(e) for e in sample_extractions})


def test_micro_role_aware_f1(scores) -> None:  # type: ignore[no-untyped-def]
    assert not scores.missing
    assert scores.micro.role_aware.f1 >= MICRO_F1_FLOOR
    assert scores.micro.task_recall >= TASK_RECALL_FLOOR


@pytest.mark.parametrize("doc", sorted(p.name.removesuffix(".gold.json") for p in Path(__file__).parent.joinpath("golden").glob("*.gold.json")))
def test_every_document_f1(scores, doc: str) -> None:  # type: ignore[no-untyped-def]
    (d,) = [d for d in scores.documents if d.doc == doc]
    assert d.role_aware.f1 >= DOC_F1_FLOOR, "\n".join(d.errors)
    assert d.task_recall >= TASK_RECALL_FLOOR


@pytest.fixture(scope="module")
def layout_extractions():  # type: ignore[no-untyped-def]
    files = sorted(p for p in LAYOUTS.iterdir() if p.is_file() and p.name[:2].isdigit())
    return {p.name: extract_document(read_document(p)) for p in files}


@pytest.fixture(scope="module")
def layout_scores(layout_extractions):  # type: ignore[no-untyped-def]
    return evaluate(LAYOUTS / "gold", {name: tasks_from_extraction(e) for name, e in layout_extractions.items()})


def test_layouts_micro_role_aware_f1(layout_scores) -> None:  # type: ignore[no-untyped-def]
    assert not layout_scores.missing
    assert layout_scores.micro.role_aware.f1 >= LAYOUT_MICRO_F1_FLOOR


@pytest.mark.parametrize("doc", sorted(p.name.removesuffix(".gold.json") for p in (LAYOUTS / "gold").glob("*.gold.json")))
def test_every_layout_document(layout_scores, layout_extractions, doc: str) -> None:  # type: ignore[no-untyped-def]
    (d,) = [d for d in layout_scores.documents if d.doc == doc]
    assert d.role_aware.f1 >= LAYOUT_DOC_F1_FLOOR, "\n".join(d.errors)
    ex = layout_extractions[doc]
    assert any(t.mentions for t in ex.tasks), f"{doc}: no task assigns a unit"
    assert ex.check.understood


def test_every_mention_span_slices_to_the_mention(sample_extractions, sample_documents) -> None:  # type: ignore[no-untyped-def]
    n = 0
    for ex in sample_extractions:
        text = sample_documents[ex.doc].text
        for t in ex.tasks:
            assert 0 <= t.start < t.end <= len(text)
            for m in t.mentions:
                assert text[m.start : m.end] == m.text
                n += 1
            for ms in t.milestones:
                assert text[ms.start : ms.end] == ms.text
        for p in ex.places:
            # a short name in a list sharing one suffix is completed (东简、东山街道 → 东简街道)
            written = text[p.start : p.end].replace("\n", "")
            assert p.name in written or (p.name.startswith(written) and p.name[len(written):] in ("镇", "乡", "街道")), p
    assert n > 1000


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("一二（）()1.、，。：:；责任单位牵头配合部门县区镇局委办由负责要\n\t 【】*<p>")), max_size=300))
def test_arbitrary_text_never_crashes_and_spans_hold(text: str) -> None:
    ex = extract_text(text)
    for t in ex.tasks:
        for m in t.mentions:
            assert 0 <= m.start <= m.end <= len(text)
            assert text[m.start : m.end] == m.text

