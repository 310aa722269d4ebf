"""Inline annotation markup ⇄ corpus records (the format of corpus/ANNOTATION.md).

Writing offsets by hand is error-prone; writing annotations inline is not::

    全年办理{法律援助案件|I:a}{157件|Q:157:件>a}，{调解成功率|I:b}达到{98%|Q:98:%>b}。

Groups are ``{SURFACE|TAG}``. TAG is an entity label (ORG GPE LAW PROGRAM DATE), ``I:<id>`` for
an indicator, or ``Q:<value>:<unit>[:approx=X][:change=increase|decrease][:max=N][>id]`` for a
quantity linked to indicator ``id`` (value ``*`` marks a placeholder such as ``*件``). Groups may
nest; ``\\{``, ``\\}`` and ``\\|`` are literal. This is the same notation as the project's seed
examples, so their markup files are read unchanged.
"""

from __future__ import annotations

from typing import Any

ENTITY_LABELS = ("ORG", "GPE", "LAW", "PROGRAM", "DATE", "QUANTITY")
INDICATOR = "INDICATOR"
QUANTITY_OPTIONS = ("approx", "change", "max")
ESCAPABLE = "{}|"

Record = dict[str, Any]


def canonical_key(record: Record, quantity: list[int] | tuple[int, int]) -> tuple[Any, Any, int, int]:
    """How corpus/canonical/*.tsv names the gold link of `quantity` ([start, end]) in `record`:
    (doc, para, q_start, q_end) from the record's meta."""
    meta = record.get("meta") or {}
    return (meta.get("doc"), meta.get("para"), *quantity)


class MarkupError(ValueError):
    """A markup line that cannot be read; the message says where."""


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text)


def _quantity_span(start: int, end: int, body: str) -> dict[str, Any]:
    parts = body.split(":")
    if len(parts) < 2:
        raise MarkupError(f"quantity tag Q:{body} needs Q:value:unit")
    value, unit, extras = parts[0], parts[1], parts[2:]
    span: dict[str, Any] = {"start": start, "end": end, "label": "QUANTITY", "unit": unit}
    if value == "*":
        span["value"] = None
        span["placeholder"] = True
    else:
        try:
            span["value"] = _number(value)
        except ValueError as err:
            raise MarkupError(f"quantity value {value!r} is not a number or *") from err
    for extra in extras:
        key, _, option = extra.partition("=")
        if key not in QUANTITY_OPTIONS or not option:
            raise MarkupError(f"unknown quantity option {extra!r}")
        if key == "change" and option not in ("increase", "decrease"):
            raise MarkupError(f"change must be increase or decrease, not {option!r}")
        if key == "max":
            try:
                span[key] = _number(option)
            except ValueError as err:
                raise MarkupError(f"max {option!r} is not a number") from err
        else:
            span[key] = option
    return span


def parse(line: str) -> tuple[str, list[dict[str, Any]], list[dict[str, list[int]]]]:
    """Return (text, spans, relations) for one line of markup."""
    chars: list[str] = []
    spans: list[dict[str, Any]] = []
    indicators: dict[str, tuple[int, int]] = {}
    links: list[tuple[tuple[int, int], str]] = []
    open_groups: list[int] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line) and line[i + 1] in ESCAPABLE:
            chars.append(line[i + 1])
            i += 2
        elif ch == "{":
            open_groups.append(len(chars))
            i += 1
        elif ch == "|" and open_groups:
            close = line.find("}", i)
            if close < 0:
                raise MarkupError(f"group at text offset {open_groups[-1]} is not closed")
            start, end, tag = open_groups.pop(), len(chars), line[i + 1 : close]
            if start == end:
                raise MarkupError(f"empty span with tag {tag!r}")
            if tag.startswith("I:"):
                ident = tag[2:]
                if not ident or ident in indicators:
                    raise MarkupError(f"indicator id {ident!r} missing or repeated")
                indicators[ident] = (start, end)
                spans.append({"start": start, "end": end, "label": INDICATOR})
            elif tag.startswith("Q:"):
                body, _, link = tag[2:].partition(">")
                spans.append(_quantity_span(start, end, body))
                if link:
                    links.append(((start, end), link))
            elif tag in ENTITY_LABELS:
                spans.append({"start": start, "end": end, "label": tag})
            else:
                raise MarkupError(f"unknown tag {tag!r}")
            i = close + 1
        elif ch == "}":
            raise MarkupError(f"stray }} at text offset {len(chars)}")
        else:
            chars.append(ch)
            i += 1
    if open_groups:
        raise MarkupError(f"group at text offset {open_groups[-1]} has no |TAG}}")
    relations = []
    for quantity, ident in links:
        if ident not in indicators:
            raise MarkupError(f"link to unknown indicator id {ident!r}")
        relations.append({"quantity": list(quantity), "indicator": list(indicators[ident])})
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return "".join(chars), spans, relations


def to_markup(record: Record) -> str:
    """Write a record back as one line of markup (the inverse of `parse`)."""
    text = record["text"]
    indicator_ids = {
        (s["start"], s["end"]): f"i{k + 1}"
        for k, s in enumerate(sorted((s for s in record["spans"] if s["label"] == INDICATOR), key=lambda s: s["start"]))
    }
    links = {tuple(r["quantity"]): indicator_ids.get(tuple(r["indicator"])) for r in record.get("relations", [])}
    opens: dict[int, list[tuple[int, str]]] = {}
    for span in record["spans"]:
        label = span["label"]
        if label == INDICATOR:
            tag = "I:" + indicator_ids[(span["start"], span["end"])]
        elif label == "QUANTITY":
            value = "*" if span.get("placeholder") else span.get("value")
            tag = f"Q:{value}:{span.get('unit', '')}"
            tag += "".join(f":{key}={span[key]}" for key in QUANTITY_OPTIONS if span.get(key) is not None)
            target = links.get((span["start"], span["end"]))
            if target:
                tag += ">" + target
        else:
            tag = label
        opens.setdefault(span["start"], []).append((span["end"], tag))
    out: list[str] = []
    stack: list[tuple[int, str]] = []
    for i, ch in enumerate([*text, None]):
        while stack and stack[-1][0] == i:
            out.append("|" + stack.pop()[1] + "}")
        if ch is None:
            break
        for end, tag in sorted(opens.get(i, []), key=lambda x: -x[0]):
            out.append("{")
            stack.append((end, tag))
        out.append("\\" + ch if ch in ESCAPABLE else ch)
    return "".join(out)


def escape(text: str) -> str:
    """Escape a raw line so that it reads back as itself."""
    return "".join("\\" + ch if ch in ESCAPABLE else ch for ch in text)
