import json

import pytest
from spacy.tokens import DocBin
from spacy.training import Example

from lawrep_nlp.corpus.agreement import agreement
from lawrep_nlp.corpus.docbin import ConversionStats, record_to_doc, span_texts
from lawrep_nlp.corpus.markup import MarkupError, parse, to_markup
from lawrep_nlp.corpus.validate import canonical_problems, record_problems, validate_corpus
from lawrep_nlp.evaluation import Annotation, evaluate_records, from_doc, from_record, score

from ..conftest import ROOT

LINE = "{区司法局|ORG}收到{行政复议申请|I:c}{32件|Q:32:件>c}、办结{28件|Q:28:件>c}。"


def record(line: str = LINE) -> dict:
    text, spans, relations = parse(line)
    return {"text": text, "spans": spans, "relations": relations, "meta": {"doc": "t", "para": 1}}


def test_markup_reads_spans_and_links():
    text, spans, relations = parse(LINE)
    assert text == "区司法局收到行政复议申请32件、办结28件。"
    assert [(text[s["start"]:s["end"]], s["label"]) for s in spans] == [
        ("区司法局", "ORG"), ("行政复议申请", "INDICATOR"), ("32件", "QUANTITY"), ("28件", "QUANTITY")]
    assert relations == [{"quantity": [12, 15], "indicator": [6, 12]}, {"quantity": [18, 21], "indicator": [6, 12]}]
    assert parse(to_markup(record()))[0:2] == (text, spans)


@pytest.mark.parametrize(
    ("line", "message"),
    [("{区司法局|ORG", "not closed"), ("{区司法局", "no |TAG"), ("{32件|Q:32:件>x}", "unknown indicator"), ("{x|FOO}", "unknown tag"),
     ("{32件|Q:abc:件}", "not a number")],
)
def test_markup_errors(line, message):
    with pytest.raises(MarkupError, match=message):
        parse(line)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("接待{1.7万余人次|Q:1700:人次:approx=余}", "value 1700 but the text says 17000"),
        ("接待{1.7万余人次|Q:17000:人:approx=余}", "unit '人' but the text says '人次'"),
        ("接待{1.7万余人次|Q:17000:人次}", "approx is not set"),
        ("{调解率|I:a}高。达到{98%|Q:98:%>a}", "crosses a sentence boundary"),
        ("{{区司法局|ORG}|GPE}", "entities overlap"),
        ("{10—20件|Q:10:件}", "a range needs max=20"),
    ],
)
def test_validator_catches(line, problem):
    assert any(problem in p for p in record_problems(record(line)))


def test_valid_record_has_no_problems():
    assert record_problems(record()) == []
    assert record_problems(record("办结{*余件|Q:*:件:approx=余}")) == []


def test_corpus_is_valid():
    assert validate_corpus(ROOT / "corpus") == []


def test_every_document_in_exactly_one_split():
    splits = json.loads((ROOT / "corpus" / "splits.json").read_text())
    docs = splits["train"] + splits["dev"] + splits["test"]
    assert len(docs) == len(set(docs)) == 236  # 5 seeds and 231 excerpts
    seeds_in_test = [d for d in splits["test"] if not d.startswith("text_")]
    assert len(seeds_in_test) >= 2
    assert len(splits["test"]) >= 50


def test_no_taxonomy_term_is_known_only_from_test_text():
    """The canonical taxonomy is made from train + dev: a term found in test reports but in no
    train/dev report would be knowledge of the held-out split (four such terms were removed)."""
    from lawrep_nlp.pipes.canonical.mapper import QUOTES, TAXONOMY_FILE

    text_of = {"train": "", "dev": "", "test": ""}
    for path in sorted((ROOT / "corpus" / "annotations").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text_of[record["meta"]["split"]] += record["text"] + "\n"
    terms = {"".join(ch for ch in term if ch not in QUOTES)
             for entry in json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))["indicators"] for term in entry["terms"]}
    seen_in_training = text_of["train"] + text_of["dev"]
    assert sorted(t for t in terms if t in text_of["test"] and t not in seen_in_training) == []


def test_second_round_documents_follow_the_seeded_split_rule():
    """The second round's 155 documents are where splits.assign_documents puts them with the
    recorded seed (lawrep validate checks it too)."""
    from lawrep_nlp.corpus.splits import extension_problems

    assert extension_problems(ROOT / "corpus") == []


def test_agreement_is_symmetric_f1():
    a = [record()]
    b = [record(LINE.replace("{区司法局|ORG}", "区司法局"))]
    scores = agreement(a, b)
    assert scores["ORG"]["f"] == 0.0 and scores["QUANTITY"]["f"] == 1.0 and scores["LINK"]["f"] == 1.0


def test_record_to_doc_keeps_everything(nlp):
    stats = ConversionStats()
    doc = record_to_doc(nlp, record(), stats)
    assert span_texts(doc) == [("ORG", "区司法局"), ("QUANTITY", "32件"), ("QUANTITY", "28件"),
                               ("INDICATOR", "行政复议申请")]
    quantity = doc.ents[1]
    assert quantity._.value == 32.0 and quantity._.unit == "件"
    assert quantity._.indicator.text == "行政复议申请"
    assert stats.records == 1 and stats.misaligned_spans == 0
    restored = next(DocBin(docs=[doc], store_user_data=True).get_docs(nlp.vocab))
    assert span_texts(restored) == span_texts(doc)
    assert restored.ents[2]._.indicator.text == "行政复议申请" and restored.ents[2]._.value == 28.0


def test_misaligned_gold_span_splits_the_token(nlp):
    # the annotation cuts inside a token the tokenizer keeps whole
    doc = record_to_doc(nlp, record("{法律援助|I:a}案件{157件|Q:157:件>a}"))
    assert doc.spans["indicators"][0].text == "法律援助"


def test_scores_identical_from_records_and_docs(nlp):
    gold = record()
    doc = record_to_doc(nlp, gold)
    assert score([(from_record(gold), from_doc(doc))])["link_exact"]["f"] == 1.0
    perfect = score([(from_record(gold), from_record(gold))])
    assert perfect["ents"]["f"] == 1.0 and perfect["quantity_value_acc"] == 1.0


def test_evaluate_and_registered_scorer_agree(nlp):
    records = [record(), record("全年办理{法律援助案件|I:a}{157件|Q:157:件>a}")]
    by_cli = evaluate_records(nlp, records)
    examples = [Example(nlp(r["text"]), record_to_doc(nlp, r)) for r in records]
    by_spacy = nlp.evaluate(examples)
    assert by_spacy["lawrep_ents_f"] == by_cli["ents"]["f"]
    assert by_spacy["lawrep_link_exact_f"] == by_cli["link_exact"]["f"]
    assert by_cli["text_round_trip"] == 1.0
    # under spaCy's own names too, which `spacy evaluate` prints
    assert (by_spacy["ents_f"], by_spacy["ents_per_type"]) == (by_cli["ents"]["f"], by_cli["ents_per_type"])
    assert by_spacy["spans_indicators_f"] == by_cli["indicator"]["f"]


def test_evaluate_on_examples_without_the_corpus_annotations(nlp):
    """Regression: nlp.evaluate on entity-only Examples (Example.from_dict) raised E030 in the
    sentence scorer, and scored links and values that nobody annotated as 0.0; on no examples it
    raised KeyError. What is not annotated is None, as spaCy's scorers give it."""
    doc = nlp.make_doc("区司法局收到行政复议申请32件。")
    scores = nlp.evaluate([Example.from_dict(doc, {"entities": [(0, 4, "ORG"), (12, 15, "QUANTITY")]})])
    assert scores["lawrep_ents_f"] == 1.0 and scores["sents_f"] is None
    assert scores["lawrep_value_acc"] is None and scores["lawrep_link_exact_f"] is None
    empty = nlp.evaluate([])
    assert empty["lawrep_ents_f"] is None and empty["lawrep_link_exact_f"] is None
    assert empty["lawrep_ner_union_f"] is None
    canonical = ("lawrep_canonical_p", "lawrep_canonical_r", "lawrep_canonical_coverage")
    assert [scores[name] for name in canonical] == [empty[name] for name in canonical] == [None] * 3


def test_spacy_evaluate_shows_entity_and_indicator_scores(nlp, tmp_path):
    from spacy.cli.evaluate import evaluate
    from spacy.tokens import DocBin

    records = [record("全年办理{法律援助案件|I:a}{157件|Q:157:件>a},{沈阳市司法局|ORG}受理{行政复议申请|I:b}{32件|Q:32:件>b}")]
    DocBin(docs=[record_to_doc(nlp, r) for r in records], store_user_data=True).to_disk(tmp_path / "gold.spacy")
    printed = evaluate("lawrep_zh", tmp_path / "gold.spacy", spans_key="indicators")
    assert printed["ents_per_type"]["ORG"]["f"] == 1.0 and printed["ents_f"] == 1.0
    assert printed["spans_indicators_f"] == evaluate_records(nlp, records)["indicator"]["f"]


def test_regression_gate_flags_drops_only_beyond_tolerance():
    from lawrep_nlp.evaluation import regressions

    scores = score([(from_record(record()), from_record(record(LINE.replace("{28件|Q:28:件>c}", "28件"))))])
    assert scores["ents_per_type"]["QUANTITY"]["f"] == pytest.approx(2 / 3)
    assert regressions(scores, {"QUANTITY_f": 0.68}) == []
    assert regressions(scores, {"QUANTITY_f": 0.70}) == ["QUANTITY_f: 0.667 < recorded 0.700 - 0.02"]
    # one way only, unless a retrained pipeline must reproduce the recorded figures
    assert regressions(scores, {"QUANTITY_f": 0.60}) == []
    assert regressions(scores, {"QUANTITY_f": 0.66}, 0.01, both_ways=True) == []
    assert regressions(scores, {"QUANTITY_f": 0.60}, 0.01, both_ways=True) == [
        "QUANTITY_f: 0.667 > recorded 0.600 + 0.01"]


def test_canonical_annotation_problems_are_reported(tmp_path):
    # 区司法局收到行政复议申请32件、办结28件。 has two gold links (split "train")
    gold = {**record(), "meta": {"doc": "t", "para": 1, "split": "train"}}
    (tmp_path / "canonical").mkdir()
    (tmp_path / "canonical" / "train.tsv").write_text(
        "doc\tpara\tq_start\tq_end\tindicator\tquantity\tcanonical\n"
        "t\t1\t12\t15\t行政复议申请\t32件\treconsideration_cases_received\n"
        "t\t1\t18\t21\t行政复议申请\t28件\tno_such_id\n"
        "t\t1\t0\t4\t区司法局\t-\t\n", encoding="utf-8")
    problems = canonical_problems(tmp_path, [gold])
    assert problems == [f"{tmp_path / 'canonical' / 'train.tsv'}:3: unknown canonical id 'no_such_id'",
                        f"{tmp_path / 'canonical' / 'train.tsv'}:4: no gold link of split train at ('t', 1, 0, 4)"]


def test_document_bootstrap_resamples_whole_documents():
    from lawrep_nlp.evaluation import document_bootstrap

    # two reports: one paragraph found perfectly, one whose two quantities are both missed
    records = [record(), {**record(), "meta": {"doc": "u", "para": 1}}]
    gold = from_record(record())
    missed = Annotation(gold.text, entities={e for e in gold.entities if e[2] != "QUANTITY"})
    pairs = [(gold, gold), (gold, missed)]
    assert score(pairs)["ents_per_type"]["QUANTITY"]["f"] == pytest.approx(2 / 3)
    intervals = document_bootstrap(records, pairs, resamples=200, seed=1)
    # a resample draws one report twice or each once: QUANTITY F is 0, 2/3 or 1
    assert intervals["QUANTITY_f"].low == 0.0 and intervals["QUANTITY_f"].high == 1.0
    assert intervals["value_acc"].low == intervals["value_acc"].high == 1.0
    assert document_bootstrap(records, pairs, resamples=200, seed=1) == intervals  # seeded


def test_document_bootstrap_of_identical_documents_is_a_point():
    from lawrep_nlp.evaluation import document_bootstrap

    records = [record(), {**record(), "meta": {"doc": "u", "para": 1}}]
    pairs = [(from_record(r), from_record(r)) for r in records]
    intervals = document_bootstrap(records, pairs, resamples=50)
    assert {(i.low, i.high) for i in intervals.values()} == {(1.0, 1.0)}


def test_evaluate_prints_bootstrap_intervals(tmp_path):
    from typer.testing import CliRunner

    from lawrep_nlp.cli import app

    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        record(), {**record("全年办理{法律援助案件|I:a}{157件|Q:157:件>a}"), "meta": {"doc": "u", "para": 1}}]))
    result = CliRunner().invoke(app, ["evaluate", "lawrep_zh", str(gold), "--bootstrap", "100",
                                      "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert "95% intervals, 100 resamples of whole documents" in result.output
    written = json.loads((tmp_path / "s.json").read_text())["intervals"]
    assert written["unit"] == "document" and written["resamples"] == 100
    low, high = written["metrics"]["QUANTITY_f"]
    assert 0.0 <= low <= high <= 1.0


def test_the_table_says_when_no_quantity_was_there_to_compare():
    """Regression (the retraining audit): a gold set without quantities printed "value accuracy 0.000 …
    over 0 matched quantities", as if every value were wrong."""
    from lawrep_nlp.evaluation import format_table

    gold = Annotation("区司法局召开会议。")
    assert "value and unit accuracy: no gold quantity was found" in format_table(score([(gold, gold)]))
    with_value = from_record({"text": "受理案件97件。", "spans": [
        {"start": 4, "end": 7, "label": "QUANTITY", "value": 97, "unit": "件"}], "relations": []})
    assert "value accuracy 1.000, unit accuracy 1.000 over 1 matched quantities" in format_table(
        score([(with_value, with_value)]))
