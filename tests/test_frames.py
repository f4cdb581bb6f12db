"""The tables as DataFrames in one call (``policykg.assignments(graph)`` …): the same rows,
columns and ids as ``policykg export`` and the graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import policykg
from policykg.cli import main
from policykg.export import TABLES, read_rows
from policykg.records import ID_BASE
from policykg.store import open_store


@pytest.mark.parametrize("name", ["assignments", "tasks", "units", "places"])
def test_a_dataframe_is_the_export_table(built_graph: Path, tmp_path: Path, name: str) -> None:
    df = getattr(policykg, name)(built_graph)
    assert list(df.columns) == list(TABLES[name][1])
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in df.columns)  # snake_case
    out = tmp_path / f"{name}.csv"
    res = CliRunner().invoke(main, ["export", name, str(built_graph), "--format", "csv", "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = read_rows(out.read_text(encoding="utf-8"), "csv")
    assert len(rows) == len(df) > 10
    assert [r[df.columns[1]] for r in rows] == [None if v is None else str(v) for v in df[df.columns[1]]]


def test_task_and_unit_ids_are_those_of_the_graph(built_graph: Path) -> None:
    store = open_store(built_graph, read_only=True)
    tasks = {q.subject.value for q in store.quads_for_pattern(None, None, None) if q.subject.value.startswith(ID_BASE + "task/")}
    units = {q.subject.value for q in store.quads_for_pattern(None, None, None) if q.subject.value.startswith(ID_BASE + "unit/")}
    t, u, a = policykg.tasks(built_graph), policykg.units(built_graph), policykg.assignments(built_graph)
    assert {ID_BASE + "task/" + x for x in t.task} == tasks and len(t) == len(tasks) == 344
    assert {ID_BASE + "unit/" + x for x in u.unit} <= units
    assert set(a.task) == set(t.task) and set(a.unit.dropna()) <= set(u.unit)


def test_units_count_tasks_by_role(built_graph: Path) -> None:
    u = policykg.units(built_graph).set_index("unit")
    a = policykg.assignments(built_graph)
    for uid in ("遂溪县/县农业农村局", "湛江经济技术开发区/区农业局"):
        for role in ("lead", "support", "responsible"):
            # each task once: a table row that restates a body task counts as that task
            assert u.loc[uid, f"{role}_tasks"] == a[(a.unit == uid) & (a.role == role)].canonical_task.nunique()
    assert u.loc["湛江经济技术开发区/区委政法委员会", "aliases"] == "区委政法委"


def test_named_queries_give_the_same_task_ids_and_snake_case_columns(built_graph: Path) -> None:
    """One id per task in export, query and DataFrames; every column snake_case (issue 16, point 6)."""
    from policykg.query import list_queries, run_named

    tasks = set(policykg.tasks(built_graph).task)
    rows = run_named(built_graph, "tasks-by-unit", unit="县财政局", jurisdiction="遂溪县").rows
    assert rows and {r["task"] for r in rows} <= tasks
    place = run_named(built_graph, "tasks-in-place", place="太平镇").rows
    assert place and {r["task"] for r in place} <= tasks
    for q in list_queries():
        head = q.text[q.text.index("SELECT"):q.text.index("WHERE")]
        columns = re.findall(r"\?(\w+)", head)
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in columns), (q.name, columns)
