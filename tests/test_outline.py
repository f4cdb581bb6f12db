"""The outline (numbering, inline items, wraps), tables from any flattening, and the front
matter, row by row."""

from __future__ import annotations

import hashlib

import pytest

from policykg.pipeline.ingest.text import line_blocks
from policykg.pipeline.structure import structure_document
from policykg.pipeline.structure.flat import align_cells, cell_kind, merge_fragments
from policykg.pipeline.structure.front import _jurisdiction_in, date_of
from policykg.pipeline.structure.outline import build_outline
from policykg.records import SourceDocument
from policykg.text.textview import TextView


def _doc(text: str) -> SourceDocument:
    return SourceDocument("a.txt", "a.txt", hashlib.sha256(text.encode()).hexdigest(), "txt", "utf-8", text,
                          tuple(line_blocks(text)))


def _outline(text: str) -> list[tuple[int, str, str]]:
    def walk(node, depth):  # type: ignore[no-untyped-def]
        for child in node.children:
            yield depth, child.number, child.head.text
            yield from walk(child, depth + 1)

    return list(walk(build_outline(_doc(text)), 0))


@pytest.mark.parametrize(
    "text, expected",
    [
        # levels from numbering, whatever the length or punctuation of the heading
        ("一、深化“放管服”改革，持续优化营商环境\n（一）推进项目。\n1.甲。\n",
         [(0, "一、", "深化“放管服”改革，持续优化营商环境"), (1, "（一）", "推进项目。"), (2, "1.", "甲。")]),
        # numbering inside a line, where the sequence expects it
        ("意见如下。1.给予资助。责任单位：甲局。2.给予指标。责任单位：乙局。\n",
         [(0, "1.", "给予资助。责任单位：甲局。"), (0, "2.", "给予指标。责任单位：乙局。")]),
        ("一、任务\n（一）甲项。（乙局负责）；（二）丙项。\n",
         [(0, "一、", "任务"), (1, "（一）", "甲项。（乙局负责）；"), (1, "（二）", "丙项。")]),
        # a list introduced by a colon is not split
        ("1.做好三件事：（1）修路；（2）供水。\n", [(0, "1.", "做好三件事：（1）修路；（2）供水。")]),
        # a number before a figure is an item where the sequence expects it, not elsewhere
        ("10.甲项目。\n11.121工程。\n", [(0, "10.", "甲项目。"), (0, "11.", "121工程。")]),
        ("1.甲。\n2.2023年底前完成。\n", [(0, "1.", "甲。"), (0, "2.", "2023年底前完成。")]),
        ("增长1.5倍。\n", []),
        # a heading run into its first item
        ("四、健全机制（十一）规范解读。\n", [(0, "四、", "健全机制"), (1, "（十一）", "规范解读。")]),
        # an item wrapped over two lines is one head
        ("1. 推进农村公路建设，按照《某市规\n\n划》完善路网。\n", [(0, "1.", "推进农村公路建设，按照《某市规划》完善路网。")]),
    ],
)
def test_outline(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert [(d, n, h.replace("\n", "")) for d, n, h in _outline(text)] == expected


@pytest.mark.parametrize(
    "text, kind",
    [("3", "num"), ("县财政局、县教育局等", "unit"), ("市住房城乡建设局市水利局", "unit"), ("程立岩", "person"),
     ("≥85%", "short"), ("全市统筹", "short"), ("完成改造并投入运行。", "text"), ("", "empty")],
)
def test_cell_kinds(text: str, kind: str) -> None:
    assert cell_kind(text) == kind


def test_header_words_split_over_two_lines_are_joined() -> None:
    cells = ["序号", "重点工作", "责任", "领导", "责任", "科室", "完成", "时限"]
    assert ["".join(cells[a:b]) for a, b in merge_fragments(cells)] == ["序号", "重点工作", "责任领导", "责任科室", "完成时限"]


def test_cells_are_placed_by_what_they_hold() -> None:
    # a merged 指标 cell printed once, a unit column with two cells, then the assessor
    roles = ("title", "content", "measure", "target", "units", "assessor")
    cells = [TextView.of(t) for t in ["垃圾分类处理比例", "%", "全市统筹", "县城管局", "县住建局", "市城管局"]]
    placed = align_cells(cells, roles)
    assert [[c.text for c in col] for col in placed] == [
        [], ["垃圾分类处理比例"], ["%"], ["全市统筹"], ["县城管局", "县住建局"], ["市城管局"]
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # tab-separated rows
        ("序号\t工作任务\t牵头单位\t配合单位\n1\t修路\t县交通局\t县财政局\n",
         [("修路", [("lead", "县交通局"), ("support", "县财政局")], [])]),
        # cells separated by |
        ("| 序号 | 工作任务 | 责任单位 |\n| 1 | 修路 | 县交通局、各镇 |\n",
         [("修路", [("responsible", "县交通局"), ("responsible", "各镇")], [])]),
        # one row per line, spaces between cells and inside them
        ("序号 类别 主要任务 牵头单位 参与单位\n1 道路 建设 农村公路 县交通局 县财政局、各镇等\n",
         [("道路建设农村公路", [("lead", "县交通局"), ("support", "县财政局"), ("support", "各镇")], [])]),
        # one cell per line, header words split, a person column
        ("序号\n\n重点工作\n\n责任\n\n领导\n\n责任\n\n科室\n\n1\n\n修路\n\n张三\n\n交通办\n\n2\n\n供水\n\n李四\n\n水利站",
         [("修路", [("responsible", "交通办")], ["张三"]), ("供水", [("responsible", "水利站")], ["李四"])]),
        # an index table with no 序号: rows end where the unit cells end
        ("一级指标\n\n二级指标\n\n责任科室\n\n公开\n\n是否公开标准\n\n办公室\n\n是否公开名单\n\n医政科\n\n执法大队",
         [("是否公开标准", [("responsible", "办公室")], []),
          ("是否公开名单", [("responsible", "医政科"), ("responsible", "执法大队")], [])]),
    ],
)
def test_tables_from_any_flattening(text: str, expected: list) -> None:  # type: ignore[type-arg]
    from policykg import extract_text

    got = [("".join((t.title or "") + t.text + "".join(t.cells)).replace(" ", ""),
            [(m.role, m.name) for m in t.mentions], [p.name for p in t.persons]) for t in extract_text(text).tasks]
    assert len(got) == len(expected)
    for (haystack, mentions, persons), (anchor, want, want_persons) in zip(got, expected):
        assert anchor in haystack and mentions == want and persons == want_persons


@pytest.mark.parametrize(
    "text, date",
    [("2020年4月22日", "2020-04-22"), ("2022年 02月 18日", "2022-02-18"), ("发布日期:2019-04-22", "2019-04-22"),
     ("2018/7/9", "2018-07-09"), ("2021126", "2021-01-26"), ("20210126", "2021-01-26"), ("2021年13月1日", None)],
)
def test_dates(text: str, date: str | None) -> None:
    assert date_of(text) == date


@pytest.mark.parametrize(
    "name, strict, jurisdiction",
    [
        ("中共湛江市麻章区委", False, "麻章区"), ("中共如东县委办公室如东县政府办公室", False, "如东县"),
        ("安徽省人民政府办公厅", False, "安徽省"), ("国务院办公厅", False, "全国"), ("财政部", False, "全国"),
        ("深渡镇2023年度重点工作计划", True, "深渡镇"), ("某某县乡村振兴实施方案", True, "某某县"),
        ("关于加快完善县域商业体系的措施", True, None), ("乙区乡村振兴实施方案", True, "乙区"),
        ("湛江经济技术开发区乡村振兴战略实施方案", True, "湛江经济技术开发区"),
    ],
)
def test_jurisdictions(name: str, strict: bool, jurisdiction: str | None) -> None:
    assert _jurisdiction_in(name, strict=strict) == jurisdiction


@pytest.mark.parametrize(
    "lines, title",
    [
        (["烟台市进一步降低企业物流", "成本的若干措施", "一、任务"], "烟台市进一步降低企业物流成本的若干措施"),
        (["国务院办公厅关于印发“无废城市”建设", "试点工作方案的通知", "国办发〔2018〕128号", "“无废城市”建设试点工作方案"],
         "“无废城市”建设试点工作方案"),
        (["关于支持企业发展的十条意见。为贯彻部署，现提出如下意见。"], "关于支持企业发展的十条意见"),
        (["中山市人民政府關于落實《某措施》的實施意見"], "中山市人民政府關于落實《某措施》的實施意見"),
        (["2022年8月29日", "2022年如东县乡村建设行动考核清单"], "2022年如东县乡村建设行动考核清单"),
    ],
)
def test_titles(lines: list[str], title: str) -> None:
    assert structure_document(_doc("\n".join(lines) + "\n")).policy.title == title


def test_signature_at_the_end_of_the_document() -> None:
    text = "国务院关于做好就业工作的若干意见\n一、任务\n（一）稳岗。（人社部负责）\n国务院\n2018年11月16日\n"
    p = structure_document(_doc(text)).policy
    assert (p.issuers, p.date, p.jurisdiction) == (("国务院",), "2018-11-16", "全国")
