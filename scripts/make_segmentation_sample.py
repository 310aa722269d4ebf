"""Draw the segmentation gold sample's sentences from test documents and pre-cut them with jieba.

The draft (corpus/segmentation/draft.txt) is then corrected by hand to GUIDELINES.md into
gold.txt. Sentences are drawn deterministically (every k-th sentence of at least 8 characters
without white space), so the sample can be redrawn and checked.

    python scripts/make_segmentation_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.documents import raw_documents  # noqa: E402
from lawrep_nlp.corpus.splits import load_splits  # noqa: E402
from lawrep_nlp.sentences import sentence_spans  # noqa: E402

#: sample → document → number of sentences drawn from it. The test sample measures; the dev
#: sample is for choosing between segmenter variants without looking at test.
QUOTAS = {
    "test": {"001_3443002734612606": 55, "003_5c6981bfeb8da5e7": 55, "text_011": 10, "text_041": 10,
             "text_075": 10, "text_201": 10, "text_233": 10},
    "dev": {"text_015": 12, "text_023": 12, "text_027": 12, "text_035": 12, "text_053": 12, "text_059": 12,
            "text_067": 12, "text_069": 12, "text_091": 12, "text_099": 12, "text_205": 12, "text_229": 12,
            "text_231": 12, "text_237": 12, "text_245": 12},
}


def candidate_sentences(paragraphs: list[str]) -> list[str]:
    out = []
    for paragraph in paragraphs:
        for start, end in sentence_spans(paragraph):
            sentence = paragraph[start:end].strip()
            if len(sentence) >= 8 and not any(ch.isspace() for ch in sentence):
                out.append(sentence)
    return out


def main() -> None:
    import argparse

    import jieba

    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=sorted(QUOTAS), default="test")
    split = parser.parse_args().split
    jieba.setLogLevel(60)
    members = set(load_splits(ROOT / "corpus")[split])
    assert set(QUOTAS[split]) <= members, f"the sample must come from {split} documents"
    docs = {d.doc_id: d for d in raw_documents(ROOT / "corpus")}
    lines = []
    for doc_id, quota in QUOTAS[split].items():
        sentences = candidate_sentences(docs[doc_id].paragraphs())
        step = max(1, len(sentences) // quota)
        for sentence in sentences[::step][:quota]:
            lines.append(f"{doc_id}\t" + " ".join(w for w in jieba.cut(sentence) if w.strip()))
    out = ROOT / "corpus" / "segmentation" / ("draft.txt" if split == "test" else f"draft_{split}.txt")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} sentences from {len(QUOTAS[split])} documents → {out}")


if __name__ == "__main__":
    main()
