"""Abbreviations a document defines for its own units (全称（以下简称“简称”）).

Finding them is reading the text; using them to name a unit is resolve's job
(:func:`policykg.pipeline.resolve.canonical_name` takes them as ``defined``).
"""

from __future__ import annotations

import re


def defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a document defines: 陆河县革命老区振兴发展领导小组办公室（以下简称县老区办）.

    >>> defined_abbreviations("成立某县领导小组办公室（以下简称“县某办”），负责")
    {'县某办': '某县领导小组办公室'}
    """
    out: dict[str, str] = {}
    for m in re.finditer(
        r"([\u4e00-\u9fff]{4,30}?(?:办公室|委员会|领导小组|中心|局|委|办))(?:具体)?(?:负责|牵头)?\s*[（(]\s*(?:以下)?简称\s*[：:]?\s*[“\"]?([\u4e00-\u9fff]{2,10}?)[”\"]?\s*[)）,，;；]",
        text,
    ):
        full, short = m.group(1), m.group(2)
        full = re.split(r"由|成立|设立|组建", full)[-1]  # 具体事务由X负责(简称Y): the name starts after 由
        if len(short) < len(full):
            out[short] = full
    for m in re.finditer(r"([\u4e00-\u9fff]{6,30}?(?:办公室|领导小组|委员会|中心))\s*[（(]\s*([\u4e00-\u9fff]{2,6}办|[\u4e00-\u9fff]{2,6}委)\s*[)）]", text):
        full, short = re.sub(r"^(?:成立|设立|组建|由|设|在)", "", m.group(1)), m.group(2)
        out.setdefault(short, full)
    return out
