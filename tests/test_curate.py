"""Curation (issue 19, point 1): the review file, corrections of every kind applied by
``build --corrections`` with their provenance, kept across rebuilds and edits of the
document, stale ones reported (tests/fixtures/curate)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.build import build_corpus
from policykg.cli import main
from policykg.curate import COLUMNS, load_corrections, review_rows
from policykg.dataset import load_dataset
from policykg.graphdir import load_extractions
from policykg.query import run_named, sparql
from policykg.validate import validate_graph

CURATE = Path(__file__).parent / "fixtures" / "curate"
DOC = "qingxi-2026-drinking-water-plan.txt"
FIXES = CURATE / "corrections"

#: who does what, task by task (tasks named by the start of their text), as the graph says
ASSIGNED = """SELECT DISTINCT ?text ?unit ?role ?anchor ?begin ?end ?corrected WHERE {
  ?t a pkg:Task ; pkg:text ?text ; pkg:assignment ?a .
  ?a prov:agent/skos:prefLabel ?unit ; prov:hadRole ?r ; nif:anchorOf ?anchor ; nif:beginIndex ?begin ; nif:endIndex ?end .
  BIND(STRAFTER(STR(?r), "#") AS ?role)
  OPTIONAL { ?a pkg:correctedBy/prov:wasAssociatedWith/schema:name ?corrected } }"""

#: what the corrections file makes of the plan: (task's first words, unit, role)
CORRECTED = {
    ("实施规模化供水工程", "县水务局", "Lead"), ("实施规模化供水工程", "县发展和改革局", "Support"),
    ("实施规模化供水工程", "县财政局", "Lead"),  # role: support → lead
    ("改造老旧供水管网", "县水务局", "Responsible"), ("改造老旧供水管网", "各镇人民政府", "Responsible"),
    ("加强水源地保护", "市生态环境局青溪分局", "Responsible"),  # merge; 县水务局 removed
    ("强化水质检测", "县卫生健康局", "Responsible"),
    ("强化水质检测", "县疾病预防控制中心", "Responsible"),  # add, then alias
    ("落实工程管护", "县水务局", "Responsible"), ("落实工程管护", "县供水公司", "Responsible"),  # split
    ("做好宣传引导", "县委宣传部", "Responsible"),
}  # and 各镇要建立工作台账 is not a task


def _assigned(graph: Path) -> set[tuple[str, str, str]]:
    rows = sparql(graph, ASSIGNED)
    assert not isinstance(rows, bool)
    return {(r["text"].split("。")[0], r["unit"], r["role"]) for r in rows.to_dict("records")}


def _edited(folder: Path) -> Path:
    """The plan after a small edit: a longer preamble (every offset moves) and a new first
    task (every task key moves), the other tasks renumbered."""
    text = (CURATE / DOC).read_text(encoding="utf-8")
    numerals = "一二三四五六七八"
    text = re.sub(r"（([一二三四五六七])）", lambda m: f"（{numerals[numerals.index(m.group(1)) + 1]}）", text)
    text = text.replace("制定本方案。", "经县政府同意，特制定本方案。")
    text = text.replace("（二）实施规模化供水工程", "（一）开展农村供水普查。摸清全县供水工程底数。（责任单位：县水务局）\n（二）实施规模化供水工程")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DOC).write_text(text, encoding="utf-8")
    return folder / DOC


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("curate") / "graph"
    report = build_corpus([CURATE / DOC], out, corrections=FIXES)
    return out, report


def test_every_kind_of_correction_is_applied(curated: tuple[Path, object]) -> None:
    graph, report = curated
    assert _assigned(graph) == CORRECTED
    texts = sparql(graph, "SELECT ?text WHERE { ?t a pkg:Task ; pkg:text ?text }")
    assert not isinstance(texts, bool)
    assert not any("工作台账" in t for t in texts["text"]), "not-task: the task is gone"
    parent = sparql(graph, 'SELECT ?p WHERE { ?v schema:name "新丰村" ; schema:containedInPlace/schema:name ?p }')
    assert not isinstance(parent, bool)
    assert list(parent["p"]) == ["白沙镇"]
    alias = sparql(graph, 'ASK { ?u skos:prefLabel "县疾病预防控制中心" ; skos:altLabel "县疾控中心" }')
    assert alias is True
    assert sorted(report.corrections.counts().items()) == [("applied", 8), ("reanchored", 0), ("stale", 1), ("unusable", 0)]


def test_added_and_split_units_point_at_their_words(curated: tuple[Path, object]) -> None:
    graph, _ = curated
    rows = sparql(graph, ASSIGNED)
    assert not isinstance(rows, bool)
    text = (CURATE / DOC).read_text(encoding="utf-8")
    mine = {r["anchor"]: r for r in rows.to_dict("records") if r["unit"] in ("县疾病预防控制中心", "县供水公司", "县水务局")}
    for anchor in ("县疾控中心", "县供水公司"):
        r = mine[anchor]
        assert text[int(r["begin"]):int(r["end"])] == anchor
        assert r["corrected"] == ("王助理")


def test_corrected_statements_carry_provenance_that_passes_shacl(curated: tuple[Path, object]) -> None:
    graph, _ = curated
    ds = load_dataset(graph)
    assert validate_graph(ds).conforms
    rows = run_named(graph, "corrections").to_dataframe()
    assert len(rows) == 8
    row = rows[rows["action"] == "role"].iloc[0]
    assert (row["before"], row["after"], row["who"], row["anchoring"]) == ("县财政局 (support)", "县财政局 (lead)", "李研究员", "exact")
    assert str(row["when"]).startswith("2026-11-28")
    assert row["why"].startswith("县政府常务会议纪要")
    # the same rows through rdflib, from the dataset file any triple store loads
    from policykg.query import get_query
    from policykg.query.run import run_rdflib

    again = run_rdflib(ds, get_query("corrections").text, {}).rows
    assert sorted((r["source"], r["before"], r["after"]) for r in again) == sorted(
        zip(rows["source"], rows["before"], rows["after"]))
    # the shapes bite: a correction that does not say who made it does not conform
    from rdflib import Graph
    from rdflib.namespace import PROV

    union = Graph()
    for t in ds.triples((None, None, None)):
        if t[1] != PROV.wasAssociatedWith:
            union.add(t)
    bad = validate_graph(union)
    assert not bad.conforms and "who made it" in bad.report


def test_a_stale_correction_is_reported_never_dropped(curated: tuple[Path, object], tmp_path: Path) -> None:
    graph, report = curated
    stale = report.corrections.stale
    assert [(src, "body-009" in why) for src, _, why in stale] == [("qingxi.csv:10", True)]
    manifest = json.loads((graph / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["corrections"]["stale"] == 1
    assert manifest["corrections"]["stale"][0]["source"] == "qingxi.csv:10"
    result = CliRunner().invoke(main, ["build", str(CURATE / DOC), "-o", str(tmp_path / "g"), "--corrections", str(FIXES),
                                       "--strict", "-q"])
    assert result.exit_code != 0
    assert "1 correction(s) stale or unusable" in result.output
    assert "qingxi.csv:10: stale correction" in result.output and "update or delete the row" in result.output


def test_corrections_survive_a_rebuild(curated: tuple[Path, object], tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    shutil.copytree(curated[0], graph, symlinks=True)
    again = build_corpus([CURATE / DOC], graph, corrections=FIXES)
    assert again.unchanged == [DOC] and not again.processed
    assert _assigned(graph) == CORRECTED
    assert len(again.corrections.applied) == 8 and len(again.corrections.stale) == 1
    # without the corrections the document is extracted again, as the pipeline reads it
    plain = build_corpus([CURATE / DOC], graph)
    assert plain.processed == [DOC]
    assert ("加强水源地保护", "县水务局", "Responsible") in _assigned(graph)
    assert not run_named(graph, "corrections").rows


def test_corrections_follow_a_small_edit_of_the_document(curated: tuple[Path, object], tmp_path: Path) -> None:
    edited = _edited(tmp_path / "docs")
    graph = tmp_path / "graph"
    shutil.copytree(curated[0], graph, symlinks=True)
    report = build_corpus([edited], graph, corrections=FIXES)
    assert report.processed == [DOC]
    new_task = ("开展农村供水普查", "县水务局", "Responsible")
    assert _assigned(graph) == CORRECTED | {new_task}
    assert len(report.corrections.applied) == 8
    assert len(report.corrections.reanchored) >= 5  # every task correction found its task again by its words
    assert [src for src, _, _ in report.corrections.stale] == ["qingxi.csv:10"]
    rows = run_named(graph, "corrections").to_dataframe()
    assert set(rows[rows["action"].isin(["role", "remove", "add", "split", "not-task"])]["anchoring"]) == {"re-anchored"}
    assert validate_graph(load_dataset(graph)).conforms
    # the added unit is still anchored on its words, at their new offsets
    text = edited.read_text(encoding="utf-8")
    added = [r for r in sparql(graph, ASSIGNED).to_dict("records") if r["anchor"] == "县疾控中心"]  # type: ignore[union-attr]
    assert len(added) == 1 and text[int(added[0]["begin"]):int(added[0]["end"])] == "县疾控中心"


def test_a_correction_the_edit_broke_is_stale(tmp_path: Path) -> None:
    """An edit that rewrites a corrected task: its correction no longer fits and says so."""
    docs = tmp_path / "docs"
    edited = _edited(docs)
    edited.write_text(edited.read_text(encoding="utf-8").replace("加强水源地保护。划定千人以上", "保护饮用水水源。划定万人以上"),
                      encoding="utf-8")
    report = build_corpus([edited], tmp_path / "graph", corrections=FIXES)
    why = {src: reason for src, _, reason in report.corrections.stale}
    assert set(why) == {"qingxi.csv:3", "qingxi.csv:10"}
    assert "加强水源地保护" in why["qingxi.csv:3"]


@pytest.mark.parametrize(("row", "says"), [
    ({"action": "rename"}, "action 'rename' is not one of"),
    ({"who": ""}, "column who is empty"),
    ({"when": "last week"}, "when is 'last week'"),
    ({"value": "boss"}, "role needs a role"),
    ({"task": ""}, "needs the document (doc or sha256) and the task's key"),
    ({"start": "x"}, "column start is 'x'"),
    ({"action": "theme", "value": "修路"}, "theme needs one or two themes"),
    ({"action": "theme", "value": "交通、水利供水、教育"}, "theme needs one or two themes"),
    ({"action": "theme", "value": "未分类"}, "theme needs one or two themes"),  # not a theme
])
def test_unusable_rows_are_reported_with_file_and_line(tmp_path: Path, row: dict[str, str], says: str) -> None:
    good = {"action": "role", "doc": DOC, "task": "body-001", "mention": "县财政局", "value": "lead",
            "who": "李研究员", "when": "2026-11-28", "why": "测试"}
    path = tmp_path / "fixes.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerow({**good})
        w.writerow({**good, **row})
    loaded = load_corrections(path)
    assert len(loaded.rows) == 1
    [problem] = loaded.problems
    assert problem.path == "fixes.csv:3" and says in problem.message


def test_review_lists_what_needs_a_look_and_its_rows_are_corrections(tmp_path: Path) -> None:
    """The review file's rows carry the columns of a correction: given an action, who, when
    and why, a row of it is a correction the next build applies."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text(
        "某县饮水安全工作方案\n一、主要任务\n（一）建设供水设施。新建水厂一座。（责任单位：县水务局、张三）\n"
        "（二）开展水质检测。每季度抽检一次。（责任单位：县卫生健康局）\n"
        "三、其他\n县农业农村局负责指导各镇做好配套工作。\n", encoding="utf-8")
    graph = tmp_path / "graph"
    build_corpus([docs], graph)
    rows = review_rows(load_extractions(graph), everything=["plan.txt"])
    suspicious = [r for r in rows if r["issue"].startswith("suspicious")]
    assert [(r["mention"], r["task"]) for r in suspicious] == [("张三", "body-001")]
    assert [r["issue"] for r in rows if r["issue"].startswith("low confidence")] == [
        "low confidence: numbering gap (三、 after 一、); a task may be missing"]
    assert [r["mention"] for r in rows if r["issue"] == "assignment"] == ["县水务局", "张三", "县卫生健康局", "县农业农村局"]
    fix = {**suspicious[0], "action": "remove", "who": "李研究员", "when": "2026-12-01", "why": "张三是人，不是单位"}
    out = tmp_path / "review.csv"
    result = CliRunner().invoke(main, ["review", str(graph), "-o", str(out), "--doc", "plan.txt"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == len(rows)
    fixes = tmp_path / "corrections"
    fixes.mkdir()
    with (fixes / "review-done.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(fix))
        w.writeheader()
        w.writerow(fix)
    report = build_corpus([docs], graph, corrections=fixes)
    assert len(report.corrections.applied) == 1
    units = sparql(graph, "SELECT ?n WHERE { ?a prov:agent/skos:prefLabel ?n }")
    assert not isinstance(units, bool)
    assert "张三" not in set(units["n"])


def test_evaluate_scores_before_and_after_corrections(curated: tuple[Path, object], tmp_path: Path) -> None:
    gold = {"doc": DOC, "policy": {}, "aliases": {}, "places": [], "pairings": [], "tasks": [
        {"key": k, "anchor": a, "section": "二、重点任务", "lead": lead, "support": sup, "responsible": resp}
        for k, a, lead, sup, resp in [
            ("1", "实施规模化供水工程", ["县水务局", "县财政局"], ["县发展改革局"], []),
            ("2", "改造老旧供水管网", [], [], ["县水务局", "各镇人民政府"]),
            ("3", "加强水源地保护", [], [], ["县生态环境分局"]),
            ("4", "强化水质检测", [], [], ["县卫生健康局", "县疾控中心"]),
            ("5", "落实工程管护", [], [], ["县水务局", "县供水公司"]),
            ("6", "做好宣传引导", [], [], ["县委宣传部"]),
        ]]}
    (tmp_path / f"{DOC}.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(tmp_path), str(curated[0]), "--corrections", "both",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = {(r["corrections"], r["doc"]): r for r in json.loads(result.output)}
    before, after = scores["before", "micro"], scores["after", "micro"]
    assert after["F1"] == 1.0
    assert before["F1"] < after["F1"] and before["R"] < 1.0


def test_export_sets_original_and_corrected_side_by_side(curated: tuple[Path, object], tmp_path: Path) -> None:
    import policykg
    from policykg.export import read_rows

    graph, _ = curated
    runner = CliRunner()
    tables = {}
    for when in ("before", "after"):
        out = tmp_path / f"{when}.csv"
        res = runner.invoke(main, ["export", "assignments", str(graph), "--format", "csv", "--corrections", when, "-o", str(out)])
        assert res.exit_code == 0, res.output
        tables[when] = {(r["task_text"].split("。")[0], r["unit_label"], r["role"])
                        for r in read_rows(out.read_text(encoding="utf-8"), "csv") if r["unit_label"]}
    assert tables["after"] - tables["before"] == {
        ("实施规模化供水工程", "县财政局", "lead"), ("加强水源地保护", "市生态环境局青溪分局", "responsible"),
        ("强化水质检测", "县疾病预防控制中心", "responsible"), ("落实工程管护", "县水务局", "responsible"),
        ("落实工程管护", "县供水公司", "responsible")}
    assert tables["before"] - tables["after"] == {
        ("实施规模化供水工程", "县财政局", "support"), ("加强水源地保护", "县生态环境分局", "responsible"),
        ("加强水源地保护", "县水务局", "responsible"), ("落实工程管护", "县水务局会同县供水公司", "responsible"),
        ("保障措施\n各镇要建立工作台账，每月向县水务局报送进展", "各镇", "responsible")}
    res = runner.invoke(main, ["export", "corrections", str(graph), "--format", "csv"])
    assert res.exit_code == 0, res.output
    exported = read_rows(res.output, "csv")
    df = policykg.corrections(graph)
    assert [r["source"] for r in exported] == list(df["source"]) and len(df) == 8
    assert set(df["action"]) == {"add", "remove", "role", "split", "not-task", "merge", "alias", "parent"}


def test_review_flags_units_read_outside_the_task() -> None:
    """A unit a task inherits from a lead-in (驻村工作队要做到：) was not read in the task's own
    words: it is right more often than not, but it is the first thing a reviewer checks."""
    from policykg.pipeline import extract_text

    ex = extract_text("某镇驻村工作方案\n一、工作任务\n驻村工作队要做到：\n1.摸清贫困底数。逐户走访登记。\n"
                      "2.制定帮扶计划。一户一策。（责任单位：镇农业办）\n")
    rows = [(r["issue"].split(":")[0], r["task"], r["mention"]) for r in review_rows([ex])
            if not r["issue"].startswith("unclassified")]
    # the second item names its own unit, which stands instead of the lead-in's: nothing to flag
    assert rows == [("low confidence", "body-001", "驻村工作队")]
    assert [(m.text, m.role) for m in ex.tasks[1].mentions] == [("镇农业办", "responsible")]


def _write(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header or list(COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


ROLE_FIX = {"action": "role", "doc": DOC, "task": "body-001", "task_text": "实施规模化供水工程", "mention": "县财政局",
            "value": "lead", "who": "李研究员", "when": "2026-11-28", "why": "共同牵头"}


def test_the_same_change_twice_is_reported_and_made_once(tmp_path: Path) -> None:
    fixes = _write(tmp_path / "fixes" / "a.csv", [ROLE_FIX, {**ROLE_FIX, "who": "王助理", "why": "同上"}])
    report = build_corpus([CURATE / DOC], tmp_path / "graph", corrections=fixes.parent)
    assert [(p.path, "same change as a.csv:2" in p.message) for p in report.corrections.problems] == [("a.csv:3", True)]
    assert not report.skipped, "an unusable row is not a skipped file"
    assert len(run_named(tmp_path / "graph", "corrections").rows) == 1
    assert validate_graph(load_dataset(tmp_path / "graph")).conforms


def test_without_task_text_a_changed_document_makes_the_row_stale(tmp_path: Path) -> None:
    """In an edited document the key body-001 is another task: a row that cannot find its
    task by its words must not land on whatever task now has the key."""
    edited = _edited(tmp_path / "docs")
    sha = hashlib.sha256((CURATE / DOC).read_bytes()).hexdigest()  # the bytes the correction was made on
    fixes = _write(tmp_path / "fixes" / "a.csv", [{**ROLE_FIX, "sha256": sha, "task_text": ""}])
    report = build_corpus([edited], tmp_path / "graph", corrections=fixes.parent)
    [(source, _, why)] = report.corrections.stale
    assert source == "a.csv:2" and "no task_text" in why
    assert ("实施规模化供水工程", "县财政局", "Support") in _assigned(tmp_path / "graph")


def test_a_curator_of_many_documents_gives_one_row_per_correction(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(CURATE / DOC, docs / name)
    alias = {"action": "alias", "unit": "县生态环境分局", "value": "市生态环境局青溪分局", "who": "李研究员",
             "when": "2026-11-30T09:00+08:00", "why": "派出机构"}
    fixes = _write(tmp_path / "fixes" / "a.CSV", [alias])  # an upper-case suffix, as Windows writes it
    report = build_corpus([docs], tmp_path / "graph", corrections=fixes.parent)
    assert report.corrections.applied == {"a.CSV:2": ["a.txt", "b.txt"]}
    rows = run_named(tmp_path / "graph", "corrections").rows
    assert [(r["doc"], str(r["when"])) for r in rows] == [("a.txt", "2026-11-30T09:00:00+08:00"),
                                                           ("b.txt", "2026-11-30T09:00:00+08:00")]


@pytest.mark.parametrize(("row", "says"), [
    ({"action": "add", "task": "body-001", "task_text": "实施规模化供水工程", "unit": "县水务局", "role": "lead"},
     "already names 县水务局 (lead)"),
    ({"action": "merge", "doc": "", "unit": "县发展和改革局", "value": "县发展改革局"}, "changes nothing"),
    ({"action": "theme", "task": "body-001", "task_text": "实施规模化供水工程", "value": "Water"}, "already has that theme"),
])
def test_a_correction_that_changes_nothing_is_stale(tmp_path: Path, row: dict[str, str], says: str) -> None:
    fix = {"doc": DOC, "who": "李研究员", "when": "2026-11-28", "why": "测试", **row}
    fixes = _write(tmp_path / "fixes" / "a.csv", [fix])
    report = build_corpus([CURATE / DOC], tmp_path / "graph", corrections=fixes.parent)
    assert not report.corrections.applied
    [(_, _, why)] = report.corrections.stale
    assert says in why, why


def test_an_unclassified_task_is_given_its_theme(tmp_path: Path) -> None:
    """``review`` lists a task none of whose words a theme knows; the row, given the action
    theme and a theme's label, is a correction the next build applies, with provenance."""
    graph = tmp_path / "graph"
    build_corpus([CURATE / DOC], graph)
    [row] = [r for r in review_rows(load_extractions(graph)) if r["issue"].startswith("unclassified")]
    assert (row["task"], row["task_text"][:6]) == ("body-006", "做好宣传引导")
    fix = {**{k: row[k] for k in COLUMNS}, "action": "theme", "value": "水利供水", "who": "李研究员",
           "when": "2026-12-01", "why": "节约用水宣传属于供水工作"}
    fixes = _write(tmp_path / "fixes" / "a.csv", [fix])
    report = build_corpus([CURATE / DOC], graph, corrections=fixes.parent)
    assert report.corrections.applied == {"a.csv:2": [DOC]}
    [done] = run_named(graph, "corrections").rows
    assert (done["action"], done["before"], done["after"]) == ("theme", "Unclassified", "Water")
    themes = sparql(graph, "SELECT ?theme WHERE { ?t a pkg:Task ; pkg:key 'body-006' ; pkg:theme ?theme }")
    assert [str(x).rsplit("/", 1)[1] for x in themes["theme"]] == ["Water"]
    assert validate_graph(load_dataset(graph)).conforms
    assert not any(r["issue"].startswith("unclassified") for r in review_rows(load_extractions(graph)))


def test_a_theme_correction_sets_the_order_and_reaches_the_restating_row() -> None:
    """The main theme comes first, so reordering is a change; a table row that restates a
    body task is the same task and gets the same themes (whichever of the two is named)."""
    from policykg.pipeline import extract_text
    from policykg.pipeline.correct import apply_corrections
    from policykg.records import Correction

    ex = extract_text("一、任务\n1.修缮革命遗址，串联景区景点打造红色旅游线路。（牵头单位：县文旅局）\n"
                      "附件\n任务分工表\n序号\t任务\t牵头单位\n"
                      "1\t修缮革命遗址，串联景区景点打造红色旅游线路。\t县文旅局\n")
    body, row = ex.tasks
    assert row.restates == body.key and [t.rsplit("/", 1)[1] for t in body.themes] == ["Tourism", "RedHeritage"]
    fix = Correction("c1", "theme", "a.csv:2", "李研究员", "2026-12-01", "以红色资源为主", sha256=ex.sha256,
                     task=row.key, value="红色资源、旅游")
    fixed, [outcome] = apply_corrections(ex, [fix])
    assert outcome.status == "applied"
    assert {t.key: [x.rsplit("/", 1)[1] for x in t.themes] for t in fixed.tasks} == {
        body.key: ["RedHeritage", "Tourism"], row.key: ["RedHeritage", "Tourism"]}


def test_a_moved_row_is_rebuilt_with_its_new_line(tmp_path: Path) -> None:
    fixes = _write(tmp_path / "fixes" / "a.csv", [ROLE_FIX])
    graph = tmp_path / "graph"
    build_corpus([CURATE / DOC], graph, corrections=fixes.parent)
    _write(fixes, [{"action": "keep", "doc": DOC}, ROLE_FIX])
    again = build_corpus([CURATE / DOC], graph, corrections=fixes.parent)
    assert again.processed == [DOC]
    assert [r["source"] for r in run_named(graph, "corrections").rows] == ["a.csv:3"]


def test_headers_and_roles_are_read_as_people_write_them(tmp_path: Path) -> None:
    header = [f" {c.upper()} " if c in ("action", "value") else c for c in COLUMNS]
    row = {(f" {k.upper()} " if k in ("action", "value") else k): v for k, v in {**ROLE_FIX, "value": "Lead"}.items()}
    loaded = load_corrections(_write(tmp_path / "a.csv", [row], header))
    assert not loaded.problems and [c.value for c in loaded.rows] == ["Lead"]
    missing = load_corrections(_write(tmp_path / "b.csv", [{"action": "role"}], ["action", "doc"]))
    assert not missing.rows and "no who, when, why column(s)" in missing.problems[0].message
