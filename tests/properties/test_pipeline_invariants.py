"""Invariants of the whole pipeline on arbitrary and report-like text (hypothesis; the number of
examples comes from the profile chosen in tests/conftest.py: ≥ 2,000 in CI, ≥ 20,000 with
LAWREP_HYPOTHESIS_PROFILE=long)."""

import json
import math

from hypothesis import given, settings
from spacy.tokens import Doc, DocBin

from lawrep_nlp.extensions import INDICATORS_KEY, QUANTITY_ATTRS
from lawrep_nlp.parallel import decode_doc, encode_doc

from .strategies import any_text, long_report_text, report_like_text


def as_lists(value):
    """DocBin's msgpack reads sequences back as tuples; the content is what must survive."""
    if isinstance(value, list | tuple):
        return [as_lists(item) for item in value]
    if isinstance(value, dict):
        return {key: as_lists(item) for key, item in value.items()}
    return value


def snapshot(doc: Doc) -> dict:
    """Everything the pipeline produces, as plain data."""
    return as_lists({
        "text": doc.text,
        "tokens": [t.text for t in doc],
        "sentences": [(s.start_char, s.end_char) for s in doc.sents],
        "ents": [(e.start_char, e.end_char, e.label_, e.id_) for e in doc.ents],
        "ent_attrs": [tuple(getattr(e._, name) for name in (*QUANTITY_ATTRS, "law_level")) for e in doc.ents],
        "indicators": [(s.start_char, s.end_char) for s in doc.spans.get(INDICATORS_KEY, [])],
        "links": doc._.links,
        "measurements": doc._.measurements,
    })


def check_invariants(nlp, text: str) -> None:
    doc = nlp(text)
    assert doc.text == text
    spans = [*doc.ents, *doc.spans.get(INDICATORS_KEY, [])]
    for span in spans:
        assert 0 <= span.start_char < span.end_char <= len(text)
        assert span.text == text[span.start_char:span.end_char]
    for ent in doc.ents:
        for number in (ent._.value, ent._.max):
            assert number is None or (isinstance(number, float) and math.isfinite(number))
    for record in doc._.measurements or []:
        assert record["value"] is None or math.isfinite(record["value"])
        assert not record["out_of_range"] or record["value"] is None or record["max"] is None
    json.dumps(doc._.measurements, allow_nan=False, ensure_ascii=False)  # strict JSON, always
    quantities = {(e.start_char, e.end_char): e for e in doc.ents if e.label_ == "QUANTITY"}
    indicators = {(s.start_char, s.end_char): s for s in doc.spans.get(INDICATORS_KEY, [])}
    for q_start, q_end, i_start, i_end in doc._.links or []:
        quantity, indicator = quantities[q_start, q_end], indicators[i_start, i_end]
        assert quantity.sent.start == indicator.sent.start
        assert quantity._.indicator == indicator

    doc_bin = DocBin(store_user_data=True)
    doc_bin.add(doc)
    (restored,) = DocBin().from_bytes(doc_bin.to_bytes()).get_docs(nlp.vocab)
    assert snapshot(restored) == snapshot(doc)
    # what nlp.pipe(n_process=N) sends back from a worker (lawrep_nlp/parallel.py)
    sent_back = decode_doc(nlp.vocab, encode_doc(doc))
    assert snapshot(sent_back) == snapshot(doc) and sent_back.user_data == doc.user_data


@given(text=any_text)
def test_any_unicode_text(nlp, text):
    check_invariants(nlp, text)


@given(text=report_like_text)
def test_report_like_text(nlp, text):
    check_invariants(nlp, text)


@settings(max_examples=max(20, settings().max_examples // 20))
@given(text=long_report_text)
def test_long_report_like_text(nlp, text):
    check_invariants(nlp, text)
