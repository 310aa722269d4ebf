"""`lawrep extract`: reports in, one JSONL record per document (or CSV rows) out.

Pure functions here; the typer command in __init__.py only parses options and reports.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from spacy.language import Language

from ..measurements import MEASUREMENT_FIELDS, REPORT_COLUMNS
from ..process import doc_record, process_reports
from ..reader import HTML_SUFFIXES, TEXT_SUFFIXES, Report, UnreadableReport, read_report

REPORT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
CSV_COLUMNS = (*REPORT_COLUMNS, *MEASUREMENT_FIELDS)


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class ExtractResult:
    documents: int = 0
    failures: list[Failure] = field(default_factory=list)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Report files named directly, plus every .txt/.html file below named directories."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in REPORT_SUFFIXES and p.is_file()))
        else:
            files.append(path)
    return files


def read_reports(files: Iterable[Path], failures: list[Failure],
                 on_file: Callable[[Path], None] | None = None) -> Iterator[Report]:
    """Read files lazily; a file that cannot be read is recorded in `failures` and skipped."""
    for path in files:
        try:
            yield read_report(path)
        except UnreadableReport as err:
            failures.append(Failure(str(path), str(err)))
        except FileNotFoundError:
            failures.append(Failure(str(path), "file not found (removed while the batch ran?)"))
        except IsADirectoryError:
            failures.append(Failure(str(path), "is a directory"))
        except OSError as err:
            failures.append(Failure(str(path), f"cannot read: {err.strerror or err}"))
        finally:
            if on_file is not None:
                on_file(path)


@contextmanager
def atomic_output(out: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside `out` and move it into place only on success, so a
    crash or Ctrl-C never leaves a partial output file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def csv_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per measurement, with the report's metadata."""
    for measurement in record["measurements"]:
        yield {**{k: record.get(k) for k in REPORT_COLUMNS}, **measurement}


def extract(nlp: Language, files: list[Path], out: Path, *, output_format: str = "jsonl", n_process: int = 1,
            on_file: Callable[[Path], None] | None = None) -> ExtractResult:
    """Run the pipeline over `files` and write `out` atomically."""
    if output_format not in ("jsonl", "csv"):
        raise ValueError(f"format must be jsonl or csv, not {output_format!r}")
    result = ExtractResult()
    reports = read_reports(files, result.failures, on_file)
    with atomic_output(out) as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS) if output_format == "csv" else None
        if writer:
            writer.writeheader()
        for doc in process_reports(nlp, reports, n_process=n_process):
            record = doc_record(doc)
            if writer:
                writer.writerows(csv_rows(record))
            else:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            result.documents += 1
    return result
