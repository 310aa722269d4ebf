"""``lawrep_programs``: PROGRAM entities with canonical ids on ``ent_id_`` (“三项制度” and 行政执法三项制度
→ three_systems), from a lexicon, plus quoted coined names the lexicon does not know, decided by
rule and, once trained, by a classifier that reads their context (context.py). Lexicon, rules and
the classifier's weights are data (data/programs.tsv, data/rules.json; the weights learned by
``initialize(get_examples)``), saved with the pipeline.

``quoted_policy`` says how the rule and the classifier combine on such a phrase (context.POLICIES;
``quoted_threshold``: the classifier's probability that counts as yes); both are chosen by
cross-validation by document on train + dev (scripts/programs_cv.py → evaluation/programs_cv.json).
Without a trained classifier (no examples, or data saved before it existed) the rules decide.

It requires nothing from earlier components: it reads the text (the tokenizer's simplified view of
a traditional-character report, when there is one) and leaves alone the entities already there
(a quote inside a title lawrep_laws found stays LAW); it assigns ``doc.ents`` (with ``ent_id_``)
and records its entities in ``doc.spans["lawrep_rules"]``.
"""

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...script import matching_text
from ..base import DataComponent, add_entities, check_setting, token_starts
from .context import FORMAT as MODEL_FORMAT
from .context import POLICIES, QuotedModel, combine, features, train_from_examples
from .recognizer import LEXICON_FILE, RULES_FILE, ProgramRules, QuotedDecision, QuotedPhrase, find_programs


class ProgramRecognizer(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_programs", quoted_policy: str = "rules",
                 quoted_threshold: float = 0.5):
        if quoted_policy not in POLICIES:
            raise ValueError(f"{name}: unknown quoted_policy {quoted_policy!r}: use one of {', '.join(POLICIES)}")
        check_setting(name, "quoted_threshold", quoted_threshold, 0, 1)  # a probability
        self.name = name
        self.quoted_policy, self.quoted_threshold = quoted_policy, quoted_threshold
        self.rules = ProgramRules.from_files()
        self.model: QuotedModel | None = None

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        lexicon_path: str | None = None,
        rules_path: str | None = None,
    ) -> None:
        """Load the lexicon and rules (default: the files that ship with lawrep_nlp), and train the
        quoted-phrase classifier from the examples' reference PROGRAM entities, if examples are
        given (else there is none, and the rules decide)."""
        self.rules = ProgramRules.from_files(Path(lexicon_path) if lexicon_path else LEXICON_FILE,
                                             Path(rules_path) if rules_path else RULES_FILE)
        examples = list(get_examples()) if get_examples is not None else []
        if examples and not any(ent.label_ == "PROGRAM" for eg in examples for ent in eg.reference.ents):
            warnings.warn(f"{self.name}: none of the {len(examples)} initialize examples has a PROGRAM entity, so "
                          "no quoted-phrase classifier is learned (it would learn that none is a programme) and "
                          "the rules decide", stacklevel=2)
            examples = []
        self.model = train_from_examples(examples, self.rules) if examples else None

    def decision(self) -> QuotedDecision | None:
        """How a quoted phrase the lexicon does not know is decided (None: by the rules alone)."""
        model, rules = self.model, self.rules
        if model is None or self.quoted_policy == "rules":
            return None

        def decide(quoted: QuotedPhrase) -> bool:
            names = features(quoted, rules)
            return combine(self.quoted_policy, "rule=yes" in names, model.probability(names), self.quoted_threshold)

        return decide

    def __call__(self, doc: Doc) -> Doc:
        text = matching_text(doc)
        found = find_programs(text, self.rules, self.decision(), token_starts(doc))
        add_entities(doc, [(m.start, m.end) for m in found], "PROGRAM", [m.program_id for m in found], text=text)
        return doc

    def get_data(self) -> Any:
        return {**self.rules.to_data(), "quoted_model": self.model.to_data() if self.model is not None else None}

    def set_data(self, data: Any) -> None:
        self.rules = ProgramRules.from_data(data)
        saved = data.get("quoted_model")
        self.model = QuotedModel(saved) if saved and saved.get("format") == MODEL_FORMAT else None
        if saved and self.model is None:
            warnings.warn(f"{self.name}: saved classifier weights of another layout are ignored; "
                          "initialize(get_examples) trains it again", stacklevel=2)


@Language.factory("lawrep_programs", default_config={"quoted_policy": "rules", "quoted_threshold": 0.5},
                  requires=[], assigns=["doc.ents", "doc.spans"])
def make_program_recognizer(nlp: Language, name: str, quoted_policy: str, quoted_threshold: float) -> ProgramRecognizer:
    return ProgramRecognizer(nlp, name, quoted_policy, quoted_threshold)
