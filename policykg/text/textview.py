"""Cleaned views of document text that keep offsets back to the source.

Extraction never edits :attr:`SourceDocument.text`. It works on a
:class:`TextView`: the same characters with conversion artefacts (``<p>``,
``**``, ``[bookmark: _GoBack]``) and page-break gaps left out, Traditional
characters mapped to Simplified and full-width letters and digits to ASCII
(one character for one, so lengths never change), plus an offset for every
character pointing back into the source text.

>>> v = TextView.of("<p>县財政局</p>")
>>> v.text, v.raw
('县财政局', '县財政局')
>>> v.source_span(0, 4)
(3, 7)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ARTEFACT_RE = re.compile(
    r"\[bookmark:[^\]\n]{0,80}\]"  # Word bookmarks that converters print
    r"|</?(?:p|br|span|div|b|strong|i|em|u|font|td|tr)\b[^<>\n]{0,80}>"  # stray tags
    r"|\*\*"  # markdown bold markers
    r"|[\u200b\u200c\u200d\ufeff]",  # zero-width characters and a stray BOM
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """Map one character to its matching form, always one character long.

    >>> fold_char("縣"), fold_char("１"), fold_char("、")
    ('县', '1', '、')
    """
    o = ord(ch)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return unicodedata.normalize("NFKC", ch)
    if ch in "\u00a0\u3000":
        return " "
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        out = _t2s().convert(ch)
        return out if len(out) == 1 else ch
    return ch


class _FoldTable(dict[int, str]):
    """A :meth:`str.translate` table filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = out = fold_char(chr(code))
        return out


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Fold a whole string character by character (see :func:`fold_char`).

    >>> fold("縣財政局１號")
    '县财政局1号'
    """
    return text.translate(_FOLD_TABLE)


@dataclass(frozen=True)
class TextView:
    """Clean text for matching (``text``), the same in source characters (``raw``),
    and the source offset of each character (``offsets``)."""

    text: str
    raw: str
    offsets: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.text)

    @classmethod
    def of(cls, source: str, start: int = 0, end: int | None = None) -> TextView:
        """View of ``source[start:end]`` with artefacts left out."""
        end = len(source) if end is None else end
        raw: list[str] = []
        offsets: list[int] = []
        pos = start
        segment = source[start:end]
        for m in ARTEFACT_RE.finditer(segment):
            a, b = start + m.start(), start + m.end()
            raw.append(source[pos:a])
            offsets.extend(range(pos, a))
            pos = b
        raw.append(source[pos:end])
        offsets.extend(range(pos, end))
        raw_text = "".join(raw)
        return cls(fold(raw_text), raw_text, tuple(offsets))

    @classmethod
    def concat(cls, views: Iterable[TextView]) -> TextView:
        """Join views end to end (used to join text split by a page break)."""
        views = list(views)
        return cls(
            "".join(v.text for v in views),
            "".join(v.raw for v in views),
            tuple(o for v in views for o in v.offsets),
        )

    def sub(self, start: int, end: int) -> TextView:
        """The view of characters ``start:end`` of this view."""
        return TextView(self.text[start:end], self.raw[start:end], self.offsets[start:end])

    def strip(self) -> TextView:
        """Drop leading and trailing white space."""
        s, e = 0, len(self.text)
        while s < e and self.text[s].isspace():
            s += 1
        while e > s and self.text[e - 1].isspace():
            e -= 1
        return self.sub(s, e)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets covering view characters ``start:end`` (end exclusive)."""
        if end <= start:
            o = self.offsets[start] if start < len(self.offsets) else (
                self.offsets[-1] + 1 if self.offsets else 0
            )
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1

    @property
    def source_start(self) -> int:
        return self.offsets[0] if self.offsets else 0

    @property
    def source_end(self) -> int:
        return self.offsets[-1] + 1 if self.offsets else 0


def squash(text: str) -> str:
    """Text with artefacts and all white space removed, folded: for comparing strings.

    >>> squash("老区所在\\n\\n镇党委**政府")
    '老区所在镇党委政府'
    """
    return re.sub(r"\s+", "", fold(ARTEFACT_RE.sub("", text)))
