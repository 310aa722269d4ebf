"""Checks that every corpus record follows the annotation standard (corpus/ANNOTATION.md)."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..numerals import parse_quantity
from ..sentences import sentence_index, sentence_spans
from .markup import ENTITY_LABELS, INDICATOR, MarkupError, Record, parse

KNOWN_LABELS = set(ENTITY_LABELS) | {INDICATOR}
CHANGES = ("increase", "decrease")


def structural_problems(record: Record, extra_labels: Collection[str] = ()) -> list[str]:
    """What makes a record unreadable rather than wrong: no text, fields not of the format's shape,
    span offsets outside the text, unknown labels (`extra_labels`: entity labels beyond the
    standard's that the user's annotations name, such as PERSON). Scoring or converting such a
    record fails."""
    text = record.get("text")
    if not isinstance(text, str) or not text:
        return ["record has no text"]
    problems = shape_problems(record)
    if problems:
        return problems
    for span in record.get("spans", []):
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        # bool is an int to Python: true is no offset (regression: it was read as 1)
        if not all(isinstance(offset, int) and not isinstance(offset, bool) for offset in (start, end)):
            problems.append(f"span offsets {start!r}-{end!r} are not integers")
        elif not 0 <= start < end <= len(text):
            problems.append(f"span offsets {start}-{end} outside the text")
        elif label not in KNOWN_LABELS and label not in extra_labels:
            problems.append(f"unknown label {label!r} at {start}-{end}"
                            + (f" (an entity label of your own? name it: --label {label})"
                               if isinstance(label, str) and label.isupper() else ""))
    return problems


def record_problems(record: Record, extra_labels: Collection[str] = ()) -> list[str]:
    """Everything wrong with one paragraph record, as readable messages (empty when valid); a
    record with structural problems gets only those. `extra_labels`: entity labels beyond the
    standard's (see structural_problems), checked like the standard's entities."""
    problems = structural_problems(record, extra_labels)
    if problems:
        return problems
    text, spans = record["text"], record.get("spans", [])
    by_offsets: dict[tuple[int, int, str], dict[str, Any]] = {}
    for span in spans:
        start, end, label = span["start"], span["end"], span["label"]
        surface = text[start:end]
        if surface != surface.strip():
            problems.append(f"{label} span {surface!r} starts or ends with white space")
        if label == "QUANTITY":
            problems.extend(quantity_problems(text, span))
        by_offsets[(start, end, label)] = span
    entity_labels = {*ENTITY_LABELS, *extra_labels}
    entities = sorted((s for s in spans if s.get("label") in entity_labels), key=lambda s: (s["start"], s["end"]))
    for left, right in pairwise(entities):
        if right["start"] < left["end"]:
            first, second = text[left["start"]:left["end"]], text[right["start"]:right["end"]]
            problems.append(f"entities overlap: {first!r} / {second!r}")
    sentences = sentence_spans(text)
    linked: set[tuple[int, int]] = set()
    for relation in record.get("relations", []):
        quantity, indicator = tuple(relation.get("quantity", ())), tuple(relation.get("indicator", ()))
        if (*quantity, "QUANTITY") not in by_offsets:
            problems.append(f"relation from {quantity}: no QUANTITY span there")
            continue
        if (*indicator, INDICATOR) not in by_offsets:
            problems.append(f"relation to {indicator}: no INDICATOR span there")
            continue
        if quantity in linked:
            problems.append(f"QUANTITY {text[quantity[0]:quantity[1]]!r} has more than one link")
        linked.add(quantity)
        if sentence_index(sentences, quantity[0]) != sentence_index(sentences, indicator[0]) or (
            sentence_index(sentences, indicator[1] - 1) != sentence_index(sentences, indicator[0])
        ):
            link = f"{text[quantity[0]:quantity[1]]!r} → {text[indicator[0]:indicator[1]]!r}"
            problems.append(f"link {link} crosses a sentence boundary")
    return problems


def _is_pair(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int) for v in value)


def shape_problems(record: Record) -> list[str]:
    """What is not of the format's shape (ANNOTATION.md): spans present and a list of objects, relations a
    list of {quantity: [start, end], indicator: [start, end]}, meta an object. The other checks
    read the fields only when these hold."""
    spans, relations, meta = record.get("spans", []), record.get("relations", []), record.get("meta", {})
    problems = []
    if "spans" not in record:  # regression: lawrep evaluate ended in a KeyError on such a record
        problems.append("record has no spans (a gold record lists them, if need be as []; lawrep extract's "
                        "output is not gold)")
    if not isinstance(spans, list) or not all(isinstance(span, dict) for span in spans):
        problems.append("spans is not a list of objects")
    if not isinstance(relations, list) or not all(
            isinstance(r, dict) and _is_pair(r.get("quantity")) and _is_pair(r.get("indicator")) for r in relations):
        problems.append("relations is not a list of {quantity: [start, end], indicator: [start, end]}")
    if not isinstance(meta, dict):
        problems.append("meta is not an object")
    return problems


def quantity_problems(text: str, span: dict[str, Any]) -> list[str]:
    """A QUANTITY's value, unit, approximation and range must agree with what its text says."""
    surface = text[span["start"]:span["end"]]
    parsed = parse_quantity(surface)
    where = f"QUANTITY {surface!r}"
    if parsed is None:
        return [f"{where}: no number in the span"]
    problems = []
    if parsed.placeholder or span.get("placeholder"):
        if not (parsed.placeholder and span.get("placeholder") and span.get("value") is None):
            problems.append(f"{where}: placeholder needs value * and a masked number")
    else:
        value = span.get("value")
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append(f"{where}: value {value!r} is not a number")
        elif not math.isclose(value, parsed.value or 0.0, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"{where}: value {value} but the text says {parsed.value:g}")
    if span.get("unit", "") != parsed.unit:
        problems.append(f"{where}: unit {span.get('unit')!r} but the text says {parsed.unit!r}")
    approx = span.get("approx")
    if approx is not None:
        before = text[max(0, span["start"] - 4):span["start"]]
        if approx not in surface and not before.endswith(approx):
            problems.append(f"{where}: approx {approx!r} is neither in the span nor right before it")
    elif parsed.approx is not None:
        problems.append(f"{where}: the text says {parsed.approx!r} but approx is not set")
    if span.get("max") is not None and (parsed.max is None or not math.isclose(span["max"], parsed.max)):
        problems.append(f"{where}: max {span['max']} but the text says {parsed.max}")
    if span.get("max") is None and parsed.max is not None:
        problems.append(f"{where}: a range needs max={parsed.max:g}")
    if span.get("change") is not None and span["change"] not in CHANGES:
        problems.append(f"{where}: change must be one of {CHANGES}")
    return problems


def duplicate_paragraphs(records: Iterable[Record]) -> list[str]:
    """Paragraph texts that occur in more than one document."""
    first_doc: dict[str, str] = {}
    problems = []
    for record in records:
        doc, text = record["meta"]["doc"], record["text"].strip()
        if first_doc.setdefault(text, doc) != doc:
            problems.append(f"paragraph {text[:30]!r} occurs in {first_doc[text]} and {doc}")
    return problems


def check_markup_file(path: Path, paragraphs: list[str]) -> list[str]:
    lines = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    problems = []
    if len(lines) != len(paragraphs):
        problems.append(f"{path}: {len(lines)} markup lines but {len(paragraphs)} raw paragraphs")
    for number, (line, raw) in enumerate(zip(lines, paragraphs, strict=False), 1):
        try:
            text, spans, relations = parse(line)
        except MarkupError as err:
            problems.append(f"{path}:{number}: {err}")
            continue
        if text != raw:
            at = next((i for i, (a, b) in enumerate(zip(text, raw, strict=False)) if a != b), min(len(text), len(raw)))
            problems.append(f"{path}:{number}: text differs from the raw paragraph at char {at}: "
                            f"markup {text[max(0, at - 8):at + 8]!r} raw {raw[max(0, at - 8):at + 8]!r}")
            continue
        record = {"text": text, "spans": spans, "relations": relations}
        problems.extend(f"{path}:{number}: {p}" for p in record_problems(record))
    return problems


def validate_corpus(corpus_dir: str | Path) -> list[str]:
    """Every problem in the corpus: markup that does not read back as its raw paragraph, invalid
    records, duplicate paragraphs across documents, documents in no split or in two, and
    annotation JSONL files that are not what the markup builds."""
    import json

    from .annotations import build_records, read_jsonl
    from .documents import raw_documents
    from .splits import SPLITS, extension_problems, load_splits

    corpus_dir = Path(corpus_dir)
    problems: list[str] = []
    docs = raw_documents(corpus_dir)
    for doc in docs:
        path = corpus_dir / "markup" / f"{doc.doc_id}.markup.txt"
        if not path.exists():
            problems.append(f"{doc.doc_id}: no markup file {path}")
            continue
        problems.extend(check_markup_file(path, doc.paragraphs()))
    splits = load_splits(corpus_dir)
    seen: dict[str, str] = {}
    for name in SPLITS:
        for doc_id in splits[name]:
            if doc_id in seen:
                problems.append(f"{doc_id} is in both {seen[doc_id]} and {name}")
            seen[doc_id] = name
    for doc in docs:
        if doc.doc_id not in seen:
            problems.append(f"{doc.doc_id} is in no split")
    problems.extend(extension_problems(corpus_dir))
    records, _ = build_records(corpus_dir)
    problems.extend(duplicate_paragraphs(records))
    built: dict[str, list] = {}
    for record in records:
        built.setdefault(record["meta"]["doc"], []).append(record)
    for doc_id, doc_records in built.items():
        path = corpus_dir / "annotations" / f"{doc_id}.jsonl"
        stored = list(read_jsonl(path)) if path.exists() else None
        if stored != json.loads(json.dumps(doc_records, ensure_ascii=False)):
            problems.append(f"{path} is out of date with the markup: run scripts/build_corpus.py")
    problems.extend(canonical_problems(corpus_dir, records))
    return problems


def canonical_problems(corpus_dir: Path, records: list[Record]) -> list[str]:
    """The canonical-id annotation (canonical/<split>.tsv) covers exactly the gold links of its
    split, uses taxonomy ids only, and never maps across unit dimensions."""
    import json

    from ..evaluation import canonical_rows
    from ..pipes.canonical.mapper import TAXONOMY_FILE
    from ..pipes.quantities.recognizer import QuantityRules

    folder = corpus_dir / "canonical"
    if not folder.exists():
        return []
    entries = {e["id"]: e for e in json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))["indicators"]}
    units = QuantityRules.from_files().units
    problems = []
    for path in sorted(folder.glob("*.tsv")):
        split = path.stem
        links = {}
        for record in records:
            if record["meta"]["split"] != split:
                continue
            spans = {(s["start"], s["end"]): s for s in record["spans"]}
            for relation in record["relations"]:
                q_start, q_end = relation["quantity"]
                links[record["meta"]["doc"], record["meta"]["para"], q_start, q_end] = spans[q_start, q_end]
        keys = set()
        for number, key, canonical in canonical_rows(path):
            keys.add(key)
            where = f"{path}:{number}"
            if key not in links:
                problems.append(f"{where}: no gold link of split {split} at {key}")
                continue
            if canonical and canonical not in entries:
                problems.append(f"{where}: unknown canonical id {canonical!r}")
            elif canonical:
                dimension = units.get(links[key].get("unit") or "")
                if dimension != entries[canonical]["dimension"]:
                    problems.append(f"{where}: {canonical} is {entries[canonical]['dimension']}, "
                                    f"the unit {links[key].get('unit')!r} is {dimension}")
        problems.extend(f"{path}: gold link {key} has no canonical row" for key in sorted(set(links) - keys))
    return problems
