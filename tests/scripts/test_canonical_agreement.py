"""scripts/canonical_agreement.py: a blank sheet holds every gold link of a split and no id; a
second annotation is scored against the first with the mapper's own figures; the adjudicator sees
only the disagreements, without knowing which id came first; the merged gold takes the shared id or
the adjudicated one."""

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import canonical_agreement as ca  # noqa: E402

from lawrep_nlp.evaluation import canonical_row_key, canonical_rows  # noqa: E402

HEADER = "doc\tpara\tq_start\tq_end\tindicator\tquantity\tcanonical\n"
FIRST = HEADER + "d\t0\t5\t8\t案件\t97件\tcases\nd\t0\t12\t14\t纠纷\t3起\tdisputes\nd\t1\t0\t3\t会议\t2次\t\n"
SECOND = HEADER + "d\t0\t5\t8\t案件\t97件\tcases\nd\t0\t12\t14\t纠纷\t3起\t\nd\t1\t0\t3\t会议\t2次\tmeetings\n"


@pytest.fixture
def annotated(tmp_path, monkeypatch):
    """A dev split of three links annotated twice: agreed on one, disagreeing on two."""
    (tmp_path / "dev_first.tsv").write_text(FIRST, encoding="utf-8")
    (tmp_path / "dev_second.tsv").write_text(SECOND, encoding="utf-8")
    monkeypatch.setattr(ca, "AGREEMENT", tmp_path)
    return tmp_path


def test_kappa_of_identical_and_of_chance_labels():
    assert ca.kappa([("a", "a"), (None, None), ("b", "b")]) == 1.0
    # each annotator says "a" half the time, independently: kappa 0
    assert ca.kappa([("a", "a"), ("a", None), (None, "a"), (None, None)]) == 0.0


def test_the_second_annotation_is_scored_as_answers_against_the_first(annotated):
    result = ca.agreement("dev")
    assert result["links"] == 3 and result["first_coverage"] == pytest.approx(2 / 3)
    assert result["second_as_answers"] == {"precision": 0.5, "recall": 0.5, "given": 2, "correct": 1}
    assert result["both_give_an_id"] == 1 and result["same_id_when_both_give_one"] == 1.0
    assert result["raw_agreement"] == pytest.approx(1 / 3)
    assert "adjudicated" not in result


@pytest.mark.parametrize("step", ["score", "adjudication", "merge"])
def test_a_second_annotation_of_other_links_is_refused(annotated, step):
    """Regression: the adjudication sheet failed with a KeyError on a link the first annotation lacks."""
    (annotated / "dev_second.tsv").write_text(SECOND + "d\t2\t6\t8\t案件\t97件\tcases\n", encoding="utf-8")
    run = {"score": lambda: ca.agreement("dev"), "adjudication": lambda: ca.write_adjudication(
        "dev", annotated / "adjudication.tsv"), "merge": lambda: ca.merged("dev")}[step]
    with pytest.raises(SystemExit, match="other links"):
        run()


def test_the_adjudicator_sees_each_disagreement_with_both_ids_and_no_first(annotated):
    out = annotated / "adjudication.tsv"
    assert ca.write_adjudication("dev", out) == 2
    rows = ca.read_rows(out)
    assert [r["indicator"] for r in rows] == ["纠纷", "会议"]
    assert [{r["option_a"], r["option_b"]} for r in rows] == [{"disputes", ""}, {"", "meetings"}]
    assert all(r["canonical"] == "" for r in rows) and "first" not in rows[0]
    # the order is seeded: the same sheet again
    again = annotated / "again.tsv"
    ca.write_adjudication("dev", again)
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_the_merged_gold_takes_the_shared_id_or_the_adjudicated_one(annotated):
    with pytest.raises(SystemExit, match="no adjudication"):
        ca.merged("dev")
    (annotated / "dev_adjudicated.tsv").write_text(
        HEADER + "d\t0\t12\t14\t纠纷\t3起\tdisputes\nd\t1\t0\t3\t会议\t2次\t\n", encoding="utf-8")
    assert [r["canonical"] for r in ca.merged("dev")] == ["cases", "disputes", ""]
    sided = ca.agreement("dev")["adjudicated"]
    assert sided == {"links": 2, "first": 2, "second": 0, "neither": 0, "gold_coverage": pytest.approx(2 / 3)}


def test_the_blank_sheet_holds_every_dev_link_with_no_id(nlp, tmp_path):
    out = tmp_path / "sheet.tsv"
    gold_keys = [key for _, key, _ in canonical_rows(ca.GOLD / "dev.tsv")]
    assert ca.write_sheet(nlp, "dev", out) == len(gold_keys)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert [canonical_row_key(r) for r in rows] == gold_keys
    assert all(r["canonical"] == "" for r in rows)
    assert all(r["quantity"] in r["sentence"] for r in rows)
    assert any(r["dimension"] == "count" for r in rows)


@pytest.mark.parametrize("split", ca.SPLITS)
def test_the_gold_is_the_merge_of_both_annotations_and_the_adjudication(split):
    """corpus/canonical/<split>.tsv is what `canonical_agreement.py merge` writes, nothing edited by hand."""
    assert ca.read_rows(ca.GOLD / f"{split}.tsv") == ca.merged(split)
