"""Throughput benchmark: chars/s of the lawrep tokenizer, raw jieba, spaCy's char segmenter and
raw spacy-pkuseg (the packaged model without the rule layer), in one run on the same text;
medians of several repeats; `spacy.load` time; peak RSS.

The text is every raw report paragraph of the corpus, repeated until it reaches --chars.

    python scripts/bench.py [--chars 200000] [--repeats 3] [--json bench.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.documents import raw_documents  # noqa: E402


def bench_text(min_chars: int) -> list[str]:
    paragraphs = [p for doc in raw_documents(ROOT / "corpus") for p in doc.paragraphs()]
    out, total = [], 0
    while total < min_chars:
        for paragraph in paragraphs:
            out.append(paragraph)
            total += len(paragraph)
    return out


def median_rate(run: Callable[[list[str]], object], texts: list[str], repeats: int) -> float:
    chars = sum(map(len, texts))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(texts)
        times.append(time.perf_counter() - start)
    return chars / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    import jieba
    import spacy
    import spacy_pkuseg

    from lawrep_nlp.tokenizer.tokenizer import DEFAULT_MODEL_DIR

    jieba.setLogLevel(60)
    texts = bench_text(args.chars)
    start = time.perf_counter()
    nlp = spacy.load("lawrep_zh")
    load_seconds = time.perf_counter() - start
    char_tokenizer = spacy.blank("zh").tokenizer
    raw_pkuseg = spacy_pkuseg.pkuseg(str(DEFAULT_MODEL_DIR), user_dict=None)
    jieba.lcut("预热")
    runs = {
        "raw jieba (jieba.lcut)": lambda ts: [jieba.lcut(t) for t in ts],
        "raw spacy-pkuseg (packaged model, no rules)": lambda ts: [raw_pkuseg.cut(t) for t in ts],
        "spaCy char segmenter": lambda ts: [char_tokenizer(t) for t in ts],
        "lawrep tokenizer": lambda ts: [nlp.tokenizer(t) for t in ts],
        "lawrep_zh pipeline (nlp.pipe)": lambda ts: list(nlp.pipe(ts, batch_size=64)),
    }
    rates = {name: median_rate(run, texts, args.repeats) for name, run in runs.items()}
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()} {platform.release()}, "
                   f"Python {platform.python_version()}",
        "chars": sum(map(len, texts)), "repeats": args.repeats, "chars_per_second": rates,
        "spacy_load_seconds": load_seconds, "peak_rss_mb": peak_rss_mb,
    }
    print(f"{result['chars']} chars, median of {args.repeats} repeats ({result['machine']})")
    baseline = rates["raw jieba (jieba.lcut)"]
    for name, rate in rates.items():
        print(f"{name:46} {rate:12,.0f} chars/s  {rate / baseline:5.2f}× jieba")
    print(f"spacy.load('lawrep_zh'): {load_seconds:.2f} s; peak RSS {peak_rss_mb:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
