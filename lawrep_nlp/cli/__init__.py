"""The `lawrep` command line: thin typer commands over pure functions."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn Chinese rule-of-law government reports into structured data.")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


EXCEL_HELP = ("CSV for Excel: start the file with a byte order mark, without which Excel shows Chinese as "
              "mojibake, and put a ' before text cells that begin with = + - @, which Excel would run as formulas.")


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled like Ctrl-C (workers ended, no partial output) but ending with
    128 + the signal's number, as a shell reports a process that the signal killed."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


#: The signals a batch job is stopped with: Ctrl-C, a batch system's or kill's SIGTERM, a closed
#: terminal's SIGHUP.
STOP_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
                     if s is not None)


@contextmanager
def _interruptible(n_process: int) -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP end the command with a message, no output file and exit status
    130 (Ctrl-C) or 128 + the signal's number (143 for SIGTERM, 129 for SIGHUP). A signal that
    reaches the worker processes too (same process group) ends them quietly; the main process
    ends those that are left and alone reports."""
    main_pid = os.getpid()

    def on_signal(signum, frame) -> None:
        if os.getpid() != main_pid:
            os._exit(128 + signum)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Stopped(signum)

    in_main_thread = threading.current_thread() is threading.main_thread()  # signals need the main thread
    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS} if in_main_thread else {}
    try:
        yield
    except KeyboardInterrupt as stop:
        status = 128 + stop.signum if isinstance(stop, Stopped) else EXIT_INTERRUPTED
        how = f"stopped by {stop}" if isinstance(stop, Stopped) else "interrupted"
        typer.echo(f"lawrep: {how}; no output written", err=True)
        if n_process > 1:
            # End the workers, then leave at once: spaCy's queues may still hold data for them
            # and a normal exit would wait on those forever. The output was already removed.
            from ..parallel import end_workers

            end_workers()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
        raise typer.Exit(status) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@contextmanager
def _progress(total: int, *, every_seconds: float = 30.0) -> Iterator[Callable[[Any], None]]:
    """A callback to call once per file: a progress bar on a terminal; elsewhere (a batch job's
    log) a line ``lawrep: N/TOTAL files`` every 5% of the files or every `every_seconds`,
    whichever comes first, and at the end."""
    from rich.console import Console

    console = Console(stderr=True)
    if console.is_terminal:
        from rich.progress import Progress

        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("reading reports", total=total)
            yield lambda _: bar.advance(task)
        return
    step = max(1, total // 20)
    done, last_line = 0, time.monotonic()

    def advance(_: Any) -> None:
        nonlocal done, last_line
        done += 1
        if done % step == 0 or done == total or time.monotonic() - last_line >= every_seconds:
            print(f"lawrep: {done}/{plural(total, 'file')}", file=sys.stderr, flush=True)
            last_line = time.monotonic()

    yield advance


def _check_output(out: Path, inputs: Iterable[Path] = ()) -> None:
    from .extract import output_problem

    problem = output_problem(out, inputs)
    if problem:
        typer.echo(f"lawrep: {problem}", err=True)
        raise typer.Exit(EXIT_USAGE)


#: What extract, render and compare read from a Doc, and the lawrep component that assigns it.
MEASURING = {"token.is_sent_start": "lawrep_sentences", "doc._.links": "lawrep_indicators"}


def _load(model: str, needs: dict[str, str] | None = None):
    """The pipeline; a usage error when it cannot load, or when no enabled component assigns what
    the command reads (`needs`: attribute → the component that would; regression: a blank or
    foreign pipeline given as --model ended in spaCy's E030 or a KeyError)."""
    import spacy

    import lawrep_nlp  # noqa: F401

    try:
        nlp = spacy.load(model)
    except OSError as err:
        typer.echo(f"lawrep: cannot load pipeline {model!r}: {err}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    from ..pipes.base import assigned_attributes

    assigned = assigned_attributes(nlp)
    missing = [f"{attr} ({component})" for attr, component in (needs or {}).items() if attr not in assigned]
    if missing:
        typer.echo(f"lawrep: the pipeline {model!r} cannot be used here: no enabled component assigns "
                   f"{', '.join(missing)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    return nlp


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="Report files (.txt, .html) or folders of them."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file, written atomically."),
    output_format: OutputFormat | None = typer.Option(
        None, "--format", "-f", help="jsonl or csv (default: csv for an --out file ending in .csv, else jsonl)."),
    n_process: int = typer.Option(1, "--n-process", "-n", min=1, help="Worker processes for nlp.pipe."),
    model: str = typer.Option("lawrep_zh", "--model", "-m", help="Pipeline name or path."),
    max_length: int = typer.Option(1_000_000, "--max-length", min=1,
                                   help="Skip (and report) texts longer than this many characters."),
    excel: bool = typer.Option(False, "--excel", help=EXCEL_HELP),
) -> None:
    """Run the pipeline over reports: one JSONL record per document (metadata, sentences,
    entities, measurements) or, as CSV (--format csv, or an --out file ending in .csv), one row
    per measurement.

    Exit status:
    0 all files processed;
    1 some files skipped: unreadable, too long, or a component failed on them (the others are in the output);
    2 usage error (nothing written);
    130 interrupted, 143 stopped by SIGTERM, 129 by SIGHUP (no output file left behind).
    """
    from .extract import collect_files
    from .extract import extract as run_extract

    missing = [p for p in paths if not p.exists()]
    if missing:
        typer.echo(f"lawrep: no such file or folder: {', '.join(map(str, missing))}", err=True)
        raise typer.Exit(EXIT_USAGE)
    passed_over: list[Path] = []
    files = collect_files(paths, passed_over)
    if not files:
        typer.echo("lawrep: no .txt or .html reports found" + _passed_over_note(passed_over), err=True)
        raise typer.Exit(EXIT_USAGE)
    _check_output(out, files)
    chosen_format = output_format.value if output_format else "csv" if out.suffix.lower() == ".csv" else "jsonl"
    if excel and chosen_format != "csv":
        typer.echo("lawrep: --excel applies to CSV output (--format csv, or an --out file ending in .csv)", err=True)
        raise typer.Exit(EXIT_USAGE)
    with _interruptible(n_process):  # a stop while the model loads is reported too
        nlp = _load(model, MEASURING)
        with _progress(len(files)) as advance:
            result = run_extract(nlp, files, out, output_format=chosen_format, n_process=n_process,
                                 on_file=advance, max_length=max_length, excel=excel)
    for warning in result.warnings:
        typer.echo(f"lawrep: warning: {warning.path}: {warning.reason}", err=True)
    for failure in result.failures:
        typer.echo(f"lawrep: skipped {failure.path}: {failure.reason}", err=True)
    if chosen_format == "csv" and result.without_measurements:
        typer.echo(f"lawrep: {plural(len(result.without_measurements), 'document')} without any measurement, so "
                   f"without a row: {_some(result.without_measurements)}", err=True)
    typer.echo(f"lawrep: {plural(result.documents, 'document')} → {out}; "
               f"{plural(len(result.failures), 'file')} skipped" + _passed_over_note(passed_over), err=True)
    raise typer.Exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


def _some(names: list[str], shown: int = 5) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _passed_over_note(passed_over: list[Path]) -> str:
    """What the folder scan did not read, by kind: "; not read in the folders: .doc 3, hidden 1"
    (hidden: files and folders whose name starts with a dot)."""
    if not passed_over:
        return ""
    kinds = Counter("hidden" if path.name.startswith(".") else path.suffix.lower() or "no suffix"
                    for path in passed_over)
    listed = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"; not read in the folders: {listed}"


@app.command()
def render(
    report: Path = typer.Argument(..., help="One report (.txt or .html)."),
    out: Path = typer.Option(..., "--out", "-o", help="The HTML page to write."),
    model: str = typer.Option("lawrep_zh", "--model", "-m", help="Pipeline name or path."),
) -> None:
    """Write a self-contained HTML page showing the report's entities, each quantity linked to
    its indicator, and the measurement table. Exit status: 0 written; 1 the report cannot be
    read; 2 usage error."""
    from ..process import process_reports
    from ..reader import UnreadableReport, read_report
    from ..render import render_html
    from .extract import atomic_output

    if report.is_dir():  # regression: a folder was said not to exist
        typer.echo(f"lawrep: {report} is a folder: render draws one report file", err=True)
        raise typer.Exit(EXIT_USAGE)
    if not report.is_file():
        typer.echo(f"lawrep: no such file: {report}", err=True)
        raise typer.Exit(EXIT_USAGE)
    _check_output(out, [report])
    try:
        parsed = read_report(report)
    except (UnreadableReport, OSError) as err:
        typer.echo(f"lawrep: cannot read {report}: {err}", err=True)
        raise typer.Exit(EXIT_SOME_FAILED) from None
    nlp = _load(model, MEASURING)
    nlp.max_length = max(nlp.max_length, len(parsed.text))
    doc = next(process_reports(nlp, [parsed]))
    with atomic_output(out) as handle:
        handle.write(render_html(doc))
    typer.echo(f"lawrep: {plural(len(doc._.measurements or []), 'measurement')} → {out}", err=True)


@app.command()
def compare(
    paths: list[Path] = typer.Argument(..., help="Report files (.txt, .html) or folders of them."),
    out: Path = typer.Option(..., "--out", "-o", help="The comparison table (CSV), written atomically."),
    chart: Path = typer.Option(None, "--chart", help="Also draw one indicator across reports, in the format of "
                                                     "the file's suffix (.png, .svg, .pdf …)."),
    indicator: str = typer.Option(None, "--indicator", "-i",
                                  help="Canonical id (or key) for the chart (default: the one most reports state)."),
    group_by: str = typer.Option("canonical", "--group-by", "-g",
                                 help="canonical: taxonomy ids only; key: open-vocabulary indicator keys; both: the "
                                      "id where there is one, else the key (group_kind says which)."),
    n_process: int = typer.Option(1, "--n-process", "-n", min=1, help="Worker processes for nlp.pipe."),
    model: str = typer.Option("lawrep_zh", "--model", "-m", help="Pipeline name or path."),
    max_length: int = typer.Option(1_000_000, "--max-length", min=1,
                                   help="Skip (and report) texts longer than this many characters."),
    excel: bool = typer.Option(False, "--excel", help=EXCEL_HELP),
) -> None:
    """Line reports up: one row per report (region, year) and indicator, with value, unit,
    approx flag and where it was said (file, the quantity's character offsets, the sentence).
    Indicators are canonical ids of the taxonomy (default), open-vocabulary keys, or both
    (--group-by). Exit status as for extract, and 1 when the chart cannot be drawn (no report
    states a value for the indicator)."""
    import csv

    from ..chart import write_chart
    from ..compare import COMPARE_COLUMNS, GROUPINGS, compare_rows, most_reported
    from .extract import ExtractResult, atomic_output, collect_files, csv_encoding, document_records, for_excel

    if group_by not in GROUPINGS:
        typer.echo(f"lawrep: --group-by is one of {', '.join(GROUPINGS)}, not {group_by!r}", err=True)
        raise typer.Exit(EXIT_USAGE)
    if indicator and not chart:
        typer.echo("lawrep: --indicator chooses what --chart draws; give --chart FILE.png too", err=True)
        raise typer.Exit(EXIT_USAGE)
    missing = [p for p in paths if not p.exists()]
    passed_over: list[Path] = []
    files = collect_files(paths, passed_over) if not missing else []
    if missing or not files:
        typer.echo(f"lawrep: no reports at {', '.join(map(str, missing or paths))}" + _passed_over_note(passed_over),
                   err=True)
        raise typer.Exit(EXIT_USAGE)
    _check_output(out, files)
    if chart:
        if os.path.realpath(chart) == os.path.realpath(out):  # regression: the chart replaced the table
            typer.echo(f"lawrep: --chart and --out are the same file ({out})", err=True)
            raise typer.Exit(EXIT_USAGE)
        from matplotlib.backend_bases import FigureCanvasBase

        # checked before the run (regression: a bad suffix failed after it, and --chart ch wrote ch.png)
        formats = FigureCanvasBase.get_supported_filetypes()
        if chart.suffix.lower().lstrip(".") not in formats:
            typer.echo(f"lawrep: --chart {chart} names no image format: end it in "
                       f"{', '.join('.' + name for name in sorted(formats))}", err=True)
            raise typer.Exit(EXIT_USAGE)
        _check_output(chart, files)
    with _interruptible(n_process):  # a stop while the model loads is reported too
        nlp = _load(model, {**MEASURING, "span._.canonical": "lawrep_canonical"})
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    if indicator and group_by == "canonical" and indicator not in taxonomy.names:
        typer.echo(f"lawrep: unknown canonical indicator {indicator!r} (see lawrep_nlp/pipes/canonical/data/"
                   "taxonomy.json)", err=True)
        raise typer.Exit(EXIT_USAGE)
    if indicator and group_by == "key" and indicator in taxonomy.names:  # before the run, not after it
        typer.echo(f"lawrep: {indicator!r} is a canonical id; --group-by key groups by indicator keys "
                   "(phrase|action|dimension): use --group-by canonical or both", err=True)
        raise typer.Exit(EXIT_USAGE)
    result = ExtractResult()
    with _interruptible(n_process):
        rows = compare_rows(document_records(nlp, files, result, n_process=n_process, max_length=max_length),
                            taxonomy.names, by=group_by)
    with atomic_output(out, encoding=csv_encoding(excel)) as handle:
        writer = csv.DictWriter(handle, fieldnames=COMPARE_COLUMNS)
        writer.writeheader()
        writer.writerows(for_excel(rows) if excel else rows)
    for failure in result.failures:
        typer.echo(f"lawrep: skipped {failure.path}: {failure.reason}", err=True)
    typer.echo(f"lawrep: {plural(len(rows), 'row')} from {plural(result.documents, 'report')} → {out}"
               + _passed_over_note(passed_over), err=True)
    if chart:
        chosen = indicator or most_reported(rows)
        try:
            if chosen is None:
                raise ValueError(f"no report has a value for any indicator (grouped by {group_by})")
            bars = write_chart(rows, chosen, chart)
        except ValueError as err:
            hint = ""
            if group_by == "both" and indicator and indicator not in taxonomy.names and any(
                    row["indicator_key"] == indicator for row in rows):
                hint = (" (with --group-by both, a measurement that has a canonical id is grouped under the id, "
                        "not its key: use --group-by key)")
            typer.echo(f"lawrep: no chart: {err}{hint}", err=True)
            raise typer.Exit(EXIT_SOME_FAILED) from None
        typer.echo(f"lawrep: chart of {chosen} ({bars} reports) → {chart}", err=True)
    raise typer.Exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


@app.command()
def info(model: str = typer.Option("lawrep_zh", "--model", "-m", help="Pipeline name or path.")) -> None:
    """Print the pipeline: name, version, components, tokenizer and what it was built from."""
    nlp = _load(model)
    meta = nlp.meta
    typer.echo(f"{meta.get('name')} {meta.get('version')} (spaCy {meta.get('spacy_version')}, lang {nlp.lang})")
    typer.echo(f"tokenizer: {nlp.config['nlp']['tokenizer'].get('@tokenizers')}")
    typer.echo(f"components: {', '.join(nlp.pipe_names) or '(none)'}")
    if nlp.disabled:
        typer.echo(f"disabled: {', '.join(nlp.disabled)} (nlp.enable_pipe(name) turns one on)")
    for source in meta.get("sources") or []:
        typer.echo(f"data: {source.get('name', '?') if isinstance(source, dict) else source}")
        for key, value in (source.items() if isinstance(source, dict) else ()):
            if key != "name":
                typer.echo("\n".join(_meta_lines(key, value, "  ")))
    for part, build in (meta.get("lawrep_build") or {}).items():
        if not isinstance(build, dict):  # a note, not a table (regression: AttributeError)
            typer.echo(f"built: {part}: {build}")
            continue
        typer.echo(f"built: {part}")
        for key, value in build.items():
            typer.echo("\n".join(_meta_lines(key, value, "  ")))
    if test_scores := meta.get("performance", {}).get("test_split"):
        typer.echo("\n".join(_meta_lines("test split", test_scores, "")))


def _meta_lines(key: str, value: Any, indent: str) -> list[str]:
    """A meta entry for the terminal: a table of scores on one line, nested tables indented,
    floats at four decimals (spaCy's JSON reader turns 0.9508 into 0.9508000000000001)."""
    if isinstance(value, dict) and any(isinstance(inner, dict) for inner in value.values()):
        return [f"{indent}{key}:"] + [line for inner_key, inner in value.items()
                                      for line in _meta_lines(inner_key, inner, indent + "  ")]
    if isinstance(value, dict):
        return [f"{indent}{key}: " + ", ".join(f"{k} {_scalar(v)}" for k, v in value.items())]
    if isinstance(value, list):
        return [f"{indent}{key}: " + ", ".join(map(_scalar, value))]
    return [f"{indent}{key}: {_scalar(value)}"]


def _scalar(value: Any) -> str:
    return str(round(value, 4)) if isinstance(value, float) else str(value)


@app.command()
def evaluate(
    pipeline: str = typer.Argument(..., help="Pipeline name or path (e.g. lawrep_zh)."),
    gold: list[Path] = typer.Argument(..., help="Gold JSONL files or folders of them."),
    split: str = typer.Option(None, "--split", help="Only records of this split (train, dev, test)."),
    json_out: Path = typer.Option(None, "--json", help="Also write the scores as JSON here."),
    baseline: Path = typer.Option(None, "--baseline", help="Recorded figures (JSON); exit 1 on a regression."),
    tolerance: float = typer.Option(0.02, "--tolerance", help="Allowed drop below a recorded figure."),
    reproduce: bool = typer.Option(False, "--reproduce",
                                   help="With --baseline: also fail when a figure rises more than --tolerance above "
                                        "the recorded one (a retrained pipeline must reproduce them)."),
    canonical: Path = typer.Option(None, "--canonical",
                                   help="Folder of gold canonical ids of links (corpus/canonical): also score "
                                        "the canonical indicator mapping."),
    bootstrap: int = typer.Option(0, "--bootstrap", min=0,
                                  help="Also give 95% intervals of the figures from this many resamples of whole "
                                       "documents (seeded; e.g. 1000)."),
    errors_out: Path = typer.Option(None, "--errors",
                                    help="Also write every entity and link error, sorted into kinds (missed, "
                                         "boundary, starts earlier …), as JSONL here, and print their counts."),
) -> None:
    """Score a pipeline against gold JSONL (exact character offsets): entities per label and
    micro, indicators, links exact and relaxed, value and unit accuracy, text round trip.
    With --baseline it is a regression gate: exit 1 when a recorded figure drops by more than
    --tolerance (--reproduce: or moves by more than --tolerance either way)."""
    from ..corpus.validate import structural_problems
    from ..evaluation import (
        annotation_pairs,
        document_bootstrap,
        format_intervals,
        format_table,
        pipe_records,
        regressions,
        score,
    )

    files, records, places = _gold_records(gold, split)
    unreadable = [(place, problems[0]) for record, place in zip(records, places, strict=True)
                  if (problems := structural_problems(record))]
    if unreadable:
        for place, problem in unreadable[:5]:
            typer.echo(f"lawrep: {place}: {problem}", err=True)
        typer.echo(f"lawrep: {plural(len(unreadable), 'gold record')} cannot be scored (lawrep validate checks "
                   "the format, corpus/ANNOTATION.md)", err=True)
        raise typer.Exit(EXIT_USAGE)
    labels = _canonical_labels_of(canonical, records) if canonical else None
    nlp = _load(pipeline)
    docs = pipe_records(nlp, records)  # once, for every score below
    pairs = annotation_pairs(records, docs)
    scores = score(pairs)
    answers = None
    if labels is not None:  # canonical given
        from ..evaluation import canonical_cases, map_canonical, score_canonical_answers

        taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
        answers = map_canonical(canonical_cases(nlp, records, labels, docs=docs), lambda _: taxonomy)
        scores["canonical"] = score_canonical_answers(answers)
    typer.echo(f"{len(records)} paragraphs from {len(files)} files" + (f" (split {split})" if split else ""))
    typer.echo(format_table(scores))
    if bootstrap:
        intervals = document_bootstrap(records, pairs, answers, resamples=bootstrap)
        scores["intervals"] = {"level": 0.95, "resamples": bootstrap, "unit": "document",
                               "metrics": {name: [i.low, i.high] for name, i in intervals.items()}}
        typer.echo(format_intervals(scores, intervals, bootstrap))
    if errors_out:
        from ..errors import error_summary, errors_of, format_summary

        errors = errors_of(records, pairs)
        errors_out.write_text("".join(json.dumps(error.to_dict(), ensure_ascii=False) + "\n" for error in errors),
                              encoding="utf-8")
        scores["errors"] = error_summary(errors)
        typer.echo(format_summary(scores["errors"]))
    if json_out:
        json_out.write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
    if baseline:
        recorded = json.loads(baseline.read_text(encoding="utf-8"))["metrics"]
        failed = regressions(scores, recorded, tolerance, both_ways=reproduce)
        for line in failed:
            typer.echo(f"{'not reproduced' if reproduce else 'regression'}: {line}", err=True)
        typer.echo(f"regression gate: {len(failed)} of {len(recorded)} recorded figures "
                   f"{'moved more than ' + str(tolerance) if reproduce else 'dropped'}", err=True)
        raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _canonical_folder(folder: Path) -> dict[tuple[str, int, int, int], str | None]:
    """The gold canonical ids in `folder` (corpus/canonical's TSV); a usage error when it is no folder."""
    from ..evaluation import read_canonical_labels

    if not folder.is_dir():
        typer.echo(f"lawrep: no canonical-id folder at {folder}", err=True)
        raise typer.Exit(EXIT_USAGE)
    return read_canonical_labels(folder)


def _link_keys(record: dict[str, Any]) -> list[tuple[Any, Any, int, int]]:
    """How corpus/canonical's TSV names each gold link of a record (canonical_key)."""
    from ..corpus.markup import canonical_key

    return [canonical_key(record, relation["quantity"]) for relation in record.get("relations", [])]


def _canonical_labels_of(folder: Path, records: list[dict[str, Any]]) -> dict[tuple[str, int, int, int], str | None]:
    """The gold canonical ids in `folder`; a usage error, before any work, when it is no folder or
    lacks a row for a link of the records (regression: a ValueError traceback after the pipeline ran)."""
    labels = _canonical_folder(folder)
    missing = [key for record in records for key in _link_keys(record) if key not in labels]
    if missing:
        typer.echo(f"lawrep: {folder} has no canonical id row for {plural(len(missing), 'gold link')}, e.g. "
                   f"document {missing[0][0]}, paragraph {missing[0][1]}, quantity at {missing[0][2]}-{missing[0][3]} "
                   "(a row with an empty id says the link has none)", err=True)
        raise typer.Exit(EXIT_USAGE)
    return labels


def _gold_records(gold: list[Path], split: str | None) -> tuple[list[Path], list[dict[str, Any]], list[str]]:
    """The JSONL files named (folders: their *.jsonl), their records of `split` (all when None)
    and where each record is (file:line); a usage error, naming the file and line, when a file is
    missing or a line is not a JSON object."""
    from ..corpus.annotations import JsonlError, numbered_records

    files = [f for path in gold for f in (sorted(path.glob("*.jsonl")) if path.is_dir() else [path])]
    missing = [f for f in files if not f.is_file()]
    if missing or not files:
        typer.echo(f"lawrep: no gold JSONL at {', '.join(map(str, missing or gold))}", err=True)
        raise typer.Exit(EXIT_USAGE)
    records, places = [], []
    try:
        for file in files:
            for number, record in numbered_records(file):
                if split is None or (record.get("meta") or {}).get("split") == split:
                    records.append(record)
                    places.append(f"{file}:{number}")
    except JsonlError as err:
        typer.echo(f"lawrep: {err}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if not records:
        typer.echo("lawrep: no gold records selected" + (f" (--split {split} keeps the records whose meta.split is "
                                                          f"{split!r})" if split else ""), err=True)
        raise typer.Exit(EXIT_USAGE)
    return files, records, places


@app.command()
def convert(
    gold: list[Path] = typer.Argument(..., help="Gold JSONL files (the corpus format, corpus/ANNOTATION.md) or "
                                                "folders of them."),
    out: Path = typer.Option(..., "--out", "-o", help="The DocBin to write (.spacy), atomically."),
    split: str = typer.Option(None, "--split", help="Only records whose meta.split is this (e.g. train)."),
    canonical: Path = typer.Option(None, "--canonical",
                                   help="Folder of gold canonical ids of links (TSV, as corpus/canonical): stored "
                                        "on the linked quantities, for lawrep_canonical to learn from."),
    extra_labels: list[str] = typer.Option([], "--label", help="An entity label of your own beyond the standard's "
                                                              "(e.g. PERSON), for a retrained NER; repeat for more."),
) -> None:
    """Gold JSONL → a DocBin for `python -m spacy train`: tokenized with the package's tokenizer
    (a token is split where a gold span edge falls inside it, and counted), with the gold
    entities, INDICATOR spans, quantity values and units, links and sentences. The same
    conversion as scripts/build_corpus.py. Records with problems (offsets outside the text,
    overlapping entities, a value that disagrees with the text …) are skipped and named.

    Exit status:
    0 every record converted;
    1 some records skipped (the others are in the output);
    2 usage error (nothing written).
    """
    from spacy.tokens import DocBin

    from ..corpus.docbin import ConversionStats, conversion_nlp, record_to_doc
    from ..corpus.validate import record_problems
    from .extract import atomic_output

    files, records, places = _gold_records(gold, split)
    labels = _canonical_folder(canonical) if canonical is not None else None
    _check_output(out)
    nlp, stats, docs, skipped = conversion_nlp(), ConversionStats(), [], 0
    links = unlisted = 0  # gold links, and those the --canonical folder has no row for
    for record, place in zip(records, places, strict=True):
        problems = record_problems(record, extra_labels)
        if not problems:
            try:
                docs.append(record_to_doc(nlp, record, stats, labels))
                if labels is not None:
                    keys = _link_keys(record)
                    links, unlisted = links + len(keys), unlisted + sum(key not in labels for key in keys)
                continue
            except (ValueError, TypeError, KeyError) as err:  # a field of a shape the checks do not know
                problems = [f"cannot convert it ({type(err).__name__}: {err})"]
        typer.echo(f"lawrep: skipped {place}: {problems[0]}"
                   + (f" (and {plural(len(problems) - 1, 'more problem')})" if len(problems) > 1 else ""), err=True)
        skipped += 1
    if unlisted:  # regression: a folder without these records' rows was taken in silence
        typer.echo(f"lawrep: warning: {canonical} has no row for {unlisted} of the {plural(links, 'gold link')}: "
                   "they are converted as links without a canonical id", err=True)
    with atomic_output(out, binary=True) as handle:
        handle.write(DocBin(docs=docs, store_user_data=True).to_bytes())
    typer.echo(f"lawrep: {plural(len(docs), 'record')} from {plural(len(files), 'file')} → {out} "
               f"({plural(stats.spans, 'span')}; {plural(stats.tokens_split, 'token')} split at a span edge); "
               f"{plural(skipped, 'record')} skipped", err=True)
    raise typer.Exit(EXIT_SOME_FAILED if skipped else EXIT_OK)


@app.command()
def validate(
    corpus: Path = typer.Argument(Path("corpus"), help="The corpus folder, or gold JSONL files (a file, or a folder of "
                                                       "them) of your own."),
    extra_labels: list[str] = typer.Option([], "--label", help="An entity label of your own beyond the standard's "
                                                              "(e.g. PERSON), for a retrained NER; repeat for more."),
) -> None:
    """Check the annotated corpus: offsets, labels, overlaps, links within a sentence, values
    and units agreeing with the text, duplicates, splits, JSONL up to date with the markup. Given
    gold JSONL of your own (no corpus folder), each record is checked as `lawrep convert` checks it."""
    from ..corpus.validate import record_problems, validate_corpus

    if not (corpus / "splits.json").exists():
        if not (corpus.suffix == ".jsonl" or (corpus.is_dir() and any(corpus.glob("*.jsonl")))):
            typer.echo(f"lawrep: {corpus} is neither a corpus folder (no splits.json) nor gold JSONL", err=True)
            raise typer.Exit(EXIT_USAGE)
        _, records, places = _gold_records([corpus], None)
        problems = [f"{place}: {problem}" for record, place in zip(records, places, strict=True)
                    for problem in record_problems(record, extra_labels)]
        for problem in problems:
            typer.echo(problem)
        typer.echo(f"{plural(len(problems), 'problem')} in {plural(len(records), 'record')}")
        raise typer.Exit(EXIT_SOME_FAILED if problems else EXIT_OK)
    problems = validate_corpus(corpus)
    for problem in problems:
        typer.echo(problem)
    typer.echo(f"{len(problems)} problems")
    raise typer.Exit(EXIT_SOME_FAILED if problems else EXIT_OK)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
