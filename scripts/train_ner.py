"""Train the pipeline's learned parts with the README's command — `python -m spacy train
configs/lawrep_zh.cfg --output training/ner --paths.train … --paths.dev …` (seed and steps from
the config) — which gives training/ner/model-best, the pipeline scripts/build_pipeline.py
packages. model-best is picked by the config's score weights (entities and exact links of the
whole pipeline, with lawrep_entity_policy deciding per label whether the NER's additions stay).
Then measure on dev how the NER combines with the entity rules (rules only / NER only /
combined, per label) and write training/ner/ablation_dev.json.

The per-label policy is chosen by --cv: K-fold cross-validation by document over train + dev,
one NER per fold trained on the other folds (fixed steps, the last model: the held-out fold is
not used to pick it); per label, the NER's additions stay where rules then NER beats the rules
alone (choose_policy) → evaluation/ner_cv.json, which configs/lawrep_zh.cfg declares. The rules
were written on train and dev, so their figures there are optimistic; the NER's are not. The
test split is not used here except by --test-ablation, after the decision.

    python scripts/build_corpus.py     # corpus/spacy/{train,dev}.spacy
    python scripts/train_ner.py --cv 4            # the policy (about 30 minutes on 2 cores)
    python scripts/train_ner.py                   # training/ner/model-best and the dev table
    python scripts/train_ner.py --test-ablation   # the README's test table (no training)
    python scripts/train_ner.py --skip-training   # the dev table again, after a rule change
    python scripts/train_ner.py --cv 4 --set components.tok2vec.model.encode.width=64 \
        --cv-file evaluation/ner_cv_small.json    # a cheaper model, compared by the same folds

The rule components run with the package's current data files (as scripts/build_pipeline.py
packages them), not the data the model was trained with.
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
from build_pipeline import docbin_examples, refresh_data  # noqa: E402
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
#: The cross-validation table and the per-label policy chosen from it (configs/lawrep_zh.cfg
#: declares that policy; a test checks they agree).
CV_FILE = ROOT / "evaluation" / "ner_cv.json"
RULE_COMPONENTS = ["lawrep_laws", "lawrep_programs", "lawrep_orgs", "lawrep_places", "lawrep_dates"]
#: What each row of the tables disables: "combined" is rules then NER for every label (what the
#: policy is chosen from), "policy" the pipeline as configured (lawrep_entity_policy per label).
SETTINGS = {"rules only": ["tok2vec", "ner"], "NER only": [*RULE_COMPONENTS, "lawrep_entity_policy"],
            "combined": ["lawrep_entity_policy"], "policy": []}
CV_SETTINGS = ("rules only", "NER only", "combined")


def ablation(model: Path, split: str) -> dict[str, dict[str, dict[str, float]]]:
    records = load_annotations(ROOT / "corpus", split=split)
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name, disabled in SETTINGS.items():
        nlp = spacy.load(model, disable=disabled)
        refresh_data(nlp)
        scores = evaluate_records(nlp, records)
        row = {label: {k: round(v, 4) for k, v in s.items()} for label, s in scores["ents_per_type"].items()}
        row["micro"] = {k: round(v, 4) for k, v in scores["ents"].items()}
        table[name] = row
    return table


def train(train_path: Path, dev_path: Path, output: Path, max_steps: int | None = None,
          overrides: tuple[str, ...] = ()) -> None:
    """`spacy train` of configs/lawrep_zh.cfg (seeded by its [system] seed), the README's
    command; `max_steps`: the config's unless given; `overrides`: further config overrides
    (e.g. ("--initialize.tokenizer.pkuseg_model", DIR) for another segmentation model)."""
    steps = ("--training.max_steps", str(max_steps)) if max_steps is not None else ()
    subprocess.run([sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "lawrep_zh.cfg"),
                    "--output", str(output), "--paths.train", str(train_path), "--paths.dev", str(dev_path),
                    *steps, *overrides],
                   check=True)


def cross_validate(folds: int, max_steps: int, overrides: tuple[str, ...] = ()) -> dict:
    """Per label, exact-span P/R/F of rules only, NER only and rules then NER on held-out
    documents (all folds pooled), how many of the entities the NER adds after the rules are
    right, and the policy chosen from that (choose_policy)."""
    vocab = spacy.blank("zh").vocab
    docs = [doc for split in ("train", "dev")
            for doc in DocBin().from_disk(ROOT / "corpus" / "spacy" / f"{split}.spacy").get_docs(vocab)]
    doc_ids = sorted({doc.user_data["lawrep_meta"]["doc"] for doc in docs})
    random.Random(0).shuffle(doc_ids)
    records = load_annotations(ROOT / "corpus", split="train") + load_annotations(ROOT / "corpus", split="dev")
    pairs: dict[str, list[tuple[Annotation, Annotation]]] = {name: [] for name in CV_SETTINGS}
    added: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(folds):
            held_out = set(doc_ids[k::folds])
            fold = Path(tmp) / f"fold{k}"
            fold.mkdir()
            for name, keep in (("train", False), ("held_out", True)):
                part = [doc for doc in docs if (doc.user_data["lawrep_meta"]["doc"] in held_out) == keep]
                DocBin(docs=part, store_user_data=True).to_disk(fold / f"{name}.spacy")
            train(fold / "train.spacy", fold / "held_out.spacy", fold, max_steps, overrides)
            held_records = [r for r in records if r["meta"]["doc"] in held_out]
            golds = [from_record(r) for r in held_records]
            found = {}
            for name in CV_SETTINGS:
                nlp = spacy.load(fold / "model-last", disable=SETTINGS[name])
                # the learned parts of the rules (the programme classifier, the canonical model)
                # learn from the fold's training documents only, as spacy train's initialize did
                examples = docbin_examples(nlp, [fold / "train.spacy"])
                refresh_data(nlp, lambda examples=examples: examples)
                found[name] = [from_doc(doc) for doc in pipe_records(nlp, held_records)]
                pairs[name] += zip(golds, found[name], strict=True)
            for gold, rule_ann, both_ann in zip(golds, found["rules only"], found["combined"], strict=True):
                for span in both_ann.entities - rule_ann.entities:
                    added.setdefault(span[2], Counter())["right" if span in gold.entities else "wrong"] += 1
    table: dict = {"folds": folds, "documents": len(doc_ids), "max_steps": max_steps,
                   "config_overrides": dict(zip(overrides[::2], overrides[1::2], strict=True))}
    for name, scored in pairs.items():
        table[name] = {label: {k: round(v, 4) for k, v in s.items()}
                       for label, s in score(scored)["ents_per_type"].items()}
    table["added by NER"] = {label: dict(c) for label, c in added.items()}
    table["policy"] = choose_policy(table)
    return table


def choose_policy(table: dict) -> dict[str, str]:
    """lawrep_entity_policy's setting per label: the NER's additions stay where rules then NER
    beats the rules alone in cross-validation (F, pooled over folds); ties keep the rules."""
    return {label: "rules_then_model" if table["combined"][label]["f"] > table["rules only"][label]["f"] else "rules"
            for label in ENTITY_LABELS if label in table["rules only"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-steps", type=int, help="default: the config's (for --cv: 1200)")
    parser.add_argument("--cv", type=int, metavar="K",
                        help="K-fold cross-validation over train + dev documents instead (no packaged model)")
    parser.add_argument("--test-ablation", action="store_true",
                        help="only measure the trained model on the test split (the decision was made on dev)")
    parser.add_argument("--skip-training", action="store_true",
                        help="measure the dev table with the existing model-best (after a rule change)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a config override for spacy train (repeatable), e.g. "
                             "components.tok2vec.model.encode.width=64: a cheaper model to compare by --cv")
    parser.add_argument("--cv-file", type=Path, default=CV_FILE,
                        help=f"where --cv writes its table (default {CV_FILE.relative_to(ROOT)}, the policy's)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="spacy train's output folder")
    args = parser.parse_args()
    overrides = tuple(part for item in args.set for part in (f"--{item.split('=', 1)[0]}", item.split("=", 1)[1]))
    if args.cv:
        table = cross_validate(args.cv, args.max_steps or 1200, overrides)
        args.cv_file.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n")
        for label in ENTITY_LABELS:
            print(f"{label:9} rules only {table['rules only'][label]['f']:.3f}  NER only "
                  f"{table['NER only'][label]['f']:.3f}  combined {table['combined'][label]['f']:.3f}  "
                  f"added by NER {table['added by NER'].get(label, {})} → {table['policy'][label]}")
        return
    if args.test_ablation:
        table = ablation(args.output / "model-best", "test")
        (ROOT / "evaluation" / "ablation_test.json").write_text(json.dumps(table, ensure_ascii=False, indent=1)
                                                                 + "\n")
        print_table(table)
        return
    corpus = ROOT / "corpus" / "spacy"
    if not args.skip_training:
        train(corpus / "train.spacy", corpus / "dev.spacy", args.output, args.max_steps, overrides)
    table = ablation(args.output / "model-best", "dev")
    (args.output / "ablation_dev.json").write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n")
    print_table(table)


def print_table(table: dict[str, dict[str, dict[str, float]]]) -> None:
    for name, row in table.items():
        print(f"{name:12}", {label: s["f"] for label, s in row.items()})


if __name__ == "__main__":
    main()
