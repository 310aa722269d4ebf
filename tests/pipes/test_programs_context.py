"""lawrep_programs' quoted-phrase classifier: learned from Examples in initialize, combined with the
rules by the declared quoted_policy, saved with the pipeline."""

import json
from pathlib import Path

import opencc
import pytest
import spacy
from spacy.training import Example

from lawrep_nlp.pipes.programs.context import combine

ROOT = Path(__file__).resolve().parents[2]
UNSEEN = ["全面推行“指尖办案”，", "切实当好“主力军”，"]


@pytest.fixture()
def fresh():
    return spacy.load("lawrep_zh")


def example(nlp, text, programmes):
    reference = nlp.make_doc(text)
    reference.ents = [reference.char_span(text.index(p), text.index(p) + len(p), "PROGRAM") for p in programmes]
    return Example(nlp.make_doc(text), reference)


def toy_examples(nlp):
    """Coined names after 推行 are programmes; what one 当好 is rhetoric."""
    return [example(nlp, "全面推行“春风送法”，", ["春风送法"]), example(nlp, "全面推行“法润万家”，", ["法润万家"]),
            example(nlp, "全面推行“掌上调解”，", ["掌上调解"]), example(nlp, "切实当好“领头雁”，", []),
            example(nlp, "切实当好“排头兵”，", []), example(nlp, "切实当好“守门人”，", [])]


def programmes(nlp, text):
    return [e.text for e in nlp(text).ents if e.label_ == "PROGRAM"]


def trained(nlp, policy="model", threshold=0.5):
    pipe = nlp.get_pipe("lawrep_programs")
    pipe.initialize(lambda: toy_examples(nlp), nlp=nlp)
    pipe.quoted_policy, pipe.quoted_threshold = policy, threshold
    return pipe


def test_the_rules_alone_miss_a_coined_name_without_a_head(fresh):
    fresh.get_pipe("lawrep_programs").initialize()  # no examples: no classifier
    assert fresh.get_pipe("lawrep_programs").model is None
    assert [programmes(fresh, text) for text in UNSEEN] == [[], []]


def test_the_classifier_reads_the_context(fresh):
    trained(fresh)
    assert [programmes(fresh, text) for text in UNSEEN] == [["指尖办案"], []]


def test_policy_rules_ignores_the_classifier(fresh):
    trained(fresh, policy="rules")
    assert [programmes(fresh, text) for text in UNSEEN] == [[], []]


@pytest.mark.parametrize(("policy", "rule", "probability", "expected"), [
    ("rules", True, 0.1, True), ("model", True, 0.1, False), ("model", False, 0.6, True),
    ("rules_and_model", True, 0.6, True), ("rules_and_model", False, 0.6, False),
    ("rules_or_model", False, 0.6, True), ("rules_or_model", False, 0.4, False)])
def test_combination_policies(policy, rule, probability, expected):
    assert combine(policy, rule, probability, 0.5) is expected


def test_training_is_deterministic(fresh):
    first = trained(fresh).model.to_data()
    assert trained(fresh).model.to_data() == first


def test_the_classifier_round_trips(fresh, tmp_path):
    trained(fresh)
    fresh.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    pipe = again.get_pipe("lawrep_programs")
    assert pipe.model.to_data() == fresh.get_pipe("lawrep_programs").model.to_data()
    pipe.quoted_policy, pipe.quoted_threshold = "model", 0.5  # the policy is config, set on the attributes above
    assert [programmes(again, text) for text in UNSEEN] == [["指尖办案"], []]


def test_traditional_characters_get_the_same_answer(fresh):
    trained(fresh)
    converted = opencc.OpenCC("s2t").convert(UNSEEN[0])
    assert programmes(fresh, converted) == [converted[5:9]] == ["指尖辦案"]


def test_an_unknown_policy_fails_when_the_pipeline_is_built():
    nlp = spacy.blank("zh")
    with pytest.raises(ValueError, match="quoted_policy"):
        nlp.add_pipe("lawrep_programs", config={"quoted_policy": "vote"})


def test_the_config_declares_what_cross_validation_chose():
    chosen = json.loads((ROOT / "evaluation" / "programs_cv.json").read_text(encoding="utf-8"))
    config = spacy.util.load_config(ROOT / "configs" / "lawrep_zh.cfg")["components"]["lawrep_programs"]
    assert (config["quoted_policy"], config["quoted_threshold"]) == (chosen["policy"], chosen["threshold"])
