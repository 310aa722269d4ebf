"""``lawrep_indicators``: INDICATOR spans (``doc.spans["indicators"]``) and quantity →
indicator links (``doc._.links``, read by ``ent._.indicator``)."""

import warnings
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
from ..base import DataComponent, check_required, check_setting, missing_upstream, unmet_requirements
from .candidates import LEXICON_FILE, Lexicon, link_quantities
from .link_filter import LINK_FILTER_FILE, POLICIES, KeepRule, LinkFilterModel, fit_link_filter
from .scorer import BOUNDARY_MODEL_FILE, BoundaryModel, fit_boundary_model

GoldLinks = list[tuple[int, int, int, int]]


class IndicatorLinker(DataComponent):
    """Rule linker (word lists in data/lexicon.json) whose indicator boundaries a trained model
    refines (data/boundary_model.json from scripts/train_linker.py, or learned from the training
    examples in ``initialize``); `learned_boundaries=False` runs the rules alone. With
    `link_filter="learned"`, a trained filter (data/link_filter.json, or learned in
    ``initialize``) drops the links it gives a chance below `keep_threshold` of naming the gold
    indicator ("learned_refine": or moves them to a likelier alternative phrase); "off" (or an
    empty filter) keeps every rule link."""

    def __init__(self, nlp: Language, name: str = "lawrep_indicators", *, learned_boundaries: bool = True,
                 link_filter: str = "off", keep_threshold: float = 0.5,
                 scorer: Callable[..., dict[str, Any]] | None = None):
        if link_filter not in POLICIES:
            raise ValueError(f"{name}: link_filter must be one of {POLICIES}, not {link_filter!r}")
        check_setting(name, "keep_threshold", keep_threshold, 0, 1)
        self.name = name
        self.nlp = nlp  # to check, when it runs, that the components before it are enabled
        self._pipeline_checked: tuple[str, ...] | None = None
        self.scorer = scorer
        self.learned_boundaries = learned_boundaries
        self.link_filter = link_filter
        self.keep_threshold = keep_threshold
        self.lexicon = Lexicon.from_file()
        self.boundary_model = BoundaryModel.from_file()
        self.filter_model = LinkFilterModel.from_file()
        self._filter_checked = False

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        lexicon_path: str | None = None,
        boundary_model_path: str | None = None,
        boundary_epochs: int | None = None,
        boundary_runs: int = 1,
        link_filter_path: str | None = None,
        filter_epochs: int | None = None,
    ) -> None:
        """Load the word lists (default: the file that ships with lawrep_nlp). The boundary model
        is learned from the training examples' gold links when `boundary_epochs` is set (what
        ``spacy train`` does with configs/lawrep_zh.cfg; 0 = the rules alone; the mean of
        `boundary_runs` perceptrons, each with its own seeded shuffle), else loaded from
        `boundary_model_path` or the shipped file. The link filter likewise, with `filter_epochs`
        (0 = the empty filter), `link_filter_path` or the shipped file; it learns from the links
        as the boundary model above makes them."""
        if boundary_runs < 1 or any(epochs is not None and epochs < 0 for epochs in (boundary_epochs, filter_epochs)):
            raise ValueError(f"{self.name}: boundary_runs must be at least 1 and the epochs 0 or more, not "
                             f"{boundary_runs!r}, {boundary_epochs!r}, {filter_epochs!r}")
        self.lexicon = Lexicon.from_file(Path(lexicon_path) if lexicon_path else LEXICON_FILE)
        learn = get_examples is not None and nlp is not None
        references: list[tuple[Doc, GoldLinks]] = []
        if get_examples is not None and nlp is not None and (boundary_epochs is not None or filter_epochs is not None):
            references = self._reference_docs(get_examples, nlp)
        if references and not any(links for _, links in references):
            # A corpus that annotates links has some; one without any was not annotated for them (a
            # JSONL whose records carry "relations": [] by habit). Learning from it would teach the
            # filter that every rule link is false (regression: such a retrained pipeline linked nothing).
            references = []
        if learn and (boundary_epochs or filter_epochs) and not references:
            warnings.warn(f"{self.name}: none of the initialize examples is annotated with a link (doc._.links, "
                          "the records' relations), so the boundary model and the link filter are empty: the "
                          "rules link alone", stacklevel=2)
        if learn and boundary_epochs is not None:
            annotated = [(doc, links) for doc, links in references if links]
            info = {"built_by": f"{self.name}.initialize", "annotated_texts": len(annotated),
                    "documents": sorted({str(doc.user_data["lawrep_meta"]["doc"]) for doc, _ in references
                                         if "doc" in doc.user_data.get("lawrep_meta", {})})}
            self.boundary_model = fit_boundary_model(annotated, self.lexicon, boundary_epochs, info=info,
                                                     runs=boundary_runs)
        else:
            self.boundary_model = BoundaryModel.from_file(
                Path(boundary_model_path) if boundary_model_path else BOUNDARY_MODEL_FILE)
        if learn and filter_epochs is not None:
            info = {"built_by": f"{self.name}.initialize", "texts": len(references)}
            self.filter_model = fit_link_filter(references, self.lexicon, filter_epochs,
                                                boundary_model=self.boundary_model if self.learned_boundaries else None,
                                                info=info)
        else:
            self.filter_model = LinkFilterModel.from_file(
                Path(link_filter_path) if link_filter_path else LINK_FILTER_FILE)
        self._filter_checked = False

    def _reference_docs(self, get_examples: Callable[[], Iterable[Example]], nlp: Language
                        ) -> list[tuple[Doc, GoldLinks]]:
        """The examples read as the pipeline reads them, with their gold links: each text through
        the rule components before this one (trainable ones are skipped: at initialize they have
        not learned anything yet). Examples without link annotations (links None) are left out;
        those annotated with no link are kept (every rule link there is false; initialize drops
        them all when no example has a link)."""
        upstream = []
        for name, component in nlp.pipeline:
            if name == self.name:
                break
            if not isinstance(component, TrainablePipe):
                upstream.append(component)
        docs_and_links = []
        for example in get_examples():
            if example.reference._.links is None:
                continue
            links = [tuple(link) for link in example.reference._.links]
            doc = nlp.make_doc(example.reference.text)
            if "lawrep_meta" in example.reference.user_data:  # the corpus's DocBins: which document
                doc.user_data["lawrep_meta"] = example.reference.user_data["lawrep_meta"]
            for component in upstream:
                doc = component(doc)
            # lawrep_sentences disabled: named here, not spaCy's E030 from the walk (regression)
            if len(doc) and not doc.has_annotation("SENT_START"):
                raise missing_upstream(self.name, "token.is_sent_start")
            docs_and_links.append((doc, links))
        return docs_and_links

    def _check_filter(self) -> None:
        """Warn once when the link filter learned from other links than this linker makes (trained
        with the boundary model and run with ``learned_boundaries=False``, or the reverse)."""
        trained_with = self.filter_model.info.get("learned_boundaries")
        if self._filter_checked or trained_with is None or not self.filter_model.weights:
            return
        self._filter_checked = True
        if trained_with != self.learned_boundaries:
            warnings.warn(f"{self.name}: the link filter learned from links made with learned_boundaries="
                          f"{trained_with}, but the linker runs with learned_boundaries={self.learned_boundaries}, "
                          "so it judges links unlike those it learned from; initialize the component again "
                          "(nlp.initialize or spacy train) or set link_filter = \"off\"", stacklevel=2)

    def _check_pipeline(self) -> None:
        """Fail, naming it, when a component this one requires is disabled or comes after it
        (checked again only when the enabled components change)."""
        names = tuple(self.nlp.pipe_names)
        if names == self._pipeline_checked:
            return
        if self.name not in names or self.nlp.get_pipe(self.name) is not self:
            return  # called on its own, or sourced into another pipeline (add_pipe(source=…)): trusted
        unmet = unmet_requirements(self.nlp, self.name, INDICATOR_LINKER_REQUIRES)
        if unmet:
            raise missing_upstream(self.name, *unmet)
        self._pipeline_checked = names

    def __call__(self, doc: Doc) -> Doc:
        self._check_pipeline()
        if len(doc) and not doc.has_annotation("SENT_START"):  # not spaCy's E030 deep in the walk
            raise missing_upstream(self.name, "token.is_sent_start")
        if self.link_filter != "off":
            self._check_filter()
        model = self.boundary_model if self.learned_boundaries else None
        view = simplified_view(doc)  # doc itself unless the report has traditional characters
        judge = None if self.link_filter == "off" else \
            KeepRule(self.filter_model, self.keep_threshold, refine=self.link_filter == "learned_refine")
        indicators, links = link_quantities(view, self.lexicon, model, judge)
        if view is not doc:  # same tokens and entities: carry the results over by position
            indicators = [Span(doc, span.start, span.end, label=span.label_) for span in indicators]
            for theirs, ours in zip(view.ents, doc.ents, strict=True):
                ours._.action = theirs._.action
        doc.spans[INDICATORS_KEY] = indicators
        doc._.links = links
        doc._.measurements = measurement_records(doc)
        return doc

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        """This component's part (indicator spans, links exact and relaxed), so that `spacy train`
        logs and `spacy evaluate` show it; none without a scorer."""
        return self.scorer(examples, **kwargs) if self.scorer is not None else {}

    def get_data(self) -> Any:
        return {"lexicon": self.lexicon.data, "boundary_model": self.boundary_model.to_data(),
                "link_filter": self.filter_model.to_data()}

    def set_data(self, data: Any) -> None:
        """Data saved before the boundary model (the word lists alone) or before the link filter
        existed loads as what that pipeline did: the missing parts empty."""
        if "lexicon" not in data:
            data = {"lexicon": data, "boundary_model": BoundaryModel.empty().to_data()}
        self.lexicon = Lexicon(data["lexicon"])
        self.boundary_model = BoundaryModel.from_data(data["boundary_model"])
        self.filter_model = LinkFilterModel.from_data(data.get("link_filter") or LinkFilterModel.empty().to_data())
        self._filter_checked = False


INDICATOR_LINKER_REQUIRES = ["doc.ents", "token.is_sent_start", "span._.value", "span._.unit", "span._.approx"]


@Language.factory("lawrep_indicators",
                  default_config={"learned_boundaries": True, "link_filter": "off", "keep_threshold": 0.5,
                                  "scorer": {"@scorers": "lawrep.link_scorer.v1"}},
                  default_score_weights={"lawrep_link_exact_f": 0.5},
                  requires=INDICATOR_LINKER_REQUIRES,
                  assigns=["doc.spans", "doc._.links", "doc._.measurements", "span._.action"])
def make_indicator_linker(nlp: Language, name: str, learned_boundaries: bool, link_filter: str,
                          keep_threshold: float, scorer: Callable[..., dict[str, Any]] | None) -> IndicatorLinker:
    check_required(nlp, name, INDICATOR_LINKER_REQUIRES)
    return IndicatorLinker(nlp, name, learned_boundaries=learned_boundaries, link_filter=link_filter,
                           keep_threshold=keep_threshold, scorer=scorer)
