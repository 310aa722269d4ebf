"""nlp.pipe(n_process=2) through lawrep_nlp.parallel: the same Docs as one process, in order,
with spaCy's error semantics, and no worker left behind."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from lawrep_nlp import parallel
from lawrep_nlp.extensions import INDICATORS_KEY
from lawrep_nlp.parallel import ParallelPipe, decode_doc, encode_doc

from ..conftest import SEEDS

PARALLEL = {"nlp": {"after_creation": {"@callbacks": "lawrep.parallel_pipe.v1"}}}


@Language.component("lawrep_test_fails_on_bad")
def fails_on_bad(doc: Doc) -> Doc:
    if "坏" in doc.text:
        raise RuntimeError("a component failed")
    return doc


def everything(doc: Doc) -> tuple:
    """All a Doc carries, for comparing two Docs."""
    return (doc.to_json(), [(t.text, t.whitespace_, t.is_sent_start, t.ent_iob_, t.ent_type_, t.ent_id_) for t in doc],
            {name: [(s.start, s.end, s.label_, s.id_) for s in group] for name, group in doc.spans.items()},
            dict(doc.user_data))


def test_the_packaged_pipeline_uses_the_parallel_pipe(nlp):
    assert isinstance(nlp, ParallelPipe)
    assert isinstance(nlp, spacy.lang.zh.Chinese) and nlp.lang == "zh"


def test_encoded_doc_comes_back_whole(nlp):
    doc = nlp("2025年，区司法局共受理行政复议案件97件，办结1.7万余人次。")
    restored = decode_doc(nlp.vocab, encode_doc(doc))
    assert everything(restored) == everything(doc)
    assert [s.text for s in restored.spans[INDICATORS_KEY]] == ["行政复议案件"]
    assert restored.ents[2]._.indicator.text == "行政复议案件"
    assert [(e.text, e._.value, e._.approx) for e in restored.ents if e.label_ == "QUANTITY"] == \
        [("97件", 97.0, None), ("1.7万余人次", 17000.0, "余")]


def test_two_processes_give_the_docs_of_one(nlp, seed_texts):
    texts = seed_texts * 2
    one = [everything(doc) for doc in nlp.pipe(texts, batch_size=1)]
    two = [everything(doc) for doc in nlp.pipe(texts, batch_size=1, n_process=2)]
    assert two == one
    assert not multiprocessing.active_children()


def test_docs_and_contexts_go_through_in_order(nlp):
    texts = ["受理行政复议案件97件。", "办理法律援助案件157件。", "开展普法活动30余场。"]
    inputs = [(nlp.make_doc(text), {"file": f"{i}.txt"}) for i, text in enumerate(texts)]
    out = list(nlp.pipe(inputs, as_tuples=True, n_process=2, batch_size=1))
    assert [(doc.text, context) for doc, context in out] == [(t, {"file": f"{i}.txt"}) for i, t in enumerate(texts)]
    assert [[e.text for e in doc.ents] for doc, _ in out] == [["97件"], ["157件"], ["30余场"]]


@pytest.fixture()
def failing_nlp():
    nlp = spacy.blank("zh", config=PARALLEL)
    nlp.add_pipe("lawrep_test_fails_on_bad")
    return nlp


def test_a_failing_component_raises_in_the_parent(failing_nlp):
    """As with spaCy's transport: the worker's traceback in a ValueError (E871)."""
    with pytest.raises(ValueError, match="RuntimeError: a component failed"):
        list(failing_nlp.pipe(["好", "坏", "好"], n_process=2, batch_size=1))
    assert not multiprocessing.active_children()


def test_an_error_handler_skips_only_the_failing_doc(failing_nlp):
    failing_nlp.set_error_handler(lambda name, proc, docs, error: None)  # runs in the worker: skip the doc
    texts = ["一好", "二坏", "三好", "四好"]
    assert [doc.text for doc in failing_nlp.pipe(texts, n_process=2, batch_size=1)] == ["一好", "三好", "四好"]


def test_stopping_early_ends_the_workers(nlp, seed_texts):
    docs = nlp.pipe(seed_texts * 4, n_process=2, batch_size=1)
    assert next(docs).text
    docs.close()
    assert not multiprocessing.active_children()


def test_without_fork_spacy_transport_runs(nlp, monkeypatch, seed_texts):
    monkeypatch.setattr(parallel, "forking_is_default", lambda: False)
    texts = seed_texts[:2]
    assert [everything(d) for d in nlp.pipe(texts, n_process=2)] == [everything(d) for d in nlp.pipe(texts)]


def test_where_processes_start_by_spawn_the_pipeline_pickles():
    """Regression: spaCy's transport pickles the pipeline where workers are spawned (macOS,
    Windows, Python ≥ 3.14). That failed twice: the lawrep scorers were closures ("Can't pickle
    local object 'make_report_scorer.<locals>.report_scorer'"), and a spawned worker could not find
    the ParallelChinese class, which the config's callback makes at run time, so the caller
    waited for ever."""
    script = textwrap.dedent("""
        import multiprocessing, spacy
        if __name__ == "__main__":
            multiprocessing.set_start_method("spawn")
            nlp = spacy.load("lawrep_zh")
            texts = ["全年办理法律援助案件157件。", "受理行政复议案件97件。"]
            docs = nlp.pipe(texts, n_process=2, batch_size=1)
            print([(q.text, q._.indicator.text) for doc in docs for q in doc.ents if q.label_ == "QUANTITY"])
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert result.stdout.strip() == "[('157件', '法律援助案件'), ('97件', '行政复议案件')]", result.stderr[-2000:]


def test_a_blank_pipeline_takes_the_callback():
    nlp = spacy.blank("en", config=PARALLEL)
    assert type(nlp).__name__ == "ParallelEnglish" and isinstance(nlp, ParallelPipe)
    assert [d.text for d in nlp.pipe(["a b", "c"], n_process=2)] == ["a b", "c"]


def test_ctrl_c_ends_the_workers_and_reaches_the_caller(tmp_path):
    """Ctrl-C in a terminal interrupts the whole process group: the caller gets its
    KeyboardInterrupt and no worker is left."""
    # A process started from a background job inherits SIGINT ignored, and Python then installs
    # no KeyboardInterrupt handler: the child sets it itself, as a terminal session has it, or
    # the test would hang when the suite runs in the background.
    script = textwrap.dedent(f"""
        import signal, sys, spacy
        signal.signal(signal.SIGINT, signal.default_int_handler)
        nlp = spacy.load("lawrep_zh")
        texts = [open(p, encoding="utf-8").read() for p in {[str(p) for p in sorted(SEEDS.glob("*.txt"))]!r}]
        try:
            for index, doc in enumerate(nlp.pipe(texts * 1000, n_process=2, batch_size=1)):
                if index == 3:
                    print("running", flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    assert proc.stdout.readline().strip() == "running"
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stdout.strip()) == (130, "interrupted"), stderr
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(proc.pid, 0)


HALF_A_RESULT = textwrap.dedent("""
    import multiprocessing, os, struct, sys, threading, time
    from concurrent.futures import ProcessPoolExecutor
    from lawrep_nlp.parallel import _unblock_result_reader, end_workers
    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    pool.submit(time.sleep, 0.1).result()  # workers and the pool's manager thread are up
    # what a worker ended in the middle of writing its result leaves in the pipe: a length header
    # and part of the message; the manager thread starts reading it and waits for the rest
    pool._result_queue._writer._send(struct.pack("!i", 100_000) + b"x" * 10)
    time.sleep(0.5)
    end_workers()
    if sys.argv[1] == "fixed":
        _unblock_result_reader(pool)
    stopping = threading.Thread(target=pool.shutdown, kwargs={"cancel_futures": True}, daemon=True)
    stopping.start()
    stopping.join(10)
    print("hung" if stopping.is_alive() else "done", flush=True)
    os._exit(0)
""")


def test_stopping_while_a_worker_was_writing_its_result_does_not_hang():
    """Regression: nlp.pipe(n_process=2) stopped early (or by Ctrl-C) while a worker was writing
    its result hung the caller for ever (seen in full test runs): the pool's manager thread waited
    for the rest of a message no process would write, and shutdown waited for that thread."""
    fixed = subprocess.run([sys.executable, "-c", HALF_A_RESULT, "fixed"], capture_output=True, text=True,
                           timeout=60)
    assert fixed.stdout.strip() == "done", fixed.stderr
    unfixed = subprocess.run([sys.executable, "-c", HALF_A_RESULT, "unfixed"], capture_output=True, text=True,
                             timeout=60)
    assert unfixed.stdout.strip() == "hung", unfixed.stderr  # the situation the fix is for is real
