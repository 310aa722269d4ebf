"""``nlp.pipe(texts, n_process=N)`` with a lighter way of sending Docs back from the workers.

spaCy's own multi-process pipe sends every processed Doc back as ``Doc.to_bytes()`` and rebuilds
it with ``Doc.from_bytes()``: ten msgpack calls per Doc, each of which asks catalogue for the
registered msgpack encoders (a scan of all entry points and registered functions). For these
reports that costs about a quarter of the processing and kept two processes near 1.3 × one
(``python scripts/bench_transfer.py``). Here the same content (``Doc.to_dict()``'s fields, the
span groups, ``user_data``) travels pickled, with no msgpack call, through forked workers that
keep a few batches queued each; Docs come back in input order, as with spaCy.

The pipeline's config turns it on: ``[nlp.after_creation] @callbacks = "lawrep.parallel_pipe.v1"``
makes the Language object an instance of a subclass whose only change is this transport. Where
the platform's start method is not ``fork`` (macOS, Windows, Python ≥ 3.14 on Linux) or the
user chose another one, spaCy's own implementation runs unchanged.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import minibatch, registry

#: Batches kept queued per worker, so a worker never waits for the parent to ask for more.
BATCHES_PER_WORKER = 4

DocPayload = tuple[dict[str, Any], list[tuple[str, dict[str, Any], list[tuple[int, int, int, int, int]]]],
                   dict[Any, Any]]


def encode_doc(doc: Doc) -> DocPayload:
    """What ``Doc.to_bytes`` keeps, as plain picklable data without msgpack."""
    fields = doc.to_dict(exclude=("spans", "user_data"))
    groups = [(name, dict(group.attrs), [(span.start, span.end, span.label, span.kb_id, span.id) for span in group])
              for name, group in doc.spans.items()]
    return fields, groups, dict(doc.user_data)


def decode_doc(vocab: Any, payload: DocPayload) -> Doc:
    """The Doc that `encode_doc` took apart, in `vocab` (its strings travel with the payload)."""
    fields, groups, user_data = payload
    doc = Doc(vocab).from_dict(fields)
    for name, attrs, spans in groups:
        doc.spans[name] = SpanGroup(doc, name=name, attrs=attrs, spans=[
            Span(doc, start, end, label=label, kb_id=kb_id, span_id=span_id)
            for start, end, label, kb_id, span_id in spans])
    doc.user_data.update(user_data)
    return doc


def end_workers(spare: Iterable[Any] = ()) -> None:
    """End the worker processes now (SIGTERM, then SIGKILL for one that lingers) and wait for
    them; child processes in `spare` (started before the workers) are left alone."""
    spared = set(spare)
    children = [child for child in multiprocessing.active_children() if child not in spared]
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=2)
        if child.is_alive():
            child.kill()
            child.join(timeout=2)


def ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which ends them: a worker that died of SIGINT while
    holding a queue lock would hang the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: What a forked worker runs: the parent's Doc maker and pipes (inherited through fork, never pickled).
_WORK: dict[str, Any] = {}

#: A batch item: text (or an encoded Doc when `is_doc`), and the context spaCy carries along.
BatchItem = tuple[Any, bool, Any]


def _process_batch(batch: list[BatchItem]) -> tuple[list[tuple[DocPayload, Any]], str | None]:
    """In a worker: run the pipes over one batch. An exception the pipes' error handlers let
    through comes back as its traceback (spaCy's behaviour: the parent's handler decides)."""
    make_doc: Callable[[Any, Any], Doc] = _WORK["make_doc"]
    try:
        docs: Iterable[Doc] = (make_doc(decode_doc(_WORK["vocab"], item) if is_doc else item, context)
                               for item, is_doc, context in batch)
        for pipe in _WORK["pipes"]:
            docs = pipe(docs)
        return [(encode_doc(doc), doc._context) for doc in docs], None
    except Exception:
        return [], traceback.format_exc()


def forking_is_default() -> bool:
    """True where fork is the start method multiprocessing would use anyway."""
    return multiprocessing.get_start_method() == "fork"


class ParallelPipe:
    """Mixin over a Language class: the multi-process part of ``pipe`` with the transport above."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the base Language class plus this mixin: a process started by spawn (spaCy's
        transport there pickles the pipeline) has not made the subclass, so it cannot be looked up
        by name (regression: AttributeError "Can't get attribute 'ParallelChinese'")."""
        base = next(cls for cls in type(self).__mro__[1:] if not issubclass(cls, ParallelPipe))
        return _new_parallel, (base,), self.__dict__

    def _multiprocessing_pipe(self, texts: Iterable[str | Doc], pipes: Iterable[Callable[..., Iterator[Doc]]],
                              n_process: int, batch_size: int) -> Iterator[Doc]:
        if not forking_is_default():
            yield from super()._multiprocessing_pipe(texts, pipes, n_process, batch_size)  # type: ignore[misc]
            return
        nlp: Language = self  # type: ignore[assignment]
        _WORK.update(make_doc=nlp._ensure_doc_with_context, pipes=list(pipes), vocab=nlp.vocab)
        items = ((encode_doc(text), True, text._context) if isinstance(text, Doc) else (text, False, None)
                 for text in texts)
        batches = minibatch(items, batch_size)
        others = multiprocessing.active_children()  # not ours to end
        pool = ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context("fork"),
                                   initializer=ignore_interrupts)
        try:
            pending: deque[Future] = deque(pool.submit(_process_batch, batch)
                                           for batch in islice(batches, BATCHES_PER_WORKER * n_process))
            while pending:
                results, error = pending.popleft().result()
                following = next(batches, None)
                if following is not None:
                    pending.append(pool.submit(_process_batch, following))
                if error is not None:
                    nlp.default_error_handler(None, None, None, ValueError(Errors.E871.format(error=error)))
                for payload, context in results:
                    doc = decode_doc(nlp.vocab, payload)
                    doc._context = context
                    yield doc
        except BaseException:  # Ctrl-C, an error, or the consumer stopped early: end the workers now
            end_workers(spare=others)
            _unblock_result_reader(pool)
            pool.shutdown(cancel_futures=True)  # its manager thread has seen them go: nothing left to wait for
            raise
        pool.shutdown()


def _unblock_result_reader(pool: ProcessPoolExecutor) -> None:
    """Close the parent's write end of the pool's result pipe once the workers are gone.

    A worker ended while it was writing a result leaves half a message in the pipe; the pool's
    manager thread, already reading it, would wait for the rest forever (the parent holds the
    pipe's other end open), and ``shutdown`` would wait for that thread: the caller hung. With
    no writer left the read ends (EOFError), the thread marks the pool broken and exits.
    (``_result_queue`` is CPython's ProcessPoolExecutor internals, hence the guarded lookup.)"""
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


_PARALLEL_CLASSES: dict[type, type] = {}


def parallel_class(base: type[Language]) -> type[Language]:
    """`base` with ParallelPipe's transport; one class per base, importable from this module
    (so pickle finds it by name)."""
    if issubclass(base, ParallelPipe):
        return base
    if base not in _PARALLEL_CLASSES:
        name = f"Parallel{base.__name__}"
        cls = type(name, (ParallelPipe, base), {"__module__": __name__, "__doc__": base.__doc__})
        _PARALLEL_CLASSES[base] = globals()[name] = cls
    return _PARALLEL_CLASSES[base]


def _new_parallel(base: type[Language]) -> Language:
    """An empty instance of `base` with ParallelPipe's transport, for unpickling (its state follows)."""
    cls = parallel_class(base)
    return cls.__new__(cls)


@registry.callbacks("lawrep.parallel_pipe.v1")
def make_parallel_pipe() -> Callable[[Language], Language]:
    """``[nlp.after_creation]`` callback: the new Language object gets ParallelPipe's transport
    for ``nlp.pipe(n_process=N)``; nothing else about it changes."""

    def use_parallel_pipe(nlp: Language) -> Language:
        nlp.__class__ = parallel_class(type(nlp))
        return nlp

    return use_parallel_pipe
