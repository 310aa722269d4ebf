"""Cost against document length: time per component (and for the record `lawrep extract` writes)
on one document of 10K, 100K, 400K and 1M characters, with raw spacy-pkuseg on the same text as
the baseline measured in the same run.

Every component should cost the same per character at every size; a per-character time that
grows with the size is a super-linear step. The documents are the corpus's raw reports joined
by line breaks (as `lawrep extract` pipes one report) and repeated to the size. Checks the floors
of issue 18: 400K ≤ 5 × the 100K time, 1M ≤ 25 s.

    python scripts/bench_length.py [--sizes 10000 100000 400000 1000000] [--json evaluation/bench_length.json]
    python scripts/bench_length.py --unpunctuated --sizes 1000000   # one 1M-character run, no punctuation
    python scripts/bench_length.py --dense-numbers --sizes 12000 120000   # a number every 6 characters, no punctuation
    python scripts/bench_length.py --sizes 20000 200000 --check-linear 2   # CI's guard
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.documents import raw_documents  # noqa: E402

#: The stress text of --dense-numbers (not report text): a quantity every six characters and no
#: punctuation, so sentences are as long as the sentence splitter allows and full of numbers.
DENSE_NUMBERS = "受理案件5件"


def document_of(size: int, unpunctuated: bool = False, dense_numbers: bool = False) -> str:
    if dense_numbers:
        return (DENSE_NUMBERS * (size // len(DENSE_NUMBERS) + 1))[:size]
    reports = ["\n".join(doc.paragraphs()) for doc in raw_documents(ROOT / "corpus")]
    if unpunctuated:  # the reports' Han characters only: one segmenter run as long as the document
        reports = ["".join(char for char in report if "\u4e00" <= char <= "\u9fff") for report in reports]
    text = ""
    while len(text) < size:
        for report in reports:
            text += report + ("" if unpunctuated else "\n")
            if len(text) >= size:
                break
    return text[:size]


def time_components(nlp, text: str) -> dict[str, float]:
    """Seconds per step: the tokenizer, then each pipe in order, on one document, then the record
    `lawrep extract` writes of it (doc_record: a quadratic step there once hid behind a linear
    pipeline)."""
    from lawrep_nlp.process import doc_record

    times = {}
    start = time.perf_counter()
    doc = nlp.make_doc(text)
    times["tokenizer"] = time.perf_counter() - start
    for name, pipe in nlp.pipeline:
        start = time.perf_counter()
        doc = pipe(doc)
        times[name] = time.perf_counter() - start
    start = time.perf_counter()
    doc_record(doc)
    times["extract record"] = time.perf_counter() - start
    return times


def baseline_seconds(nlp, text: str) -> float:
    """Raw spacy-pkuseg (the packaged model, no rules) over the same text, line by line."""
    segmenter = nlp.tokenizer._pkuseg.model  # spacy-pkuseg's own object
    start = time.perf_counter()
    for line in text.splitlines():
        segmenter.cut(line)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 400_000, 1_000_000])
    parser.add_argument("--model", default="lawrep_zh")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--unpunctuated", action="store_true",
                        help="keep only the Han characters: the whole document is one segmenter run")
    parser.add_argument("--dense-numbers", action="store_true",
                        help=f"the document is {DENSE_NUMBERS} repeated: a number every six characters, no punctuation")
    parser.add_argument("--check-linear", type=float, metavar="FACTOR",
                        help="exit 1 if the whole pipeline's time per character at the largest size is more "
                             "than FACTOR x that at the smallest (CI: a super-linear step fails the build)")
    args = parser.parse_args()
    import spacy

    import lawrep_nlp  # noqa: F401

    nlp = spacy.load(args.model)
    nlp.max_length = max(args.sizes) + 1
    nlp("预热。")  # load the segmenter before timing
    rows = []
    for size in args.sizes:
        text = document_of(size, args.unpunctuated, args.dense_numbers)
        steps = time_components(nlp, text)
        total = sum(steps.values())
        rows.append({"chars": size, "total_s": total, "pkuseg_baseline_s": baseline_seconds(nlp, text),
                     "steps_s": steps})
        print(f"{size:>9,} chars  total {total:7.2f} s  ({total / size * 1e6:5.1f} µs/char)  "
              f"pkuseg baseline {rows[-1]['pkuseg_baseline_s']:6.2f} s", flush=True)
    names = list(rows[0]["steps_s"])
    print("\nµs per character, per step:")
    print(f"{'step':20}" + "".join(f"{r['chars']:>11,}" for r in rows))
    for name in [*names, "pkuseg_baseline"]:
        cells = [(r["steps_s"].get(name) if name in r["steps_s"] else r["pkuseg_baseline_s"]) / r["chars"] * 1e6
                 for r in rows]
        print(f"{name:20}" + "".join(f"{c:11.2f}" for c in cells))
    by_size = {r["chars"]: r["total_s"] for r in rows}
    floors = {}
    if 100_000 in by_size and 400_000 in by_size:
        ratio = by_size[400_000] / by_size[100_000]
        floors["400K_over_100K"] = {"value": ratio, "floor": 5.0, "met": ratio <= 5.0}
        print(f"\n400K / 100K time: {ratio:.2f} (floor ≤ 5: {'met' if ratio <= 5 else 'NOT met'})")
    if 1_000_000 in by_size:
        seconds = by_size[1_000_000]
        floors["1M_seconds"] = {"value": seconds, "floor": 25.0, "met": seconds <= 25.0}
        print(f"1M-character document: {seconds:.1f} s (floor ≤ 25 s: {'met' if seconds <= 25 else 'NOT met'})")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB")
    smallest, largest = min(rows, key=lambda r: r["chars"]), max(rows, key=lambda r: r["chars"])
    growth = (largest["total_s"] / largest["chars"]) / (smallest["total_s"] / smallest["chars"])
    print(f"time per character, {largest['chars']:,} against {smallest['chars']:,} characters: {growth:.2f} x")
    if args.json:
        machine = {"python": platform.python_version(), "machine": platform.machine(),
                   "processor": platform.processor(), "cpus": __import__("os").cpu_count()}
        args.json.write_text(json.dumps({"machine": machine, "model": args.model, "unpunctuated": args.unpunctuated,
                                         "dense_numbers": args.dense_numbers,
                                         "rows": rows, "floors": floors, "peak_rss_mb": peak_mb}, indent=1) + "\n")
    if args.check_linear is not None and growth > args.check_linear:
        sys.exit(f"a step grows faster than the text: {growth:.2f} x the time per character (limit "
                 f"{args.check_linear} x); see the table above")


if __name__ == "__main__":
    main()
