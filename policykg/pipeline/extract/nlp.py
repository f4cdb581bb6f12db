"""The spaCy pipeline: ``spacy.blank("zh")`` plus policykg's registered components.

Every paragraph (and every table cell that holds units) becomes one ``Doc``; its
settings travel as ``Doc._`` extensions:

* ``in_cell``: a table cell, where a labelled list runs to the next label and a
  verb clause needs no bracket;
* ``default_role``: for a cell, the role its column gives (``None``: labels decide,
  else responsible).

Components, in order:

``policykg_clauses``
    the responsibility clauses of the text (:func:`policykg.pipeline.extract.clauses.find_clauses`)
    → ``doc._.clauses``; an unlabelled unit cell is one clause in its column's role;
``policykg_unit_mentions``
    splits every unit list of every clause into mentions → ``doc.spans["units"]``
    (label = role; ``span._.clause`` and ``span._.marked`` say which clause it came from
    and whether a marker on the unit itself, 县商务局（牵头）, gave the role).

>>> nlp = make_nlp()
>>> doc = nlp(make_doc(nlp, "修路。（牵头单位：县交通局；配合单位：县财政局、各镇）"))
>>> [(s.label_, s.text) for s in doc.spans["units"]]
[('lead', '县交通局'), ('support', '县财政局'), ('support', '各镇')]
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from policykg.pipeline.extract.clauses import Clause, UnitList, find_clauses
from policykg.pipeline.extract.units import split_units_with_roles

_DOC_EXTENSIONS: tuple[tuple[str, object], ...] = (
    ("default_role", None), ("in_cell", False), ("clauses", None), ("source_text", None),
)
_SPAN_EXTENSIONS: tuple[tuple[str, object], ...] = (("clause", -1), ("marked", False))
for _name, _default in _DOC_EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
for _name, _default in _SPAN_EXTENSIONS:
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


@Language.component("policykg_clauses")
def clauses_component(doc: Doc) -> Doc:
    """Find the clauses; an unlabelled unit cell is one list in its column's role."""
    text = doc._.source_text or doc.text  # doc.text is rebuilt from the tokens at each access
    found = find_clauses(text, cell=doc._.in_cell)
    if doc._.in_cell and text.strip():
        first = found[0].start if found else len(text)
        if text[:first].strip():
            role = doc._.default_role or "responsible"
            found.insert(0, Clause(0, first, (UnitList(role, 0, first),), "cell"))
    doc._.clauses = found
    return doc


@Language.component("policykg_unit_mentions")
def unit_mentions(doc: Doc) -> Doc:
    """Split every unit list into unit mention spans."""
    units: list[Span] = []
    text = doc._.source_text or doc.text
    for ci, clause in enumerate(doc._.clauses or ()):
        for ul in clause.lists:
            for _name, s, e, marked in split_units_with_roles(text, ul.start, ul.end):
                span = doc.char_span(s, e, label=marked or ul.role, alignment_mode="expand")
                if span is not None:
                    span._.clause = ci
                    span._.marked = marked is not None
                    units.append(span)
    doc.spans["units"] = units
    return doc


COMPONENTS = ("policykg_clauses", "policykg_unit_mentions")


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The extraction pipeline (built once per process; needs no model download)."""
    nlp = spacy.blank("zh")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def char_words(text: str) -> tuple[list[str], list[bool]]:
    """The tokens of spaCy's Chinese character segmentation, and their trailing spaces: what
    ``spacy.blank("zh").make_doc`` builds (each character a token; a run of other whitespace
    one token), in linear time (spaCy aligns them with a search per token).

    >>> char_words("县 财政局  修路")
    (['县', '财', '政', '局', ' ', '修', '路'], [True, False, False, True, False, False, False])
    """
    words: list[str] = []
    spaces: list[bool] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            words.append(text[i:j])
            spaces.append(False)
            i = j
            continue
        words.append(text[i])
        i += 1
        spaces.append(i < n and text[i] == " ")
        i += spaces[-1]
    return words, spaces


def make_doc(nlp: Language, text: str, *, default_role: str | None = None, in_cell: bool = False) -> Doc:
    """A ``Doc`` with its extraction settings, ready for ``nlp.pipe``."""
    words, spaces = char_words(text)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc._.default_role = default_role
    doc._.in_cell = in_cell
    doc._.source_text = text
    return doc
