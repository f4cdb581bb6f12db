"""policykg: who is responsible for what, from Chinese government policy documents.

>>> import policykg
>>> ex = policykg.extract_text("一、任务\\n1.修路。（责任单位：县交通局）\\n")
>>> [(m.role, m.name) for m in ex.tasks[0].mentions]
[('responsible', '县交通局')]
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from policykg.errors import PolicyKGError

if TYPE_CHECKING:
    from policykg.frames import assignments, corrections, milestones, places, tasks, units
    from policykg.pipeline import extract_document, extract_text, process_document, process_file
    from policykg.pipeline.ingest import read_document
    from policykg.query import query, sparql

__all__ = ["__version__", "PolicyKGError", "assignments", "corrections", "extract_document", "extract_text", "milestones", "places",
           "process_document", "process_file", "query", "read_document", "sparql", "tasks", "units"]

#: loaded on first use, so that querying, serving and exporting a graph do not import spaCy
_LAZY = {"extract_document": ".pipeline", "extract_text": ".pipeline", "process_document": ".pipeline",
         "process_file": ".pipeline", "read_document": ".pipeline.ingest", "assignments": ".frames",
         "tasks": ".frames", "units": ".frames", "places": ".frames", "milestones": ".frames", "corrections": ".frames", "query": ".query", "sparql": ".query"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
