"""Choose the linker's link-filter policy (lawrep_nlp/pipes/indicators/link_filter.py) by 4-fold
cross-validation by document on train + dev; the test split is never read.

For each fold the boundary model (the configured epochs and runs) and the link filter are trained on the
other folds' documents, as ``IndicatorLinker.initialize`` trains them, and the held-out
documents are linked with the policy "off" (rules + boundary model), "learned" (drop) and
"learned_refine" (drop or move to an alternative phrase) at each keep_threshold and filter epochs
of the grid. The setting with the best pooled exact link F is chosen, a learned one only if it
beats "off" pooled and in all folds but one. Also recorded: where the out-of-fold links of "off"
go wrong (false links where gold has none, gold links missed, links to another phrase, boundary
errors), and the same for the chosen policy.

Writes evaluation/linker_cv.json; set the choice in configs/lawrep_zh.cfg (a test checks they
agree), then python scripts/train_linker.py writes the shipped filter.

`--test` (once, after the choice) reports the test split instead: the shipped pipeline with
lawrep_indicators set and re-initialized as configs/lawrep_zh.cfg says, from the train + dev
DocBins (corpus/spacy), scored like `lawrep evaluate lawrep_zh corpus/annotations --split test`,
with the policy "off" beside it; nothing is written.

    python scripts/linker_cv.py
    python scripts/linker_cv.py --test
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from itertools import product
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from build_pipeline import corpus_examples  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations, read_jsonl  # noqa: E402
from lawrep_nlp.errors import link_errors  # noqa: E402
from lawrep_nlp.evaluation import evaluate_records, from_doc, from_record, pipe_records, prf  # noqa: E402
from lawrep_nlp.pipes.indicators.candidates import LEXICON_FILE, Lexicon, link_quantities  # noqa: E402
from lawrep_nlp.pipes.indicators.link_filter import (  # noqa: E402
    FILTER_SEED,
    POLICIES,
    KeepRule,
    fit_link_filter,
)
from lawrep_nlp.pipes.indicators.scorer import fit_boundary_model  # noqa: E402

CV_FILE = ROOT / "evaluation" / "linker_cv.json"
CONFIG_FILE = ROOT / "configs" / "lawrep_zh.cfg"
FOLDS = 4
SEED = FILTER_SEED
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
EPOCH_CHOICES = (5, 10, 20)
LEARNED = [policy for policy in POLICIES if policy != "off"]
#: lawrep_nlp.errors categories of a link error, in the four kinds this analysis counts
KINDS = {"spurious": "false link (gold has none)", "no indicator": "gold link missed",
         "quantity missed": "gold link missed (quantity missed)", "other phrase": "wrong phrase"}


def boundary_setting() -> tuple[int, int]:
    """The boundary model's epochs and runs as spacy train uses them (configs/lawrep_zh.cfg)."""
    settings = spacy.util.load_config(CONFIG_FILE)["initialize"]["components"]["lawrep_indicators"]
    return int(settings["boundary_epochs"]), int(settings["boundary_runs"])


def parsed(nlp: spacy.Language, records: list[dict]) -> list[tuple[dict, spacy.tokens.Doc, set]]:
    """(record, Doc as the pipeline reads it up to the linker, gold links)."""
    docs = pipe_records(nlp, records)
    return [(record, doc, from_record(record).links) for record, doc in zip(records, docs, strict=True)]


def folds_of(items: list) -> list[set[str]]:
    """FOLDS sets of document ids: the sorted ids shuffled with SEED, dealt round."""
    documents = sorted({record["meta"]["doc"] for record, _, _ in items})
    random.Random(SEED).shuffle(documents)
    return [set(documents[k::FOLDS]) for k in range(FOLDS)]


class Tally:
    """Exact and relaxed link counts, pooled and by fold, and the kinds of link errors."""

    def __init__(self) -> None:
        self.tp = self.relaxed_tp = self.pred = self.gold = 0
        self.kinds: Counter[str] = Counter()
        self.by_fold: dict[int, list[int]] = {}  # fold → [tp, pred, gold]

    def add(self, record: dict, doc, gold: set, links: list[list[int]], fold: int = 0) -> None:
        predicted = {cast("tuple[int, int, int, int]", tuple(link)) for link in links}
        tp = len(predicted & gold)
        self.tp += tp
        self.relaxed_tp += sum(any(p[:2] == g[:2] and p[2] < g[3] and g[2] < p[3] for g in gold) for p in predicted)
        self.pred += len(predicted)
        self.gold += len(gold)
        counts = self.by_fold.setdefault(fold, [0, 0, 0])
        counts[0], counts[1], counts[2] = counts[0] + tp, counts[1] + len(predicted), counts[2] + len(gold)
        annotation = from_doc(doc)
        annotation.links = predicted
        for error in link_errors(from_record(record), annotation):
            self.kinds[KINDS.get(error.category, "boundary only")] += 1

    def fold_f(self) -> list[float]:
        return [round(prf(*self.by_fold[fold])["f"], 4) for fold in sorted(self.by_fold)]

    def row(self) -> dict:
        exact, relaxed = prf(self.tp, self.pred, self.gold), prf(self.relaxed_tp, self.pred, self.gold)
        return {"exact": {k: round(v, 4) for k, v in exact.items()},
                "relaxed": {k: round(v, 4) for k, v in relaxed.items()},
                "tp": self.tp, "relaxed_tp": self.relaxed_tp, "pred": self.pred, "gold": self.gold,
                "exact_f_by_fold": self.fold_f()}


def cross_validate(items: list, lexicon: Lexicon, b_epochs: int, b_runs: int = 1) -> tuple[dict, dict]:
    """Pooled out-of-fold rows for "off" and every (epochs, threshold) of "learned", and the
    error kinds of each."""
    tallies: dict[str, Tally] = {"off": Tally()}
    for fold, held in enumerate(folds_of(items)):
        train = [(doc, gold) for record, doc, gold in items if record["meta"]["doc"] not in held]
        test = [it for it in items if it[0]["meta"]["doc"] in held]
        boundary = fit_boundary_model([(d, g) for d, g in train if g], lexicon, b_epochs, runs=b_runs)
        for record, doc, gold in test:
            tallies["off"].add(record, doc, gold, link_quantities(doc, lexicon, boundary)[1], fold)
        for epochs in EPOCH_CHOICES:
            model = fit_link_filter(train, lexicon, epochs, boundary_model=boundary)
            for policy, threshold in product(LEARNED, THRESHOLDS):
                tally = tallies.setdefault(key(policy, epochs, threshold), Tally())
                judge = KeepRule(model, threshold, refine=policy == "learned_refine")
                for record, doc, gold in test:
                    tally.add(record, doc, gold, link_quantities(doc, lexicon, boundary, judge)[1], fold)
    return ({name: tally.row() for name, tally in tallies.items()},
            {name: dict(tally.kinds.most_common()) for name, tally in tallies.items()})


def pays(learned: dict, off: dict) -> bool:
    """Whether the learned filter pays: a higher pooled exact F than "off", and a higher exact
    F in at least FOLDS - 1 of the folds (a pooled gain made in one fold is noise)."""
    wins = sum(a > b for a, b in zip(learned["exact_f_by_fold"], off["exact_f_by_fold"], strict=True))
    return learned["exact"]["f"] > off["exact"]["f"] and wins >= FOLDS - 1


def key(policy: str, epochs: int, threshold: float) -> str:
    return f"{policy}, {epochs} epochs, keep_threshold {threshold}"


def test_split() -> None:
    """The test figures of the configured linker, initialized from train + dev, and of "off"."""
    config = spacy.util.load_config(CONFIG_FILE)
    settings = {k: v for k, v in config["components"]["lawrep_indicators"].items() if k != "factory"}
    nlp = spacy.load("lawrep_zh", config={"components": {"lawrep_indicators": settings}})
    linker = nlp.get_pipe("lawrep_indicators")
    linker.initialize(corpus_examples(nlp), nlp=nlp, **config["initialize"]["components"]["lawrep_indicators"])
    records = [r for path in sorted((ROOT / "corpus" / "annotations").glob("*.jsonl")) for r in read_jsonl(path)
               if r.get("meta", {}).get("split") == "test"]
    for policy in dict.fromkeys([settings["link_filter"], "off"]):
        linker.link_filter = policy
        scores = evaluate_records(nlp, records)
        print(f"test ({len(records)} paragraphs), link_filter {policy!r}: "
              + "  ".join(f"{name} P {scores[name]['p']:.3f} R {scores[name]['r']:.3f} F {scores[name]['f']:.3f}"
                          for name in ("link_exact", "link_relaxed", "indicator")))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--test", action="store_true", help="report the test split once, after the choice")
    if parser.parse_args().test:
        test_split()
        return
    nlp = spacy.load("lawrep_zh", exclude=["lawrep_indicators", "lawrep_canonical"])
    lexicon = Lexicon.from_file(LEXICON_FILE)
    records = [r for split in ("train", "dev") for r in load_annotations(ROOT / "corpus", split)]
    items = parsed(nlp, records)
    b_epochs, b_runs = boundary_setting()
    rules = Tally()
    for record, doc, gold in items:
        rules.add(record, doc, gold, link_quantities(doc, lexicon)[1])
    table, kinds = cross_validate(items, lexicon, b_epochs, b_runs)
    best = max(table, key=lambda name: (table[name]["exact"]["f"], name == "off"))
    policy, epochs, threshold = "off", 0, 0.5
    if best != "off" and pays(table[best], table["off"]):
        name, epochs_text, threshold_text = best.split(", ")
        policy, epochs, threshold = name, int(epochs_text.split()[0]), float(threshold_text.split()[1])
    result = {
        "folds": FOLDS, "seed": SEED, "documents": "train + dev", "by": "document",
        "boundary_epochs": b_epochs, "boundary_runs": b_runs,
        "criterion": "best pooled out-of-fold exact link F; learned only if above off pooled and in at least "
                     f"{FOLDS - 1} of {FOLDS} folds",
        "link_errors": {"rules alone (in-sample lexicon)": dict(rules.kinds.most_common()),
                        "off: rules + boundary model, out of fold": kinds["off"],
                        "chosen, out of fold": kinds[best if policy != "off" else "off"]},
        "rules alone": rules.row(), "table": table,
        "chosen": {"link_filter": policy, "keep_threshold": threshold, "filter_epochs": epochs},
    }
    CV_FILE.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, row in {"rules alone": rules.row(), **table}.items():
        print(f"{name:42} exact P {row['exact']['p']:.3f} R {row['exact']['r']:.3f} F {row['exact']['f']:.3f}"
              f"  relaxed F {row['relaxed']['f']:.3f}  by fold {row['exact_f_by_fold']}")
    print("errors, off:", kinds["off"])
    print("chosen:", result["chosen"], "→", CV_FILE)


if __name__ == "__main__":
    main()

