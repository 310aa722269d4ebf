"""Where the pipeline's time goes, and why `nlp.pipe(n_process=2)` scales less than two
independent processes: what sending each Doc back from a worker costs. Measured on the corpus
reports (one document per report).

Prints: the time of the tokenizer and of each component over all reports; the pipeline's time
per report; Doc.to_bytes + Doc.from_bytes per report (spaCy's transport) and its share of the
processing; the share of that serialisation spent in catalogue's registry lookups (which
srsly's msgpack makes on every pack and unpack); the same for lawrep_nlp.parallel's transport
(encode_doc + pickle + decode_doc); and the wall and CPU time (parent + workers) of the same
text with n_process 1 and 2, with spaCy's transport and with the pipeline's own.

    python scripts/bench_transfer.py [--copies 3]
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from lawrep_nlp.corpus.documents import raw_documents  # noqa: E402
from lawrep_nlp.parallel import decode_doc, encode_doc  # noqa: E402


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=3)
    args = parser.parse_args()
    nlp = spacy.load("lawrep_zh")
    texts = ["\n".join(doc.paragraphs()) for doc in raw_documents(ROOT / "corpus")] * args.copies

    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    print(f"{len(texts)} reports, {sum(map(len, texts)):,} chars")
    print(f"tokenizer: {time.perf_counter() - start:.2f} s")
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        docs = [component(doc) for doc in docs]
        print(f"{name}: {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    docs = list(nlp.pipe(texts))
    per_report = (time.perf_counter() - start) / len(texts)

    start = time.perf_counter()
    for doc in docs:
        Doc(nlp.vocab).from_bytes(doc.to_bytes())
    transfer = (time.perf_counter() - start) / len(texts)

    profile = cProfile.Profile()
    profile.enable()
    for doc in docs:
        Doc(nlp.vocab).from_bytes(doc.to_bytes())
    profile.disable()
    stats = pstats.Stats(profile)
    total = sum(row[2] for row in stats.stats.values())  # all profiled time (own times add up to it)
    registry = sum(row[3] for (file, _, name), row in stats.stats.items()
                   if name == "get_all" and "catalogue" in file)

    print(f"pipeline: {per_report * 1000:.1f} ms per report")
    print(f"Doc.to_bytes + Doc.from_bytes: {transfer * 1000:.1f} ms per report "
          f"({transfer / per_report:.0%} of the processing)")
    print(f"share of that spent in catalogue registry lookups (cProfile): {registry / total:.0%}")

    start = time.perf_counter()
    for doc in docs:
        decode_doc(nlp.vocab, pickle.loads(pickle.dumps(encode_doc(doc), protocol=pickle.HIGHEST_PROTOCOL)))
    lean = (time.perf_counter() - start) / len(texts)
    print(f"encode_doc + pickle + decode_doc (lawrep_nlp.parallel): {lean * 1000:.1f} ms per report "
          f"({lean / per_report:.0%} of the processing)")

    spacy_transport = spacy.load("lawrep_zh", config={"nlp": {"after_creation": None}})
    for label, pipeline, n_process in (("one process", nlp, 1), ("spaCy's transport", spacy_transport, 2),
                                       ("lawrep_nlp.parallel", nlp, 2)):
        before, start = cpu_seconds(), time.perf_counter()
        list(pipeline.pipe(texts, batch_size=4, n_process=n_process))
        print(f"n_process={n_process} ({label}): wall {time.perf_counter() - start:.2f} s, "
              f"CPU (parent + workers) {cpu_seconds() - before:.2f} s")


if __name__ == "__main__":
    main()
