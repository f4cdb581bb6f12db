"""Regular expressions for the layout and wording of Chinese policy documents.

They are matched against folded text (see :mod:`policykg.textview`), so they
are written in Simplified characters and accept both full-width and ASCII
punctuation. Nothing here names a particular document.
"""

from __future__ import annotations

import re

CN_NUM = "一二三四五六七八九十百零〇两"
OPEN = "（(【〔[［〖「『"
CLOSE = "）)】〕]］〗」』"

#: heading / item numbers, by level (the usual order in government documents)
NUMBER_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(rf"^第[{CN_NUM}\d]+[章部篇]\s*")),
    (1, re.compile(rf"^[{CN_NUM}]+\s*[、.．]\s*")),
    (2, re.compile(rf"^[（(]\s*[{CN_NUM}]+\s*[)）]\s*[、.．]?\s*")),
    (3, re.compile(r"^\d{1,3}\s*[、.．](?!\d)\s*")),
    (3, re.compile(rf"^第[{CN_NUM}\d]+条\s*")),
    (4, re.compile(r"^[（(]\s*\d{1,3}\s*[)）]\s*[、.．]?\s*")),
    (5, re.compile(r"^[①-⑳]\s*")),
    (6, re.compile(r"^\d{1,3}\s*[)）]\s*")),
)

ANNEX_RE = re.compile(r"^附\s*件\s*\d*\s*[:：]?")

#: sentence-internal punctuation that a heading does not contain
SENTENCE_PUNCT = re.compile(r"[。；;！!？?]")
TERMINAL = "。；;：:！!？?…”’」』）)】"

#: role labels such as 牵头单位：, 配合部门 ：, 责任单位:
_LABEL_WORDS = (
    r"(?:牵头|主责|主办)(?:责任)?(?:单位|部门)|(?:责任|负责|配合|协助|协办|协同|协作|参与|实施|承办|合)(?:单位|部门|主体)"
)
#: a role label followed by a colon (牵头单位：), or set in 【】 without one (【牵头单位】)
LABEL_RE = re.compile(
    rf"(?P<label>{_LABEL_WORDS}|牵头|配合|协办)\s*[:：]|(?<=【)\s*(?P<blabel>{_LABEL_WORDS})\s*】"
)
#: labels of fields that are not units; a unit list stops at them
FIELD_LABEL_RE = re.compile(
    r"(?:完成|办结|截止)?(?:时限|时间|期限|时间节点)\s*[:：]|(?:进度|目标|工作)要求\s*[:：]|备注\s*[:：]|责任人\s*[:：]|联系人\s*[:：]"
)


def label_of(m: re.Match[str]) -> str:
    """The label word of a :data:`LABEL_RE` match."""
    return m.group("label") or m.group("blabel")


def label_role(label: str) -> str:
    """Role named by a label (a typo such as 合部门 still reads as support)."""
    if "牵头" in label or "主责" in label or "主办" in label:
        return "lead"
    if any(k in label for k in ("配合", "协助", "协办", "协同", "协作", "参与", "合")):
        return "support"
    return "responsible"


#: endings that make a string a unit (organisation) name, longest first
UNIT_SUFFIXES = sorted(
    {
        "委员会", "领导小组办公室", "领导小组", "办公室", "工作队", "工作组", "指挥部", "分公司",
        "支公司", "公司", "分局", "局", "委", "办", "部", "厅", "院", "中心", "会", "政府",
        "党委", "单位", "部门", "集团", "银行", "支行", "分行", "社", "站", "所", "队", "处",
        "科", "联", "双方", "团", "国企", "企业", "机关", "党组", "研究室", "馆", "台",
        "区", "县", "市", "镇", "乡", "街道", "村", "省", "新区", "成员单位", "组", "协", "校", "关", "室",
    },
    key=len,
    reverse=True,
)
UNIT_END_RE = re.compile("(?:" + "|".join(map(re.escape, UNIT_SUFFIXES)) + r")(?:[（(][^()（）]{1,8}[)）])?$")
#: strong endings: bodies, never areas (used to decide whether 和/及 joins two units)
STRONG_UNIT_END_RE = re.compile(
    r"(?:局|委|办|部|厅|院|中心|会|政府|党委|单位|部门|公司|队|组|所|站|社|联|协|校|关|室|处|科|行|集团|国企|指挥部)"
    r"(?:[（(][^()（）]{1,8}[)）])?$"
)
#: endings that name a person, not a unit
PERSON_END_RE = re.compile(r"(?:同志|领导|书记|主任|局长|县长|区长|市长|镇长|组长|负责人|干部|人员|专家|群众|农户)$")

ADMIN_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{1,10}?(?:经济技术开发区|高新技术产业开发区|经济开发区|开发区|新区|自治县|自治州|县|区|市|旗|盟))"
)

FULL_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,10}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号")
YEAR_RE = re.compile(r"^(?:(?:19|20)\d{2})\s*年?(?:度)?$")

DOC_TYPE_END = re.compile(
    r"(?:方案|意见|规划|计划|办法|通知|决定|细则|要点|清单|分解表|任务表|措施|纲要|实施意见|行动方案|工作方案|报告)"
    r"(?:[（(][^()（）]{0,20}[)）])?$"
)


def number_level(text: str) -> tuple[int, int] | None:
    """``(level, length of the number prefix)`` when ``text`` starts with a list number.

    >>> number_level("（二）加强基础设施建设")
    (2, 3)
    >>> number_level("2018年") is None
    True
    """
    for level, rx in NUMBER_PATTERNS:
        m = rx.match(text)
        if m:
            return level, m.end()
    return None
