"""scripts/gold_share_curve.py: the share of test links whose gold id the training documents attest."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from gold_share_curve import attested_share, curve


def test_links_without_a_gold_id_count_as_unmappable():
    test_ids = ["cases_received", "cases_received", "legal_aid_cases", None]
    assert attested_share(test_ids, {"cases_received"}) == 0.5
    assert attested_share(test_ids, {"cases_received", "legal_aid_cases"}) == 0.75
    assert attested_share(test_ids, set()) == 0.0
    assert attested_share([], {"cases_received"}) == 0.0


def test_the_whole_training_set_attests_every_id_it_maps():
    training = [("d1", "a"), ("d1", None), ("d2", "b"), ("d3", None)]
    points = curve(training, ["a", "b", "c", None])
    assert points[-1] == {"fraction": 1.0, "documents": 3, "draws": 1, "share_mean": 0.5, "share_min": 0.5,
                          "share_max": 0.5, "entries_mean": 2}
    assert all(p["share_mean"] <= 0.5 for p in points) and points[0]["documents"] == 1
