"""Gold annotations: built from the inline markup in corpus/markup/, stored as JSONL in
corpus/annotations/ (one file per document, one record per paragraph)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .documents import raw_documents
from .markup import Record, parse
from .splits import split_of


def markup_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def build_records(corpus_dir: Path, markup_dir: str = "markup") -> tuple[list[Record], list[str]]:
    """Records for every document that has markup, and a log of what was left out.

    A paragraph that already occurred in an earlier document (a shared heading such as
    一、主要举措和成效 or page chrome) is left out of the later one, so no paragraph appears in
    two documents, and so in two splits.
    """
    splits = split_of(corpus_dir)
    seen: dict[str, str] = {}
    records: list[Record] = []
    log: list[str] = []
    for doc in raw_documents(corpus_dir):
        path = corpus_dir / markup_dir / f"{doc.doc_id}.markup.txt"
        if not path.exists():
            continue
        for number, line in enumerate(markup_lines(path), 1):
            text, spans, relations = parse(line)
            key = text.strip()
            if seen.setdefault(key, doc.doc_id) != doc.doc_id:
                log.append(f"{doc.doc_id} paragraph {number} {key[:30]!r}: already in {seen[key]}, left out")
                continue
            meta = {"doc": doc.doc_id, "para": number, "source": doc.source, "region": doc.region,
                    "year": doc.year, "split": splits.get(doc.doc_id)}
            records.append({"text": text, "meta": meta, "spans": spans, "relations": relations})
    return records, log


def write_annotations(corpus_dir: Path, records: list[Record]) -> list[Path]:
    out_dir = corpus_dir / "annotations"
    out_dir.mkdir(exist_ok=True)
    by_doc: dict[str, list[Record]] = {}
    for record in records:
        by_doc.setdefault(record["meta"]["doc"], []).append(record)
    paths = []
    for doc_id, doc_records in by_doc.items():
        path = out_dir / f"{doc_id}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in doc_records), encoding="utf-8")
        paths.append(path)
    return paths


class JsonlError(ValueError):
    """A JSONL file that cannot be read: not UTF-8, or a line that is not a JSON object; the
    message names the file (and the line)."""


def numbered_records(path: Path) -> Iterator[tuple[int, Record]]:
    """(line number, record) of every non-blank line. Lines end at \n only: a U+2028 may stand
    inside a JSON string."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise JsonlError(f"{path}: not UTF-8 (byte {err.start}), which JSON must be") from None
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise JsonlError(f"{path}:{number}: not JSON ({err.msg})") from None
        if not isinstance(record, dict):
            raise JsonlError(f"{path}:{number}: not a JSON object")
        yield number, record


def read_jsonl(path: Path) -> Iterator[Record]:
    for _, record in numbered_records(path):
        yield record


def load_annotations(corpus_dir: Path, split: str | None = None) -> list[Record]:
    """All gold records (optionally of one split), in document order."""
    records: list[Record] = []
    for path in sorted((corpus_dir / "annotations").glob("*.jsonl")):
        records.extend(r for r in read_jsonl(path) if split is None or r["meta"].get("split") == split)
    return records
