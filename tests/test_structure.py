"""Layout: headings, items, page-break wraps, task tables and policy metadata."""

from __future__ import annotations

import pytest

from policykg import extract_text
from policykg.text.patterns import number_level


@pytest.mark.parametrize(
    "line, level",
    [
        ("一、总体要求", 1),
        ("（二）加强基础设施建设", 2),
        ("(四) 强化红色资源保护利用", 2),
        ("1. 在省下达补助资金基础上", 3),
        ("12.开展革命遗址普查", 3),
        ("3、推进道路建设", 3),
        ("（1）推进道路建设", 4),
        ("①推进道路建设", 5),
        ("第一章 总则", 0),
        ("2018年完成", None),
        ("1.5倍", None),
        ("20户以上", None),
    ],
)
def test_number_levels(line: str, level: int | None) -> None:
    got = number_level(line)
    assert (got[0] if got else None) == level


def test_sections_and_run_in_titles() -> None:
    ex = extract_text(
        "一、主要任务\n\n（一）基础设施\n\n1.修路。完善路网。（责任单位：县交通局）\n\n"
        "2.供水。（责任单位：县水务局）\n\n（二）公共服务\n\n1.办学。（责任单位：县教育局）\n"
    )
    assert [(t.section, t.title, [m.name for m in t.mentions]) for t in ex.tasks] == [
        ("（一）基础设施", "修路", ["县交通局"]),
        ("（一）基础设施", "供水", ["县水务局"]),
        ("（二）公共服务", "办学", ["县教育局"]),
    ]


def test_short_numbered_item_followed_by_sibling_is_a_task_not_a_heading() -> None:
    ex = extract_text("一、结对安排\n\n1.我县各镇的结对关系保持不变。\n\n2.县财政局要做好保障。\n")
    assert [t.text for t in ex.tasks] == ["我县各镇的结对关系保持不变。", "县财政局要做好保障。"]


def test_page_break_inside_an_item_and_a_unit_is_joined() -> None:
    text = "一、任务\n\n1. 坚决打赢蓝天保卫战，按照《某市污染防治\n\n攻坚战行动计划》，加快整治。老区所在\n\n镇党委政府要切实履行主体责任。\n"
    ex = extract_text(text)
    (task,) = ex.tasks
    assert "防治攻坚战" in task.text.replace("\n", "")
    (m,) = task.mentions
    assert m.name == "老区所在镇党委政府"
    assert text[m.start : m.end] == m.text == "老区所在\n\n镇党委政府"


def test_label_alone_on_the_next_line_belongs_to_the_item() -> None:
    ex = extract_text("一、任务\n\n1.修路。完善路网。\n\n**【责任单位：县交通局，各镇】**\n")
    assert [m.name for m in ex.tasks[0].mentions] == ["县交通局", "各镇"]


def test_further_paragraph_of_an_item_with_its_label() -> None:
    ex = extract_text("一、任务\n\n1.修路。完善路网。\n\n加强养护，确保畅通。【责任单位：县交通局】\n\n（二）下一节\n")
    (task,) = ex.tasks
    assert "加强养护" in task.text and [m.name for m in task.mentions] == ["县交通局"]


FLAT_TABLE = (
    "附件\n某开发区任务分解表\n\t序号\n\t项目名称\n\t工作内容\n\t进度要求\n\t责任单位\n\n"
    "\t\n\t\n\t\n\t2018年\n\t2019年\n\t2020年\n\t\n\n\t一、资源盘活行动\n\n"
    "\t1\n\t*村庄规划\n\t完善村庄规划。\n\t试点。\n\t推广。\n\t完成。\n\t区国土局、区住建局\n\n"
    "\t2\n\n\t宅基地退出\n\t探索退出机制。\n\t调查\n\t\n\t\n\t牵头单位 ：区农业局、配合单位：各街道（镇）\n\n"
    "二、综合环境行动\n\n\t\n3\n\t农村公路\n\t建设村道。\n\t完成\n\t\n\t\n\t区交通局\n"
)


def test_table_flattened_one_cell_per_line() -> None:
    ex = extract_text(FLAT_TABLE)
    got = [
        (t.section, t.title, [(m.role, m.name) for m in t.mentions], {ms.year: ms.text for ms in t.milestones})
        for t in ex.tasks
    ]
    assert got == [
        ("一、资源盘活行动", "*村庄规划", [("responsible", "区国土局"), ("responsible", "区住建局")],
         {"2018": "试点。", "2019": "推广。", "2020": "完成。"}),
        ("一、资源盘活行动", "宅基地退出", [("lead", "区农业局"), ("support", "各街道（镇）")], {"2018": "调查"}),
        ("二、综合环境行动", "农村公路", [("responsible", "区交通局")], {"2018": "完成"}),
    ]


def test_tab_separated_table_with_merged_first_column() -> None:
    text = (
        "工作任务\t主要内容\t责任部门\n"
        "一、财政保障\t统筹资金。\t牵头部门：县财政局 配合部门：县发改局\n"
        "\t<p>加强监管。</p>\t<p>牵头部门：县审计局</p>\n"
        "加强督查。\t牵头部门：县纪委监委\n"
    )
    ex = extract_text(text)
    assert [(t.section, t.text, [(m.role, m.name) for m in t.mentions]) for t in ex.tasks] == [
        ("一、财政保障", "统筹资金。", [("lead", "县财政局"), ("support", "县发改局")]),
        ("一、财政保障", "加强监管。", [("lead", "县审计局")]),
        ("一、财政保障", "加强督查。", [("lead", "县纪委监委")]),
    ]


def test_policy_metadata_from_a_notice() -> None:
    text = (
        "中共某某县委文件\n\n某发〔2020〕2号\n\n中共某某县委 某某县人民政府 印发《关于推动某某县发展的实施方案》的通知\n\n"
        "各镇党委和人民政府，县直各单位：\n\n现印发给你们，请认真贯彻落实。\n\n中共某某县委\n某某县人民政府\n\n2020年4月22日\n\n"
        "关于推动某某县发展的实施方案\n\n为贯彻落实《中共某省委关于推动发展的意见》，结合实际，制定本方案。\n\n一、任务\n"
    )
    p = extract_text(text).policy
    assert p.title == "关于推动某某县发展的实施方案"
    assert p.doc_number == "某发〔2020〕2号"
    assert p.issuers == ("中共某某县委", "某某县人民政府")
    assert p.date == "2020-04-22"
    assert p.jurisdiction == "某某县"
    assert p.implements == ("中共某省委关于推动发展的意见",)
    assert p.addressees == ("各镇党委和人民政府", "县直各单位")


@pytest.mark.parametrize(
    "text, expected",
    [
        # bracketed prose roles at the end of an item
        ("一、任务\n1.推进农村公路建设。（县交通运输局牵头，县财政局、各乡镇（街道）配合）\n2.加强医疗保障。（县卫健局负责）\n",
         [[("lead", "县交通运输局"), ("support", "县财政局"), ("support", "各乡镇（街道）")], [("responsible", "县卫健局")]]),
        # a short item whose labels stand on the next line
        ("一、任务\n（1）推进农村公路建设。\n牵头单位：县交通运输局；配合单位：县财政局\n（2）完善供水。\n责任单位：县水务局\n",
         [[("lead", "县交通运输局"), ("support", "县财政局")], [("responsible", "县水务局")]]),
        # chapters, and a label in running text ended by 。
        ("第一章 总则\n第二章 任务\n一、修路。责任单位：县交通局。\n", [[("responsible", "县交通局")]]),
    ],
)
def test_other_layouts(text: str, expected: list[list[tuple[str, str]]]) -> None:
    assert [[(m.role, m.name) for m in t.mentions] for t in extract_text(text).tasks] == expected
