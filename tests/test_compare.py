"""Comparing counties: themes, counterpart tasks, who leads, unique tasks, the report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from policykg.analysis import compare as cmp
from policykg.analysis import network as nw
from policykg.cli import main
from policykg.pipeline.resolve import task_themes


@pytest.fixture(scope="module")
def tasks(built_graph: Path):  # type: ignore[no-untyped-def]
    return cmp.task_table(built_graph, lang="en")


@pytest.fixture(scope="module")
def pairs(tasks):  # type: ignore[no-untyped-def]
    return cmp.counterparts(tasks, "遂溪县", "陆河县")


@pytest.mark.parametrize(
    "text, theme",
    [
        ("开展革命遗址普查工作，建立革命遗址名录", "RedHeritage"),
        ("积极支持老区申报全国红色旅游精品线路", "Tourism"),
        ("推进农村公路提档升级、窄基路面拓宽和危桥改造", "Transport"),
        ("加快实施农村饮水安全巩固提升工程", "Water"),
        ("完善第五代移动通信（5G)网络", "PowerTelecom"),
        ("支持老区新建和改扩建一批县城小学", "Education"),
        ("积极开展职业指导，引导贫困劳动力与用人单位精准对接", "Employment"),
        ("完善农村最低生活保障制度", "SocialSecurity"),
        ("强化老区基层党组织建设", "PartyGovernance"),
        ("抓好垃圾处理、污水治理", "Ecology"),
    ],
)
def test_theme_rules(text: str, theme: str) -> None:
    assert theme in [t.rsplit("/", 1)[1] for t in task_themes(text)]


def test_every_task_has_a_theme(tasks) -> None:  # type: ignore[no-untyped-def]
    # 344 tasks, 44 of them table rows of 遂溪 that restate a body task: counted once
    assert len(tasks) == 300
    assert all(len(t) >= 1 for t in tasks.themes)


@pytest.mark.parametrize(
    "a_fragment, b_fragments",
    [
        # red heritage: 革命遗址 protection and red tourism
        ("开展革命遗址普查工作", ["将革命遗址保护纳入国土空间规划体系"]),
        ("将革命遗址保护纳入城乡建设规划体系", ["将革命遗址保护纳入国土空间规划体系"]),
        ("积极支持老区申报全国红色旅游精品线路", ["利用革命遗址和英雄人物事迹创作更多红色文艺精品", "支持媒体宣传推广红色文化和旅游", "建设全域旅游示范区"]),
        # infrastructure: roads, telecom, water
        ("实施老区农村公路畅通工程", ["“四好农村路”"]),
        ("深入实施信息基础设施建设三年行动计划", ["完善第五代移动通信"]),
        # public services
        ("支持老区新建和改扩建一批县城小学", ["幼儿园或中小学", "公办学前教育"]),
        ("大力推行健康扶贫项目", ["高水平医院对我县医院"]),
    ],
)
def test_counterpart_pairs_chosen_by_hand(tasks, a_fragment: str, b_fragments: list[str]) -> None:  # type: ignore[no-untyped-def]
    # the best candidate is a hand-chosen one (the red-tourism pair scores 0.393, just under
    # the default threshold of 0.4 since themes are one or two per task)
    ranked = cmp.counterparts(tasks, "遂溪县", "陆河县", threshold=0.0)
    rows = ranked[ranked.a_text.str.contains(a_fragment, regex=False)]
    assert len(rows), f"no counterpart for {a_fragment}"
    assert any(f in b for b in rows.b_text for f in b_fragments), list(rows.b_text)


def test_propaganda_department_leads_red_heritage_in_suixi(tasks) -> None:  # type: ignore[no-untyped-def]
    red = tasks[(tasks.jurisdiction == "遂溪县") & tasks.themes.map(lambda t: "red and revolutionary heritage" in t)]
    leads = [u for units in red.lead_units for u in units]
    assert leads.count("县委宣传部") >= 5 and max(set(leads), key=leads.count) == "县委宣传部"


def test_unique_tasks_and_tables(tasks, pairs) -> None:  # type: ignore[no-untyped-def]
    uniq = cmp.unique_tasks(tasks, pairs, "遂溪县", "陆河县")
    assert set(uniq.jurisdiction) == {"遂溪县", "陆河县"}
    assert not set(uniq.task) & (set(pairs.a_task) | set(pairs.b_task))
    cov = cmp.theme_coverage(tasks)
    assert cov.at["red and revolutionary heritage", "遂溪县"] > cov.at["red and revolutionary heritage", "麻章区"]
    sim = cmp.division_of_labour(tasks)  # lead units: 陆河县 and 麻章区 name none
    assert list(sim.index) == ["深圳市", "湛江经济技术开发区", "遂溪县"] and all(abs(sim.at[j, j] - 1) < 1e-6 for j in sim.index)
    assert cmp.division_of_labour(tasks, "responsible").shape == (5, 5)
    shares = cmp.unit_type_shares(tasks)
    assert all(abs(shares[j].sum() - 1) < 0.01 for j in shares.columns)
    assert any("counterpart" in s for s in cmp.summary(tasks, pairs, "遂溪县", "陆河县"))


def test_unclassified_tasks_are_no_theme_in_comparisons(tasks, pairs) -> None:  # type: ignore[no-untyped-def]
    """A task none of whose words a theme knows is counted, not compared as a theme."""
    luhe = tasks[tasks.jurisdiction == "陆河县"]
    unclassified = int(luhe.themes.map(lambda ths: ths == ["unclassified"]).sum())
    assert unclassified > 0
    lines = cmp.summary(tasks, pairs, "遂溪县", "陆河县")
    assert any(line.startswith("Tasks that match no theme's words") and f"{unclassified} in 陆河县" in line
               for line in lines)
    covers = next(line for line in lines if line.startswith("Both plans cover"))
    assert "unclassified" not in covers
    # the division of labour is that of the classified tasks alone
    classified = tasks[tasks.themes.map(lambda ths: ths != ["unclassified"])]
    pd.testing.assert_frame_equal(cmp.division_of_labour(tasks, "responsible"),
                                  cmp.division_of_labour(classified, "responsible"))


def test_a_plan_with_no_classified_task_has_no_most_frequent_theme() -> None:
    both = pd.DataFrame({"jurisdiction": ["甲县", "甲县", "乙县"], "themes": [["未分类"], ["未分类"], ["交通"]],
                         "lead_units": [[], [], []], "responsible_units": [["县交通局"]] * 3})
    lines = cmp.summary(both, pd.DataFrame(), "甲县", "乙县")
    assert "Tasks that match no theme's words (unclassified, left out of the themes below; policykg review lists " \
           "them): 2 in 甲县, 0 in 乙县." in lines
    assert not any("most frequent" in line for line in lines)


def test_compare_commands_and_report(built_graph: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["compare", str(built_graph), "遂溪县", "陆河县"])
    assert out.exit_code == 0 and "counterpart tasks" in out.output and "unique to one plan" in out.output
    report = tmp_path / "compare.html"
    out = runner.invoke(main, ["compare", str(built_graph), "遂溪县", "陆河县", "-o", str(report)])
    assert out.exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "县委宣传部" in page and "https://w3id.org/policykg/id/task/" in page
    assert (tmp_path / "compare-counterparts.csv").exists() and (tmp_path / "compare-unique.csv").exists()
    # one table per CSV: one named with --table, or a file each in a folder
    out = runner.invoke(main, ["compare", str(built_graph), "--all", "--format", "csv"])
    assert out.exit_code == 2 and "--table NAME" in out.output
    out = runner.invoke(main, ["compare", str(built_graph), "--all", "--format", "csv", "--table", "theme-coverage"])
    assert out.exit_code == 0 and "#" not in out.output
    from io import StringIO

    import pandas as pd

    cov = pd.read_csv(StringIO(out.output), index_col=0)
    assert {"遂溪县", "陆河县"} <= set(cov.columns) and len(cov) > 5
    out = runner.invoke(main, ["compare", str(built_graph), "--all", "--format", "csv", "-o", str(tmp_path / "tables")])
    assert out.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == [
        "division-of-labour-similarity.csv", "theme-coverage.csv", "unit-type-shares-lead.csv",
        "unit-type-shares-responsible.csv", "unit-type-shares-support.csv"]
    assert runner.invoke(main, ["compare", str(built_graph), "遂溪县", "某县"]).exit_code != 0


def test_report_escapes_document_text(tmp_path: Path) -> None:
    from policykg.build import build_corpus

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("甲县乡村振兴实施方案\n一、任务\n1.修路<script>alert(1)</script>。（责任单位：县交通局）\n", encoding="utf-8")
    (docs / "b.txt").write_text("乙县乡村振兴实施方案\n一、任务\n1.修建公路。（责任单位：县交通局）\n", encoding="utf-8")
    out = tmp_path / "graph"
    build_corpus([docs], out)
    page = cmp.report_html(out, "甲县", "乙县")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_analyze_writes_one_table_per_csv(built_graph: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["analyze", str(built_graph), "--format", "csv"]).exit_code == 2
    out = runner.invoke(main, ["analyze", str(built_graph), "-j", "遂溪县", "--format", "csv", "--table", "workload"])
    assert out.exit_code == 0 and out.output.splitlines()[0].startswith("unit,")
    out = runner.invoke(main, ["analyze", str(built_graph), "--format", "csv", "-o", str(tmp_path / "t")])
    assert out.exit_code == 0 and len(list((tmp_path / "t").glob("*.csv"))) == 6
    assert runner.invoke(main, ["analyze", str(built_graph), "--table", "nothing"]).exit_code == 2


def test_roles_are_kept_apart_in_comparisons(tasks, pairs) -> None:  # type: ignore[no-untyped-def]
    """陆河县 names responsible units only (责任单位): it has no lead figures, and its
    responsible units are never counted as leads (issue 16, point 2)."""
    luhe = tasks[tasks.jurisdiction == "陆河县"]
    assert not luhe.lead_units.map(len).any() and luhe.responsible_units.map(len).any()
    lead = cmp.unit_type_shares(tasks, "lead")
    assert "陆河县" not in lead.columns and lead.columns.name == "jurisdiction (lead units)"
    resp = cmp.unit_type_shares(tasks, "responsible")
    assert "陆河县" in resp.columns and resp.columns.name == "jurisdiction (responsible units)"
    assert "陆河县" not in cmp.division_of_labour(tasks).index
    assert set(pairs.compared_role.dropna()) <= {"lead", "responsible"}
    assert not pairs[pairs.compared_role == "lead"].b_lead_units.map(len).eq(0).any()
    assert any("陆河县 names no lead unit" in s for s in cmp.summary(tasks, pairs, "遂溪县", "陆河县"))


def test_lead_unit_type_by_theme_keeps_roles_apart(built_graph: Path) -> None:
    from policykg.query import run_named

    rows = run_named(built_graph, "lead-unit-type-by-theme", jurisdiction="陆河县").rows
    assert rows and {r["role"] for r in rows} == {"responsible"}
    assert run_named(built_graph, "lead-unit-type-by-theme", jurisdiction="陆河县", role="lead").rows == []
    suixi = run_named(built_graph, "lead-unit-type-by-theme", jurisdiction="遂溪县", role="牵头").rows
    assert suixi and {r["role"] for r in suixi} == {"lead"}



def test_comparison_labels_are_chinese_by_default(built_graph: Path) -> None:
    """Themes and unit types in Chinese (skos:prefLabel@zh) unless lang="en" (issue 16, point 8)."""
    zh = cmp.task_table(built_graph)
    assert "红色资源" in cmp.theme_coverage(zh).index and "未分类" in cmp.theme_coverage(zh).index
    assert "宣传" in cmp.unit_type_shares(zh, "lead").index
    out = CliRunner().invoke(main, ["compare", str(built_graph), "--all", "--format", "csv", "--table", "theme-coverage",
                                    "--lang", "en"])
    assert out.exit_code == 0 and "red and revolutionary heritage" in out.output and "红色资源" not in out.output


def test_the_report_names_the_counties_and_is_bilingual(built_graph: Path) -> None:
    page = cmp.report_html(built_graph, "遂溪县", "陆河县")
    assert "遂溪县 任务 task" in page and "陆河县 牵头单位 lead" in page
    assert "对应任务 Counterpart tasks" in page and "主题覆盖 Theme coverage" in page
    assert 'class="id"' in page and "max-width:9em" in page  # id columns narrow, the text gets the width


def test_heat_map_sections_in_document_order(built_graph: Path) -> None:
    from policykg.viz import section_order

    G = nw.responsibility_graph(built_graph, jurisdiction="遂溪县")
    first: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        if d.get("kind") == "task" and d.get("section"):
            first[d["section"]] = min(first.get(d["section"], 10**9), d["begin"])
    ordered = section_order(G, sorted(first))
    assert ordered == sorted(first, key=first.get) and ordered != sorted(first)  # not by character code
