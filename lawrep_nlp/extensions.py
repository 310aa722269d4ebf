"""Custom attributes that lawrep_nlp sets on spaCy objects (the pipeline's public contract).

Doc
- ``doc._.report``: the report's metadata (file, title, region, year, publisher, …) as a dict.
- ``doc._.links``: quantity → indicator links as ``[q_start, q_end, i_start, i_end]`` character
  offsets; plain lists, so they survive DocBin and multiprocessing (DocBin reads sequences
  back as tuples: same content).
- ``doc._.measurements``: one plain dict per QUANTITY (indicator text, action, value, unit,
  approx, placeholder, change, max, sentence, offsets), msgpack-safe.
- ``doc._.simplified_text``: the text converted to simplified characters, invisible characters
  (zero-width space, soft hyphen…) as spaces (same length, set by the tokenizer only when that
  changes the input; see lawrep_nlp.script).

Span (QUANTITY entities)
- ``value`` (a finite float or None), ``unit`` (str), ``approx``, ``placeholder``, ``change``,
  ``max``: the normalised quantity, stored per span; ``out_of_range``: True when the number as
  written is beyond what a float holds (1 followed by 400 zeros), its value then None;
  ``dimension``: what the unit measures (count,
  people, rate, money, time, area, …); ``action``: the verb saying what was done;
  ``canonical`` / ``canonical_confidence``: the taxonomy id of the indicator (lawrep_canonical);
- ``law_level`` (LAW entities): 法律, 行政法规, 地方性法规, 规章, 党内法规, 规范性文件 or 工作文件;
- ``indicator``: the linked INDICATOR span of ``doc.spans["indicators"]`` or None, read from
  ``doc._.links`` (after editing that list in place, assign it again: ``doc._.links = links``).
"""

from __future__ import annotations

import struct
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

import srsly
from spacy.tokens import Doc, Span, SpanGroup

INDICATORS_KEY = "indicators"
QUANTITY_ATTRS = ("value", "unit", "dimension", "approx", "placeholder", "change", "max", "out_of_range", "action",
                  "canonical", "canonical_confidence")


def link_index(doc: Doc) -> dict[tuple[int, int], Span]:
    """Quantity offsets → linked INDICATOR span (from ``doc.spans["indicators"]``, or the span at
    the link's offsets when the group lacks it), built in one pass over links and indicators.
    The first link of a quantity counts."""
    group: dict[tuple[int, int], Span] = {}
    for indicator in doc.spans.get(INDICATORS_KEY, ()):
        group.setdefault((indicator.start_char, indicator.end_char), indicator)
    index: dict[tuple[int, int], Span] = {}
    for q_start, q_end, i_start, i_end in doc._.links or ():
        if (q_start, q_end) not in index:
            span = group.get((i_start, i_end))
            if span is None or not _still_at_its_offsets(span):
                span = doc.char_span(i_start, i_end, alignment_mode="expand")
            if span is not None:
                index[q_start, q_end] = span
    return index


#: How SpanGroup.to_bytes packs a span: id, kb_id, label, start, end, start_char, end_char.
_PACKED_SPAN = struct.Struct(">QQQllll")


def span_offsets(group: SpanGroup | Iterable[Span]) -> list[tuple[int, int, int]]:
    """(start_char, end_char, label) of each span of a span group, read without building the
    spans: a group keeps its spans' token indices through ``doc.retokenize`` (spaCy issue #12024),
    so after a merge that shortens the doc building one raises E035 (regression: ent._.indicator
    and the entity policy crashed after merge_entities). Character offsets stay right."""
    if not isinstance(group, SpanGroup):
        return [(span.start_char, span.end_char, span.label) for span in group]
    packed = srsly.msgpack_loads(group.to_bytes())["spans"]
    return [(start_char, end_char, label)
            for _, _, label, _, _, start_char, end_char in map(_PACKED_SPAN.unpack, packed)]


def _still_at_its_offsets(span: Span) -> bool:
    """Whether the span's tokens still cover its character offsets: a span kept from before
    ``doc.retokenize`` (in a span group, or cached) keeps its offsets, not its tokens."""
    doc = span.doc
    if not 0 <= span.start < span.end <= len(doc):
        return False
    last = doc[span.end - 1]
    return doc[span.start].idx == span.start_char and last.idx + len(last.text) == span.end_char


@dataclass
class _LinkCache:
    """What ``ent._.indicator`` reads a document's links through, so that reading it for every
    quantity stays linear in the size of the document. It holds no Span (a Span holds its Doc,
    which then was never freed: regression) and keeps the links list and indicator group
    themselves, compared by identity (an ``id()`` is reused once its object is freed: new links
    were read through a stale index, regression). Rows of ``doc._.links`` changed in place are
    seen only where the changed row is the quantity's own first link: after editing the list in
    place, assign it again (``doc._.links = links``), which starts a new cache."""

    links: Any
    group: Any
    sizes: tuple[int, int]
    first_link: dict[tuple[int, int], tuple[int, tuple[int, int]]]  # quantity → (row, indicator offsets)
    in_group: dict[tuple[int, int], int]  # indicator offsets → position in the group

    @classmethod
    def of(cls, links: Any, group: Any) -> _LinkCache:
        first_link: dict[tuple[int, int], tuple[int, tuple[int, int]]] = {}
        for row, (q_start, q_end, i_start, i_end) in enumerate(links):
            first_link.setdefault((q_start, q_end), (row, (i_start, i_end)))
        in_group: dict[tuple[int, int], int] = {}
        for position, (start_char, end_char, _) in enumerate(span_offsets(group)):
            in_group.setdefault((start_char, end_char), position)
        return cls(links, group, (len(links), len(group)), first_link, in_group)

    def holds(self, links: Any, group: Any) -> bool:
        return self.links is links and self.group is group and self.sizes == (len(links), len(group))


_LINK_CACHES: weakref.WeakKeyDictionary[Doc, _LinkCache] = weakref.WeakKeyDictionary()


def linked_indicator(span: Span) -> Span | None:
    """The INDICATOR span linked to this quantity, or None (as ``link_index`` finds it)."""
    doc = span.doc
    links = doc._.links or ()
    group = doc.spans.get(INDICATORS_KEY, ())
    key, cache = (span.start_char, span.end_char), _LINK_CACHES.get(doc)
    if cache is None or not cache.holds(links, group):
        cache = _LINK_CACHES[doc] = _LinkCache.of(links, group)
    found = cache.first_link.get(key)
    if found is not None and tuple(links[found[0]]) != (*key, *found[1]):  # a row edited in place
        cache = _LINK_CACHES[doc] = _LinkCache.of(links, group)
        found = cache.first_link.get(key)
    if found is None:
        return None
    position = cache.in_group.get(found[1])
    if position is not None:
        try:
            indicator = group[position]
        except IndexError:  # its tokens are past the end of a doc retokenized since (E035)
            indicator = None
        if indicator is not None and (indicator.start_char, indicator.end_char) == found[1] \
                and _still_at_its_offsets(indicator):
            return indicator
    # not in the group, or a span kept from before doc.retokenize: the span at the link's offsets
    return doc.char_span(*found[1], alignment_mode="expand")


def _as_written(value: Any) -> Any:
    """Lists where DocBin gives tuples: it reads user data back with msgpack's use_list=False."""
    if isinstance(value, tuple):
        return [_as_written(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items()}
    return value


def _get_stored_list(name: str, doc: Doc) -> Any:
    """Getter of a Doc extension that holds a list of records, kept in ``user_data`` where a
    default-valued extension keeps it (so DocBin and Doc.to_bytes carry it as before). After a
    DocBin round trip it is given back as lists (regression: tuples, which neither compared equal
    nor took append), converted once and stored."""
    key = ("._.", name, None, None)
    value = doc.user_data.get(key)
    if isinstance(value, tuple):
        value = doc.user_data[key] = _as_written(value)
    return value


def _set_stored_list(name: str, doc: Doc, value: Any) -> None:
    doc.user_data[("._.", name, None, None)] = value
    if name == "links":  # assigned anew, even the same list edited in place: ent._.indicator reads it again
        _LINK_CACHES.pop(doc, None)


def register_extensions() -> None:
    for name in ("report", "simplified_text"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in ("links", "measurements"):
        if not Doc.has_extension(name):
            # partials of module-level functions: the pipeline pickles (spawned workers)
            Doc.set_extension(name, getter=partial(_get_stored_list, name), setter=partial(_set_stored_list, name))
    for name in QUANTITY_ATTRS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Span.has_extension("law_level"):
        Span.set_extension("law_level", default=None)
    if not Span.has_extension("indicator"):
        Span.set_extension("indicator", getter=linked_indicator)


register_extensions()
