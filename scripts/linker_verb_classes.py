"""Experiment (not shipped): would a general verb list teach the boundary model to cut verbs it
has never seen off the start of an indicator?

On reports it has not read, the linker's most frequent exact-link error is a verb kept at the
start of the phrase (排查【问题】 → 【排查问题】), most often a verb that is in none of its word
lists. This script gives the boundary model one more word class, the part of speech that jieba's
dictionary (a training-time extra) records for the word (v or vn, 2–4 characters, optionally
above a frequency), and scores it as `train_linker.py --select` does: five-fold CV by document
over train + dev, with and without the folds' unseen lexicon entries. Nothing is written.

    python scripts/linker_verb_classes.py

Result (docs/error_analysis.md): every variant lowers cross-validated exact link F.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import spacy  # noqa: E402
from train_linker import cross_validate, fold_out_estimate, parsed  # noqa: E402

import lawrep_nlp.pipes.indicators.scorer as boundaries  # noqa: E402
from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.pipes.indicators.candidates import LEXICON_FILE, Lexicon  # noqa: E402

EPOCHS = 3  # the shipped model's choice
VARIANTS = [((), 0), (("v",), 0), (("v", "vn"), 0), (("v",), 100), (("v", "vn"), 100), (("v", "vn", "n"), 100)]


def jieba_tags() -> dict[str, tuple[int, str]]:
    import jieba

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    tags = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, tag = line.split()
        tags[word] = (int(freq), tag)
    return tags


def with_tag_class(table: dict[str, str]):
    original = boundaries._word_classes

    def word_classes(text: str, lexicon: Lexicon) -> list[str]:
        classes = original(text, lexicon)
        if text in table:
            classes.append(f"jieba_{table[text]}")
        return classes

    return word_classes


def main() -> None:
    # no options: --help says what the script does and writes, and runs nothing
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    nlp = spacy.load("lawrep_zh", exclude=["lawrep_indicators", "lawrep_canonical"])
    items = parsed(nlp, [r for s in ("train", "dev") for r in load_annotations(ROOT / "corpus", s)])
    lexicon, tags, original = Lexicon.from_file(LEXICON_FILE), jieba_tags(), boundaries._word_classes
    print(f"{'tags':16} {'min freq':>8} {'words':>6} {'CV F':>6} {'fold-out F':>10}")
    for wanted, min_freq in VARIANTS:
        table = {w: t for w, (f, t) in tags.items() if t in wanted and f >= min_freq and 2 <= len(w) <= 4}
        boundaries._word_classes = with_tag_class(table)
        row = [cross_validate(items, lexicon, (EPOCHS,))[f"model, {EPOCHS} epochs"]["f"],
               fold_out_estimate(items, lexicon, EPOCHS)[f"model, {EPOCHS} epochs"]["f"]]
        boundaries._word_classes = original
        print(f"{'+'.join(wanted) or '(none)':16} {min_freq:8} {len(table):6} {row[0]:6.3f} {row[1]:10.3f}")


if __name__ == "__main__":
    main()
