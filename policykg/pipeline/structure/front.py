"""Policy metadata: title, 文号, issuers, date, jurisdiction, the documents it implements.

Read from the front matter (the lines before the outline) first; the signature
(issuers above a date line) and the jurisdiction may also come from the rest of the
text, since many documents sign at the end. Titles may be wrapped over two lines,
run into the preamble of a one-line document, or written in Traditional characters
(matched folded, returned as written). A jurisdiction is a division the gazetteer
knows, a development zone, a town (镇/乡/街道), or 全国 for a national body.

>>> from policykg.text.textview import TextView
>>> p = extract_policy([TextView.of(x) for x in ["中共某某县委 某某县人民政府", "关于印发《某某方案》的通知"]])
>>> p.issuers, p.jurisdiction
(('中共某某县委', '某某县人民政府'), '某某县')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence

from policykg.pipeline.gazetteer import division_spans, known_division
from policykg.records import Policy
from policykg.text.patterns import ADMIN_RE, DOC_NUMBER_RE, DOC_TYPE_END, FULL_DATE_RE, ISO_DATE_RE, TOWN_RE
from policykg.text.textview import TextView

_ISSUER_END = re.compile(r"(?:委员会|人民政府|政府|党委|委|办公室|办公厅|局|厅|部|院|中心|小组|办|署)$")
_NOTICE = re.compile(r"(?:印发|转发|关于印发)\s*《?(?P<inner>[^》]+?)》?\s*的?(?:通知|函)$")
_NOTICE_HEAD = re.compile(r"^(?P<head>.{2,60}?)(?:关于)?(?:印发|转发)")
_ABOUT_HEAD = re.compile(r"^(?P<head>[\u4e00-\u9fff“”]{2,60}?)关于")
_SOURCE = re.compile(r"(?:信息来源|来源|发布机构|发文机关|发文单位)\s*[:：]\s*(?P<v>[^\s|｜]+)")
_DATE_FIELD = re.compile(r"(?:日期|发布时间|发布日期|成文日期|印发日期|发文日期)\s*[:：]?\s*")
_GARBLED_DATE = re.compile(r"^((?:19|20)\d{2})(\d)(\d{2})$|^((?:19|20)\d{2})(\d{2})(\d{2})$")
_QUOTED = re.compile(r"《([^《》]{4,120})》")
_IMPLEMENT_CUE = re.compile(r"(?:贯彻|落实|根据|按照|依据|执行)")
_NATIONAL = re.compile(r"^(?:国务院|中共中央|全国人民代表大会|全国人大|中央办公厅|国家[\u4e00-\u9fff]{1,12}(?:部|委|局|署|总局|委员会)$|"
                       r"[\u4e00-\u9fff]{1,8}部$)")
_UNIT_WORDS = re.compile(r"[委办局党府室部厅院]")
_VERB_START = ("加快", "推进", "完善", "促进", "推动", "做好", "加强", "深化", "支持", "实施", "全面", "进一步",
               "大力", "开展", "建设", "落实", "印发")
_TITLE_LEAD = re.compile(r"^(?:中共|中国共产党|关于)?")
_NOT_TITLE_START = ("附件", "为", "根据", "按照", "现将", "经", "各")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _ymd(y: str, m: str, d: str) -> str | None:
    mo, dd = int(m), int(d)
    return f"{y}-{mo:02d}-{dd:02d}" if 1 <= mo <= 12 and 1 <= dd <= 31 else None


def date_of(text: str) -> str | None:
    """A date written 2020年4月22日, 2018-07-09, or run together as 2021126 (year, month, day).

    >>> date_of("2020年4月22日"), date_of("发布日期:2019-04-22"), date_of("2021126")
    ('2020-04-22', '2019-04-22', '2021-01-26')
    """
    t = _squash(text)
    m = FULL_DATE_RE.search(t) or ISO_DATE_RE.search(t)
    if m:
        return _ymd(m.group(1), m.group(2), m.group(3))
    m = _GARBLED_DATE.match(t)
    if m:
        g = [x for x in m.groups() if x]
        return _ymd(*g)
    return None


def _date_line(text: str) -> bool:
    t = _squash(text)
    return bool(FULL_DATE_RE.fullmatch(t) or ISO_DATE_RE.fullmatch(t) or _GARBLED_DATE.match(t))


def _jurisdiction_in(name: str, *, strict: bool) -> str | None:
    """The lowest division named at the start of ``name`` (湛江市麻章区 → 麻章区).

    ``strict``: only divisions the gazetteer knows, development zones and towns count (for
    a title, whose first words may be a verb phrase); an issuer's leading place is trusted.

    >>> _jurisdiction_in("中共湛江市麻章区委", strict=False), _jurisdiction_in("关于加快完善县域商业体系", strict=True)
    ('麻章区', None)
    """
    name = _TITLE_LEAD.sub("", _squash(name))
    if _NATIONAL.match(name):
        return "全国"
    found: list[str] = []
    pos = 0
    while True:
        m = ADMIN_RE.match(name, pos)
        if not m or (found and _UNIT_WORDS.search(m.group(0))):
            break
        place = m.group(0)
        if strict and not (known_division(place) or place.endswith(("开发区", "新区"))
                           or (len(place) <= 4 and not place.startswith(_VERB_START))):
            break  # 关于加快完善县域…: a verb phrase, not a place
        found.append(place)
        pos = m.end()
    if pos == 0 and not ADMIN_RE.match(name):
        town = TOWN_RE.match(name)
        if town and not _UNIT_WORDS.search(town.group(0)[:-1]):
            return town.group(0)
    elif found:
        town = TOWN_RE.match(name[pos:])
        if town and not _UNIT_WORDS.search(town.group(0)[:-1]):
            return town.group(0)
    return found[-1] if found else None


def _logical_lines(raws: list[str]) -> list[tuple[str, str]]:
    """``(folded, raw)`` lines, with a title wrapped over two lines joined, and the first
    sentence of a line that runs on into a preamble split off."""
    from policykg.text.textview import fold

    out: list[tuple[str, str]] = []
    k = 0
    while k < len(raws):
        raw = raws[k].strip()
        t = fold(_squash(raw))
        if k + 1 < len(raws):
            nxt = raws[k + 1].strip()
            n = fold(_squash(nxt))
            joined = t + n
            if (not DOC_TYPE_END.search(t) and 4 <= len(t) <= 40 and len(n) <= 40 and DOC_TYPE_END.search(joined)
                    and not re.search(r"[。；;，,：:>|｜]", joined) and not _date_line(n) and not _date_line(t)
                    and not DOC_NUMBER_RE.search(t) and not t.startswith(("(", "（", *_NOT_TITLE_START))):
                out.append((joined, raw + nxt))
                k += 2
                continue
        first = re.match(r"^([^。；;]{6,80}?)。", t)
        if first and DOC_TYPE_END.search(first.group(1)):
            out.append((first.group(1), raw[: len(first.group(1))] if len(raw) >= len(first.group(1)) else raw))
        out.append((t, raw))
        k += 1
    return out


def _title(lines: list[tuple[str, str]]) -> str | None:
    plans: list[str] = []
    notices: list[str] = []
    for t, raw in lines:
        if not 6 <= len(t) <= 120 or not DOC_TYPE_END.search(t) or t.startswith(_NOT_TITLE_START):
            continue
        if re.search(r"[。；;，,：:]", t) or DOC_NUMBER_RE.fullmatch(t):
            continue
        (notices if _NOTICE.search(t) else plans).append(_squash(raw))
    if plans:
        return plans[0]
    return notices[0] if notices else None


def _signature(lines: list[str]) -> tuple[list[str], str | None]:
    """Issuers above a date line, and the date."""
    for k, t in enumerate(lines):
        if not _date_line(t):
            continue
        block: list[str] = []
        j = k - 1
        while j >= 0 and len(_squash(lines[j])) <= 40:
            parts = [p for p in re.split(r"\s{2,}|\s(?=中共|[\u4e00-\u9fff]{2,}人民政府)", lines[j].strip()) if p]
            if not parts or not all(_ISSUER_END.search(_squash(p)) for p in parts):
                break
            block[:0] = [_squash(p) for p in parts]
            j -= 1
        if block:
            return block, date_of(t)
    return [], None


def extract_policy(front: Sequence[TextView], rest: Sequence[TextView] = ()) -> Policy:
    """Metadata of the plan: from the front matter, then the signature anywhere in ``rest``."""
    from policykg.text.textview import fold

    raws = [v.raw.strip() for v in front if v.text.strip()]
    folded = [fold(r) for r in raws]
    lines = _logical_lines(raws)
    title = _title(lines)
    if title is None:
        title = next((_squash(m.group("inner")) for t, _ in lines if (m := _NOTICE.search(t))), None)
    tail = [fold(v.raw.strip()) for v in rest if v.text.strip()]
    issuers, signed = _signature(folded)
    if not issuers:
        issuers, signed = _signature(tail[-30:])
    if not issuers:
        issuers = _issuers_named(lines, folded, title)
    date = _date_field(folded) or signed or next((date_of(t) for t in folded if _date_line(t)), None)
    return Policy(
        title=title,
        doc_number=_doc_number(raws, folded),
        issuers=tuple(issuers),
        date=date,
        jurisdiction=_policy_jurisdiction(issuers, title),
        implements=tuple(_implemented(front, title)),
        addressees=tuple(_addressees(folded)),
    )


def _doc_number(raws: list[str], folded: list[str]) -> str | None:
    """The document number (〔2021〕5号) in the first lines, unless it stands inside a quoted title."""
    for raw, t in zip(raws[:20], folded[:20]):
        m = DOC_NUMBER_RE.search(t)
        if m and "《" not in t[: m.start()]:
            return re.sub(r"^.*文件", "", _squash(raw[m.start() : m.end()]))
    return None


def _date_field(folded: list[str]) -> str | None:
    """The date of a 成文日期/印发日期-style field."""
    for t in folded:
        m = _DATE_FIELD.search(t)
        if m and (date := date_of(t[m.end() :])):
            return date
    return None


def _issuers_named(lines: list[tuple[str, str]], folded: list[str], title: str | None) -> list[str]:
    """Issuers when no signature names them: the head of a 关于印发…的通知 line, the head of
    the title (X关于…), or a 来源/发布机构 field."""
    from policykg.text.textview import fold

    for t, _raw in lines:
        m = _NOTICE_HEAD.match(t) if _NOTICE.search(t) else None
        if m:
            head = re.sub(r"^.*?号", "", m.group("head")) if DOC_NUMBER_RE.search(m.group("head")) else m.group("head")
            issuers = [p for p in re.split(r"\s+|(?<=[委府厅办局])(?=中共|[\u4e00-\u9fff]{2,6}人民政府)", head) if p and _ISSUER_END.search(p)]
            if issuers:
                return issuers
    if title:
        m = _ABOUT_HEAD.match(fold(title))
        if m and _ISSUER_END.search(m.group("head")) and "“" not in m.group("head"):
            return [title[: len(m.group("head"))]]
    return next(([m.group("v")] for t in folded if (m := _SOURCE.search(t))), [])


def _addressees(folded: list[str]) -> list[str]:
    """The units a notice is addressed to (各镇人民政府，县直各单位：)."""
    for t in folded:
        if t.endswith(("：", ":")) and ("各" in t or "单位" in t) and len(t) < 120:
            return [p for p in re.split(r"[，,、；;]", t.rstrip("：:")) if p]
    return []


def _policy_jurisdiction(issuers: list[str], title: str | None) -> str | None:
    """The jurisdiction an issuer names, else the one the title names."""
    from policykg.text.textview import fold

    for name in issuers:
        if jurisdiction := _jurisdiction_in(fold(name), strict=False):
            return jurisdiction
    return _jurisdiction_in(fold(title), strict=True) if title else None


def _implemented(front: Sequence[TextView], title: str | None) -> list[str]:
    """Titles of the documents the plan implements: quoted in its title, or in the first
    为/根据/按照… sentence that cites them."""
    implements: list[str] = []
    if title and "《" in title:
        implements += _QUOTED.findall(title)
    for v in front:
        t = v.raw.strip()
        first = t.find("《")
        if first > 0 and re.match(r"^(?:为|根据|按照|依据|遵照)", v.text.strip()) and _IMPLEMENT_CUE.search(v.text[:first]):
            for q in _QUOTED.findall(t):
                if q not in implements and _squash(q) not in {_squash(x) for x in implements}:
                    implements.append(q)
            break
    return implements


_LEVELS = {"省": ("province",), "市": ("city",), "县": ("county", "district"), "区": ("district", "county")}


def jurisdiction_in_text(text: str, unit_names: Sequence[str], unit_starts: Collection[int] = ()) -> str | None:
    """When the front matter names no jurisdiction: the division named most often in the text
    whose level is the level of the document's own units (市财政局 → a city). A name a unit
    starts inside is no division's (…；会同县应急管理局开展… names 县应急管理局, not 会同县).

    >>> jurisdiction_in_text("为苏州打造…，落实《苏州市规划》和《四川省方案》", ["市财政局"])
    '苏州市'
    >>> jurisdiction_in_text("会同县应急管理局开展排查", ["县应急管理局"], [2]) is None
    True
    """
    prefixes = Counter(n[0] for n in unit_names if n[:1] in _LEVELS)
    if not prefixes:
        return None
    levels = _LEVELS[prefixes.most_common(1)[0][0]]
    # a municipality (天津市) is a province by level but a city by name and by its units (市财政局)
    starts = set(unit_starts)
    counts = Counter(d.name for d, a, b in division_spans(text)
                     if (d.level in levels or (d.name.endswith("市") and "city" in levels))
                     and not any(k in starts for k in range(a + 1, b)))
    return counts.most_common(1)[0][0] if counts else None
