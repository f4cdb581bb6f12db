"""Fail safe: what a careless or hostile user can do to a build must not cost the graph
already built, nor stop the rest of the corpus (issue: "Fail safe")."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main

SAMPLE = "shenzhen-2022-town-assistance-plan.txt"


def _fingerprint(graph: Path) -> dict[str, str]:
    """Every file under the graph directory and a hash of its bytes."""
    return {
        str(p.relative_to(graph)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(graph.rglob("*"))
        if p.is_file() and p.name != ".build.lock"
    }


@pytest.fixture()
def one_doc_graph(tmp_path: Path, samples_dir: Path) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / SAMPLE, docs / SAMPLE)
    out = tmp_path / "graph"
    res = CliRunner().invoke(main, ["build", str(docs), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    return docs, out


def test_a_mistyped_input_path_is_an_error_and_leaves_the_graph_untouched(one_doc_graph: tuple[Path, Path]) -> None:
    docs, out = one_doc_graph
    before = _fingerprint(out)
    res = CliRunner().invoke(main, ["build", str(docs) + "-typo", "-o", str(out), "-q"])
    assert res.exit_code == 2
    assert "no such file or folder" in res.output and str(docs) + "-typo" in res.output
    assert _fingerprint(out) == before
    # one good path and one mistyped: still refused, before anything is read
    res = CliRunner().invoke(main, ["build", str(docs), str(docs) + "-typo", "-o", str(out), "-q"])
    assert res.exit_code == 2 and _fingerprint(out) == before


def test_a_folder_without_documents_is_an_error_unless_allowed(one_doc_graph: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = one_doc_graph
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.xyz").write_text("not a document", encoding="utf-8")
    before = _fingerprint(out)
    res = CliRunner().invoke(main, ["build", str(empty), "-o", str(out), "-q"])
    assert res.exit_code == 2
    assert "no document to build" in res.output and "--allow-empty" in res.output and "notes.xyz" in res.output
    assert _fingerprint(out) == before
    res = CliRunner().invoke(main, ["build", str(empty), "-o", str(out), "-q", "--allow-empty"])
    assert res.exit_code == 0, res.output
    assert "0 documents" in res.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_are_skipped_not_read(tmp_path: Path, samples_dir: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / SAMPLE, docs / SAMPLE)
    os.mkfifo(docs / "pipe.txt")
    os.symlink("/dev/zero", docs / "zero.txt")
    out = tmp_path / "graph"
    # a separate process with a time limit: reading either file would never end
    res = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(docs), "-o", str(out), "-q"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "1 documents" in res.stdout
    assert "pipe.txt: skipped: a FIFO" in res.stdout
    assert "zero.txt: skipped: a device" in res.stdout


def _build(docs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(docs), "-o", str(out), "-q", *extra],
                          capture_output=True, text=True, timeout=600)


def test_odd_file_names_are_built_not_fatal(tmp_path: Path, samples_dir: Path) -> None:
    text = (samples_dir / SAMPLE).read_bytes()
    docs = tmp_path / "docs"
    docs.mkdir()
    # a name in Latin-1 bytes, not UTF-8 (copied from another system)
    with open(os.path.join(os.fsencode(docs), b"caf\xe9-plan.txt"), "wb") as fh:
        fh.write(text)
    # a name of 239 bytes (the limit of a name is 255)
    (docs / ("很长的文件名" * 13 + "a.txt")).write_bytes(text + b"\n\n")
    # a deep folder of long Chinese names
    deep = docs.joinpath(*["第十二届区人民代表大会第三次会议材料汇编"] * 8)
    deep.mkdir(parents=True)
    (deep / "方案.txt").write_bytes(text + b"\n")
    out = tmp_path / "graph"
    res = _build(docs, out)
    assert res.returncode == 0, res.stderr
    assert "3 documents" in res.stdout, res.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    names = sorted(d["name"] for d in manifest["inputs"])
    assert names[0] == "caf\\xe9-plan.txt"  # the undecodable byte shown, not lost
    assert len({d["doc_id"] for d in manifest["inputs"]}) == 3
    assert len(list((out / "extractions").glob("*.json"))) == 3
    assert all(len(p.name.encode()) <= 255 for p in out.rglob("*"))


def test_a_path_and_a_name_that_flatten_alike_are_both_kept(tmp_path: Path, samples_dir: Path) -> None:
    text = (samples_dir / SAMPLE).read_text(encoding="utf-8")
    docs = tmp_path / "docs"
    (docs / "x").mkdir(parents=True)
    (docs / "x" / "y.txt").write_text(text, encoding="utf-8")
    (docs / "x__y.txt").write_text(text.replace("各镇", "各街道", 1), encoding="utf-8")
    out = tmp_path / "graph"
    assert _build(docs, out).returncode == 0
    assert len(list((out / "extractions").glob("*.json"))) == 2
    res = CliRunner().invoke(main, ["export", "assignments", str(out), "--format", "csv"])
    assert res.exit_code == 0
    assert {"x/y.txt", "x__y.txt"} <= {line.split(",")[0] for line in res.output.splitlines()[1:]}


def test_identical_documents_under_two_names_are_two_valid_documents(tmp_path: Path, samples_dir: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / SAMPLE, docs / "a.txt")
    shutil.copy(samples_dir / SAMPLE, docs / "b.txt")
    out = tmp_path / "graph"
    assert "2 documents" in _build(docs, out).stdout
    res = CliRunner().invoke(main, ["validate", str(out)])
    assert res.exit_code == 0, res.output
    sources = "SELECT ?s WHERE { ?d a <https://w3id.org/policykg/ontology#SourceDocument> ; <http://purl.org/dc/terms/source> ?s } ORDER BY ?s"
    res = CliRunner().invoke(main, ["sparql", sources, str(out), "--format", "csv"])
    assert res.output.split() == ["s", "a.txt", "b.txt"]
    (docs / "b.txt").unlink()
    assert "1 documents" in _build(docs, out).stdout
    res = CliRunner().invoke(main, ["sparql", sources, str(out), "--format", "csv"])
    assert res.output.split() == ["s", "a.txt"]
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


@pytest.mark.parametrize("code, advice", [("ENOSPC", "Free some space"), ("EACCES", "Check that you may write there")])
def test_a_full_disk_is_one_line_not_a_traceback(one_doc_graph: tuple[Path, Path], samples_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch, code: str, advice: str) -> None:
    import errno

    import policykg.build

    docs, out = one_doc_graph
    shutil.copy(samples_dir / "luhe-2021-old-areas-work-plan.txt", docs)
    number = getattr(errno, code)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number), str(out / "dataset.nq"))

    monkeypatch.setattr(policykg.build, "write_dataset_files", full)
    res = CliRunner().invoke(main, ["build", str(docs), "-o", str(out), "-q", "--dataset"])
    assert res.exit_code == 1
    assert "Traceback" not in res.output and isinstance(res.exception, SystemExit)
    line = res.output.strip()
    assert line.count("\n") == 0 and f"dataset.nq: {os.strerror(number)}. {advice}" in line
    # the document finished before the disk filled is not extracted again
    monkeypatch.undo()
    res = CliRunner().invoke(main, ["build", str(docs), "-o", str(out), "-q"])
    assert res.exit_code == 0 and "(0 processed, 2 unchanged)" in res.output


def _pdf(encrypt: object) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, encrypt=encrypt).build(
        [Paragraph("一、推进农村公路建设。责任单位：县交通运输局。", style),
         Paragraph("二、加强饮水安全工程建设。责任单位：县水务局。", style)])
    return buf.getvalue()


def test_protected_pdfs_are_named_as_such(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    from policykg.errors import EncryptedFileError
    from policykg.pipeline.ingest import read_document

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(_pdf(StandardEncryption("user-pw", "owner-pw")))
    with pytest.raises(EncryptedFileError, match="protected by a password"):
        read_document(locked)
    # an owner password only: pdfminer gives (cid:NN) codes; the text is read all the same, and said so
    owner = tmp_path / "owner.pdf"
    owner.write_bytes(_pdf(StandardEncryption("", "owner-pw", canCopy=0)))
    doc = read_document(owner)
    assert "(cid:" not in doc.text and "责任单位：县交通运输局" in doc.text
    assert any("font codes" in w and "owner password" in w for w in doc.warnings)


def test_a_file_in_two_encodings_is_read_line_by_line(tmp_path: Path) -> None:
    from policykg.pipeline.ingest import read_document

    path = tmp_path / "merged.txt"
    path.write_bytes("一、推进农村公路建设。\n责任单位：县交通运输局。\n".encode() * 3
                     + "二、加强饮水安全工程建设。\n责任单位：县水务局。\n".encode("gb18030") * 3)
    doc = read_document(path)
    assert "二、加强饮水安全工程建设。\n责任单位：县水务局。" in doc.text
    assert any("more than one encoding (utf-8, gb18030)" in w for w in doc.warnings)


SENTENCE = "推进农村公路建设，完善基础设施，县交通运输局负责。加强饮水安全，责任单位：县水务局；"


def test_a_paragraph_of_many_tasks_is_read_whole() -> None:
    """More than 26 tasks in one paragraph (they are told apart by letters: …z, aa, ab …)."""
    from policykg.pipeline import extract_text

    ex = extract_text("一、重点任务\n" + SENTENCE * 40 + "\n")
    assert len(ex.tasks) == 40 and len({t.key for t in ex.tasks}) == 40
    assert {t.key[-2:] for t in ex.tasks} >= {"aa", "an"}
    assert all(("县水务局", "responsible") in [(m.name, m.role) for m in t.mentions] for t in ex.tasks)


def test_work_on_a_long_paragraph_grows_with_its_length_not_its_square(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each task of a paragraph once searched the whole paragraph for person fields: the
    characters searched grew with tasks × length. Count them (a count, not a timing)."""
    import policykg.pipeline.extract.tasks as tasks
    from policykg.pipeline import extract_text

    searched = [0]

    class Counting:
        def __init__(self, rx: object) -> None:
            self.rx = rx

        def finditer(self, text: str):  # type: ignore[no-untyped-def]
            searched[0] += len(text)
            return self.rx.finditer(text)  # type: ignore[attr-defined]

    monkeypatch.setattr(tasks, "PERSON_FIELD_RE", Counting(tasks.PERSON_FIELD_RE))
    counts = []
    for n in (100, 400):
        searched[0] = 0
        text = "一、重点任务\n" + SENTENCE * n + "\n"
        assert len(extract_text(text).tasks) == n
        counts.append(searched[0] / len(text))
    assert counts[1] < 3 and counts[1] < 1.5 * counts[0], counts


def test_a_paragraph_over_a_million_characters_is_read() -> None:
    from policykg.pipeline import extract_text

    sentence = "推进农村公路建设，完善基础设施。加强饮水安全，责任单位：县水务局；"
    text = "一、重点任务\n" + sentence * (1_050_000 // len(sentence)) + "\n"
    assert len(text) > 1_000_000
    ex = extract_text(text)
    assert len(ex.tasks) == 1_050_000 // len(sentence)


def _graph_state(out: Path) -> dict[str, set[str]]:
    """What each published part of a graph directory says the documents are."""
    from policykg.store import document_graphs, open_store

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    graphs = set()
    with open(out / "dataset.nq", encoding="utf-8") as fh:
        for line in fh:
            graph = line.rstrip(" .\n").rsplit(" ", 1)[-1]
            if "/id/graph/" in graph:
                graphs.add(graph.split("/id/graph/")[1].rstrip(">"))
    return {
        "manifest": {d["doc_id"] for d in manifest["inputs"]},
        "store": document_graphs(open_store(out, read_only=True)),
        "dataset": graphs,
        "extractions": {json.loads(p.read_text(encoding="utf-8"))["doc_id"] for p in (out / "extractions").glob("*.json")},
    }


def _corpus(docs: Path, samples_dir: Path, version: int) -> None:
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir()
    text = (samples_dir / SAMPLE).read_text(encoding="utf-8")
    names = ["a.txt", "b.txt", "c.txt"] if version == 1 else ["a.txt", "b.txt", "d.txt"]
    for i, name in enumerate(names):
        extra = "\n（十）补充\n1.新增任务。（责任单位：县审计局）\n" if version == 2 and name == "b.txt" else ""
        (docs / name).write_text(text + f"\n{i}\n" + extra, encoding="utf-8")


def test_a_build_killed_at_any_step_leaves_one_whole_generation(tmp_path: Path, samples_dir: Path) -> None:
    """Kill a rebuild (one document changed, one gone, one new) at every step: store,
    dataset, manifest and extractions always agree, on the old build or the new one;
    the next build completes and equals a clean one."""
    from policykg.build import KILL_POINTS

    docs, out, clean, first = tmp_path / "docs", tmp_path / "graph", tmp_path / "clean", tmp_path / "first"
    _corpus(docs, samples_dir, 2)
    assert _build(docs, clean, "--dataset").returncode == 0
    new = _graph_state(clean)["manifest"]
    _corpus(docs, samples_dir, 1)
    assert _build(docs, first, "--dataset").returncode == 0
    old = _graph_state(first)["manifest"]
    _corpus(docs, samples_dir, 2)
    for step in KILL_POINTS:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(first, out, symlinks=True)  # the graph of the first corpus, as built
        res = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(docs), "-o", str(out), "-q", "--dataset"],
                             capture_output=True, text=True, timeout=600, env={**os.environ, "POLICYKG_KILL_AT": step})
        assert res.returncode == -9, (step, res.stderr)
        state = _graph_state(out)
        expected = new if step == "switched" else old
        assert all(ids == expected for ids in state.values()), (step, state)
        assert _build(docs, out, "--dataset").returncode == 0
        assert (out / "dataset.nq").read_bytes() == (clean / "dataset.nq").read_bytes(), step
        assert _graph_state(out)["store"] == new


def _group_alive(pgid: int) -> list[str]:
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(stat.parent.name)
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_exit_when_their_build_is_killed(tmp_path: Path, samples_dir: Path) -> None:
    import time

    docs = tmp_path / "docs"
    docs.mkdir()
    text = (samples_dir / SAMPLE).read_text(encoding="utf-8")
    for i in range(24):
        (docs / f"{i}.txt").write_text(text + f"\n{i}\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "build", str(docs), "-o", str(tmp_path / "g"), "-q",
                             "--workers", "2"], env={**os.environ, "POLICYKG_KILL_AT": "extracting"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    assert proc.wait(timeout=600) == -9
    deadline = time.monotonic() + 30
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _group_alive(proc.pid) == []
