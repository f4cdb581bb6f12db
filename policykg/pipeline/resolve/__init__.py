"""Resolve unit mentions to units: a canonical name within the policy's jurisdiction.

This first version expands the regular abbreviations of Chinese government
bodies (县发改局 → 县发展和改革局) from a curated table, and scopes every
county-level unit to the jurisdiction of the document it appears in. Each
expansion records the table row that caused it, so a merge can be explained.

>>> canonical_name("县发改局")
('县发展和改革局', '发改局→发展和改革局')
>>> canonical_name("县发展改革局")
('县发展和改革局', '发展改革局→发展和改革局')
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from policykg.records import Extraction, ResolvedUnit

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


def unit_label(name: str, jurisdiction: str | None = None) -> str:
    """The canonical name of a unit a user typed (a query parameter, ``viz --unit``).

    >>> unit_label("县发改局", "遂溪县")
    '县发展和改革局'
    """
    return canonical_name(name.strip(), jurisdiction)[0]


def resolve_extraction(ex: Extraction) -> Extraction:
    """The resolve stage: every unit name the document uses (issuers, doers, assessors,
    helpers) → a :class:`ResolvedUnit`, and each task's themes. Nothing else changes."""
    names = [*ex.policy.issuers]
    for task in ex.tasks:
        names += [m.name for m in task.mentions] + [m.name for m in task.assessors]
    names += [p.helper for p in ex.pairings]
    towns = tuple(p.name for p in ex.places if p.type in ("town", "street") and p.parent == ex.policy.jurisdiction)
    units = {name: resolve_unit(name, ex.policy.jurisdiction, ex.aliases, towns) for name in dict.fromkeys(names)}
    tasks = tuple(replace(t, themes=tuple(task_themes((t.title or "") + t.text))) for t in ex.tasks)
    return replace(ex, units=units, tasks=tasks)


def resolve_unit(name: str, jurisdiction: str | None, defined: dict[str, str] | None = None,
                 towns: tuple[str, ...] = ()) -> ResolvedUnit:
    """One unit name as written → the unit: canonical name, jurisdiction, kind and type;
    the towns a collective unit of towns stands for; the city bureau a branch belongs to.

    >>> u = resolve_unit("县发改局", "遂溪县")
    >>> u.id, u.kind, u.rule
    ('遂溪县/县发展和改革局', 'GovernmentDepartment', '发改局→发展和改革局')
    """
    label, rule = canonical_name(name, jurisdiction, defined)
    kind = unit_kind(label)
    members = towns if kind == "CollectiveUnit" and re.search(r"镇|乡|街道", label) else ()
    return ResolvedUnit(label, unit_jurisdiction(label, jurisdiction), rule, kind, unit_type(label), members,
                        _city_bureau(label, jurisdiction))


def _city_bureau(label: str, jurisdiction: str | None) -> ResolvedUnit | None:
    """市生态环境局遂溪分局 in 遂溪县 → 湛江市's 市生态环境局 (a branch is part of the city bureau)."""
    from policykg.pipeline.gazetteer import lookup

    branch = re.fullmatch(r"市(.+?局)(.+?)分局", label)
    div = lookup(jurisdiction) if jurisdiction and branch else None
    if branch is None or div is None or div.parent is None or div.parent.level != "city":
        return None
    parent = "市" + branch.group(1)
    return ResolvedUnit(parent, div.parent.name, None, unit_kind(parent), unit_type(parent))


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


@cache
def _concept_patterns(filename: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(concept IRI, pkg:namePattern) from an ontology scheme file, in skos:notation order."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from policykg.namespace import PKG
    from policykg.paths import ONTOLOGY_DIR, resource

    g = Graph().parse(resource(ONTOLOGY_DIR, filename))
    rules = []
    for concept, notation in g.subject_objects(SKOS.notation):
        pattern = g.value(concept, PKG.namePattern)
        if pattern is not None:
            rules.append((str(notation), str(concept), re.compile(str(pattern))))
    rules.sort()
    return tuple((c, p) for _, c, p in rules)


def unit_type_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(type IRI, name pattern) in priority order, read from ontology/unit-types.ttl."""
    return _concept_patterns("unit-types.ttl")


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


_COLLECTIVE = re.compile(r"^(?:各|有关|相关|属地|全[县区市]|其他)|各单位$|成员单位$|牵头单位$|[直属]单位$|驻[\u4e00-\u9fff]{1,4}单位$|有关部门$|双方$|^[县区市]有关")


#: kinds of body, first match wins (on the canonical name and its unit type)
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("CollectiveUnit", _COLLECTIVE),
    ("TemporaryBody", re.compile(r"领导小组|工作队|工作组|指挥部|专班|联席会议")),
    ("MassOrganisation", re.compile(r"团[县区市]委|共青团|妇联|妇女联合会|残联|残疾人联合会|工商联|工商业联合会|总工会|科协|科学技术协会|文联|文学艺术界联合会|侨联|红十字|促进会|老促会|协会$|学会$")),
    ("Enterprise", re.compile(r"公司|集团|国企|企业|供电局|银行|支行|信用社|中标单位|监理单位|施工单位")),
    ("PartyOrgan", re.compile(r"^(?:中共)?[\u4e00-\u9fff]{0,8}?[县区市镇乡省]委(?:员会)?(?:[\u4e00-\u9fff]{0,10}(?:部|办|办公室|委员会|室|委))?$|^(?:中共)|纪委|纪律检查|监委|党校|党史|党组织|党委")),
    ("PublicInstitution", re.compile(r"(?:中心|院|所|站|馆|台|学校|大队|队)$")),
    ("Government", re.compile(r"(?:人民政府|政府|党委政府|镇|乡|街道|村委会|居委会|自然村|[区县市]|新区)$")),
    ("GovernmentDepartment", re.compile(r"")),
)


def unit_kind(canonical: str) -> str:
    """The kind of body: party organ, government department, public institution, mass
    organisation, enterprise, temporary body, government, or collective.

    >>> [unit_kind(n) for n in ("县委组织部", "县财政局", "县投资促进中心", "区妇联", "移动遂溪分公司", "县老区振兴领导小组", "各镇人民政府")]
    ['PartyOrgan', 'GovernmentDepartment', 'PublicInstitution', 'MassOrganisation', 'Enterprise', 'TemporaryBody', 'CollectiveUnit']
    """
    for kind, rx in _KINDS:
        if rx.search(canonical):
            return kind
    return "GovernmentDepartment"


def theme_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(theme IRI, pattern) from ontology/themes.ttl, in notation order."""
    return _concept_patterns("themes.ttl")


GENERAL_THEME = "https://w3id.org/policykg/theme/General"


def task_themes(text: str) -> list[str]:
    """Every theme whose keywords occur in a task's title and text (General when none does).

    >>> [t.rsplit("/", 1)[1] for t in task_themes("加大对革命遗址的宣传力度，打造红色旅游精品线路")]
    ['RedHeritage', 'Tourism']
    """
    found = [c for c, rx in theme_rules() if rx.search(text)]
    return found or [GENERAL_THEME]
