"""Main text and metadata of a saved HTML report page, via trafilatura (boilerplate removal)."""

from __future__ import annotations

import re
from html import unescape

from .decode import UnreadableReport

#: A tag as HTML writes it (no space after <): a page, or a fragment of block elements.
HTML_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p|table|meta)\b", re.IGNORECASE)
#: What only a whole page has.
PAGE_TAG = r"<(?:!doctype\s+html|html|head|body)\b"
HTML_PAGE_RE = re.compile(PAGE_TAG, re.IGNORECASE)
#: How a saved page begins: perhaps an XML declaration or comments, then its doctype or <html>,
#: <head> or <body> (a report that names <head> in its text does not begin so).
PAGE_START_RE = re.compile(rf"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*{PAGE_TAG}", re.IGNORECASE | re.DOTALL)
TAG_RE = re.compile(r"<[^<>]{0,2000}>")
#: What a fragment's text must not include: scripts, styles and comments, whole.
HIDDEN_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)


def looks_like_html(text: str) -> bool:
    return bool(HTML_RE.search(text[:2048]))


def looks_like_html_page(text: str) -> bool:
    """A whole page, from its first characters: what a .txt file must look like to be read as
    HTML (a report that mentions a <p> or <head> tag in its text stays text; regression: it was
    refused as an HTML page without text)."""
    return bool(PAGE_START_RE.match(text[:2048].lstrip("\ufeff")))


def html_to_text(html: str) -> tuple[str, dict[str, str | None]]:
    """Return (main text, {title, date, sitename}) of an HTML page."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True,
                               deduplicate=False, output_format="txt")
    if not text or not text.strip():
        if HTML_PAGE_RE.search(html[:2048]):
            raise UnreadableReport("no report text found in the HTML page")
        # a fragment too short for trafilatura (<p>受理行政复议案件97件。</p>): its text, tags removed
        visible = TAG_RE.sub("\n", HIDDEN_RE.sub("\n", html))
        text = "\n".join(line.strip() for line in unescape(visible).split("\n") if line.strip())
        if not text:
            raise UnreadableReport("no report text found in the HTML fragment")
        return text, {"title": None, "date": None, "sitename": None}
    # not extensive: the date a page states (its meta tags, structured data), never one guessed from
    # a year in its text (regression: a page titled 2023年… was given the date 2023-01-01)
    meta = trafilatura.extract_metadata(html, extensive=False)
    info: dict[str, str | None] = {"title": None, "date": None, "sitename": None}
    if meta is not None:
        info = {"title": meta.title, "date": meta.date, "sitename": meta.sitename}
    return text, info
