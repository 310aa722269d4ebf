"""`lawrep extract`: reports in, one JSONL record per document (or CSV rows) out.

Pure functions here; the typer command in __init__.py only parses options and reports.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from spacy.language import Language

from ..measurements import MEASUREMENT_FIELDS, REPORT_COLUMNS
from ..parallel import end_workers, ignore_interrupts
from ..process import doc_record, process_reports
from ..reader import HTML_SUFFIXES, TEXT_SUFFIXES, Report, UnreadableReport, path_text, read_report

REPORT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
#: Files of tables, not reports: one named by mistake (an earlier run's output) is refused rather
#: than read as text (regression: a .jsonl gave rows whose publisher was a JSON fragment).
TABLE_SUFFIXES = (".jsonl", ".json", ".csv", ".tsv", ".xlsx", ".xls", ".parquet")
CSV_COLUMNS = (*REPORT_COLUMNS, *MEASUREMENT_FIELDS)


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class ExtractResult:
    documents: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: Files written with a caveat (undecodable bytes replaced by U+FFFD).
    warnings: list[Failure] = field(default_factory=list)
    #: Files read in which the pipeline found no measurement (no row of a CSV).
    without_measurements: list[str] = field(default_factory=list)


def _reports_below(folder: Path, passed_over: list[Path]) -> list[Path]:
    """The report names below `folder`, and the folders below it that cannot be listed; the
    other names, and hidden ones (.DS_Store, ._report.txt, .git/), go to `passed_over`."""
    found: list[Path] = []
    for parent, folders, names in os.walk(folder, onerror=lambda err: found.append(Path(err.filename))):
        passed_over.extend(Path(parent, name) for name in folders if name.startswith("."))
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in names:
            wanted = not name.startswith(".") and Path(name).suffix.lower() in REPORT_SUFFIXES
            (found if wanted else passed_over).append(Path(parent, name))
    return found


def collect_files(paths: Iterable[Path], passed_over: list[Path] | None = None) -> list[Path]:
    """Report files named directly, plus every .txt/.html name below named directories (not
    hidden ones); a file reached twice (named and inside a named folder, or named twice) is
    processed once. A name that is no readable file (a dangling or looping symbolic link) and a
    folder that cannot be listed are kept, so that reading them reports why (regression: both
    were dropped without a word). Symbolic links to folders are not followed. The other names
    found in folders are appended to `passed_over`, for the summary."""
    files: list[Path] = []
    passed_over = [] if passed_over is None else passed_over
    for path in paths:
        if path.is_dir():
            files.extend(sorted(_reports_below(path, passed_over)))
        else:
            files.append(path)
    seen: set[str] = set()
    unique = []
    for file in files:
        key = os.path.realpath(file)  # not Path.resolve, which raises on a symbolic-link loop
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique


def read_one(path: Path, max_length: int | None = None) -> Report | Failure:
    """The report, or why it cannot be processed (unreadable, or longer than `max_length`)."""
    if path.is_dir():  # a folder collect_files could not list
        try:
            os.listdir(path)
        except OSError as err:
            return Failure(path_text(path), f"cannot read this folder: {err.strerror or err} "
                                            "(its reports are left out)")
        return Failure(path_text(path), "is a directory")
    if path.exists() and not path.is_file():  # reading a FIFO would wait for ever
        return Failure(path_text(path), "not a regular file (a pipe, socket or device)")
    if path.suffix.lower() in TABLE_SUFFIXES:
        return Failure(path_text(path), f"a {path.suffix} file is a table, not a report (name .txt or .html "
                                        "reports, or rename a report saved under another suffix)")
    try:
        report = read_report(path)
    except UnreadableReport as err:
        return Failure(path_text(path), str(err))
    except FileNotFoundError:
        if path.is_symlink():
            return Failure(path_text(path), f"a symbolic link to a missing file ({os.readlink(path)})")
        return Failure(path_text(path), "file not found (removed while the batch ran?)")
    except OSError as err:  # a folder is answered above
        return Failure(path_text(path), f"cannot read: {err.strerror or err}")
    if max_length is not None and len(report.text) > max_length:
        return Failure(path_text(path), f"text too long: {len(report.text):,} characters, limit {max_length:,} "
                                  "(raise it with --max-length)")
    return report


def read_reports(files: Iterable[Path], failures: list[Failure],
                 on_file: Callable[[Path], None] | None = None, *, max_length: int | None = None) -> Iterator[Report]:
    """Read files lazily; a file that cannot be read, or whose text is longer than
    `max_length` characters, is recorded in `failures` and skipped."""
    for path in files:
        outcome = read_one(path, max_length)
        if on_file is not None:
            on_file(path)
        if isinstance(outcome, Failure):
            failures.append(outcome)
        else:
            yield outcome


def output_problem(out: Path, inputs: Iterable[Path] = ()) -> str | None:
    """Why `out` cannot be written, checked before any work is done (None when it can). The output
    replaces `out` (atomic_output), so it must not be one of the `inputs` (the report would be
    lost), a symbolic link (it would replace the link, not write its target) or anything but a
    regular file (a device such as /dev/stdout, a FIFO)."""
    if str(out) == "-":  # not a file someone meant to create
        return "--out - (standard output) is not supported: give a file name"
    if out.is_dir():
        return f"{out} is a folder"
    if out.is_symlink():
        return f"{out} is a symbolic link: give the file it points to ({os.path.realpath(out)})"
    if out.exists() and not out.is_file():
        return f"{out} is not a regular file (a device or a pipe): give a file name"
    if out.exists() and any(path.exists() and path.samefile(out) for path in inputs):
        return f"{out} is one of the input reports: writing the output there would replace it"
    parent = out.parent
    if not parent.exists():
        existing = next((p for p in out.parents if p.exists()), None)
        if existing is not None and not existing.is_dir():
            return f"cannot create {out}: {existing} is not a folder"
        return f"cannot create {out}: the folder {parent} does not exist (create it first)"
    if not parent.is_dir():
        return f"cannot create {out}: {parent} is not a folder"
    try:  # what atomic_output will do: os.access says yes to root where the file system says no (/sys)
        # .probe, not .part: only the output being written is a .part file (a test waits for it)
        fd, probe = tempfile.mkstemp(prefix=_temporary_prefix(out), suffix=".probe", dir=parent)
    except OSError as err:
        return f"cannot write in {parent}: {err.strerror or err}"
    os.close(fd)
    os.unlink(probe)
    return None


def _temporary_prefix(out: Path) -> str:
    """The temporary file's name before its random part: the output's name, cut so that the whole
    stays within a file system's 255 bytes (regression: a long --out name was refused)."""
    return f".{out.name.encode('utf-8')[:100].decode('utf-8', errors='ignore')}."


@contextmanager
def atomic_output(out: Path, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside `out` and move it into place only on success, so a
    crash or Ctrl-C never leaves a partial output file. The folder must exist. Text in
    `encoding` unless `binary`."""
    fd, tmp_name = tempfile.mkstemp(prefix=_temporary_prefix(out), suffix=".part", dir=out.parent)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline="")) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes it private; the output is an ordinary file
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def csv_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per measurement, with the report's metadata."""
    for measurement in record["measurements"]:
        yield {**{k: record.get(k) for k in REPORT_COLUMNS}, **measurement}


#: What makes Excel read a cell as a formula (=HYPERLINK(…), +…, -…, @…), tab and CR included.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(row: dict[str, Any]) -> dict[str, Any]:
    """The row with every text cell that Excel would run as a formula behind a leading ' (Excel
    then shows it as text, with the '); numbers stay numbers."""
    return {key: f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value
            for key, value in row.items()}


def for_excel(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """CSV rows for --excel (lawrep extract and lawrep compare): every one excel_safe."""
    return map(excel_safe, rows)


class PipelineErrors:
    """spaCy error handler: a component that fails on one document skips that document (spaCy
    then leaves it out of nlp.pipe) instead of ending the batch; the reason is kept by file."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    def __call__(self, proc_name: str, proc: Any, docs: list[Any], error: Exception) -> None:
        for doc in docs:
            context = getattr(doc, "_context", None) or {}
            self.reasons[str(context.get("file"))] = f"pipeline component {proc_name} failed: {error!r}"


def set_error_handler(nlp: Language, handler: Callable[..., None]) -> None:
    """Language.set_error_handler for every component that can hold a handler. spaCy's compiled
    ner (a cdef class without the attribute) raises AttributeError there, which stopped
    `lawrep extract` once the shipped pipeline ran its NER; its own errors still propagate."""
    nlp.default_error_handler = handler
    for _, pipe in nlp.pipeline:
        if hasattr(pipe, "set_error_handler"):
            with suppress(AttributeError):
                pipe.set_error_handler(handler)


def sent_reports(reports: Iterable[Report], sent: list[str]) -> Iterator[Report]:
    for report in reports:
        sent.append(str(report.meta.get("file")))
        yield report


def document_records(nlp: Language, files: list[Path], result: ExtractResult, *, n_process: int = 1,
                     on_file: Callable[[Path], None] | None = None,
                     max_length: int | None = None) -> Iterator[dict[str, Any]]:
    """One plain record per report that went through the pipeline. Files that cannot be read,
    are longer than `max_length` (default nlp.max_length) or make a component fail are skipped
    and added to ``result.failures``; files with replaced bytes to ``result.warnings``."""
    errors = PipelineErrors()
    set_error_handler(nlp, errors)
    max_length = nlp.max_length if max_length is None else max_length
    nlp.max_length = max(nlp.max_length, max_length)
    if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
        yield from _records_in_workers(nlp, errors, files, result, n_process, on_file, max_length)
        return
    sent: list[str] = []
    done: set[str] = set()
    reports = sent_reports(read_reports(files, result.failures, on_file, max_length=max_length), sent)
    for doc in process_reports(nlp, reports, n_process=n_process):
        record = doc_record(doc)
        done.add(str(record.get("file")))
        _count(record, result)
        yield record
    for file in sent:  # left out of nlp.pipe by the error handler (in this or a worker process)
        if file not in done:
            reason = errors.reasons.get(file, "the pipeline failed on this document (in a worker process)")
            result.failures.append(Failure(file, reason))


def _count(record: dict[str, Any], result: ExtractResult) -> None:
    if record.get("undecodable_bytes"):
        result.warnings.append(Failure(str(record.get("file")), f"{record['undecodable_bytes']} undecodable "
                                                                "bytes replaced by U+FFFD"))
    result.documents += 1
    if not record.get("measurements"):
        result.without_measurements.append(str(record.get("file")))


#: The pipeline of the forked worker processes with its error handler, as the parent set them
#: (inherited through fork, never pickled).
_WORKER: dict[str, Any] = {}


def _process_file(path: Path) -> dict[str, Any] | Failure:
    """In a worker: read one report and run the pipeline; a plain record comes back."""
    outcome = read_one(path, _WORKER["max_length"])
    if isinstance(outcome, Failure):
        return outcome
    docs = list(process_reports(_WORKER["nlp"], [outcome]))
    if not docs:  # the error handler left it out
        reason = _WORKER["errors"].reasons.get(str(outcome.meta.get("file")), "the pipeline failed")
        return Failure(path_text(path), reason)
    return doc_record(docs[0])


def _records_in_workers(nlp: Language, errors: PipelineErrors, files: list[Path], result: ExtractResult,
                        n_process: int, on_file: Callable[[Path], None] | None,
                        max_length: int) -> Iterator[dict[str, Any]]:
    """Whole files to forked workers, plain records back: nothing but a dict crosses between
    processes (spaCy's n_process ships every Doc back as bytes, which costs about a quarter of
    the processing here and kept two processes near 1.3 ×). Records come back in file order.
    A worker that dies (out of memory, a crash) costs the file it was on, not the batch: the
    pool is started again for the files after it."""
    _WORKER.update(nlp=nlp, errors=errors, max_length=max_length)
    context = multiprocessing.get_context("fork")
    others = multiprocessing.active_children()  # not ours to end
    position = 0
    while position < len(files):
        pool = ProcessPoolExecutor(n_process, mp_context=context, initializer=ignore_interrupts)
        broken = False
        try:
            futures = [pool.submit(_process_file, path) for path in files[position:]]
            for future in futures:
                path = files[position]
                try:
                    outcome: dict[str, Any] | Failure = future.result()
                except BrokenProcessPool:
                    # A worker died, maybe on another file: try this one alone to know.
                    outcome, broken = _alone(path, context), True
                position += 1
                if on_file is not None:
                    on_file(path)
                if isinstance(outcome, Failure):
                    result.failures.append(outcome)
                else:
                    _count(outcome, result)
                    yield outcome
                if broken:
                    break
        except BaseException:  # Ctrl-C or the consumer gave up: end the workers now, not after their queue
            end_workers(spare=others)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=not broken, cancel_futures=True)


def _alone(path: Path, context: Any) -> dict[str, Any] | Failure:
    """Process one file in a pool of its own: if that worker dies too, the file is the cause."""
    with ProcessPoolExecutor(1, mp_context=context, initializer=ignore_interrupts) as pool:
        try:
            return pool.submit(_process_file, path).result()
        except BrokenProcessPool:
            return Failure(path_text(path), "a worker process died while processing it (out of memory?); "
                                            "the files after it go on")


def csv_encoding(excel: bool) -> str:
    """UTF-8, with a byte order mark first for Excel, which reads a CSV without one in the
    system's legacy code page (Chinese becomes mojibake); pandas skips the mark, Python's csv
    module needs encoding="utf-8-sig"."""
    return "utf-8-sig" if excel else "utf-8"


def extract(nlp: Language, files: list[Path], out: Path, *, output_format: str = "jsonl", n_process: int = 1,
            on_file: Callable[[Path], None] | None = None, max_length: int | None = None,
            excel: bool = False) -> ExtractResult:
    """Run the pipeline over `files` and write `out` atomically (see document_records for what
    is skipped and reported); `excel`: a CSV starts with a byte order mark (csv_encoding)."""
    if output_format not in ("jsonl", "csv"):
        raise ValueError(f"format must be jsonl or csv, not {output_format!r}")
    if excel and output_format != "csv":
        raise ValueError("excel applies to CSV output only")
    result = ExtractResult()
    records = document_records(nlp, files, result, n_process=n_process, on_file=on_file, max_length=max_length)
    with atomic_output(out, encoding=csv_encoding(excel)) as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS) if output_format == "csv" else None
        if writer:
            writer.writeheader()
        for record in records:
            if writer:
                writer.writerows(for_excel(csv_rows(record)) if excel else csv_rows(record))
            else:
                handle.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
    return result
