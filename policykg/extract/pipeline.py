"""The spaCy pipeline: ``spacy.blank("zh")`` plus policykg's registered components.

Each text that can name units (a task body, a 责任单位 cell, a label paragraph)
becomes one ``Doc``; its settings travel as ``Doc._`` extensions:

* ``default_role``: the role a table column gives (``None``: labels decide,
  else responsible);
* ``in_cell``: a table cell, where a labelled list runs to the next label;
* ``allow_prose``: look for 由X负责 / X牵头 / X要… when no label is present.

Components, in order:

``policykg_role_labels``
    labelled lists (牵头单位：…) and unlabelled unit cells → ``doc.spans["lists"]``
``policykg_unit_mentions``
    splits each list into unit mentions → ``doc.spans["units"]`` (label = role)
``policykg_prose_assignments``
    prose assignments when no list was found → ``doc.spans["units"]`` with ``span._.prose``
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .labels import find_labels
from .prose import find_prose
from .units import split_units_with_roles

#: "the first unit listed leads" formulas inside a 责任单位 list
FIRST_LEADS_RE = re.compile(r"(?:排在|列在?|排名)?第一(?:位|个|家)?(?:的|单位)?(?:为|是)牵头")
OTHERS_SUPPORT_RE = re.compile(r"(?:其他|其余|其它)(?:单位)?(?:为|是)(?:配合|协办)")

def _code_fingerprint() -> str:
    """A hash of the code that shapes extraction, so a rebuild after any rule change
    re-extracts every document instead of reusing stale results."""
    import hashlib
    from pathlib import Path

    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for p in sorted([*pkg.glob("*.py"), *pkg.glob("extract/*.py"), *pkg.glob("ingest/*.py"), *pkg.parent.glob("ontology/*.ttl")]):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


PIPELINE_VERSION = f"policykg-extract-1+{_code_fingerprint()}"

for _name, _default in (("default_role", None), ("in_cell", False), ("allow_prose", False), ("title_end", 0), ("first_leads", False)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
if not Span.has_extension("prose"):
    Span.set_extension("prose", default=False)


def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


@Language.component("policykg_role_labels")
def role_labels(doc: Doc) -> Doc:
    """Find labelled lists; an unlabelled unit cell is one list in its column's role."""
    lists: list[Span] = []
    text = doc.text  # built from the tokens at each access: read it once
    labelled = find_labels(text, cell=doc._.in_cell)
    if doc._.in_cell:
        first = labelled[0].label_start if labelled else len(text)
        if text[:first].strip():
            span = _span(doc, 0, first, doc._.default_role or "responsible")
            if span is not None:
                lists.append(span)
    for item in labelled:
        span = _span(doc, item.start, item.end, item.role)
        if span is not None:
            lists.append(span)
    doc.spans["lists"] = lists
    return doc


@Language.component("policykg_unit_mentions")
def unit_mentions(doc: Doc) -> Doc:
    """Split every list span into unit mention spans."""
    units: list[Span] = []
    text = doc.text
    for lst in doc.spans["lists"]:
        found = split_units_with_roles(text, lst.start_char, lst.end_char)
        listed = text[lst.start_char : lst.end_char]
        first_leads = lst.label_ == "responsible" and (doc._.first_leads or FIRST_LEADS_RE.search(listed))
        others_support = first_leads and OTHERS_SUPPORT_RE.search(listed)
        for n, (_name, s, e, marked) in enumerate(found):
            role = lst.label_
            if role == "responsible" and marked:
                role = marked  # 县商务局（牵头）inside a 责任单位 list
            elif first_leads:
                role = "lead" if n == 0 else ("support" if others_support else role)
            span = _span(doc, s, e, role)
            if span is not None:
                units.append(span)
    doc.spans["units"] = units
    return doc


@Language.component("policykg_prose_assignments")
def prose_assignments(doc: Doc) -> Doc:
    """Prose assignments, only where no labelled list governs the text."""
    if not doc._.allow_prose or len(doc.spans["lists"]):
        return doc
    units = list(doc.spans["units"])
    for role, _name, s, e in find_prose(doc.text, skip=doc._.title_end):
        span = _span(doc, s, e, role)
        if span is not None:
            span._.prose = True
            units.append(span)
    doc.spans["units"] = units
    return doc


COMPONENTS = ("policykg_role_labels", "policykg_unit_mentions", "policykg_prose_assignments")


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The extraction pipeline (built once per process; needs no model download)."""
    nlp = spacy.blank("zh")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def make_doc(
    nlp: Language, text: str, *, default_role: str | None = None, in_cell: bool = False, allow_prose: bool = False,
    title_end: int = 0,
    first_leads: bool = False,
) -> Doc:
    """A ``Doc`` with its extraction settings, ready for ``nlp.pipe``.

    ``title_end``: the text starts with a run-in title this long (plus its 。);
    prose in a title is not read as an assignment.
    """
    doc = nlp.make_doc(text)
    doc._.default_role = default_role
    doc._.in_cell = in_cell
    doc._.allow_prose = allow_prose
    doc._.title_end = title_end
    doc._.first_leads = first_leads
    return doc
