"""Regular expressions for the layout and wording of Chinese policy documents.

They are matched against folded text (see :mod:`policykg.text.textview`), so they
are written in Simplified characters and accept both full-width and ASCII
punctuation. Nothing here names a particular document.
"""

from __future__ import annotations

import re

from policykg.text.lexicon import CLOSE, COLLECTIVE_SUBJECTS, LABEL_WORD, OPEN

CN_NUM = "一二三四五六七八九十百零〇两"

#: heading / item numbers: (level, style, pattern with a ``v`` group for the value), in the
#: usual order of government documents. A number followed by a digit (11.121人才工程,
#: 2.2023年底前) is matched by ``NUMBER_BEFORE_DIGIT`` only, and accepted where the
#: sequence of numbers in the document expects it.
NUMBER_PATTERNS: tuple[tuple[int, str, re.Pattern[str]], ...] = (
    (0, "chapter", re.compile(rf"^第(?P<v>[{CN_NUM}\d]+)[章部篇]\s*")),
    (1, "cn", re.compile(rf"^(?P<v>[{CN_NUM}]+)\s*[、.．﹒]\s*")),
    (2, "paren-cn", re.compile(rf"^[（(]\s*(?P<v>[{CN_NUM}]+)\s*[)）]\s*[、.．]?\s*")),
    (3, "arabic", re.compile(r"^(?P<v>\d{1,3})\s*[、.．﹒](?!\d)\s*")),
    (3, "article", re.compile(rf"^第(?P<v>[{CN_NUM}\d]+)条\s*")),
    (4, "paren-arabic", re.compile(r"^[（(]\s*(?P<v>\d{1,3})\s*[)）]\s*[、.．]?\s*")),
    (5, "circled", re.compile(r"^(?P<v>[①-⑳])\s*")),
    (6, "arabic-paren", re.compile(r"^(?P<v>\d{1,3})\s*[)）]\s*")),
)
#: an arabic item number directly followed by a figure: 11.121人才工程
NUMBER_BEFORE_DIGIT = re.compile(r"^(?P<v>\d{1,3})\s*[、.．﹒](?=\d)")

#: a bracket that names who does a task: （牵头单位：县交通局）, 【责任单位：…】, (县财政局负责)
RESPONSIBILITY_BRACKET = re.compile(
    r"[（(【\[][^（）()【】\[\]]{0,80}?(?:单位|部门|负责|牵头|配合)[^（）()【】\[\]]{0,200}[）)】\]]")
ANNEX_RE = re.compile(r"^附\s*件\s*\d*\s*[:：]?")

#: a run-in title: the first words of an item, up to its first full stop (修路。…)
RUN_IN_TITLE_RE = re.compile(r"^([^。；;，,：:]{2,30})[。；;]")

TERMINAL = "。；;：:！!？?…”’」』）)】"

#: endings that make a string a unit (organisation) name, longest first
UNIT_SUFFIXES = sorted(
    {
        "委员会", "领导小组办公室", "领导小组", "办公室", "工作队", "工作组", "指挥部", "分公司",
        "支公司", "公司", "分局", "局", "委", "办", "部", "厅", "院", "中心", "会", "政府",
        "党委", "单位", "部门", "集团", "银行", "支行", "分行", "社", "站", "所", "队", "处",
        "科", "股", "联", "双方", "团", "国企", "企业", "机关", "党组", "研究室", "馆", "台",
        "区", "县", "市", "镇", "乡", "街道", "镇街", "村", "省", "新区", "成员单位", "组", "协", "校", "关", "室", "中央", "专班",
    },
    key=len,
    reverse=True,
)
UNIT_END_RE = re.compile("(?:" + "|".join(map(re.escape, UNIT_SUFFIXES)) + r")(?:[（(〈][^()（）〈〉]{1,12}[)）〉])?$")
#: strong endings: bodies, never areas (used to decide whether 和/及 joins two units)
STRONG_UNIT_END_RE = re.compile(
    r"(?:局|委|办|部|厅|院|中心|会|政府|党委|单位|部门|公司|队|组|所|站|社|联|协|校|关|室|处|科|股|行|集团|国企|指挥部)"
    r"(?:[（(][^()（）]{1,8}[)）])?$"
)
#: endings that name a person, not a unit
PERSON_END_RE = re.compile(r"(?:同志|领导|书记|主任|局长|县长|区长|市长|镇长|组长|负责人|干部|人员|专家|群众|农户)$")

ADMIN_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{1,10}?(?:经济技术开发区|高新技术产业开发区|经济开发区|开发区|新区|自治区|自治县|自治州|县|区|市|旗|盟|省))"
)
#: a township-level division at the start of a name: 深渡镇, 白关乡, 东山街道
TOWN_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:镇|乡(?!村)|街道)(?![\u4e00-\u9fff]{0,2}(?:局|委|办|所|站))")

FULL_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE_RE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,10}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号")
YEAR_RE = re.compile(r"^(?:(?:19|20)\d{2})\s*年?(?:度)?$")

DOC_TYPE_END = re.compile(
    r"(?:方案|意见|规划|计划|办法|通知|决定|细则|要点|清单|分解表|任务表|分工表|责任表|一览表|台账|措施|纲要|实施意见|"
    r"行动方案|工作方案|报告|执行情况|完成情况|进展情况)"
    r"(?:[（(][^()（）]{0,20}[)）])?$"
)


def scan_to(text: str, start: int, limit: int, stops: str) -> int:
    """The first position from ``start`` that closes a bracket opened before ``start``, or
    holds one of ``stops`` outside brackets; ``limit`` when there is none.

    >>> scan_to("县财政局（牵头）、县教育局", 0, 13, "、")
    8
    >>> scan_to("县交通局）修路", 0, 7, "。")
    4
    """
    depth = 0
    for k in range(start, limit):
        ch = text[k]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            if depth == 0:
                return k
            depth -= 1
        elif depth == 0 and ch in stops:
            return k
    return limit


_CN_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def number_value(text: str) -> int | None:
    """The value of a list number: 12, 十二, ⑫ → 12.

    >>> number_value("十二"), number_value("二十三"), number_value("⑫"), number_value("7")
    (12, 23, 12, 7)
    """
    if text.isdigit() and text.isascii():
        return int(text)
    if len(text) == 1 and "①" <= text <= "⑳":
        return ord(text) - ord("①") + 1
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def parse_number(text: str, pos: int = 0) -> tuple[int, str, int | None, int] | None:
    """``(level, style, value, end)`` of the list number at ``text[pos:]``, or ``None``.

    >>> parse_number("（二）加强基础设施建设")
    (2, 'paren-cn', 2, 3)
    >>> parse_number("2018年") is None, parse_number("1.5倍") is None
    (True, True)
    """
    s = text[pos:] if pos else text
    for level, style, rx in NUMBER_PATTERNS:
        m = rx.match(s)
        if m:
            return level, style, number_value(m.group("v")), pos + m.end()
    return None


def number_level(text: str) -> tuple[int, int] | None:
    """``(level, length of the number prefix)`` when ``text`` starts with a list number.

    >>> number_level("（二）加强基础设施建设")
    (2, 3)
    >>> number_level("2018年") is None
    True
    """
    n = parse_number(text)
    return (n[0], n[3]) if n else None


#: a role label alone (牵头单位, 各配合部门): it names a role, not a unit
_ROLE_WORD_ONLY = re.compile(rf"(?:各|其他|其余)?{LABEL_WORD}")

#: endings of areas and zones that are not bodies (老区, 园区, 示范区 …)
NOT_UNIT_END = re.compile(r"(?:老区|园区|示范区|景区|片区|辖区|地区|库区|保护区|功能区|试验区|先行区|集聚区|产业区|苏区|灾区|社会)$")


def looks_like_unit(text: str) -> bool:
    """Does ``text`` end like the name of a unit (and not of a person or an area)?

    >>> looks_like_unit("县发改局"), looks_like_unit("革命老区"), looks_like_unit("县领导同志")
    (True, False, False)
    """
    t = text.strip()
    if t in COLLECTIVE_SUBJECTS:
        return True
    if _ROLE_WORD_ONLY.fullmatch(t):
        return False  # 牵头单位 / 各配合部门 name a role, not a unit
    return (
        len(t) >= 2
        and bool(UNIT_END_RE.search(t))
        and not PERSON_END_RE.search(t)
        and not NOT_UNIT_END.search(t)
    )
