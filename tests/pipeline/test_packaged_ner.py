import json

import spacy

from ..conftest import ROOT

RULES = ["lawrep_laws", "lawrep_programs", "lawrep_orgs", "lawrep_places", "lawrep_dates", "lawrep_quantities"]


def test_shipped_ner_is_trained():
    # regression: model-best, chosen by a dev score that the rule components dominated, was the
    # untrained step-0 NER, which finds nothing once the rules are off
    nlp = spacy.load("lawrep_zh", exclude=[*RULES, "lawrep_entity_policy", "lawrep_indicators", "lawrep_canonical"])
    nlp.enable_pipe("tok2vec")
    nlp.enable_pipe("ner")
    doc = nlp("区司法局深入推进“放管服”改革，贯彻《中华人民共和国行政复议法》。")
    assert {ent.label_ for ent in doc.ents} & {"ORG", "PROGRAM", "LAW"}


def test_the_declared_policy_is_the_cross_validated_one():
    chosen = json.loads((ROOT / "evaluation" / "ner_cv.json").read_text(encoding="utf-8"))["policy"]
    config = spacy.util.load_config(ROOT / "configs" / "lawrep_zh.cfg")
    assert dict(config["components"]["lawrep_entity_policy"]["policy"]) == chosen


def test_shipped_ner_is_disabled_and_the_policy_applies_once_it_is_enabled():
    nlp = spacy.load("lawrep_zh")
    assert {"tok2vec", "ner"} <= set(nlp.disabled)
    assert nlp.pipe_names.index("lawrep_entity_policy") > nlp.pipe_names.index("lawrep_quantities")
    nlp.enable_pipe("tok2vec")
    nlp.enable_pipe("ner")
    policy = nlp.get_pipe("lawrep_entity_policy")
    kept = {label for label in nlp.get_pipe("ner").labels if policy.policy_of(label) == "rules_then_model"}
    chosen = json.loads((ROOT / "evaluation" / "ner_cv.json").read_text(encoding="utf-8"))["policy"]
    assert kept == {label for label, value in chosen.items() if value == "rules_then_model"}
    doc = nlp("2024年，区司法局深入推进“放管服”改革。")
    assert {ent.label_ for ent in doc.ents} <= {"DATE", "ORG", "PROGRAM", "GPE"}
