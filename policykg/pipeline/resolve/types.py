"""Unit types, kinds of body and task themes: rules read from the ontology's SKOS schemes
(``ontology/unit-types.ttl``, ``ontology/themes.ttl``, whose header says how themes are
scored) and the kinds table."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from policykg.text.patterns import RESPONSIBILITY_BRACKET
from policykg.text.textview import fold


@cache
def _scheme(filename: str) -> Any:
    """An ontology scheme file (ontology/*.ttl) as an rdflib Graph, parsed once."""
    from rdflib import Graph

    from policykg.paths import ONTOLOGY_DIR, resource

    return Graph().parse(resource(ONTOLOGY_DIR, filename))


@cache
def _concept_patterns(filename: str, *properties: str) -> tuple[tuple[Any, ...], ...]:
    """(concept IRI, one compiled pattern or None per property) for each concept of an
    ontology scheme file that has the first property, in skos:notation order."""
    from rdflib.namespace import SKOS

    from policykg.namespace import PKG

    g = _scheme(filename)
    rules = []
    for concept, notation in g.subject_objects(SKOS.notation):
        patterns = [g.value(concept, PKG[prop]) for prop in properties]
        if patterns[0] is not None:
            rules.append((str(notation), str(concept), *(None if p is None else re.compile(str(p)) for p in patterns)))
    rules.sort(key=lambda r: (r[0], r[1]))
    return tuple(r[1:] for r in rules)


def unit_type_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(type IRI, name pattern) in priority order, read from ontology/unit-types.ttl."""
    return _concept_patterns("unit-types.ttl", "namePattern")


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
    # 供销合作社 federations and farmers' co-operatives: owned by their members, neither a
    # government department nor a company (a 信用社 is a bank now, below)
    ("Cooperative", re.compile(r"供销(?:合作)?社|供销联社|专业合作社|经济合作社|合作联合社")),
    ("Enterprise", re.compile(r"公司|集团|国企|企业|供电局|银行|支行|信用社|中标单位|监理单位|施工单位")),
    ("PartyOrgan", re.compile(r"^(?:中共)?[\u4e00-\u9fff]{0,8}?[县区市镇乡省]委(?:员会)?(?:[\u4e00-\u9fff]{0,10}(?:部|办|办公室|委员会|室|委))?$|^(?:中共)|纪委|纪律检查|监委|党校|党史|党组织|党委")),
    ("PublicInstitution", re.compile(r"(?:中心|院|所|站|馆|台|学校|大队|队)$")),
    ("Government", re.compile(r"(?:人民政府|政府|党委政府|镇|乡|街道|村委会|居委会|自然村|[区县市]|新区)$")),
    ("GovernmentDepartment", re.compile(r"")),
)


def unit_kind(canonical: str) -> str:
    """The kind of body: party organ, government department, public institution, mass
    organisation, co-operative, enterprise, temporary body, government, or collective.

    >>> [unit_kind(n) for n in ("县委组织部", "县财政局", "县投资促进中心", "区妇联", "移动遂溪分公司", "县老区振兴领导小组", "各镇人民政府")]
    ['PartyOrgan', 'GovernmentDepartment', 'PublicInstitution', 'MassOrganisation', 'Enterprise', 'TemporaryBody', 'CollectiveUnit']
    >>> unit_kind("湛江供销社联合社"), unit_kind("县农村信用社")
    ('Cooperative', 'Enterprise')
    """
    for kind, rx in _KINDS:
        if rx.search(canonical):
            return kind
    return "GovernmentDepartment"


def theme_rules() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]:
    """(theme IRI, core pattern, cue pattern or None) from ontology/themes.ttl, in notation order."""
    return _concept_patterns("themes.ttl", "corePattern", "cuePattern")


#: what a task gets when no theme's words are in its text (not a theme: see ontology/themes.ttl)
UNCLASSIFIED = "https://w3id.org/policykg/theme/Unclassified"
#: the scoring of ontology/themes.ttl's header: weights of a core and a cue match, the extra
#: weight of a match in the first sentence, the most matches counted, the least score of a
#: theme, and the share of the best score a second theme needs
CORE, CUE, FIRST, MOST, MOST_FIRST, LEAST, SECOND = 3.0, 1.0, 2.0, 4, 2, 4.0, 0.7
#: an umbrella task: this many themes score
UMBRELLA = 4

_FIRST_SENTENCE = re.compile(r"[。；;！!？?\n]")


@cache
def theme_names() -> dict[str, str]:
    """Each theme's IRI by the names a person may write for it: its local name
    (IndustryAgriculture) and its labels in either language (产业农业, industry and
    agriculture), compared in lower case. th:Unclassified is not a theme and is not here."""
    from rdflib.namespace import SKOS

    from policykg.namespace import PKG

    g = _scheme("themes.ttl")
    names: dict[str, str] = {}
    for concept in g.subjects(PKG.corePattern, None):
        iri = str(concept)
        names[iri.rsplit("/", 1)[1].lower()] = iri
        for label in g.objects(concept, SKOS.prefLabel):
            names[str(label).lower()] = iri
    return names


def _scores(text: str) -> tuple[dict[str, float], list[str]]:
    """Each theme's score, and the themes the first sentence names (in notation order)."""
    first = _FIRST_SENTENCE.split(text.strip(), maxsplit=1)[0]
    scores: dict[str, float] = {}
    named: list[str] = []
    for concept, core, cue in theme_rules():
        score = 0.0
        for rx, weight in ((core, CORE), (cue, CUE)):
            if rx is not None:
                in_first = len(rx.findall(first))
                score += weight * (min(len(rx.findall(text)), MOST) + FIRST * min(in_first, MOST_FIRST))
                if in_first and concept not in named:
                    named.append(concept)
        if score:
            scores[concept] = score
    return scores, named


def task_themes(text: str, units: Iterable[str] = ()) -> list[str]:
    """The one or two themes a task's title and text are about (th:Unclassified when none is):
    its responsibility bracket and the names of its ``units`` are not read. The rules are
    in ontology/themes.ttl.

    >>> [t.rsplit("/", 1)[1] for t in task_themes("修缮革命遗址，串联景区景点打造红色旅游线路")]
    ['Tourism', 'RedHeritage']
    >>> [t.rsplit("/", 1)[1] for t in task_themes("积极开展职业指导。（牵头单位：县教育局）", ["县教育局"])]
    ['Employment']
    """
    text = RESPONSIBILITY_BRACKET.sub("", fold(text))
    for name in sorted({fold(u) for u in units}, key=len, reverse=True):
        if len(name) >= 3:
            text = text.replace(name, "")
    scores, named = _scores(text)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < LEAST:
        return [UNCLASSIFIED]
    if len(ranked) >= UMBRELLA and len(named) == 1:  # many kinds of work under one heading: the heading's
        return named
    best = ranked[0][1]
    return [c for i, (c, score) in enumerate(ranked[:2]) if i == 0 or score >= max(SECOND * best, LEAST)]
