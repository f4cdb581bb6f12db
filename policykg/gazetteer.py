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

_DATA = Path(__file__).resolve().parent / "data" / "adcodes.csv"


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
    with open(_DATA, encoding="utf-8") as fh:
        return {r["adcode"]: Division(r["adcode"], r["name"]) for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Division]]:
    out: dict[str, list[Division]] = {}
    for d in _codes().values():
        out.setdefault(d.name, []).append(d)
    return out


def lookup(name: str, *, near: str | None = None) -> Division | None:
    """The division called ``name``; ``near`` (a city or province name) settles duplicates.
    Returns ``None`` for unknown names and for ambiguous ones without a deciding ``near``."""
    found = _by_name().get(name, [])
    if near:
        narrowed = [d for d in found if any(p.name == near for p in d.chain()[1:])]
        found = narrowed or found
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def _names_re() -> re.Pattern[str]:
    names = sorted((n for n in _by_name() if len(n) >= 3 and n not in ("市辖区", "省直辖县级行政区划")), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def divisions_in(text: str) -> list[Division]:
    """Every division the gazetteer knows named in ``text`` (unambiguous names only), in order.

    >>> [d.name for d in divisions_in("根据《苏州市规划》，在吴中区试点")]
    ['苏州市', '吴中区']
    """
    return [d for d, _, _ in division_spans(text)]


def division_spans(text: str) -> list[tuple[Division, int, int]]:
    """:func:`divisions_in` with where each name stands in ``text``."""
    out = []
    for m in _names_re().finditer(text):
        found = _by_name()[m.group(0)]
        if len(found) == 1:
            out.append((found[0], m.start(), m.end()))
    return out


def known_division(name: str) -> bool:
    """Is ``name`` the name of a division the gazetteer knows (at any level)?

    >>> known_division("遂溪县"), known_division("完善县")
    (True, False)
    """
    return name in _by_name() and name not in ("市辖区", "县", "省直辖县级行政区划")
