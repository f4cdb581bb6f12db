"""The lexicon and the clause finder, row by row: every wording fixed adds a row."""

from __future__ import annotations

import pytest

from policykg.pipeline.extract.clauses import find_clauses, parse_verb_clause
from policykg.text.lexicon import header_role, role_of_label, role_of_verb
from policykg.text.textview import fold


@pytest.mark.parametrize(
    "label, role",
    [
        ("牵头单位", "lead"), ("牵头部门", "lead"), ("主办单位", "lead"), ("牵头责任单位", "lead"),
        ("配合单位", "support"), ("协办单位", "support"), ("参与单位", "support"), ("协同责任单位", "support"),
        ("合部门", "support"), ("责任单位", "responsible"), ("责任部门", "responsible"), ("责任科室", "responsible"),
        ("实施主体", "responsible"), ("落实单位", "responsible"),
    ],
)
def test_label_roles(label: str, role: str) -> None:
    assert role_of_label(label) == role


@pytest.mark.parametrize(
    "verb, role",
    [
        ("牵头", "lead"), ("牵头负责", "lead"), ("牵头督导", "lead"), ("配合", "support"), ("参与", "support"),
        ("指导", "support"), ("按职责分工配合", "support"), ("负责", "responsible"), ("负责落实", "responsible"),
        ("按职责分工负责", "responsible"), ("分别负责", "responsible"), ("研究", None),
    ],
)
def test_verb_roles(verb: str, role: str | None) -> None:
    assert role_of_verb(verb) == role


@pytest.mark.parametrize(
    "header, role",
    [
        ("序号", "number"), ("牵头单位", "lead"), ("参与单位", "support"), ("责任单位", "units"), ("责任科室", "units"),
        ("责任单位（排在第一位的为牵头单位）", "units"), ("责任单位及责任人", "units"), ("责任领导", "person"),
        ("分管领导", "person"), ("评分部门", "assessor"), ("考核单位", "assessor"), ("2019年", "year"),
        ("完成时限", "progress"), ("年度目标", "target"), ("单位", "measure"), ("重点工作", "title"),
        ("类别", "group"), ("主要内容", "content"), ("备注", "note"),
    ],
)
def test_header_roles(header: str, role: str) -> None:
    assert header_role(header) == role


def _read(text: str, *, cell: bool = False) -> list[tuple[str, list[tuple[str, str]]]]:
    t = fold(text)
    return [(c.kind, [(u.role, t[u.start : u.end]) for u in c.lists]) for c in find_clauses(t, cell=cell)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # labelled lists, in any bracket or none
        ("修路。（牵头单位：县交通局；配合单位：县财政局、各镇）",
         [("label", [("lead", "县交通局"), ("support", "县财政局、各镇")])]),
        ("修路。〔牵头单位:市大数据中心;配合单位:市财政局〕",
         [("label", [("lead", "市大数据中心"), ("support", "市财政局")])]),
        ("【责任单位】县自然资源局 严格保护耕地", [("label", [("responsible", "县自然资源局")])]),
        ("给予资助。责任单位：市委组织部、市科技局。", [("label", [("responsible", "市委组织部、市科技局")])]),
        ("责任单位:市交通运输局、市财政局(第一责任单位为牵头单位,下同)",
         [("label", [("responsible", "市交通运输局、市财政局(第一责任单位为牵头单位,下同)")])]),
        # verb clauses: a bracket made of unit lists and role verbs
        ("修路。（县交通局牵头，县财政局、各镇配合）", [("verb", [("lead", "县交通局"), ("support", "县财政局、各镇")])]),
        ("（市大數據局、市財政局牽頭,市直各相關單位及各縣(市、區)人民政府按職責分工負責）",
         [("verb", [("lead", "市大数据局、市财政局"), ("responsible", "市直各相关单位及各县(市、区)人民政府")])]),
        ("（生态环境部牵头，国家发展改革委、国家统计局参与）",
         [("verb", [("lead", "生态环境部"), ("support", "国家发展改革委、国家统计局")])]),
        ("（工业和信息化部、商务部指导）", [("verb", [("support", "工业和信息化部、商务部")])]),
        ("（扶贫办、全国总工会等和各省级人民政府负责）",
         [("verb", [("responsible", "扶贫办、全国总工会等和各省级人民政府")])]),
        ("（各有关部门和单位，各省级人民政府按职责分工负责）",
         [("verb", [("responsible", "各有关部门和单位"), ("responsible", "各省级人民政府")])]),
        ("（省商务厅牵头，省十大新兴产业推进组工作专班牵头单位按职责分工负责）",
         [("verb", [("lead", "省商务厅"), ("responsible", "省十大新兴产业推进组工作专班牵头单位")])]),
        ("（市生态环境局牵头，市发改局参与，12月底前完成）",
         [("verb", [("lead", "市生态环境局"), ("support", "市发改局")])]),
        # brackets that are not clauses
        ("支持各类职业院校（含技工院校）承担培训。", []),
        ("实施“三五十”智造工程（以下称“智造工程”）。", []),
        ("到2020年（2018-2020年）完成。", []),
        ("资金（由县财政负责）", []),
    ],
)
def test_find_clauses(text: str, expected: list) -> None:  # type: ignore[type-arg]
    assert _read(text) == expected


def test_a_cell_verb_clause_needs_no_bracket() -> None:
    assert _read("县住房城乡建设局牵头，县生态环境局、县水务局配合", cell=True) == [
        ("verb", [("lead", "县住房城乡建设局"), ("support", "县生态环境局、县水务局")])
    ]


@pytest.mark.parametrize(
    "content, first_leads, standing",
    [
        ("人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同", True, None),
        ("生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出", False, "试点城市政府"),
        ("市生态环境局牵头，各县、区人民政府（管委会）负责落实。以下各项工作均需各县、区人民政府（管委会）落实，不再列出",
         False, "各县、区人民政府（管委会）"),
    ],
)
def test_notes_inside_a_clause(content: str, first_leads: bool, standing: str | None) -> None:
    c = parse_verb_clause(content, 0, len(content))
    assert c is not None and c.first_leads is first_leads
    assert [content[u.start : u.end] for u in c.standing] == ([standing] if standing else [])


def test_a_standing_note_inside_a_labelled_list_is_not_part_of_the_list() -> None:
    t = "（责任单位：市工信局、市财政局。以下政策措施均需各县区人民政府落实，不再单独列出）"
    (c,) = find_clauses(t)
    assert [t[u.start : u.end] for u in c.lists] == ["市工信局、市财政局"]
    assert [t[u.start : u.end] for u in c.standing] == ["各县区人民政府"]
