"""Train the project's pkuseg segmentation model on its own report text.

spacy-pkuseg ships no model, and its downloadable ones are out of reach, so the model that the
``lawrep.ChineseTokenizer.v1`` tokenizer uses is trained here:

1. Silver segmentation of every paragraph of the train and dev documents: jieba (a
   training-time extra) with the domain user dictionary, inside the tokenizer's own rule layer
   (numbers, Latin runs, URLs and punctuation are cut by rule, exactly as at run time).
2. Correction towards the annotation standard: wherever a gold span of corpus/annotations
   (entity, quantity or indicator) starts or ends inside a silver word, the word is split
   there, so the model learns the boundaries the annotation needs.
3. pkuseg training with a fixed seed; the model and a BUILD.json describing what it was built
   from go to lawrep_nlp/tokenizer/data/pkuseg_model/.

Test documents are never used, so the segmentation gold sample and the alignment figures
(scripts/eval_segmentation.py) measure text the segmenter has not seen.

    python scripts/train_segmenter.py [--iterations 30]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.corpus.documents import raw_documents  # noqa: E402
from lawrep_nlp.corpus.splits import load_splits  # noqa: E402
from lawrep_nlp.tokenizer.rules import per_run, segment  # noqa: E402
from lawrep_nlp.tokenizer.tokenizer import (  # noqa: E402
    DEFAULT_MODEL_DIR,
    DEFAULT_PLACES,
    DEFAULT_UNITS,
    DEFAULT_USER_DICT,
    read_user_dict,
)

CORPUS = ROOT / "corpus"
SEED = 20261122
ITERATIONS = 30
UNITS = frozenset(read_user_dict(DEFAULT_UNITS))


def jieba_cutter():
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    for word in read_user_dict(DEFAULT_USER_DICT) + read_user_dict(DEFAULT_PLACES):
        tokenizer.add_word(word, freq=200000)
    return per_run(lambda text: list(tokenizer.cut(text, HMM=True)))


def jieba_lexicon(min_freq: int) -> list[str]:
    """Chinese words of jieba's dictionary with at least `min_freq`, two to six characters."""
    import os
    import re

    import jieba

    words = []
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as handle:
        for line in handle:
            word, freq, *_ = line.split()
            if int(freq) >= min_freq and 2 <= len(word) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", word):
                words.append(word)
    return words


def split_at(tokens: list[tuple[int, int]], cuts: set[int]) -> list[tuple[int, int]]:
    """Split every token that has a required boundary strictly inside it."""
    out = []
    for start, end in tokens:
        inner = sorted(c for c in cuts if start < c < end)
        for cut in inner:
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def silver_lines(doc_ids: list[str], cut, gold_bounds: dict[tuple[str, str], set[int]]) -> list[str]:
    docs = {d.doc_id: d for d in raw_documents(CORPUS)}
    lines = []
    for doc_id in doc_ids:
        for paragraph in docs[doc_id].paragraphs():
            tokens = split_at(segment(paragraph, cut, UNITS), gold_bounds.get((doc_id, paragraph), set()))
            lines.append(" ".join(paragraph[s:e] for s, e in tokens))
    return lines


def gold_boundaries(test_docs: set[str] | list[str]) -> tuple[dict[tuple[str, str], set[int]], set[str]]:
    """The gold span edges of every paragraph outside the test documents, keyed by (document,
    paragraph text), and the documents they come from."""
    gold_bounds: dict[tuple[str, str], set[int]] = {}
    n_gold_docs = set()
    for record in load_annotations(CORPUS):
        if record["meta"]["doc"] in test_docs:
            continue
        n_gold_docs.add(record["meta"]["doc"])
        bounds = gold_bounds.setdefault((record["meta"]["doc"], record["text"]), set())
        for span in record["spans"]:
            bounds.update((span["start"], span["end"]))
    return gold_bounds, n_gold_docs


def train_pkuseg(train_lines: list[str], dev_lines: list[str], out: Path, iterations: int) -> bytes:
    """Train pkuseg with the fixed seed on `train_lines` (`dev_lines` are only scored in pkuseg's
    log: the model does not depend on them), write its features.msgpack and weights.npz to `out`
    (replaced if it exists) and return the training text."""
    import spacy_pkuseg

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "train.txt").write_text("\n".join(train_lines) + "\n", encoding="utf-8")
        (tmp_path / "dev.txt").write_text("\n".join(dev_lines) + "\n", encoding="utf-8")
        random.seed(SEED)
        model_dir = tmp_path / "model"
        spacy_pkuseg.train(str(tmp_path / "train.txt"), str(tmp_path / "dev.txt"), str(model_dir),
                           train_iter=iterations)
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for name in ("features.msgpack", "weights.npz"):
            shutil.copy(model_dir / name, out / name)
        return (tmp_path / "train.txt").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=ITERATIONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--splits", default="train,dev", help="documents to train on (never test)")
    parser.add_argument("--lexicon-min-freq", type=int, default=0,
                        help="add jieba dictionary words of at least this frequency as one-word lines "
                             "(0: none), so the model's dictionary features know them")
    args = parser.parse_args()
    train_splits = args.splits.split(",")
    if "test" in train_splits:
        parser.error("the segmenter never trains on the test split")

    splits = load_splits(CORPUS)
    gold_bounds, n_gold_docs = gold_boundaries(splits["test"])
    cut = jieba_cutter()
    train_docs = [doc for name in train_splits for doc in splits[name]]
    train_lines = silver_lines(train_docs, cut, gold_bounds)
    dev_lines = silver_lines(splits["dev"], cut, gold_bounds)
    lexicon = jieba_lexicon(args.lexicon_min_freq) if args.lexicon_min_freq else []
    training_text = train_pkuseg(train_lines + lexicon, dev_lines, args.out, args.iterations)
    build = {
        "built_by": "scripts/train_segmenter.py",
        "seed": SEED,
        "iterations": args.iterations,
        "documents": train_docs,
        "lexicon_lines": len(lexicon),
        "lexicon_min_freq": args.lexicon_min_freq,
        "documents_with_gold_boundaries": sorted(n_gold_docs),
        "paragraphs": len(train_lines),
        "characters": sum(len(line.replace(" ", "")) for line in train_lines),
        "training_text_sha256": hashlib.sha256(training_text).hexdigest(),
        "user_dict_sha256": hashlib.sha256(DEFAULT_USER_DICT.read_bytes()).hexdigest(),
        "places_sha256": hashlib.sha256(DEFAULT_PLACES.read_bytes()).hexdigest(),
        "bootstrap": f"jieba {version('jieba')} with the domain user dictionary",
        "trainer": f"spacy-pkuseg {version('spacy-pkuseg')}",
    }
    (args.out / "BUILD.json").write_text(json.dumps(build, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in build.items() if k != "documents"}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
