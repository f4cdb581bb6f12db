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


#: words after which a town's name starts in running text (在石桥镇, 支持龙泉镇, 将云岭镇打造…)
_BEFORE_NAME = (
    "在", "对", "将", "把", "向", "由", "从", "到", "至", "于", "和", "与", "及", "同", "以", "为", "是", "即", "如",
    "含", "等", "支持", "推进", "推动", "加快", "指导", "依托", "帮助", "协助", "督促", "组织", "鼓励", "引导", "确定",
    "选定", "选择", "认定", "包括", "位于", "其中", "覆盖", "涉及", "围绕", "聚焦", "联合", "了", "的", "接", "邻",
)
#: stems that make a common word with 镇/乡/街道, not a name (中心镇, 重点镇, 示范镇, 老区镇 …)
_COMMON_STEM = re.compile(
    r"^(?:中心|重点|示范|特色|专业|建制|老区|试点|贫困|经济|工业|商贸|旅游|历史|文化|美丽|生态|卫星|边境|小城|城乡|"
    r"乡村|农村|全国|省级|市级|县级|区级|镇级|每个|这个|该个|其他|其余|周边|沿海|山区|民族|传统|产业|农业|宜居|"
    r"森林|园林|卫生|文明|强镇|名镇|古镇|新建|撤并|合并|相关|有关|所辖|辖区|片区|城区|市区|县城|街道|社区)$|[乡城村]$")
_SUFFIX = r"(镇|乡|街道)"
_NAME = r"[\u4e00-\u9fff]"
#: the rest of a list of short names sharing the suffix, after its first name: 马坝、沙口、枫湾等3个镇 /
#: 莲塘、大洞两镇 / 石桥和龙泉等乡镇 (the first name is the two or three characters before)
_SHORT_LIST_TAIL_RE = re.compile(
    rf"((?:[、和]{_NAME}{{2,3}}?)+)(?:等|共)?(?:[两二三四五六七八九十\d]+个?)?(?:乡镇|{_SUFFIX})(?!{_NAME}?(?:化|域|区))")
#: one name in running text: 鹤田镇要… / 支持青坪镇建设… / 推进黄泥塘镇至县城公路; an ethnic
#: township (枳湾彝族乡); a township (乡) only where a unit, a village or another name follows
_ONE_RE = re.compile(
    rf"(镇|街道|乡(?=人民政府|政府|党委|{_NAME}{{2}}村|[、和]{_NAME}{{2}}[镇乡]))"
    r"(?!(?:村|镇|土|愁|贤|风|情|亲|间|下|域|区|化|级|街|容|貌|长))")
#: China's 55 minority nationalities, as an ethnic township's name holds them (枳湾彝族乡, 蒿沟满族蒙古族乡)
_ETHNIC = ("维吾尔|柯尔克孜|乌孜别克|鄂伦春|鄂温克|达斡尔|塔吉克|塔塔尔|俄罗斯|哈萨克|蒙古|土家|哈尼|拉祜|纳西|景颇|仫佬|"
           "布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|朝鲜|德昂|保安|裕固|独龙|赫哲|门巴|珞巴|基诺|布依|傈僳|高山|东乡|"
           "彝|回|满|苗|壮|瑶|侗|藏|白|傣|黎|畲|佤|水|土|羌|怒|京")
_ETHNIC_RE = re.compile(rf"({_NAME}{{2}}镇?)((?:(?:{_ETHNIC})族){{1,3}}乡)")
#: verbs of two characters that start a phrase, not a name (巩固集镇成果, 改善镇区面貌)
_VERB2 = re.compile(r"^(?:巩固|改善|美化|整治|培育|发展|打造|建设|提升|壮大|做强|做优|振兴|带动)")


def _starts_a_name(text: str, start: int) -> bool:
    """Whether a place name may start at ``start``: after a boundary, a word that names a
    place next, or the county or district the place is in (北塬区枳湾镇)."""
    if start == 0 or not ("\u4e00" <= text[start - 1] <= "\u9fff"):
        return True
    return text[:start].endswith(_BEFORE_NAME) or (text[start - 1] in "区县市" and start >= 3)


_VERB_START = re.compile(NOT_SUBJECT.pattern)
#: verbs of one character that make a phrase with 镇/乡 (包镇, 驻镇, 下乡, 返乡, 强镇): not a name's end
_VERB_END = {"镇": "包驻帮进到入下推培管强联挂扶", "乡": "下回返还进到入离故家老同本异他水梦", "街道": ""}
_PREPOSITION = "由从把将对向于至到以在"


def _name_ok(stem: str, suffix: str = "镇") -> bool:
    """Whether ``stem`` + ``suffix`` may name a place: Chinese characters only, no division
    word inside (县, 区, 村 …), not a common word (中心镇, 重点镇), not a verb or a verb's
    phrase (落实镇村两级, 依托镇, 驻镇帮镇扶村, 下乡), no preposition at its edge (由莲塘)."""
    verb = _VERB_START.match(stem)
    return (
        all("\u4e00" <= ch <= "\u9fff" for ch in stem)
        and _ok_name(stem)
        and not _COMMON_STEM.search(stem)
        and not any(ch in stem for ch in "驻帮扶各据施镇乡县区市省州村")
        and stem[-1] not in "两二三四五六七八九十个等" + _VERB_END.get(suffix, "") + _PREPOSITION
        and not (len(stem) == 3 and stem[0] in _PREPOSITION)
        and not (verb and verb.end() - verb.start() >= 2)
        and not _VERB2.match(stem)
        and not any(stem.endswith(w) for w in _BEFORE_NAME if len(w) >= 2)
    )


def _running_towns(text: str) -> list[PlaceHit]:
    """Towns, townships and streets named in running text, not followed by their villages:
    lists of full names, lists of short names sharing one suffix, and single names after a
    boundary or a word that introduces a place (see the module's examples)."""
    hits: dict[int, PlaceHit] = {}

    def add(stem: str, suffix: str, start: int, end: int) -> None:
        if _name_ok(stem, suffix):
            hits.setdefault(start, (stem + suffix, "street" if suffix == "街道" else "town", None, start, end))

    for m in _SHORT_LIST_TAIL_RE.finditer(text):
        suffix = m.group(2) or "镇"
        rest = re.split(r"[、和]", m.group(1))[1:]
        for size in (2, 3):
            start = m.start() - size
            first = text[max(start, 0):m.start()]
            if start >= 0 and _starts_a_name(text, start) and all(_name_ok(x, suffix) for x in (first, *rest)):
                pos = start
                for x in (first, *rest):
                    k = text.index(x, pos)
                    add(x, suffix, k, k + len(x))
                    pos = k + len(x)
                break
    for m in _ETHNIC_RE.finditer(text):
        if _starts_a_name(text, m.start()) and _name_ok(m.group(1).removesuffix("镇")):
            hits.setdefault(m.start(), (m.group(0), "town", None, m.start(), m.end()))
    for m in _ONE_RE.finditer(text):
        for size in (2, 3):
            start = m.start() - size
            if start >= 0 and _starts_a_name(text, start) and _name_ok(text[start:m.start()], m.group(1)):
                add(text[start:m.start()], m.group(1), start, m.end())
                break
    return sorted(hits.values(), key=lambda h: h[3])


def find_places(text: str) -> list[PlaceHit]:
    """Towns and the villages listed after them (the town is their parent), then towns,
    townships and streets named in running text.

    >>> [p[0] for p in find_places("在石桥镇、龙泉镇开展试点，重点推进马坝、沙口等2个镇的污水处理，推进特色小镇和中心镇建设")]
    ['石桥镇', '龙泉镇', '马坝镇', '沙口镇']
    """
    out = _village_lists(text)
    taken = {h[3] for h in out} | {h[4] for h in out if h[1] != "village"}
    for hit in _running_towns(text):
        if hit[3] not in taken and hit[4] not in taken:
            out.append(hit)
    return sorted(out, key=lambda h: h[3])


def _village_lists(text: str) -> list[PlaceHit]:
    """Towns followed by their villages (认定湖光镇赤杆村, 太平镇岭头村、陈渔村)."""
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
