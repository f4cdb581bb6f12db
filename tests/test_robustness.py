"""Bad input, interrupted and concurrent builds, and hostile text.

The bad-input corpus is generated here: every kind of broken file next to good
ones. The build must finish, keep every good document, and name each problem
with the file and what to do.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.build import build_corpus, build_lock
from policykg.dataset import NQUADS
from policykg.errors import BuildLockedError
from policykg.pipeline.extract.units import split_units
from policykg.query import bind_params, get_query, run_store
from policykg.store import open_store

from .conftest import PLAN_TEXT, make_pdf

GOOD_UNITS = {"县交通运输局", "县财政局", "各镇人民政府", "县水务局", "各镇党委政府"}


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            chunk = b"<w:t>" + b"0" * (1 << 20) + b"</w:t>"
            for _ in range(120):  # 120 MB of XML, a few hundred KB zipped
                fh.write(chunk)
    return buf.getvalue()


def _nested_merged_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某县任务分解表")
    t = d.add_table(rows=4, cols=3)
    for j, h in enumerate(["工作任务", "主要内容", "责任部门"]):
        t.cell(0, j).text = h
    t.cell(1, 0).text = "一、基础设施"
    t.cell(1, 0).merge(t.cell(3, 0))
    t.cell(1, 1).text = "修路"
    t.cell(1, 2).text = "牵头部门：县交通运输局 配合部门：县财政局"
    t.cell(2, 1).text = "供水"
    t.cell(2, 2).text = "县水务局"
    t.cell(3, 1).text = "通信"
    inner = t.cell(3, 2).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "各镇人民政府"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("bad") / "docs"
    d.mkdir()
    (d / "good utf8 方案.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (d / "good-gbk.txt").write_bytes(PLAN_TEXT.replace("县交通运输局", "县交通运输局").encode("gbk"))
    (d / "good-utf16.txt").write_bytes(PLAN_TEXT.encode("utf-16"))
    (d / "truncated.txt").write_bytes(PLAN_TEXT.encode("utf-8") + "县".encode()[:2])
    (d / "empty.txt").write_bytes(b"")
    rng = random.Random(1)
    (d / "junk.txt").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    (d / "not-a-zip.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    (d / "bomb.docx").write_bytes(_zip_bomb())
    (d / "nested-merged.docx").write_bytes(_nested_merged_docx())
    (d / "scan.pdf").write_bytes(make_pdf([], text=False))
    (d / "table.pdf").write_bytes(make_pdf(["一、任务"], [["序号", "工作内容", "责任单位"], ["1", "修路", "县交通运输局"]]))
    deep = "<div>" * 5000 + "<script>document.write('县公安局')</script><p>一、任务</p><p>1.供水。（责任单位：县水务局）</p>" + "</div>" * 5000
    (d / "deep.html").write_text(f"<html><body>{deep}</body></html>", encoding="utf-8")
    with open(d / "huge.txt", "wb") as fh:  # 50 MB of text
        line = ("1.推进农村公路建设。（责任单位：县交通运输局）\n" * 1000).encode("utf-8")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line)
    os.symlink("loop-b", d / "loop-a.txt")
    os.symlink("loop-a.txt", d / "loop-b")
    (d / "sub").mkdir()
    os.symlink("..", d / "sub" / "up")  # a folder link back up: must not be walked
    locked = d / "unreadable.txt"
    locked.write_text(PLAN_TEXT, encoding="utf-8")
    locked.chmod(0)
    return d


def _deny_reading(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """chmod 0 stops every user but root; as root, make the OS call fail the same way."""
    if os.geteuid() != 0:
        return
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.mark.slow
def test_bad_input_corpus(bad_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from policykg.cli import main

    _deny_reading(monkeypatch, bad_corpus / "unreadable.txt")
    out = bad_corpus.parent / "graph"
    # one process: as root, the unreadable file is simulated in this process
    res = CliRunner().invoke(main, ["build", str(bad_corpus), "-o", str(out), "-q", "--workers", "1"])
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    problems = {Path(p["path"]).name: p["message"] for p in manifest["problems"] if p["severity"] == "error"}
    expected = {
        "empty.txt": "empty",
        "junk.txt": "binary",
        "not-a-zip.docx": "Word or LibreOffice",
        "bomb.docx": "zip bomb",
        "scan.pdf": "OCR",
        "huge.txt": "limit",
        "loop-a.txt": "symbolic link",
        "unreadable.txt": "permission",
    }
    for name, says in expected.items():
        assert name in problems and says in problems[name], (name, problems.get(name))
        assert name in res.output  # the summary lists it too
    built = {d["name"] for d in manifest["inputs"]}
    assert {"good utf8 方案.txt", "good-gbk.txt", "good-utf16.txt", "truncated.txt", "nested-merged.docx", "table.pdf", "deep.html"} <= built
    from policykg.graphdir import load_extractions

    by_doc = {e.doc: e for e in load_extractions(out)}
    for name in ("good utf8 方案.txt", "good-gbk.txt", "good-utf16.txt", "truncated.txt"):
        assert {m.name for t in by_doc[name].tasks for m in t.mentions} == GOOD_UNITS
    nested = [(t.text, sorted(m.name for m in t.mentions)) for t in by_doc["nested-merged.docx"].tasks]
    assert nested == [("修路", ["县交通运输局", "县财政局"]), ("供水", ["县水务局"]), ("通信", ["各镇人民政府"])]
    deep = {m.name for t in by_doc["deep.html"].tasks for m in t.mentions}
    assert deep == {"县水务局"}  # the script's text is not document text
    # --strict turns the problems into a failing exit
    strict = CliRunner().invoke(main, ["build", str(bad_corpus), "-o", str(out), "-q", "--strict"])
    assert strict.exit_code != 0 and "--strict" in strict.output


def test_second_build_into_the_same_directory_is_refused(tmp_path: Path, samples_dir: Path) -> None:
    out = tmp_path / "graph"
    with build_lock(out):
        with pytest.raises(BuildLockedError, match="another build"):
            build_corpus([samples_dir], out)
        res = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(samples_dir), "-o", str(out), "-q"],
                             capture_output=True, text=True, timeout=300)
        assert res.returncode != 0 and "another build is writing" in res.stderr


@pytest.mark.slow
def test_killed_build_leaves_a_usable_graph_and_the_next_build_completes(tmp_path: Path, samples_dir: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(8):  # enough work for a kill to land mid-build
        for p in samples_dir.glob("*.txt"):
            (docs / f"{i}-{p.name}").write_text(p.read_text(encoding="utf-8") + f"\n{i}\n", encoding="utf-8")
    out = tmp_path / "graph"
    build_corpus([docs], out, dataset=True)
    reference = (out / NQUADS).read_bytes()
    for p in list(docs.glob("0-*")):  # change some documents, then kill the rebuild
        p.write_text(p.read_text(encoding="utf-8") + "\n（十）补充\n1.新增任务。（责任单位：县审计局）\n", encoding="utf-8")
    rng = random.Random(7)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "build", str(docs), "-o", str(out), "-q",
                                 "--dataset"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # the graph is still usable: manifest, dataset and store all open and answer
        json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert (out / NQUADS).exists()
        q = get_query("unit-workload")
        assert run_store(open_store(out, read_only=True), q.text, bind_params(q, {})).rows
    final = build_corpus([docs], out, dataset=True)
    assert not final.skipped
    clean = tmp_path / "clean"
    build_corpus([docs], clean, dataset=True)
    assert (out / NQUADS).read_bytes() == (clean / NQUADS).read_bytes() != reference


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["县财政局", "区农业局（区扶贫办）", "各街道（镇）", "村委会", "县委组织部", "驻村工作队", "中国移动某某分公司"]), min_size=1, max_size=8),
       st.lists(st.sampled_from(["、", "，", ",", "；", " ", "\n"]), min_size=8, max_size=8))
def test_splitting_is_idempotent(names: list[str], seps: list[str]) -> None:
    text = "".join(n + s for n, s in zip(names, seps))
    once = [n for n, _, _ in split_units(text)]
    twice = [n for n, _, _ in split_units("、".join(once))]
    assert once == twice
    assert set(once) <= {n.split("（区扶贫办）")[0] for n in names}


def test_huge_text_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from policykg.errors import TooLargeError
    from policykg.pipeline.ingest import MAX_TEXT_FILE_BYTES, read_document

    p = tmp_path / "big.txt"
    with open(p, "wb") as fh:
        fh.truncate(MAX_TEXT_FILE_BYTES + 1)
    with pytest.raises(TooLargeError, match="big.txt"):
        read_document(p)


def test_symlinked_folder_is_not_walked(tmp_path: Path) -> None:
    from policykg.build import discover

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text(PLAN_TEXT, encoding="utf-8")
    os.symlink("..", tmp_path / "a" / "up")
    files, problems = discover([tmp_path])
    assert [n for _, n in files] == ["a/x.txt"] and not problems




@pytest.mark.slow
def test_endpoint_answers_200_concurrent_requests(built_graph: Path) -> None:
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "load_serve.py"
    res = subprocess.run([sys.executable, str(script), str(built_graph), "--requests", "200", "--concurrency", "200"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    figures = json.loads(res.stdout)
    assert figures["requests"] == 200 and figures["errors"] == 0
    print("load:", figures)  # shown with -s / -rP


def test_html_page_escapes_document_text(tmp_path: Path) -> None:
    import urllib.request

    from policykg.serve import serve_in_thread, stop

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "x.txt").write_text("一、任务\n1.<script>alert(1)</script>修路。（责任单位：县交通局）\n", encoding="utf-8")
    out = tmp_path / "graph"
    build_corpus([docs], out)
    server, _ = serve_in_thread(out)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        q = urllib.parse.quote("SELECT ?t WHERE { ?x pkg:text ?t }")
        with urllib.request.urlopen(f"{base}/sparql?query={q}&format=xml") as resp:
            body = resp.read().decode("utf-8")
        assert "&lt;script&gt;" in body and "<script>" not in body
    finally:
        stop(server)
