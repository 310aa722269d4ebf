"""``lawrep_entity_policy``: how the rule components' entities and the trained NER's combine,
declared per label, so that the choice is configuration, not pipeline order.

It runs after ``ner``. The rule components run first and record what they find in
``doc.spans["lawrep_rules"]``; spaCy's NER keeps the entities already in ``doc.ents`` and can
only add entities in the gaps. Per label, the policy says whether those additions stay:

- ``"rules"``: the rules' entities of the label only (the NER's additions are removed);
- ``"rules_then_model"``: the rules' entities, then the NER's in the gaps.

Labels the policy does not name follow ``default`` (a label only a retrained NER knows keeps its
entities). The shipped policy is the one cross-validation by document on train + dev chose per
label (``scripts/train_ner.py --cv``, docs/entities.md). With the NER disabled, nothing changes.
"""

from spacy.language import Language
from spacy.tokens import Doc

from ..base import RULE_SPANS_KEY

POLICIES = ("rules", "rules_then_model")


class EntityPolicy:
    def __init__(self, nlp: Language, name: str = "lawrep_entity_policy", policy: dict[str, str] | None = None,
                 default: str = "rules_then_model"):
        self.name = name
        self.policy = dict(policy or {})
        self.default = default
        unknown = {label: value for label, value in {**self.policy, "(default)": default}.items()
                   if value not in POLICIES}
        if unknown:
            raise ValueError(f"{name}: unknown entity policy {unknown}; choose one of {POLICIES} per label")

    def policy_of(self, label: str) -> str:
        return self.policy.get(label, self.default)

    def __call__(self, doc: Doc) -> Doc:
        if RULE_SPANS_KEY not in doc.spans:  # no rule component ran: every entity is the model's own
            return doc
        from_rules = {(span.start, span.end, span.label) for span in doc.spans[RULE_SPANS_KEY]}
        kept = [ent for ent in doc.ents
                if (ent.start, ent.end, ent.label) in from_rules or self.policy_of(ent.label_) == "rules_then_model"]
        if len(kept) < len(doc.ents):
            doc.ents = kept
        return doc


@Language.factory("lawrep_entity_policy", default_config={"policy": {}, "default": "rules_then_model"},
                  requires=["doc.ents"], assigns=["doc.ents"])
def make_entity_policy(nlp: Language, name: str, policy: dict[str, str], default: str) -> EntityPolicy:
    return EntityPolicy(nlp, name, policy, default)
