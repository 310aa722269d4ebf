"""The linker's learned link filter: a rule link that names nothing the standard counts is dropped
(the quantity stays unlinked); the others stand as the rules and the boundary model make them."""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

from lawrep_nlp.pipes.indicators.candidates import Link, link_quantities
from lawrep_nlp.pipes.indicators.link_filter import (
    CLAUSE_MARKS,
    LINK_FILTER_FILE,
    KeepRule,
    LinkFilterModel,
    fit_link_filter,
    link_features,
    rule_links,
)
from lawrep_nlp.pipes.indicators.scorer import BOUNDARY_MODEL_FILE, BoundaryModel

from ..conftest import blank_with

ROOT = Path(__file__).resolve().parents[2]
CONFIG = spacy.util.load_config(ROOT / "configs" / "lawrep_zh.cfg")
CV = json.loads((ROOT / "evaluation" / "linker_cv.json").read_text(encoding="utf-8"))


def links_of(nlp, text: str) -> list[tuple[str, str]]:
    """(quantity, indicator) text of every link the pipeline makes in `text`."""
    doc = nlp(text)
    return [(doc.text[q0:q1], doc.text[i0:i1]) for q0, q1, i0, i1 in doc._.links]


@pytest.fixture(scope="module")
def filtered():
    """The shipped pipeline with the filter as configs/lawrep_zh.cfg sets it and the shipped
    filter (data/link_filter.json)."""
    settings = {key: CONFIG["components"]["lawrep_indicators"][key] for key in ("link_filter", "keep_threshold")}
    nlp = spacy.load("lawrep_zh", config={"components": {"lawrep_indicators": settings}})
    nlp.get_pipe("lawrep_indicators").filter_model = LinkFilterModel.from_file()
    return nlp


@pytest.fixture(scope="module")
def unfiltered():
    """The shipped pipeline with the filter off: every rule link (with its learned boundary)."""
    return spacy.load("lawrep_zh", config={"components": {"lawrep_indicators": {"link_filter": "off"}}})


# report sentences and the links the shipped filter leaves (the gold links of the standard)
SHIPPED = [
    ("其中：第一批取消1项，承接9项，调整5项。", []),  # batches of a list of changes: nothing is counted
    ("把学习贯彻习近平法治思想作为一项重要政治任务。", []),  # 一项 is no measurement
    ("我市分四批取消承接和调整行政许可事项。", []),
    ("先后13批次精简行政职权2231项。", [("2231项", "行政职权")]),  # the batches are not an indicator
    ("全年办理法律援助案件157件。", [("157件", "法律援助案件")]),
    ("受理各类矛盾纠纷300余件，成功调解294件。", [("300余件", "矛盾纠纷"), ("294件", "矛盾纠纷")]),  # elided: kept
    ("调解成功率达到98%。", [("98%", "调解成功率")]),
]
# with "learned_refine": a dropped number–object link moves to the phrase before the number
REFINED = [
    ("年内召开党组会议4次专题研究法治建设重点工作。", [("4次", "党组会议")]),  # not 专题研究法治建设重点工作
]
# (开展线上线下法治讲座36场受众4万余人 was one: the rules now link 【法治讲座】36场 themselves)


@pytest.mark.skipif(CONFIG["components"]["lawrep_indicators"]["link_filter"] == "off",
                    reason="the configured policy is off")
@pytest.mark.parametrize(("text", "expected"), SHIPPED)
def test_shipped_filter(filtered, text, expected):
    assert links_of(filtered, text) == expected


@pytest.fixture(scope="module")
def refining():
    """The shipped filter run with "learned_refine" at the configured threshold, whichever policy
    the config chose but "off" (then the shipped filter is empty)."""
    threshold = CONFIG["components"]["lawrep_indicators"]["keep_threshold"]
    nlp = spacy.load("lawrep_zh", config={"components": {"lawrep_indicators": {
        "link_filter": "learned_refine", "keep_threshold": threshold}}})
    nlp.get_pipe("lawrep_indicators").filter_model = LinkFilterModel.from_file()
    return nlp


@pytest.mark.skipif(CONFIG["components"]["lawrep_indicators"]["link_filter"] == "off",
                    reason="the configured policy is off: the shipped filter is empty (scripts/train_linker.py)")
@pytest.mark.parametrize(("text", "expected"), REFINED)
def test_shipped_filter_refines(refining, unfiltered, text, expected):
    assert links_of(refining, text) == expected != links_of(unfiltered, text)


# a hand-set model that distrusts every number–object link and trusts every object–number one
DISTRUST_AFTER = LinkFilterModel({"path=after": -5.0, "path=before": 5.0}, {})


@pytest.mark.parametrize(("text", "rules", "dropped", "refined"), [
    # the rules themselves now take the object before the number when the phrase after it is the
    # next number's object (they took 受众 for 36场, which the refiner mended): nothing to drop or mend
    ("开展法治讲座36场受众4万余人。", [("36场", "法治讲座"), ("4万余人", "受众")],
     [("36场", "法治讲座"), ("4万余人", "受众")], [("36场", "法治讲座"), ("4万余人", "受众")]),
    ("召开党组会议4次专题研究法治建设。", [("4次", "专题研究法治建设")], [], [("4次", "党组会议")]),
    ("组织30余名党政机关主要负责人旁听庭审。", [("30余名", "党政机关主要负责人旁听庭审")], [], []),  # none
])
def test_refiner_chooses_an_alternative(nlp, text, rules, dropped, refined):
    lexicon = nlp.get_pipe("lawrep_indicators").lexicon
    doc = nlp(text)

    def pairs(judge) -> list[tuple[str, str]]:
        return [(text[q0:q1], text[i0:i1]) for q0, q1, i0, i1 in link_quantities(doc, lexicon, None, judge)[1]]

    assert (pairs(None), pairs(KeepRule(DISTRUST_AFTER, 0.5)), pairs(KeepRule(DISTRUST_AFTER, 0.5, refine=True))) == \
        (rules, dropped, refined)


def test_batch_counts_are_left_unlinked_by_the_rules_themselves(unfiltered):
    """Two sentences above where the filter dropped links: a count of batches before what it splits
    (分【四批】) is no link by the standard, and since session 23 the rules leave it unlinked; the
    count of items stays linked."""
    assert links_of(unfiltered, "我市分四批取消承接和调整行政许可事项。") == []
    assert len(links_of(unfiltered, "先后13批次精简行政职权2231项。")) == 1


def gold_as_rules(nlp, text: str) -> list[tuple[int, int, int, int]]:
    doc = nlp(text)
    return [tuple(link) for link in link_quantities(doc, nlp.get_pipe("lawrep_indicators").lexicon)[1]]


# a toy corpus: the batches of a list of changes are annotated without links, cases and rates with
TOY = [("第一批取消1项，承接9项，调整5项。", False), ("第二批取消2项，承接3项，调整4项。", False),
       ("全年办理法律援助案件157件，受理行政复议申请32件。", True), ("化解矛盾纠纷85件，调解成功率达到98%。", True)]


@pytest.fixture(scope="module")
def toy_filter(nlp) -> LinkFilterModel:
    lexicon = nlp.get_pipe("lawrep_indicators").lexicon
    return fit_link_filter([(nlp(text), gold_as_rules(nlp, text) if linked else []) for text, linked in TOY],
                           lexicon, epochs=10)


def test_trained_filter_drops_what_it_learned_to_drop(nlp, toy_filter):
    linker = nlp.get_pipe("lawrep_indicators")
    judge = KeepRule(toy_filter, 0.5)
    dropped = nlp("第三批取消6项，承接7项。")
    assert len(link_quantities(dropped, linker.lexicon)[1]) == 2  # the rules link both
    assert link_quantities(dropped, linker.lexicon, judge=judge) == ([], [])
    kept = nlp("全年办理公证案件40件，受理各类矛盾纠纷300余件，成功调解294件。")
    assert link_quantities(kept, linker.lexicon, judge=judge) == link_quantities(kept, linker.lexicon)
    assert toy_filter.info == {"learned_boundaries": False, "epochs": 10, "seed": 20261122, "examples": 10, "kept": 4}


def test_the_threshold_decides(nlp, toy_filter):
    """At 0 every link stands; at 1 none does."""
    linker = nlp.get_pipe("lawrep_indicators")
    doc = nlp("全年办理公证案件40件，承接7项。")
    assert link_quantities(doc, linker.lexicon, judge=KeepRule(toy_filter, 0.0)) == link_quantities(doc, linker.lexicon)
    assert link_quantities(doc, linker.lexicon, judge=KeepRule(toy_filter, 1.0))[1] == []


def test_component_applies_the_policy(nlp, toy_filter):
    text = "第三批取消6项，全年办理公证案件40件。"
    linker = nlp.get_pipe("lawrep_indicators")
    kept, saved = linker.filter_model, (linker.link_filter, linker.keep_threshold)
    try:
        linker.filter_model = toy_filter
        linker.link_filter, linker.keep_threshold = "off", 0.5
        assert links_of(nlp, text) == [("6项", "第三批取消"), ("40件", "公证案件")]
        linker.link_filter = "learned"
        assert links_of(nlp, text) == [("40件", "公证案件")]
        doc = nlp(text)
        assert [span.text for span in doc.spans["indicators"]] == ["公证案件"]  # the dropped phrase is none
    finally:
        linker.filter_model, (linker.link_filter, linker.keep_threshold) = kept, saved


class DropBefore:
    """A judge that drops every link to a phrase before its quantity."""

    def choose(self, link: Link, alternatives: list[Link], lexicon) -> Link | None:
        return None if link.path == "before" else link


def test_a_dropped_link_is_no_antecedent(nlp):
    """An elided object (办结28件) links to the sentence's previous indicator only if that link stood."""
    doc = nlp("区司法局收到行政复议申请32件、办结28件。")
    lexicon = nlp.get_pipe("lawrep_indicators").lexicon
    assert [link.path for link in rule_links(doc, lexicon)] == ["before", "previous"]
    assert link_quantities(doc, lexicon, judge=DropBefore()) == ([], [])


@pytest.mark.parametrize("threshold", [0.0, 0.5, 1.0])
def test_untrained_filter_is_todays_linker(nlp, seed_texts, threshold):
    linker = nlp.get_pipe("lawrep_indicators")
    judge = KeepRule(LinkFilterModel.empty(), threshold)
    for doc in nlp.pipe(seed_texts):
        assert link_quantities(doc, linker.lexicon, linker.boundary_model, judge) == \
            link_quantities(doc, linker.lexicon, linker.boundary_model)


def test_policy_off_ignores_the_filter(seed_texts):
    """The factory's default ("off") links as before the filter existed, whatever filter it holds."""
    default = blank_with("lawrep_indicators")
    assert default.get_pipe("lawrep_indicators").link_filter == "off"
    default.get_pipe("lawrep_indicators").filter_model = DISTRUST_AFTER  # a filter that would drop links, not used
    learned_empty = blank_with()
    learned_empty.add_pipe("lawrep_indicators", config={"link_filter": "learned"})
    learned_empty.get_pipe("lawrep_indicators").filter_model = LinkFilterModel.empty()
    texts = seed_texts[:2]
    assert [doc._.links for doc in default.pipe(texts)] == [doc._.links for doc in learned_empty.pipe(texts)]


def test_filter_trained_on_other_links_warns_once(seed_texts):
    """Regression: with learned_boundaries=False the shipped filter (trained on the boundary
    model's links) judged links unlike its training data without a word."""
    trained_with_model = LinkFilterModel({"path=after": 0.5}, {"learned_boundaries": True})
    nlp = blank_with()
    nlp.add_pipe("lawrep_indicators", config={"link_filter": "learned", "learned_boundaries": False})
    nlp.get_pipe("lawrep_indicators").filter_model = trained_with_model
    with pytest.warns(UserWarning, match="learned_boundaries=True, but the linker runs with learned_boundaries=False"):
        list(nlp.pipe(seed_texts[:2]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nlp(seed_texts[0])  # once per component, not per document
        matching = blank_with()
        matching.add_pipe("lawrep_indicators", config={"link_filter": "learned"})
        matching.get_pipe("lawrep_indicators").filter_model = trained_with_model
        matching(seed_texts[0])  # the setting it learned with: no warning


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="link_filter must be one of"):
        blank_with().add_pipe("lawrep_indicators", config={"link_filter": "sometimes"})


def test_training_is_deterministic(nlp):
    lexicon = nlp.get_pipe("lawrep_indicators").lexicon
    data = [(nlp(text), gold_as_rules(nlp, text) if linked else []) for text, linked in TOY]
    first, second = (fit_link_filter(data, lexicon, epochs=5) for _ in range(2))
    assert first.to_data() == second.to_data() and first.weights
    assert fit_link_filter(data, lexicon, epochs=5, seed=1).weights != first.weights  # the seed is used


def test_features_are_plain_strings(nlp):
    doc = nlp("全年办理法律援助案件157件。")
    (link,) = rule_links(doc, nlp.get_pipe("lawrep_indicators").lexicon)
    features = link_features(link, nlp.get_pipe("lawrep_indicators").lexicon)
    assert "path=before" in features and "unit=件" in features and len(features) == len(set(features))


def test_filter_is_saved_with_the_pipeline(toy_filter, tmp_path):
    linker = blank_with("lawrep_indicators").get_pipe("lawrep_indicators")
    linker.filter_model = toy_filter
    linker.to_disk(tmp_path / "linker")
    restored = blank_with("lawrep_indicators").get_pipe("lawrep_indicators")
    restored.filter_model = LinkFilterModel.empty()
    restored.from_disk(tmp_path / "linker")
    assert restored.filter_model == toy_filter


def test_data_saved_before_the_filter_loads_without_it(nlp):
    """Regression: a pipeline saved before the filter existed loads, and links as it did."""
    old = {key: value for key, value in nlp.get_pipe("lawrep_indicators").get_data().items() if key != "link_filter"}
    linker = blank_with("lawrep_indicators").get_pipe("lawrep_indicators")
    linker.set_data(old)
    assert linker.filter_model == LinkFilterModel.empty()
    assert linker.boundary_model == nlp.get_pipe("lawrep_indicators").boundary_model


LINES = ["全年办理{法律援助案件|I:a}{157件|Q:157:件>a}，受理{行政复议申请|I:b}{32件|Q:32:件>b}。",
         "第一批取消{1项|Q:1:项}，承接{9项|Q:9:项}，调整{5项|Q:5:项}。"]


def test_initialize_learns_the_filter_from_the_examples():
    from lawrep_nlp.corpus.docbin import record_to_doc
    from lawrep_nlp.corpus.markup import parse

    nlp = blank_with("lawrep_indicators")
    nlp.config["initialize"]["components"]["lawrep_indicators"] = {"boundary_epochs": 3, "filter_epochs": 5}
    examples = []
    for line in LINES:
        text, spans, relations = parse(line)
        reference = record_to_doc(nlp, {"text": text, "spans": spans, "relations": relations, "meta": {}})
        examples.append(Example(nlp.make_doc(text), reference))
    nlp.initialize(lambda: examples)
    model = nlp.get_pipe("lawrep_indicators").filter_model
    assert model.info["built_by"] == "lawrep_indicators.initialize"
    assert model.info["learned_boundaries"] is True
    # the text without links counts too: its three rule links are the examples to drop
    assert (model.info["texts"], model.info["epochs"], model.info["examples"], model.info["kept"]) == (2, 5, 5, 2)
    assert nlp.get_pipe("lawrep_indicators").boundary_model.info["annotated_texts"] == 1


def test_config_agrees_with_the_cross_validation():
    chosen = CV["chosen"]
    components = CONFIG["components"]["lawrep_indicators"]
    assert (components["link_filter"], components["keep_threshold"]) == (chosen["link_filter"], chosen["keep_threshold"])
    assert CONFIG["initialize"]["components"]["lawrep_indicators"]["filter_epochs"] == chosen["filter_epochs"]
    boundary = CONFIG["initialize"]["components"]["lawrep_indicators"]
    assert (CV["boundary_epochs"], CV["boundary_runs"]) == (boundary["boundary_epochs"], boundary["boundary_runs"])
    assert LinkFilterModel.from_file().info["epochs"] == chosen["filter_epochs"]
    if chosen["link_filter"] != "off":
        best = CV["table"][f"{chosen['link_filter']}, {chosen['filter_epochs']} epochs, "
                           f"keep_threshold {chosen['keep_threshold']}"]
        assert best["exact"]["f"] == max(row["exact"]["f"] for row in CV["table"].values())
        assert best["exact"]["f"] > CV["table"]["off"]["exact"]["f"]


def test_the_shipped_linker_is_what_train_linker_writes(nlp):
    """scripts/build_pipeline.py fits the shipped linker through lawrep_indicators.initialize on
    the train + dev DocBins, and train_linker.py the package's files from the JSONL records of the
    same documents: the same models (the order of the documents does not matter)."""
    linker = nlp.get_pipe("lawrep_indicators")
    assert linker.boundary_model.info["built_by"] == "lawrep_indicators.initialize"
    assert linker.boundary_model.weights == BoundaryModel.from_file().weights
    assert linker.boundary_model.info["documents"] == BoundaryModel.from_file().info["documents"]
    assert linker.filter_model.weights == LinkFilterModel.from_file().weights


def test_train_linker_never_replaces_the_shipped_models_with_other_ones(tmp_path):
    """Regression: the docstring's `--splits train --dev` wrote train-only models over the shipped
    files, and `--annotations DIR` without DIR/annotations/*.jsonl wrote empty ones (exit 0)."""
    script = str(ROOT / "scripts" / "train_linker.py")
    for extra in (["--splits", "train"], ["--annotations", str(tmp_path)], ["--epochs", "3"]):
        proc = subprocess.run([sys.executable, script, *extra], capture_output=True, text=True)
        assert proc.returncode == 2 and "give --out and --filter-out" in proc.stderr
    proc = subprocess.run([sys.executable, script, "--annotations", str(tmp_path), "--out", str(tmp_path / "b.json"),
                           "--filter-out", str(tmp_path / "f.json")], capture_output=True, text=True)
    assert proc.returncode == 2 and "annotations/*.jsonl" in proc.stderr and not (tmp_path / "b.json").exists()
    proc = subprocess.run([sys.executable, script, "--select", "--runs", "1"], capture_output=True, text=True)
    assert proc.returncode == 2 and "either --select or --epochs/--runs" in proc.stderr


def test_shipped_files_regenerate(tmp_path):
    """scripts/train_linker.py writes the shipped boundary model and filter byte for byte."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "train_linker.py"), "--out", str(tmp_path / "b.json"),
                    "--filter-out", str(tmp_path / "f.json")], check=True, capture_output=True)
    assert (tmp_path / "b.json").read_bytes() == BOUNDARY_MODEL_FILE.read_bytes()
    assert (tmp_path / "f.json").read_bytes() == LINK_FILTER_FILE.read_bytes()


def clause_of(doc, quantity) -> tuple[int, int]:
    """Token range of the quantity's clause: its sentence cut at clause punctuation."""
    start, end, sent = quantity.start, quantity.end, quantity.sent
    while start > sent.start and doc[start - 1].text not in CLAUSE_MARKS:
        start -= 1
    while end < sent.end and doc[end].text not in CLAUSE_MARKS:
        end += 1
    return start, end


def test_clause_and_overlap_features_read_the_tokens_as_the_entities(unfiltered, seed_texts):
    """Regression (session 16): the quantities of a link's clause and the labels its indicator
    overlaps were read from doc.ents once per link, which builds every entity of the document:
    a 1M-character report took 900 s in lawrep_indicators. Read from the tokens, they are the same."""
    linker = unfiltered.get_pipe("lawrep_indicators")
    links = 0
    for text in seed_texts:
        doc = unfiltered(text)
        for link in rule_links(doc, linker.lexicon, linker.boundary_model):
            clause_start, clause_end = clause_of(doc, link.quantity)
            in_clause = sum(e.label_ == "QUANTITY" and clause_start <= e.start < clause_end for e in doc.ents)
            overlaps = sorted({e.label_ for e in doc.ents if e.label_ != "QUANTITY"
                               and e.start < link.indicator.end and link.indicator.start < e.end})
            features = link_features(link, linker.lexicon)
            assert f"quantities_in_clause={min(in_clause, 3)}" in features
            assert f"clause_first={clause_start == link.quantity.start}|path={link.path}" in features
            assert f"clause_last={clause_end == link.quantity.end}" in features
            assert [f for f in features if f.startswith("overlaps=")] == [f"overlaps={label}" for label in overlaps]
            links += 1
    assert links > 100


def test_a_quantity_running_past_its_sentence_is_read(nlp):
    """Regression (session 17, found by the long property profile): a quantity that the sentence
    length cap cuts runs past its sentence's end, and the clause reading looked at the token after
    it, outside the document."""
    text = ("区司法局3—" + "9" * 400 + "件") * 3
    doc = nlp(text)
    assert doc.text == text
    assert any(ent.end > ent.sent.end for ent in doc.ents)  # the case in question
    assert len(doc._.measurements) == 3
