"""``lawrep_indicators``: INDICATOR spans (``doc.spans["indicators"]``) and quantity →
indicator links (``doc._.links``, read by ``ent._.indicator``)."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example

from ...extensions import INDICATORS_KEY
from ...measurements import measurement_records
from ...script import simplified_view
from ..base import DataComponent, check_required
from .candidates import LEXICON_FILE, Lexicon, link_quantities
from .scorer import BOUNDARY_MODEL_FILE, BoundaryModel, fit_boundary_model


class IndicatorLinker(DataComponent):
    """Rule linker (word lists in data/lexicon.json) whose indicator boundaries a trained model
    refines (data/boundary_model.json from scripts/train_linker.py, or learned from the training
    examples in ``initialize``); `learned_boundaries=False` runs the rules alone."""

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
        boundary_epochs: int | None = None,
    ) -> None:
        """Load the word lists (default: the file that ships with lawrep_nlp). The boundary model
        is learned from the training examples' gold links when `boundary_epochs` is set (what
        ``spacy train`` does with configs/lawrep_zh.cfg; 0 = the rules alone), else loaded from
        `boundary_model_path` or the shipped file."""
        self.lexicon = Lexicon.from_file(Path(lexicon_path) if lexicon_path else LEXICON_FILE)
        if boundary_epochs is not None and get_examples is not None and nlp is not None:
            self.boundary_model = self._learn_boundaries(get_examples, nlp, boundary_epochs)
        else:
            self.boundary_model = BoundaryModel.from_file(
                Path(boundary_model_path) if boundary_model_path else BOUNDARY_MODEL_FILE)

    def _learn_boundaries(self, get_examples: Callable[[], Iterable[Example]], nlp: Language,
                          epochs: int) -> BoundaryModel:
        """Fit the boundary model on the examples read as the pipeline reads them: each text
        through the rule components before this one (trainable ones are skipped: at initialize
        they have not learned anything yet), then the reference's gold links."""
        upstream = []
        for name, component in nlp.pipeline:
            if name == self.name:
                break
            if not isinstance(component, TrainablePipe):
                upstream.append(component)
        docs_and_links = []
        for example in get_examples():
            links = [tuple(link) for link in example.reference._.links or ()]
            if not links:
                continue
            doc = nlp.make_doc(example.reference.text)
            for component in upstream:
                doc = component(doc)
            docs_and_links.append((doc, links))
        info = {"built_by": f"{self.name}.initialize (spacy train)", "annotated_texts": len(docs_and_links)}
        return fit_boundary_model(docs_and_links, self.lexicon, epochs, info=info)

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
