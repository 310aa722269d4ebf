"""Canonical indicator mapping: calibrate it without the test split, and report precision and
coverage on a split (issues 7 and 20).

    python scripts/eval_canonical.py --select
    python scripts/eval_canonical.py --split test     # → evaluation/canonical_test.json
    python scripts/eval_canonical.py --split test --curve  # + canonical_curve.json, docs/canonical_curve.png
    python scripts/eval_canonical.py --nested         # → evaluation/canonical_nested.json (train + dev only)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.evaluation import CanonicalCase, canonical_cases, read_canonical_labels, score_canonical  # noqa: E402
from lawrep_nlp.pipes.canonical.mapper import (  # noqa: E402
    CALIBRATION_FILE,
    METHODS,
    NO_MAPPING,
    POLICIES,
    Mapping,
    Taxonomy,
    choose_operating_point,
    combine,
)
from lawrep_nlp.pipes.canonical.model import IndicatorModel  # noqa: E402

THRESHOLDS = (101.0, 95.0, 90.0, 85.0, 80.0, 75.0, 70.0, 65.0, 60.0)
PRECISION_TARGET = 0.92  # the floor of issue 20
FOLDS = 5
MODEL_THRESHOLDS = (*(round(0.05 * i, 2) for i in range(6, 20)), 0.975)
MODEL_SETTINGS = ((150, 3e-3), (150, 1e-2), (150, 3e-2))  # (epochs, l2), chosen by CV with the rest
CV_FILE = ROOT / "evaluation" / "canonical_cv.json"
CURVE_FILE = ROOT / "evaluation" / "canonical_curve.json"
CURVE_PNG = ROOT / "docs" / "canonical_curve.png"
NESTED_FILE = ROOT / "evaluation" / "canonical_nested.json"

#: How --select chooses; also written into calibration.json, so a constant (python -OO strips
#: docstrings)
SELECTION_METHOD = """Calibration (--select), all on train + dev, never on test. The taxonomy's terms and entries were
collected from train and dev links, so each document's links are mapped with a taxonomy whose terms
are only those attested in the other train/dev documents and whose entries are only those whose ids
another train/dev document attests (leave-one-document-out: what a new report looks like; the model
never answers an entry that taxonomy lacks). The rules: for each fuzzy threshold, each way of
mapping's precision becomes its confidence and each confidence is tried as min_confidence. The
learned model (pipes/canonical/model.py): 5-fold cross-validation by document, for each (epochs, l2)
setting. Every policy (mapper.POLICIES) x rules option x model setting x model threshold is then
scored on the same links, and the option with the widest coverage at precision >= 0.92 among those
mapping at least 5% of the links (or, when none reaches it, the widest within one standard error of
the most credibly precise: mapper.choose_operating_point) is kept. The result is written to
lawrep_nlp/pipes/canonical/data/calibration.json, the table to evaluation/canonical_cv.json (then
rebuild: scripts/build_pipeline.py, which trains the model on train + dev)."""


def split_records(*splits: str) -> list[dict]:
    """The gold records of these splits that have links, in document order."""
    return [r for r in load_annotations(ROOT / "corpus") if r["meta"]["split"] in splits and r["relations"]]


def indicator_texts(records: list[dict]) -> dict[str, list[str]]:
    """doc → the texts of its gold indicators (what Taxonomy.attested_data reads terms in)."""
    texts: dict[str, list[str]] = {}
    for r in records:
        texts.setdefault(r["meta"]["doc"], []).extend(r["text"][start:end] for start, end in
                                                      (rel["indicator"] for rel in r["relations"]))
    return texts


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


def rule_readings(cases: list[CanonicalCase], folds: dict[str, dict], threshold: float) -> list[Mapping]:
    """Each case's best rule reading, leave-one-document-out (``folds``: doc → taxonomy data)."""
    calibration = {"method_precision": {}, "min_confidence": 0.0, "fuzzy_threshold": threshold}
    taxonomies = {doc: Taxonomy(data, calibration) for doc, data in folds.items()}
    return [taxonomies[c.doc].best_reading(c.indicator, c.dimension, before=c.before, sentence=c.sentence)
            for c in cases]


def document_folds(cases: list[CanonicalCase], k: int = FOLDS) -> dict[str, int]:
    """doc → fold: the sorted documents dealt round-robin into k folds (deterministic)."""
    return {doc: i % k for i, doc in enumerate(sorted({c.doc for c in cases}))}


def model_rows(cases: list[CanonicalCase], folds: dict[str, Taxonomy]) -> list:
    """Each link's training row, its features read with its document's leave-one-out lexicon."""
    return [folds[c.doc].training_row(c.indicator, c.dimension, c.gold, before=c.before, sentence=c.sentence,
                                      unit=c.unit) for c in cases]


def reading_rows(cases: list[CanonicalCase], readers: dict[str, Taxonomy]) -> list:
    """Each link's row as the model reads it to answer (no gold), read by its document's taxonomy."""
    return [readers[c.doc].row(c.indicator, c.dimension, None, before=c.before, sentence=c.sentence, unit=c.unit)
            if c.indicator and c.dimension else None for c in cases]


def model_readings(cases: list[CanonicalCase], folds: dict[str, Taxonomy], readers: dict[str, Taxonomy], *,
                   epochs: int, l2: float, k: int = FOLDS) -> list[Mapping]:
    """Each case's model reading, the model trained on the other folds' documents only (k folds
    by document; each training link's features read with its document's leave-one-out lexicon,
    `folds`; each held-out link read by its document's `readers` taxonomy, whose entries are the
    only answers the model may give)."""
    fold_of = document_folds(cases, k)
    rows = model_rows(cases, folds)
    reading = reading_rows(cases, readers)
    labels_of = next(iter(folds.values())).labels_of()
    out: list[Mapping] = [NO_MAPPING] * len(cases)
    for fold in range(k):
        train = [row for row, c in zip(rows, cases, strict=True) if row is not None and fold_of[c.doc] != fold]
        model = IndicatorModel.train(train, labels_of, epochs=epochs, l2=l2)
        for i, c in enumerate(cases):
            if fold_of[c.doc] == fold and reading[i] is not None:
                out[i] = model_mapping(model, reading[i], readers[c.doc].dimension_of)
    return out


def model_mapping(model: IndicatorModel, row, allowed: dict[str, str] | None = None) -> Mapping:
    label, probability = model.predict(row, allowed)
    return Mapping(label, probability, "model") if label else Mapping(None, probability, "none")


def score_answers(answers: list[Mapping], cases: list[CanonicalCase]) -> dict:
    given = [(a.canonical == c.gold) for a, c in zip(answers, cases, strict=True) if a.canonical]
    gold = sum(c.gold is not None for c in cases)
    return {"precision": sum(given) / len(given) if given else 0.0, "coverage": len(given) / len(cases),
            "recall": sum(given) / gold if gold else 0.0}


def with_confidence(readings: list[Mapping], method_precision: dict[str, float]) -> list[Mapping]:
    """The rules' readings with each one's confidence: its method's CV precision (what the
    calibration will say)."""
    return [Mapping(b.canonical, method_precision.get(b.method, 0.0), b.method) for b in readings]


def answers_of(policy: str, rules: list[Mapping], learned: Sequence[Mapping] | None, min_confidence: float,
               threshold: float) -> list[Mapping]:
    """What `policy` answers for each link from the rules' reading (with_confidence) and the
    model's (None: no model)."""
    readings: Sequence[Mapping | None] = learned or [None] * len(rules)
    return [combine(policy, b, m if m is not None else NO_MAPPING, min_confidence, threshold)
            for b, m in zip(rules, readings, strict=True)]


def combined_options(cases: list[CanonicalCase], rule_options: list[dict], rules_by_threshold: dict[float, list],
                     learned: dict[tuple[int, float], list[Mapping]]) -> list[dict]:
    """Every (policy, rules option, model setting, model threshold) with its CV precision and coverage."""
    options = []
    for rule in rule_options:
        best = with_confidence(rules_by_threshold[rule["fuzzy_threshold"]], rule["method_precision"])
        for policy in POLICIES:
            for setting, model in (learned.items() if policy != "rules" else [((0, 0.0), None)]):
                for threshold in (MODEL_THRESHOLDS if policy != "rules" else (1.0,)):
                    answers = answers_of(policy, best, model, rule["min_confidence"], threshold)
                    options.append({"policy": policy, "fuzzy_threshold": rule["fuzzy_threshold"],
                                    "min_confidence": rule["min_confidence"], "model_threshold": threshold,
                                    "model_epochs": setting[0], "model_l2": setting[1],
                                    "method_precision": rule["method_precision"],
                                    "method_given": rule["method_given"], **score_answers(answers, cases)})
    return options


def gold_ids(cases: list[CanonicalCase]) -> dict[str, set[str]]:
    """doc → the gold canonical ids of its links."""
    ids: dict[str, set[str]] = {}
    for c in cases:
        ids.setdefault(c.doc, set()).update([c.gold] if c.gold else [])
    return ids


def out_of_document_readings(nlp: spacy.Language, labels: dict
                             ) -> tuple[list[CanonicalCase], dict, dict, dict, dict[float, list]]:
    """The train + dev links (cases); each document's leave-one-out taxonomy data (`folds`: without
    the terms and the entries only it attests, as a new report meets the taxonomy), those as
    taxonomies (`readers`) and with only the terms left out (`lexicons`: the model's training rows,
    whose gold entries must exist); and the rules' best reading of each link per fuzzy threshold,
    out of document."""
    records = split_records("train", "dev")
    cases = canonical_cases(nlp, records, labels)
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    texts = dict(sorted(indicator_texts(records).items()))
    lexicons = taxonomy.leave_one_out(texts)
    readers = taxonomy.leave_one_out(texts, gold_ids(cases))
    folds = {doc: readers[doc].data for doc in {c.doc for c in cases}}
    return cases, folds, lexicons, readers, {t: rule_readings(cases, folds, t) for t in THRESHOLDS}


def learned_readings(cases: list[CanonicalCase], lexicons: dict, readers: dict,
                     k: int = FOLDS) -> dict[tuple[int, float], list]:
    """The model's out-of-fold reading of each link, per model setting (k folds by document)."""
    learned = {}
    for epochs, l2 in MODEL_SETTINGS:
        learned[epochs, l2] = model_readings(cases, lexicons, readers, epochs=epochs, l2=l2, k=k)
        print(f"model epochs {epochs} l2 {l2}: trained on {k} folds")
    return learned


def nested(nlp: spacy.Language, labels: dict) -> dict:
    """How precise the selection's choice is on documents it did not choose on: for each of five
    document folds, the whole choice of --select (method confidences, cut-offs, policy, model setting
    and threshold) is made on the other folds' links alone (their model readings from 4-fold CV
    among them), then applied to the fold's links with a model trained on the other folds; the
    pooled answers are scored. Only the taxonomy's leave-one-out terms still come from all other
    documents (phrasings, not ids), as in --select."""
    cases, folds, lexicons, readers, rules_by_threshold = out_of_document_readings(nlp, labels)
    fold_of = document_folds(cases)
    labels_of = next(iter(lexicons.values())).labels_of()
    rows = model_rows(cases, lexicons)
    reading = reading_rows(cases, readers)
    answers: list[Mapping] = [NO_MAPPING] * len(cases)
    chosen = []
    for fold in range(FOLDS):
        inner = [i for i, c in enumerate(cases) if fold_of[c.doc] != fold]
        held = [i for i, c in enumerate(cases) if fold_of[c.doc] == fold]
        inner_cases = [cases[i] for i in inner]
        options = combined_options(inner_cases, calibration_options(inner_cases, folds),
                                   {t: [r[i] for i in inner] for t, r in rules_by_threshold.items()},
                                   learned_readings(inner_cases, lexicons, readers, k=FOLDS - 1))
        best = choose_operating_point(options, len(inner_cases), PRECISION_TARGET)
        model = None
        if best["policy"] != "rules":
            model = IndicatorModel.train([rows[i] for i in inner if rows[i] is not None], labels_of,
                                         epochs=best["model_epochs"], l2=best["model_l2"])
        rules = with_confidence([rules_by_threshold[best["fuzzy_threshold"]][i] for i in held],
                                best["method_precision"])
        learned = None if model is None else [model_mapping(model, reading[i], readers[cases[i].doc].dimension_of)
                                              if reading[i] is not None else NO_MAPPING for i in held]
        for i, answer in zip(held, answers_of(best["policy"], rules, learned, best["min_confidence"],
                                              best["model_threshold"]), strict=True):
            answers[i] = answer
        chosen.append({"fold": fold, "chosen": {k: best[k] for k in ("policy", "fuzzy_threshold", "min_confidence",
                                                                     "model_threshold", "model_l2")},
                       "inner": {k: round(best[k], 4) for k in ("precision", "coverage", "recall")},
                       "held_out": {k: round(v, 4) for k, v in score_answers([answers[i] for i in held],
                                                                             [cases[i] for i in held]).items()}})
        print(f"fold {fold}: {chosen[-1]['chosen']} inner P {best['precision']:.3f} cov {best['coverage']:.3f}; "
              f"held out P {chosen[-1]['held_out']['precision']:.3f} cov {chosen[-1]['held_out']['coverage']:.3f}")
    pooled = {k: round(v, 4) for k, v in score_answers(answers, cases).items()}
    print(f"nested, pooled over {len(cases)} links: precision {pooled['precision']:.3f} coverage "
          f"{pooled['coverage']:.3f} recall {pooled['recall']:.3f}")
    return {"links": len(cases), "documents": len(folds), "folds": FOLDS, "precision_target": PRECISION_TARGET,
            "pooled": pooled, "by_fold": chosen}


def select(nlp: spacy.Language, labels: dict) -> None:
    cases, folds, lexicons, readers, rules_by_threshold = out_of_document_readings(nlp, labels)
    learned = learned_readings(cases, lexicons, readers)
    rule_options = calibration_options(cases, folds)
    options = combined_options(cases, rule_options, rules_by_threshold, learned)
    best = choose_operating_point(options, len(cases), PRECISION_TARGET)
    table = cv_table(options, best)
    for row in table:
        print(f"{row['policy']:16} epochs {row['model_epochs']:3} l2 {row['model_l2']:<6} threshold "
              f"{row['model_threshold']:.2f}: precision {row['precision']:.3f} coverage {row['coverage']:.3f} "
              f"recall {row['recall']:.3f}")
    calibration = {
        **calibration_of(best, len(cases), len(folds)),
        "policy": best["policy"], "model_threshold": best["model_threshold"],
        "model_settings": {"epochs": best["model_epochs"], "l2": best["model_l2"]},
        "_comment": "Written by scripts/eval_canonical.py --select: " + SELECTION_METHOD.replace("\n", " "),
    }
    calibration["measured"]["recall"] = round(best["recall"], 4)
    CALIBRATION_FILE.write_text(json.dumps(calibration, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    CV_FILE.write_text(json.dumps({"links": len(cases), "documents": len(folds), "folds": FOLDS,
                                   "precision_target": PRECISION_TARGET,
                                   "chosen": {k: v for k, v in best.items() if not k.startswith("method_")},
                                   "table": table}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"chosen: policy {best['policy']}, fuzzy_threshold {best['fuzzy_threshold']}, min_confidence "
          f"{best['min_confidence']}, model_threshold {best['model_threshold']} (precision {best['precision']:.3f}, "
          f"coverage {best['coverage']:.3f}, recall {best['recall']:.3f}) → {CALIBRATION_FILE}, {CV_FILE}")


def cv_table(options: list[dict], best: dict) -> list[dict]:
    """The CV table to read: per policy, model setting and model threshold, the option at the chosen
    rules calibration (fuzzy threshold, min_confidence); and the rules' own options."""
    keep = ("policy", "fuzzy_threshold", "min_confidence", "model_epochs", "model_l2", "model_threshold",
            "precision", "coverage", "recall")
    rows = [o for o in options if o["policy"] == "rules" or (o["fuzzy_threshold"] == best["fuzzy_threshold"]
                                                            and o["min_confidence"] == best["min_confidence"])]
    return [{k: (round(o[k], 4) if isinstance(o[k], float) else o[k]) for k in keep} for o in rows]


def curve(nlp: spacy.Language, cases: list[CanonicalCase]) -> dict:
    """Precision, recall and coverage of the shipped policy on `cases` as its threshold sweeps
    (for the rules alone: min_confidence sweeps over the method precisions)."""
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    best = [taxonomy.best_reading(c.indicator, c.dimension, before=c.before, sentence=c.sentence) for c in cases]
    learned = [taxonomy.model_reading(c.indicator, c.dimension, before=c.before, sentence=c.sentence, unit=c.unit)
               for c in cases]
    points = []
    if taxonomy.policy == "rules" or taxonomy.model is None:
        for cutoff in sorted({taxonomy.confidence(m) for m in METHODS}):
            answers = [combine("rules", b, NO_MAPPING, cutoff, 1.0) for b in best]
            points.append({"threshold": cutoff, **score_answers(answers, cases)})
    else:
        for threshold in [round(0.05 * i, 2) for i in range(1, 20)] + [0.97, 0.99]:
            answers = [combine(taxonomy.policy, b, m, taxonomy.min_confidence, threshold)
                       for b, m in zip(best, learned, strict=True)]
            points.append({"threshold": threshold, **score_answers(answers, cases)})
    return {"policy": taxonomy.policy, "operating_threshold": taxonomy.model_threshold
            if taxonomy.policy != "rules" else taxonomy.min_confidence, "links": len(cases),
            "gold_coverage": sum(c.gold is not None for c in cases) / len(cases), "points": points}


def plot_curve(data: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = data["points"]
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.plot([p["coverage"] for p in points], [p["precision"] for p in points], "o-", label="precision vs coverage")
    ax.plot([p["coverage"] for p in points], [p["recall"] for p in points], "s--", label="recall (gold-id links)")
    chosen = min(points, key=lambda p: abs(p["threshold"] - data["operating_threshold"]))
    ax.plot([chosen["coverage"]], [chosen["precision"]], "r*", markersize=14, label="operating point (chosen on CV)")
    ax.axhline(0.92, color="grey", linestyle=":", label="precision floor 0.92")
    ax.axvline(data["gold_coverage"], color="grey", linestyle="-.", label="links with a gold id")
    ax.set_xlabel("coverage (share of all test links given an id)")
    ax.set_ylabel("precision / recall")
    ax.set_title(f"Canonical mapping on test, policy '{data['policy']}':\nthe model's threshold swept", fontsize=10)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, max(0.6, data["gold_coverage"] + 0.05))
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description="\n\n".join(filter(None, [__doc__, SELECTION_METHOD])),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--select", action="store_true")
    parser.add_argument("--split", default="test")
    parser.add_argument("--model", default="lawrep_zh")
    parser.add_argument("--nested", action="store_true", help="estimate the precision and coverage of --select's "
                        "choice on documents it did not choose on (nested cross-validation on train + dev; "
                        "evaluation/canonical_nested.json)")
    parser.add_argument("--curve", action="store_true", help="also write the threshold sweep of the shipped policy "
                        "on the split (evaluation/canonical_curve.json, docs/canonical_curve.png)")
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    labels = read_canonical_labels(ROOT / "corpus" / "canonical")
    if args.select:
        select(nlp, labels)
        return
    if args.nested:
        NESTED_FILE.write_text(json.dumps(nested(nlp, labels), indent=1) + "\n", encoding="utf-8")
        print(f"→ {NESTED_FILE}")
        return
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    cases = canonical_cases(nlp, split_records(args.split), labels)
    scores = score_canonical(cases, lambda _: taxonomy)
    for way in ("mapping", "end_to_end"):
        s = scores[way]
        print(f"{way:11} precision {s['precision']:.3f} coverage {s['coverage']:.3f} recall {s['recall']:.3f} "
              f"({s['correct']}/{s['given']} of {scores['links']} links)")
    print(f"links the annotator could map: {scores['gold_coverage']:.3f}")
    out = ROOT / "evaluation" / f"canonical_{args.split}.json"
    out.write_text(json.dumps(scores, indent=1) + "\n")
    if args.curve:
        data = {"split": args.split, **curve(nlp, cases)}
        CURVE_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        plot_curve(data, CURVE_PNG)
        print(f"curve → {CURVE_FILE}, {CURVE_PNG}")


if __name__ == "__main__":
    main()
