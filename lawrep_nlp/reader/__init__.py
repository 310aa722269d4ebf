"""Reading saved reports: encodings, HTML, page chrome, metadata.

``read_report(path)`` returns a Report whose ``text`` is what the pipeline sees (chrome
removed, nothing else changed) and whose ``meta`` travels on ``doc._.report``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus.documents import HEADER_RE
from ..pipes.places.divisions import region_code
from .chrome import remove_chrome
from .decode import UnreadableReport, decode_bytes
from .html import html_to_text, looks_like_html, looks_like_html_page
from .metadata import extract_metadata, region_and_issuer

#: Files larger than this are refused (a report is tens of kilobytes; this guards memory).
MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")

__all__ = ["HTML_SUFFIXES", "TEXT_SUFFIXES", "Report", "UnreadableReport", "read_report", "report_from_text"]


@dataclass
class Report:
    """A report ready for the pipeline: cleaned text and its metadata."""

    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def split_provenance_header(raw: str) -> tuple[str, dict[str, str]]:
    """Take the ``# source: / # region: / # year:`` lines off a corpus excerpt file."""
    provenance: dict[str, str] = {}
    lines = raw.split("\n")
    while lines and (match := HEADER_RE.match(lines[0])):
        provenance[match.group(1)] = match.group(2).strip()
        lines.pop(0)
    return ("\n".join(lines), provenance) if provenance else (raw, {})


def report_from_text(raw: str, *, file: str | None = None, encoding: str | None = None,
                     is_html: bool | None = None) -> Report:
    """Clean an already decoded report (plain text or HTML) and read its metadata."""
    html_meta: dict[str, str | None] = {}
    if is_html if is_html is not None else looks_like_html(raw):
        raw, html_meta = html_to_text(raw)
        source_format = "html"
    else:
        source_format = "text"
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    raw, provenance = split_provenance_header(raw)
    text, chrome = remove_chrome(raw)
    meta: dict[str, Any] = {"file": file, "format": source_format, "encoding": encoding,
                            **extract_metadata(text, chrome, html_meta), "chrome_lines": chrome}
    # The corpus's own excerpt files say where they come from; that beats any guess. Their region
    # may name the issuing body (天津市静海区司法局): the place is the region, the body the publisher.
    provenance = {key: value for key, value in provenance.items() if value and value != "unknown"}
    if "region" in provenance:
        provenance["region"], issuer = region_and_issuer(provenance["region"])
        if issuer and not meta.get("publisher"):
            provenance["publisher"] = issuer
    meta.update(provenance)
    # the division the region names, when it names one: reports that spell one place differently
    # (杭州市西湖区, 浙江省杭州市西湖区) line up by it
    meta["region_code"] = region_code(meta["region"]) if meta.get("region") else None
    return Report(text=text, meta=meta)


def path_text(path: str | Path) -> str:
    """A path as printable text: bytes of a file name that are not UTF-8 become \\xNN escapes,
    so that JSON, CSV and the terminal can take it (str(path) would carry lone surrogates)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_report(path: str | Path) -> Report:
    """Read one .txt or .html report. Raises UnreadableReport (a ValueError) with a clear
    message for anything that is not a readable text report, and OSError for I/O failures."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UnreadableReport(f"file is {size / 1e6:.0f} MB, more than the {MAX_BYTES // 2**20} MiB limit")
    text, encoding, replaced = decode_bytes(path.read_bytes())
    if not text.strip():
        raise UnreadableReport("file holds no text")
    suffix = path.suffix.lower()
    # a .txt file is HTML only when it holds a whole page: a report may mention a <p> tag
    is_html = suffix in HTML_SUFFIXES or (looks_like_html_page(text) if suffix in TEXT_SUFFIXES
                                          else looks_like_html(text))
    report = report_from_text(text, file=path_text(path), encoding=encoding, is_html=is_html)
    if not report.text.strip():
        raise UnreadableReport("nothing but page chrome in the file")
    report.meta["undecodable_bytes"] = replaced
    return report
