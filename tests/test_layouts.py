"""Extraction on layouts beyond the samples (tests/layout_cases.py): every expected task
is found with exactly the expected (role, unit) pairs; milestones, sections and pairings
where a case states them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import policykg
from policykg.records import Extraction
from policykg.text.textview import fold

from . import layout_cases_2, layout_cases_3, layout_cases_4, layout_cases_5, layout_cases_6
from .layout_cases import CASES


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _extract(case: dict, tmp_path: Path) -> Extraction:  # type: ignore[type-arg]
    if case["extra"].get("format") in ("docx", "pdf"):
        path = layout_cases_2.build_file(case, tmp_path / case["name"])
        return policykg.extract_document(policykg.read_document(path))
    if case["html"]:
        path = tmp_path / f"{case['name']}.html"
        path.write_text(case["text"], encoding="utf-8")
        return policykg.extract_document(policykg.read_document(path))
    return policykg.extract_text(case["text"], name=case["name"] + ".txt")


def _task(ex: Extraction, anchor: str):  # type: ignore[no-untyped-def]
    for t in ex.tasks:
        if _norm(anchor) in _norm((t.number or "") + (t.title or "") + t.text + "".join(t.cells)):
            return t
    return None


def _matches(case: dict, tmp_path: Path) -> bool:  # type: ignore[type-arg]
    ex = _extract(case, tmp_path)
    for anchor, expected in case["expected"]:
        t = _task(ex, anchor)
        want = sorted((r, fold(u)) for r, us in expected.items() for u in us)
        if t is None or sorted((m.role, fold(_norm(m.text))) for m in t.mentions) != want:
            return False
    return True


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



#: the other case files: the second review, then the surveys of real pages (the last three
#: written by reviewers who had not seen the extractor); known open layouts are strict xfails
_MODULES = (layout_cases_2, layout_cases_3, layout_cases_4, layout_cases_5, layout_cases_6)


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c["name"], marks=pytest.mark.xfail(strict=True, reason="known open layout"))
     if c["name"] in getattr(mod, "KNOWN_OPEN", ()) else pytest.param(c, id=c["name"])
     for mod in _MODULES for c in mod.CASES],
)
def test_layout_beyond_the_first_review(case: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    test_layout(case, tmp_path)
