"""Train the statistical NER (tok2vec + ner of configs/lawrep_zh.cfg) on the train split, with
dev for model selection, seeded; then measure on dev how it combines with the entity rules
(rules only / NER only / combined, per label) and write training/ner/ablation_dev.json.

The rules/NER decision is taken from that dev table (docs/entities.md); the test split is not
used here.

    python scripts/build_corpus.py     # corpus/spacy/{train,dev}.spacy
    python scripts/train_ner.py [--max-steps 1200]
    python scripts/train_ner.py --test-ablation   # after the decision: the README's test table,
                                                   # evaluation/ablation_test.json (no training)
    python scripts/train_ner.py --skip-training   # the dev table again, after a rule change

The rule components run with the package's current data files (as scripts/build_pipeline.py
packages them), not the data model-best was trained with.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from build_pipeline import refresh_data  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.evaluation import evaluate_records  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-steps", type=int, default=1200)
    parser.add_argument("--test-ablation", action="store_true",
                        help="only measure the trained model on the test split (the decision was made on dev)")
    parser.add_argument("--skip-training", action="store_true",
                        help="measure the dev table with the existing model-best (after a rule change)")
    args = parser.parse_args()
    if args.test_ablation:
        table = ablation(OUTPUT / "model-best", "test")
        (ROOT / "evaluation" / "ablation_test.json").write_text(json.dumps(table, ensure_ascii=False, indent=1)
                                                                 + "\n")
        print_table(table)
        return
    corpus = ROOT / "corpus" / "spacy"
    if not args.skip_training:
        subprocess.run([sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "lawrep_zh.cfg"),
                        "--paths.train", str(corpus / "train.spacy"), "--paths.dev", str(corpus / "dev.spacy"),
                        "--training.max_steps", str(args.max_steps), "--system.seed", "0",
                        "--output", str(OUTPUT)], check=True)
    table = ablation(OUTPUT / "model-best", "dev")
    (OUTPUT / "ablation_dev.json").write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n")
    print_table(table)


def print_table(table: dict[str, dict[str, dict[str, float]]]) -> None:
    for name, row in table.items():
        print(f"{name:12}", {label: s["f"] for label, s in row.items()})


if __name__ == "__main__":
    main()
