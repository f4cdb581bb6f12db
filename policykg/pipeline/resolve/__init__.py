"""The resolve stage: every unit name a document uses becomes a :class:`ResolvedUnit` (its
canonical name within a jurisdiction, the rule that made it, its kind and type), every
task gets its themes, and a table row that restates a body task is linked to it. The one place units are named: rdf, export, views and query
parameters read what it made.

:mod:`.names` holds the abbreviation table and the naming rules, :mod:`.types` the unit
types, kinds of body and themes.
"""

from __future__ import annotations

import re
from dataclasses import replace

from policykg.pipeline.resolve.names import ABBREVIATIONS, INFIXES, canonical_name, unit_jurisdiction
from policykg.pipeline.resolve.restates import restated
from policykg.pipeline.resolve.types import (
    UNCLASSIFIED,
    task_themes,
    theme_names,
    theme_rules,
    unit_kind,
    unit_type,
    unit_type_rules,
)
from policykg.records import Extraction, ResolvedUnit, Task

__all__ = [
    "ABBREVIATIONS", "INFIXES", "UNCLASSIFIED", "canonical_name", "resolve_extraction", "resolve_unit", "task_themes",
    "theme_names", "theme_rules", "unit_jurisdiction", "unit_kind", "unit_label", "unit_type", "unit_type_rules",
]


def unit_label(name: str, jurisdiction: str | None = None) -> str:
    """The canonical name of a unit a user typed (a query parameter, ``viz --unit``).

    >>> unit_label("县发改局", "遂溪县")
    '县发展和改革局'
    """
    return canonical_name(name.strip(), jurisdiction)[0]


def resolve_extraction(ex: Extraction) -> Extraction:
    """The resolve stage: every unit name the document uses (issuers, doers, assessors,
    helpers) → a :class:`ResolvedUnit`; each task's themes; and for each table row that
    restates a body task, that task (:mod:`.restates`). Nothing else changes."""
    names = [*ex.policy.issuers]
    for task in ex.tasks:
        names += [m.name for m in task.mentions] + [m.name for m in task.assessors]
    names += [p.helper for p in ex.pairings]
    towns = tuple(p.name for p in ex.places if p.type in ("town", "street") and p.parent == ex.policy.jurisdiction)
    units = {name: resolve_unit(name, ex.policy.jurisdiction, ex.aliases, towns) for name in dict.fromkeys(names)}
    links = restated(ex.tasks)
    tasks = tuple(replace(t, themes=tuple(task_themes(_theme_text(t), (m.text for m in (*t.mentions, *t.assessors)))),
                          restates=links.get(t.key)) for t in ex.tasks)
    return replace(ex, units=units, tasks=tasks)


def _theme_text(t: Task) -> str:
    """A task's title and text, the title once (a run-in title also starts the text)."""
    if t.title and not t.text.startswith(t.title):
        return t.title + "。" + t.text
    return t.text


def resolve_unit(name: str, jurisdiction: str | None, defined: dict[str, str] | None = None,
                 towns: tuple[str, ...] = ()) -> ResolvedUnit:
    """One unit name as written → the unit: canonical name, jurisdiction, kind and type;
    the towns a collective unit of towns stands for; the city bureau a branch belongs to.

    >>> u = resolve_unit("县发改局", "遂溪县")
    >>> u.id, u.kind, u.rule
    ('遂溪县/县发展和改革局', 'GovernmentDepartment', '发改局→发展和改革局')
    """
    label, rule = canonical_name(name, jurisdiction, defined)
    kind = unit_kind(label)
    members = towns if kind == "CollectiveUnit" and re.search(r"镇|乡|街道", label) else ()
    return ResolvedUnit(label, unit_jurisdiction(label, jurisdiction), rule, kind, unit_type(label), members,
                        _city_bureau(label, jurisdiction))


def _city_bureau(label: str, jurisdiction: str | None) -> ResolvedUnit | None:
    """市生态环境局遂溪分局 in 遂溪县 → 湛江市's 市生态环境局 (a branch is part of the city bureau)."""
    from policykg.pipeline.gazetteer import lookup

    branch = re.fullmatch(r"市(.+?局)(.+?)分局", label)
    div = lookup(jurisdiction) if jurisdiction and branch else None
    if branch is None or div is None or div.parent is None or div.parent.level != "city":
        return None
    parent = "市" + branch.group(1)
    return ResolvedUnit(parent, div.parent.name, None, unit_kind(parent), unit_type(parent))
