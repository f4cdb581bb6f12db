"""A gazetteer of China's divisions down to county level (``data/adcodes.csv``).

>>> d = lookup("遂溪县")
>>> d.code, d.parent.name, d.parent.parent.name
('440823', '湛江市', '广东省')
>>> lookup("麻章区", near="湛江市").code
'440811'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent.parent / "data" / "adcodes.csv"
#: divisions made after the snapshot above was taken (see data/README.md)
_SUPPLEMENT = _DATA.with_name("adcodes-supplement.csv")


@dataclass(frozen=True)
class Division:
    code: str
    name: str

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "district" if self.name.endswith("区") else "county"

    @property
    def parent(self) -> Division | None:
        codes = _codes()
        if self.level == "province":
            return None
        if self.level == "city":
            return codes.get(self.code[:2] + "0000")
        city = codes.get(self.code[:4] + "00")
        if city is None or city.name in ("市辖区", "县", "省直辖县级行政区划"):
            return codes.get(self.code[:2] + "0000")
        return city

    def chain(self) -> list[Division]:
        """This division and its parents, lowest first."""
        out: list[Division] = [self]
        while out[-1].parent is not None:
            out.append(out[-1].parent)
        return out


@lru_cache(maxsize=1)
def _codes() -> dict[str, Division]:
    out: dict[str, Division] = {}
    for path in (_DATA, _SUPPLEMENT):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            head = next(rows)
            code, name = head.index("adcode"), head.index("name")
            out.update((r[code], Division(r[code], r[name])) for r in rows)
    return out


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Division]]:
    out: dict[str, list[Division]] = {}
    for d in _codes().values():
        out.setdefault(d.name, []).append(d)
    return out


def names() -> frozenset[str]:
    """Every division name the gazetteer knows."""
    return frozenset(_by_name())


def lookup(name: str, *, near: str | None = None) -> Division | None:
    """The division called ``name``; ``near`` (a city or province name) settles duplicates.
    Returns ``None`` for unknown names and for ambiguous ones without a deciding ``near``.

    A district (区) named near a city is that city's district: when the city has none of
    that name, it is not taken for a same-name district of another city (a 深圳 plan's
    龙华区 is not 海口's). A county (县) may lie elsewhere: plans name the counties they help.

    >>> lookup("龙华区", near="深圳市").parent.name, lookup("龙华区", near="海口市").parent.name
    ('深圳市', '海口市')
    >>> lookup("鼓楼区", near="深圳市") is None
    True
    """
    found = _by_name().get(name, [])
    if near:
        narrowed = [d for d in found if any(p.name == near for p in d.chain()[1:])]
        near_city = near.endswith("市") and not near.endswith("辖市")
        found = narrowed if narrowed or (near_city and name.endswith("区")) else found
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def _name_index() -> tuple[frozenset[str], re.Pattern[str], int]:
    """The names :func:`division_spans` looks for, a pattern for the characters they end
    with, and the longest name's length. (A regex alternation of the ~3,000 names reads
    the same but takes longer to compile than a whole document takes to search.)"""
    names = frozenset(n for n in _by_name() if len(n) >= 3 and n not in ("市辖区", "省直辖县级行政区划"))
    ends = re.compile("[" + re.escape("".join(sorted({n[-1] for n in names}))) + "]")
    return names, ends, max(map(len, names))


def divisions_in(text: str) -> list[Division]:
    """Every division the gazetteer knows named in ``text`` (unambiguous names only), in order.

    >>> [d.name for d in divisions_in("根据《苏州市规划》，在吴中区试点")]
    ['苏州市', '吴中区']
    """
    return [d for d, _, _ in division_spans(text)]


def division_spans(text: str) -> list[tuple[Division, int, int]]:
    """:func:`divisions_in` with where each name stands in ``text``.

    Read as a regex alternation of all names, longest first, would read it: from left
    to right, the longest name that starts at the first place where any name starts,
    then on from its end; a name shared by two divisions is passed over, not split.
    """
    names, ends, longest = _name_index()
    stop: dict[int, int] = {}  # start -> end of the longest name starting there
    for m in ends.finditer(text):
        end = m.end()
        for start in range(max(0, end - longest), end - 2):
            if text[start:end] in names and stop.get(start, 0) < end:
                stop[start] = end
    out = []
    pos = 0
    for start in sorted(stop):
        if start >= pos:
            pos = stop[start]
            found = _by_name()[text[start:pos]]
            if len(found) == 1:
                out.append((found[0], start, pos))
    return out


def known_division(name: str) -> bool:
    """Is ``name`` the name of a division the gazetteer knows (at any level)?

    >>> known_division("遂溪县"), known_division("完善县")
    (True, False)
    """
    return name in _by_name() and name not in ("市辖区", "县", "省直辖县级行政区划")
