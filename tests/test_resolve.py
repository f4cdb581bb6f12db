"""Resolution: aliases against the gold files, unit types, jurisdictions, places."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from policykg.pipeline.resolve import canonical_name, unit_jurisdiction, unit_kind, unit_type
from policykg.query import bind_params, get_query, run_store
from policykg.records import unit_id
from policykg.store import open_store


@pytest.mark.parametrize(
    "name, jurisdiction, canonical",
    [
        ("县发改局", "遂溪县", "县发展和改革局"),
        ("县发展改革局", "陆河县", "县发展和改革局"),
        ("县卫健局", "遂溪县", "县卫生健康局"),
        ("县人社局", "遂溪县", "县人力资源和社会保障局"),
        ("县人力资源社会保障局", "陆河县", "县人力资源和社会保障局"),
        ("县产业转移工业园管委会", "陆河县", "县产业转移工业园管理委员会"),
        ("区编办", "麻章区", "区委机构编制委员会办公室"),
        ("区机构编制委员会办公室", "麻章区", "区委机构编制委员会办公室"),
        ("市工商局麻章分局", "麻章区", "市工商行政管理局麻章分局"),
        ("市国土资源麻章分局", "麻章区", "市国土资源局麻章分局"),
        ("麻章供电局", "麻章区", "湛江麻章供电局"),
        ("县税务局", "遂溪县", "国家税务总局遂溪县税务局"),
        ("区公安局", "湛江经济技术开发区", "区公安分局"),
        ("县政府", "遂溪县", "县人民政府"),
        # left alone: not an abbreviation we can be sure of
        ("县科工贸和信息化局", "遂溪县", "县科工贸和信息化局"),
        ("区纪委监委", "麻章区", "区纪委监委"),
    ],
)
def test_canonical_names(name: str, jurisdiction: str, canonical: str) -> None:
    got, rule = canonical_name(name, jurisdiction)
    assert got == canonical
    assert (rule is None) == (name == canonical)  # every merge names the rule that made it


@pytest.mark.parametrize(
    "a, b",
    [("县财政局", "县发改局"), ("县委办", "县府办"), ("区纪委", "区纪委监委"), ("县委", "县政府"), ("区委办公室", "区政府办公室")],
)
def test_different_bodies_are_never_merged(a: str, b: str) -> None:
    assert canonical_name(a, "某县")[0] != canonical_name(b, "某县")[0]


def _clusters(golden: Path, sample_extractions):  # type: ignore[no-untyped-def]
    """Per document: every surface form in the gold file, its gold canonical and our unit id."""
    by_doc = {e.doc: e for e in sample_extractions}
    out = []
    for f in sorted(golden.glob("*.gold.json")):
        gold = json.loads(f.read_text(encoding="utf-8"))
        ex = by_doc[gold["doc"]]
        j = gold["policy"]["jurisdiction"]
        aliases = gold["aliases"]
        forms = {u for t in gold["tasks"] for r in ("lead", "support", "responsible") for u in t[r]}
        forms |= set(aliases) | set(aliases.values())
        rows = []
        for s in sorted(forms):
            name = ex.aliases.get(s, s) if s not in aliases.values() else s
            ours = canonical_name(s, j, ex.aliases)[0]
            rows.append((s, aliases.get(s, s), unit_id(unit_jurisdiction(ours, j), ours) if name else ""))
        out.append((gold["doc"], rows))
    return out


def test_gold_aliases_resolve_to_one_unit_and_no_two_units_merge(golden_dir: Path, sample_extractions) -> None:  # type: ignore[no-untyped-def]
    same_gold = same_ours = both = 0
    for _doc, rows in _clusters(golden_dir, sample_extractions):
        for (_s1, g1, o1), (_s2, g2, o2) in itertools.combinations(rows, 2):
            same_gold += g1 == g2
            same_ours += o1 == o2
            both += g1 == g2 and o1 == o2
    precision, recall = both / same_ours, both / same_gold
    assert same_gold >= 50
    assert recall == 1.0, "a gold alias pair resolved to two units"
    assert precision == 1.0, "two different gold units resolved to one"


def test_every_sample_unit_is_typed(built_graph: Path) -> None:
    store = open_store(built_graph, read_only=True)
    untyped = run_store(store, "SELECT ?n WHERE { ?u a pkg:Unit ; skos:prefLabel ?n . FILTER NOT EXISTS { ?u org:classification ?t } }")
    other = run_store(store, "SELECT ?n WHERE { ?u a pkg:Unit ; skos:prefLabel ?n ; org:classification ut:Other }")
    assert untyped.rows == [] and other.rows == []
    q = get_query("unresolved-mentions")
    assert run_store(store, q.text, bind_params(q, {})).rows == []


def test_finance_bureaus_are_four_distinct_units(built_graph: Path) -> None:
    res = run_store(
        open_store(built_graph, read_only=True),
        "SELECT ?u ?j WHERE { ?u org:classification ut:Finance ; pkg:jurisdiction/schema:name ?j } ORDER BY ?j",
    )
    assert sorted(r["j"] for r in res.rows) == sorted(["湛江经济技术开发区", "遂溪县", "陆河县", "麻章区"])
    assert len({r["u"] for r in res.rows}) == 4


def test_jurisdictions_have_codes_and_parents(built_graph: Path) -> None:
    res = run_store(
        open_store(built_graph, read_only=True),
        'SELECT DISTINCT ?code ?city ?province WHERE { ?p schema:name "遂溪县" ; pkg:divisionCode ?code ; '
        "schema:containedInPlace ?c . ?c schema:name ?city ; schema:containedInPlace/schema:name ?province }",
    )
    assert res.rows == [{"code": "440823", "city": "湛江市", "province": "广东省"}]


def test_city_branch_is_part_of_the_city_bureau(built_graph: Path) -> None:
    res = run_store(
        open_store(built_graph, read_only=True),
        'SELECT DISTINCT ?parent ?pj ?j WHERE { ?u skos:prefLabel "市生态环境局遂溪分局" ; pkg:jurisdiction/schema:name ?j ; '
        "org:subOrganizationOf ?p . ?p skos:prefLabel ?parent ; pkg:jurisdiction/schema:name ?pj }",
    )
    assert res.rows == [{"parent": "市生态环境局", "pj": "湛江市", "j": "遂溪县"}]


def test_other_jurisdictions_named_outright() -> None:
    assert unit_jurisdiction("深圳市坪山区", "陆河县") == "坪山区"
    assert unit_jurisdiction("佛山市", "麻章区") == "佛山市"
    assert unit_jurisdiction("县财政局", "陆河县") == "陆河县"


@pytest.mark.parametrize(
    "name, kind, utype",
    [
        ("县委组织部", "PartyOrgan", "PartyOrganisation"),
        ("县委宣传部", "PartyOrgan", "Propaganda"),
        ("县纪委监委", "PartyOrgan", "Discipline"),
        ("县财政局", "GovernmentDepartment", "Finance"),
        ("县投资促进中心", "PublicInstitution", "Commerce"),
        ("县工商业联合会", "MassOrganisation", "UnitedFront"),
        ("区妇女联合会", "MassOrganisation", "MassOrganisation"),
        ("移动遂溪分公司", "Enterprise", "Enterprise"),
        ("湛江麻章供电局", "Enterprise", "Enterprise"),
        ("陆河县革命老区振兴发展领导小组", "TemporaryBody", "TemporaryBody"),
        ("驻村工作队", "TemporaryBody", "TemporaryBody"),
        ("各镇党委政府", "CollectiveUnit", "TownshipGovernment"),
        ("县人民政府办公室", "GovernmentDepartment", "Establishment"),
    ],
)
def test_unit_kinds_and_types(name: str, kind: str, utype: str) -> None:
    assert unit_kind(name) == kind
    assert unit_type(name).rsplit("/", 1)[1] == utype


def test_mazhang_places_form_the_gold_hierarchy(built_graph: Path, golden_dir: Path) -> None:
    gold = json.loads((golden_dir / "mazhang-2016-poverty-alleviation-plan.txt.gold.json").read_text(encoding="utf-8"))
    want = {(p["name"], p["parent"]) for p in gold["places"] if p["type"] in ("town", "village")}
    q = get_query("places")
    rows = run_store(open_store(built_graph, read_only=True), q.text, bind_params(q, {"jurisdiction": "麻章区"})).rows
    got = {(r["name"], r["parent"]) for r in rows if r["type"] in ("town", "village")}
    assert got == want


def test_same_town_and_village_names_in_two_counties_stay_apart(sample_extractions) -> None:  # type: ignore[no-untyped-def]
    """Many counties have a 城关镇 (and villages of the same name): a town or village is
    identified under its whole chain of parents, and ``pkg:withinPlace`` states the chain."""
    import dataclasses

    import pyoxigraph as ox

    from policykg.pipeline.rdf import extraction_quads

    mazhang = next(ex for ex in sample_extractions if ex.policy.jurisdiction == "麻章区")
    # the same document, as if issued by 遂溪县: its towns now lie in 遂溪县
    moved = dataclasses.replace(
        mazhang,
        doc_id="0" * 16,
        policy=dataclasses.replace(mazhang.policy, jurisdiction="遂溪县"),
        places=tuple(dataclasses.replace(p, parent="遂溪县") if p.parent == "麻章区" else p
                     for p in mazhang.places if p.name != "麻章区"),
    )
    store = ox.Store()
    store.extend([*extraction_quads(mazhang), *extraction_quads(moved)])
    q = """PREFIX pkg: <https://w3id.org/policykg/ontology#> PREFIX schema: <https://schema.org/>
    SELECT ?v ?county WHERE { ?v schema:name "赤杆村" ; pkg:withinPlace ?c . ?c pkg:placeType ?t ; schema:name ?county
    FILTER(?t IN ("county", "district")) }"""
    rows = run_store(store, q).rows
    assert sorted(r["county"] for r in rows) == ["遂溪县", "麻章区"]
    assert len({r["v"] for r in rows}) == 2
    # within itself, its town, its county, the city and the province; nothing else
    q = """PREFIX pkg: <https://w3id.org/policykg/ontology#> PREFIX schema: <https://schema.org/>
    SELECT ?name WHERE { ?v schema:name "赤杆村" ; pkg:withinPlace/schema:name "遂溪县" ; pkg:withinPlace ?o . ?o schema:name ?name }"""
    assert sorted(r["name"] for r in run_store(store, q).rows) == sorted(["赤杆村", "湖光镇", "遂溪县", "湛江市", "广东省"])


def _spans_by_alternation(text: str) -> list[tuple[str, int, int]]:
    """The reading division_spans promises, written the slow, obvious way: one regex
    alternation of every name, longest first."""
    import re

    from policykg.pipeline import gazetteer

    names = sorted((n for n in gazetteer._by_name() if len(n) >= 3 and n not in ("市辖区", "省直辖县级行政区划")), key=len, reverse=True)
    rx = re.compile("|".join(map(re.escape, names)))
    return [(m.group(0), m.start(), m.end()) for m in rx.finditer(text) if len(gazetteer._by_name()[m.group(0)]) == 1]


def test_division_spans_read_as_an_alternation_of_all_names(sample_documents):
    from policykg.pipeline.gazetteer import division_spans

    # overlapping and nested names: 湛江市/麻章区 side by side, a county inside a longer name,
    # a name shared by two divisions (朝阳区) that is passed over, not split
    crafted = "湛江市麻章区遂溪县城月镇，广东省湛江市遂溪县，朝阳区县城，吉林省长春市南关区，内蒙古自治区呼和浩特市"
    texts = [crafted, *(doc.text for doc in sample_documents.values())]
    for text in texts:
        got = [(d.name, a, b) for d, a, b in division_spans(text)]
        assert got == _spans_by_alternation(text)
    assert [d.name for d, _, _ in division_spans(crafted)][:3] == ["湛江市", "麻章区", "遂溪县"]


def test_supply_and_marketing_cooperatives_are_cooperatives_in_the_graph(built_graph: Path) -> None:
    """供销社 is a co-operative federation, not a government department (issue 16, point 5)."""
    q = """SELECT ?kind WHERE { ?u skos:prefLabel "湛江供销社联合社" ; a ?k . ?k rdfs:subClassOf pkg:Unit ; rdfs:label ?kind
    FILTER(LANG(?kind) = "zh") }"""
    rows = run_store(open_store(built_graph, read_only=True), q).rows
    assert [r["kind"] for r in rows] == ["合作经济组织"]


@pytest.mark.parametrize("text, units", [
    ("国家税务总局和平县税务局", ["国家税务总局和平县税务局"]),  # 和平县 is a county: 和 is not "and"
    ("县财政局和县教育局", ["县财政局", "县教育局"]),
    ("县委宣传部和和平县人民政府", ["县委宣传部", "和平县人民政府"]),
])
def test_a_division_named_with_a_conjunction_is_not_split(text: str, units: list[str]) -> None:
    from policykg.pipeline.extract.units import split_units

    assert [t for t, _, _ in split_units(text)] == units


def test_a_district_is_placed_within_the_documents_own_city(built_graph: Path) -> None:
    """深圳's 龙华区 is not the 龙华区 of 海口市 (issue 16, point 4)."""
    q = """SELECT ?city WHERE { ?d schema:name "龙华区" ; schema:containedInPlace/schema:name ?city }"""
    rows = run_store(open_store(built_graph, read_only=True), q).rows
    assert [r["city"] for r in rows] == ["深圳市"]


def test_a_village_has_one_name_everywhere(sample_extractions) -> None:  # type: ignore[no-untyped-def]
    """A task that names 南夏 mentions the village 南夏村: the place the graph holds."""
    for ex in sample_extractions:
        names = {p.name for p in ex.places}
        assert all(n in names for t in ex.tasks for n in t.places), ex.doc
        assert all(p.helped in names or not p.helped.endswith("村") for p in ex.pairings)
    mazhang = next(ex for ex in sample_extractions if ex.policy.jurisdiction == "麻章区")
    assert any("南夏村" in t.places for t in mazhang.tasks) and not any("南夏" in t.places for t in mazhang.tasks)
