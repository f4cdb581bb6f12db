"""Table rows that restate body tasks (issue 16, point 1): linked in the graph, counted once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import policykg
from policykg.analysis import compare as cmp
from policykg.cli import main
from policykg.errors import QueryError
from policykg.pipeline.resolve.restates import THRESHOLD, bigrams, containment, restated
from policykg.query import run_named, sparql
from policykg.records import Task

SUIXI = "suixi-2020-old-areas-plan.txt"


def _task(key: str, text: str, kind: str = "item") -> Task:
    return Task(key, None, text, None, 0, len(text), kind=kind)  # type: ignore[arg-type]


def test_a_row_restates_the_body_task_that_holds_its_words() -> None:
    tasks = [
        _task("body-001", "实施农村公路畅通工程，完善高速公路互通立交布局，提高国省道等级。"),
        _task("body-002", "加快农村饮水安全巩固提升工程，继续推进村村通自来水工程，落实管护责任。"),
        _task("t1-row-001", "实施农村公路畅通工程，提高国省道等级。（牵头单位：县交通运输局）", "row"),
        _task("t1-row-002", "继续推进村村通自来水工程。", "row"),
        _task("t1-row-003", "开展农村电商进村综合示范，培育网店带头人。", "row"),
    ]
    assert restated(tasks) == {"t1-row-001": "body-001", "t1-row-002": "body-002"}


def test_unit_brackets_do_not_make_rows_alike() -> None:
    """Two rows that share only their responsibility bracket restate nothing."""
    body = _task("body-001", "推进垃圾分类处理。（牵头单位：县住房和城乡建设局，配合单位：各镇人民政府）")
    row = _task("t1-row-001", "推进学校标准化建设。（牵头单位：县住房和城乡建设局，配合单位：各镇人民政府）", "row")
    assert containment(bigrams(row.text), bigrams(body.text)) < THRESHOLD
    assert restated([body, row]) == {}


def test_a_tie_goes_to_the_body_task_that_follows_the_previous_match() -> None:
    """The same sentence in two body tasks: rows in table order take them in body order."""
    tasks = [
        _task("body-001", "完善农村道路管护机制，落实县乡村三级路长制。"),
        _task("body-002", "推进水库除险加固，完善农村道路管护机制，落实县乡村三级路长制。"),
        _task("t1-row-001", "完善农村道路管护机制，落实县乡村三级路长制。", "row"),
        _task("t1-row-002", "推进水库除险加固，落实县乡村三级路长制。", "row"),
    ]
    assert restated(tasks) == {"t1-row-001": "body-001", "t1-row-002": "body-002"}


def test_only_tables_beside_a_body_are_linked(sample_extractions) -> None:  # type: ignore[no-untyped-def]
    by_doc = {ex.doc: ex for ex in sample_extractions}
    suixi = by_doc[SUIXI]
    links = {t.key: t.restates for t in suixi.tasks if t.restates}
    assert len(links) == 44 and all(k.startswith("t1-row-") for k in links)
    assert all(v.startswith("body-") for v in links.values())
    # read by hand: the row says again (a part of) what the body task says
    assert links["t1-row-002"] == "body-002"
    assert links["t1-row-010"] == links["t1-row-011"] == "body-009"  # one body task cut into three rows
    assert links["t1-row-043"] == "body-029"  # the body task's last sentence
    assert links["t1-row-050"] == "body-033"
    # the credit row and the community-services row say what no body task says
    assert "t1-row-030" not in links and "t1-row-012" not in links
    for name, ex in by_doc.items():
        if name != SUIXI:
            assert not any(t.restates for t in ex.tasks), name


def test_the_graph_states_the_links_and_the_summary_counts_them(built_graph: Path) -> None:
    r = sparql(built_graph, "SELECT (COUNT(*) AS ?n) WHERE { ?row pkg:restates ?body . "
               "?row pkg:kind 'row' ; dcterms:isPartOf ?p . ?body pkg:kind 'item' ; dcterms:isPartOf ?p }")
    assert int(r.n[0]) == 44
    import json
    manifest = json.loads((built_graph / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["restating_rows"] == 44


def test_workload_counts_each_task_once(built_graph: Path) -> None:
    once = {r["unit_label"]: r for r in run_named(built_graph, "unit-workload", jurisdiction="遂溪县").rows}
    both = {r["unit_label"]: r for r in run_named(built_graph, "unit-workload", jurisdiction="遂溪县", copies="both").rows}
    assert int(once["各镇党委政府"]["support_tasks"]) < int(both["各镇党委政府"]["support_tasks"])
    a = policykg.assignments(built_graph)
    a = a[a.jurisdiction == "遂溪县"]
    for unit in ("县农业农村局", "县财政局", "各镇党委政府"):
        mine = a[a.unit_label == unit]
        assert int(once[unit]["tasks"]) == mine.canonical_task.nunique()
        assert int(both[unit]["tasks"]) == mine.task.nunique()
        assert mine.canonical_task.nunique() < mine.task.nunique()


def test_copies_takes_once_or_both(built_graph: Path) -> None:
    with pytest.raises(QueryError, match="copies='twice'"):
        run_named(built_graph, "unit-workload", copies="twice")


def test_compare_counts_a_task_and_its_row_as_one(built_graph: Path) -> None:
    once = cmp.task_table(built_graph)
    both = cmp.task_table(built_graph, copies="both")
    suixi_once, suixi_both = once[once.jurisdiction == "遂溪县"], both[both.jurisdiction == "遂溪县"]
    assert len(suixi_both) == 86 and len(suixi_once) == 86 - 44
    body2 = suixi_once.set_index("key").loc["body-002"]
    # the body task carries its table row's lead unit, and names the row
    assert "县交通运输局" in body2.lead_units
    assert [t.rsplit("/", 1)[1] for t in body2.restated_by] == ["t1-row-002"]
    pairs = cmp.counterparts(once, "遂溪县", "陆河县")
    unique = cmp.unique_tasks(once, pairs, "遂溪县", "陆河县")
    mine = set(unique[unique.jurisdiction == "遂溪县"].key)
    # the case: body-002 was "unique to 遂溪" though its table twin had a counterpart
    assert "body-002" in set(pairs.a_key) and "body-002" not in mine
    assert not any(k.startswith("t1-row-") and k not in {"t1-row-012", "t1-row-016", "t1-row-029", "t1-row-030",
                                                          "t1-row-040", "t1-row-042"} for k in mine)


def test_compare_cli_takes_copies(built_graph: Path) -> None:
    once = CliRunner().invoke(main, ["compare", str(built_graph), "遂溪县", "陆河县"])
    both = CliRunner().invoke(main, ["compare", str(built_graph), "遂溪县", "陆河县", "--copies", "both"])
    assert once.exit_code == 0 and both.exit_code == 0, once.output + both.output
    assert once.output.startswith("遂溪县 has 42 tasks") and both.output.startswith("遂溪县 has 86 tasks")


def test_exported_tasks_name_the_task_they_restate(built_graph: Path) -> None:
    t = policykg.tasks(built_graph)
    rows = t[t.restates.notna()]
    assert len(rows) == 44
    assert (rows.canonical_task == rows.restates).all()
    assert set(rows.restates) <= set(t.task)
    alone = t[t.restates.isna()]
    assert (alone.canonical_task == alone.task).all()
    assert isinstance(t, pd.DataFrame)


@pytest.mark.parametrize("copies, column", [("once", "canonical_task"), ("both", "task")])
def test_co_assigned_units_share_the_counted_task(built_graph: Path, copies: str, column: str) -> None:
    """A unit named in a row and another in the body task it restates share that task."""
    rows = run_named(built_graph, "co-assigned-units", unit="县发改局", jurisdiction="遂溪县", copies=copies).rows
    got = {(r["other_unit_label"], r["role"], r["other_role"]): int(r["shared_tasks"]) for r in rows}
    a = policykg.assignments(built_graph)
    a = a[a.jurisdiction == "遂溪县"]
    me = a[a.unit_label == "县发展和改革局"][[column, "role"]]
    others = a[a.unit_label != "县发展和改革局"][[column, "role", "unit_label"]]
    pairs = me.merge(others, on=column, suffixes=("", "_other"))
    assert got == pairs.groupby(["unit_label", "role", "role_other"])[column].nunique().to_dict()
