"""Assign corpus documents that are in no split yet, by the seeded rule of lawrep_nlp.corpus.splits.

    python scripts/assign_splits.py [--seed 20261205]

Existing documents keep their split. The new ones are stratified by kind (government report /
justice bureau / other department), ~25% test, ~15% dev, the rest train; the extension (seed,
shares, documents) is recorded in corpus/splits.json so that `lawrep validate corpus` can check it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.documents import raw_documents  # noqa: E402
from lawrep_nlp.corpus.splits import SPLITS, assign_documents, document_kind, read_text_index  # noqa: E402

CORPUS = ROOT / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--test-share", type=float, default=0.25)
    parser.add_argument("--dev-share", type=float, default=0.15)
    args = parser.parse_args()
    path = CORPUS / "splits.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assigned = {doc for name in SPLITS for doc in data[name]}
    index = read_text_index(CORPUS)
    new = [doc.doc_id for doc in raw_documents(CORPUS) if doc.doc_id not in assigned]
    if not new:
        print("every document is in a split already")
        return
    missing = [doc for doc in new if doc not in index]
    if missing:
        sys.exit(f"not in raw/texts/INDEX.tsv (a new seed is assigned by hand): {missing}")
    kinds = {doc: document_kind(index[doc]["region"], index[doc]["level"]) for doc in new}
    split = assign_documents(kinds, args.seed, args.test_share, args.dev_share)
    for name in SPLITS:
        data[name] = data[name] + split[name]
    data.setdefault("extensions", []).append({
        "seed": args.seed, "test_share": args.test_share, "dev_share": args.dev_share,
        "rule": "lawrep_nlp.corpus.splits.assign_documents: stratified by kind (document_kind of INDEX.tsv "
                "region/level), each kind's sorted ids shuffled with random.Random(f'{seed}:{kind}'), "
                "round(test_share*n) test, round(dev_share*n) dev, rest train",
        "documents": sorted(new)})
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name in SPLITS:
        counts = Counter(kinds[doc] for doc in split[name])
        print(f"{name}: {len(split[name])} new ({dict(counts)}), {len(data[name])} in all")


if __name__ == "__main__":
    main()
