"""Running the pipeline over reports, keeping each report's metadata on ``doc._.report``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import QUANTITY_ATTRS
from .reader import Report
from .script import text_of

#: Metadata fields that travel on doc._.report (the rest of Report.meta is for audit only).
REPORT_FIELDS = ("file", "title", "region", "region_code", "year", "publisher", "publish_date", "format", "encoding",
                 "undecodable_bytes", "source")


def process_reports(nlp: Language, reports: Iterable[Report], *, n_process: int = 1,
                    batch_size: int = 16) -> Iterator[Doc]:
    """Yield one Doc per report, in order, with ``doc._.report`` set."""
    pairs = ((report.text, {k: report.meta.get(k) for k in REPORT_FIELDS}) for report in reports)
    for doc, meta in nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size):
        doc._.report = meta
        yield doc


def doc_record(doc: Doc) -> dict[str, Any]:
    """Everything the pipeline found in one document, as plain JSON-safe data."""
    return {
        **(doc._.report or {}),
        "text": doc.text,
        "sentences": sentence_records(doc),
        "entities": entity_records(doc),
        "measurements": doc._.measurements or [],
    }


def entity_records(doc: Doc) -> list[dict[str, Any]]:
    """Entities with offsets; quantities with their normalised value and unit."""
    records = []
    for ent in doc.ents:
        record: dict[str, Any] = {"start": ent.start_char, "end": ent.end_char, "label": ent.label_, "text": ent.text}
        if ent.label_ == "QUANTITY":
            record.update({attr: getattr(ent._, attr) for attr in QUANTITY_ATTRS})
        records.append(record)
    return records


def sentence_records(doc: Doc) -> list[dict[str, Any]]:
    """Sentences with their character offsets, surrounding white space trimmed."""
    records = []
    whole = text_of(doc)  # once: Doc.text joins every token on each access (regression: quadratic in length)
    for sent in doc.sents if len(doc) else ():
        text = whole[sent.start_char:sent.end_char]
        start = sent.start_char + (len(text) - len(text.lstrip()))
        end = sent.end_char - (len(text) - len(text.rstrip()))
        if end > start:
            records.append({"start": start, "end": end, "text": whole[start:end]})
    return records
