"""Task themes (issue 16, point 3): one or two per task, from its own text, measured on all
344 tasks of the bundled samples, each labelled twice independently with disagreements
adjudicated, and on 164 tasks of other documents (tests/fixtures/themes, README there)."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from policykg.build import build_corpus
from policykg.graphdir import load_extractions
from policykg.pipeline.resolve import task_themes
from policykg.records import task_id

LABELLED = Path(__file__).parent / "fixtures" / "themes" / "labelled.csv"
#: tasks of documents in other layouts and on other work than the samples (the layout cases
#: and the chain and curate fixtures), labelled the same way: the new theme words of issue 16
#: were chosen on them, so they are a development set, not held out
OTHER = Path(__file__).parent / "fixtures" / "themes" / "other_documents.csv"
OTHER_DOCS = [Path(__file__).parent / "layouts", *(Path(__file__).parent / "fixtures" / d for d in ("chain", "chain/dev", "curate"))]
#: the least precision of every theme on the labelled tasks
PRECISION = 0.85


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def _pairs(path: Path, extractions) -> list[tuple[str, list[str], list[str]]]:  # type: ignore[no-untyped-def]
    """(task, gold themes, predicted themes) of each labelled task of ``path``."""
    tasks = {task_id(ex.doc_id, t.key): t for ex in extractions for t in ex.tasks}
    pairs = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            t = tasks[row["task"]]
            # the fixture names the task the documents hold (its first words)
            assert row["text"][:8] in " ".join(((t.title or "") + " " + t.text).split()), row["task"]
            pairs.append((row["task"], row["themes"].split("|"), [_short(x) for x in t.themes]))
    return pairs


@pytest.fixture(scope="module")
def labelled(sample_extractions):  # type: ignore[no-untyped-def]
    """(task, gold themes, predicted themes) of each labelled task of the built samples."""
    pairs = _pairs(LABELLED, sample_extractions)
    assert len(pairs) >= 100
    return pairs


@pytest.fixture(scope="module")
def other_documents(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The same for the documents of other layouts and subjects."""
    docs = tmp_path_factory.mktemp("other-docs")
    for folder in OTHER_DOCS:
        for src in folder.iterdir():
            if src.suffix in (".txt", ".html"):
                shutil.copy(src, docs / src.name)
    out = tmp_path_factory.mktemp("other-graph")
    build_corpus([docs], out)
    return _pairs(OTHER, load_extractions(out))


#: the fixture's label for a task with no topical work of its own, and what the rules give a
#: task none of whose words they know: neither is a theme, and neither counts as one below
NO_THEME = {"General", "Unclassified"}


def _counts(labelled) -> tuple[Counter[str], Counter[str], Counter[str]]:  # type: ignore[no-untyped-def]
    """True positives, false positives and false negatives of each theme."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for _, gold, pred in labelled:
        for p in set(pred) - NO_THEME:
            (tp if p in gold else fp)[p] += 1
        fn.update(g for g in set(gold) - NO_THEME if g not in pred)
    return tp, fp, fn


def _exact(labelled) -> float:  # type: ignore[no-untyped-def]
    """The share of tasks whose themes are the labelled ones (no theme for no topical work)."""
    return sum(set(gold) - NO_THEME == set(pred) - NO_THEME for _, gold, pred in labelled) / len(labelled)


def test_every_theme_is_precise(labelled) -> None:  # type: ignore[no-untyped-def]
    tp, fp, _ = _counts(labelled)
    precision = {t: tp[t] / (tp[t] + fp[t]) for t in tp.keys() | fp.keys()}
    assert len(precision) >= 15, "most themes are given on the labelled tasks"
    low = {t: round(p, 2) for t, p in precision.items() if p < PRECISION}
    assert not low, f"themes below {PRECISION} precision: {low}"


def test_unclassified_tasks_are_few_and_said(labelled) -> None:  # type: ignore[no-untyped-def]
    """th:Unclassified claims nothing: 15 of the 344 tasks get it. 9 of them are labelled
    as having no topical work; the other 6 name their work in words no rule knows yet."""
    unclassified = [gold for _, gold, pred in labelled if pred == ["Unclassified"]]
    assert 0 < len(unclassified) / len(labelled) < 0.06
    assert sum(gold == ["General"] for gold in unclassified) / len(unclassified) >= 0.5


def test_unclassified_tasks_are_counted_and_listed(built_graph, sample_extractions) -> None:  # type: ignore[no-untyped-def]
    """The build's manifest counts them and ``policykg review`` lists each of them."""
    import json

    from policykg.curate import review_rows

    keys = {(ex.doc, t.key) for ex in sample_extractions for t in ex.tasks if [_short(x) for x in t.themes] == ["Unclassified"]}
    manifest = json.loads((built_graph / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["unclassified_tasks"] == len(keys) > 0
    listed = {(r["doc"], r["task"]) for r in review_rows(sample_extractions) if r["issue"].startswith("unclassified")}
    assert listed == keys


def test_themes_are_found(labelled) -> None:  # type: ignore[no-untyped-def]
    tp, fp, fn = _counts(labelled)
    assert sum(tp.values()) / (sum(tp.values()) + sum(fn.values())) >= 0.8
    assert _exact(labelled) >= 0.75


def test_themes_hold_on_other_documents(other_documents) -> None:  # type: ignore[no-untyped-def]
    """Plans on other work (智能制造, 政务云, 营商环境, 养老, Traditional characters …): the
    theme words were widened on these tasks, and before that 63 of the 164 got no theme."""
    tp, fp, fn = _counts(other_documents)
    precision = sum(tp.values()) / (sum(tp.values()) + sum(fp.values()))
    recall = sum(tp.values()) / (sum(tp.values()) + sum(fn.values()))
    unclassified = sum(pred == ["Unclassified"] for _, _, pred in other_documents)
    assert len(other_documents) >= 150
    assert precision >= 0.85 and recall >= 0.7, (precision, recall)
    assert unclassified / len(other_documents) < 0.15, f"{unclassified} of {len(other_documents)} tasks got no theme"


def test_a_task_has_one_or_two_themes(sample_extractions) -> None:  # type: ignore[no-untyped-def]
    sizes = Counter(len(t.themes) for ex in sample_extractions for t in ex.tasks)
    assert set(sizes) <= {1, 2} and sizes[1] > sizes[2]


def test_a_poverty_plan_is_not_all_assistance(sample_extractions) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: "assistance mechanisms" covered 74 of 麻章's 77 tasks."""
    mazhang = next(ex for ex in sample_extractions if ex.doc.startswith("mazhang"))
    share = sum(any(_short(x) == "Assistance" for x in t.themes) for t in mazhang.tasks) / len(mazhang.tasks)
    assert share < 0.4


@pytest.mark.parametrize("text, units, themes", [
    # a road task is about roads, though it names the scenic spots the roads reach
    ("实施老区农村公路畅通工程，完善高速公路互通立交布局，重点畅通县城到工业园区、景点景区的交通线路。", (), ["Transport"]),
    # a school task is about schools (the section's red heritage is not read)
    ("支持老区新建和改扩建一批县城小学、乡镇中心小学和公办幼儿园。", (), ["Education"]),
    # the unit's name says nothing about the work
    ("争取建设创新平台，组建专业化技术转移机构。（牵头单位：县科技工业和信息化局）", ("县科技工业和信息化局",), ["IndustryAgriculture"]),
    # 党史教育 is red heritage, not education; 养老保险 is social security, not finance
    ("建设党史和革命传统教育示范基地，组织党员干部到基地开展红色教育。", (), ["RedHeritage"]),
    ("建立城乡居民基本养老保险基础养老金正常调整机制。", (), ["SocialSecurity"]),
    # an umbrella task is about its heading
    ("深入实施精准扶贫。实施产业发展、劳动力就业、社会保障、教育文化、医疗保障、危房改造八大脱贫工程。", (), ["Assistance"]),
    ("做好统计报表。", (), ["Unclassified"]),
    # keeping ledgers and reporting progress is governance work, whoever receives the report;
    # water-quality testing is water supply, whoever tests
    ("完善工作台账，每季度末向县农业农村局报送工作进展。", (), ["PartyGovernance"]),
    ("强化水质检测。县疾控中心每季度开展一次水质抽检，结果向社会公开。", (), ["Water"]),
    # a source of pollution is ecology's work, not industry's
    ("开展畜禽养殖污染防治，严控农村工业废水直排。", (), ["Ecology"]),
    # Traditional characters are read as their Simplified forms
    ("推進政務雲整合遷移，完成非涉密業務系統遷移上雲。", (), ["PowerTelecom"]),
    # words of kinds of work outside rural plans: a sector of manufacturing, taxes, elderly care
    ("支持纺织服装和家具制造企业开展技术改造。", (), ["IndustryAgriculture"]),
    ("对小规模纳税人免征增值税，减免小微企业房屋租金。", (), ["Finance"]),
    ("组织老年人能力评估，评估结果用于发放护理补贴。", (), ["SocialSecurity"]),
])
def test_theme_rules(text: str, units: tuple[str, ...], themes: list[str]) -> None:
    assert [_short(t) for t in task_themes(text, units)] == themes
