"""The minimal layouts every extraction must get right (one row per kind of layout; unit
names invented). Each row: text, the tasks that assign units as (anchor, {role: [units]}),
and optionally the persons of a task."""

from __future__ import annotations

import re

import pytest

from policykg import extract_text

CASES = [
    pytest.param(
        "一、深化改革，优化环境\n（一）推进项目建设。（责任单位：市发改委）",
        [("推进项目建设", {"responsible": ["市发改委"]})],
        id="heading-with-comma",
    ),
    pytest.param(
        "1.推进项目。（责任单位：市发改委）\n2.规范招标。（责任单位：市住建局）",
        [("推进项目", {"responsible": ["市发改委"]}), ("规范招标", {"responsible": ["市住建局"]})],
        id="no-heading",
    ),
    pytest.param(
        "一、人才政策\n1.给予资助。责任单位：市委组织部、市科技局。2.给予指标。责任单位：市发改委。",
        [("给予资助", {"responsible": ["市委组织部", "市科技局"]}), ("给予指标", {"responsible": ["市发改委"]})],
        id="inline-numbering-and-label-sentences",
    ),
    pytest.param(
        "一、项目\n10.甲项目。（牵头单位：市委组织部）\n11.121工程。（牵头单位：市人社局）",
        [("甲项目", {"lead": ["市委组织部"]}), ("121工程", {"lead": ["市人社局"]})],
        id="item-number-before-a-figure",
    ),
    pytest.param(
        "一、任务\n序号 主要任务 牵头单位 参与单位\n1 保护水源。 市水利局 市发展改革委、农业局等",
        [("保护水源", {"lead": ["市水利局"], "support": ["市发展改革委", "农业局"]})],
        id="table-row-per-line-with-spaces",
    ),
    pytest.param(
        "序号\n\n重点工作\n\n责任\n\n领导\n\n责任\n\n科室\n\n1\n\n修路\n\n张三\n\n交通办",
        [("修路", {"responsible": ["交通办"]}, ["张三"])],
        id="table-cell-per-line-split-headers-person-column",
    ),
    pytest.param(
        "一、强化科技创新（区科技局牵头）\n（一）加强平台建设。",
        [("强化科技创新", {"lead": ["区科技局"]})],
        id="clause-in-a-heading",
    ),
    pytest.param(
        "一、任务\n（一）推进PPP。\n责任单位:市发改委、市财政局(第一责任单位为牵头单位,下同)\n（二）规范收费。\n责任单位:市物价局、市财政局",
        [("推进PPP", {"lead": ["市发改委"], "support": ["市财政局"]}),
         ("规范收费", {"lead": ["市物价局"], "support": ["市财政局"]})],
        id="first-listed-unit-leads-stated-once",
    ),
]


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("text, expected", CASES)
def test_minimal_case(text: str, expected: list) -> None:  # type: ignore[type-arg]
    ex = extract_text(text)
    assigning = [t for t in ex.tasks if t.mentions]
    assert len(assigning) == len(expected), [(t.text, [m.name for m in t.mentions]) for t in ex.tasks]
    for row in expected:
        anchor, roles = row[0], row[1]
        (task,) = [t for t in assigning if _norm(anchor) in _norm((t.title or "") + t.text + "".join(t.cells))]
        got = sorted((m.role, m.name) for m in task.mentions)
        assert got == sorted((r, u) for r, us in roles.items() for u in us)
        if len(row) > 2:
            assert [p.name for p in task.persons] == row[2]


def test_jurisdiction_from_joint_issuers() -> None:
    ex = extract_text("中共某某县委 某某县人民政府\n关于印发《某某县修路工作方案》的通知\n一、任务\n1.修路。（责任单位：县交通局）\n")
    assert ex.policy.jurisdiction == "某某县"
    assert ex.policy.issuers == ("中共某某县委", "某某县人民政府")
