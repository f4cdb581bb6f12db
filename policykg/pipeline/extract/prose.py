"""Assignments written in running text: 由X负责, X牵头, X配合, X要…, 安排X作为成员单位.

A unit list counts only in subject position (at the start of a clause, after
由) and only when a verb of assignment follows it, so units that are merely
mentioned (鼓励企业…, 向X报告) are not taken.

>>> [(r, n) for r, n, _, _ in find_prose("由县财政局、县农业农村局根据实际统筹安排。")]
[('responsible', '县财政局'), ('responsible', '县农业农村局')]
>>> [(r, n) for r, n, _, _ in find_prose("其中市交通运输局牵头帮扶潮阳区、市国资委牵头帮扶南澳县。")]
[('lead', '市交通运输局'), ('lead', '市国资委')]
>>> find_prose("鼓励企业到老区投资兴业。")
[]
"""

from __future__ import annotations

import re

from policykg.pipeline.extract.units import looks_like_unit, split_units
from policykg.text.lexicon import (
    ACTING_VERB_RE,
    BOX_TITLE_RE,
    GENERIC_SUBJECT_END,
    NOT_WORK_RE,
    PROSE_LEAD_RE,
    PROSE_RESPONSIBLE_RE,
    PROSE_SUPPORT_RE,
)
from policykg.text.patterns import CLOSE, OPEN, RUN_IN_TITLE_RE, scan_to
from policykg.text.textview import TextView

BOUNDARY = set("。；;，,：:！？!?、\n（(由")
SENTENCE_END = set("。；;！？!?\n")
SKIP_RE = re.compile(r"(?:其中|同时|另外|此外|原则上|并|还)?\s*(?P<by>由|并由|联合|会同|请)?\s*(?:我市|我县|我区|我镇)?")
LEAD_RE = PROSE_LEAD_RE
SUPPORT_RE = PROSE_SUPPORT_RE
RESP_RE = PROSE_RESPONSIBLE_RE
PAIR_RE = re.compile(r"与[^。；;]{1,40}?结对")
MEMBER_RE = re.compile(r"作为(?:成员|配合|协作|参与)单位")
ARRANGE_RE = re.compile(r"安排\s*(?:\d+|[一二三四五六七八九十两])?\s*[个家名支]?")

#: clause openings that are verbs or prepositions, never the start of a unit name
NOT_SUBJECT = re.compile(
    r"按照|根据|依据|解除|安排|协助|支持|助力|帮助|发挥|充分|鼓励|引导|推动|配合|组织(?!部)|加强|建立|完善|推进|实施|开展|"
    r"落实|做好|坚持|积极|加快|争取|探索|对|从|向|在|将|把|为|通过|以|结合|围绕|聚焦|加大|提高|提升|确保|努力|奋力|全力|着力|大力|联合|会同|"
    r"力争|一般|原则|每个|每|其余|到|经|凡|如|若|除|健全|强化|深化|优化|统筹|指导|督促|严格|不断|逐步|进一步|负责|承担|责成"
)

Found = tuple[str, str, int, int]  # role, name, start, end (view coordinates)


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


_QUANTITY = re.compile(r"(?:\d+|[一二三四五六七八九十两]+)\s*[个条家名支所户人]|[其它他余]")
#: verbs inside a would-be name: a sentence, not a unit (副县长某某召集县政府办)
_VERB_INSIDE = re.compile(r"召集|责成|召开|主持|听取|要求|安排|带领")


def _item_ok(seg: str) -> bool:
    """Can this list item be a unit (not a verb phrase, not a counted set of places)?"""
    seg = seg.strip()
    return bool(re.match(r"[\u4e00-\u9fff]", seg)) and not NOT_SUBJECT.match(seg) and "由" not in seg \
        and not _QUANTITY.search(seg) and not _VERB_INSIDE.search(seg)


def _final_prefix(text: str, k: int, seg_end: int, clause_end: int, by: str | None = None
                  ) -> tuple[list[tuple[int, int]], str] | None:
    """Longest unit-like prefix of ``text[k:seg_end]`` that a verb of assignment follows
    (after 由 or 请, any verb: 由县财政局拨付, 请二科研拟; at the start of a paragraph, a
    colon before the duties: 县水利局：对…进行指导)."""
    if NOT_SUBJECT.match(text, k):
        return None
    for i in range(k + 2, seg_end + 1):
        prefix = text[k:i]
        if "等" in prefix or not _balanced(prefix) or not looks_like_unit(prefix) or not _item_ok(prefix):
            continue
        rest = text[i:clause_end]
        # X等Y单位: a second unit, unless Y describes a kind of unit (有资金整合任务的县级部门)
        extra = re.match(r"等\s*((?!(?:相关|有关|其他)?(?:单位|部门|机构))[^\s，,、。；;的]{2,16}?(?:单位|部门|机构))", rest)
        if extra:
            role = _role_after(rest[extra.end() :])
            if role:
                return [(k, i), (i + extra.start(1), i + extra.end(1))], role
        bare = re.match(r"等\s*(?:(?:相关|有关|其他)?(?:单位|部门|机构)|[^\s，,、。；;]{1,20}的[\u4e00-\u9fff]{0,6}(?:单位|部门|机构))?"
                        r"|\s*(?:\d+|[一二三四五六七八九十两]+)\s*[家个](?:单位|部门)", rest)  # …3家单位共同筹措
        if bare:
            after = rest[bare.end() :]
            role = _role_after(after)
            if role is None and bare.group(0) and by in _ACTING_BY and _acts(after):
                role = "responsible"  # 由A、B、C3家单位共同筹措
            if role:
                return [(k, i)], role
        role = _role_after(rest)
        if role:
            return [(k, i)], role
        if by in _ACTING_BY and _acts(rest) \
                and not any(looks_like_unit(text[k:j]) for j in range(i + 1, seg_end + 1)):
            return [(k, i)], "responsible"  # (县委 + 组织部 is one name: the longer one is read on)
        if k == 0 and _COLON_DUTY.match(rest):
            return [(k, i)], "responsible"
        if re.match(r"(?:组织(?!部)|带领)", rest) and not NOT_SUBJECT.match(text, i + 2):
            # 农服中心组织兽医站负责…: the unit that organises and the one organised share the work
            chained = parse_subject(text, i + 2)
            if chained:
                return [(k, i)] + [(s, e) for _r, _n, s, e in chained], chained[0][0]
    return None


#: the words before a unit after which any verb of acting assigns it work (由县财政局拨付)
_ACTING_BY = ("由", "并由", "请")
#: 由X担任 / 由X组成: X fills a post or makes up a body; it is given no work
_FILLS_A_POST = re.compile(r"担任|兼任|组成|构成")
#: 县水利局：对…进行指导 (a unit's duties after a colon, the paragraph's first words)
_COLON_DUTY = re.compile(r"\s*[:：]\s*[\u4e00-\u9fff“（(]")
#: 由县委宣传部负责考核: the unit scores the work, it does not do it
_ASSESSES = re.compile(r"(?:负责|具体负责|牵头)?(?:考核|考评|评分|打分)(?![\u4e00-\u9fff]{0,3}(?:工作|制度|办法|机制))")


def _acts(rest: str) -> bool:
    """After 由X or 请X: does a verb of acting follow (and no post X merely fills)?"""
    verb = re.sub(r"^\s*(?:分别|共同|具体|统一)?", "", rest)
    return ACTING_VERB_RE.match(verb) is not None and not _FILLS_A_POST.search(rest)


#: X为牵头单位 / X作为园区环境整治工作牵头部门
ROLE_NOUN_RE = re.compile(r"(?:为|是|作为)(?:[^，,。；;：:、]{0,20}?)"
                          r"(?P<label>牵头单位|主责单位|牵头部门|配合单位|配合部门|协办单位|责任单位|责任部门)")


def _role_after(rest: str) -> str | None:
    rest = re.sub(r"^\s*(?:[:：]\s*)?", "", rest)  # 县水利局：负责… (a division of duties, one unit a paragraph)
    m = ROLE_NOUN_RE.match(rest)  # X为牵头单位，Y为配合单位
    if m:
        label = m.group("label")
        return "lead" if label.startswith(("牵头", "主责")) else "support" if label.startswith(("配合", "协办")) else "responsible"
    if _ASSESSES.match(rest):
        return "assessor"
    rest = re.sub(r"^(?:分别|共同|具体|负责(?=牵头))", "", rest)  # X、Y分别牵头; X负责牵头
    if rest.startswith("承办") and "协办" in rest:
        return "lead"  # 由X承办，Y协办: paired with 协办, 承办 is the lead (as 主办 is)
    if LEAD_RE.match(rest):
        return "lead"
    if SUPPORT_RE.match(rest):
        return "support"
    if RESP_RE.match(rest):
        return "responsible"
    if PAIR_RE.match(rest):
        return "responsible"
    return None


def _segment_end(text: str, k: int) -> int:
    return scan_to(text, k, len(text), "、，,；;" + "".join(SENTENCE_END))


_SENTENCE_END_RE = re.compile("[" + re.escape("".join(sorted(SENTENCE_END))) + "]")


def _sentence_end(text: str, k: int) -> int:
    m = _SENTENCE_END_RE.search(text, k)
    return m.start() if m else len(text)


def parse_subject(text: str, pos: int) -> list[Found]:
    """Units in subject position starting at ``pos``, with the role the verb gives."""
    m = SKIP_RE.match(text, pos)
    k = m.end() if m else pos
    clause_end = _sentence_end(text, k)
    items: list[tuple[int, int]] = []
    if m and m.group("by") in ("会同", "联合"):
        # …；会同县应急管理局开展排查: the clause's own subject is left out, and the units it
        # works with share the work
        return [("responsible", name, s, e) for a, b in _co_subjects(text, m.start("by"), clause_end)
                for name, s, e in split_units(text, a, b)]
    if NOT_SUBJECT.match(text, k):
        return []
    while k < clause_end:
        seg_end = _segment_end(text, k)
        seg = text[k:seg_end].strip()
        final = _final_prefix(text, k, seg_end, clause_end, m.group("by") if m else None)
        if final is None and seg_end < clause_end and text[seg_end] in "、，," and looks_like_unit(seg) and _item_ok(seg):
            items.append((k, seg_end))
            k = seg_end + 1
            continue
        if final is None:
            return []
        items.extend(final[0])
        out: list[Found] = []
        for a, b in items:
            for name, s, e in split_units(text, a, b):
                out.append((final[1], name, s, e))
        co = _CO_WORD.match(text, final[0][-1][1], clause_end)
        co_role = "support" if co is not None and co.group("w") == "协同" else final[1]
        for a, b in _co_subjects(text, final[0][-1][1], clause_end):
            for name, s, e in split_units(text, a, b):
                out.append((co_role, name, s, e))
        return out
    return []


#: 请 handing work to the unit after it (not 请示, 请求, 请假 …)
_PLEASE = re.compile(r"(?<=[\u4e00-\u9fff])请(?!示|求|假|教|柬|愿)")
#: X会同Y / X主动协同Y: Y works with X (协同: in support)
_CO_WORD = re.compile(r"\s*(?:要|负责|牵头)?(?:主动|积极)?(?P<w>会同|联合|协同)")


def _co_subjects(text: str, pos: int, clause_end: int) -> list[tuple[int, int]]:
    """X会同Y、Z开展…: the units after 会同/联合 act with X."""
    m = _CO_WORD.match(text[pos:clause_end])
    if not m:
        return []
    k = pos + m.end()
    out = []
    while k < clause_end:
        seg_end = _segment_end(text, k)
        best = None
        whole = text[k:seg_end].strip()
        etc = whole.find("等")
        if looks_like_unit(whole) and _item_ok(whole) and seg_end < clause_end and text[seg_end] == "、":
            best = seg_end  # 住房城乡建设部、…: the whole item, not its first unit-like prefix (住房城乡)
        elif etc > 1 and looks_like_unit(whole[:etc]) and _item_ok(whole[:etc]):
            best = k + etc  # …国家邮政局等部门筛选确定
        for i in range(k + 2, seg_end + 1) if best is None else ():
            if looks_like_unit(text[k:i]) and _item_ok(text[k:i]):
                while i < seg_end and looks_like_unit(text[k : i + 1]):
                    i += 1  # 各项目主管部 → 各项目主管部门
                best = i
                break
        if best is None:
            break
        out.append((k, best))
        if best < seg_end or seg_end >= clause_end or text[seg_end] != "、":
            break
        k = seg_end + 1
    return out


#: 安排县交通运输局办理 / 责成X研究落实: the units a task is handed to
HANDED_RE = re.compile(r"(?:安排|责成|指派|交由|交办)(?P<units>[^，,。；;：:]{2,60}?)(?:负责|牵头|抓紧|尽快|及时)?(?:办理|落实|处理|研究)")


def find_handed(text: str) -> list[Found]:
    """安排X办理, 责成X研究落实 → X is responsible."""
    out: list[Found] = []
    for m in HANDED_RE.finditer(text):
        names = split_units(text, m.start("units"), m.end("units"))
        if names and all(looks_like_unit(n) and _item_ok(n) for n, _, _ in names):
            out.extend(("responsible", n, s, e) for n, s, e in names)
    return out


def find_members(text: str) -> list[Found]:
    """安排X作为成员单位 → X in the support role."""
    out: list[Found] = []
    for m in MEMBER_RE.finditer(text):
        window_start = max(0, m.start() - 30)
        arranges = list(ARRANGE_RE.finditer(text, window_start, m.start()))
        if not arranges:
            continue
        a = arranges[-1].end()
        for name, s, e in split_units(text, a, m.start()):
            out.append(("support", name, s, e))
    return out


def _quoted_mask(text: str) -> list[bool]:
    """True for characters inside “…” quotes (cited principles, slogans)."""
    mask = [False] * (len(text) + 1)
    inside = False
    for k, ch in enumerate(text):
        if ch == "“":
            inside = True
        elif ch == "”":
            inside = False
        mask[k] = inside
    return mask


def find_prose(text: str, *, skip: int = 0) -> list[Found]:
    """All prose assignments in ``text`` (view coordinates), first mention of each name kept.

    ``skip`` leaves out the first characters (a run-in title such as 县直单位结对帮扶。).
    Formulas that assign no work (由X负责解释) and boxed text (专栏3 …) are not read.
    """
    found: list[Found] = []
    if BOX_TITLE_RE.match(text):
        return []
    quoted = _quoted_mask(text)
    starts = [skip] + [k + 1 for k, ch in enumerate(text) if ch in BOUNDARY and k >= skip]
    # …，如推动遇到困难请更新处提出检讨: 请 hands work to the unit after it, mid-clause too
    starts += [m.start() for m in _PLEASE.finditer(text, skip)]
    for pos in starts:
        if pos < len(text) and not quoted[pos]:
            hits = [h for h in parse_subject(text, pos)
                    if not (h[1].endswith(GENERIC_SUBJECT_END) and not h[1].startswith(("各", "有关", "相关")))]
            if hits and NOT_WORK_RE.match(text, max(h[3] for h in hits)):
                continue
            found.extend(hits)
    found.extend(find_members(text))
    found.extend(find_handed(text))
    seen: set[str] = set()
    out: list[Found] = []
    for f in sorted(found, key=lambda f: f[2]):
        if f[1] not in seen:
            seen.add(f[1])
            out.append(f)
    return out


# --- prose tasks in parts -------------------------------------------------------------
_ENUM = re.compile(r"(?:(?<=^)|(?<=[。；;，,：:\n）)】]))\s*(?:[一二三四五六七八九十]是|第[一二三四五六七八九十][，,、])")
_ASSIGNS = re.compile(r"牵头|配合|负责|责任单位|责任部门")


def enumerated_parts(body: TextView) -> list[TextView]:
    """An item listing 一是…二是… (or 第一，…第二，…) with units in two or more parts:
    its parts; otherwise the body alone."""
    starts = [m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in _ENUM.finditer(body.text)]
    if len(starts) < 2:
        return [body]
    parts = [body.sub(a, b).strip() for a, b in zip(starts, starts[1:] + [len(body)])]
    if sum(1 for p in parts if _ASSIGNS.search(p.text)) < 2:
        return [body]
    return parts


def duty_parts(body: TextView) -> list[TextView]:
    """A division of duties in one paragraph (X负责…；Y负责…；Z负责…): one part per unit,
    when every part between ； opens with its own subject; otherwise the body alone."""
    title = RUN_IN_TITLE_RE.match(body.text)
    start = title.end() if title is not None else 0
    if title is not None and own_duty(title.group(0)):
        start = 0  # not a title: the first unit's own duty (X做好…；Y保障…)
    bounds = [start] + [k + 1 for k in range(start, len(body.text)) if body.text[k] in "；;"] + [len(body.text)]
    parts = [body.sub(a, b).strip() for a, b in zip(bounds, bounds[1:]) if body.text[a:b].strip()]
    return parts if len(parts) >= 2 and _own_subjects(parts) else [body]


def _own_subjects(parts: list[TextView]) -> bool:
    """Does every part open with its own unit, a different one each?"""
    subjects = []
    for p in parts:
        hits = find_prose(p.text)
        if not hits or hits[0][2] > 1:
            return False
        subjects.append(hits[0][1])
    return len(set(subjects)) == len(subjects)


def own_duty(clause: str) -> bool:
    """Is a clause closed by ``；`` that looks like a run-in title a unit's own duty
    (综合工作部做好舆情监测；…), not a title?"""
    return clause.endswith(("；", ";")) and any(h[2] <= 1 for h in find_prose(clause))


def division_of_duties(paras: list[TextView]) -> list[TextView]:
    """Paragraphs that each open with their own unit (X负责…。 / Y做好…；Z保障…。): one part
    per unit (a paragraph split by :func:`duty_parts`); otherwise no parts."""
    if len(paras) < 2:
        return []
    parts = [q for p in paras for q in duty_parts(p)]
    return parts if _own_subjects(parts) else []
