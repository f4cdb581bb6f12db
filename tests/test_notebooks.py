"""Every notebook runs top to bottom on the bundled samples, offline, without an error.

Notebooks are stored without outputs (checked here too) and executed with nbclient.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_the_six_notebooks_exist() -> None:
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01-quickstart", "02-sparql-cookbook", "03-network-analysis", "04-compare-counties", "05-your-own-documents",
                     "06-curate-and-trace"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code"), \
        "store notebooks without outputs"
    assert any("import policykg" in c.source or "from policykg" in c.source for c in nb.cells)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
