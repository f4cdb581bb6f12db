"""The command line: build with a progress summary, exports, evaluate, bad input, --strict."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.export import read_rows

from .conftest import PLAN_TEXT


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_export_assignments_jsonl_and_csv_agree(runner: CliRunner, built_graph: Path, sample_documents) -> None:  # type: ignore[no-untyped-def]
    jl = runner.invoke(main, ["export", "assignments", str(built_graph), "--format", "jsonl"])
    cs = runner.invoke(main, ["export", "assignments", str(built_graph), "--format", "csv"])
    assert jl.exit_code == 0 and cs.exit_code == 0
    rows = read_rows(jl.output, "jsonl")
    assert len(rows) == len(read_rows(cs.output, "csv"))
    assert set(rows[0]) >= {"doc", "task", "task_title", "task_text", "section", "role", "mention", "unit", "unit_label", "start", "end"}
    with_units = [r for r in rows if r["role"]]
    assert {r["role"] for r in with_units} == {"lead", "support", "responsible"}
    for r in with_units:
        assert sample_documents[r["doc"]].text[r["start"] : r["end"]] == r["mention"]
    unit_less = [r for r in rows if r["role"] is None]
    assert unit_less and all(r["mention"] is None and r["unit"] is None for r in unit_less)
    suixi = [r for r in with_units if r["doc"].startswith("suixi") and r["mention"] == "县发改局"]
    assert suixi and all(r["unit_label"] == "县发展和改革局" and r["unit"] == "遂溪县/县发展和改革局" for r in suixi)


def test_evaluate_on_graph_and_on_export_file(runner: CliRunner, built_graph: Path, golden_dir: Path, tmp_path: Path) -> None:
    out = runner.invoke(main, ["evaluate", "--gold", str(golden_dir), str(built_graph)])
    assert out.exit_code == 0, out.output
    assert "micro" in out.output and "task R" in out.output
    export = tmp_path / "a.jsonl"
    runner.invoke(main, ["export", "assignments", str(built_graph), "-o", str(export)])
    js = runner.invoke(main, ["evaluate", "--gold", str(golden_dir), str(export), "--format", "json"])
    g = runner.invoke(main, ["evaluate", "--gold", str(golden_dir), str(built_graph), "--format", "json"])
    assert json.loads(js.output) == json.loads(g.output)


def test_build_skips_bad_files_lists_them_and_strict_fails(runner: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good plan.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (docs / "gbk 方案.txt").write_bytes(PLAN_TEXT.encode("gbk"))
    (docs / "empty.txt").write_bytes(b"")
    (docs / "broken.docx").write_bytes(b"not a zip")
    (docs / "notes.xlsx").write_bytes(b"PK")
    out = tmp_path / "graph"
    res = runner.invoke(main, ["build", str(docs), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "2 documents" in res.output
    assert "empty.txt" in res.output and "broken.docx" in res.output and "Skipped 2 file(s)" in res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["documents"] == 2 and manifest["counts"]["skipped"] == 2
    messages = {Path(p["path"]).name: p["message"] for p in manifest["problems"]}
    assert "empty" in messages["empty.txt"] and "Word or LibreOffice" in messages["broken.docx"]
    assert "no reader" in messages["notes.xlsx"]
    strict = runner.invoke(main, ["build", str(docs), "-o", str(out), "-q", "--strict"])
    assert strict.exit_code != 0 and "--strict" in strict.output


def test_failed_build_leaves_previous_graph_intact(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(PLAN_TEXT, encoding="utf-8")
    out = tmp_path / "graph"
    assert runner.invoke(main, ["build", str(docs), "-o", str(out), "-q"]).exit_code == 0
    def snapshot() -> dict[str, bytes]:
        # parts/ is the build's cache: work done before the failure is kept, to resume from
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file() and not {"store", "parts"} & set(p.parts)}

    before = snapshot()
    (docs / "b.txt").write_text(PLAN_TEXT.replace("县交通运输局", "县公路局"), encoding="utf-8")

    import policykg.graphdir as build

    calls = {"n": 0}
    real = build.write_text

    def failing(path: Path, text: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(build, "write_text", failing)
    res = runner.invoke(main, ["build", str(docs), "-o", str(out), "-q"])
    assert res.exit_code != 0
    assert snapshot() == before  # nothing half-written: the old graph, whole
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "current", "extractions", "generations", "manifest.json", "parts", "store", "tables"]
    assert [p.name for p in (out / "generations").iterdir()] == ["000001"]  # the failed build's folder is gone


def test_build_graph_script_builds_the_samples(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    copy = tmp_path / "proj"
    shutil.copytree(root / "data", copy / "data")
    shutil.copy(root / "build_graph.py", copy / "build_graph.py")
    res = subprocess.run([sys.executable, "build_graph.py", "-q"], cwd=copy, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "Built" in res.stdout and "5 documents" in res.stdout
    assert len(list((copy / "graph" / "extractions").glob("*.json"))) == 5


NOT_UNDERSTOOD = "某县工作方案\n各项任务的牵头单位和配合单位另行通知，请各有关方面按职责抓好落实。\n"


def test_document_with_markers_and_no_task_is_a_warning_and_strict_fails(runner: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "unread.txt").write_text(NOT_UNDERSTOOD, encoding="utf-8")
    (docs / "plan.txt").write_text(PLAN_TEXT, encoding="utf-8")
    out = tmp_path / "graph"
    plain = runner.invoke(main, ["build", str(docs), "-o", str(out), "-q"])
    assert plain.exit_code == 0, plain.output
    assert "unread.txt: 0 tasks, 0 assignments  NOT UNDERSTOOD" in plain.output
    assert "1 document(s) not understood" in plain.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["not_understood"] == 1
    (unread,) = [d for d in manifest["inputs"] if d["name"] == "unread.txt"]
    (plan,) = [d for d in manifest["inputs"] if d["name"] == "plan.txt"]
    assert not unread["understood"] and plan["understood"]
    assert any(p["path"].endswith("unread.txt") and "not understood" in p["message"] for p in manifest["problems"])
    strict = runner.invoke(main, ["build", str(docs), "-o", str(out), "-q", "--strict"])
    assert strict.exit_code != 0 and "1 document(s) not understood" in strict.output and "(--strict)" in strict.output
    (docs / "unread.txt").unlink()
    assert runner.invoke(main, ["build", str(docs), "-o", str(out), "-q", "--strict"]).exit_code == 0


INSPECTED = ["一、重点任务", "1.推进农村公路建设。（牵头单位：县交通运输局；配合单位：县财政局）", "2.完善供水设施。（责任单位：县水务局）"]


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
def test_inspect_shows_how_a_document_was_read(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    from .conftest import make_docx, make_pdf

    path = tmp_path / f"plan.{fmt}"
    if fmt == "txt":
        path.write_text("\n".join(INSPECTED) + "\n", encoding="utf-8")
    elif fmt == "html":
        path.write_text("<html><body>" + "".join(f"<p>{p}</p>" for p in INSPECTED) + "</body></html>", encoding="utf-8")
    elif fmt == "docx":
        path.write_bytes(make_docx([["序号", "工作任务", "责任单位"], ["3", "建设污水管网", "县住建局"]], INSPECTED))
    else:
        path.write_bytes(make_pdf(INSPECTED))
    out = runner.invoke(main, ["inspect", str(path)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith(f"plan.{fmt} ({fmt}")
    assert "self-check:" in lines[1] and "coverage 1.00" in lines[1]
    assert "一、重点任务" in out.output
    assert "lead: 县交通运输局" in out.output and "support: 县财政局" in out.output
    assert "responsible: 县水务局" in out.output
    assert any(line.strip().startswith("clause [") and "牵头单位" in line for line in lines)
    if fmt == "docx":
        assert "responsible: 县住建局" in out.output  # the table row


def test_inspect_names_an_unreadable_file(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    out = runner.invoke(main, ["inspect", str(bad)])
    assert out.exit_code != 0 and "empty.txt" in out.output
