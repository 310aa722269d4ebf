"""Review aids for the gold corpus: every distinct span text per label (with counts and the
documents it occurs in), and every number in the text that no QUANTITY, DATE or other entity
covers. Inconsistent boundaries and missed quantities stand out in these lists.

    python scripts/review_corpus.py [--out DIR]      (default: print a summary, write to /tmp)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.annotations import build_records  # noqa: E402

#: Arabic numbers, and Chinese numerals that stand before a classifier (not 一是, 二十大, 第三…).
NUMBER_RE = re.compile(
    r"(?<![第0-9０-９])(?:[0-9０-９]+(?:[.．][0-9]+)?|[一二两三四五六七八九十百千万亿]+(?=[个项件次名人家场期批类条篇余多万亿%]))"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("/tmp/corpus_review"))
    args = parser.parse_args()
    records, _ = build_records(ROOT / "corpus")
    inventory: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    uncovered = []
    for record in records:
        text, doc = record["text"], record["meta"]["doc"]
        covered = [False] * len(text)
        for span in record["spans"]:
            inventory[span["label"]][text[span["start"]:span["end"]]].add(doc)
            if span["label"] != "INDICATOR":
                for i in range(span["start"], span["end"]):
                    covered[i] = True
        for match in NUMBER_RE.finditer(text):
            if not any(covered[match.start():match.end()]):
                uncovered.append(f"{doc}\t{record['meta']['para']}\t{match.group()}\t"
                                 f"{text[max(0, match.start() - 12):match.end() + 12]}")
    args.out.mkdir(parents=True, exist_ok=True)
    for label, texts in inventory.items():
        lines = [f"{len(docs)}\t{surface}\t{' '.join(sorted(docs))}" for surface, docs in
                 sorted(texts.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        (args.out / f"{label}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{label:10} {len(texts):5d} distinct texts")
    (args.out / "uncovered_numbers.tsv").write_text("\n".join(uncovered) + "\n", encoding="utf-8")
    print(f"{len(uncovered)} numbers not covered by an entity → {args.out}/uncovered_numbers.tsv")


if __name__ == "__main__":
    main()
