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
    pytest.param(
        "序号 |\n工作任务 |\n责任单位 |\n1 |\n修建村道。 |\n县交通局、县财政局 |\n2 |\n整治河塘。 |\n县水务局 |",
        [("修建村道", {"responsible": ["县交通局", "县财政局"]}), ("整治河塘", {"responsible": ["县水务局"]})],
        id="one-cell-per-line-each-closed-by-a-pipe",
    ),
    pytest.param(
        "| \n 考核项目  | \n 评分办法  | \n 牵头单位  | \n 考核单位  | \n||\n| \n 1.植树造林  | \n 按实绩  | \n"
        " 县林业局  | \n 县考核办  | \n|\n| \n 2.河道保洁  | \n 县水务局  | \n||||",
        [("植树造林", {"lead": ["县林业局"]}), ("河道保洁", {"lead": ["县水务局"]})],
        id="pipe-closed-cells-in-rows-with-merged-cells-missing",
    ),
    pytest.param(
        "序号 工 作 任 务 牵头负责部门\n1 新增绿地30公顷 县园林局\n2 新建公厕12座 县城管局",
        [("新增绿地", {"lead": ["县园林局"]}), ("新建公厕", {"lead": ["县城管局"]})],
        id="header-in-spaced-out-characters",
    ),
    pytest.param(
        "（一）规划建设局（人防办）\n1.年度任务:\n①完成新区路网规划；②建成安置房300套。",
        [("完成新区路网规划", {"responsible": ["规划建设局"]}), ("建成安置房", {"responsible": ["规划建设局"]})],
        id="heading-that-is-a-unit-name",
    ),
    pytest.param(
        "成员单位职责\n县林业局:负责森林防火巡查；会同县气象局发布火险预警。\n县消防大队:负责扑救指挥。",
        [("县林业局:负责森林防火", {"responsible": ["县林业局", "县气象局"]}),
         ("县消防大队:负责扑救", {"responsible": ["县消防大队"]})],
        id="one-paragraph-per-unit-after-a-colon",
    ),
    pytest.param(
        "二、职责\n（一）部门职责\n环保分局作为治理工作牵头部门，负责监测。\n建设局做好管网维护；财政局保障经费拨付。",
        [("环保分局作为", {"lead": ["环保分局"]}), ("建设局做好", {"responsible": ["建设局"]}),
         ("财政局保障", {"responsible": ["财政局"]})],
        id="paragraphs-each-opening-with-their-own-unit",
    ),
    pytest.param(
        "1、林业站组织护林队负责巡山防火。\n2、派出所负责治安巡逻。",
        [("林业站组织护林队", {"responsible": ["林业站", "护林队"]}), ("派出所负责", {"responsible": ["派出所"]})],
        id="a-unit-that-organises-another",
    ),
    pytest.param(
        "（一）推行一窗通办。（责任单位:注册科、审批科；若涉及多个科室的，列第一的为牵头科室，下同）\n"
        "（二）加强抽检。（责任单位:抽检科、稽查队）",
        [("推行一窗通办", {"lead": ["注册科"], "support": ["审批科"]}),
         ("加强抽检", {"lead": ["抽检科"], "support": ["稽查队"]})],
        id="a-note-after-the-list-inside-its-bracket",
    ),
    pytest.param(
        "一、治理水源污染\n由市水务局承办，市环保局协办。主要措施：\n（一）由市环保局负责，市农业局配合，排查排污口。\n"
        "（二）由市水务局负责，清理河道。",
        [("治理水源污染", {"lead": ["市水务局"], "support": ["市环保局"]}),
         ("排查排污口", {"responsible": ["市环保局"], "support": ["市农业局"]}),
         ("清理河道", {"responsible": ["市水务局"]})],
        id="a-heading-assigned-in-its-paragraph-over-items-that-assign-their-own",
    ),
    pytest.param(
        "（一）健全机制。（责任股室：人事股、县教研中心）\n（二）完善流程。\n主要协作单位：县财政局",
        [("健全机制", {"responsible": ["人事股", "县教研中心"]}), ("完善流程", {"support": ["县财政局"]})],
        id="desks-and-main-cooperating-units",
    ),
    pytest.param(
        "会议决定，由县水利局编制整治方案，由县财政局、县农业局2家单位共同筹措资金。\n"
        "会议同意，如遇困难请县发改委主动协同县自然资源局研究解决。",
        [("由县水利局编制整治方案", {"responsible": ["县水利局", "县财政局", "县农业局"]}),
         ("如遇困难请县发改委", {"responsible": ["县发改委"], "support": ["县自然资源局"]})],
        id="by-or-please-a-unit-with-any-verb-of-acting",
    ),
    pytest.param(
        "县长当即批示，安排县民政局办理。\n副县长召集县交通局、石岭镇等单位负责人到现场察看。",
        [("安排县民政局办理", {"responsible": ["县民政局"]})],
        id="handed-to-a-unit-and-heads-of-units-who-only-attend",
    ),
    pytest.param(
        "负责全区学籍管理工作。负责招生入学。\n区教育局（基础教育科）\n负责校舍建设资金保障。\n区教育局（计划财务科）",
        [("负责全区学籍管理工作", {"responsible": ["区教育局"]}),  # the desk in brackets is a sub-unit,
         ("负责校舍建设资金保障", {"responsible": ["区教育局"]})],  # dropped as in every unit list
        id="duties-each-followed-by-the-line-of-their-unit",
    ),
    pytest.param(
        "1.各乡镇于12月25日前完成年度自查。\n2.县纪委监委派员全程监督。",
        [("完成年度自查", {"responsible": ["各乡镇"]}), ("派员全程监督", {"responsible": ["县纪委监委"]})],
        id="a-deadline-or-a-sending-after-the-unit",
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


def test_a_unit_that_scores_the_work_is_an_assessor() -> None:
    ex = extract_text("1、植树造林20分，由县林业局负责考核；\n2、河道保洁15分，由县水务局负责考核。")
    assert [[m.name for m in t.assessors] for t in ex.tasks] == [["县林业局"], ["县水务局"]]
    assert all(not t.mentions for t in ex.tasks)
