"""Resolve unit mentions to units: a canonical name within the policy's jurisdiction.

This first version expands the regular abbreviations of Chinese government
bodies (县发改局 → 县发展和改革局) from a curated table, and scopes every
county-level unit to the jurisdiction of the document it appears in. Each
expansion records the table row that caused it, so a merge can be explained.

>>> canonical_name("县发改局")
('县发展和改革局', '发改局→发展和改革局')
>>> canonical_name("县发展改革局")
('县发展和改革局', '发展改革局→发展和改革局')
>>> unit_id("遂溪县", "县财政局")
'遂溪县/县财政局'
"""

from __future__ import annotations

import re
from functools import lru_cache

from .records import Extraction

#: abbreviation → full form of a body's own name (without the 县/区/市 prefix).
#: Only forms whose identity is certain from common administrative usage.
ABBREVIATIONS: dict[str, str] = {
    "发改局": "发展和改革局",
    "发展改革局": "发展和改革局",
    "发革局": "发展和改革局",
    "卫健局": "卫生健康局",
    "卫生健康局": "卫生健康局",
    "人社局": "人力资源和社会保障局",
    "人力资源社会保障局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "医保局": "医疗保障局",
    "老促会": "老区建设促进会",
    "委政法委": "委政法委员会",
    "委统战部": "委统一战线工作部",
    "工商联": "工商业联合会",
    "科协": "科学技术协会",
    "政府": "人民政府",
    "委农办": "委农村工作办公室",
    "文广新局": "文化广电新闻出版局",
    "卫计局": "卫生和计划生育局",
    "安监局": "安全生产监督管理局",
    "金融办": "金融工作办公室",
    "地税局": "地方税务局",
    "国税局": "国家税务局",
    "残联": "残疾人联合会",
    "妇联": "妇女联合会",
    "文联": "文学艺术界联合会",
    "编办": "委机构编制委员会办公室",
    "委编办": "委机构编制委员会办公室",
    "检察院": "人民检察院",
    "法院": "人民法院",
    "投促中心": "投资促进中心",
    "委办": "委办公室",
    "府办": "人民政府办公室",
    "政府办": "人民政府办公室",
    "党政办": "党政办公室",
    "纪委": "纪律检查委员会",
    "市场监管局": "市场监督管理局",
    "国资委": "人民政府国有资产监督管理委员会",
    "环保局": "环境保护局",
    "国土局": "国土资源局",
    "交通局": "交通运输局",
    "海洋渔业局": "海洋与渔业局",
}
_PREFIX = re.compile(r"^(?P<p>[县区市省镇]|中共[\u4e00-\u9fff]{1,6}?[县区市]|[\u4e00-\u9fff]{2,6}?[县区市])")


def canonical_name(name: str) -> tuple[str, str | None]:
    """Canonical form of a unit name and the table row that produced it (or ``None``)."""
    m = _PREFIX.match(name)
    if not m:
        return name, None
    prefix, rest = m.group("p"), name[m.end() :]
    full = ABBREVIATIONS.get(rest)
    if full and full != rest:
        return prefix + full, f"{rest}→{full}"
    return name, None


def unit_id(jurisdiction: str | None, name: str) -> str:
    """A stable id for a unit: its jurisdiction and canonical name."""
    return f"{jurisdiction or '-'}/{name}"


def resolve_units(ex: Extraction) -> dict[str, dict[str, str | None]]:
    """Every unit name in an extraction → ``{"id", "label", "rule"}``."""
    out: dict[str, dict[str, str | None]] = {}
    for task in ex.tasks:
        for m in task.mentions:
            if m.name in out:
                continue
            label, rule = canonical_name(m.name)
            out[m.name] = {"id": unit_id(ex.policy.jurisdiction, label), "label": label, "rule": rule}
    return out


@lru_cache(maxsize=1)
def unit_type_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(type IRI, name pattern) in priority order, read from ontology/unit-types.ttl."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from .namespace import PKG
    from .paths import ONTOLOGY_DIR, resource

    g = Graph()
    g.parse(resource(ONTOLOGY_DIR, "unit-types.ttl"))
    rules = []
    for concept, notation in g.subject_objects(SKOS.notation):
        pattern = g.value(concept, PKG.namePattern)
        if pattern is not None:
            rules.append((str(notation), str(concept), re.compile(str(pattern)) if str(pattern) else None))
    rules.sort()
    return tuple((c, p if p is not None else re.compile(r"")) for _, c, p in rules)


def unit_type(name: str) -> str:
    """The unit-type concept IRI for a unit name (first matching rule wins).

    >>> unit_type("县财政局").rsplit("/", 1)[1], unit_type("各镇党委政府").rsplit("/", 1)[1]
    ('Finance', 'TownshipGovernment')
    >>> unit_type("团区委").rsplit("/", 1)[1], unit_type("县委").rsplit("/", 1)[1]
    ('MassOrganisation', 'PartyGovernmentLeadership')
    """
    for concept, rx in unit_type_rules():
        if rx.search(name):
            return concept
    return unit_type_rules()[-1][0]


_COLLECTIVE = re.compile(r"^(?:各|有关|相关|全[县区市]|其他)|各单位$|成员单位$|牵头单位$|[直属]单位$|驻[\u4e00-\u9fff]{1,4}单位$|有关部门$|双方$|^[县区市]有关")


def is_collective(name: str) -> bool:
    """Does the name stand for several units (各镇人民政府, 有关单位, 各街道（镇）)?

    >>> is_collective("各镇人民政府"), is_collective("县有关单位"), is_collective("县财政局")
    (True, True, False)
    """
    return bool(_COLLECTIVE.search(name)) or name in ("村委会", "自然村", "居委会")
