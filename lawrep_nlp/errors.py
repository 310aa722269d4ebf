"""Every difference between a pipeline's output and gold annotations, sorted into kinds.

A score says how often the pipeline is wrong; these records say how. Each entity or link that
is not exactly right becomes one record with a category (``missed``, ``boundary``,
``starts earlier`` …), the gold and predicted text and the words around them, so that an error
analysis can count kinds of mistakes instead of reading offsets. ``lawrep evaluate --errors``
writes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .evaluation import ENTITY_LABELS, Annotation

CONTEXT_CHARS = 12


@dataclass(frozen=True)
class ErrorRecord:
    """One entity or link the pipeline got wrong."""

    kind: str  # "entity" or "link"
    label: str  # entity label; "LINK" for links
    category: str
    gold: str | None  # gold span text (the gold indicator for links)
    predicted: str | None  # predicted span text (the predicted indicator for links)
    quantity: str | None  # the linked quantity (links only)
    context: str  # the text around the error, gold span in 【】
    doc: str | None = None
    para: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS):start]
    return f"{left}【{text[start:end]}】{text[end:end + CONTEXT_CHARS]}".replace("\n", " ")


def entity_errors(gold: Annotation, predicted: Annotation) -> list[ErrorRecord]:
    """Gold entities not predicted exactly and predicted entities not in gold, one record each.

    A gold span is ``label`` when a span with its offsets was predicted under another label,
    ``boundary`` when a predicted span of its label overlaps it with other offsets, ``inside
    <LABEL>`` when only a span of another label overlaps it, else ``missed``. A predicted span
    that overlaps no gold span of its label is ``spurious`` (or ``spurious over <LABEL>`` when it
    overlaps gold of another label); one that overlaps a gold span of its label with other
    offsets is already counted as that span's ``boundary``.
    """
    text = gold.text
    errors = []
    for start, end, label in sorted(gold.entities - predicted.entities):
        if label not in ENTITY_LABELS:
            continue
        same_offsets = [p for p in predicted.entities if p[:2] == (start, end)]
        same_label = [p for p in predicted.entities if p[2] == label and _overlaps(p[:2], (start, end))]
        other_label = sorted(p for p in predicted.entities if p[2] != label and _overlaps(p[:2], (start, end)))
        if same_offsets:
            category, shown = "label", same_offsets[0]
        elif same_label:
            category, shown = "boundary", min(same_label)
        elif other_label:
            category, shown = f"inside {other_label[0][2]}", other_label[0]
        else:
            category, shown = "missed", None
        errors.append(ErrorRecord("entity", label, category, text[start:end],
                                  None if shown is None else text[shown[0]:shown[1]], None,
                                  _context(text, start, end)))
    for start, end, label in sorted(predicted.entities - gold.entities):
        if label not in ENTITY_LABELS:
            continue
        if any(g[2] == label and _overlaps(g[:2], (start, end)) for g in gold.entities):
            continue  # a boundary error of that gold span
        if any(g[:2] == (start, end) for g in gold.entities):
            continue  # a label error of that gold span
        other = sorted(g for g in gold.entities if _overlaps(g[:2], (start, end)))
        category = f"spurious over {other[0][2]}" if other else "spurious"
        errors.append(ErrorRecord("entity", label, category, None, text[start:end], None,
                                  _context(text, start, end)))
    return errors


def _edge_category(gold: tuple[int, int], predicted: tuple[int, int]) -> str:
    """How an overlapping predicted indicator differs from the gold one."""
    parts = []
    if predicted[0] != gold[0]:
        parts.append("starts earlier" if predicted[0] < gold[0] else "starts later")
    if predicted[1] != gold[1]:
        parts.append("ends later" if predicted[1] > gold[1] else "ends earlier")
    return ", ".join(parts)


def link_errors(gold: Annotation, predicted: Annotation) -> list[ErrorRecord]:
    """Gold links not predicted exactly and predicted links with no gold counterpart.

    For a gold link (quantity → indicator): ``quantity missed`` when the pipeline has no
    quantity with those offsets; ``no indicator`` when it has the quantity but links it to
    nothing; ``other phrase`` when its indicator does not overlap the gold one; otherwise how the
    edges differ (``starts earlier``: the predicted indicator takes in words before the gold
    one). A predicted link whose quantity has no gold link is ``spurious``.
    """
    text = gold.text
    predicted_quantities = {(s, e) for s, e, label in predicted.entities if label == "QUANTITY"}
    predicted_by_quantity = {link[:2]: link[2:] for link in predicted.links}
    gold_linked = {link[:2] for link in gold.links}
    errors = []
    for link in sorted(gold.links - predicted.links):
        quantity, indicator = link[:2], link[2:]
        shown = predicted_by_quantity.get(quantity)
        if quantity not in predicted_quantities:
            category = "quantity missed"
        elif shown is None:
            category = "no indicator"
        elif not _overlaps(shown, indicator):
            category = "other phrase"
        else:
            category = _edge_category(indicator, shown)
        errors.append(ErrorRecord("link", "LINK", category, text[indicator[0]:indicator[1]],
                                  None if shown is None else text[shown[0]:shown[1]], text[quantity[0]:quantity[1]],
                                  _context(text, min(indicator[0], quantity[0]), max(indicator[1], quantity[1]))))
    for link in sorted(predicted.links - gold.links):
        quantity, indicator = link[:2], link[2:]
        if quantity in gold_linked:
            continue  # counted with that gold link
        errors.append(ErrorRecord("link", "LINK", "spurious", None, text[indicator[0]:indicator[1]],
                                  text[quantity[0]:quantity[1]],
                                  _context(text, min(indicator[0], quantity[0]), max(indicator[1], quantity[1]))))
    return errors


def errors_of(records: list[dict[str, Any]], pairs: Iterable[tuple[Annotation, Annotation]]) -> list[ErrorRecord]:
    """Entity and link errors of every (gold, predicted) pair, tagged with the record's doc and
    paragraph."""
    out = []
    for record, (gold, predicted) in zip(records, pairs, strict=True):
        meta = record.get("meta", {})
        for error in entity_errors(gold, predicted) + link_errors(gold, predicted):
            out.append(ErrorRecord(**{**error.to_dict(), "doc": meta.get("doc"), "para": meta.get("para")}))
    return out


def error_summary(errors: Iterable[ErrorRecord]) -> dict[str, dict[str, int]]:
    """Number of errors per label and category, most frequent category first."""
    counts: dict[str, Counter] = {}
    for error in errors:
        counts.setdefault(error.label, Counter())[error.category] += 1
    return {label: dict(counter.most_common()) for label, counter in sorted(counts.items())}


def format_summary(summary: dict[str, dict[str, int]]) -> str:
    lines = ["errors by kind"]
    for label, categories in summary.items():
        listed = ", ".join(f"{category} {n}" for category, n in categories.items())
        lines.append(f"  {label:10} {sum(categories.values()):4}  {listed}")
    return "\n".join(lines)
