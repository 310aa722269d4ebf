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

#: test document → number of sentences drawn from it
QUOTA = {"001_3443002734612606": 55, "003_5c6981bfeb8da5e7": 55, "text_011": 10, "text_041": 10,
         "text_075": 10, "text_201": 10, "text_233": 10}


def candidate_sentences(paragraphs: list[str]) -> list[str]:
    out = []
    for paragraph in paragraphs:
        for start, end in sentence_spans(paragraph):
            sentence = paragraph[start:end].strip()
            if len(sentence) >= 8 and not any(ch.isspace() for ch in sentence):
                out.append(sentence)
    return out


def main() -> None:
    import jieba

    jieba.setLogLevel(60)
    test = set(load_splits(ROOT / "corpus")["test"])
    assert set(QUOTA) <= test, "the sample must come from test documents"
    docs = {d.doc_id: d for d in raw_documents(ROOT / "corpus")}
    lines = []
    for doc_id, quota in QUOTA.items():
        sentences = candidate_sentences(docs[doc_id].paragraphs())
        step = max(1, len(sentences) // quota)
        for sentence in sentences[::step][:quota]:
            lines.append(f"{doc_id}\t" + " ".join(w for w in jieba.cut(sentence) if w.strip()))
    out = ROOT / "corpus" / "segmentation" / "draft.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} sentences from {len(QUOTA)} documents → {out}")


if __name__ == "__main__":
    main()
