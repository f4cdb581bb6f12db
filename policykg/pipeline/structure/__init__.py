"""Structure: a :class:`~policykg.records.SourceDocument` → its outline, tables and metadata.

Layout rules only (numbering, tables, page-break wraps, front matter); no wording
of any particular document, and no decision about what a task is (that follows
from the responsibility clauses, in :mod:`policykg.pipeline.extract.scope`).

>>> from policykg.records import SourceDocument
>>> from policykg.pipeline.ingest.text import line_blocks
>>> text = "某县修路方案\\n一、任务\\n1.修路。（责任单位：县交通局）\\n"
>>> s = structure_document(SourceDocument("a.txt", "a.txt", "0" * 64, "txt", "utf-8", text, tuple(line_blocks(text))))
>>> [(n.number, n.head.text) for n in s.outline.nodes()], s.policy.title
([('一、', '任务'), ('1.', '修路。（责任单位：县交通局）')], '某县修路方案')
"""

from __future__ import annotations

from policykg.pipeline.structure.front import extract_policy
from policykg.pipeline.structure.outline import Node, build_outline
from policykg.records import SourceDocument, Structure
from policykg.text.textview import TextView

__all__ = ["Node", "structure_document"]


def front_matter(root: Node) -> list[TextView]:
    """The paragraphs before the first numbered line or table: where metadata is read."""
    out: list[TextView] = []
    for item in root.items:
        if not isinstance(item, TextView):
            break
        out.append(item)
    return out


def structure_document(doc: SourceDocument) -> Structure:
    """The outline (numbered lines as a tree, paragraphs and table rows under them) and
    the policy metadata of a document."""
    root = build_outline(doc)
    front = front_matter(root)
    return Structure(extract_policy(front, _rest(root, len(front))), root)


def _rest(root: Node, skip: int) -> list[TextView]:
    """Every paragraph and head after the front matter (where a signature may stand)."""
    out: list[TextView] = []

    def walk(node: Node) -> None:
        for item in node.items:
            if isinstance(item, TextView):
                out.append(item)
            elif isinstance(item, Node):
                if item.head is not None:
                    out.append(item.head)
                walk(item)

    walk(root)
    return out[skip:]
