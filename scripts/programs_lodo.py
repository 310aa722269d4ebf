"""How the programme rules do on a report they have not seen: leave-one-document-out over train + dev.

The programme lexicon (lawrep_nlp/pipes/programs/data/programs.tsv) and the rhetoric list were
written from train and dev, so scoring them there only shows that they remember those reports.
Here each train/dev document is scored with a lexicon and rhetoric list without the entries
attested only in that document (a variant or phrase found in no other train/dev text), which is
what a new report — or the test split — looks like to the component. Entries attested nowhere
in train/dev (national programme names) stay. Prints PROGRAM P/R/F, with the remembering score
beside it, and the misses and false finds by kind (quoted or not).

    python scripts/programs_lodo.py [--json evaluation/programs_lodo.json] [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.evaluation import Annotation, annotation_pairs, score  # noqa: E402
from lawrep_nlp.pipes.programs.recognizer import ProgramRules  # noqa: E402

QUOTES = "“”‘’\""


def train_dev_records(root: Path = ROOT) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The gold records of train + dev, and each document's text (its paragraphs joined)."""
    records = [r for r in load_annotations(root / "corpus") if r["meta"]["split"] in ("train", "dev")]
    return records, document_texts(records)


def document_texts(records: list[dict[str, Any]]) -> dict[str, str]:
    """document → its paragraphs joined, in the records' order (what the programme lexicon's
    attestations are read in)."""
    texts: dict[str, str] = {}
    for record in records:
        texts[record["meta"]["doc"]] = texts.get(record["meta"]["doc"], "") + "\n" + record["text"]
    return texts


def kind(text: str, start: int, end: int) -> str:
    return "quoted" if start > 0 and text[start - 1] in QUOTES and end < len(text) and text[end] in QUOTES else "bare"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", action="store_true", help="print every miss and false find")
    args = parser.parse_args()
    records, texts = train_dev_records()
    nlp = spacy.load("lawrep_zh")
    component = nlp.get_pipe("lawrep_programs")
    # the rules alone: the shipped classifier learned from all of train + dev (its held-out figures
    # come from scripts/programs_cv.py)
    component.model = None
    full = ProgramRules.from_files()  # the data files of the source tree, which the next build ships
    attested = full.attestations(texts)
    pairs: dict[str, list[tuple[Annotation, Annotation]]] = {"remembering": [], "held_out": []}
    errors: Counter = Counter()
    shown = []
    for held_out in sorted(texts):
        mine = [r for r in records if r["meta"]["doc"] == held_out]
        for setting, rules in (("remembering", full), ("held_out", full.without({held_out}, attested))):
            component.rules = rules
            pairs[setting] += annotation_pairs(mine, list(nlp.pipe(r["text"] for r in mine)))
        for record, (gold, pred) in zip(mine, pairs["held_out"][-len(mine):], strict=True):
            programs = [{e for e in ann.entities if e[2] == "PROGRAM"} for ann in (gold, pred)]
            for name, spans in (("missed", programs[0] - programs[1]), ("false", programs[1] - programs[0])):
                for start, end, _ in spans:
                    errors[name, kind(record["text"], start, end)] += 1
                    shown.append((name, held_out, record["text"][max(0, start - 6):end + 6], record["text"][start:end]))
    component.rules = full
    result: dict[str, Any] = {}
    for setting, scored in pairs.items():
        scores = score(scored)
        result[setting] = {**scores["ents_per_type"]["PROGRAM"], **scores["counts"]["PROGRAM"]}
    result["held_out_errors"] = {f"{name} {where}": n for (name, where), n in sorted(errors.items())}
    for setting in ("remembering", "held_out"):
        s = result[setting]
        print(f"{setting:12} PROGRAM P {s['p']:.3f} R {s['r']:.3f} F {s['f']:.3f} "
              f"(right {s['tp']}, found {s['predicted']}, gold {s['gold']})")
    print("held-out errors:", result["held_out_errors"])
    if args.show:
        for name, doc, context, span in shown:
            print(f"{name:6} {doc:22} {span:16} | {context}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
