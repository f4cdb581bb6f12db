"""Curation: what most needs a human look (``policykg review``), and the curator's
corrections files (``policykg build --corrections DIR``).

A corrections file is a CSV with the columns of :data:`COLUMNS` (the review file has them
too, with ``issue`` and ``snippet`` before: fill in ``action``, ``who``, ``when`` and ``why``
on the rows to change, and keep the file under version control). Rows with no action
(or ``keep``) are ignored. What each action reads:

===========  ==========================================================================
add          task (+ task_text), unit, role; mention: the unit's words in the task
remove       task, mention with start/end (or unit)
role         task, mention with start/end (or unit); value: the new role
split        task, mention with start/end; value: the units, separated by 、
not-task     task (+ task_text)
theme        task (+ task_text); value: its one or two themes (name or label), separated by 、
merge        unit: the unit to merge; value: the unit it is (doc optional: all documents)
alias        unit: a name as written; value: the unit it names (doc optional)
parent       place; value: its parent (doc optional)
===========  ==========================================================================

Each row's id is a hash of what it changes and where, so it is the same in every build;
``doc``/``sha256``/``task``/``start``/``end`` anchor it, ``task_text`` and ``mention`` find it
again when the document changes (see :mod:`policykg.pipeline.correct`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from policykg.errors import CorrectionsError
from policykg.pipeline.correct import ACTIONS, ROLE_WORDS, TASK_ACTIONS, Outcome, concerns, named_themes
from policykg.pipeline.resolve import UNCLASSIFIED
from policykg.records import Correction, Extraction, Mention, Problem, Task

#: the columns of a corrections file, in order
COLUMNS = ("action", "doc", "sha256", "task", "task_text", "mention", "start", "end", "unit", "role", "place",
           "value", "who", "when", "why")
#: the review file's columns: why the row needs a look, the words it is about, then COLUMNS
REVIEW_COLUMNS = ("issue", "snippet", *COLUMNS)
#: the fields that make a row's id: what it changes and where, not who or why
_ID_FIELDS = ("action", "doc", "sha256", "task", "task_text", "mention", "start", "end", "unit", "role", "place", "value")


@dataclass
class Corrections:
    """The corrections read from a file or folder, and the rows that could not be used."""

    rows: list[Correction] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def for_document(self, name: str, sha256: str) -> tuple[Correction, ...]:
        """The corrections that concern one document, in file order."""
        return tuple(c for c in self.rows if concerns(c, name, sha256))


def corrections_digest(rows: Iterable[Correction]) -> str:
    """A hash of the corrections that concern one document (empty when none): a document
    built before with other corrections is built again."""
    ids = [c.id + c.who + c.when + c.why + c.source for c in rows]
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16] if ids else ""


def load_corrections(path: str | Path) -> Corrections:
    """The corrections in ``path``: a CSV file, or every ``*.csv`` of a folder (in name order).

    Raises
    ------
    CorrectionsError
        ``path`` does not exist or a file cannot be read as CSV text.
    """
    p = Path(path)
    if not p.exists():
        raise CorrectionsError(f"{path}: no such corrections file or folder. Give the folder that holds your corrections/*.csv")
    files = sorted(f for f in p.iterdir() if f.suffix.lower() == ".csv" and f.is_file()) if p.is_dir() else [p]
    out = Corrections()
    seen: dict[str, str] = {}
    for f in files:
        try:
            text = f.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CorrectionsError(f"{f}: cannot be read as UTF-8 CSV ({exc}). Save it as UTF-8 CSV") from None
        reader = csv.DictReader(io.StringIO(text))
        header = {(n or "").strip().lower() for n in reader.fieldnames or ()}
        missing = [c for c in ("action", "who", "when", "why") if c not in header]
        if missing:
            out.problems.append(Problem(f.name, f"no {', '.join(missing)} column(s); a corrections file has the columns "
                                                f"{', '.join(COLUMNS)} (the review file has them too)", "warning"))
            continue
        for line, raw in enumerate(reader, 2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            if row.get("action", "").lower() in ("", "keep") or row["action"].startswith("#"):
                continue
            source = f"{f.name}:{line}"
            try:
                c = _correction(row, source)
            except ValueError as exc:
                out.problems.append(Problem(source, f"correction not used: {exc}", "warning"))
                continue
            if c.id in seen:
                out.problems.append(Problem(source, f"correction not used: it makes the same change as {seen[c.id]}; "
                                                    "delete one of the two rows", "warning"))
                continue
            seen[c.id] = source
            out.rows.append(c)
    return out


def _correction(row: dict[str, str], source: str) -> Correction:
    """One row → a correction; ValueError says what is missing or wrong."""
    action = row["action"].lower()
    if action not in ACTIONS:
        raise ValueError(f"action {row['action']!r} is not one of {', '.join(ACTIONS)}")
    for col in ("who", "when", "why"):
        if not row.get(col):
            raise ValueError(f"column {col} is empty; every correction says who made it, when and why")
    if action in TASK_ACTIONS and not (row.get("task") and (row.get("doc") or row.get("sha256"))):
        raise ValueError(f"{action} needs the document (doc or sha256) and the task's key (task)")
    role = (row.get("value") if action == "role" else row.get("role") or row.get("value")) or ""
    if action in ("role", "add") and role.lower() not in ROLE_WORDS:
        raise ValueError(f"{action} needs a role ({', '.join(r for r in ROLE_WORDS if r.isascii())} or 牵头/配合/责任)")
    if action == "theme":
        named_themes(row.get("value", ""))
    span = []
    for col in ("start", "end"):
        try:
            span.append(int(row[col]) if row.get(col) else None)
        except ValueError:
            raise ValueError(f"column {col} is {row[col]!r}, not a character offset") from None
    key = "\x1f".join(row.get(k, "") for k in _ID_FIELDS)
    return Correction(
        id=hashlib.sha256(key.encode()).hexdigest()[:12], action=action, source=source, who=row["who"],
        when=_when(row["when"]), why=row["why"], doc=row.get("doc", ""), sha256=row.get("sha256", ""),
        task=row.get("task", ""), task_text=row.get("task_text", ""), mention=row.get("mention", ""),
        start=span[0], end=span[1], unit=row.get("unit", ""), role=row.get("role", ""), place=row.get("place", ""),
        value=row.get("value", ""),
    )


def _when(value: str) -> str:
    """A date or date and time as xsd:dateTime's lexical form (a date is its midnight; a time
    zone such as +08:00 or Z is kept)."""
    try:
        return datetime.fromisoformat(value).isoformat(timespec="seconds")  # a time zone, if given, is kept
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time()).isoformat(timespec="seconds")
    except ValueError:
        raise ValueError(f"when is {value!r}; write a date as 2026-11-30 (or 2026-11-30T14:00)") from None


@dataclass
class CorrectionReport:
    """What became of every correction in a build: applied (with how many documents),
    re-anchored, stale (with why) and unusable rows."""

    applied: dict[str, list[str]] = field(default_factory=dict)
    reanchored: list[tuple[str, str, str]] = field(default_factory=list)
    #: corrections applied with a remark (an added unit whose words are not in the task)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    stale: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_problems(self) -> list[Problem]:
        """Unusable rows, stale corrections and corrections applied with a remark, as the
        build's warnings (each naming the row and what to do)."""
        out = list(self.problems)
        out += [Problem(src, f"stale correction ({why}): it changed nothing; update or delete the row", "warning")
                for src, _doc, why in self.stale]
        out += [Problem(src, f"correction applied to {doc}, but {why}", "warning") for src, doc, why in self.notes]
        return out

    def counts(self) -> dict[str, int]:
        return {"applied": len(self.applied), "reanchored": len(self.reanchored), "stale": len(self.stale),
                "unusable": len(self.problems)}


def correction_report(corrections: Corrections, outcomes: dict[str, list[dict[str, Any]]]) -> CorrectionReport:
    """Gather each document's outcomes (``name -> [Outcome as dict]``) into one report: a
    correction naming a document is stale there when it did not fit, or when no document of
    the build is the one it names; one naming no document is stale when it fitted nowhere."""
    report = CorrectionReport(problems=list(corrections.problems))
    met: dict[str, list[tuple[str, Outcome]]] = {}
    for name, items in outcomes.items():
        for item in items:
            o = Outcome(**item)
            met.setdefault(o.id, []).append((name, o))
    for c in corrections.rows:
        seen = met.get(c.id, [])
        done = [name for name, o in seen if o.status in ("applied", "re-anchored")]
        if done:
            report.applied[c.source] = done
        report.reanchored += [(c.source, name, o.detail) for name, o in seen if o.status == "re-anchored"]
        report.notes += [(c.source, name, o.detail) for name, o in seen if o.status == "applied" and o.detail]
        stale = [(c.source, name, f"{name}: {o.detail}") for name, o in seen if o.status == "stale"]
        if not seen:
            stale.append((c.source, c.doc, f"no document {c.doc or c.sha256[:12]!r} in this build"))
        elif not done and not stale:
            nothing = sorted({o.detail for _, o in seen if "changes nothing" in o.detail})
            stale.append((c.source, "", nothing[0] if nothing else f"no document of the build names {c.unit or c.place!r}"))
        report.stale += stale
    return report


# --- review -------------------------------------------------------------------


def review_rows(extractions: Iterable[Extraction], *, everything: Iterable[str] = ()) -> list[dict[str, str]]:
    """What most needs a human look, one row each: documents not understood, leftovers of
    the self-check (clauses that govern no task), suspicious mentions (a person, a sentence,
    a fragment), mentions of units with no type, low-confidence assignments (a unit read
    outside the task's own words: from a lead-in, a heading or a note; a task with two labels
    of the same role), numbering gaps, tasks no theme's words were found in; and every
    assignment of the documents named in ``everything``.
    Each row carries the columns of a correction, ready to be given an action."""
    chosen = set(everything)
    rows: list[dict[str, str]] = []
    for ex in extractions:
        rows += _Review(ex).rows(ex.doc in chosen)
    return rows


class _Review:
    def __init__(self, ex: Extraction) -> None:
        self.ex = ex

    def base(self, issue: str, snippet: str, **cols: Any) -> dict[str, str]:
        row = dict.fromkeys(REVIEW_COLUMNS, "")
        row.update(issue=issue, snippet=snippet, doc=self.ex.doc, sha256=self.ex.sha256)
        row.update({k: "" if v is None else str(v) for k, v in cols.items()})
        return {k: re.sub(r"\s+", " ", v) if k in ("snippet", "task_text") else v for k, v in row.items()}

    def task_at(self, start: int) -> Task | None:
        inside = [t for t in self.ex.tasks if t.start <= start < t.end]
        return min(inside, key=lambda t: t.end - t.start) if inside else None

    def task_cols(self, t: Task | None) -> dict[str, str]:
        return {"task": t.key, "task_text": t.text[:30]} if t is not None else {}

    def mention_cols(self, t: Task, m: Mention) -> dict[str, Any]:
        u = self.ex.units.get(m.name)
        return {**self.task_cols(t), "mention": m.text, "start": m.start, "end": m.end,
                "unit": u.label if u else m.name, "role": m.role}

    def rows(self, everything: bool) -> list[dict[str, str]]:
        ex, check = self.ex, self.ex.check
        out = []
        if not check.understood:
            out.append(self.base("not understood: responsibility words but no task assigns a unit", ex.policy.title or ""))
        mentions = {(m.start, m.end): (t, m) for t in ex.tasks for m in t.mentions}
        for left in check.leftovers:
            if (left.start, left.end) in mentions:
                t, m = mentions[left.start, left.end]
                out.append(self.base(f"suspicious: {left.why}", t.text[:60], **self.mention_cols(t, m)))
            else:
                out.append(self.base(f"leftover: {left.why}", left.text, **self.task_cols(self.task_at(left.start))))
        out += self.mention_rows({(x.start, x.end) for x in check.leftovers})
        by_key = {t.key: t for t in ex.tasks}
        for key in check.duplicate_roles:
            dup = by_key.get(key)
            out.append(self.base("low confidence: two labels of the same role", dup.text[:60] if dup else "",
                                 **self.task_cols(dup)))
        for gap in check.numbering_gaps:
            out.append(self.base(f"low confidence: numbering gap ({gap}); a task may be missing", ""))
        for t in ex.tasks:
            if t.themes == (UNCLASSIFIED,):
                out.append(self.base("unclassified: no theme's words are in the task's text (action theme gives it "
                                     "one; or add the words to ontology/themes.ttl)", t.text[:60], **self.task_cols(t)))
        if everything:
            for t in ex.tasks:
                for m in t.mentions:
                    out.append(self.base("assignment", t.text[:60], **self.mention_cols(t, m)))
        return out

    def mention_rows(self, flagged: set[tuple[int, int]]) -> list[dict[str, str]]:
        """Units with no type, and units read outside their task's words (not already flagged)."""
        out = []
        for t in self.ex.tasks:
            for m in t.mentions:
                u = self.ex.units.get(m.name)
                if u is not None and u.type.endswith("/Other") and (m.start, m.end) not in flagged:
                    out.append(self.base("unresolved: the unit has no type", t.text[:60], **self.mention_cols(t, m)))
        for t in self.ex.tasks:
            for m in t.mentions:
                if not t.start <= m.start < t.end and (m.start, m.end) not in flagged:
                    out.append(self.base("low confidence: the unit is read outside the task's own words (a lead-in, "
                                         "a heading or a note)", t.text[:60], **self.mention_cols(t, m)))
        return out


__all__ = ["COLUMNS", "REVIEW_COLUMNS", "CorrectionReport", "Corrections", "correction_report", "corrections_digest",
           "load_corrections", "review_rows"]
