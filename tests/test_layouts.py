"""Extraction on layouts beyond the samples (tests/layout_cases.py): every expected task
is found with exactly the expected (role, unit) pairs; milestones, sections and pairings
where a case states them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import policykg
from policykg.records import Extraction
from policykg.textview import fold

from .layout_cases import CASES


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _extract(case: dict, tmp_path: Path) -> Extraction:  # type: ignore[type-arg]
    if case["html"]:
        path = tmp_path / f"{case['name']}.html"
        path.write_text(case["text"], encoding="utf-8")
        return policykg.extract_document(policykg.read_document(path))
    return policykg.extract_text(case["text"], name=case["name"] + ".txt")


def _task(ex: Extraction, anchor: str):  # type: ignore[no-untyped-def]
    for t in ex.tasks:
        if _norm(anchor) in _norm((t.title or "") + t.text):
            return t
    return None


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_layout(case: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    ex = _extract(case, tmp_path)
    for anchor, expected in case["expected"]:
        t = _task(ex, anchor)
        assert t is not None, f"no task for {anchor!r} ({case['layout']})"
        want = sorted((r, fold(u)) for r, us in expected.items() for u in us)
        got = sorted((m.role, fold(_norm(m.text))) for m in t.mentions)
        assert got == want, f"{case['name']} {anchor!r}: {case['layout']}"
        for m in t.mentions:
            assert m.start < m.end
    extra = case["extra"]
    for anchor, years in extra.get("milestones", {}).items():
        t = _task(ex, anchor)
        years = [years] if isinstance(years, str) else years
        assert set(years) <= {m.year for m in t.milestones}
    for anchor, section in extra.get("sections", {}).items():
        assert _task(ex, anchor).section == section
    if "pairings" in extra:
        got = {(p.helper, p.helped) for p in ex.pairings}
        assert set(map(tuple, extra["pairings"])) <= got
