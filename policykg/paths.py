"""Where the hand-edited resources live: ``ontology/`` and ``queries/`` beside the package.

policykg is installed in place (``pip install -e .``), so these folders are found next
to the ``policykg`` package folder.
"""

from __future__ import annotations

from pathlib import Path

from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
QUERIES_DIR = ROOT / "queries"


def resource(folder: Path, name: str) -> Path:
    """A file in ``ontology/`` or ``queries/``, with a clear error when it is missing."""
    path = folder / name
    if not path.exists():
        raise PolicyKGError(
            f"{path}: missing. policykg reads its ontology and queries from the project checkout; "
            "install it with `pip install -e .` from a clone of the repository"
        )
    return path
