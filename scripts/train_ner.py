"""Train the statistical NER (tok2vec + ner of configs/lawrep_zh.cfg) on the train split, seeded,
for a fixed number of steps, and keep the last model (model-last): the dev score spacy train
reports is the whole pipeline's, which the rule components dominate, so its model-best can be an
untrained step-0 NER. Then measure on dev how the NER combines with the entity rules (rules only /
NER only / combined, per label) and write training/ner/ablation_dev.json.

The rules/NER decision is taken from that dev table (docs/entities.md); the test split is not
used here.

    python scripts/build_corpus.py     # corpus/spacy/{train,dev}.spacy
    python scripts/train_ner.py [--max-steps 1200]
    python scripts/train_ner.py --test-ablation   # after the decision: the README's test table,
                                                   # evaluation/ablation_test.json (no training)
    python scripts/train_ner.py --skip-training   # the dev table again, after a rule change
    python scripts/train_ner.py --cv 4            # the same decision with more evidence: K-fold
                                                   # cross-validation over train + dev documents,
                                                   # training/ner/cv.json

Dev holds few spans of some labels (26 PROGRAM), so --cv trains one NER per fold on the other
folds' documents (fixed steps, seed 0, the last model: the held-out fold is not used to pick it)
and counts, per label, what the NER adds after the rules on the held-out documents. The rules were
written on train and dev, so their figures here are optimistic; the NER's are not.

The rule components run with the package's current data files (as scripts/build_pipeline.py
packages them), not the data model-last was trained with.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from build_pipeline import refresh_data  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.evaluation import (  # noqa: E402
    ENTITY_LABELS,
    Annotation,
    evaluate_records,
    from_doc,
    from_record,
    pipe_records,
    score,
)

OUTPUT = ROOT / "training" / "ner"
RULE_COMPONENTS = ["lawrep_laws", "lawrep_programs", "lawrep_orgs", "lawrep_places", "lawrep_dates"]
SETTINGS = {"rules only": ["tok2vec", "ner"], "NER only": RULE_COMPONENTS, "combined": []}


def ablation(model: Path, split: str) -> dict[str, dict[str, float]]:
    records = load_annotations(ROOT / "corpus", split=split)
    table = {}
    for name, disabled in SETTINGS.items():
        nlp = spacy.load(model, disable=disabled)
        refresh_data(nlp)
        scores = evaluate_records(nlp, records)
        row = {label: {k: round(v, 4) for k, v in s.items()} for label, s in scores["ents_per_type"].items()}
        row["micro"] = {k: round(v, 4) for k, v in scores["ents"].items()}
        table[name] = row
    return table


def train(train_path: Path, dev_path: Path, output: Path, max_steps: int, overrides: tuple[str, ...] = ()) -> None:
    """`spacy train` of configs/lawrep_zh.cfg, seeded; `overrides`: further config overrides
    (e.g. ("--initialize.tokenizer.pkuseg_model", DIR) for another segmentation model)."""
    subprocess.run([sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "lawrep_zh.cfg"),
                    "--paths.train", str(train_path), "--paths.dev", str(dev_path),
                    "--training.max_steps", str(max_steps), "--system.seed", "0", "--output", str(output),
                    *overrides],
                   check=True)


def cross_validate(folds: int, max_steps: int) -> dict:
    """Per label, exact-span P/R/F of rules only and of rules then NER on held-out documents
    (all folds pooled), and how many of the entities the NER adds are right."""
    vocab = spacy.blank("zh").vocab
    docs = [doc for split in ("train", "dev")
            for doc in DocBin().from_disk(ROOT / "corpus" / "spacy" / f"{split}.spacy").get_docs(vocab)]
    doc_ids = sorted({doc.user_data["lawrep_meta"]["doc"] for doc in docs})
    random.Random(0).shuffle(doc_ids)
    records = load_annotations(ROOT / "corpus", split="train") + load_annotations(ROOT / "corpus", split="dev")
    pairs: dict[str, list[tuple[Annotation, Annotation]]] = {"rules only": [], "combined": []}
    added: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(folds):
            held_out = set(doc_ids[k::folds])
            fold = Path(tmp) / f"fold{k}"
            fold.mkdir()
            for name, keep in (("train", False), ("held_out", True)):
                part = [doc for doc in docs if (doc.user_data["lawrep_meta"]["doc"] in held_out) == keep]
                DocBin(docs=part, store_user_data=True).to_disk(fold / f"{name}.spacy")
            train(fold / "train.spacy", fold / "held_out.spacy", fold, max_steps)
            rules = spacy.load(fold / "model-last", disable=["tok2vec", "ner"])
            combined = spacy.load(fold / "model-last")
            for nlp in (rules, combined):
                refresh_data(nlp)
            held_records = [r for r in records if r["meta"]["doc"] in held_out]
            golds = [from_record(r) for r in held_records]
            by_rules = [from_doc(doc) for doc in pipe_records(rules, held_records)]
            by_both = [from_doc(doc) for doc in pipe_records(combined, held_records)]
            pairs["rules only"] += zip(golds, by_rules, strict=True)
            pairs["combined"] += zip(golds, by_both, strict=True)
            for gold, rule_ann, both_ann in zip(golds, by_rules, by_both, strict=True):
                for span in both_ann.entities - rule_ann.entities:
                    added.setdefault(span[2], Counter())["right" if span in gold.entities else "wrong"] += 1
    table: dict = {"folds": folds, "documents": len(doc_ids), "max_steps": max_steps}
    for name, scored in pairs.items():
        table[name] = {label: {k: round(v, 4) for k, v in s.items()}
                       for label, s in score(scored)["ents_per_type"].items()}
    table["added by NER"] = {label: dict(c) for label, c in added.items()}
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-steps", type=int, default=1200)
    parser.add_argument("--cv", type=int, metavar="K",
                        help="K-fold cross-validation over train + dev documents instead (no packaged model)")
    parser.add_argument("--test-ablation", action="store_true",
                        help="only measure the trained model on the test split (the decision was made on dev)")
    parser.add_argument("--skip-training", action="store_true",
                        help="measure the dev table with the existing model-last (after a rule change)")
    args = parser.parse_args()
    if args.cv:
        table = cross_validate(args.cv, args.max_steps)
        (OUTPUT / "cv.json").parent.mkdir(parents=True, exist_ok=True)
        (OUTPUT / "cv.json").write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n")
        for label in ENTITY_LABELS:
            print(f"{label:9} rules only {table['rules only'][label]['f']:.3f}  "
                  f"combined {table['combined'][label]['f']:.3f}  added by NER {table['added by NER'].get(label, {})}")
        return
    if args.test_ablation:
        table = ablation(OUTPUT / "model-last", "test")
        (ROOT / "evaluation" / "ablation_test.json").write_text(json.dumps(table, ensure_ascii=False, indent=1)
                                                                 + "\n")
        print_table(table)
        return
    corpus = ROOT / "corpus" / "spacy"
    if not args.skip_training:
        train(corpus / "train.spacy", corpus / "dev.spacy", OUTPUT, args.max_steps)
    table = ablation(OUTPUT / "model-last", "dev")
    (OUTPUT / "ablation_dev.json").write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n")
    print_table(table)


def print_table(table: dict[str, dict[str, dict[str, float]]]) -> None:
    for name, row in table.items():
        print(f"{name:12}", {label: s["f"] for label, s in row.items()})


if __name__ == "__main__":
    main()
