"""Experiment (not shipped): is the averaged perceptron what holds the boundary model back?

The boundary model (lawrep_nlp/pipes/indicators/scorer.py) is a ranking perceptron, the mean of
several seeded runs. This script fits, on the same candidate edges and features, a regularised
learner in its place: a softmax ranker (the log-likelihood of the gold edge among a target's
candidates, an L2 penalty, L-BFGS), and scores both as `train_linker.py --select` does (five-fold
CV by document over train + dev, exact link P/R/F). It also counts how many gold links any
boundary choice could get right: those whose rule target has the gold fixed edge and the gold
free edge among its candidates. Nothing is written unless --json is given.

    python scripts/linker_learners.py [--json evaluation/linker_learners.json]

Result (session 20, docs/error_analysis.md): CV exact F 0.692–0.710 for L2 from 10 down to
0.003, against 0.713 for the perceptron (20 epochs × 5 runs); 822 of 955 gold links reachable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402
import spacy  # noqa: E402
from scipy import sparse  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from train_linker import exact_link_counts, fit, folds_of, parsed, prf_row  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.pipes.indicators.candidates import LEXICON_FILE, Lexicon, in_content_order  # noqa: E402
from lawrep_nlp.pipes.indicators.scorer import BoundaryModel, Candidates, training_examples  # noqa: E402

L2_CHOICES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PERCEPTRON = (20, 5)  # epochs, runs: the shipped choice (evaluation/linker_boundaries_cv.json)


def softmax_ranker(examples: list[tuple[Candidates, int]], l2: float) -> BoundaryModel:
    """Weights that maximise the penalised log-likelihood of each gold edge among its candidates."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    groups: list[int] = []
    gold: list[bool] = []
    for group, (candidates, answer) in enumerate(examples):
        for edge, features in candidates.items():
            for feature in set(features):
                rows.append(len(groups))
                columns.append(vocabulary.setdefault(feature, len(vocabulary)))
            groups.append(group)
            gold.append(edge == answer)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(groups), len(vocabulary)))
    group_of, is_gold, n_groups = np.array(groups), np.array(gold, dtype=float), len(examples)

    def loss_and_gradient(weights: np.ndarray) -> tuple[float, np.ndarray]:
        scores = matrix @ weights
        top = np.full(n_groups, -np.inf)
        np.maximum.at(top, group_of, scores)
        exponents = np.exp(scores - top[group_of])
        sums = np.zeros(n_groups)
        np.add.at(sums, group_of, exponents)
        chosen = is_gold == 1
        loss = -(scores[chosen] - top[group_of[chosen]] - np.log(sums[group_of[chosen]])).sum()
        gradient = matrix.T @ (exponents / sums[group_of] - is_gold) + l2 * weights
        return loss + 0.5 * l2 * weights @ weights, gradient

    fitted = minimize(loss_and_gradient, np.zeros(len(vocabulary)), jac=True, method="L-BFGS-B",
                      options={"maxiter": 500}).x
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    return BoundaryModel({name: float(w) for name, w in zip(names, fitted, strict=True) if abs(w) > 1e-6},
                         {"learner": "softmax", "l2": l2})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=None, help="write the table here")
    args = parser.parse_args()
    nlp = spacy.load("lawrep_zh", exclude=["lawrep_indicators", "lawrep_canonical"])
    lexicon = Lexicon.from_file(LEXICON_FILE)
    items = parsed(nlp, [r for s in ("train", "dev") for r in load_annotations(ROOT / "corpus", s)])

    def examples_of(part) -> list[tuple[Candidates, int]]:
        ordered = in_content_order((doc, gold) for _, doc, gold in part)
        return [example for doc, links in ordered for example in training_examples(doc, links, lexicon)]

    def cross_validated(fitter) -> dict:
        total = [0, 0, 0]
        for held in folds_of(items):
            model = fitter([it for it in items if it[0]["meta"]["doc"] not in held])
            counts = exact_link_counts([it for it in items if it[0]["meta"]["doc"] in held], lexicon, model)
            total = [a + b for a, b in zip(total, counts, strict=True)]
        return prf_row(*total)

    table = {"perceptron, {} epochs × {} runs".format(*PERCEPTRON):
             cross_validated(lambda part: fit(part, lexicon, *PERCEPTRON))}
    for l2 in L2_CHOICES:
        table[f"softmax ranker, l2 {l2}"] = cross_validated(lambda part, l2=l2: softmax_ranker(examples_of(part), l2))
    reachable = len(examples_of(items))
    gold = sum(len(g) for _, _, g in items)
    for name, row in table.items():
        print(f"{name:34} P {row['p']:.3f} R {row['r']:.3f} F {row['f']:.3f}")
    print(f"gold links whose free edge is among the candidates: {reachable} of {gold}")
    if args.json:
        args.json.write_text(json.dumps({"command": "python scripts/linker_learners.py", "documents": "train + dev",
                                         "folds": "train_linker.folds_of", "exact_links": table,
                                         "gold_links": gold, "reachable_gold_links": reachable},
                                        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
