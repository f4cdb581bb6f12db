"""Scope, rule by rule: which text each clause governs. Each row is a text and the tasks that
assign units, as (a phrase of the task's text, sorted (role, unit) pairs)."""

from __future__ import annotations

import pytest

from policykg import extract_text


def _tasks(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(t.text.replace("\n", ""), sorted((m.role, m.name) for m in t.mentions))
            for t in extract_text(text).tasks if t.mentions]


RULES = [
    pytest.param(  # a clause closing an item governs the item
        "一、任务\n1.修路。完善路网。（责任单位：县交通局）\n2.供水。（责任单位：县水务局）\n",
        [("完善路网", [("responsible", "县交通局")]), ("供水", [("responsible", "县水务局")])],
        id="closing-clause"),
    pytest.param(  # several clauses in one item: each governs the run since the previous one
        "1.扩大出口。建立清单。（海关负责）巩固传统产品。（商务厅牵头，海关配合）\n",
        [("建立清单", [("responsible", "海关")]), ("巩固传统产品", [("lead", "商务厅"), ("support", "海关")])],
        id="runs-within-an-item"),
    pytest.param(  # paragraphs of a section, each closed by its clause
        "（一）强化顶层设计。建立指标体系。（生态环境部牵头，统计局参与）\n优化管理体制。（生态环境部指导）\n",
        [("建立指标体系", [("lead", "生态环境部"), ("support", "统计局")]),
         ("优化管理体制", [("support", "生态环境部")])],
        id="runs-over-paragraphs"),
    pytest.param(  # one clause at the end of an item with several paragraphs governs them all
        "1.推广新模式。\n智能化制造。推动改造。\n网络化协同。推动协同。（责任单位：省经信厅）\n",
        [("智能化制造", [("responsible", "省经信厅")])],
        id="one-clause-for-the-whole-item"),
    pytest.param(  # label lines after the item
        "1.城镇新增就业4200人。\n牵头单位:区人社局\n责任单位:各街道,白关镇\n2.外资1800万美元。\n牵头单位:区商务局\n",
        [("城镇新增就业", [("lead", "区人社局"), ("responsible", "各街道"), ("responsible", "白关镇")]),
         ("外资", [("lead", "区商务局")])],
        id="label-lines-after-items"),
    pytest.param(  # a label line between the title and the text
        "（一）加强执法监督\n责任单位：县自然资源局、县公安局\n严厉打击违法占地行为。\n",
        [("严厉打击违法占地", [("responsible", "县公安局"), ("responsible", "县自然资源局")])],
        id="label-between-title-and-text"),
    pytest.param(  # a label line after sub-items that have none governs their parent
        "1.健全应急预案体系\n（1）修订总体预案。\n（2）完善专项预案。\n（责任单位：市应急局、各县人民政府）\n2.下一项。\n",
        [("修订总体预案", [("responsible", "各县人民政府"), ("responsible", "市应急局")])],
        id="label-after-sub-items"),
    pytest.param(  # label lines written before their items
        "一、任务\n牵头单位：县交通局\n1.修路。\n牵头单位：县水务局\n2.供水。\n",
        [("修路", [("lead", "县交通局")]), ("供水", [("lead", "县水务局")])],
        id="labels-before-items"),
    pytest.param(  # a clause in a heading: the heading (with its items) is the task
        "一、强化科技创新（区科技局牵头）\n（一）加强平台建设。\n（二）引进人才。\n",
        [("强化科技创新", [("lead", "区科技局")])],
        id="clause-in-a-heading"),
    pytest.param(  # a lead-in passes its subject to the items below it
        "（四）落实职责\n驻村工作队要做到：\n1.摸清底数。\n2.建立台账。\n",
        [("摸清底数", [("responsible", "驻村工作队")]), ("建立台账", [("responsible", "驻村工作队")])],
        id="lead-in"),
    pytest.param(  # text no clause governs is read for prose
        "一、任务\n1.加快农村供水工程建设。由县水务局牵头，县财政局配合。\n",
        [("加快农村供水", [("lead", "县水务局"), ("support", "县财政局")])],
        id="prose"),
    pytest.param(  # a division of duties in one paragraph: one task per unit
        "2、明确职责。镇整治办负责统筹协调；镇文化站负责宣传发动。\n3、另一项。\n",
        [("镇整治办负责统筹协调", [("responsible", "镇整治办")]), ("镇文化站负责宣传发动", [("responsible", "镇文化站")])],
        id="division-of-duties"),
    pytest.param(  # a paragraph after a closing clause is read on its own
        "（十五）指导企业。（各有关部门和单位负责）\n从资金中安排部分资金，由地方统筹。各地要梳理补贴项目。\n",
        [("指导企业", [("responsible", "各有关部门和单位")]), ("各地要梳理", [("responsible", "各地")])],
        id="paragraph-after-a-closing-clause"),
    pytest.param(  # goals, principles, boxed panels and interpretation formulas assign nothing
        "一、总体要求\n（一）基本原则。\n坚持因地制宜。试点城市根据实际推进。\n二、任务\n1.推进改造。（责任单位：市经信局）\n"
        "专栏1  数字化工程\n鼓励龙头企业与软件企业联合。\n三、附则\n本方案由市经信局负责解释。\n",
        [("推进改造", [("responsible", "市经信局")])],
        id="statements-boxes-and-formulas"),
    pytest.param(  # a standing note: the unit joins every later task that has a clause
        "1.甲项。（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）\n"
        "2.乙项。（工业和信息化部指导）\n3.丙项。由县财政局负责。\n",
        [("甲项", [("responsible", "试点城市政府"), ("support", "生态环境部")]),
         ("乙项", [("responsible", "试点城市政府"), ("support", "工业和信息化部")]),
         ("丙项", [("responsible", "县财政局")])],
        id="standing-note"),
    pytest.param(  # the first unit listed leads, stated once; the others support
        "1.甲项。（人社部、财政部负责。列第一位者为牵头单位，下同）\n2.乙项。（财政部、人民银行，各省级人民政府按职责分工负责）\n",
        [("甲项", [("lead", "人社部"), ("support", "财政部")]),
         ("乙项", [("lead", "财政部"), ("support", "人民银行"), ("support", "各省级人民政府")])],
        id="first-listed-leads"),
    pytest.param(  # no lead named: the responsible units lead, as the document says
        "说明：无牵头单位的，责任单位即为牵头单位。\n1.甲项。（责任单位：市统计局）\n2.乙项。（牵头单位：市发改委；责任单位：各区）\n",
        [("甲项", [("lead", "市统计局")]), ("乙项", [("lead", "市发改委"), ("responsible", "各区")])],
        id="responsible-units-lead"),
]


@pytest.mark.parametrize("text, expected", RULES)
def test_scope(text: str, expected: list) -> None:  # type: ignore[type-arg]
    got = _tasks(text)
    assert len(got) == len(expected), got
    for (have, pairs), (phrase, want) in zip(got, expected):
        assert phrase in have and pairs == sorted(want), (have, pairs)


def test_a_clause_that_governs_no_text_is_a_leftover_not_dropped() -> None:
    ex = extract_text("一、任务\n1.修路。（责任单位：县交通局）\n（牵头单位：县财政局）\n（牵头单位：县水务局）\n")
    texts = [x.text for x in ex.check.leftovers]
    assert ex.check.clauses == 3 and ex.check.scoped + len([t for t in texts if "牵头单位" in t]) >= 3


@pytest.mark.parametrize(
    "text, what",
    [
        ("一、任务\n（一）甲。（责任单位：县交通局）\n（三）乙。（责任单位：县水务局）\n", "numbering_gaps"),
        ("一、任务\n1.修路。（牵头单位：县交通局；牵头单位：县水务局）\n", "duplicate_roles"),
        ("序号\t工作任务\t责任单位\n1\t修路\t张三\n2\t供水\t县水务局\n", "suspicious"),
    ],
)
def test_self_check_findings(text: str, what: str) -> None:
    assert getattr(extract_text(text).check, what)


def test_a_document_with_markers_and_no_task_is_not_understood() -> None:
    check = extract_text("某县方案\n各项任务的牵头单位和配合单位另行通知。\n").check
    assert check.markers and not check.tasks_with_units and not check.understood
    assert extract_text("某县方案\n一、总体要求\n坚持以人民为中心。\n").check.understood  # no marker: nothing missed


def test_short_lived_paragraph_groups_never_share_a_cache_entry() -> None:
    """The scoper caches each node's segments by id(); a node made for a run of paragraphs
    must stay alive while cached, or a later one could take its id and read stale text."""
    from policykg.pipeline.extract.scope import Scoper
    from policykg.pipeline.structure.outline import Node
    from policykg.text.textview import TextView

    scoper = Scoper(lambda view: [])
    views = [TextView.of(f"第{k}段。") for k in range(50)]
    for view in views:
        node = Node(-1, "", None, [view])
        assert [s.view for s in scoper.segs(node)] == [view]
        node = None  # freed at once, unless the cache holds it
