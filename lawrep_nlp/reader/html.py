"""Main text and metadata of a saved HTML report page, via trafilatura (boilerplate removal)."""

from __future__ import annotations

import re

from .decode import UnreadableReport

HTML_RE = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|table|meta)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return bool(HTML_RE.search(text[:2048]))


def html_to_text(html: str) -> tuple[str, dict[str, str | None]]:
    """Return (main text, {title, date, sitename}) of an HTML page."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True,
                               deduplicate=False, output_format="txt")
    if not text or not text.strip():
        raise UnreadableReport("no report text found in the HTML page")
    meta = trafilatura.extract_metadata(html)
    info = {"title": None, "date": None, "sitename": None}
    if meta is not None:
        info = {"title": meta.title, "date": meta.date, "sitename": meta.sitename}
    return text, info
