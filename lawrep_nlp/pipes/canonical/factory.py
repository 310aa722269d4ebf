"""``lawrep_canonical``: the canonical indicator of each measurement, so that reports line up
(行政复议申请 / 行政复议案件 / 复议案件 with 受理/收到/新收 → reconsideration_cases_received).

Sets ``ent._.canonical`` (a taxonomy id or None) and ``ent._.canonical_confidence`` on each
linked QUANTITY and adds both to ``doc._.measurements``. The taxonomy (data/taxonomy.json) and
its calibration (data/calibration.json) are data, loaded by ``initialize`` and saved with the
pipeline; ``min_confidence`` and ``fuzzy_threshold`` override the calibration's choices.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...measurements import measurement_records
from ...script import matching_text
from ..base import DataComponent, check_required
from .mapper import CALIBRATION_FILE, TAXONOMY_FILE, Taxonomy


class CanonicalMapper(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_canonical", min_confidence: float | None = None,
                 fuzzy_threshold: float | None = None):
        self.name = name
        self.settings = {"min_confidence": min_confidence, "fuzzy_threshold": fuzzy_threshold}
        self.taxonomy = Taxonomy.from_files(**self.settings)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        taxonomy_path: str | None = None,
        calibration_path: str | None = None,
    ) -> None:
        """Load the taxonomy and its calibration (default: the files that ship with lawrep_nlp)."""
        self.taxonomy = Taxonomy.from_files(Path(taxonomy_path) if taxonomy_path else TAXONOMY_FILE,
                                            Path(calibration_path) if calibration_path else CALIBRATION_FILE,
                                            **self.settings)

    def __call__(self, doc: Doc) -> Doc:
        text = matching_text(doc)  # once: Doc.text joins every token
        records = doc._.measurements if doc._.measurements is not None else measurement_records(doc)
        by_offsets = {(record["start"], record["end"]): record for record in records}
        for ent in doc.ents:
            record = by_offsets.get((ent.start_char, ent.end_char))
            if ent.label_ != "QUANTITY" or record is None:
                continue
            sentence = ent.sent
            indicator = record["indicator"]
            if indicator is not None:  # in simplified characters when the report was traditional
                indicator = text[record["indicator_start"]:record["indicator_end"]]
            mapping = self.taxonomy.map(indicator, ent._.dimension, before=text[sentence.start_char:ent.start_char],
                                        sentence=text[sentence.start_char:sentence.end_char])
            ent._.canonical = mapping.canonical
            ent._.canonical_confidence = mapping.confidence if mapping.canonical else None
            record["canonical"], record["canonical_confidence"] = ent._.canonical, ent._.canonical_confidence
        doc._.measurements = records
        return doc

    def get_data(self) -> Any:
        return {"taxonomy": self.taxonomy.data, "calibration": self.taxonomy.calibration}

    def set_data(self, data: Any) -> None:
        self.taxonomy = Taxonomy(data["taxonomy"], data["calibration"], **self.settings)


CANONICAL_MAPPER_REQUIRES = ["doc.ents", "token.is_sent_start", "doc._.links"]


@Language.factory("lawrep_canonical", default_config={"min_confidence": None, "fuzzy_threshold": None},
                  requires=CANONICAL_MAPPER_REQUIRES,
                  assigns=["doc._.measurements", "span._.canonical", "span._.canonical_confidence"])
def make_canonical_mapper(nlp: Language, name: str, min_confidence: float | None,
                          fuzzy_threshold: float | None) -> CanonicalMapper:
    check_required(nlp, name, CANONICAL_MAPPER_REQUIRES)
    return CanonicalMapper(nlp, name, min_confidence, fuzzy_threshold)


__all__ = ["CanonicalMapper", "make_canonical_mapper"]
