"""Canonical indicator mapping: calibrate it without the test split, and report precision and
coverage on a split (issue 7).

Calibration (--select): the taxonomy's terms were collected from train and dev links, so mapping
those links with the full taxonomy only shows that the lexicon remembers them. Everything is
therefore measured leave-one-document-out over train + dev: each document's links are mapped
with a taxonomy whose terms are only those attested (inside some gold indicator text) in the
other train/dev documents — what a new report, or the test split, looks like to the mapper.
For each fuzzy threshold, the precision of each way of mapping (exact, head, by verb, fuzzy)
becomes its confidence; the pair (fuzzy threshold, min_confidence) that maps at least 5% of the links with
the highest coverage at precision >= 0.95 — or, when none reaches it, the widest among those within one standard error
of the most credibly precise (highest Wilson lower bound, so that one link mapped right does not
win) — is kept (mapper.choose_operating_point). The result is written
to lawrep_nlp/pipes/canonical/data/calibration.json (then rebuild: scripts/build_pipeline.py).

    python scripts/eval_canonical.py --select
    python scripts/eval_canonical.py --split test      # → evaluation/canonical_test.json
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.evaluation import CanonicalCase, canonical_cases, read_canonical_labels, score_canonical  # noqa: E402
from lawrep_nlp.pipes.canonical.mapper import (  # noqa: E402
    CALIBRATION_FILE,
    METHODS,
    Taxonomy,
    choose_operating_point,
)

THRESHOLDS = (101.0, 95.0, 90.0, 85.0, 80.0, 75.0, 70.0, 65.0, 60.0)
PRECISION_TARGET = 0.95


def split_records(*splits: str) -> list[dict]:
    """The gold records of these splits that have links, in document order."""
    return [r for r in load_annotations(ROOT / "corpus") if r["meta"]["split"] in splits and r["relations"]]


def without_document(taxonomy: Taxonomy, records: list[dict], held_out: str) -> dict:
    """Taxonomy data with only the terms found inside gold indicator texts of the other documents."""
    seen = [r["text"][rel["indicator"][0]:rel["indicator"][1]]
            for r in records if r["meta"]["doc"] != held_out for rel in r["relations"]]
    data = copy.deepcopy(taxonomy.data)
    for entry in data["indicators"]:
        entry["terms"] = [t for t in entry["terms"] if any(t in text for text in seen)]
    return data


def readings(cases: list[CanonicalCase], folds: dict[str, dict], threshold: float) -> list[tuple[str, bool]]:
    """(method, correct) of each case's best reading, whatever its confidence."""
    calibration = {"method_precision": {}, "min_confidence": 0.0, "fuzzy_threshold": threshold}
    taxonomies = {doc: Taxonomy(data, calibration) for doc, data in folds.items()}
    out = []
    for case in cases:
        reading = taxonomies[case.doc].best_reading(case.indicator, case.dimension, before=case.before,
                                                    sentence=case.sentence)
        if reading.canonical is not None:
            out.append((reading.method, reading.canonical == case.gold))
    return out


def calibration_options(cases: list[CanonicalCase], folds: dict[str, dict]) -> list[dict]:
    """Every (fuzzy threshold, min_confidence) pair with the precision and coverage its readings
    have leave-one-document-out: each method's precision is its confidence, and a cutoff keeps
    the methods at or above it."""
    options = []
    for threshold in THRESHOLDS:
        found = readings(cases, folds, threshold)
        given, correct = Counter(m for m, _ in found), Counter(m for m, ok in found if ok)
        precision = {m: round(correct[m] / given[m], 3) if given[m] else 0.0 for m in METHODS}
        for cutoff in sorted(set(precision.values())):
            accepted = [ok for m, ok in found if precision[m] >= cutoff]
            if accepted:
                options.append({"fuzzy_threshold": threshold, "min_confidence": cutoff,
                                "precision": sum(accepted) / len(accepted), "coverage": len(accepted) / len(cases),
                                "method_precision": precision, "method_given": dict(given)})
    return options


def calibration_of(best: dict, links: int, documents: int) -> dict:
    """The calibration the mapper reads (data/calibration.json, without its comment) for the
    chosen option, with what it was measured on."""
    return {"method_precision": best["method_precision"], "min_confidence": best["min_confidence"],
            "fuzzy_threshold": best["fuzzy_threshold"],
            "measured": {"links": links, "documents": documents, "precision": round(best["precision"], 4),
                         "coverage": round(best["coverage"], 4), "method_given": best["method_given"]}}


def select(nlp: spacy.Language, labels: dict) -> None:
    records = split_records("train", "dev")
    cases = canonical_cases(nlp, records, labels)
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    folds = {doc: without_document(taxonomy, records, doc) for doc in {c.doc for c in cases}}
    options = calibration_options(cases, folds)
    best = choose_operating_point(options, len(cases), PRECISION_TARGET)
    for option in options:
        print(f"fuzzy {option['fuzzy_threshold']:5.1f} min_confidence {option['min_confidence']:.3f}: "
              f"precision {option['precision']:.3f} coverage {option['coverage']:.3f}")
    calibration = {
        **calibration_of(best, len(cases), len(folds)),
        "_comment": "Written by scripts/eval_canonical.py --select: " + __doc__.split("\n\n")[1].replace("\n", " "),
    }
    CALIBRATION_FILE.write_text(json.dumps(calibration, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"chosen: fuzzy_threshold {best['fuzzy_threshold']}, min_confidence {best['min_confidence']} "
          f"(precision {best['precision']:.3f}, coverage {best['coverage']:.3f}) → {CALIBRATION_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--select", action="store_true")
    parser.add_argument("--split", default="test")
    parser.add_argument("--model", default="lawrep_zh")
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    labels = read_canonical_labels(ROOT / "corpus" / "canonical")
    if args.select:
        select(nlp, labels)
        return
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    scores = score_canonical(canonical_cases(nlp, split_records(args.split), labels), lambda _: taxonomy)
    for way in ("mapping", "end_to_end"):
        s = scores[way]
        print(f"{way:11} precision {s['precision']:.3f} coverage {s['coverage']:.3f} recall {s['recall']:.3f} "
              f"({s['correct']}/{s['given']} of {scores['links']} links)")
    print(f"links the annotator could map: {scores['gold_coverage']:.3f}")
    out = ROOT / "evaluation" / f"canonical_{args.split}.json"
    out.write_text(json.dumps(scores, indent=1) + "\n")


if __name__ == "__main__":
    main()
