"""Sentence boundaries for report text, on characters.

Reports end sentences with 。！？； and with line breaks; headings (一、… / (一)… / 1.…) sit on
their own lines. Enumerations inside a paragraph (一是…二是…) do not end a sentence. The pipeline's
sentence component and the corpus validator both use these boundaries, so a link that the
validator accepts is a link the pipeline can produce.
"""

from __future__ import annotations

import re

SENTENCE_END = "。！？；!?;"
CLOSERS = "”’」』）)】〉》\"'"

#: A sentence ends after a terminal mark (with any closing quotes or brackets after it) or at a
#: run of line breaks.
_BOUNDARY_RE = re.compile(rf"[{SENTENCE_END}]+[{re.escape(CLOSERS)}]*|[\r\n]+")

#: Heading markers that open a line: 一、 / （一） / (一) / 1. / 1、 / 1．
HEADING_RE = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|[0-9０-９]{1,2}[.．、](?![0-9０-９]))"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split text into consecutive (start, end) character spans that together cover the text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if end > start:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def sentence_index(spans: list[tuple[int, int]], offset: int) -> int:
    """The index of the sentence holding character `offset`."""
    for i, (start, end) in enumerate(spans):
        if start <= offset < end:
            return i
    return len(spans) - 1


def is_heading(line: str) -> bool:
    """True for a line that opens with a heading marker such as 一、 or (二) or 3."""
    return bool(HEADING_RE.match(line))
