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

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .labels import find_labels
from .prose import find_prose
from .units import split_units

PIPELINE_VERSION = "policykg-extract-1"

for _name, _default in (("default_role", None), ("in_cell", False), ("allow_prose", False)):
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
    labelled = find_labels(doc.text, cell=doc._.in_cell)
    if doc._.in_cell:
        first = labelled[0].label_start if labelled else len(doc.text)
        if doc.text[:first].strip():
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
    for lst in doc.spans["lists"]:
        for _name, s, e in split_units(doc.text, lst.start_char, lst.end_char):
            span = _span(doc, s, e, lst.label_)
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
    for role, _name, s, e in find_prose(doc.text):
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


def make_doc(nlp: Language, text: str, *, default_role: str | None = None, in_cell: bool = False, allow_prose: bool = False) -> Doc:
    """A ``Doc`` with its extraction settings, ready for ``nlp.pipe``."""
    doc = nlp.make_doc(text)
    doc._.default_role = default_role
    doc._.in_cell = in_cell
    doc._.allow_prose = allow_prose
    return doc
