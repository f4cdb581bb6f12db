"""Table rows that restate body tasks.

Many plans say each task twice: once in the body (a numbered paragraph) and again as a
row of the annexed task table (任务分解表), usually cut into smaller rows and with the
responsible units added. Counted apart, the plan seems to have twice its tasks. A row
*restates* a body task of the same document when most of what it says is in that task:
the share of the row's character bigrams found in the body task's text (containment,
over text with unit brackets, punctuation and spaces stripped) is at least
:data:`THRESHOLD`. A row gets at most one body task (the best; on a tie, the one nearest
after the previous row's, since tables follow the body's order); several rows may
restate one body task. The body task is the canonical one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policykg.records import Task
from policykg.text.patterns import RESPONSIBILITY_BRACKET

#: the least share of a row's bigrams that must occur in a body task
THRESHOLD = 0.5
#: rows with fewer distinct bigrams than this say too little to be matched
MIN_BIGRAMS = 8

_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")


def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a task's wording, unit brackets and punctuation left out.

    >>> sorted(bigrams("修建村道。（牵头单位：县交通局）"))
    ['修建', '建村', '村道']
    """
    plain = _NOT_TEXT.sub("", RESPONSIBILITY_BRACKET.sub("", text))
    return frozenset(plain[i:i + 2] for i in range(len(plain) - 1))


def containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """The share of ``part``'s bigrams that occur in ``whole`` (0 when ``part`` is empty)."""
    return len(part & whole) / len(part) if part else 0.0


def restated(tasks: Sequence[Task]) -> dict[str, str]:
    """Row key → the key of the body task it restates, for the rows that restate one.

    >>> from policykg.records import Task
    >>> body = Task("body-001", None, "实施农村公路畅通工程，完善高速公路互通立交布局，提高国省道等级。", None, 0, 30)
    >>> row = Task("t1-row-001", None, "实施农村公路畅通工程，提高国省道等级。", None, 90, 110, kind="row")
    >>> other = Task("t1-row-002", None, "加强农村饮水安全巩固提升，推进村村通自来水。", None, 120, 140, kind="row")
    >>> restated([body, row, other])
    {'t1-row-001': 'body-001'}
    """
    body = [(i, t.key, bigrams((t.title or "") + t.text)) for i, t in enumerate(t for t in tasks if t.kind != "row")]
    if not body:
        return {}
    links: dict[str, str] = {}
    last = -1
    for row in (t for t in tasks if t.kind == "row"):
        grams = bigrams(row.text)
        if len(grams) < MIN_BIGRAMS:
            continue
        scored = [(containment(grams, g), i, key) for i, key, g in body]
        best = max(s for s, _, _ in scored)
        if best < THRESHOLD:
            continue
        # among the best (within a hair), the first at or after the previous match
        tied = [(i, key) for s, i, key in scored if s >= best - 0.02]
        i, key = min(tied, key=lambda c: (c[0] < last, abs(c[0] - last)))
        links[row.key] = key
        last = i
    return links
