"""Throughput benchmark, in one run on the same text: chars/s of raw jieba (the fixed baseline),
raw spacy-pkuseg (the packaged model without the rule layer), spaCy's char segmenter, the lawrep
tokenizer alone and the full `lawrep_zh` pipeline with one and two processes (two: with the
pipeline's own transport and with spaCy's), the tokenizer and the pipeline once more with
spacy-pkuseg's own feature extraction (the baseline of pkuseg_features); medians of several
repeats; the time of each component (the learned ones included: tok2vec, ner, the linker's
boundary model, the canonical mapper); `spacy.load` time; peak RSS; and the floors of issues 6
and 19 checked against the same run. The floors on ratios (the pipeline ≥ 0.10 × raw jieba, two
processes ≥ 1.6 × one) are read from --rounds rounds of raw jieba, one process and two processes
timed back to back (paired_rounds).

The text is every raw report of the corpus, one document per report (its paragraphs joined by
line breaks, as `lawrep extract` pipes them), repeated until it reaches --chars; --unit paragraph
pipes paragraphs instead (more, shorter docs: more per-doc overhead).

    python scripts/bench.py [--chars 500000] [--repeats 3] [--rounds 5] [--json evaluation/bench.json]
    python scripts/bench.py --enable tok2vec --enable ner    # with the (disabled) NER running
"""

from __future__ import annotations

import argparse
import copy
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


def bench_text(min_chars: int, unit: str = "report") -> list[str]:
    documents = raw_documents(ROOT / "corpus")
    if unit == "report":
        texts = ["\n".join(doc.paragraphs()) for doc in documents]
    else:
        texts = [p for doc in documents for p in doc.paragraphs()]
    out, total = [], 0
    while total < min_chars:
        for text in texts:
            out.append(text)
            total += len(text)
    return out


def seconds(run: Callable[[list[str]], object], texts: list[str]) -> float:
    start = time.perf_counter()
    run(texts)
    return time.perf_counter() - start


def median_rate(run: Callable[[list[str]], object], texts: list[str], repeats: int) -> float:
    return sum(map(len, texts)) / statistics.median(seconds(run, texts) for _ in range(repeats))


def paired_rounds(jieba_run: Callable[[list[str]], object], one_run: Callable[[list[str]], object],
                  two_run: Callable[[list[str]], object], texts: list[str], rounds: int
                  ) -> tuple[list[float], list[float]]:
    """Per round, the pipeline's speed as a share of raw jieba's and the speed-up of two processes
    over one, from raw jieba, one process and two processes timed back to back: on a shared
    machine the load changes within minutes (session 26: 0.090 to 0.118 × in three runs of half an
    hour), and runs a few seconds apart meet the same load, where medians taken minutes apart do
    not."""
    vs_jieba, two_speedup = [], []
    for _ in range(rounds):
        jieba_seconds, one_seconds, two_seconds = (seconds(run, texts) for run in (jieba_run, one_run, two_run))
        vs_jieba.append(jieba_seconds / one_seconds)
        two_speedup.append(one_seconds / two_seconds)
    return vs_jieba, two_speedup


_FORKED: dict = {}


def _pipe_part(part: list[str]) -> int:
    return sum(len(doc) for doc in _FORKED["nlp"].pipe(part, batch_size=64))


def independent_processes_rate(nlp, texts: list[str], repeats: int) -> float:
    """The ceiling for two processes: each runs the pipeline on half the texts in a forked
    process and sends back only a count (no Doc crosses between processes)."""
    import multiprocessing

    _FORKED["nlp"] = nlp
    halves = [texts[0::2], texts[1::2]]

    def run(_: list[str]) -> None:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pool.map(_pipe_part, halves)

    return median_rate(run, texts, repeats)


def component_seconds(nlp, texts: list[str]) -> dict[str, float]:
    """Seconds each step takes over all texts, batched as nlp.pipe batches them (the tokenizer
    first, then every enabled component in order)."""
    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    seconds = {"tokenizer": time.perf_counter() - start}
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=64))
        else:
            docs = [component(doc) for doc in docs]
        seconds[name] = time.perf_counter() - start
    return seconds


def extract_rates(nlp, texts: list[str], repeats: int) -> dict[str, float]:
    """`lawrep extract`'s own job on the same texts written as files (reading, decoding, chrome,
    pipeline, JSONL): one process, and two worker processes (whole files out, plain records
    back)."""
    import tempfile

    from lawrep_nlp.cli.extract import extract

    with tempfile.TemporaryDirectory() as folder:
        files = []
        for index, text in enumerate(texts):
            path = Path(folder) / f"report_{index:05}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(path)
        out = Path(folder) / "out.jsonl"
        return {f"lawrep extract, {n} process{'es' if n > 1 else ''}":
                median_rate(lambda _, n=n: extract(nlp, files, out, n_process=n), texts, repeats) for n in (1, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--unit", choices=("report", "paragraph"), default="report")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds (raw jieba, one process, two processes) behind the floors' ratios")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pipeline", default="lawrep_zh", help="a pipeline name or folder (default lawrep_zh)")
    parser.add_argument("--enable", action="append", default=[], metavar="NAME",
                        help="also run this disabled component (repeatable): --enable tok2vec --enable ner")
    args = parser.parse_args()

    import jieba
    import spacy
    import spacy_pkuseg

    from lawrep_nlp.tokenizer.tokenizer import DEFAULT_MODEL_DIR

    jieba.setLogLevel(60)
    texts = bench_text(args.chars, args.unit)
    start = time.perf_counter()
    nlp = spacy.load(args.pipeline)
    load_seconds = time.perf_counter() - start
    for name in args.enable:
        nlp.enable_pipe(name)
    char_tokenizer = spacy.blank("zh").tokenizer
    raw_pkuseg = spacy_pkuseg.pkuseg(str(DEFAULT_MODEL_DIR), user_dict=None)
    jieba.lcut("预热")
    runs = {
        "raw jieba (jieba.lcut)": lambda ts: [jieba.lcut(t) for t in ts],
        "raw spacy-pkuseg (packaged model, no rules)": lambda ts: [raw_pkuseg.cut(t) for t in ts],
        "spaCy char segmenter": lambda ts: [char_tokenizer(t) for t in ts],
        "lawrep tokenizer": lambda ts: [nlp.tokenizer(t) for t in ts],
        "lawrep_zh pipeline (nlp.pipe)": lambda ts: list(nlp.pipe(ts, batch_size=64)),
        "lawrep_zh pipeline (nlp.pipe, n_process=2)": lambda ts: list(nlp.pipe(ts, batch_size=4, n_process=2)),
    }
    rates = {name: median_rate(run, texts, args.repeats) for name, run in runs.items()}
    paired, paired_two = paired_rounds(runs["raw jieba (jieba.lcut)"], runs["lawrep_zh pipeline (nlp.pipe)"],
                                       runs["lawrep_zh pipeline (nlp.pipe, n_process=2)"], texts, args.rounds)
    # the same tokenizer and pipeline with spacy-pkuseg's own per-character feature extraction
    # (what lawrep_nlp.tokenizer.pkuseg_features replaces; the same words), as the in-run baseline
    fast_tokenizer = nlp.tokenizer
    nlp.tokenizer = copy.copy(fast_tokenizer)
    nlp.tokenizer._pkuseg = copy.copy(fast_tokenizer._pkuseg)
    nlp.tokenizer._pkuseg.fast_features = None
    rates["lawrep tokenizer, spacy-pkuseg's own features"] = median_rate(
        lambda ts: [nlp.tokenizer(t) for t in ts], texts, args.repeats)
    rates["lawrep_zh pipeline (nlp.pipe), spacy-pkuseg's own features"] = median_rate(
        lambda ts: list(nlp.pipe(ts, batch_size=64)), texts, args.repeats)
    nlp.tokenizer = fast_tokenizer
    rates["lawrep_zh pipeline, 2 independent processes (no Doc sent back)"] = independent_processes_rate(
        nlp, texts, args.repeats)
    rates.update(extract_rates(nlp, texts, args.repeats))
    seconds = component_seconds(nlp, texts)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before a second pipeline loads
    # the same pipeline with spaCy's own n_process transport (Doc.to_bytes per Doc), for comparison
    spacy_transport = spacy.load(args.pipeline, config={"nlp": {"after_creation": None}})
    for name in args.enable:
        spacy_transport.enable_pipe(name)
    rates["lawrep_zh pipeline (nlp.pipe, n_process=2, spaCy's transport)"] = median_rate(
        lambda ts: list(spacy_transport.pipe(ts, batch_size=4, n_process=2)), texts, args.repeats)
    baseline = rates["raw jieba (jieba.lcut)"]
    one, two = rates["lawrep_zh pipeline (nlp.pipe)"], rates["lawrep_zh pipeline (nlp.pipe, n_process=2)"]
    extract_speedup = rates["lawrep extract, 2 processes"] / rates["lawrep extract, 1 process"]
    floors = {
        "full pipeline >= 0.10 x raw jieba": statistics.median(paired) >= 0.10,
        "spacy.load <= 1 s": load_seconds <= 1.0,
        "peak RSS <= 800 MB": peak_rss_mb <= 800,
        "n_process=2 >= 1.6 x one process": statistics.median(paired_two) >= 1.6,
    }
    result = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()} {platform.release()}, "
                   f"Python {platform.python_version()}",
        "pipeline": args.pipeline, "enabled": args.enable, "components": nlp.pipe_names,
        "chars": sum(map(len, texts)), "documents": len(texts), "unit": args.unit, "repeats": args.repeats,
        "chars_per_second": rates, "component_seconds": seconds,
        "spacy_load_seconds": load_seconds, "peak_rss_mb": peak_rss_mb,
        "pipeline_vs_jieba": statistics.median(paired), "pipeline_vs_jieba_rounds": paired,
        "pipeline_vs_jieba_of_medians": one / baseline, "two_process_speedup": statistics.median(paired_two),
        "two_process_speedup_rounds": paired_two, "two_process_speedup_of_medians": two / one,
        "spacy_transport_two_process_speedup": rates[
            "lawrep_zh pipeline (nlp.pipe, n_process=2, spaCy's transport)"] / one,
        "extract_two_process_speedup": extract_speedup, "floors_met": floors,
    }
    print(f"{result['chars']} chars in {len(texts)} {args.unit}s, median of {args.repeats} repeats "
          f"({result['machine']})")
    for name, rate in rates.items():
        print(f"{name:46} {rate:12,.0f} chars/s  {rate / baseline:5.2f}× jieba")
    print(f"pipeline / raw jieba in {args.rounds} paired rounds: median {statistics.median(paired):.3f} "
          f"(each: {', '.join(f'{r:.3f}' for r in paired)}; ratio of the medians above {one / baseline:.3f})")
    print(f"n_process=2 / one process in {args.rounds} paired rounds: median {statistics.median(paired_two):.2f} "
          f"(each: {', '.join(f'{r:.2f}' for r in paired_two)}; ratio of the medians above {two / one:.2f})")
    total = sum(seconds.values())
    print("time per step: " + ", ".join(f"{name} {s:.2f} s ({s / total:.0%})" for name, s in seconds.items()))
    print(f"spacy.load('lawrep_zh'): {load_seconds:.2f} s; peak RSS {peak_rss_mb:.0f} MB; "
          f"lawrep extract 2 processes {extract_speedup:.2f}×")
    for floor, met in floors.items():
        print(f"floor {floor}: {'met' if met else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
