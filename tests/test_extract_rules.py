"""Table-driven tests of the Chinese-text rules: unit splitting, labels, prose.

Every fixed bug adds a row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg import extract_text
from policykg.pipeline.extract.clauses import find_labels
from policykg.pipeline.extract.prose import find_prose
from policykg.pipeline.extract.units import split_units


@pytest.mark.parametrize(
    "text, expected",
    [
        ("县财政局、县教育局，各镇党委政府", ["县财政局", "县教育局", "各镇党委政府"]),
        ("县财政局,县教育局；县民政局;县水务局", ["县财政局", "县教育局", "县民政局", "县水务局"]),
        ("湛江供销社联合社（东山、东简、民安、硇洲供销社）", ["湛江供销社联合社"]),
        ("区农业局（区扶贫办）", ["区农业局"]),
        ("各街道（镇）、属地县(市、区)、各区(新区)", ["各街道（镇）", "属地县(市、区)", "各区(新区)"]),
        ("各街道（镇）村委会", ["各街道（镇）", "村委会"]),
        ("村委会自然村", ["村委会", "自然村"]),
        ("各帮扶单位及驻镇帮扶工作队", ["各帮扶单位", "驻镇帮扶工作队"]),
        ("乡镇党委和政府", ["乡镇党委和政府"]),
        ("县发展和改革局、县人力资源和社会保障局", ["县发展和改革局", "县人力资源和社会保障局"]),
        ("区直和市驻区单位", ["区直和市驻区单位"]),
        ("中国铁塔湛江分公司等", ["中国铁塔湛江分公司"]),
        ("区人口局、区旅游局分别负责", ["区人口局", "区旅游局"]),
        ("以及市场监管方面的有关部门", ["市场监管方面的有关部门"]),
        ("市城管执法局麻\n章分局、区农业局", ["市城管执法局麻章分局", "区农业局"]),
        ("县委组织部 县委宣传部", ["县委组织部", "县委宣传部"]),
        ("[bookmark: _GoBack]区住建局、", ["区住建局"]),
        ("全县有关有关部门", ["全县有关有关部门"]),
        ("县领导同志、县有关单位", ["县有关单位"]),
    ],
)
def test_split_units(text: str, expected: list[str]) -> None:
    from policykg.text.textview import TextView

    view = TextView.of(text)
    assert [name for name, _, _ in split_units(view.text)] == expected


@pytest.mark.parametrize(
    "text, cell, expected",
    [
        ("牵头部门：县卫健局 配合部门：县医保局、县发改局", True, [("lead", "县卫健局"), ("support", "县医保局、县发改局")]),
        ("牵头单位 ：区农业局、配合单位：区国土局", True, [("lead", "区农业局"), ("support", "区国土局")]),
        ("区委政法委配合单位：区公安分局", True, [("support", "区公安分局")]),
        ("牵头部门：县科工贸和信息化局 合部门：县发改局", True, [("lead", "县科工贸和信息化局"), ("support", "县发改局")]),
        ("修路。（责任单位：县交通局，各镇）下一句。", False, [("responsible", "县交通局，各镇")]),
        ("修路。【责任单位：区农业局（区扶贫办）、各镇】", False, [("responsible", "区农业局（区扶贫办）、各镇")]),
        ("修路。**【责任单位：区财政局】**", False, [("responsible", "区财政局")]),
        ("修路。(责任单位:县交通局)", False, [("responsible", "县交通局")]),
        ("修路。〔牵头单位：县交通局；配合单位：县财政局〕", False, [("lead", "县交通局"), ("support", "县财政局")]),
        ("修路。责任单位：县交通局。", False, [("responsible", "县交通局")]),
    ],
)
def test_find_labels(text: str, cell: bool, expected: list[tuple[str, str]]) -> None:
    got = [(x.role, text[x.start : x.end].strip()) for x in find_labels(text, cell=cell)]
    assert got == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("由县财政局、县农业农村局、县发展和改革局根据各镇老区村具体情况统筹安排。",
         [("responsible", "县财政局"), ("responsible", "县农业农村局"), ("responsible", "县发展和改革局")]),
        ("由有关市直部门牵头负责，每个镇再安排有关企事业单位作为成员单位。",
         [("lead", "有关市直部门"), ("support", "有关企事业单位")]),
        ("县有关单位要按照职责分工，加强统筹协调。", [("responsible", "县有关单位")]),
        ("县委、县政府定期组织督促指导。", [("responsible", "县委"), ("responsible", "县政府")]),
        ("市直单位牵头组建40支，福田区牵头组建5支、南山区牵头组建5支。",
         [("lead", "市直单位"), ("lead", "福田区"), ("lead", "南山区")]),
        ("由各区(新区),市国资委等县一级结对牵头单位各选派1名干部。",
         [("responsible", "各区(新区)"), ("responsible", "市国资委"), ("responsible", "县一级结对牵头单位")]),
        ("属地县(市、区)、乡镇党委和政府承担主体责任。", [("responsible", "属地县(市、区)"), ("responsible", "乡镇党委和政府")]),
        ("县水务局牵头，县财政局配合。", [("lead", "县水务局"), ("support", "县财政局")]),
        ("驻村工作队要积极争取各级各行业部门落实扶持措施。", [("responsible", "驻村工作队")]),
        # not assignments
        ("鼓励企业到老区投资兴业。", []),
        ("建立由县领导同志牵头负责的协调机制。", []),
        ("深圳对口帮扶河源指挥部保持不变。", []),
        ("按照“大稳定、小调整，市直部门牵头结对”的原则。", []),
        ("推动革命老区全面振兴发展。", []),
        ("引领市场、社会协同发力。", []),
        ("支持镇村加强党群服务中心建设。", []),
    ],
)
def test_find_prose(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(r, n) for r, n, _, _ in find_prose(text)] == expected


def test_label_governs_over_prose() -> None:
    ex = extract_text("一、任务\n1.由县财政局负责筹措资金。（责任单位：县发改局）\n")
    assert [(m.role, m.name, m.prose) for m in ex.tasks[0].mentions] == [("responsible", "县发改局", False)]


def test_lead_in_subject_passes_to_items() -> None:
    ex = extract_text("一、职责\n（一）工作队职责\n驻村工作队要做到以下几点：\n1.落实识贫。摸清底数。\n2.落实建档。由农户向村委会申请。\n")
    assert [[m.name for m in t.mentions] for t in ex.tasks] == [["驻村工作队"], ["驻村工作队"]]


def test_duplicate_mention_listed_once() -> None:
    ex = extract_text("一、任务\n1.修路。（责任单位：县交通局、县财政局、县交通局）\n")
    assert [m.name for m in ex.tasks[0].mentions] == ["县交通局", "县财政局"]


@pytest.mark.parametrize(
    "text",
    ["县财政局", " 县 财政局  修路\n\n\t 完成。 ", "\u3000\u3000一、任务\n", "a b  c", "", "   ", "局 \n", "１２ 月"],
)
def test_char_words_builds_the_doc_spacy_builds(text: str) -> None:
    import spacy

    from policykg.pipeline.extract.nlp import char_words

    doc = spacy.blank("zh").make_doc(text)
    assert char_words(text) == ([t.text for t in doc], [bool(t.whitespace_) for t in doc])


def test_char_words_on_the_samples() -> None:
    import spacy

    from policykg import read_document
    from policykg.pipeline.extract.nlp import char_words

    nlp = spacy.blank("zh")
    for path in sorted((Path(__file__).parent.parent / "data" / "samples").glob("*.txt")):
        for line in read_document(path).text.split("\n\n")[:200]:
            doc = nlp.make_doc(line)
            assert char_words(line) == ([t.text for t in doc], [bool(t.whitespace_) for t in doc])
