"""The policy chain (issue 19, point 2): which plans of a corpus implement which, and which
of their tasks carry out which task of the plan they implement, measured on invented plans
with hand-made gold (tests/fixtures/chain)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.build import build_corpus
from policykg.chain import ChainDocument, PolicyLink, policy_links, title_key
from policykg.cli import main
from policykg.query import run_named, sparql

CHAIN = Path(__file__).parent / "fixtures" / "chain"
PROVINCE = "jiangchuan-2026-rural-living-environment-plan.txt"
COUNTIES = ("pinghe-2026-rural-living-environment-plan.txt", "shimen-2026-rural-living-environment-tasks.txt")
LINKS = """SELECT ?doc ?text ?title ?higher_doc ?higher_text ?higher_title WHERE {
  ?t pkg:implementsTask ?h ; pkg:text ?text ; dcterms:isPartOf/pkg:sourceDocument/dcterms:source ?doc .
  ?h pkg:text ?higher_text ; dcterms:isPartOf/pkg:sourceDocument/dcterms:source ?higher_doc .
  OPTIONAL { ?t dcterms:title ?title } OPTIONAL { ?h dcterms:title ?higher_title } }"""


@pytest.fixture(scope="module")
def chain_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chain") / "graph"
    build_corpus([CHAIN], out)
    return out


def _starts(row: dict[str, str], prefix: str, text: str, title: str) -> bool:
    return " ".join(filter(None, [row.get(title), row[text]])).lstrip().startswith(prefix) or row[text].startswith(prefix)


def _scores(graph: Path, which: str) -> tuple[float, float, int]:
    """Precision and recall of the task links of one set of the gold, and the gold's links."""
    links = sparql(graph, LINKS)
    assert not isinstance(links, bool)
    rows = links.fillna("").to_dict("records")
    with (CHAIN / "gold.csv").open(encoding="utf-8") as fh:
        gold = [g for g in csv.DictReader(fh) if g["set"] == which]
    docs = {g["doc"] for g in gold}
    predicted = [r for r in rows if r["doc"] in docs]
    right = 0
    for g in gold:
        mine = [r for r in predicted if r["doc"] == g["doc"] and _starts(r, g["task"], "text", "title")]
        assert len(mine) <= 1, f"one task links to at most one: {g['task']}"
        if mine and g["implements_task"]:
            right += int(mine[0]["higher_doc"] == g["implements_doc"]
                         and _starts(mine[0], g["implements_task"], "higher_text", "higher_title"))
    expected = sum(1 for g in gold if g["implements_task"])
    return right / len(predicted), right / expected, expected


@pytest.mark.parametrize("which", ["test", "dev"])
def test_task_links_are_precise_and_complete(chain_graph: Path, which: str) -> None:
    precision, recall, expected = _scores(chain_graph, which)
    assert expected >= 6
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


def test_plans_are_linked_to_the_documents_they_implement(chain_graph: Path) -> None:
    rows = {(r["doc"], r["implements_title"]): r for r in run_named(chain_graph, "implementing-policies").rows}
    for county in COUNTIES:
        (row,) = [r for (doc, _), r in rows.items() if doc == county]
        assert row["in_corpus"] is True and row["implemented_doc"] == PROVINCE and row["implemented_jurisdiction"] == "江川省"
    (national,) = [r for (doc, _), r in rows.items() if doc == PROVINCE]
    assert national["in_corpus"] is False and national["implemented_doc"] is None
    assert national["implements_title"] == "农村人居环境整治提升五年行动方案（2021—2025年）"
    assert len(rows) == 4  # and the dev pair's one


def test_a_provincial_task_shows_how_each_county_carries_it_out(chain_graph: Path) -> None:
    rows = run_named(chain_graph, "task-decomposition", fragment="黑臭水体", lang="en").rows
    counties = {r["jurisdiction"] for r in rows}
    assert counties == {"平河县", "石门县"}
    lead = [r for r in rows if r["jurisdiction"] == "石门县" and r["role"] == "lead"]
    assert [(r["unit"], r["unit_type"]) for r in lead] == [("县生态环境分局", lead[0]["unit_type"])]
    assert lead[0]["unit_type"] and all(0 < r["similarity"] <= 1 for r in rows)
    only = run_named(chain_graph, "task-decomposition", jurisdiction="平河县").rows
    assert only and {r["jurisdiction"] for r in only} == {"平河县"}


def test_the_chain_graph_conforms_and_the_build_says_what_it_found(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(CHAIN, docs, ignore=shutil.ignore_patterns("dev", "*.csv", "*.md"))
    res = CliRunner().invoke(main, ["build", str(docs), "-o", str(tmp_path / "graph")])
    assert res.exit_code == 0, res.output
    assert "Policy chain: 3 higher-level document(s) cited, 2 of them in the corpus" in res.output
    assert CliRunner().invoke(main, ["validate", str(tmp_path / "graph")]).output.endswith("conforms\n")


def test_a_rebuild_remakes_the_chain(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(CHAIN, docs, ignore=shutil.ignore_patterns("dev", "*.csv", "*.md"))
    out = tmp_path / "graph"
    build_corpus([docs], out)
    linked = {r["jurisdiction"] for r in run_named(out, "task-decomposition").rows}
    assert linked == {"平河县", "石门县"}
    (docs / COUNTIES[1]).unlink()
    build_corpus([docs], out)
    assert {r["jurisdiction"] for r in run_named(out, "task-decomposition").rows} == {"平河县"}
    (docs / PROVINCE).unlink()  # the county's plan now cites a document the corpus lacks
    build_corpus([docs], out)
    assert not run_named(out, "task-decomposition").rows
    (row,) = run_named(out, "implementing-policies").rows
    assert row["in_corpus"] is False and row["implements_title"].startswith("江川省人民政府办公厅关于印发")


def test_titles_match_across_spellings() -> None:
    notice = "江川省人民政府办公厅关于印发江川省农村人居环境整治提升行动方案（2026—2028年）的通知"
    assert title_key(notice) == title_key("《江川省农村人居环境整治提升行动方案(2026-2028年)》".replace("-", "—"))
    assert title_key("中共甲省委 甲省人民政府关于推进乡村振兴的实施意见") == title_key("关于推进乡村振兴的实施意见")
    docs = [ChainDocument("a", "甲省乡村振兴行动方案（2026—2028年）", "甲省", ()),
            ChainDocument("b", "乙县实施方案", "乙县", ("甲省乡村振兴行动方案",)),  # cited without its years
            ChainDocument("c", "丙县实施方案", "丙县", ("甲省乡村振兴行动方案（2021—2023年）",)),
            ChainDocument("d", "甲省乡村振兴行动方案（2021—2023年）", "甲省", ())]
    # the cited years pick the edition; a citation without years matches when one edition
    # would do, and is left a placeholder when two would
    assert policy_links(docs) == [PolicyLink("b", "甲省乡村振兴行动方案", None),
                                  PolicyLink("c", "甲省乡村振兴行动方案（2021—2023年）", "d")]
    assert policy_links(docs[:3])[0] == PolicyLink("b", "甲省乡村振兴行动方案", "a")


def test_the_chain_view_draws_policies_tasks_and_units(chain_graph: Path, tmp_path: Path) -> None:
    from policykg.viz import render_html, save_html, view_graph
    from tests.test_views import open_in_browser

    G, title = view_graph(chain_graph, "chain", jurisdiction="石门县")
    kinds = {d["kind"] for _, d in G.nodes(data=True)}
    assert kinds == {"policy", "cited policy", "task", "unit"} - {"cited policy"}  # 石门县 cites one document, in the corpus
    links = [(a, b) for a, b, d in G.edges(data=True) if d.get("relation") == "implements task"]
    assert len(links) == 6 and all(a.startswith(f"task:{COUNTIES[1]}") and b.startswith(f"task:{PROVINCE}") for a, b in links)
    assert {d["label"] for _, d in G.nodes(data=True) if d["kind"] == "unit"} >= {"县生态环境分局", "县委组织部"}
    page = save_html(render_html(G, title=title), tmp_path / "chain.html")
    status = open_in_browser(page)
    assert status["errors"] == "" and status["drawn"] == "true"
    assert int(status["nodes"]) == G.number_of_nodes()
    everything, _ = view_graph(chain_graph, "chain")
    assert "cited policy" in {d["kind"] for _, d in everything.nodes(data=True)}
