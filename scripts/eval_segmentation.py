"""Measure word segmentation: F1 on the hand-corrected gold sample, and alignment of the gold
annotation's span boundaries with token boundaries, for the lawrep tokenizer, raw jieba and
spaCy's character segmenter.

Both measurements use test-split documents only, which the segmenter never trains on.

    python scripts/eval_segmentation.py [--json corpus/segmentation/scores.json]
    python scripts/eval_segmentation.py --error-kinds      # what kinds of words each one misses
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402

GOLD = ROOT / "corpus" / "segmentation" / "gold.txt"
DEV_GOLD = ROOT / "corpus" / "segmentation" / "gold_dev.txt"
Segmenter = Callable[[str], list[tuple[int, int]]]


def offsets(words: list[str]) -> list[tuple[int, int]]:
    out, position = [], 0
    for word in words:
        out.append((position, position + len(word)))
        position += len(word)
    return out


def segmenters(model_dir: Path | None = None) -> dict[str, Segmenter]:
    import jieba

    jieba.setLogLevel(60)
    lawrep = spacy.load("lawrep_zh").tokenizer
    if model_dir is not None:
        lawrep.initialize(pkuseg_model=model_dir)
    char = spacy.blank("zh").tokenizer

    def from_doc(tokenizer) -> Segmenter:
        return lambda text: [(t.idx, t.idx + len(t.text)) for t in tokenizer(text) if not t.is_space]

    def jieba_cut(text: str) -> list[tuple[int, int]]:
        words = list(jieba.cut(text))
        return [span for span, word in zip(offsets(words), words, strict=True) if word.strip()]

    return {"lawrep": from_doc(lawrep), "jieba": jieba_cut, "spacy_char": from_doc(char)}


def segmentation_f1(segment: Segmenter, sample: list[tuple[str, list[str]]]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for text, words in sample:
        gold, pred = set(offsets(words)), set(segment(text))
        tp += len(gold & pred)
        n_pred += len(pred)
        n_gold += len(gold)
    p, r = tp / n_pred, tp / n_gold
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4), "words": n_gold}


def error_kinds(segment: Segmenter, sample: list[tuple[str, list[str]]], forced: set[str],
                training_words: set[str]) -> Counter:
    """Gold words a segmenter misses, by kind: ``coarse`` (inside a longer predicted word; ``forced``
    when that word is in the tokenizer's forced-word list) or ``fine`` (cut up), and ``unseen``
    when the gold word never occurs as a word in the segmenter's training text."""
    kinds: Counter = Counter()
    for text, words in sample:
        predicted = sorted(segment(text))
        found = set(predicted)
        for (start, end), word in zip(offsets(words), words, strict=True):
            if (start, end) in found:
                continue
            cover = next((p for p in predicted if p[0] <= start and p[1] >= end), None)
            kind = "fine" if cover is None else "coarse, forced" if text[cover[0]:cover[1]] in forced else "coarse"
            kinds[kind + (", unseen" if word not in training_words else "")] += 1
    return kinds


def alignment(segment: Segmenter, records: list[dict]) -> dict[str, float]:
    """Share of span start/end offsets that fall on token boundaries."""
    total = aligned = 0
    for record in records:
        boundaries = {b for span in segment(record["text"]) for b in span}
        for span in record["spans"]:
            for offset in (span["start"], span["end"]):
                total += 1
                aligned += offset in boundaries
    return {"aligned": round(aligned / total, 4) if total else 0.0, "boundaries": total}


def read_sample(path: Path) -> tuple[list[tuple[str, list[str]]], set[str]]:
    """(sentence, gold words) pairs of a gold file, and the documents they come from."""
    sample, docs = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        doc, words = line.split("\t")
        docs.add(doc)
        sample.append(("".join(words.split(" ")), words.split(" ")))
    return sample, docs


def print_error_kinds(model_dir: Path | None) -> None:
    import srsly

    from lawrep_nlp.tokenizer.tokenizer import DEFAULT_MODEL_DIR, DEFAULT_PLACES, DEFAULT_USER_DICT, read_user_dict

    sample = read_sample(GOLD)[0]
    forced = set(read_user_dict(DEFAULT_USER_DICT)) | set(read_user_dict(DEFAULT_PLACES))
    training_words = set(srsly.read_msgpack((model_dir or DEFAULT_MODEL_DIR) / "features.msgpack")["unigram"])
    print(f"gold words missed on the test sample ({sum(len(words) for _, words in sample)} words); "
          "unseen = never a word in the segmenter's training text")
    for name, segment in segmenters(model_dir).items():
        if name != "spacy_char":
            kinds = error_kinds(segment, sample, forced, training_words)
            listed = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
            print(f"{name:8} {sum(kinds.values()):4}  {listed}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path, default=ROOT / "corpus" / "segmentation" / "scores.json")
    parser.add_argument("--model-dir", type=Path, help="a pkuseg model other than the packaged one")
    parser.add_argument("--select-on-dev", action="store_true",
                        help="model selection: only alignment on the dev split, no test figures")
    parser.add_argument("--error-kinds", action="store_true",
                        help="only the kinds of gold words each segmenter misses on the test sample")
    args = parser.parse_args()
    if args.error_kinds:
        print_error_kinds(args.model_dir)
        return
    if args.select_on_dev:
        dev = load_annotations(ROOT / "corpus", split="dev")
        dev_sample = read_sample(DEV_GOLD)[0] if DEV_GOLD.exists() else []
        for name, segment in segmenters(args.model_dir).items():
            f1 = segmentation_f1(segment, dev_sample)["f"] if dev_sample else float("nan")
            print(f"{name:12} dev F1 {f1:.4f}  dev alignment {alignment(segment, dev)['aligned']:.4f}")
        return
    sample, docs = read_sample(GOLD)
    test_records = load_annotations(ROOT / "corpus", split="test")
    results: dict[str, Any] = {"gold_sample": {"sentences": len(sample), "documents": len(docs)},
                               "test_paragraphs": len(test_records), "segmenters": {}}
    for name, segment in segmenters(args.model_dir).items():
        results["segmenters"][name] = {"f1": segmentation_f1(segment, sample),
                                       "alignment": alignment(segment, test_records)}
    args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"gold sample: {len(sample)} sentences from {len(docs)} test documents; "
          f"alignment on {len(test_records)} test paragraphs")
    print(f"{'segmenter':12} {'P':>7} {'R':>7} {'F1':>7} {'aligned':>8}")
    for name, scores in results["segmenters"].items():
        f1, al = scores["f1"], scores["alignment"]
        print(f"{name:12} {f1['p']:7.4f} {f1['r']:7.4f} {f1['f']:7.4f} {al['aligned']:8.4f}")


if __name__ == "__main__":
    main()
