"""Fail safe: what a careless or hostile user can do to a build must not cost the graph
already built, nor stop the rest of the corpus (issue: "Fail safe")."""

from __future__ import annotations

import hashlib
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
