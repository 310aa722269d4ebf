"""The learned half of the canonical mapper (issue 20): a multinomial logistic regression per unit
dimension over the indicator phrase, the verb before the number, the unit and the sentence's domain
words, trained from gold canonical ids.

The rules only know phrasings in the taxonomy's lexicon and cannot weigh a verb or a domain word
against the noun; a linear model over a few sparse features can, and its probability is a
confidence that document-level cross-validation can calibrate (scripts/eval_canonical.py --select).
Its labels are the gold ids of one dimension plus ``NONE`` (links the annotator mapped to no entry),
so it can abstain and it never answers across unit dimensions. Trained with full-batch Adam from
zeros (deterministic, no sampling); the weights are rounded and kept sparse, as plain JSON data.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Any

import numpy as np

NONE = "_none_"
#: a schedule, not a count of things done: 每季度至少开展1次, 每年不少于2次
SCHEDULE = re.compile(r"(每|一)(年|年度|半年|季度|季|月|周|星期|两年|个月)[^，,；;。]{0,8}$"
                      r"|(至少|不少于|不低于)[^，,；;。]{0,4}$")
DIGITS = re.compile(r"[0-9０-９.]+")
#: the layout of the saved weights; data of another layout is not read (initialize trains anew)
FORMAT = 2
#: per-label weights smaller than this are dropped when training ends (the model stays small)
MIN_WEIGHT = 0.01


@dataclass(frozen=True)
class Row:
    """One link as the model sees it: its features, the dimension, the gold label (a taxonomy id or
    NONE; None when predicting) and each candidate entry's own features (term match, its verb
    before the number, its context words, whether the rules pick it)."""

    features: tuple[str, ...]
    dimension: str
    label: str | None
    candidates: dict[str, dict[str, float]]


class Featurizer:
    """Sparse string features of a link, from the taxonomy's verbs, context words and domains."""

    def __init__(self, taxonomy_data: dict[str, Any], normalise: Any):
        self.normalise = normalise
        entries = taxonomy_data["indicators"]
        self.actions = sorted({w for e in entries for w in e["actions"]}, key=len, reverse=True)
        self.domains: dict[str, set[str]] = {}
        for entry in entries:
            for word in entry["context"]:
                self.domains.setdefault(word, set()).add(entry.get("domain", ""))

    def __call__(self, indicator: str, dimension: str, *, before: str = "", sentence: str = "",
                 unit: str | None = None) -> tuple[str, ...]:
        core = DIGITS.sub("0", self.normalise(indicator))
        out = [f"dim={dimension}", "bias"]
        if unit:
            out.append(f"unit={unit}")
        out.append(f"core={core}")
        for n in (1, 2, 3):
            out += [f"c{n}={core[i:i + n]}" for i in range(len(core) - n + 1)]
            if len(core) >= n:
                out.append(f"end{n}={core[-n:]}")
        # the words between the indicator and the number, and just before the number: the verb
        tail = before[before.rfind(indicator) + len(indicator):] if indicator and indicator in before else before[-6:]
        tail = tail[-8:]
        out += [f"t2={tail[i:i + 2]}" for i in range(len(tail) - 1)]
        verbs = [(before.rfind(v) + len(v), len(v), v) for v in self.actions if v in before]
        out += [f"verb={v}" for _, _, v in verbs]
        if verbs:
            out.append(f"last_verb={max(verbs)[2]}")
        for word, domains in self.domains.items():
            if word in sentence:
                out.append(f"ctx={word}")
                out += [f"domain={d}" for d in domains]
        if SCHEDULE.search(before[-14:]):
            out.append("schedule")
        return tuple(dict.fromkeys(out))


class IndicatorModel:
    """Per dimension a log-linear ranker over its taxonomy entries and NONE: a weight per (link
    feature, entry seen in training) and per (link feature, NONE), plus weights shared by all entries
    over their candidate features — so an entry never seen in training can still win on its terms,
    verbs and context words."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self._tables = {dim: (part["labels"], {f: [(part["labels"][int(k)], float(v)) for k, v in
                                                   (pair.split(":") for pair in packed.split())]
                                               for f, packed in part["weights"].items()},
                              float(part["none_bias"]), part["shared"])
                        for dim, part in data["dimensions"].items()}

    @classmethod
    def train(cls, rows: list[Row], labels_of: dict[str, list[str]], *, epochs: int = 150, l2: float = 1e-3,
              learning_rate: float = 0.1) -> IndicatorModel:
        """Fit per dimension by full-batch Adam from zero weights (deterministic). `labels_of`:
        dimension → the taxonomy ids of that dimension (the candidates)."""
        dimensions: dict[str, Any] = {}
        for dim in sorted({row.dimension for row in rows} & set(labels_of)):  # a dimension without entries: no id
            part = [row for row in rows if row.dimension == dim and (row.label == NONE or row.label in labels_of[dim])]
            labels = [NONE, *sorted(labels_of[dim])]
            col = {label: k for k, label in enumerate(labels)}
            seen = np.zeros(len(labels))
            seen[[col[row.label] for row in part]] = 1.0
            features = sorted({f for row in part for f in row.features})
            index = {f: i for i, f in enumerate(features)}
            shared = sorted({name for row in part for c in row.candidates.values() for name in c})
            shared_index = {name: i for i, name in enumerate(shared)}
            x = np.zeros((len(part), len(features)))
            phi = np.zeros((len(part), len(labels), len(shared)))
            y = np.zeros((len(part), len(labels)))
            for r, row in enumerate(part):
                x[r, [index[f] for f in row.features]] = 1.0
                for candidate, values in row.candidates.items():
                    if candidate in col:
                        for name, value in values.items():
                            phi[r, col[candidate], shared_index[name]] = value
                y[r, col[row.label]] = 1.0
            params = [np.zeros((len(features), len(labels))), np.zeros(1), np.zeros(len(shared))]
            moments = [(np.zeros_like(q), np.zeros_like(q)) for q in params]
            for step in range(1, epochs + 1):
                w, none_bias, v = params
                scores = x @ w + np.einsum("nkp,p->nk", phi, v)
                scores[:, 0] += none_bias[0]
                error = (_softmax(scores) - y) / len(part)
                grads = [(x.T @ error + l2 * w) * seen, error[:, :1].sum(axis=0), np.einsum("nkp,nk->p", phi, error)
                         + l2 * v]
                for param, grad, (m, s2) in zip(params, grads, moments, strict=True):
                    m *= 0.9
                    m += 0.1 * grad
                    s2 *= 0.999
                    s2 += 0.001 * grad * grad
                    param -= learning_rate * (m / (1 - 0.9 ** step)) / (np.sqrt(s2 / (1 - 0.999 ** step)) + 1e-8)
            w, none_bias, v = params
            weights = {}
            for f, i in index.items():  # "label index:weight ..." per feature: small and plain JSON
                kept = [f"{k}:{round(float(w[i, k]), 3):g}" for k in range(len(labels)) if abs(w[i, k]) >= MIN_WEIGHT]
                if kept:
                    weights[f] = " ".join(kept)
            dimensions[dim] = {"labels": labels, "weights": weights, "none_bias": round(float(none_bias[0]), 4),
                               "shared": {name: round(float(v[i]), 4) for name, i in shared_index.items()}}
        return cls({"format": FORMAT, "dimensions": dimensions, "epochs": epochs, "l2": l2, "rows": len(rows)})

    def predict(self, row: Row, allowed: Container[str] | None = None) -> tuple[str | None, float]:
        """The most probable label of the row's dimension (None for NONE or an unknown dimension)
        and its probability. `allowed`: the ids the reading taxonomy has (the model never answers
        an entry its taxonomy lacks; None: every label it was trained with)."""
        table = self._tables.get(row.dimension)
        if table is None:
            return None, 0.0
        labels, weights, none_bias, shared = table
        scores = dict.fromkeys(labels, 0.0)
        scores[NONE] = none_bias
        for f in row.features:
            for label, value in weights.get(f, ()):
                scores[label] += value
        if allowed is not None:
            labels = [label for label in labels if label == NONE or label in allowed]
        for candidate, values in row.candidates.items():
            if candidate in scores:
                scores[candidate] += sum(shared.get(name, 0.0) * value for name, value in values.items())
        array = np.array([scores[label] for label in labels])
        probs = _softmax(array[None, :])[0]
        best = int(np.argmax(probs))
        return (None if labels[best] == NONE else labels[best]), round(float(probs[best]), 4)

    def to_data(self) -> dict[str, Any]:
        return self.data


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


__all__ = ["NONE", "Featurizer", "IndicatorModel", "Row"]
