"""Span and link agreement between two annotations of the same paragraphs."""

from __future__ import annotations

from collections import Counter

from ..evaluation import prf as evaluation_prf
from .markup import Record


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    return {**evaluation_prf(tp, n_pred, n_gold), "tp": tp, "n_a": n_pred, "n_b": n_gold}


def agreement(first: list[Record], second: list[Record]) -> dict[str, dict[str, float]]:
    """Exact-match F1 per label, for all entities, and for links (A as prediction, B as gold;
    F1 is symmetric)."""
    counts: Counter[tuple[str, str]] = Counter()
    for a, b in zip(first, second, strict=True):
        if a["text"] != b["text"]:
            raise ValueError("the two annotations are not of the same paragraphs")
        spans_a = {(s["start"], s["end"], s["label"]) for s in a["spans"]}
        spans_b = {(s["start"], s["end"], s["label"]) for s in b["spans"]}
        for label in {lab for *_, lab in spans_a | spans_b}:
            sa = {s for s in spans_a if s[2] == label}
            sb = {s for s in spans_b if s[2] == label}
            counts[(label, "tp")] += len(sa & sb)
            counts[(label, "a")] += len(sa)
            counts[(label, "b")] += len(sb)
        links_a = {(tuple(r["quantity"]), tuple(r["indicator"])) for r in a["relations"]}
        links_b = {(tuple(r["quantity"]), tuple(r["indicator"])) for r in b["relations"]}
        counts[("LINK", "tp")] += len(links_a & links_b)
        counts[("LINK", "a")] += len(links_a)
        counts[("LINK", "b")] += len(links_b)
        # relaxed: same quantity, overlapping indicator
        relaxed = sum(
            any(qa == qb and ia[0] < ib[1] and ib[0] < ia[1] for qb, ib in links_b) for qa, ia in links_a
        )
        counts[("LINK_RELAXED", "tp")] += relaxed
        counts[("LINK_RELAXED", "a")] += len(links_a)
        counts[("LINK_RELAXED", "b")] += len(links_b)
    labels = sorted({label for label, _ in counts})
    result = {label: prf(counts[(label, "tp")], counts[(label, "a")], counts[(label, "b")]) for label in labels}
    entity_labels = [lab for lab in labels if lab not in ("INDICATOR", "LINK", "LINK_RELAXED")]
    result["ENTITIES"] = prf(*(sum(counts[(lab, k)] for lab in entity_labels) for k in ("tp", "a", "b")))
    return result
