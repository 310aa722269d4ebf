"""``lawrep_canonical``: the canonical indicator of each measurement, so that reports line up
(行政复议申请 / 行政复议案件 / 复议案件 with 受理/收到/新收 → reconsideration_cases_received).

Sets ``ent._.canonical`` (a taxonomy id or None) and ``ent._.canonical_confidence`` on each
linked QUANTITY and adds both to ``doc._.measurements``. The taxonomy (data/taxonomy.json) and
its calibration (data/calibration.json) are data, loaded by ``initialize`` and saved with the
pipeline; ``min_confidence``, ``fuzzy_threshold``, ``policy`` and ``model_threshold`` override
the calibration's choices.

``initialize(get_examples)`` also trains the learned mapper (model.py) from the reference docs'
gold canonical ids (``ent._.canonical`` of linked gold QUANTITY entities, in docs flagged with
``user_data[CANONICAL_GOLD_KEY]``, as scripts/build_corpus.py writes them); its weights are saved
with the pipeline. Without such examples there is no model and the rules answer alone.
"""

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from ...corpus.docbin import CANONICAL_GOLD_KEY
from ...evaluation import canonical_example_scores
from ...measurements import measurement_records
from ...script import matching_text
from ..base import DataComponent, check_required, check_setting, missing_upstream
from .mapper import CALIBRATION_FILE, TAXONOMY_FILE, Taxonomy
from .model import FORMAT as MODEL_FORMAT
from .model import IndicatorModel, Row


class CanonicalMapper(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_canonical", min_confidence: float | None = None,
                 fuzzy_threshold: float | None = None, policy: str | None = None,
                 model_threshold: float | None = None, model_epochs: int | None = None,
                 model_l2: float | None = None, scorer: Callable[..., dict[str, Any]] | None = None):
        self.name = name
        self.scorer = scorer
        self.settings: dict[str, Any] = {"min_confidence": min_confidence, "fuzzy_threshold": fuzzy_threshold,
                                         "policy": policy, "model_threshold": model_threshold}
        check_setting(name, "model_epochs", model_epochs, 1)  # null: the calibration's
        check_setting(name, "model_l2", model_l2, 0)
        self.training: dict[str, Any] = {"epochs": model_epochs, "l2": model_l2}
        self.taxonomy = Taxonomy.from_files(**self.settings)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        taxonomy_path: str | None = None,
        calibration_path: str | None = None,
    ) -> None:
        """Load the taxonomy and its calibration (default: the files that ship with lawrep_nlp),
        and train the model from the examples' gold canonical ids, if they have any."""
        self.taxonomy = Taxonomy.from_files(Path(taxonomy_path) if taxonomy_path else TAXONOMY_FILE,
                                            Path(calibration_path) if calibration_path else CALIBRATION_FILE,
                                            **self.settings)
        units = nlp.get_pipe("lawrep_quantities").rules.units if nlp and "lawrep_quantities" in nlp.component_names \
            else {}
        examples = list(get_examples()) if get_examples else []
        references = [eg.reference for eg in examples if eg.reference.user_data.get(CANONICAL_GOLD_KEY)]
        if not references:
            if examples:
                warnings.warn(f"{self.name}: none of the {len(examples)} initialize examples has gold canonical "
                              "ids, so the mapper has no learned model and maps by its rules alone", stacklevel=2)
            return
        # each document's rows see the lexicon as a new report would: without the terms only its own
        # indicators attest (as the rules are calibrated, scripts/eval_canonical.py)
        doc_of = [str(ref.user_data.get("lawrep_meta", {}).get("doc", f"#{i}")) for i, ref in enumerate(references)]
        texts: dict[str, list[str]] = {}
        for doc, ref in zip(doc_of, references, strict=True):
            texts.setdefault(doc, []).extend(ref.text[i_start:i_end] for _, _, i_start, i_end in ref._.links or ())
        taxonomies = self.taxonomy.leave_one_out(texts)
        rows = [row for doc, ref in zip(doc_of, references, strict=True)
                for row in gold_rows(taxonomies[doc], ref, units)]
        if rows:
            # null settings: those chosen with the policy by cross-validation (the calibration's)
            chosen = {**DEFAULT_TRAINING, **self.taxonomy.calibration.get("model_settings", {})}
            training = {key: chosen[key] if value is None else value for key, value in self.training.items()}
            self.taxonomy.model = IndicatorModel.train(rows, self.taxonomy.labels_of(), **training)

    def __call__(self, doc: Doc) -> Doc:
        if doc._.links is None:  # the linker did not run: every id would silently be None
            raise missing_upstream(self.name, "doc._.links")
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
                                        sentence=text[sentence.start_char:sentence.end_char], unit=ent._.unit)
            ent._.canonical = mapping.canonical
            ent._.canonical_confidence = mapping.confidence if mapping.canonical else None
            record["canonical"], record["canonical_confidence"] = ent._.canonical, ent._.canonical_confidence
        doc._.measurements = records
        return doc

    def score(self, examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
        """This component's part: canonical ids at the gold links (precision, recall over links
        with a gold id, coverage), so that `spacy train` logs and `spacy evaluate` show it."""
        return self.scorer(examples, **kwargs) if self.scorer is not None else {}

    def get_data(self) -> Any:
        model = self.taxonomy.model
        return {"taxonomy": self.taxonomy.data, "calibration": self.taxonomy.calibration,
                "model": model.to_data() if model is not None else None}

    def set_data(self, data: Any) -> None:
        model = None
        if data.get("model") and data["model"].get("format") == MODEL_FORMAT:
            model = IndicatorModel(data["model"])
        elif data.get("model"):  # weights saved by an earlier layout: the rules answer until initialize
            warnings.warn(f"{self.name}: saved model weights of another layout are ignored; "
                          "initialize(get_examples) trains the model again", stacklevel=2)
        self.taxonomy = Taxonomy(data["taxonomy"], data["calibration"], model=model, **self.settings)


def gold_rows(taxonomy: Taxonomy, reference: Doc, units: dict[str, str]) -> list[Row]:
    """Training rows of a reference doc: one per gold link whose quantity is a QUANTITY entity,
    labelled with its gold canonical id (none: the annotator found no entry)."""
    quantities = {(e.start_char, e.end_char): e for e in reference.ents if e.label_ == "QUANTITY"}
    rows, seen = [], set()
    for q_start, q_end, i_start, i_end in reference._.links or ():
        ent = quantities.get((q_start, q_end))
        if ent is None or (q_start, q_end) in seen:
            continue
        seen.add((q_start, q_end))
        sentence = ent.sent
        dimension = ent._.dimension or units.get(ent._.unit or "")
        row = taxonomy.training_row(reference.text[i_start:i_end], dimension, ent._.canonical,
                                    before=reference.text[sentence.start_char:q_start], sentence=sentence.text,
                                    unit=ent._.unit)
        if row is not None:
            rows.append(row)
    return rows


DEFAULT_TRAINING = {"epochs": 150, "l2": 1e-2}
CANONICAL_MAPPER_REQUIRES = ["doc.ents", "token.is_sent_start", "doc._.links", "span._.unit", "span._.dimension"]


def canonical_scorer(examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
    """Canonical ids of the predicted QUANTITY at each gold link of the references that carry
    gold ids (evaluation.canonical_example_scores); module-level, so that the pipeline pickles."""
    return canonical_example_scores(examples, CANONICAL_GOLD_KEY)


@registry.scorers("lawrep.canonical_scorer.v1")
def make_canonical_scorer() -> Callable[..., dict[str, Any]]:
    return canonical_scorer


@Language.factory("lawrep_canonical",
                  default_config={"min_confidence": None, "fuzzy_threshold": None, "policy": None,
                                  "model_threshold": None, "model_epochs": None, "model_l2": None,
                                  "scorer": {"@scorers": "lawrep.canonical_scorer.v1"}},
                  default_score_weights={"lawrep_canonical_p": 0.0, "lawrep_canonical_r": 0.0,
                                         "lawrep_canonical_coverage": 0.0},
                  requires=CANONICAL_MAPPER_REQUIRES,
                  assigns=["doc._.measurements", "span._.canonical", "span._.canonical_confidence"])
def make_canonical_mapper(nlp: Language, name: str, min_confidence: float | None, fuzzy_threshold: float | None,
                          policy: str | None, model_threshold: float | None, model_epochs: int | None,
                          model_l2: float | None, scorer: Callable[..., dict[str, Any]] | None) -> CanonicalMapper:
    check_required(nlp, name, CANONICAL_MAPPER_REQUIRES)
    return CanonicalMapper(nlp, name, min_confidence, fuzzy_threshold, policy, model_threshold, model_epochs,
                           model_l2, scorer)


__all__ = ["CANONICAL_GOLD_KEY", "CanonicalMapper", "gold_rows", "make_canonical_mapper"]
