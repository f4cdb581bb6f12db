"""The correct stage: a curator's corrections (:class:`~policykg.records.Correction`, read
by :mod:`policykg.curate`) applied to one resolved extraction, before its RDF is made.

A correction is anchored by the document's sha256, the task's key and the mention's span.
When the document has changed (another sha256), the task is found again by its text
(``task_text``, the start of the task as it was) and the mention by its words; a correction
that cannot be placed any more is returned as stale, with the reason, and changes nothing.

>>> from policykg.pipeline import extract_text
>>> ex = extract_text("一、任务\\n1.修路。（牵头单位：县交通局；配合单位：县财政局）\\n")
>>> fix = Correction("c1", "role", "fixes.csv:2", "王研究员", "2026-11-30", "原文为共同牵头",
...                  sha256=ex.sha256, task="body-001", mention="县财政局", value="lead")
>>> fixed, outcomes = apply_corrections(ex, [fix])
>>> [(m.text, m.role) for m in fixed.tasks[0].mentions], outcomes[0].status
([('县交通局', 'lead'), ('县财政局', 'lead')], 'applied')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import cast

from policykg.pipeline.extract import admin_type
from policykg.pipeline.resolve import resolve_unit, theme_names
from policykg.records import ROLES, AppliedCorrection, Correction, Extraction, Mention, Place, Role, Task
from policykg.text.lexicon import ROLE_NAMES

#: what a correction can do (the ``action`` column)
ACTIONS = ("add", "remove", "role", "split", "not-task", "theme", "merge", "alias", "parent")
#: actions about one task of one document; the others (merge, alias, parent) may name no
#: document and then apply wherever the unit or place is met
TASK_ACTIONS = ("add", "remove", "role", "split", "not-task", "theme")
#: role words a curator may write, in either language (the lexicon's, as the query parameters take them)
ROLE_WORDS = cast("dict[str, Role]", ROLE_NAMES)
_PARTS = re.compile(r"[、，,；;/|]+")


@dataclass(frozen=True)
class Outcome:
    """What became of one correction in one document: ``applied``, ``re-anchored`` (applied
    after finding its task or mention again by text), ``stale`` (it no longer fits; ``detail``
    says why) or ``not-here`` (a corpus-wide correction about a unit or place this document
    does not name)."""

    id: str
    source: str
    status: str
    detail: str = ""


def named_themes(value: str) -> tuple[str, ...]:
    """The one or two theme IRIs a curator wrote in ``value`` (names or labels separated by
    、); ValueError when it names none, more than two or one ontology/themes.ttl lacks.

    >>> [t.rsplit("/", 1)[1] for t in named_themes("水利供水、Ecology")]
    ['Water', 'Ecology']
    """
    names = [p.strip() for p in _PARTS.split(value) if p.strip()]
    known = theme_names()
    themes = tuple(dict.fromkeys(known.get(n.lower(), "") for n in names))
    if not 1 <= len(themes) <= 2 or "" in themes:
        raise ValueError(f"theme needs one or two themes in value, separated by 、, each a theme's name or label in "
                         f"ontology/themes.ttl such as 产业农业 or IndustryAgriculture (got {value!r})")
    return themes


def concerns(c: Correction, name: str, sha256: str) -> bool:
    """Whether ``c`` is about the document ``name`` with these bytes (a correction naming no
    document concerns all)."""
    if not c.doc and not c.sha256:
        return True
    return c.doc == name or c.sha256 == sha256


def apply_corrections(ex: Extraction, corrections: Iterable[Correction], text: str | None = None) -> tuple[Extraction, list[Outcome]]:
    """``ex`` with the corrections applied in order, and what became of each. ``text`` is the
    document's source text: an added unit is then anchored on its words in the task."""
    outcomes = []
    for c in corrections:
        fixer = _Fix(ex, c, text)
        try:
            ex = fixer.run()
            outcomes.append(Outcome(c.id, c.source, fixer.status, fixer.detail))
        except _Stale as stale:
            outcomes.append(Outcome(c.id, c.source, "not-here" if stale.not_here else "stale", str(stale)))
    return ex, outcomes


class _Stale(Exception):
    def __init__(self, why: str, *, not_here: bool = False) -> None:
        super().__init__(why)
        self.not_here = not_here


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _snippet(s: str, n: int = 24) -> str:
    s = _norm(s)
    return s if len(s) <= n else s[:n] + "…"


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def _mention_str(ex: Extraction, m: Mention) -> str:
    u = ex.units.get(m.name)
    label = u.label if u else m.name
    return f"{label} ({m.role})"


class _Fix:
    """One correction applied to one extraction."""

    def __init__(self, ex: Extraction, c: Correction, text: str | None) -> None:
        self.ex, self.c, self.text = ex, c, text
        self.status, self.detail = "applied", ""

    def run(self) -> Extraction:
        action = self.c.action
        if action in TASK_ACTIONS:
            return self.on_task()
        if action in ("merge", "alias"):
            return self.rename_units()
        return self.set_parent()

    # --- anchoring ---------------------------------------------------------

    def same_bytes(self) -> bool:
        return bool(self.c.sha256) and self.c.sha256 == self.ex.sha256

    def find_task(self) -> int:
        """The task the correction is about: by its key in the bytes it was made on; in a
        changed document (or with no sha256 to tell), by its first words (``task_text``)."""
        c, tasks = self.c, self.ex.tasks
        by_key = next((i for i, t in enumerate(tasks) if t.key == c.task), None)
        if by_key is not None and self.same_bytes():
            return by_key
        want = _norm(c.task_text)
        if not want:
            why = "the document changed since the correction was made" if c.sha256 else "the row gives no sha256"
            raise _Stale(f"{why} and the row has no task_text to find task {c.task!r} by its words; "
                         "add the task's first words (column task_text)")
        self.status = "re-anchored"
        if by_key is not None and _norm(tasks[by_key].text).startswith(want):
            self.detail = f"task {c.task} found again by its words"
            return by_key
        found = [i for i, t in enumerate(tasks) if _norm(t.text).startswith(want)] or \
                [i for i, t in enumerate(tasks) if want in _norm(t.text)]
        if not found:
            raise _Stale(f"no task starting “{_snippet(c.task_text)}” any more (key {c.task!r})")
        if len(found) > 1:
            raise _Stale(f"{len(found)} tasks read “{_snippet(c.task_text)}”; give a longer task_text")
        self.detail = f"task {c.task} is now {tasks[found[0]].key}"
        return found[0]

    def find_mention(self, t: Task) -> int:
        c = self.c
        if self.same_bytes() and c.start is not None:
            for i, m in enumerate(t.mentions):
                if (m.start, m.end) == (c.start, c.end):
                    return i
        words = [w for w in (c.mention, c.unit) if w]
        found = [i for i, m in enumerate(t.mentions)
                 if m.text in words or m.name in words or self.label(m.name) in words]
        role = ROLE_WORDS.get(c.role.lower())
        if role and len(found) > 1:
            found = [i for i in found if t.mentions[i].role == role] or found
        if not found:
            raise _Stale(f"task {t.key} names no unit “{c.mention or c.unit}” any more")
        if len(found) > 1:
            raise _Stale(f"task {t.key} names “{c.mention or c.unit}” {len(found)} times; give the mention's start and end")
        if not self.same_bytes():
            self.status = "re-anchored"
            self.detail = (self.detail + "; " if self.detail else "") + f"unit “{t.mentions[found[0]].text}” found again by its words"
        return found[0]

    def label(self, name: str) -> str:
        u = self.ex.units.get(name)
        return u.label if u else name

    # --- task actions --------------------------------------------------------

    def on_task(self) -> Extraction:
        ex, c = self.ex, self.c
        if not c.task:
            raise _Stale(f"{c.action} needs the task's key (column task)")
        i = self.find_task()
        t = ex.tasks[i]
        if c.action == "not-task":
            tasks = tuple(replace(x, restates=None) if x.restates == t.key else x for x in ex.tasks if x is not t)
            return self.done(replace(ex, tasks=tasks), t.key, _snippet(t.text, 40), "not a task")
        if c.action == "add":
            return self.add(i, t)
        if c.action == "theme":
            return self.set_themes(t)
        j = self.find_mention(t)
        m = t.mentions[j]
        before = _mention_str(ex, m)
        if c.action == "remove":
            new: tuple[Mention, ...] = ()
        elif c.action == "role":
            role = ROLE_WORDS.get(c.value.strip().lower())
            if role is None:
                raise _Stale(f"value {c.value!r} is not a role; write one of {', '.join(ROLES)}")
            new = (replace(m, role=role, corrections=(*m.corrections, c.id)),)
        else:  # split
            new = self.split(m)
        mentions = (*t.mentions[:j], *new, *t.mentions[j + 1:])
        ex = self.with_task(i, replace(t, mentions=mentions))
        after = "; ".join(_mention_str(ex, x) for x in new) or "—"
        return self.done(ex, t.key, before, after)

    def add(self, i: int, t: Task) -> Extraction:
        c = self.c
        role = ROLE_WORDS.get((c.role or c.value).strip().lower())
        name = c.unit or c.mention
        if role is None or not name:
            raise _Stale("add needs the unit (column unit or mention) and its role (column role)")
        words = c.mention or c.unit
        start, end, anchor = t.start, t.end, t.text
        if self.text is not None:
            anchor = self.text[t.start:t.end]
            at = anchor.find(words)
            if at >= 0:
                start, end, anchor = t.start + at, t.start + at + len(words), words
        ex = self.with_unit(name)
        label = ex.units[name].label
        if any(x.role == role and self.label(x.name) == label for x in t.mentions):
            raise _Stale(f"task {t.key} already names {label} ({role}): the correction changes nothing")
        if anchor != words:
            self.detail = f"the words “{words}” are not in task {t.key}: the assignment is anchored on the whole task"
        m = Mention(anchor, start, end, role, name, corrections=(c.id,))
        self.ex = ex
        ex = self.with_task(i, replace(t, mentions=(*t.mentions, m)))
        return self.done(ex, t.key, "—", _mention_str(ex, m))

    def set_themes(self, t: Task) -> Extraction:
        """The task's one or two themes, as the curator names them (name or label), main
        first; a table row that restates a body task is the same task, so both get them."""
        try:
            themes = named_themes(self.c.value)
        except ValueError as exc:
            raise _Stale(str(exc)) from None
        if themes == t.themes:
            raise _Stale(f"task {t.key} already has that theme: the correction changes nothing")
        body = t.restates or t.key
        tasks = tuple(replace(x, themes=themes) if body in (x.key, x.restates) else x for x in self.ex.tasks)
        ex = replace(self.ex, tasks=tasks)
        return self.done(ex, t.key, "、".join(_short(x) for x in t.themes), "、".join(_short(x) for x in themes))

    def split(self, m: Mention) -> tuple[Mention, ...]:
        parts = [p.strip() for p in _PARTS.split(self.c.value) if p.strip()]
        if len(parts) < 2:
            raise _Stale(f"split needs two or more unit names in value, separated by 、 (got {self.c.value!r})")
        out = []
        for p in parts:
            at = m.text.find(p)
            start, end, text = (m.start + at, m.start + at + len(p), p) if at >= 0 else (m.start, m.end, m.text)
            out.append(Mention(text, start, end, m.role, p, m.prose, (*m.corrections, self.c.id)))
            self.ex = self.with_unit(p)
        return tuple(out)

    def with_unit(self, name: str) -> Extraction:
        ex = self.ex
        if name in ex.units:
            return ex
        return replace(ex, units={**ex.units, name: resolve_unit(name, ex.policy.jurisdiction, ex.aliases)})

    def with_task(self, i: int, t: Task) -> Extraction:
        return replace(self.ex, tasks=tuple(t if k == i else x for k, x in enumerate(self.ex.tasks)))

    # --- units and places ------------------------------------------------------

    def rename_units(self) -> Extraction:
        """merge: every name resolved to the unit ``unit`` now stands for ``value``;
        alias: the name ``unit`` as written is another name of ``value``."""
        ex, c = self.ex, self.c
        if not c.unit or not c.value:
            raise _Stale(f"{c.action} needs the unit (column unit) and the unit it is (column value)")
        if c.action == "merge":
            names = [n for n, u in ex.units.items() if u.label == c.unit or n == c.unit]
        else:
            names = [n for n in ex.units if n == c.unit]
        if not names:
            raise _Stale(f"no unit {c.unit!r} in this document", not_here=not c.doc and not c.sha256)
        target = resolve_unit(c.value, ex.policy.jurisdiction, ex.aliases)
        if all(ex.units[n].id == target.id for n in names):
            raise _Stale(f"{c.unit!r} already stands for {target.label}: the correction changes nothing",
                         not_here=not c.doc and not c.sha256)
        target = replace(target, rule=f"{c.action} ({c.source})")
        before = "; ".join(sorted({ex.units[n].label for n in names}))
        units = {**ex.units, **{n: target for n in names}}
        renamed = set(names)

        def mark(ms: Sequence[Mention]) -> tuple[Mention, ...]:
            return tuple(replace(m, corrections=(*m.corrections, c.id)) if m.name in renamed else m for m in ms)

        tasks = tuple(replace(t, mentions=mark(t.mentions), assessors=mark(t.assessors)) for t in ex.tasks)
        touched = [t.key for t, old in zip(tasks, ex.tasks) if t != old]
        return self.done(replace(ex, units=units, tasks=tasks), touched[0] if len(touched) == 1 else None, before, target.label)

    def set_parent(self) -> Extraction:
        ex, c = self.ex, self.c
        if not c.place or not c.value:
            raise _Stale("parent needs the place (column place) and its parent (column value)")
        found = [p for p in ex.places if p.name == c.place]
        if not found:
            raise _Stale(f"no place {c.place!r} in this document", not_here=not c.doc and not c.sha256)
        p = found[0]
        places = tuple(replace(x, parent=c.value, corrections=(*x.corrections, c.id)) if x is p else x for x in ex.places)
        if not any(x.name == c.value for x in ex.places):
            places += (Place(c.value, _place_type(c.value), None, p.start, p.end),)
        return self.done(replace(ex, places=places), None, f"{p.name} ⊂ {p.parent or '—'}", f"{p.name} ⊂ {c.value}")

    def done(self, ex: Extraction, task: str | None, before: str, after: str) -> Extraction:
        c = self.c
        applied = AppliedCorrection(c.id, c.action, c.source, c.who, c.when, c.why, task, before, after,
                                    "exact" if self.status == "applied" else "re-anchored")
        return replace(ex, corrections=(*ex.corrections, applied))


def _place_type(name: str) -> str:
    """A place's type from its ending, for a parent only a correction names: a town, street
    or village, else a division as the extract stage types a jurisdiction."""
    for suffix, kind in (("街道", "street"), ("镇", "town"), ("乡", "town"), ("村", "village"), ("社区", "village")):
        if name.endswith(suffix):
            return kind
    return admin_type(name)


__all__ = ["ACTIONS", "TASK_ACTIONS", "Outcome", "apply_corrections", "concerns", "named_themes"]
