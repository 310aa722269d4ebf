"""``lawrep_entity_policy``: how the rule components' entities and the trained NER's combine,
declared per label, so that the choice is configuration, not pipeline order.

It runs after ``ner``. The rule components run first and record what they find in
``doc.spans["lawrep_rules"]``, and the entities already set before them (on the input Doc, or by a
component placed before the rules, such as an ``entity_ruler``) in ``doc.spans["lawrep_preset"]``;
both are kept whatever the policy. spaCy's NER keeps the entities already in ``doc.ents`` and can
only add entities in the gaps. Any other entity is counted as the NER's addition, including one
set by a component placed between the rules and this one. Per label, the policy says whether those additions stay:

- ``"rules"``: the rules' entities of the label only (the NER's additions are removed);
- ``"rules_then_model"``: the rules' entities, then the NER's in the gaps.

Labels the policy does not name follow ``default`` (a label only a retrained NER knows keeps its
entities). The shipped policy is the one cross-validation by document on train + dev chose per
label (``scripts/train_ner.py --cv``, docs/entities.md). With the NER disabled, nothing changes.

Every entity the NER added, kept or not, is in ``doc.spans["lawrep_ner_added"]``, and the
component's scorer reports ``lawrep_ner_union_f``: the F of the rules' entities plus all of them
(the policy "rules_then_model" for every label). It measures the NER itself where the policy
hides it, so that ``spacy train``'s model-best is a trained NER even when no label keeps its
additions (with the policy alone, every checkpoint would tie and the untrained first one win).
"""

from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

from ...evaluation import prf
from ...extensions import span_offsets
from ..base import PRESET_SPANS_KEY, RULE_SPANS_KEY

POLICIES = ("rules", "rules_then_model")
NER_ADDED_KEY = "lawrep_ner_added"


class EntityPolicy:
    def __init__(self, nlp: Language, name: str = "lawrep_entity_policy", policy: dict[str, str] | None = None,
                 default: str = "rules_then_model", scorer: Callable[..., dict[str, Any]] | None = None):
        self.name = name
        self.scorer = scorer
        self.policy = dict(policy or {})
        self.default = default
        unknown = {label: value for label, value in {**self.policy, "(default)": default}.items()
                   if value not in POLICIES}
        if unknown:
            raise ValueError(f"{name}: unknown entity policy {unknown}; choose one of {POLICIES} per label")

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        """The registered scorer's figures (spaCy's Language.evaluate calls this)."""
        return self.scorer(examples, **kwargs) if self.scorer is not None else {}

    def policy_of(self, label: str) -> str:
        return self.policy.get(label, self.default)

    def __call__(self, doc: Doc) -> Doc:
        if RULE_SPANS_KEY not in doc.spans:  # no rule component ran: every entity is the model's own
            return doc
        # by character offsets, which doc.retokenize keeps right in span groups (token indices it
        # does not: regression, after a merge every entity passed for the NER's and was dropped)
        from_rules = {*span_offsets(doc.spans[RULE_SPANS_KEY]), *span_offsets(doc.spans.get(PRESET_SPANS_KEY, []))}
        entities = doc.ents  # once: each read builds every entity of the document
        added = [ent for ent in entities if (ent.start_char, ent.end_char, ent.label) not in from_rules]
        if added:
            doc.spans[NER_ADDED_KEY] = added
        kept = [ent for ent in entities if (ent.start_char, ent.end_char, ent.label) in from_rules
                or self.policy_of(ent.label_) == "rules_then_model"]
        if len(kept) < len(entities):
            doc.ents = kept
        return doc


def ner_union_scores(examples: Iterable[Example]) -> dict[str, float | None]:
    """P/R/F of the final entities plus every entity the NER added (NER_ADDED_KEY), against the
    references' entities, pooled over the examples; None without examples."""
    tp = n_pred = n_gold = seen = 0
    for example in examples:
        seen += 1
        doc = example.predicted
        predicted = {(e.start_char, e.end_char, e.label_) for e in [*doc.ents, *doc.spans.get(NER_ADDED_KEY, [])]}
        gold = {(e.start_char, e.end_char, e.label_) for e in example.reference.ents}
        tp, n_pred, n_gold = tp + len(predicted & gold), n_pred + len(predicted), n_gold + len(gold)
    scores = prf(tp, n_pred, n_gold)
    return {f"lawrep_ner_union_{key}": value if seen else None for key, value in scores.items()}


def ner_union_scorer(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    """The NER's additions alone (a module-level function, so that the pipeline pickles)."""
    return ner_union_scores(examples)


@registry.scorers("lawrep.ner_union_scorer.v1")
def make_ner_union_scorer() -> Callable[..., dict[str, Any]]:
    return ner_union_scorer


@Language.factory("lawrep_entity_policy",
                  default_config={"policy": {}, "default": "rules_then_model",
                                  "scorer": {"@scorers": "lawrep.ner_union_scorer.v1"}},
                  requires=["doc.ents"], assigns=["doc.ents", "doc.spans"])
def make_entity_policy(nlp: Language, name: str, policy: dict[str, str], default: str,
                       scorer: Callable[..., dict[str, Any]] | None) -> EntityPolicy:
    return EntityPolicy(nlp, name, policy, default, scorer)
