"""scripts/gold_share_curve.py: the share of test links whose gold id the training documents attest."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from gold_share_curve import attested_share, curve, expected_share, extrapolation, heldout_curve, restricted_data


def test_links_without_a_gold_id_count_as_unmappable():
    test_ids = ["cases_received", "cases_received", "legal_aid_cases", None]
    assert attested_share(test_ids, {"cases_received"}) == 0.5
    assert attested_share(test_ids, {"cases_received", "legal_aid_cases"}) == 0.75
    assert attested_share(test_ids, set()) == 0.0
    assert attested_share([], {"cases_received"}) == 0.0


def test_expected_share_is_the_mean_over_every_subset():
    # d1 attests a, d2 attests a and b, d3 nothing; test links a, b, c (no entry) and one without an id
    ids_of = {"d1": {"a"}, "d2": {"a", "b"}, "d3": set()}
    test_ids = ["a", "b", "c", None]
    # one document: {d1} 1/4, {d2} 2/4, {d3} 0
    assert expected_share(test_ids, ids_of, 1) == pytest.approx(0.25)
    # two documents: {d1, d2} 2/4, {d1, d3} 1/4, {d2, d3} 2/4
    assert expected_share(test_ids, ids_of, 2) == pytest.approx(5 / 12)
    assert expected_share(test_ids, ids_of, 3) == pytest.approx(0.5)


def test_the_whole_training_set_attests_every_id_it_maps():
    training = [("d1", "a"), ("d1", None), ("d2", "b"), ("d3", None)]
    points = curve(training, ["a", "b", "c", None], seeds=range(3))
    assert points[-1] == {"fraction": 1.0, "documents": 3, "draws": 1,
                          "share": {"mean": 0.5, "sd": 0.0, "min": 0.5, "max": 0.5},
                          "share_expected": 0.5, "entries_mean": 2}
    assert points[0]["documents"] == 1 and points[0]["draws"] == 3
    assert all(p["share"]["max"] <= 0.5 for p in points)


def test_held_out_documents_are_scored_against_the_other_documents_only():
    # two folds of one document each: d1's links (a, none) against d2's ids {a, b}: 1/2;
    # d2's links (a, b) against d1's {a}: 1/2
    training = [("d1", "a"), ("d1", None), ("d2", "a"), ("d2", "b")]
    (point,) = heldout_curve(training, fractions=(1.0,), folds=2)
    assert point == {"fraction": 1.0, "documents_mean": 1, "share": {"mean": 0.5, "sd": 0.0, "min": 0.5, "max": 0.5},
                     "any_gold_id_mean": 0.75}


def test_restricted_taxonomy_keeps_attested_entries_and_their_terms_found_in_the_texts():
    taxonomy = {"scope_words": ["全区"], "indicators": [{"id": "a", "terms": ["法律援助案件", "案件"]},
                                                      {"id": "b", "terms": ["行政复议案件"]}]}
    assert restricted_data(taxonomy, {"a"}, ["受理法律援助案件"])["indicators"] == [
        {"id": "a", "terms": ["法律援助案件", "案件"]}]
    assert restricted_data(taxonomy, {"a", "b"}, ["刑事案件"]) == {
        "scope_words": ["全区"], "indicators": [{"id": "a", "terms": ["案件"]}, {"id": "b", "terms": []}]}


def test_extrapolation_divides_the_gap_to_the_target_by_each_pace():
    training = [("d1", "a"), ("d2", "a"), ("d2", "b"), ("d3", None)]
    result = {"any_gold_id": 0.3,
              "curve": [{"documents": 2, "share": {"mean": 0.2}}, {"documents": 3, "share": {"mean": 0.3}}],
              "heldout_curve": [{"documents_mean": 1, "share": {"mean": 0.2}},
                                {"documents_mean": 2, "share": {"mean": 0.25}}]}
    out = extrapolation(result, training, ["a", "b", "c", None])
    # test's last step 0.1 per document; the exact end slope E(3) - E(2) = 1/2 - 5/12; held-out 0.05
    assert out["share_per_document"] == {"test_last_step": 0.1, "test_end_slope": 0.08333, "heldout_last_step": 0.05}
    assert out["documents_to_target"] == {"test_last_step": 2, "test_end_slope": 2, "heldout_last_step": 4}
