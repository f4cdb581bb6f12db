"""policykg: who is responsible for what, from Chinese government policy documents.

>>> import policykg
>>> ex = policykg.extract_text("一、任务\\n1.修路。（责任单位：县交通局）\\n")
>>> [(m.role, m.name) for m in ex.tasks[0].mentions]
[('responsible', '县交通局')]
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import PolicyKGError
from .extract import extract_document, extract_text
from .ingest import read_document

__all__ = ["__version__", "PolicyKGError", "extract_document", "extract_text", "read_document"]
