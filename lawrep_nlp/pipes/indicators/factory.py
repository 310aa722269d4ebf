"""``lawrep_indicators``: INDICATOR spans (``doc.spans["indicators"]``) and quantity →
indicator links (``doc._.links``, read by ``ent._.indicator``)."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import INDICATORS_KEY
from ...measurements import measurement_records
from ...script import simplified_view
from ..base import DataComponent, check_required
from .boundaries import BOUNDARY_MODEL_FILE, BoundaryModel
from .linker import LEXICON_FILE, Lexicon, link_quantities


class IndicatorLinker(DataComponent):
    """Rule linker (word lists in data/lexicon.json) whose indicator boundaries a trained model
    (data/boundary_model.json, scripts/train_linker.py) refines; `learned_boundaries=False`
    runs the rules alone."""

    def __init__(self, nlp: Language, name: str = "lawrep_indicators", *, learned_boundaries: bool = True):
        self.name = name
        self.learned_boundaries = learned_boundaries
        self.lexicon = Lexicon.from_file()
        self.boundary_model = BoundaryModel.from_file()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        lexicon_path: str | None = None,
        boundary_model_path: str | None = None,
    ) -> None:
        """Load the word lists and the boundary model (default: the files that ship with lawrep_nlp)."""
        self.lexicon = Lexicon.from_file(Path(lexicon_path) if lexicon_path else LEXICON_FILE)
        self.boundary_model = BoundaryModel.from_file(
            Path(boundary_model_path) if boundary_model_path else BOUNDARY_MODEL_FILE)

    def __call__(self, doc: Doc) -> Doc:
        model = self.boundary_model if self.learned_boundaries else None
        view = simplified_view(doc)  # doc itself unless the report has traditional characters
        indicators, links = link_quantities(view, self.lexicon, model)
        if view is not doc:  # same tokens and entities: carry the results over by position
            indicators = [Span(doc, span.start, span.end, label=span.label_) for span in indicators]
            for theirs, ours in zip(view.ents, doc.ents, strict=True):
                ours._.action = theirs._.action
        doc.spans[INDICATORS_KEY] = indicators
        doc._.links = links
        doc._.measurements = measurement_records(doc)
        return doc

    def get_data(self) -> Any:
        return {"lexicon": self.lexicon.data, "boundary_model": self.boundary_model.to_data()}

    def set_data(self, data: Any) -> None:
        if "lexicon" not in data:  # saved before the boundary model existed: the word lists alone
            data = {"lexicon": data, "boundary_model": BoundaryModel.empty().to_data()}
        self.lexicon = Lexicon(data["lexicon"])
        self.boundary_model = BoundaryModel.from_data(data["boundary_model"])


INDICATOR_LINKER_REQUIRES = ["doc.ents", "token.is_sent_start"]


@Language.factory("lawrep_indicators", default_config={"learned_boundaries": True},
                  requires=INDICATOR_LINKER_REQUIRES,
                  assigns=["doc.spans", "doc._.links", "doc._.measurements", "span._.action"])
def make_indicator_linker(nlp: Language, name: str, learned_boundaries: bool) -> IndicatorLinker:
    check_required(nlp, name, INDICATOR_LINKER_REQUIRES)
    return IndicatorLinker(nlp, name, learned_boundaries=learned_boundaries)
