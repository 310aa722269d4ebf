"""Choose how lawrep_programs decides quoted phrases the lexicon does not know: the rules, the
learned classifier (lawrep_nlp/pipes/programs/context.py), or both, and the classifier's threshold,
by 4-fold cross-validation by document on train + dev (the test split is never read).

Folds are whole documents (a fixed seed shuffles them). For each fold the classifier is trained
from the other folds' examples (the train + dev DocBins, as scripts/build_pipeline.py initializes
the shipped component), and the held-out documents are read with a lexicon and rhetoric list
without the entries attested only in them (scripts/programs_lodo.py's idea: those entries were
written from those documents, so a new report would not find them). Each held-out paragraph goes
through the shipped pipeline up to lawrep_programs once (tokenizer, sentences, laws: a quote inside a
title stays LAW), then through lawrep_programs under every policy and threshold; the components after
it never remove a PROGRAM, so its PROGRAM entities are the pipeline's. Scores: PROGRAM P/R/F per fold,
their mean, and pooled over all held-out paragraphs. The chosen setting has the best mean F over
the folds (ties: the rules, then the higher threshold); configs/lawrep_zh.cfg's
[components.lawrep_programs] must name it (tests/pipes/test_programs_context.py checks).

    python scripts/programs_cv.py [--json evaluation/programs_cv.json]
    python scripts/programs_cv.py --curve evaluation/programs_curve.json   # what more data buys
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import spacy  # noqa: E402
from build_pipeline import corpus_examples  # noqa: E402
from programs_lodo import train_dev_records  # noqa: E402

from lawrep_nlp.evaluation import annotation_pairs, prf, score  # noqa: E402
from lawrep_nlp.pipes.programs.context import (  # noqa: E402
    EPOCHS,
    L2,
    LEARNING_RATE,
    MIN_COUNT,
    QuotedModel,
    document_of,
    training_samples,
)
from lawrep_nlp.pipes.programs.recognizer import ProgramRules  # noqa: E402

FOLDS, SEED = 4, 20260412
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
#: the learning curve (--curve): fractions of each fold's training documents, draws below 100%
CURVE_FRACTIONS, CURVE_DRAWS = (0.25, 0.5, 0.75, 1.0), 3
SETTINGS = [("rules", None)] + [(policy, threshold) for policy in ("model", "rules_and_model", "rules_or_model")
                                for threshold in THRESHOLDS]


def document_folds(documents: list[str], folds: int = FOLDS, seed: int = SEED) -> list[list[str]]:
    """The documents dealt into `folds` folds after a seeded shuffle."""
    order = sorted(documents)
    random.Random(seed).shuffle(order)
    return [sorted(order[k::folds]) for k in range(folds)]


def setting_name(policy: str, threshold: float | None) -> str:
    return policy if threshold is None else f"{policy}@{threshold}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures and the choice here")
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--l2", type=float, default=L2, help="the classifier's L2 (default: context.L2)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--curve", type=Path, metavar="JSON",
                        help="instead: the learning curve of the configured policy (PROGRAM F on the held-out "
                             "folds with the classifier trained on 25/50/75/100%% of each fold's training "
                             "documents, seeded draws) → JSON")
    args = parser.parse_args()
    records, texts = train_dev_records()
    nlp = spacy.load("lawrep_zh")
    component = nlp.get_pipe("lawrep_programs")
    before = nlp.pipe_names[:nlp.pipe_names.index("lawrep_programs")]
    with nlp.select_pipes(enable=before):
        prepared = list(nlp.pipe(r["text"] for r in records))
    references = [eg.reference for eg in corpus_examples(nlp)()]
    reference_docs = [document_of(ref, i) for i, ref in enumerate(references)]
    full = ProgramRules.from_files()  # the source tree's data files, which the next build ships
    attested = full.attestations(texts)
    training = {"epochs": args.epochs, "learning_rate": LEARNING_RATE, "l2": args.l2, "min_count": args.min_count}
    counts: dict[str, list[dict[str, int]]] = {setting_name(*s): [] for s in SETTINGS}
    folds = document_folds(sorted(texts), args.folds, args.seed)
    if args.curve:
        configured = spacy.util.load_config(ROOT / "configs" / "lawrep_zh.cfg")["components"]["lawrep_programs"]
        component.quoted_policy = configured["quoted_policy"]
        component.quoted_threshold = configured["quoted_threshold"]
        points: dict[float, list[dict[str, int]]] = {fraction: [] for fraction in CURVE_FRACTIONS}
        sizes: dict[float, list[int]] = {fraction: [] for fraction in CURVE_FRACTIONS}
        for held_out in folds:
            held = set(held_out)
            component.rules = full.without(held, attested)
            pool = sorted({doc for doc in reference_docs if doc not in held})
            mine = [(r, d) for r, d in zip(records, prepared, strict=True) if r["meta"]["doc"] in held]
            for fraction in CURVE_FRACTIONS:
                for draw in range(CURVE_DRAWS if fraction < 1.0 else 1):
                    draw_seed = random.Random(f"{args.seed}:{fraction}:{draw}")
                    subset = set(draw_seed.sample(pool, round(fraction * len(pool))))
                    samples = training_samples([ref for ref, doc in zip(references, reference_docs, strict=True)
                                                if doc in subset], component.rules)
                    component.model = QuotedModel.train(samples, **training)
                    pairs = annotation_pairs([r for r, _ in mine], [component(doc.copy()) for _, doc in mine])
                    points[fraction].append(score(pairs)["counts"]["PROGRAM"])
                    sizes[fraction].append(len(subset))
        curve = []
        for fraction, per_run in points.items():
            pooled = {key: sum(c[key] for c in per_run) for key in ("tp", "predicted", "gold")}
            runs = len(per_run) // args.folds
            curve.append({"fraction": fraction, "documents": round(statistics.mean(sizes[fraction]), 1),
                          "draws": runs, **prf(pooled["tp"], pooled["predicted"], pooled["gold"])})
            print(f"{fraction:.0%} of each fold's training documents ({curve[-1]['documents']}): "
                  f"PROGRAM P {curve[-1]['p']:.3f} R {curve[-1]['r']:.3f} F {curve[-1]['f']:.3f} "
                  f"({runs} draw(s) per fold, pooled)")
        args.curve.write_text(json.dumps({"command": "python scripts/programs_cv.py --curve "
                                                     "evaluation/programs_curve.json",
                                          "policy": configured, "folds": args.folds, "seed": args.seed,
                                          "curve": curve}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    for k, held_out in enumerate(folds):
        held = set(held_out)
        rules = full.without(held, attested)
        samples = training_samples([ref for ref, doc in zip(references, reference_docs, strict=True)
                                    if doc not in held], rules)
        component.rules, component.model = rules, QuotedModel.train(samples, **training)
        mine = [(record, doc) for record, doc in zip(records, prepared, strict=True) if record["meta"]["doc"] in held]
        for policy, threshold in SETTINGS:
            component.quoted_policy, component.quoted_threshold = policy, threshold or 0.5
            pairs = annotation_pairs([r for r, _ in mine], [component(doc.copy()) for _, doc in mine])
            counts[setting_name(policy, threshold)].append(score(pairs)["counts"]["PROGRAM"])
        rule_counts = counts["rules"][-1]
        rule_f = prf(rule_counts["tp"], rule_counts["predicted"], rule_counts["gold"])["f"]
        print(f"fold {k}: {len(held_out)} documents, {len(mine)} paragraphs, {len(samples)} training phrases "
              f"({sum(s.label for s in samples)} programmes); rules F {rule_f:.3f}", file=sys.stderr)
    result: dict[str, Any] = {}
    for name, per_fold in counts.items():
        fold_scores = [prf(c["tp"], c["predicted"], c["gold"]) for c in per_fold]
        pooled = {key: sum(c[key] for c in per_fold) for key in ("tp", "predicted", "gold")}
        result[name] = {"mean": {key: sum(s[key] for s in fold_scores) / len(fold_scores) for key in ("p", "r", "f")},
                        "pooled": {**prf(pooled["tp"], pooled["predicted"], pooled["gold"]), **pooled},
                        "folds": fold_scores}
    order = {name: i for i, name in enumerate(setting_name(*s) for s in SETTINGS)}

    def preference(name: str) -> tuple[float, bool, float, int]:
        threshold = next(t for p, t in SETTINGS if setting_name(p, t) == name)
        return (round(result[name]["mean"]["f"], 6), name == "rules", threshold or 1.0, -order[name])

    chosen = max(result, key=preference)
    policy, threshold = next((p, t) for p, t in SETTINGS if setting_name(p, t) == chosen)
    print(f"{'setting':24} {'mean P':>7} {'mean R':>7} {'mean F':>7}   pooled P/R/F")
    for name, figures in result.items():
        mean, pooled = figures["mean"], figures["pooled"]
        print(f"{name:24} {mean['p']:7.3f} {mean['r']:7.3f} {mean['f']:7.3f}   "
              f"{pooled['p']:.3f} {pooled['r']:.3f} {pooled['f']:.3f}" + ("   ← chosen" if name == chosen else ""))
    if args.json:
        out = {"method": f"{args.folds}-fold cross-validation by document on train + dev (seed {args.seed}); "
                         "held-out documents read without lexicon/rhetoric entries attested only in them; "
                         "chosen: best mean PROGRAM F over the folds",
               "folds": folds, "training": training, "scores": result,
               "policy": policy, "threshold": threshold, "chosen": chosen}
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
