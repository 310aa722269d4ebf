"""A self-contained HTML page for one processed report: entities highlighted by label, each
INDICATOR underlined, each QUANTITY tied to its indicator by a shared number (hover one to
light up the other), and the measurement table. No external files, scripts or fonts: the
page opens offline and can be mailed or archived as it is."""

from __future__ import annotations

from html import escape
from itertools import pairwise
from typing import Any

from spacy.tokens import Doc

from .extensions import INDICATORS_KEY
from .measurements import measurement_records

#: Label colours (background); INDICATOR is drawn as an underline instead.
LABEL_COLOURS = {
    "ORG": "#cfe3ff", "GPE": "#d7f5d0", "LAW": "#ffe2b8", "PROGRAM": "#f3d1f4",
    "DATE": "#e6e6e6", "QUANTITY": "#fff3a6",
}
TABLE_COLUMNS = ("indicator", "action", "value", "unit", "approx", "change", "quantity_text", "sentence")

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 60em; line-height: 2.1; color: #222; }
h1 { font-size: 1.4em; line-height: 1.4; } .meta { color: #555; font-size: .9em; line-height: 1.5; }
.legend span { margin-right: .8em; padding: .1em .4em; border-radius: .3em; font-size: .85em; }
#text { white-space: pre-wrap; border-top: 1px solid #ddd; padding-top: 1em; }
.ent { border-radius: .25em; padding: .05em 0; }
.indicator { border-bottom: 2px dashed #c0392b; }
[data-n]::after { content: attr(data-n); font-size: .65em; vertical-align: super; color: #c0392b;
                  font-weight: bold; margin-left: .1em; }
.active { outline: 2px solid #c0392b; background-color: #ffd5cf !important; }
table { border-collapse: collapse; width: 100%; margin-top: 1.5em; font-size: .9em; line-height: 1.4; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.sentence { color: #555; }
"""

SCRIPT = """
document.querySelectorAll('[data-link]').forEach(function (el) {
  function toggle(on) {
    el.dataset.link.split(' ').forEach(function (number) {
      document.querySelectorAll('[data-link~="' + number + '"]').forEach(function (other) {
        other.classList.toggle('active', on);
      });
    });
  }
  el.addEventListener('mouseenter', function () { toggle(true); });
  el.addEventListener('mouseleave', function () { toggle(false); });
});
"""


def _pieces(text: str, spans: list[tuple[int, int, dict[str, str]]]) -> list[tuple[int, int]]:
    """The text cut at every span edge, so that overlapping spans need no nesting."""
    edges = {0, len(text)}
    for start, end, _ in spans:
        edges.update((start, end))
    return list(pairwise(sorted(edges)))


def _text_html(doc: Doc) -> str:
    text = doc.text
    # A quantity has one link; an indicator may have several (受理…32件、办结28件).
    link_numbers: dict[tuple[int, int], list[int]] = {}
    for number, (q_start, q_end, i_start, i_end) in enumerate(doc._.links or [], 1):
        link_numbers.setdefault((q_start, q_end), []).append(number)
        link_numbers.setdefault((i_start, i_end), []).append(number)
    covering: list[tuple[int, int, dict[str, str]]] = []
    for ent in doc.ents:
        attrs = {"class": f"ent {ent.label_}", "title": ent.label_ + (f" {ent.id_}" if ent.id_ else "")}
        if ent.label_ == "QUANTITY" and ent._.value is not None:
            attrs["title"] += f" = {ent._.value:g} {ent._.unit or ''}".rstrip()
        covering.append((ent.start_char, ent.end_char, attrs))
    for span in doc.spans.get(INDICATORS_KEY, []):
        covering.append((span.start_char, span.end_char, {"class": "indicator", "title": "INDICATOR"}))
    out = []
    # One sweep: pieces are cut at every edge, so a span that has started and not ended by a
    # piece's start covers the whole piece.
    by_start = sorted(range(len(covering)), key=lambda i: covering[i][0])
    active: set[int] = set()
    next_span = 0
    for start, end in _pieces(text, covering):
        while next_span < len(by_start) and covering[by_start[next_span]][0] <= start:
            active.add(by_start[next_span])
            next_span += 1
        active = {i for i in active if covering[i][1] > start}
        classes, titles, links, badge = [], [], [], []
        for span_start, span_end, attrs in (covering[i] for i in sorted(active)):
            classes.append(attrs["class"])
            titles.append(attrs["title"])
            numbers = link_numbers.get((span_start, span_end), [])
            links.extend(numbers)
            if end == span_end:  # the number badge goes after the span's last piece
                badge.extend(numbers)
        piece = escape(text[start:end])
        if not classes:
            out.append(piece)
            continue
        label = next((c.split()[1] for c in classes if c.startswith("ent ")), None)
        style = f' style="background-color:{LABEL_COLOURS[label]}"' if label in LABEL_COLOURS else ""
        # an entity that is also the indicator (法律明白人) has the same numbers twice (regression: "36,36")
        links, badge = list(dict.fromkeys(links)), list(dict.fromkeys(badge))
        extra = f' data-link="{" ".join(map(str, links))}"' if links else ""
        extra += f' data-n="{",".join(map(str, badge))}"' if badge else ""
        out.append(f'<span class="{" ".join(classes)}" title="{escape(" · ".join(titles))}"{style}{extra}>'
                   f"{piece}</span>")
    return "".join(out)


def _table_html(records: list[dict[str, Any]], doc: Doc) -> str:
    numbers = {(q_start, q_end): n for n, (q_start, q_end, *_) in enumerate(doc._.links or [], 1)}
    head = "".join(f"<th>{column}</th>" for column in ("#", *TABLE_COLUMNS))
    rows = []
    for record in records:
        number = numbers.get((record["start"], record["end"]), "")
        cells = "".join(f'<td class="{column}">{escape(_cell(record.get(column)))}</td>' for column in TABLE_COLUMNS)
        link = f' data-link="{number}"' if number else ""
        rows.append(f"<tr{link}><td>{number}</td>{cells}</tr>")
    return f'<table id="measurements"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_html(doc: Doc) -> str:
    """The whole page as a string."""
    report = doc._.report or {}
    title = report.get("title") or report.get("file") or "lawrep report"
    meta = " · ".join(str(report[k]) for k in ("region", "year", "publisher", "file") if report.get(k))
    legend = "".join(f'<span style="background-color:{colour}">{label}</span>'
                     for label, colour in LABEL_COLOURS.items())
    legend += '<span class="indicator">INDICATOR</span>'
    records = doc._.measurements or measurement_records(doc)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(str(title))}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(str(title))}</h1><p class=\"meta\">{escape(meta)}</p>"
        f'<p class="legend">{legend}</p>'
        f'<div id="text">{_text_html(doc)}</div>'
        f"<h2>Measurements ({len(records)})</h2>{_table_html(records, doc)}"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
