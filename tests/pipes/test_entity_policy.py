"""lawrep_entity_policy: per label, whether entities a model adds after the rules stay."""

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

SENTENCE = "沈阳市司法局与星河科技公司共同推进“清单制”管理。"
RULES = {("沈阳市司法局", "ORG")}


@Language.component("test_model_additions")
def model_additions(doc: Doc) -> Doc:
    """Stands in for the NER: adds entities in the rules' gaps, as spaCy's ner does."""
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    extra = [doc.char_span(doc.text.index(text), doc.text.index(text) + len(text), label=label)
             for text, label in (("星河科技公司", "ORG"), ("清单制", "PROGRAM"))]
    doc.ents = [*doc.ents, *(s for s in extra if s is not None and not taken & set(range(s.start, s.end)))]
    return doc


def pipeline(policy, default="rules_then_model"):
    nlp = spacy.load("lawrep_zh", exclude=["tok2vec", "ner", "lawrep_entity_policy", "lawrep_indicators",
                                           "lawrep_canonical"])
    nlp.add_pipe("test_model_additions")
    nlp.add_pipe("lawrep_entity_policy", config={"policy": policy, "default": default})
    return nlp


def entities(doc):
    return {(ent.text, ent.label_) for ent in doc.ents if ent.label_ in ("ORG", "PROGRAM")}


def test_rules_policy_drops_the_models_additions_of_that_label_only():
    doc = pipeline({"ORG": "rules", "PROGRAM": "rules_then_model"})(SENTENCE)
    assert entities(doc) == RULES | {("清单制", "PROGRAM")}


def test_rules_then_model_keeps_both():
    doc = pipeline({"ORG": "rules_then_model", "PROGRAM": "rules_then_model"})(SENTENCE)
    assert entities(doc) == RULES | {("星河科技公司", "ORG"), ("清单制", "PROGRAM")}


def test_labels_not_named_follow_the_default():
    doc = pipeline({}, default="rules")(SENTENCE)
    assert entities(doc) == RULES


def test_rule_entities_keep_their_ids_when_additions_are_dropped():
    doc = pipeline({"ORG": "rules", "PROGRAM": "rules"})("在沈阳市，星河科技公司推进“清单制”管理。")
    assert [(ent.text, ent.label_, ent.ent_id_) for ent in doc.ents] == [("沈阳市", "GPE", "210100")]
    assert [span.text for span in doc.spans["lawrep_rules"]] == ["沈阳市"]


def test_additions_are_dropped_where_the_rules_found_nothing():
    # regression: a paragraph without any rule entity had no doc.spans["lawrep_rules"], and the
    # policy took that for a pipeline without rules and kept every addition
    doc = pipeline({"ORG": "rules", "PROGRAM": "rules"})("星河科技公司推进“清单制”管理")
    assert list(doc.ents) == [] and list(doc.spans["lawrep_rules"]) == []


def test_without_rule_components_every_entity_is_the_models():
    nlp = spacy.blank("zh")
    nlp.add_pipe("test_model_additions")
    nlp.add_pipe("lawrep_entity_policy", config={"policy": {"ORG": "rules", "PROGRAM": "rules"}})
    doc = nlp(SENTENCE)
    assert {(ent.text, ent.label_) for ent in doc.ents} == {("星河科技公司", "ORG"), ("清单制", "PROGRAM")}


def test_unknown_policy_is_refused_with_its_label():
    with pytest.raises(ValueError, match="PROGRAM"):
        pipeline({"PROGRAM": "model_first"})


def test_every_addition_is_kept_aside_and_scored_where_the_policy_hides_it():
    """model-best must tell a trained NER from an untrained one even when the policy keeps none
    of its additions: the union score counts them (lawrep_ner_union_f in the config's weights)."""
    from spacy.training import Example

    nlp = pipeline({"ORG": "rules", "PROGRAM": "rules"})
    doc = nlp(SENTENCE)
    assert entities(doc) == RULES
    assert {(span.text, span.label_) for span in doc.spans["lawrep_ner_added"]} == {
        ("星河科技公司", "ORG"), ("清单制", "PROGRAM")}
    reference = nlp.make_doc(SENTENCE)
    reference.ents = [reference.char_span(SENTENCE.index(t), SENTENCE.index(t) + len(t), label=label)
                      for t, label in (("沈阳市司法局", "ORG"), ("星河科技公司", "ORG"))]
    scores = nlp.get_pipe("lawrep_entity_policy").score([Example(doc, reference)])
    # 沈阳市司法局 and 星河科技公司 right, 清单制 not in the reference
    assert scores["lawrep_ner_union_p"] == pytest.approx(2 / 3) and scores["lawrep_ner_union_r"] == 1.0


def test_entities_set_before_the_rules_are_kept():
    """Regression: an entity on the input Doc, or from an entity_ruler placed before the rules, was
    taken for the NER's addition and dropped under the policy "rules"."""
    nlp = pipeline({"ORG": "rules", "PROGRAM": "rules"})
    preset = nlp.make_doc(SENTENCE)
    preset.ents = [preset.char_span(0, 6, label="ORG"), preset.char_span(7, 13, label="ORG")]
    assert entities(nlp(preset)) == {("沈阳市司法局", "ORG"), ("星河科技公司", "ORG")}
    nlp.add_pipe("entity_ruler", first=True).add_patterns([{"label": "ORG", "pattern": "星河科技公司"}])
    assert entities(nlp(SENTENCE)) == {("沈阳市司法局", "ORG"), ("星河科技公司", "ORG")}
