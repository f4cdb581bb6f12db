"""Policy metadata from the front matter: title, 文号, issuers, date, jurisdiction."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .patterns import ADMIN_RE, DOC_NUMBER_RE, DOC_TYPE_END, FULL_DATE_RE
from .records import Policy
from .textview import TextView

_ISSUER_END = re.compile(r"(?:委员会|人民政府|政府|党委|委|办公室|办公厅|局|厅|部|中心|小组)$")
_NOTICE = re.compile(r"(?:印发|转发|关于印发)\s*《(?P<inner>[^》]+)》\s*的?(?:通知|函)")
_SOURCE = re.compile(r"(?:信息来源|来源|发布机构|发文机关|发文单位)\s*[:：]\s*(?P<v>[^\s|｜]+)")
_DATE_FIELD = re.compile(r"(?:日期|发布时间|发布日期|成文日期|印发日期)\s*[:：]?\s*" + FULL_DATE_RE.pattern)
_QUOTED = re.compile(r"《([^《》]{4,120})》")
_IMPLEMENT_CUE = re.compile(r"(?:贯彻|落实|根据|按照|依据|执行)")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _date(m: re.Match[str]) -> str:
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    return f"{y}-{mo:02d}-{d:02d}"


_TITLE_LEAD = re.compile(r"^(?:中共|中国共产党|关于)?(?:进一步)?(?:全面)?(?:推进|推动|加快|做好|加强|支持|实施|印发|深化|促进)?")


def _jurisdiction_in(name: str) -> str | None:
    """The lowest administrative division named at the start of ``name``.

    >>> _jurisdiction_in("中共湛江市麻章区委"), _jurisdiction_in("关于推进甲县乡村振兴的实施方案")
    ('麻章区', '甲县')
    """
    name = _TITLE_LEAD.sub("", _squash(name))
    found: list[str] = []
    pos = 0
    while True:
        m = ADMIN_RE.match(name, pos)
        if not m:
            break
        found.append(m.group(0))
        pos = m.end()
    return found[-1] if found else None


def extract_policy(front: Sequence[TextView]) -> Policy:
    """Metadata of the plan, read from the lines before the first heading."""
    lines = [v.text.strip() for v in front if v.text.strip()]
    raws = [v.raw.strip() for v in front if v.text.strip()]
    doc_number = None
    for t in lines[:20]:
        m = DOC_NUMBER_RE.search(t)
        if m and "《" not in t[: m.start()]:
            doc_number = re.sub(r"^.*文件", "", _squash(m.group(0)))
            break

    # title: a stand-alone line that ends like a plan's name; else what a notice prints
    title = None
    notice_inner = None
    for raw in raws:
        m = _NOTICE.search(raw)
        if m and notice_inner is None:
            notice_inner = m.group("inner")
            continue
        t = _squash(raw)
        if 6 <= len(t) <= 120 and DOC_TYPE_END.search(t) and not t.startswith(("附件", "为", "根据", "按照")):
            title = t
            break
    if title is None and notice_inner:
        title = _squash(notice_inner)

    # date: a labelled date, else a date alone on its line (the signature)
    date = None
    for t in lines:
        m = _DATE_FIELD.search(t)
        if m:
            date = _date(m)
            break
    if date is None:
        for t in lines:
            m = FULL_DATE_RE.fullmatch(_squash(t))
            if m:
                date = _date(m)
                break

    issuers: list[str] = []
    for k, t in enumerate(lines):
        if FULL_DATE_RE.fullmatch(_squash(t)):
            j = k - 1
            block: list[str] = []
            while j >= 0 and len(_squash(lines[j])) <= 30 and _ISSUER_END.search(_squash(lines[j])):
                block.insert(0, _squash(lines[j]))
                j -= 1
            if block:
                issuers = block
                break
    if not issuers:
        for raw in raws:
            m = _NOTICE.search(raw)
            if m:
                head = raw[: m.start()].strip()
                issuers = [p for p in re.split(r"\s+", head) if _ISSUER_END.search(p)]
                break
    if not issuers:
        for t in lines:
            m = _SOURCE.search(t)
            if m:
                issuers = [m.group("v")]
                break

    addressees: list[str] = []
    for t in lines:
        if t.endswith(("：", ":")) and ("各" in t or "单位" in t) and len(t) < 120:
            addressees = [p for p in re.split(r"[，,、；;]", t.rstrip("：:")) if p]
            break

    jurisdiction = None
    for name in issuers + ([title] if title else []):
        jurisdiction = _jurisdiction_in(name)
        if jurisdiction:
            break

    implements: list[str] = []
    if title and "《" in title:
        implements += _QUOTED.findall(title)
    for v in front:
        t = v.raw.strip()
        first = t.find("《")
        if first > 0 and re.match(r"^(?:为|根据|按照|依据|遵照)", t) and _IMPLEMENT_CUE.search(t[:first]):
            for q in _QUOTED.findall(t):
                if q not in implements and _squash(q) not in {_squash(x) for x in implements}:
                    implements.append(q)
            break
    return Policy(
        title=title,
        doc_number=doc_number,
        issuers=tuple(issuers),
        date=date,
        jurisdiction=jurisdiction,
        implements=tuple(implements),
        addressees=tuple(addressees),
    )
