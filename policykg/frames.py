"""The tables of a built graph as pandas DataFrames, in one call each: the same rows, columns
and ids as ``policykg export`` (a task's and a unit's id is the key of its IRI).

>>> import policykg
>>> df = policykg.assignments("graph")                                   # doctest: +SKIP
>>> df[df.role == "lead"].groupby(["jurisdiction", "unit_label"]).size()  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from policykg.export import TABLES
from policykg.graphdir import load_extractions

if TYPE_CHECKING:
    import pandas as pd


def table(name: str, graph: str | Path = "graph") -> pd.DataFrame:
    """One of ``assignments``, ``tasks``, ``units``, ``places``, ``pairings`` as a DataFrame."""
    import pandas as pd

    rows_of, columns = TABLES[name]
    return pd.DataFrame(list(rows_of(load_extractions(graph))), columns=list(columns))


def assignments(graph: str | Path = "graph") -> pd.DataFrame:
    """One row per (task, unit, role): the mention as written, the unit's id and canonical
    name, its character span in the document; a task with no unit once, with empty unit columns."""
    return table("assignments", graph)


def tasks(graph: str | Path = "graph") -> pd.DataFrame:
    """One row per task: document, key, title, text, section, jurisdiction, themes, units by role."""
    return table("tasks", graph)


def units(graph: str | Path = "graph") -> pd.DataFrame:
    """One row per unit: canonical name, jurisdiction, kind, type, aliases, and its tasks by role."""
    return table("units", graph)


def places(graph: str | Path = "graph") -> pd.DataFrame:
    """One row per place a document names: type, parent, span, the document's jurisdiction."""
    return table("places", graph)
