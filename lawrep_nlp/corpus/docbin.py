"""Gold records → spaCy Docs (for `spacy train` and the scorers), with the pipeline's tokenizer.

Where the tokenizer puts no boundary at a gold span's start or end, the token is split there
(and counted), so every gold span is trainable; the counts say how often the tokenizer and the
annotation disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import INDICATORS_KEY, QUANTITY_ATTRS
from ..pipes.sentences import ReportSentencizer
from .markup import INDICATOR, Record, canonical_key


@dataclass
class ConversionStats:
    records: int = 0
    spans: int = 0
    tokens_split: int = 0
    misaligned_spans: int = 0


def _split_tokens(nlp: Language, text: str, cuts: set[int]) -> tuple[Doc, int]:
    doc = nlp.make_doc(text)
    words, spaces, splits = [], [], 0
    for token in doc:
        start, end = token.idx, token.idx + len(token.text)
        inner = sorted(c for c in cuts if start < c < end)
        splits += len(inner)
        for cut in [*inner, end]:
            words.append(text[start:cut])
            spaces.append(False)
            start = cut
        spaces[-1] = bool(token.whitespace_)
    return Doc(nlp.vocab, words=words, spaces=spaces), splits


def conversion_nlp() -> Language:
    """A blank zh pipeline with the package's tokenizer and segmentation model: what gold records
    are tokenized with (not a built pipeline, so converting needs nothing built from it)."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "lawrep.ChineseTokenizer.v1"}}})
    nlp.tokenizer.initialize()
    return nlp


#: user_data key of a doc whose linked QUANTITY entities carry gold canonical ids in ``_.canonical``
#: (the same as lawrep_nlp.pipes.canonical.factory.CANONICAL_GOLD_KEY)
CANONICAL_GOLD_KEY = "lawrep_canonical_gold"


def record_to_doc(nlp: Language, record: Record, stats: ConversionStats | None = None,
                  canonical: Mapping[tuple[str, int, int, int], str | None] | None = None) -> Doc:
    """A Doc with gold entities, indicator spans, quantity attributes and links; with `canonical`
    (read_canonical_labels: (doc, para, q_start, q_end) → id or None), each linked QUANTITY's gold
    canonical id in ``_.canonical`` too (kept in user_data, which DocBin stores), for
    lawrep_canonical's initialize."""
    text, spans = record["text"], record["spans"]
    cuts = {offset for span in spans for offset in (span["start"], span["end"])}
    plain = nlp.make_doc(text)
    boundaries = {t.idx for t in plain} | {t.idx + len(t.text) for t in plain}
    misaligned = sum(1 for s in spans if s["start"] not in boundaries or s["end"] not in boundaries)
    doc, splits = _split_tokens(nlp, text, cuts)
    ReportSentencizer()(doc)  # gold sentences follow the same rules as the pipeline's
    entities, indicators = [], []
    for span in spans:
        gold = doc.char_span(span["start"], span["end"], label=span["label"])
        if gold is None:  # white space at a span edge: never in a valid record
            raise ValueError(f"span {span} does not map onto tokens in {text!r}")
        if span["label"] == INDICATOR:
            indicators.append(gold)
        else:
            entities.append(gold)
            if span["label"] == "QUANTITY":
                for attr in QUANTITY_ATTRS:
                    value = span.get(attr)
                    setattr(gold._, attr, float(value) if attr in ("value", "max") and value is not None else value)
    doc.ents = entities
    if canonical is not None:
        for relation in record.get("relations", []):
            q_start, q_end = relation["quantity"]
            gold_id = canonical.get(canonical_key(record, relation["quantity"]))
            span = doc.char_span(q_start, q_end)
            if span is not None and gold_id:
                span._.canonical = gold_id
        doc.user_data[CANONICAL_GOLD_KEY] = True
    doc.spans[INDICATORS_KEY] = indicators
    # a record without "relations" is not annotated for links (None), one with [] has none
    doc._.links = [[*r["quantity"], *r["indicator"]] for r in record["relations"]] if "relations" in record else None
    doc.user_data["lawrep_meta"] = dict(record.get("meta", {}))
    if stats is not None:
        stats.records += 1
        stats.spans += len(spans)
        stats.tokens_split += splits
        stats.misaligned_spans += misaligned
    return doc


def span_texts(doc: Doc) -> list[tuple[str, str]]:
    """(label, text) of every entity and indicator (handy in tests)."""
    return [(s.label_, s.text) for s in doc.ents] + [(INDICATOR, s.text) for s in doc.spans[INDICATORS_KEY]]


__all__ = ["CANONICAL_GOLD_KEY", "ConversionStats", "record_to_doc", "span_texts"]
