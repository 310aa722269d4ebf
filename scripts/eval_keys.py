"""Open-vocabulary indicator keys on a split (issue 20): how many of the pipeline's links share
a key with a link of another report, how that compares with canonical ids, and a seeded sample
of the shared-key groups to judge by reading.

A link "lines up" when another report of the split has a link with the same key (or the same
canonical id). The sample (evaluation/key_groups.json, "sample") lists each group's members
with their sentences; a reader judges each group in evaluation/key_groups_judged.tsv (key,
split, key, verdict same|mixed, note): "same" when every member counts the same thing. The script reports
the judged share of the sampled groups.

    python scripts/eval_keys.py                 # test split → evaluation/key_groups.json
    python scripts/eval_keys.py --split all --json evaluation/key_groups_all.json   # every split
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402

SEED = 20261205
SAMPLE_GROUPS = 20
JUDGED = ROOT / "evaluation" / "key_groups_judged.tsv"


def linked_measurements(nlp: spacy.Language, split: str) -> list[dict]:
    """The pipeline's linked measurements on every paragraph of the split, with their document."""
    records = load_annotations(ROOT / "corpus", split=None if split == "all" else split)
    found = []
    for doc, record in zip(nlp.pipe(r["text"] for r in records), records, strict=True):
        for measurement in doc._.measurements:
            if measurement["indicator"] is not None:
                found.append({"doc": record["meta"]["doc"], **measurement})
    return found


def shared(measurements: list[dict], field: str) -> tuple[int, dict[str, set[str]]]:
    """How many measurements have a `field` value that another document also has, and the
    documents of each value."""
    documents: dict[str, set[str]] = defaultdict(set)
    for m in measurements:
        if m[field]:
            documents[m[field]].add(m["doc"])
    return sum(1 for m in measurements if m[field] and len(documents[m[field]]) > 1), documents


def judged(split: str) -> dict[str, str]:
    """The reader's verdicts on the sampled groups of a split (a key groups other members on
    another split)."""
    if not JUDGED.exists():
        return {}
    with JUDGED.open(encoding="utf-8") as handle:
        return {row["key"]: row["verdict"] for row in csv.DictReader(handle, delimiter="\t") if row["split"] == split}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--split", default="test", help="train, dev, test or all")
    parser.add_argument("--model", default="lawrep_zh")
    parser.add_argument("--json", type=Path, default=ROOT / "evaluation" / "key_groups.json")
    args = parser.parse_args()
    measurements = linked_measurements(spacy.load(args.model), args.split)
    by_key, key_docs = shared(measurements, "indicator_key")
    by_canonical, canonical_docs = shared(measurements, "canonical")
    either = sum(1 for m in measurements if len(key_docs.get(m["indicator_key"], ())) > 1
                 or len(canonical_docs.get(m["canonical"], ())) > 1)
    groups = sorted(key for key, docs in key_docs.items() if len(docs) > 1)
    sample = sorted(random.Random(SEED).sample(groups, min(SAMPLE_GROUPS, len(groups))))
    verdicts = judged(args.split)
    sampled_verdicts = [verdicts[key] for key in sample if key in verdicts]
    links = len(measurements)
    summary = {
        "split": args.split, "links": links, "documents": len({m["doc"] for m in measurements}),
        "share_key_with_another_report": round(by_key / links, 4) if links else 0.0,
        "share_canonical_with_another_report": round(by_canonical / links, 4) if links else 0.0,
        "share_lined_up_by_key_or_canonical": round(either / links, 4) if links else 0.0,
        "shared_key_groups": len(groups),
        "sample_seed": SEED,
        "judged_same": sampled_verdicts.count("same"), "judged": len(sampled_verdicts),
    }
    summary["sample"] = [{"key": key, "members": [
        {"doc": m["doc"], "indicator": m["indicator"], "quantity": m["quantity_text"], "canonical": m["canonical"],
         "sentence": m["sentence"]} for m in measurements if m["indicator_key"] == key]} for key in sample]
    args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "sample"}, ensure_ascii=False))
    if len(sampled_verdicts) < len(sample):
        print(f"{len(sample) - len(sampled_verdicts)} sampled groups are not judged yet ({JUDGED.name})")


if __name__ == "__main__":
    main()
