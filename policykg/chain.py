"""The policy chain: which documents of a corpus implement which, and which of their tasks
carry out which task of the document they implement.

A plan names the documents it implements (``Policy.implements``: the 《…》 titles of its
title and opening). A cited title is matched to a document of the corpus by its
*title key*: quotes, spaces and punctuation dropped, full-width characters made half-width,
a notice that issues a plan (关于印发《X》的通知) read as X, and the issuers before 关于
left out; failing that, the same without years. A title that matches no document (or
more than one) stays a placeholder policy with its title.

Then tasks: each task of a plan that implements a document of the corpus is compared
with that document's tasks by the words they use (character 1–2-gram TF-IDF cosine of
title and text, unit brackets left out, the tasks of the two documents only) and linked
to the most similar one when the score reaches :data:`TASK_THRESHOLD`. Several tasks may
carry out one (a provincial task decomposed into county tasks); a local task with no
counterpart stays unlinked.

>>> title_key("江川省人民政府办公厅关于印发《江川省农村人居环境整治提升行动方案（2026—2028年）》的通知")
'江川省农村人居环境整治提升行动方案(2026—2028年)'
>>> title_key("中共甲省委 甲省人民政府关于推进乡村振兴的实施意见")
'推进乡村振兴的实施意见'
>>> title_key("《农村人居环境整治提升五年行动方案（2021—2025年）》", years=False)
'农村人居环境整治提升五年行动方案'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from policykg.records import ID_BASE
from policykg.text.patterns import RESPONSIBILITY_BRACKET

#: least similarity for a task to be linked to a task of the document it implements: chosen on
#: a development pair of plans (tests/fixtures/chain/dev), between the best score of a task
#: with no counterpart there (0.117) and the least of a task with one (0.200); measured on
#: another corpus (tests/fixtures/chain) by tests/test_chain.py
TASK_THRESHOLD = 0.15

_DROP = re.compile(r"[\s《》〈〉<>“”\"'‘’「」『』,，、;；:：.。·•!！?？]")
_ISSUES = re.compile(r"关于(?:印发|转发|下发|印送)(.+?)的(?:通知|函|决定)$")
_YEARS = re.compile(r"\(?\d{4}\s*[—\-–－~～至到]+\s*\d{4}\s*年?(?:度)?\)?|\(?\d{4}年(?:度)?\)?")


def title_key(title: str, *, years: bool = True) -> str:
    """What a document's title and a citation of it have in common (see the module)."""
    t = _DROP.sub("", unicodedata.normalize("NFKC", title))
    m = _ISSUES.search(t)
    if m:
        t = m.group(1)
    if "关于" in t:
        t = t.split("关于", 1)[1]
    if not years:
        t = _YEARS.sub("", t)
    return t


@dataclass(frozen=True)
class ChainDocument:
    """What the chain needs of one document."""

    doc_id: str
    title: str | None
    jurisdiction: str | None
    implements: tuple[str, ...]


@dataclass(frozen=True)
class PolicyLink:
    """A document that cites another as the one it implements."""

    doc_id: str
    cited: str
    #: the document of the corpus it names, or None (a placeholder policy)
    target: str | None


@dataclass(frozen=True)
class TaskLink:
    """A task that carries out a task of the document its plan implements."""

    doc_id: str
    key: str
    target_doc: str
    target_key: str
    score: float


@dataclass(frozen=True)
class ChainTask:
    key: str
    title: str | None
    text: str


def policy_links(documents: Sequence[ChainDocument]) -> list[PolicyLink]:
    """Each citation of each document, with the document of the corpus it names if one does."""
    exact: dict[str, set[str]] = defaultdict(set)
    loose: dict[str, set[str]] = defaultdict(set)
    for d in documents:
        if d.title:
            exact[title_key(d.title)].add(d.doc_id)
            loose[title_key(d.title, years=False)].add(d.doc_id)
    links = []
    for d in documents:
        seen: set[str | None] = set()
        for cited in d.implements:
            found = (exact.get(title_key(cited)) or loose.get(title_key(cited, years=False)) or set()) - {d.doc_id}
            target = next(iter(found)) if len(found) == 1 else None
            if target is not None and target in seen:
                continue  # one document cited twice (two spellings of its title)
            seen.add(target)
            links.append(PolicyLink(d.doc_id, cited, target))
    return links


def _text(t: ChainTask) -> str:
    return RESPONSIBILITY_BRACKET.sub("", (t.title or "") + " " + t.text)


def task_links(links: Iterable[PolicyLink], tasks: Callable[[str], Sequence[ChainTask]],
               threshold: float = TASK_THRESHOLD) -> list[TaskLink]:
    """The tasks of each implementing document linked to their counterparts in the document
    it implements (``tasks``: a document's tasks by its id)."""
    links = [link for link in links if link.target is not None]
    if not links:
        return []  # (and scikit-learn, seconds to import, is not)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    out = []
    for link in links:
        assert link.target is not None
        mine, theirs = tasks(link.doc_id), tasks(link.target)
        if not mine or not theirs:
            continue
        texts = [_text(t) for t in mine] + [_text(t) for t in theirs]
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit(texts)
        sim = cosine_similarity(vec.transform(texts[: len(mine)]), vec.transform(texts[len(mine):]))
        for i, t in enumerate(mine):
            j = int(sim[i].argmax())
            if sim[i, j] >= threshold:
                out.append(TaskLink(link.doc_id, t.key, link.target, theirs[j].key, round(float(sim[i, j]), 3)))
    return out


def placeholder_id(cited: str) -> str:
    """The id of the placeholder policy of a title no document of the corpus has: the same
    for every spelling with the same title key."""
    return hashlib.sha256(title_key(cited).encode("utf-8")).hexdigest()[:16]


#: the named graph of the chain's statements (made from the whole corpus at each build)
CHAIN_GRAPH = ID_BASE + "chain"


@dataclass(frozen=True)
class Chain:
    """The policy chain of a corpus."""

    policies: list[PolicyLink]
    tasks: list[TaskLink]

    @property
    def in_corpus(self) -> int:
        """Citations that name a document of the corpus."""
        return sum(1 for p in self.policies if p.target is not None)


def corpus_chain(documents: Sequence[ChainDocument], tasks: Callable[[str], Sequence[ChainTask]]) -> Chain:
    """The chain of these documents (``tasks``: a document's tasks by its id, read only for
    documents that implement another of the corpus, or are implemented)."""
    links = policy_links(documents)
    return Chain(links, task_links(links, tasks))


def chain_nquads(chain: Chain) -> bytes:
    """The chain as N-Quads of :data:`CHAIN_GRAPH`, lines sorted:

    * ``<policy> eli:implements <policy>`` for a citation of a document of the corpus;
    * for a title no document has, ``eli:implements`` a ``pkg:CitedPolicy`` with that title
      (one node for every spelling with the same title key);
    * ``<task> pkg:implementsTask <task>``, and a ``pkg:TaskLink`` that says how similar they are.
    """
    import pyoxigraph as ox

    from policykg.namespace import DCTERMS, ELI, PKG, RDF, XSD
    from policykg.pipeline.rdf import iri

    g = ox.NamedNode(CHAIN_GRAPH)
    a, title, implements = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DCTERMS.title)), ox.NamedNode(str(ELI.implements))
    pkg = {n: ox.NamedNode(str(PKG[n])) for n in ("CitedPolicy", "TaskLink", "implementsTask", "linkSource",
                                                  "linkTarget", "similarity")}
    decimal = ox.NamedNode(str(XSD.decimal))
    quads: list[ox.Quad] = []
    for p in chain.policies:
        source = iri("policy", p.doc_id)
        if p.target is not None:
            quads.append(ox.Quad(source, implements, iri("policy", p.target), g))
            continue
        cited = iri("cited-policy", placeholder_id(p.cited))
        quads += [ox.Quad(source, implements, cited, g), ox.Quad(cited, a, pkg["CitedPolicy"], g),
                  ox.Quad(cited, title, ox.Literal(p.cited), g)]
    for t in chain.tasks:
        task, target = iri("task", t.doc_id, t.key), iri("task", t.target_doc, t.target_key)
        link = iri("task-link", t.doc_id, t.key)
        quads += [ox.Quad(task, pkg["implementsTask"], target, g), ox.Quad(link, a, pkg["TaskLink"], g),
                  ox.Quad(link, pkg["linkSource"], task, g), ox.Quad(link, pkg["linkTarget"], target, g),
                  ox.Quad(link, pkg["similarity"], ox.Literal(f"{t.score:.3f}", datatype=decimal), g)]
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return b"".join(line + b"\n" for line in sorted(set(data.splitlines())) if line)
