"""Canonical names of units: the regular abbreviations of government bodies expanded
(县发改局 → 县发展和改革局) from a curated table, the ones a document defines, and a
unit's own jurisdiction when its name spells out another division.

>>> canonical_name("县发改局")
('县发展和改革局', '发改局→发展和改革局')
>>> canonical_name("县发展改革局")
('县发展和改革局', '发展改革局→发展和改革局')
"""

from __future__ import annotations

import re

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
    "工商局": "工商行政管理局",
    "机构编制委员会办公室": "委机构编制委员会办公室",
}
#: abbreviations that stand anywhere inside a name
INFIXES: dict[str, str] = {"管委会": "管理委员会"}
_PREFIX = re.compile(r"^(?P<p>[县区市省镇]|中共[\u4e00-\u9fff]{1,6}?[县区市]|[\u4e00-\u9fff]{2,6}?[县区市])")


def _stem(place: str) -> str:
    """麻章区 → 麻章, 遂溪县 → 遂溪, 湛江市 → 湛江 (a place name without its level)."""
    for suffix in ("经济技术开发区", "开发区", "新区", "自治县", "县", "区", "市", "省"):
        if place.endswith(suffix) and len(place) > len(suffix) + 1:
            return place[: -len(suffix)]
    return place


def _expand(prefix: str, rest: str) -> tuple[str, str | None]:
    full = ABBREVIATIONS.get(rest)
    if full and full != rest:
        return prefix + full, f"{rest}→{full}"
    return prefix + rest, None


def canonical_name(name: str, jurisdiction: str | None = None, defined: dict[str, str] | None = None) -> tuple[str, str | None]:
    """Canonical form of a unit name and the rule or table row that produced it (or ``None``).

    ``jurisdiction`` is the policy's (for 县税务局, 区公安局, city branches named after the
    county); ``defined`` holds abbreviations the document itself defines (全称（简称）).

    >>> canonical_name("市工商局麻章分局", "麻章区")
    ('市工商行政管理局麻章分局', 'branch: 工商局→工商行政管理局')
    >>> canonical_name("县税务局", "遂溪县")[0], canonical_name("区公安局", "湛江经济技术开发区")[0]
    ('国家税务总局遂溪县税务局', '区公安分局')
    """
    if defined and name in defined:
        return defined[name], f"defined in the document: {name}→{defined[name]}"
    for short, full in INFIXES.items():
        if short in name:
            return canonical_name(name.replace(short, full), jurisdiction)[0], f"{short}→{full}"
    if jurisdiction:
        stem = _stem(jurisdiction)
        if re.fullmatch(r"[县区市]税务局", name):
            return f"国家税务总局{jurisdiction}税务局", "县税务局→国家税务总局<县>税务局"
        if name == "区公安局" and jurisdiction.endswith("区"):
            return "区公安分局", "区公安局→区公安分局 (a district's police is a branch of the city bureau)"
        m = re.fullmatch(rf"市(.+?){re.escape(stem)}分局", name) if stem else None
        if m:
            body = m.group(1) if m.group(1).endswith("局") else m.group(1) + "局"
            full, rule = _expand("", body)
            if full != m.group(1):
                return f"市{full}{stem}分局", f"branch: {m.group(1)}→{full}"
        from policykg.pipeline.gazetteer import lookup

        div = lookup(jurisdiction)
        city = div.parent.name if div is not None and div.parent is not None and div.level in ("county", "district") else None
        if city and stem and name.startswith(stem) and re.search(r"(?:供电局|分公司|支公司|支行|供电所)$", name):
            return _stem(city) + name, f"{name}: local branch named without its city ({_stem(city)})"
    m = _PREFIX.match(name)
    if not m:
        return name, None
    return _expand(m.group("p"), name[m.end() :])


_OTHER_PLACE = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,4}?(?:省|市))(?:([\u4e00-\u9fff]{1,4}?(?:区|县))(?![\u4e00-\u9fff]*?(?:局|委|办|院|中心)$))?")


def unit_jurisdiction(canonical: str, policy_jurisdiction: str | None) -> str | None:
    """The jurisdiction a unit belongs to: the policy's, unless the name spells out another
    division (佛山市, 深圳市坪山区, 湛江市直单位) that the gazetteer knows.

    >>> unit_jurisdiction("深圳市坪山区", "陆河县"), unit_jurisdiction("县财政局", "陆河县")
    ('坪山区', '陆河县')
    >>> unit_jurisdiction("福田区", "深圳市")
    '福田区'

    """
    from policykg.pipeline.gazetteer import lookup

    if policy_jurisdiction and canonical != policy_jurisdiction and re.fullmatch(r"[\u4e00-\u9fff]{1,6}(?:区|县|市|新区)", canonical):
        # a division acting as a unit (福田区 forms teams): the unit of that division
        near = lookup(policy_jurisdiction)
        if lookup(canonical, near=policy_jurisdiction if near is not None else None) is not None or canonical.endswith("新区"):
            return canonical
    m = _OTHER_PLACE.match(canonical)
    if m and lookup(m.group(1)) is not None:
        city = m.group(1)
        if m.group(2) and not m.group(2).startswith(("和", "与", "及", "我", "驻")):
            return m.group(2)
        if city != policy_jurisdiction:
            return city
    return policy_jurisdiction
