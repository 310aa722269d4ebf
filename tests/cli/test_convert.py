"""`lawrep convert`: gold JSONL → the DocBin `spacy train` reads, as scripts/build_corpus.py makes it."""

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Corpus
from typer.testing import CliRunner

from lawrep_nlp.cli import app
from lawrep_nlp.extensions import INDICATORS_KEY

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

RECORD = {
    "text": "区司法局全年受理行政复议申请32件，办结28件。",
    "spans": [
        {"start": 0, "end": 4, "label": "ORG"},
        {"start": 8, "end": 14, "label": "INDICATOR"},
        {"start": 14, "end": 17, "label": "QUANTITY", "value": 32, "unit": "件"},
        {"start": 20, "end": 23, "label": "QUANTITY", "value": 28, "unit": "件"},
    ],
    "relations": [{"quantity": [14, 17], "indicator": [8, 14]}, {"quantity": [20, 23], "indicator": [8, 14]}],
    "meta": {"doc": "mine", "para": 0, "split": "train"},
}


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_record_becomes_a_training_doc(tmp_path: Path):
    out = tmp_path / "train.spacy"
    result = runner.invoke(app, ["convert", str(write_jsonl(tmp_path / "mine.jsonl", [RECORD])), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 record from 1 file" in result.output
    nlp = spacy.blank("zh")
    (doc,) = DocBin().from_disk(out).get_docs(nlp.vocab)
    assert doc.text == RECORD["text"]
    assert [(e.text, e.label_) for e in doc.ents] == [("区司法局", "ORG"), ("32件", "QUANTITY"), ("28件", "QUANTITY")]
    assert [s.text for s in doc.spans[INDICATORS_KEY]] == ["行政复议申请"]
    assert [list(link) for link in doc._.links] == [[14, 17, 8, 14], [20, 23, 8, 14]]
    assert [e._.value for e in doc.ents if e.label_ == "QUANTITY"] == [32.0, 28.0]
    examples = list(Corpus(out)(nlp))  # what spacy train reads
    assert len(examples) == 1 and len(examples[0].reference.ents) == 3


def test_the_corpus_split_converts_to_the_shipped_docbin(tmp_path: Path, corpus_docbins: Path):
    out = tmp_path / "dev.spacy"
    result = runner.invoke(app, ["convert", str(ROOT / "corpus" / "annotations"), "--split", "dev",
                                 "--canonical", str(ROOT / "corpus" / "canonical"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (corpus_docbins / "dev.spacy").read_bytes()  # scripts/build_corpus.py's


def test_a_bad_record_is_skipped_and_named(tmp_path: Path):
    bad = {**RECORD, "spans": [{"start": 30, "end": 40, "label": "ORG"}], "relations": [],
           "meta": {"doc": "mine", "para": 1}}
    out, gold = tmp_path / "train.spacy", write_jsonl(tmp_path / "mine.jsonl", [RECORD, bad])
    result = runner.invoke(app, ["convert", str(gold), "--out", str(out)])
    assert result.exit_code == 1
    assert f"skipped {gold}:2: span offsets 30-40 outside the text" in result.output
    assert len(DocBin().from_disk(out)) == 1


def test_a_line_that_is_not_json_is_named(tmp_path: Path):
    gold = tmp_path / "mine.jsonl"
    gold.write_text(json.dumps(RECORD, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    for command in (["convert", str(gold), "--out", str(tmp_path / "x.spacy")], ["evaluate", "lawrep_zh", str(gold)]):
        result = runner.invoke(app, command)
        # regression: evaluate ended in a JSONDecodeError traceback
        assert result.exit_code == 2 and f"{gold}:2: not JSON" in result.output, command
    assert not (tmp_path / "x.spacy").exists()


def test_a_gold_file_that_is_not_utf8_is_named(tmp_path: Path):
    gold = tmp_path / "mine.jsonl"
    gold.write_bytes(json.dumps(RECORD, ensure_ascii=False).encode("gb18030") + b"\n")
    result = runner.invoke(app, ["convert", str(gold), "--out", str(tmp_path / "x.spacy")])
    assert result.exit_code == 2 and f"{gold}: not UTF-8" in result.output


def test_a_line_separator_inside_a_string_stays_in_its_record(tmp_path: Path):
    text = "区司法局\u2028全年受理行政复议申请32件。"
    record = {"text": text, "spans": [{"start": 0, "end": 4, "label": "ORG"}], "relations": [], "meta": {}}
    out = tmp_path / "x.spacy"
    result = runner.invoke(app, ["convert", str(write_jsonl(tmp_path / "mine.jsonl", [record])), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("zh").vocab)
    assert doc.text == text


MALFORMED = [
    ({"text": 5}, "record has no text"),
    ({"spans": "x"}, "spans is not a list of objects"),
    ({"spans": [{"start": 30, "end": 50, "label": "ORG"}]}, "span offsets 30-50 outside the text"),
    ({"spans": [{"start": "a", "label": "ORG"}]}, "span offsets 'a'-None are not integers"),
    # the retraining audit: 6.0 and "6" were said to be outside the text, true was read as 1
    ({"spans": [{"start": 6.0, "end": 8, "label": "ORG"}]}, "span offsets 6.0-8 are not integers"),
    ({"spans": [{"start": "6", "end": 8, "label": "ORG"}]}, "span offsets '6'-8 are not integers"),
    ({"spans": [{"start": True, "end": 8, "label": "ORG"}]}, "span offsets True-8 are not integers"),
    ({"spans": [{"start": 0, "end": 4}]}, "unknown label None at 0-4"),
    ({"relations": [{"quantity": 5}]}, "relations is not a list of"),
    ({"meta": "x"}, "meta is not an object"),
]


@pytest.mark.parametrize(("change", "problem"), MALFORMED)
def test_a_malformed_record_is_named_not_a_traceback(tmp_path: Path, change, problem):
    # regression: lawrep evaluate (and the validator under convert) ended in a TypeError or KeyError
    gold = write_jsonl(tmp_path / "mine.jsonl", [RECORD, {**RECORD, **change}])
    converted = runner.invoke(app, ["convert", str(gold), "--out", str(tmp_path / "x.spacy")])
    assert converted.exit_code == 1 and f"skipped {gold}:2: {problem}" in converted.output
    scored = runner.invoke(app, ["evaluate", "lawrep_zh", str(gold)])
    assert scored.exit_code == 2 and f"{gold}:2: {problem}" in scored.output


def test_extract_output_given_as_gold_is_named_not_a_traceback(tmp_path: Path):
    """Regression: a record without spans (lawrep extract's output) ended lawrep evaluate in a KeyError."""
    gold = write_jsonl(tmp_path / "extracted.jsonl", [RECORD, {"text": RECORD["text"], "entities": []}])
    problem = "record has no spans (a gold record lists them, if need be as []; lawrep extract's output is not gold)"
    scored = runner.invoke(app, ["evaluate", "lawrep_zh", str(gold)])
    assert scored.exit_code == 2 and f"{gold}:2: {problem}" in scored.output
    converted = runner.invoke(app, ["convert", str(gold), "--out", str(tmp_path / "x.spacy")])
    assert converted.exit_code == 1 and f"skipped {gold}:2: {problem}" in converted.output


def test_validate_checks_gold_of_your_own(tmp_path: Path):
    """Regression: lawrep validate accepted only the project's corpus folder ("not a corpus folder")."""
    gold = write_jsonl(tmp_path / "mine.jsonl", [RECORD, {**RECORD, "spans": [{"start": 30, "end": 50, "label": "ORG"}]}])
    result = runner.invoke(app, ["validate", str(gold)])
    assert result.exit_code == 1
    assert f"{gold}:2: span offsets 30-50 outside the text" in result.output
    assert "1 problem in 2 records" in result.output
    assert runner.invoke(app, ["validate", str(write_jsonl(tmp_path / "ok.jsonl", [RECORD]))]).exit_code == 0


def test_a_split_that_selects_nothing_says_what_it_reads(tmp_path: Path):
    gold = write_jsonl(tmp_path / "mine.jsonl", [RECORD])
    result = runner.invoke(app, ["convert", str(gold), "--split", "test", "--out", str(tmp_path / "x.spacy")])
    assert result.exit_code == 2  # RECORD's meta.split is train
    assert "--split test keeps the records whose meta.split is 'test'" in " ".join(result.output.split())


def test_canonical_ids_missing_for_a_link_is_a_usage_error(tmp_path: Path):
    """Regression: a ValueError traceback, after the whole pipeline had run."""
    gold = write_jsonl(tmp_path / "mine.jsonl", [{**RECORD, "meta": {"doc": "d1", "para": 0}}])
    canonical = tmp_path / "canonical"
    canonical.mkdir()
    (canonical / "train.tsv").write_text("doc\tpara\tq_start\tq_end\tindicator\tquantity\tcanonical\n"
                                         "d1\t0\t14\t17\t行政复议申请\t32件\treconsideration_cases_received\n",
                                         encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "lawrep_zh", str(gold), "--canonical", str(canonical)])
    assert result.exit_code == 2
    assert "has no canonical id row for 1 gold link, e.g. document d1, paragraph 0, quantity at 20-23" in \
        " ".join(result.output.split())


def test_converting_with_a_canonical_folder_that_lacks_the_links_warns(tmp_path: Path):
    """Regression (the retraining audit): a --canonical folder without rows for these records was
    taken in silence, and every link converted as one without a canonical id."""
    gold = write_jsonl(tmp_path / "mine.jsonl", [{**RECORD, "meta": {"doc": "d1", "para": 0}}])
    canonical = tmp_path / "canonical"
    canonical.mkdir()
    (canonical / "train.tsv").write_text("doc\tpara\tq_start\tq_end\tindicator\tquantity\tcanonical\n", encoding="utf-8")
    result = runner.invoke(app, ["convert", str(gold), "--canonical", str(canonical), "--out", str(tmp_path / "x.spacy")])
    assert result.exit_code == 0
    links = len(RECORD["relations"])
    assert f"has no row for {links} of the {links} gold link" in " ".join(result.output.split())


def test_an_entity_label_of_ones_own_is_kept_when_named(tmp_path: Path):
    """Regression (the retraining audit): one PERSON span made convert skip its whole record, and no
    option kept it, although the entity policy keeps the entities of a label only the NER knows."""
    record = {**RECORD, "text": "张三在区司法局受理行政复议申请32件。", "spans": [
        {"start": 0, "end": 2, "label": "PERSON"}, {"start": 3, "end": 7, "label": "ORG"}], "relations": []}
    gold = write_jsonl(tmp_path / "mine.jsonl", [record])
    out = tmp_path / "x.spacy"
    refused = runner.invoke(app, ["convert", str(gold), "--out", str(out)])
    assert refused.exit_code == 1
    assert "unknown label 'PERSON' at 0-2 (an entity label of your own? name it: --label PERSON)" in refused.output
    kept = runner.invoke(app, ["convert", str(gold), "--label", "PERSON", "--out", str(out)])
    assert kept.exit_code == 0, kept.output
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("zh").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("张三", "PERSON"), ("区司法局", "ORG")]
    assert runner.invoke(app, ["validate", str(gold), "--label", "PERSON"]).exit_code == 0
