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
