"""Sentence boundaries for report text, on characters.

Reports end sentences with 。！？； and with line breaks; headings (一、… / (一)… / 1.…) sit on
their own lines. Enumerations inside a paragraph (一是…二是…) do not end a sentence. The pipeline's
sentence component and the corpus validator both use these boundaries, so a link that the
validator accepts is a link the pipeline can produce.
"""

from __future__ import annotations

import re
from bisect import bisect_right

SENTENCE_END = "。！？；!?;"
CLOSERS = "”’」』）)】〉》\"'"

#: Longest sentence, in characters. Report sentences run to ~500 characters (the corpus's longest
#: is 472); text without sentence marks (a table dump, a page of digits) is cut into pieces of at
#: most this length, after the last comma, enumeration comma or space in the piece when there is
#: one, so that every step that looks at a quantity's sentence costs the same at any document size.
MAX_SENTENCE_CHARS = 1000
SOFT_BREAKS = "，,、 \t\u3000"

#: What str.splitlines breaks lines at: besides \r and \n, a vertical tab (Word's manual line
#: break), a form feed (pdftotext's page break), NEL and Unicode's line and paragraph separators.
LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"

#: A sentence ends after a terminal mark (with any closing quotes or brackets after it) or at a
#: run of line breaks (regression: a link ran across a page break, U+2028 or a vertical tab).
_BOUNDARY_RE = re.compile(rf"[{SENTENCE_END}]+[{re.escape(CLOSERS)}]*|[{LINE_BREAKS}]+")

#: Heading markers that open a line: 一、 / （一） / (一) / 1. / 1、 / 1．
HEADING_RE = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|[0-9０-９]{1,2}[.．、](?![0-9０-９]))"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split text into consecutive (start, end) character spans that together cover the text,
    none longer than MAX_SENTENCE_CHARS."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if end > start:
            spans.extend(_cut_long(text, start, end))
        start = end
    if start < len(text):
        spans.extend(_cut_long(text, start, len(text)))
    return spans


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max(text.rfind(mark, start + 1, limit) for mark in SOFT_BREAKS) + 1
        if cut <= start + 1:
            cut = limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def sentence_index(spans: list[tuple[int, int]], offset: int) -> int:
    """The index of the sentence holding character `offset` (spans as sentence_spans gives them)."""
    return max(0, min(bisect_right(spans, (offset, float("inf"))) - 1, len(spans) - 1))


def is_heading(line: str) -> bool:
    """True for a line that opens with a heading marker such as 一、 or (二) or 3."""
    return bool(HEADING_RE.match(line))
