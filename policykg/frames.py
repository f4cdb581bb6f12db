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
    """One of ``assignments``, ``tasks``, ``units``, ``places``, ``pairings`` (or
    ``milestones``) as a DataFrame, read from the build's analysis tables (a graph built
    before them is read from its extraction records)."""
    import pandas as pd

    from policykg.errors import GraphNotBuiltError
    from policykg.tables import read_table

    try:
        return read_table(graph, name)
    except GraphNotBuiltError:
        if name not in TABLES or not (Path(graph) / "extractions").is_dir():
            raise
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


def milestones(graph: str | Path = "graph") -> pd.DataFrame:
    """One row per milestone (a year's requirement or a deadline) of a task."""
    return table("milestones", graph)


def places(graph: str | Path = "graph") -> pd.DataFrame:
    """One row per place a document names: type, parent, span, the document's jurisdiction."""
    return table("places", graph)


def corrections(graph: str | Path = "graph") -> pd.DataFrame:
    """One row per curator's correction applied to a document (``build --corrections``): what
    the extraction said before, what the graph says after, who made it, when and why."""
    import pandas as pd

    from policykg.export import EXPORTS

    rows_of, columns = EXPORTS["corrections"]
    return pd.DataFrame(list(rows_of(load_extractions(graph))), columns=list(columns))
