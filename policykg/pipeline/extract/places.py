"""Places (towns, streets, villages and higher divisions) and paired-assistance relations.

>>> [(p[0], p[1], p[2]) for p in find_places("认定湖光镇赤杆村，太平镇岭头村、陈渔村等4条村")]
[('湖光镇', 'town', None), ('赤杆村', 'village', '湖光镇'), ('太平镇', 'town', None), ('岭头村', 'village', '太平镇'), ('陈渔村', 'village', '太平镇')]
>>> [(p[0], p[1], p[2]) for p in find_pairings("市交通运输局牵头帮扶潮阳区、市国资委牵头帮扶南澳县。")]
[('市交通运输局', '潮阳区', '牵头帮扶'), ('市国资委', '南澳县', '牵头帮扶')]
"""

from __future__ import annotations

import re

from policykg.pipeline.extract.prose import BOUNDARY, NOT_SUBJECT
from policykg.pipeline.extract.units import looks_like_unit

PlaceHit = tuple[str, str, str | None, int, int]  # name, type, parent, start, end
PairHit = tuple[str, str, str, int, int]  # helper, helped, kind, start, end

_STOP = (
    "各", "有关", "相关", "所在", "所有", "全", "本", "该", "每", "重点", "老区", "贫困", "属地", "乡", "城", "农", "建制",
    "行政", "自然", "中心", "省级", "示范", "特色", "定点", "被帮扶", "对口", "帮扶", "我", "其", "全市", "市直",
)
TOWN_IN_TEXT_RE = re.compile(
    r"(?:(?<![\u4e00-\u9fff])|(?<=认定)|(?<=确定)|(?<=包括)|(?<=位于)|(?<=其中)|(?<=[即对在和与及]))"
    r"([\u4e00-\u9fff]{2})(镇|街道)(?=[\u4e00-\u9fff]{1,3}(?:村|、[\u4e00-\u9fff]{1,3}[、，,)）]))"
)
PLACE_UNIT_RE = re.compile(r"^([\u4e00-\u9fff]{2})(镇|乡|街道)$")
BARE_VILLAGE_RE = re.compile(r"[\u4e00-\u9fff]{1,3}村(?![\u4e00-\u9fff]*(?:委会|民|庄|级|集体|小组|干部|党|卫生|道))|[\u4e00-\u9fff]{2}(?=[、，,)）])")
VILLAGE_RE = re.compile(r"([\u4e00-\u9fff]{1,3}村)(?![\u4e00-\u9fff]*(?:委会|民|庄|级|集体|小组|干部|党|卫生|道))")
PAIR_KIND_RE = re.compile(r"(?:负责)?(?P<kind>(?:牵头|对口|结对|定点|挂钩)帮扶|对口支援|帮扶)")
HELPED_RE = re.compile(r"(?:[\u4e00-\u9fff]{2,6}?(?:市|县|区|镇|乡|街道|村)(?:[(（][^()（）]{1,6}[)）])?)(?:、[\u4e00-\u9fff]{2,6}?(?:市|县|区|镇|乡|街道|村))*")
_VERBISH = re.compile(r"负责|统筹|工作|领导|小组|指挥|建设|发展|推进|开展|落实|\d")


def _ok_name(stem: str) -> bool:
    return not stem.startswith(_STOP) and not any(ch in stem for ch in "的和与及在对等个")


def find_places(text: str) -> list[PlaceHit]:
    """Towns and the villages listed after them (the town is their parent)."""
    out: list[PlaceHit] = []
    pos = 0
    while pos < len(text):
        m = TOWN_IN_TEXT_RE.search(text, pos)
        if not m:
            break
        town = m.group(1) + m.group(2)
        if not _ok_name(m.group(1)) or any(ch in m.group(1) for ch in "驻帮扶各据施"):
            pos = m.end()
            continue
        ttype = "street" if m.group(2) == "街道" else "town"
        out.append((town, ttype, None, m.start(), m.end()))
        k = m.end()
        # villages right after the town: 赤杆村 / 岭头村、陈渔村 / 里光、南夏、调浪 (村 left out)
        items: list[tuple[str, int, int]] = []
        while True:
            v = BARE_VILLAGE_RE.match(text, k)
            if not v or not _ok_name(v.group(0).removesuffix("村")) or TOWN_IN_TEXT_RE.match(text, k):
                break
            items.append((v.group(0), v.start(), v.end()))
            k = v.end()
            if k < len(text) and text[k] == "、":
                k += 1
                continue
            break
        if items and (items[0][0].endswith("村") or len(items) >= 2):
            for name, a, b in items:
                out.append((name, "village", town, a, b))
        pos = max(k, m.end())
    return out


def place_of_unit(name: str) -> tuple[str, str] | None:
    """A unit mention that is itself a town or street (硇洲镇, 东山街道): (name, type)."""
    m = PLACE_UNIT_RE.match(name)
    if not m or not _ok_name(m.group(1)):
        return None
    return name, {"镇": "town", "乡": "town", "街道": "street"}[m.group(2)]


def find_pairings(text: str) -> list[PairHit]:
    """X(牵头/对口/定点)帮扶Y with X in subject position."""
    out: list[PairHit] = []
    if "帮扶" not in text and "对口支援" not in text:
        return out  # every pairing names one of these
    from policykg.text.patterns import number_level

    nl = number_level(text)
    starts = [nl[1] if nl else 0] + [k + 1 for k, ch in enumerate(text) if ch in BOUNDARY]
    for pos in starts:
        for m in PAIR_KIND_RE.finditer(text, pos, min(len(text), pos + 30)):
            helper = re.sub(r"^(?:其中|同时|由|并)", "", text[pos : m.start()]).strip()
            if (
                not helper
                or not looks_like_unit(helper)
                or NOT_SUBJECT.match(helper)
                or re.search(r"[，,。；;、\d的]", helper)
            ):
                continue
            h = HELPED_RE.match(text, m.end())
            if h:
                village = VILLAGE_RE.match(text, h.end())
                names = [village.group(1)] if village and "、" not in h.group(0) else h.group(0).split("、")
                for name in names:
                    if not _VERBISH.search(name) and not name.startswith(("我", "各", "有关")):
                        out.append((helper, name, m.group("kind"), pos, h.end()))
            break
    return out
