"""Split a list of responsible units into mentions and clean each mention.

Works on view coordinates (positions in :attr:`TextView.text`), so a mention
can be mapped back to its exact source span.

>>> [t for t, _, _ in split_units("县财政局、县教育局，各镇党委政府")]
['县财政局', '县教育局', '各镇党委政府']
>>> [t for t, _, _ in split_units("湛江供销社联合社（东山、东简供销社）等")]
['湛江供销社联合社']
>>> [t for t, _, _ in split_units("各帮扶单位及驻镇帮扶工作队")]
['各帮扶单位', '驻镇帮扶工作队']
>>> [t for t, _, _ in split_units("乡镇党委和政府、属地县(市、区)")]
['乡镇党委和政府', '属地县(市、区)']
"""

from __future__ import annotations

import re
from functools import cache

from policykg.text.lexicon import UNIT_MARKER_RE, UNIT_MARKERS
from policykg.text.patterns import CLOSE, OPEN, PERSON_END_RE, STRONG_UNIT_END_RE, UNIT_END_RE, looks_like_unit

HARD_SEPS = set("、，,；;/／")
SOFT_SEPS = set(" \t\n\u3000")
#: words that join two units ("A和B") when both sides are whole unit names
CONJ_RE = re.compile(r"以及|及|和|与")
LEAD_STRIP = re.compile(r"(?:由|并由|以及|其中|同时|另外|此外|我市|我县|我区|我镇)+")
TAIL_STRIP = re.compile(
    r"(?:等(?:[省市县区]|国家)?(?:相关|有关|其他)?(?:单位|部门)?|分别负责|分别|共同负责|负责|(?:[（(])?(?:牵头|配合|协助|参与)(?:[)）])?|按职责分工|按职责)+$"
)
#: a role marker on one unit inside a list: 县商务局（牵头）, 县商务局牵头, 县城管局配合
ROLE_MARK_RE = UNIT_MARKER_RE
#: remarks inside a list that are not units
NOT_A_UNIT_RE = re.compile(r"[:：]|\d{4}\s*年|底前|之前|排在|列第|为牵头|第一位|(?:以上|以下)$|^(?:暂无|无|同上|待定|/|—+|-+)$")
#: collective words that start a new unit even without a separator
RUN_ON_RE = re.compile(
    r"(?<=[会局办府委）)])(?=(?:村委会|居委会|自然村|村民小组|各街道|各镇|各乡镇))"
    # 市住房城乡建设局市水利局: two bodies written with no separator, each with its level
    r"|(?<=[局办委厅社])(?=[省市县区][\u4e00-\u9fff]{1,12}?(?:局|委|办|厅|社|中心)(?:$|[省市县区]))"
)
#: the first of two bodies run together starts with its level too (各社区党委 is one body)
_LEVELLED = re.compile(r"^\s*(?:[省市县区]|国家)[\u4e00-\u9fff]{2,}")
_SUB_UNIT_END = re.compile(r"(?:局|办|科|社|公司|室|中心|站|所|队|院|部|股|处|委)$")
_REMARK = re.compile(r"负责|分工|职责|牵头|配合|按|根据")


def _drop_parenthetical(text: str, start: int, end: int) -> int:
    """New end that drops a trailing parenthesis listing sub-units or a remark."""
    seg = text[start:end].rstrip()
    if not seg or seg[-1] not in CLOSE:
        return end
    depth = 0
    for k in range(len(seg) - 1, -1, -1):
        ch = seg[k]
        if ch in CLOSE:
            depth += 1
        elif ch in OPEN:
            depth -= 1
            if depth == 0:
                inner = seg[k + 1 : -1]
                parts = [p for p in re.split(r"[、，,]", inner) if p]
                if re.match(r"(?:各|有关|相关)", seg):
                    return end  # 各乡镇人民政府（街道办事处）: an alternative, part of the name
                if k > 0 and (
                    any(len(p) >= 2 and _SUB_UNIT_END.search(p) for p in parts) or _REMARK.search(inner)
                ):
                    return start + len(seg[:k].rstrip())
                return end
    return end


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space, artefact punctuation, connectives and 等 from a mention."""
    while start < end and (text[start].isspace() or text[start] in "：:“”\"'*·•-—|｜"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "。.：:“”\"'*·•-—、，,；;|｜"):
        end -= 1
    m = LEAD_STRIP.match(text, start, end)
    if m and m.end() < end:
        start = m.end()
    for _ in range(3):
        seg = text[start:end]
        new_end = _drop_parenthetical(text, start, end)
        m = TAIL_STRIP.search(text[start:new_end])
        if m and m.start() > 0:
            new_end = start + m.start()
        while new_end > start and text[new_end - 1].isspace():
            new_end -= 1
        if new_end == end or text[start:new_end] == seg:
            end = new_end
            break
        end = new_end
    return start, end


@cache
def _divisions_starting_with_conjunctions() -> tuple[str, ...]:
    """Division names that begin with a conjunction's character (和平县, 和田市 …), longest first."""
    from policykg.pipeline.gazetteer import names

    return tuple(sorted((n for n in names() if len(n) >= 3 and n[0] in "和与及"), key=len, reverse=True))


def _division_at(seg: str, k: int) -> bool:
    """Does a division's name start at ``seg[k]`` (国家税务总局和平县税务局: 和 is not "and")?"""
    return seg.startswith(_divisions_starting_with_conjunctions(), k)


def _split_conj(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split "A和B" / "A及B" when both sides are whole unit names."""
    seg = text[start:end]
    depth = 0
    for k, ch in enumerate(seg):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            m = CONJ_RE.match(seg, k)
            if m and k > 0 and not _division_at(seg, k):
                left, right = seg[:k], seg[m.end() :]
                if re.fullmatch(r"(?:我|本)[县区市镇]", right) and looks_like_unit(left):
                    return [(start, start + k)]  # 湛江市和我区: the deictic half is not a unit
                if STRONG_UNIT_END_RE.search(left) and len(right) >= 3 and looks_like_unit(right):
                    return [(start, start + k)] + _split_conj(text, start + m.end(), end)
    return [(start, end)]


def _split_run_on(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in RUN_ON_RE.finditer(text, start, end):
        left = text[pos : m.start()]
        if looks_like_unit(left) and (text[m.start()] not in "省市县区" or _LEVELLED.match(left)):
            out.append((pos, m.start()))
            pos = m.start()
    out.append((pos, end))
    return out


def _short_tail(text: str, k: int, end: int) -> bool:
    """Is what follows a line break only a one- or two-character tail (局, 分局, 委) of a
    name wrapped in a table cell, rather than the next unit?"""
    m = re.match(r"\s*([^\s、，,；;/／]{1,2})(?=[\s、，,；;/／）)]|$)", text[k:end])
    if not m or k >= end:
        return False
    # 陈明 after 镇规划建设办 is a person, not the rest of the name: a tail ends like a unit
    return text[k - 1] == "\n" or bool(UNIT_END_RE.fullmatch(m.group(1)))


def raw_items_with_seps(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Spans of list items between separators, never splitting inside brackets.

    A line break splits only where the text before it already ends like a
    unit; otherwise it is a wrap inside a name and the parts stay together.
    """
    end = len(text) if end is None else end
    items: list[tuple[int, int, str]] = []
    depth = 0
    item_start = start
    k = start
    while k < end:
        ch = text[k]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch == "、" and (m := _SHARED_LEVELS.match(text, item_start, end)) and m.end() > k:
            k = m.end()  # 各县、市、区人民政府: one collective whose levels share 各 and 人民政府
            continue
        elif depth == 0 and ch in HARD_SEPS:
            items.append((item_start, k, ch))
            item_start = k + 1
        elif depth == 0 and ch == "等" and k > item_start and (m := _ETC_SPLIT.match(text, k, end)):
            # X等和Y: two units; X等有关部门和单位: X and the collective
            items.append((item_start, k, "等"))
            item_start = m.end()
            k = m.end()
            continue
        elif depth == 0 and ch in SOFT_SEPS and looks_like_unit(text[item_start:k]) and not _short_tail(text, k + 1, end):
            items.append((item_start, k, ch))
            item_start = k + 1
        k += 1
    items.append((item_start, end, ""))
    return items


#: 等 that ends one unit and opens another: X等和Y, X等有关部门和单位
_ETC_SPLIT = re.compile(r"等(?:和|及|以及|与)|等(?=各[\u4e00-\u9fff]{2,10}$|有关[\u4e00-\u9fff]{1,4}[和及][\u4e00-\u9fff]{1,4}$)")
#: an admin level written alone after a collective that shares its 各 (各市、区)
_ELIDED_LEVEL = re.compile(r"^[市区县镇乡]$")
_LEVEL = r"(?:县|市|区|州|盟|旗|镇|乡|街道|开发区|园区|新区)"
_SHARED_LEVELS = re.compile(
    # 各县、市、区人民政府 / 各州、市人民政府 / 各开发区、镇(街道): levels sharing 各 and the body
    rf"\s*各{_LEVEL}(?:、{_LEVEL})+(?:(?:[（(][^（）()]{{1,8}}[)）])?(?:人民政府|政府|党委和政府|党委政府|党委|管委会)"
    r"(?:[（(][^（）()]{1,8}[)）])?|[（(][^（）()]{1,8}[)）])"
)
_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def _plausible(name: str) -> bool:
    """A list item that can be a unit: a unit ending, or a short bare name (东简)."""
    if len(name) < 2 or len(name) > 40 or PERSON_END_RE.search(name) or NOT_A_UNIT_RE.search(name):
        return False
    return looks_like_unit(name) or (len(name) <= 12 and not re.search(r"[\d，,。；;]", name))


def split_units(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Mentions in ``text[start:end]`` as ``(name, start, end)`` in view coordinates.

    ``name`` has white space removed (a name wrapped over two lines is one
    name). Items that cannot be units (a deadline, a remark, a person) are
    dropped; duplicates are kept (the caller keeps the first of each name).
    """
    return [(name, s, t) for name, s, t, _ in split_units_with_roles(text, start, end)]


def split_units_with_roles(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int, str | None]]:
    """Like :func:`split_units`, plus the role a marker on the item gives (县商务局（牵头）→ lead).

    >>> [(n, r) for n, _, _, r in split_units_with_roles("县商务局（牵头）、县财政局")]
    [('县商务局', 'lead'), ('县财政局', None)]
    """
    out: list[tuple[str, int, int, str | None]] = []
    joined: list[bool] = []  # is this item joined to the next one by 、 (one group)?
    before = ""  # the separator before the current item
    for a, b, sep in raw_items_with_seps(text, start, end):
        prev_sep, before = before, sep
        for c, d in _split_run_on(text, a, b):
            for e, f in _split_conj(text, c, d):
                raw = text[e:f].strip()
                mark = ROLE_MARK_RE.search(raw)
                role = None
                if mark and mark.start() > 0:
                    role = UNIT_MARKERS[mark.group(1)]
                s, t = _clean(text, e, f)
                name = re.sub(r"\s+", "", text[s:t])
                if _ELIDED_LEVEL.match(name) and out and re.match(r"^(?:各|有关|相关)[\u4e00-\u9fff]?[市区县镇乡]$", out[-1][0]):
                    out.append((name, s, t, role))  # 各市、区: 区 is 各区
                    joined.append(sep == "、")
                    continue
                if out and prev_sep in SOFT_SEPS and _PERSON_NAME.match(name) and not looks_like_unit(name):
                    continue  # 镇农业农村办 王小平: a person written after the unit
                if _plausible(name):
                    out.append((name, s, t, role))
                    joined.append(sep == "、")
    # a marker on the last of 、-joined items applies to the group: 县城管局、县文旅局配合
    for i in range(len(out) - 2, -1, -1):
        if out[i][3] is None and joined[i] and out[i + 1][3] is not None:
            out[i] = (*out[i][:3], out[i + 1][3])
    return out
