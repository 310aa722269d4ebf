"""``lawrep_quantities``: QUANTITY entities with normalised values.

Sets QUANTITY spans in ``doc.ents`` (keeping entities already there: a number inside an ORG, LAW
or PROGRAM name is not a quantity) and, on each, ``value``, ``unit``, ``approx``,
``placeholder``, ``change``, ``max``, ``out_of_range`` (a number no float holds: value None) and
``dimension`` (from the unit table). The unit table and word lists are data
(data/units.tsv, data/rules.json), loaded by ``initialize`` and saved with the pipeline.
"""


from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from ...extensions import QUANTITY_ATTRS
from ...script import matching_text
from ..base import DataComponent, add_entities, record_rule_spans
from .recognizer import RULES_FILE, UNITS_FILE, QuantityRules, find_quantities

LABEL = "QUANTITY"


class QuantityRecognizer(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_quantities", overwrite_ents: bool = False):
        self.name = name
        self.overwrite_ents = overwrite_ents
        self.rules = QuantityRules.from_files()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        units_path: str | None = None,
        rules_path: str | None = None,
    ) -> None:
        """Load the unit table and rules (default: the files that ship with lawrep_nlp)."""
        self.rules = QuantityRules.from_files(Path(units_path) if units_path else UNITS_FILE,
                                              Path(rules_path) if rules_path else RULES_FILE)

    def __call__(self, doc: Doc) -> Doc:
        spans, matches = [], {}
        text = matching_text(doc)
        for match in find_quantities(text, self.rules):
            span = doc.char_span(match.start, match.end, label=LABEL, alignment_mode="strict")
            if span is None:
                continue  # the tokenizer cut inside the quantity; never invent offsets
            spans.append(span)
            matches[match.start, match.end] = match
        if self.overwrite_ents:
            doc.ents = filter_spans([*spans, *doc.ents])
            kept = set(doc.ents)  # once: doc.ents builds every entity of the document
            added = [span for span in spans if span in kept]
            record_rule_spans(doc, added)
        else:
            added = add_entities(doc, [(s.start_char, s.end_char) for s in spans], LABEL, text=text)
        # on the quantities that became entities only: span._ attributes live at character offsets,
        # so another entity there (an entity_ruler's ORG over 28件) would get them (regression)
        for span in added:
            match = matches[span.start_char, span.end_char]
            span._.value = match.value
            span._.unit = match.unit
            span._.dimension = self.rules.units.get(match.unit) if match.unit else None
            span._.approx = match.approx
            span._.placeholder = match.placeholder
            span._.change = match.change
            span._.max = match.max
            span._.out_of_range = match.out_of_range
        return doc

    def get_data(self) -> Any:
        return self.rules.to_data()

    def set_data(self, data: Any) -> None:
        self.rules = QuantityRules.from_data(data)


@Language.factory("lawrep_quantities", default_config={"overwrite_ents": False},
                  assigns=["doc.ents", "doc.spans", *(f"span._.{name}" for name in QUANTITY_ATTRS
                                                      if name not in ("action", "canonical", "canonical_confidence"))])
def make_quantity_recognizer(nlp: Language, name: str, overwrite_ents: bool) -> QuantityRecognizer:
    return QuantityRecognizer(nlp, name, overwrite_ents)


__all__ = ["QuantityRecognizer", "make_quantity_recognizer"]
