"""The corpus's raw documents: where they are, their provenance and their paragraphs.

A paragraph is a non-empty line of the raw file, as written (leading spaces kept, line break
removed). Excerpts in raw/texts/ start with three provenance lines (``# source:``,
``# region:``, ``# year:``) that are not report text.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

HEADER_RE = re.compile(r"^# (source|region|year): ?(.*)$")


@dataclass(frozen=True)
class RawDocument:
    """One raw report (a seed) or excerpt, with what is known about where it came from."""

    doc_id: str
    path: Path
    source: str
    region: str
    year: str

    def paragraphs(self) -> list[str]:
        return read_paragraphs(self.path)


def read_paragraphs(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and HEADER_RE.match(lines[0]):
        while lines and HEADER_RE.match(lines[0]):
            lines = lines[1:]
    return [line.rstrip("\r") for line in lines if line.strip()]


def _read_header(path: Path) -> dict[str, str]:
    header = {}
    for line in path.read_text(encoding="utf-8").split("\n")[:3]:
        match = HEADER_RE.match(line)
        if match:
            header[match.group(1)] = match.group(2).strip()
    return header


def raw_documents(corpus_dir: Path) -> list[RawDocument]:
    """All raw documents: the seed reports first, then the excerpts, in file order."""
    raw = corpus_dir / "raw"
    docs = []
    seed_meta = _seed_provenance(raw / "seeds" / "PROVENANCE.tsv")
    for path in sorted((raw / "seeds").glob("*.txt")):
        meta = seed_meta.get(path.name, {})
        docs.append(RawDocument(path.stem, path, meta.get("source", "seed:" + path.name),
                                meta.get("region", ""), meta.get("year", "")))
    for path in sorted((raw / "texts").glob("*.txt")):
        header = _read_header(path)
        docs.append(RawDocument("text_" + path.stem, path, header.get("source", ""),
                                header.get("region", ""), header.get("year", "")))
    return docs


def _seed_provenance(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}
