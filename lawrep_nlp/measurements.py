"""Measurements: one plain record per QUANTITY, with what it measures — the table users want."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span

if TYPE_CHECKING:
    import pandas as pd  # the optional `pandas` extra

from .extensions import link_index
from .keys import default_key_maker, indicator_key
from .script import text_of

#: Columns of a measurement record, in table order.
MEASUREMENT_FIELDS = ("indicator", "indicator_key", "canonical", "canonical_confidence", "action", "value", "unit",
                      "dimension", "approx", "placeholder", "change", "max", "out_of_range",
                      "quantity_text", "start", "end", "indicator_start", "indicator_end", "sentence")
#: Report metadata columns put in front of each row of the table.
REPORT_COLUMNS = ("file", "title", "region", "region_code", "year", "publisher")


def measurement_records(doc: Doc) -> list[dict[str, Any]]:
    """Msgpack-safe records of every QUANTITY in doc, linked or not."""
    records = []
    indicators = link_index(doc)
    has_sentences = doc.has_annotation("SENT_START")
    sentence_texts: dict[int, str] = {}  # sentence start → its text, built once per sentence
    text = text_of(doc)  # once: Doc.text joins every token (regression: per quantity, quadratic in the length)
    before_chars = default_key_maker().before_chars  # the text before an indicator its key reads
    for ent in doc.ents:
        if ent.label_ != "QUANTITY":
            continue
        indicator = indicators.get((ent.start_char, ent.end_char))
        records.append({
            "indicator": indicator.text if indicator is not None else None,
            "indicator_key": indicator_key(indicator.text, ent._.action, ent._.dimension,
                                           text[max(0, indicator.start_char - before_chars):indicator.start_char])
            if indicator is not None else None,
            "canonical": ent._.canonical,
            "canonical_confidence": ent._.canonical_confidence,
            "action": ent._.action,
            "value": ent._.value,
            "unit": ent._.unit,
            "dimension": ent._.dimension,
            "approx": ent._.approx,
            "placeholder": bool(ent._.placeholder),
            "change": ent._.change,
            "max": ent._.max,
            "out_of_range": bool(ent._.out_of_range),
            "quantity_text": ent.text,
            "start": ent.start_char,
            "end": ent.end_char,
            "indicator_start": indicator.start_char if indicator is not None else None,
            "indicator_end": indicator.end_char if indicator is not None else None,
            "sentence": sentence_text(ent, sentence_texts) if has_sentences else None,
        })
    return records


def sentence_text(ent: Span, texts: dict[int, str]) -> str:
    sentence = ent.sent
    if sentence.start not in texts:
        texts[sentence.start] = sentence.text.strip()
    return texts[sentence.start]


def measurement_rows(docs: Iterable[Doc]) -> list[dict[str, Any]]:
    """The measurement table: one row per measurement with its report's metadata."""
    rows = []
    for doc in docs:
        report = doc._.report or {}
        for record in doc._.measurements or measurement_records(doc):
            rows.append({**{column: report.get(column) for column in REPORT_COLUMNS}, **record})
    return rows


def to_dataframe(docs: Iterable[Doc]) -> pd.DataFrame:
    """The measurement table as a pandas DataFrame (pandas is the optional `pandas` extra)."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas: pip install 'lawrep-zh[pandas]'") from err
    frame = pd.DataFrame(measurement_rows(docs), columns=[*REPORT_COLUMNS, *MEASUREMENT_FIELDS])
    for column in ("start", "end", "indicator_start", "indicator_end"):  # offsets stay integers where one
        frame[column] = frame[column].astype("Int64")  # quantity is unlinked (<NA>, not a float NaN)
    for column in ("value", "max"):  # floats whatever the rows hold (no range at all, no row at all)
        frame[column] = frame[column].astype("float64")
    return frame
