"""The learned half of lawrep_programs' decision on a quoted phrase the lexicon does not know:
programme name (“扫码入企”, “1938”工作模式, “一次性告知”“限时办结”等制度) or rhetoric (当好“关键少数”,
“小快灵”“小切口”立法, “合法、合理、必要、可行”原则).

Why learned: the rules (ProgramRules.quoted_is_programme, data/rules.json) look at one head word
after the quote and at word lists, so a slogan before 活动 passes and a coined name without a head
(推行“扫码入企”) is missed. What decides is the context on both sides — the verb before (开展, 推行
vs 坚持, 当好, 做到) and the word after (制度, 改革 vs 的, 原则, 要求) — with the phrase's own shape
(a numeral code, a list of parts, its last characters). A logistic regression over such sparse
features, with the rule decision as one of them, learns those weights from gold examples.

Deterministic: full-batch Adam from zero weights (no sampling, no seed); the weights are rounded,
kept sparse and stored as plain JSON data with the component. Training reads each example the
way a new report looks to the component: without the lexicon entries and rhetoric phrases attested
only in that example's own document (scripts/programs_lodo.py's idea), so that the phrases it
learns from are those the lexicon would not know.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc

from ...script import matching_text
from .recognizer import ProgramRules, QuotedPhrase, quoted_phrases

#: how a rule decision and the model's probability combine (the factory's ``quoted_policy``)
POLICIES = ("rules", "model", "rules_and_model", "rules_or_model")
#: the layout of the saved weights; data of another layout is not read (initialize trains anew)
FORMAT = 1
#: training settings (full-batch Adam on the mean log loss plus l2/2 · |w|²)
EPOCHS, LEARNING_RATE, L2 = 200, 0.1, 3e-3
#: features seen in fewer training phrases than this are left out; weights below MIN_WEIGHT dropped
MIN_COUNT, MIN_WEIGHT = 2, 0.01
#: decimal places of the saved weights
DECIMALS = 4

DIGIT_RE = re.compile(r"[0-9０-９]+")
LIST_RE = re.compile(r"[、，,；;]")
JOINER_RE = re.compile(r"[+＋—–\-·•.．]")
NUMERAL_RE = re.compile(r"^[一二三四五六七八九十百千万两双0-9０-９]")
#: ASCII punctuation read as its full-width form (the reports mix both)
PUNCTUATION = str.maketrans({",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"})


def features(quoted: QuotedPhrase, rules: ProgramRules) -> tuple[str, ...]:
    """Sparse string features of a quoted phrase in its text (already in simplified characters)."""
    phrase = quoted.phrase
    seen = rules.evidence(phrase, quoted.after)
    out = ["rule=" + ("yes" if rules.decide(seen) else "no")]
    out += [f"seen={name}" for name, value in asdict(seen).items() if value]
    size = len(phrase)
    out.append(f"len={size}" if size <= 6 else "len=7-9" if size <= 9 else "len=10+")
    shape = DIGIT_RE.sub("0", phrase).translate(PUNCTUATION)
    out += [f"first={shape[:1]}", f"first2={shape[:2]}", f"last={shape[-1:]}", f"last2={shape[-2:]}"]
    out += [f"bi={shape[i:i + 2]}" for i in range(len(shape) - 1)]
    out += [name for name, pattern in (("digits", DIGIT_RE), ("list", LIST_RE), ("joiner", JOINER_RE),
                                       ("numeral", NUMERAL_RE)) if pattern.search(phrase)]
    following = quoted.text[quoted.run_end:quoted.run_end + 1]
    if following == "等":
        out.append("after=等")
    after = quoted.after.translate(PUNCTUATION)
    out += [f"a{n}={after[:n]}" for n in (1, 2, 3, 4) if len(after) >= n] or ["a1=$"]
    if after.startswith("的"):  # “…”的工作格局: what the 的 leads to
        out += [f"de{n}={after[1:1 + n]}" for n in (1, 2, 3) if len(after) > n]
    before = ("^" + quoted.before(4)).translate(PUNCTUATION)[-4:]
    out += [f"b{n}={before[-n:]}" for n in (1, 2, 3, 4) if len(before) >= n]
    out.append(f"run={min(quoted.run_size, 3)}")
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Sample:
    """A quoted phrase of a training example, as the model sees it, and its gold label."""

    features: tuple[str, ...]
    label: bool
    rule: bool


class QuotedModel:
    """P(programme name | features): a bias and one weight per feature, as plain data."""

    def __init__(self, data: dict[str, Any]):
        # weights are kept at DECIMALS places; reading them back from data.json (srsly's parser
        # gives 0.19740000000000002 for 0.1974) comes to the same floats again
        self.bias = round(float(data["bias"]), DECIMALS)
        self.weights: dict[str, float] = {name: round(float(w), DECIMALS) for name, w in data["weights"].items()}
        self.data = {**data, "bias": self.bias, "weights": self.weights}

    def probability(self, names: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) for name in names)
        return float(1.0 / (1.0 + np.exp(-z)))

    def to_data(self) -> dict[str, Any]:
        return self.data

    @classmethod
    def train(cls, samples: Sequence[Sample], *, epochs: int = EPOCHS, learning_rate: float = LEARNING_RATE,
              l2: float = L2, min_count: int = MIN_COUNT) -> QuotedModel:
        """Fit by full-batch Adam from zero weights: the same samples give the same weights."""
        counts = Counter(name for sample in samples for name in sample.features)
        names = sorted(name for name, n in counts.items() if n >= min_count)
        index = {name: i for i, name in enumerate(names)}
        x = np.zeros((len(samples), len(names)))
        for row, sample in enumerate(samples):
            x[row, [index[name] for name in sample.features if name in index]] = 1.0
        y = np.array([float(sample.label) for sample in samples])
        w, b = np.zeros(len(names)), 0.0
        m, v = np.zeros(len(names) + 1), np.zeros(len(names) + 1)
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        for step in range(1, epochs + 1 if len(samples) else 1):
            p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
            error = (p - y) / len(samples)
            grad = np.concatenate([x.T @ error + l2 * w, [error.sum()]])
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad * grad
            step_size = learning_rate * np.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
            update = step_size * m / (np.sqrt(v) + eps)
            w, b = w - update[:-1], b - float(update[-1])
        weights = {name: float(value) for name, value in zip(names, w, strict=True) if abs(value) >= MIN_WEIGHT}
        return cls({"format": FORMAT, "bias": b, "weights": weights,
                    "trained_on": {"phrases": len(samples), "programmes": int(y.sum()),
                                   "epochs": epochs, "learning_rate": learning_rate, "l2": l2,
                                   "min_count": min_count}})


def combine(policy: str, rule: bool, probability: float, threshold: float) -> bool:
    """Whether a quoted phrase is a programme name under `policy` (see POLICIES)."""
    model = probability >= threshold
    if policy == "rules":
        return rule
    if policy == "model":
        return model
    if policy == "rules_and_model":
        return rule and model
    if policy == "rules_or_model":
        return rule or model
    raise ValueError(f"unknown quoted_policy {policy!r}: use one of {', '.join(POLICIES)}")


def document_of(doc: Doc, index: int) -> str:
    """The gold document a reference paragraph belongs to (scripts/build_corpus.py records it in
    ``user_data["lawrep_meta"]``); without one each example is its own document."""
    meta = doc.user_data.get("lawrep_meta") or {}
    return str(meta.get("doc") or f"#{index}")


def training_samples(references: Sequence[Doc], rules: ProgramRules) -> list[Sample]:
    """One sample per quoted phrase of the reference docs that the lexicon, without the entries
    attested only in the phrase's own document, does not know; labelled True when the reference
    has a PROGRAM entity over exactly the phrase. Phrases inside a gold LAW are left out: there
    lawrep_laws, which runs first, decides (《营口市“包容审慎”免罚事项清单》)."""
    documents = [document_of(doc, i) for i, doc in enumerate(references)]
    # as the component reads them (a reference Doc from a DocBin gets the tokenizer's conversion too)
    texts = [matching_text(doc) for doc in references]
    joined: dict[str, str] = {}
    for document, text in zip(documents, texts, strict=True):
        joined[document] = joined.get(document, "") + "\n" + text
    attested = rules.attestations(joined)
    seen_as_new = {document: rules.without({document}, attested) for document in sorted(joined)}
    samples = []
    for document, text, doc in zip(documents, texts, references, strict=True):
        programmes = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PROGRAM"}
        laws = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "LAW"]
        own_rules = seen_as_new[document]
        for quoted in quoted_phrases(text):
            if own_rules.knows(quoted.phrase) or any(s < quoted.end and quoted.start < e for s, e in laws):
                continue
            names = features(quoted, own_rules)
            samples.append(Sample(names, (quoted.start, quoted.end) in programmes, "rule=yes" in names))
    return samples


def train_from_examples(examples: Iterable[Any], rules: ProgramRules, **settings: Any) -> QuotedModel | None:
    """The model learned from the examples' references (None when they have no quoted phrase)."""
    samples = training_samples([eg.reference for eg in examples], rules)
    return QuotedModel.train(samples, **settings) if samples else None
