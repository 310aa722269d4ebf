"""lawrep_programs' quoted-phrase classifier: learned from Examples in initialize, combined with the
rules by the declared quoted_policy, saved with the pipeline.

The toy training set is built so that only the context can decide: the same lengths and the same
text after the quote on both sides, coined names after 推进, rhetoric after 争当; none of the phrases
has a head word, so the rules call every one of them rhetoric."""

import json
from pathlib import Path

import opencc
import pytest
import spacy
from spacy.tokens import Doc
from spacy.training import Example

from lawrep_nlp.pipes.programs.context import FORMAT, QuotedModel, combine, training_samples
from lawrep_nlp.pipes.programs.recognizer import ProgramRules, find_programs

ROOT = Path(__file__).resolve().parents[2]
TOY = [("全面推进“春风送法”，", True), ("全面推进“法润万家”，", True), ("全面推进“码上办”，", True),
       ("全面推进“云调解”，", True), ("全力争当“领头雁”，", False), ("全力争当“排头兵”，", False),
       ("全力争当“贴心管家”，", False), ("全力争当“金牌帮手”，", False)]
#: sentences none of the toy examples has, with the PROGRAM spans the toy classifier gives
UNSEEN = {"全面推进“指尖办案”，": ["指尖办案"], "全力争当“主力军”，": []}
#: what the rules say, whatever was trained: heads, codes, listed rhetoric, the lexicon
RULE_CASES = {"建立“1211”机制，": ["1211"], "开展“扫码入企”活动，": ["扫码入企"], "当好“关键少数”，": [],
              "推行“三项制度”，": ["三项制度"], "坚持“合法、合理、必要、可行”原则，": [],
              "全面推进“指尖办案”，": []}


@pytest.fixture()
def fresh():
    return spacy.load("lawrep_zh", exclude=["tok2vec", "ner", "lawrep_entity_policy", "lawrep_indicators",
                                            "lawrep_canonical"])


def reference_doc(nlp, text):
    """A gold Doc as a DocBin gives it back: tokens (here characters) without the tokenizer's
    simplified view of the text."""
    return Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))


def example(nlp, text, programmes):
    reference = reference_doc(nlp, text)
    reference.ents = [reference.char_span(text.index(p), text.index(p) + len(p), "PROGRAM") for p in programmes]
    return Example(nlp.make_doc(text), reference)


def toy_examples(nlp):
    return [example(nlp, text, [text[text.index("“") + 1:text.index("”")]] if programme else [])
            for text, programme in TOY]


def programmes(nlp, text):
    return [e.text for e in nlp(text).ents if e.label_ == "PROGRAM"]


def trained(nlp, policy="model", threshold=0.5):
    pipe = nlp.get_pipe("lawrep_programs")
    pipe.initialize(lambda: toy_examples(nlp), nlp=nlp)
    pipe.quoted_policy, pipe.quoted_threshold = policy, threshold
    return pipe


def test_the_classifier_reads_the_context(fresh):
    trained(fresh)
    assert {text: programmes(fresh, text) for text in UNSEEN} == UNSEEN


def test_the_rules_alone_miss_a_coined_name_without_a_head(fresh):
    fresh.get_pipe("lawrep_programs").initialize()  # no examples: no classifier
    assert fresh.get_pipe("lawrep_programs").model is None
    assert {text: programmes(fresh, text) for text in UNSEEN} == {text: [] for text in UNSEEN}


@pytest.mark.parametrize("policy", ["rules", "model", "rules_and_model", "rules_or_model"])
def test_without_a_classifier_every_policy_is_the_rules(fresh, policy):
    pipe = fresh.get_pipe("lawrep_programs")
    pipe.initialize()
    pipe.quoted_policy = policy
    rules = ProgramRules.from_files()
    assert {text: programmes(fresh, text) for text in RULE_CASES} == RULE_CASES
    assert all(programmes(fresh, text) == [text[m.start:m.end] for m in find_programs(text, rules)]
               for text in [*RULE_CASES, *UNSEEN, *(text for text, _ in TOY)])


def test_data_saved_before_the_classifier_reads_as_the_rules(fresh):
    pipe = trained(fresh)
    data = pipe.get_data()
    del data["quoted_model"]
    pipe.set_data(data)
    assert pipe.model is None
    assert {text: programmes(fresh, text) for text in RULE_CASES} == RULE_CASES


def test_policy_rules_ignores_the_classifier(fresh):
    trained(fresh, policy="rules")
    assert {text: programmes(fresh, text) for text in UNSEEN} == {text: [] for text in UNSEEN}


def test_the_lexicon_and_listed_rhetoric_still_decide_under_the_model_policy(fresh):
    trained(fresh, threshold=0.01)  # the classifier would take almost anything
    assert programmes(fresh, "推行“三项制度”，") == ["三项制度"]
    assert fresh.get_pipe("lawrep_programs").model.probability(["rule=yes"]) > 0.01


@pytest.mark.parametrize(("policy", "expected"), [
    ("rules", ["扫码入企"]), ("model", ["指尖办案"]), ("rules_and_model", []), ("rules_or_model", ["扫码入企", "指尖办案"])])
def test_the_policy_says_how_rules_and_classifier_combine(fresh, policy, expected):
    pipe = fresh.get_pipe("lawrep_programs")
    # a hand-set classifier: yes after 推进 (p 0.82), no elsewhere (p 0.18)
    pipe.model = QuotedModel({"format": FORMAT, "bias": -1.5, "weights": {"b2=推进": 3.0}})
    pipe.quoted_policy = policy
    # the rules say yes to 扫码入企 (its head 活动 after it) and no to 指尖办案 (no head)
    assert programmes(fresh, "开展“扫码入企”活动，全面推进“指尖办案”。") == expected


@pytest.mark.parametrize(("policy", "rule", "probability", "expected"), [
    ("rules", True, 0.1, True), ("model", True, 0.1, False), ("model", False, 0.6, True),
    ("rules_and_model", True, 0.6, True), ("rules_and_model", False, 0.6, False),
    ("rules_or_model", False, 0.6, True), ("rules_or_model", False, 0.4, False)])
def test_combination_policies(policy, rule, probability, expected):
    assert combine(policy, rule, probability, 0.5) is expected


def test_gold_labels_are_the_quoted_content_one_phrase_at_a_time(fresh):
    # a run of quoted names shares the head after it; a quote inside a gold LAW is lawrep_laws' to decide
    text = "落实“一次性告知”“限时办结”等制度，印发《“包容审慎”清单》，当好“领头雁”。"
    reference = reference_doc(fresh, text)
    spans = [(text.index(p), text.index(p) + len(p), label) for p, label in
             (("一次性告知", "PROGRAM"), ("限时办结", "PROGRAM"), ("“包容审慎”清单", "LAW"))]
    reference.ents = [reference.char_span(s, e, label) for s, e, label in spans]
    samples = training_samples([reference], ProgramRules.from_files())
    assert [(sample.label, sample.rule) for sample in samples] == [(True, True), (True, True), (False, False)]
    assert "after=等" in samples[0].features and "run=2" in samples[0].features


def test_training_is_deterministic(fresh):
    first = trained(fresh).model.to_data()
    assert trained(fresh).model.to_data() == first
    assert first["trained_on"]["phrases"] == len(TOY) and first["weights"]


def test_the_classifier_round_trips(fresh, tmp_path):
    trained(fresh)
    fresh.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    pipe = again.get_pipe("lawrep_programs")
    assert pipe.model.to_data() == fresh.get_pipe("lawrep_programs").model.to_data()
    pipe.quoted_policy, pipe.quoted_threshold = "model", 0.5  # trained() set these on the object, not the config
    assert {text: programmes(again, text) for text in UNSEEN} == UNSEEN


def test_saved_weights_read_back_as_the_same_numbers(fresh, tmp_path):
    pipe = fresh.get_pipe("lawrep_programs")
    pipe.model = QuotedModel({"format": FORMAT, "bias": -0.4829, "weights": {"b2=推进": 0.1974, "a1=，": -0.6032}})
    pipe.to_disk(tmp_path / "programs")
    again = spacy.blank("zh").add_pipe("lawrep_programs").from_disk(tmp_path / "programs")
    assert again.model.to_data() == pipe.model.to_data()
    assert again.model.weights == {"b2=推进": 0.1974, "a1=，": -0.6032}


def test_traditional_characters_get_the_same_answer(fresh):
    trained(fresh)
    to_traditional = opencc.OpenCC("s2t").convert
    converted = {to_traditional(text): [to_traditional(p) for p in found] for text, found in UNSEEN.items()}
    assert list(converted) == ["全面推進“指尖辦案”，", "全力爭當“主力軍”，"]
    assert {text: programmes(fresh, text) for text in converted} == converted


def test_training_on_traditional_references_learns_what_simplified_ones_teach(fresh):
    to_traditional = opencc.OpenCC("s2t").convert
    pipe = fresh.get_pipe("lawrep_programs")
    pipe.initialize(lambda: [example(fresh, to_traditional(eg.reference.text),
                                     [to_traditional(e.text) for e in eg.reference.ents])
                             for eg in toy_examples(fresh)], nlp=fresh)
    learned_from_traditional = pipe.model.to_data()
    assert learned_from_traditional == trained(fresh).model.to_data()


def test_an_unknown_policy_fails_when_the_pipeline_is_built():
    nlp = spacy.blank("zh")
    with pytest.raises(ValueError, match="quoted_policy"):
        nlp.add_pipe("lawrep_programs", config={"quoted_policy": "vote"})


@pytest.mark.parametrize("threshold", [-0.1, 5])
def test_a_threshold_that_is_no_probability_fails_when_the_pipeline_is_built(threshold):
    """Regression: quoted_threshold 5 was accepted and then refused every quoted phrase the lexicon
    does not know."""
    with pytest.raises(ValueError, match="quoted_threshold must be within 0…1"):
        spacy.blank("zh").add_pipe("lawrep_programs", config={"quoted_threshold": threshold})


def test_the_factory_declares_what_it_reads_and_writes():
    meta = spacy.blank("zh").get_factory_meta("lawrep_programs")
    assert meta.requires == [] and meta.assigns == ["doc.ents", "doc.spans"]


def test_the_config_declares_what_cross_validation_chose():
    chosen = json.loads((ROOT / "evaluation" / "programs_cv.json").read_text(encoding="utf-8"))
    config = spacy.util.load_config(ROOT / "configs" / "lawrep_zh.cfg")["components"]["lawrep_programs"]
    assert (config["quoted_policy"], config["quoted_threshold"]) == (chosen["policy"], chosen["threshold"])
    assert chosen["chosen"] == max(chosen["scores"], key=lambda name: chosen["scores"][name]["mean"]["f"])


@pytest.mark.parametrize("next_sentence", ["二是加强监督。", "依据规定调整。", ""])
def test_a_quoted_phrase_is_judged_within_its_sentence(nlp, next_sentence):
    """Regression: the classifier read the characters after the closing quote past the 。, so
    whether 程序清单 was a programme depended on the next sentence (a4=制度。依)."""
    first = "一是 完善“权力清单”“程序清单”“责任清单”制度。"
    alone = [(e.start_char, e.end_char) for e in nlp(first).ents if e.label_ == "PROGRAM"]
    doc = nlp(first + next_sentence)
    assert [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PROGRAM" and e.end_char <= len(first)] == alone
    second = "加强监督。“放管服”改革深入推进。"
    assert [e.text for e in nlp(second).ents if e.label_ == "PROGRAM"] == ["放管服"]
