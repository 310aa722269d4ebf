"""Rebuild the corpus's derived files from its sources, reproducibly:

1. corpus/annotations/<doc>.jsonl from the inline markup in corpus/markup/ (a paragraph already
   seen in an earlier document is left out of later ones, and listed);
2. corpus/spacy/{train,dev,test}.spacy (DocBin) for `spacy train`, tokenized with the
   lawrep.ChineseTokenizer.v1 tokenizer and its packaged model (not the built pipeline, so this
   step needs nothing that is built from it); spans whose edges fall inside a token are
   counted and the token split; each linked QUANTITY carries its gold canonical id from
   corpus/canonical/<split>.tsv (``_.canonical``, for lawrep_canonical's initialize);
3. corpus/stats.json with the figures corpus/README.md reports.

    python scripts/build_corpus.py
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spacy.tokens import DocBin  # noqa: E402

import lawrep_nlp  # noqa: E402, F401  (registers the tokenizer)
from lawrep_nlp.corpus.annotations import build_records, write_annotations  # noqa: E402
from lawrep_nlp.corpus.docbin import ConversionStats, conversion_nlp, record_to_doc  # noqa: E402
from lawrep_nlp.corpus.splits import SPLITS, load_splits  # noqa: E402
from lawrep_nlp.evaluation import read_canonical_labels  # noqa: E402

CORPUS = ROOT / "corpus"


def main() -> None:
    # no options: --help says what the script does and writes, and runs nothing
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    records, log = build_records(CORPUS)
    for old in (CORPUS / "annotations").glob("*.jsonl"):
        old.unlink()
    write_annotations(CORPUS, records)
    for line in log:
        print("left out:", line)
    nlp = conversion_nlp()
    out_dir = CORPUS / "spacy"
    out_dir.mkdir(exist_ok=True)
    splits = load_splits(CORPUS)
    canonical = read_canonical_labels(CORPUS / "canonical")
    stats: dict = {"documents": {}, "paragraphs": {}, "characters": {}, "spans": {}, "links": {}, "conversion": {}}
    for name in SPLITS:
        split_records = [r for r in records if r["meta"]["split"] == name]
        conversion = ConversionStats()
        docs = [record_to_doc(nlp, r, conversion, canonical) for r in split_records]
        DocBin(docs=docs, store_user_data=True).to_disk(out_dir / f"{name}.spacy")
        labels = Counter(s["label"] for r in split_records for s in r["spans"])
        stats["documents"][name] = len(splits[name])
        stats["paragraphs"][name] = len(split_records)
        stats["characters"][name] = sum(len(r["text"]) for r in split_records)
        stats["spans"][name] = dict(sorted(labels.items()))
        stats["links"][name] = sum(len(r["relations"]) for r in split_records)
        stats["conversion"][name] = conversion.__dict__
        print(f"{name}: {len(split_records)} paragraphs, {conversion.spans} spans, "
              f"{conversion.misaligned_spans} spans with an edge inside a token ({conversion.tokens_split} splits)")
    stats["left_out_duplicates"] = len(log)
    (CORPUS / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
