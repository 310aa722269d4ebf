"""scripts/eval_canonical.py --nested: each fold's operating point is chosen without that fold's
gold ids, so the pooled figure says what the selection gives on documents it did not choose on."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import eval_canonical as ev  # noqa: E402

from lawrep_nlp.evaluation import read_canonical_labels  # noqa: E402


@pytest.fixture(scope="module")
def small(monkeypatch_module, nlp):
    """25 train + dev documents with links and one small model setting, to keep the test short."""
    records = ev.split_records("train", "dev")
    documents = sorted({r["meta"]["doc"] for r in records})[:25]
    monkeypatch_module.setattr(ev, "split_records", lambda *_: [r for r in records if r["meta"]["doc"] in documents])
    monkeypatch_module.setattr(ev, "MODEL_SETTINGS", ((15, 1e-2),))
    return nlp, read_canonical_labels(ROOT / "corpus" / "canonical")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_a_fold_is_chosen_for_without_its_own_gold(small):
    nlp, labels = small
    result = ev.nested(nlp, labels)
    assert len(result["by_fold"]) == ev.FOLDS and 0 < result["pooled"]["coverage"] <= 1
    # erase fold 0's gold ids: its choice stays the same, its held-out score does not
    cases, *_ = ev.out_of_document_readings(nlp, labels)
    fold_of = ev.document_folds(cases)
    erased = {key: (None if fold_of.get(key[0]) == 0 else value) for key, value in labels.items()}
    again = ev.nested(nlp, erased)
    assert again["by_fold"][0]["chosen"] == result["by_fold"][0]["chosen"]
    assert again["by_fold"][0]["held_out"] != result["by_fold"][0]["held_out"]
    assert again["by_fold"][1]["chosen"] != result["by_fold"][1]["chosen"] or \
        again["by_fold"][1]["inner"] != result["by_fold"][1]["inner"]  # fold 1's choice did read fold 0's gold
