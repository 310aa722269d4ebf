"""Canonical ids annotated twice: how far two annotators agree, and the adjudicated gold.

    python scripts/canonical_agreement.py sheet --split dev --out SHEET.tsv        # a blank sheet
    python scripts/canonical_agreement.py adjudication --split dev --out ADJ.tsv    # the disagreements
    python scripts/canonical_agreement.py merge      # → corpus/canonical/<split>.tsv
    python scripts/canonical_agreement.py score      # → evaluation/canonical_agreement.json

Every link of a split is annotated twice, blind: from corpus/canonical/GUIDELINES.md and the
taxonomy only, never the other annotator's ids, the pipeline or any score. The files, in
corpus/agreement/canonical/: <split>_first.tsv (the first annotation, once the whole gold),
<split>_second.tsv (a filled blank sheet: the links of a split with their unit, dimension and
sentence), <split>_adjudicated.tsv (a filled adjudication sheet: each link the two annotators
gave different ids, the two ids as option_a/option_b in seeded random order, so the adjudicator
does not know which was first). `merge` writes the gold: the shared id where the two agree, else the
adjudicated one. `score` reads the second annotation as answers against the first with the figures
the mapper is held to (lawrep_nlp.evaluation.score_canonical_answers); Cohen's kappa is over the id
or "none".
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.evaluation import (  # noqa: E402
    CanonicalAnswer,
    CanonicalCase,
    canonical_row_key,
    canonical_rows,
    score_canonical_answers,
)

GOLD = ROOT / "corpus" / "canonical"
AGREEMENT = ROOT / "corpus" / "agreement" / "canonical"
OUT = ROOT / "evaluation" / "canonical_agreement.json"
SPLITS = ("train", "dev", "test")
GOLD_COLUMNS = ("doc", "para", "q_start", "q_end", "indicator", "quantity", "canonical")
SHEET_COLUMNS = (*GOLD_COLUMNS, "unit", "dimension", "sentence")
ADJUDICATION_COLUMNS = (*GOLD_COLUMNS[:6], "option_a", "option_b", "canonical", *SHEET_COLUMNS[7:])
SEED = 20261207

Key = tuple[str, int, int, int]


def annotation(split: str, which: str) -> dict[Key, str | None]:
    """One annotation of a split (which: first, second or adjudicated), link key → id or None."""
    return {key: label for _, key, label in canonical_rows(AGREEMENT / f"{split}_{which}.tsv")}


def second_of(split: str, links: set[Key]) -> dict[Key, str | None]:
    """The second annotation of a split, which must cover exactly the links of the first."""
    second = annotation(split, "second")
    if set(second) != links:
        raise SystemExit(f"{split}: the second annotation covers other links than the first "
                         f"({len(set(second) ^ links)} differ)")
    return second


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def write_rows(path: Path, columns: tuple[str, ...], rows: list[dict | tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] if isinstance(row, dict) else row for row in rows)


def write_sheet(nlp: Language, split: str, out: Path) -> int:
    """The split's gold links as a blank sheet, in the order of its gold file; the sentence is the
    pipeline's, as the mapper reads it."""
    units = nlp.get_pipe("lawrep_quantities").rules.units
    records = {(r["meta"]["doc"], r["meta"]["para"]): r for r in load_annotations(ROOT / "corpus")
               if r["meta"]["split"] == split}
    keys = [key for _, key, _ in canonical_rows(GOLD / f"{split}.tsv")]
    paragraphs = sorted({key[:2] for key in keys})
    docs = dict(zip(paragraphs, nlp.pipe(records[p]["text"] for p in paragraphs), strict=True))
    rows = []
    for doc_id, para, q_start, q_end in keys:
        record, doc = records[doc_id, para], docs[doc_id, para]
        i_start, i_end = next(r["indicator"] for r in record["relations"] if tuple(r["quantity"]) == (q_start, q_end))
        unit = next(s for s in record["spans"] if (s["start"], s["end"]) == (q_start, q_end)).get("unit") or ""
        sentence = doc.char_span(q_start, q_end, alignment_mode="expand").sent.text
        rows.append((doc_id, para, q_start, q_end, record["text"][i_start:i_end], record["text"][q_start:q_end], "",
                     unit, units.get(unit, "") if unit else "", sentence.replace("\t", " ")))
    write_rows(out, SHEET_COLUMNS, rows)
    return len(rows)


def write_adjudication(split: str, out: Path, seed: int = SEED) -> int:
    """The links the two annotations give different ids, both ids in an order drawn per link
    (random.Random(f'{seed}:{split}')), and an empty `canonical` for the adjudicator."""
    first, rng, rows = annotation(split, "first"), random.Random(f"{seed}:{split}"), []
    second_of(split, set(first))  # the same links as the first, or a clear refusal
    for row in read_rows(AGREEMENT / f"{split}_second.tsv"):
        options = [first[canonical_row_key(row)] or "", row["canonical"]]
        if options[0] == options[1]:
            continue
        rng.shuffle(options)
        rows.append({**row, "option_a": options[0], "option_b": options[1], "canonical": ""})
    write_rows(out, ADJUDICATION_COLUMNS, rows)
    return len(rows)


def merged(split: str) -> list[dict[str, str]]:
    """The split's gold rows: the first annotation's, with the id both annotators gave, or else
    the adjudicator's."""
    rows = read_rows(AGREEMENT / f"{split}_first.tsv")
    second = second_of(split, {canonical_row_key(row) for row in rows})
    adjudicated = annotation(split, "adjudicated") if (AGREEMENT / f"{split}_adjudicated.tsv").exists() else {}
    out = []
    for row in rows:
        key, first = canonical_row_key(row), row["canonical"] or None
        if first != second[key] and key not in adjudicated:
            raise SystemExit(f"{split}: {key} has two ids ({first}, {second[key]}) and no adjudication")
        out.append({**row, "canonical": (first if first == second[key] else adjudicated[key]) or ""})
    return out


def kappa(pairs: list[tuple[str | None, str | None]]) -> float:
    """Cohen's kappa of two annotators' labels (an id or None)."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement(split: str) -> dict:
    """The second annotation of a split against its first, and where the adjudication sided."""
    first = annotation(split, "first")
    second = second_of(split, set(first))
    answers = [CanonicalAnswer(CanonicalCase(doc=key[0], gold=first[key], indicator="", dimension=None, before="",
                                             sentence="", pipeline=None), second[key]) for key in first]
    scores = score_canonical_answers(answers)
    pairs = [(first[key], second[key]) for key in first]
    both = [(a, b) for a, b in pairs if a is not None and b is not None]
    result = {"links": len(pairs), "first_coverage": scores["gold_coverage"],
              "second_coverage": scores["mapping"]["coverage"],
              "second_as_answers": {k: scores["mapping"][k] for k in ("precision", "recall", "given", "correct")},
              "both_give_an_id": len(both),
              "same_id_when_both_give_one": sum(a == b for a, b in both) / len(both) if both else 0.0,
              "raw_agreement": sum(a == b for a, b in pairs) / len(pairs), "kappa": kappa(pairs)}
    if (AGREEMENT / f"{split}_adjudicated.tsv").exists():
        adjudicated = annotation(split, "adjudicated")
        result["adjudicated"] = {
            "links": len(adjudicated),
            "first": sum(adjudicated[k] == first[k] for k in adjudicated),
            "second": sum(adjudicated[k] == second[k] for k in adjudicated),
            "neither": sum(adjudicated[k] not in (first[k], second[k]) for k in adjudicated),
            "gold_coverage": sum(row["canonical"] != "" for row in merged(split)) / len(pairs)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, what in (("sheet", "a blank sheet of a split's links"), ("adjudication", "its disagreements")):
        command = sub.add_parser(name, help=f"write {what}")
        command.add_argument("--split", required=True, choices=SPLITS)
        command.add_argument("--out", type=Path, required=True)
    sub.add_parser("merge", help="write corpus/canonical/<split>.tsv from the two annotations and the adjudication")
    sub.add_parser("score", help="score every second annotation against the first")
    args = parser.parse_args()
    if args.command == "sheet":
        print(f"{write_sheet(spacy.load('lawrep_zh'), args.split, args.out)} links → {args.out}")
    elif args.command == "adjudication":
        print(f"{write_adjudication(args.split, args.out)} links the annotators disagree on → {args.out}")
    elif args.command == "merge":
        for split in SPLITS:
            rows = merged(split)
            write_rows(GOLD / f"{split}.tsv", GOLD_COLUMNS, rows)
            print(f"{split}: {len(rows)} links, {sum(r['canonical'] != '' for r in rows)} with an id")
    else:
        result = {split: agreement(split) for split in SPLITS if (AGREEMENT / f"{split}_second.tsv").exists()}
        OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
