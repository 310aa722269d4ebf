"""The `lawrep` command line: thin typer commands over pure functions."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn Chinese rule-of-law government reports into structured data.")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


def _load(model: str):
    import spacy

    import lawrep_nlp  # noqa: F401

    try:
        return spacy.load(model)
    except OSError as err:
        typer.echo(f"lawrep: cannot load pipeline {model!r}: {err}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="Report files (.txt, .html) or folders of them."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file, written atomically."),
    output_format: OutputFormat = typer.Option(OutputFormat.jsonl, "--format", "-f", help="jsonl or csv."),
    n_process: int = typer.Option(1, "--n-process", "-n", min=1, help="Worker processes for nlp.pipe."),
    model: str = typer.Option("lawrep_zh", "--model", "-m", help="Pipeline name or path."),
) -> None:
    """Run the pipeline over reports: one JSONL record per document (or CSV rows).

    Exit status: 0 all files processed; 1 some files could not be read (the others are in the
    output); 2 usage error (nothing written); 130 interrupted (no output file left behind).
    """
    from rich.console import Console
    from rich.progress import Progress

    from .extract import collect_files
    from .extract import extract as run_extract

    missing = [p for p in paths if not p.exists()]
    if missing:
        typer.echo(f"lawrep: no such file or folder: {', '.join(map(str, missing))}", err=True)
        raise typer.Exit(EXIT_USAGE)
    files = collect_files(paths)
    if not files:
        typer.echo("lawrep: no .txt or .html reports found", err=True)
        raise typer.Exit(EXIT_USAGE)
    nlp = _load(model)
    console = Console(stderr=True)
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("reading reports", total=len(files))
            result = run_extract(nlp, files, out, output_format=output_format.value, n_process=n_process,
                                 on_file=lambda _: progress.advance(task))
    except KeyboardInterrupt:
        typer.echo("lawrep: interrupted; no output written", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    for failure in result.failures:
        typer.echo(f"lawrep: skipped {failure.path}: {failure.reason}", err=True)
    typer.echo(f"lawrep: {result.documents} documents → {out}; {len(result.failures)} files skipped", err=True)
    raise typer.Exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


@app.command()
def info(model: str = typer.Option("lawrep_zh", "--model", "-m", help="Pipeline name or path.")) -> None:
    """Print the pipeline: name, version, components, tokenizer and what it was built from."""
    nlp = _load(model)
    meta = nlp.meta
    typer.echo(f"{meta.get('name')} {meta.get('version')} (spaCy {meta.get('spacy_version')}, lang {nlp.lang})")
    typer.echo(f"tokenizer: {nlp.config['nlp']['tokenizer'].get('@tokenizers')}")
    typer.echo(f"components: {', '.join(nlp.pipe_names) or '(none)'}")
    for source in meta.get("sources", []):
        typer.echo(f"built from: {json.dumps(source, ensure_ascii=False)}")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
