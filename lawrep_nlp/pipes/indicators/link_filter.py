"""The learned link filter: whether a link the rules propose should stand at all.

The rules link every quantity that has a noun phrase next to it, but some quantities measure
nothing the standard calls an indicator (第二批取消1项, 一项重要政治任务, 8章91条), and some name
their object on the other side (开展法治讲座36场受众4万余人: the rules take 受众). Such links cost
precision twice over (a wrong link, and no gold link made), whatever their boundaries. A logistic
regression over each rule link (the quantity, its unit kind, the phrase, the words between, the
sentence position, lists, the rule path) estimates the chance that the link names the gold
indicator (overlaps it); ``KeepRule`` drops links below a threshold chosen by cross-validation
(scripts/linker_cv.py). An empty model keeps every link, so a pipeline without one links as
the rules and the boundary model do.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.tokens import Doc, Span

from .candidates import Lexicon, Link, in_content_order, link_quantities, noun_phrase_before

LINK_FILTER_FILE = Path(__file__).parent / "data" / "link_filter.json"
#: The filter's policies: "off" links as the rules (and boundary model) do; "learned" drops the
#: links whose estimated chance of naming the gold indicator is below ``keep_threshold``;
#: "learned_refine" links such a quantity to the alternative phrase with the best chance instead
#: (candidates.alternatives_of), if that chance reaches the threshold.
POLICIES = ("off", "learned", "learned_refine")
#: Seed of the training shuffles (scripts/linker_cv.py, scripts/train_linker.py, initialize).
FILTER_SEED = 20261122
WEIGHT_DECIMALS = 6
CLAUSE_MARKS = set("，,；;。：:！!？?")
GoldLink = tuple[int, int, int, int]


def _bucket(value: float | None) -> str:
    if value is None:
        return "none"
    for bound in (1, 3, 10, 100, 1000):
        if value <= bound:
            return f"<={bound}"
    return ">1000"


def _clause_reading(doc: Doc, quantity: Span, sent: Span) -> tuple[bool, bool, int]:
    """Whether the quantity starts and ends its clause (its sentence cut at clause punctuation),
    and how many quantities the clause holds, counted up to 3: the scan stops there, so a long
    unpunctuated sentence full of numbers costs a few tokens per quantity, not the sentence."""
    first = quantity.start == sent.start or doc[quantity.start - 1].text in CLAUSE_MARKS
    # a quantity may run past its sentence's end (a sentence cut at the length cap inside it)
    last = quantity.end >= sent.end or doc[quantity.end].text in CLAUSE_MARKS
    count = 1  # the quantity's own first token
    for indices in (range(quantity.start - 1, sent.start - 1, -1), range(quantity.end, sent.end)):
        for i in indices:
            if count >= 3:
                break
            token = doc[i]
            if token.text in CLAUSE_MARKS:
                break
            # from the tokens, not doc.ents (which builds every entity of the document: quadratic
            # in a long document); an entity starts at its B token
            count += token.ent_iob_ == "B" and token.ent_type_ == "QUANTITY"
    return first, last, min(count, 3)


def link_features(link: Link, lexicon: Lexicon) -> list[str]:
    """The features of one rule link, each a plain string (the model's weights are keyed by them)."""
    quantity, indicator, path = link.quantity, link.indicator, link.path
    doc = quantity.doc
    unit = quantity._.unit or ""
    kind = lexicon.unit_kind(unit)
    first = quantity.text.lstrip()[:1]
    numeral = "digit" if first.isdigit() else "star" if first == "*" else "han"
    sent = quantity.sent
    previous = doc[quantity.start - 1].text if quantity.start > sent.start else "<s>"
    following = doc[quantity.end].text if quantity.end < sent.end else "</s>"
    text = indicator.text
    if path == "after":
        between = doc[quantity.end:indicator.start].text
    elif path == "before":
        between = doc[indicator.end:quantity.start].text
    else:
        between = "…" if indicator.end < quantity.start else "-"
    clause_first, clause_last, in_clause = _clause_reading(doc, quantity, sent)
    features = [
        "bias", f"path={path}", f"kind={kind}", f"unit={unit}", f"path={path}|kind={kind}",
        f"numeral={numeral}", f"numeral={numeral}|path={path}", f"value={_bucket(quantity._.value)}",
        f"value={_bucket(quantity._.value)}|kind={kind}", f"approx={bool(quantity._.approx)}",
        f"action={quantity._.action is not None}|path={path}",
        f"previous={previous}", f"previous_char={previous[-1]}", f"previous_char={previous[-1]}|path={path}",
        f"following={following}", f"following_char={following[0]}", f"following_char={following[0]}|path={path}",
        f"between={between if len(between) <= 4 else 'long'}|path={path}",
        f"chars={min(len(text), 12) // 2}|path={path}", f"tokens={min(len(indicator), 5)}",
        f"first_char={text[0]}", f"last_char={text[-1]}", f"last_char={text[-1]}|path={path}",
        f"last={indicator[-1].text}", f"first={indicator[0].text}|path={path}",
        f"quantities_in_clause={in_clause}", f"clause_first={clause_first}|path={path}",
        f"clause_last={clause_last}", f"sentence_first={quantity.start == sent.start}",
        f"unit_in_indicator={bool(unit) and unit in text}",
    ]
    if previous == "、" or following == "、":
        features += ["in_list", f"in_list|path={path}"]
    if previous == "第" or "第" in doc[max(sent.start, quantity.start - 2):quantity.start].text:
        features.append("ordinal")
    if quantity.start > sent.start and doc[quantity.start - 1].ent_type_ == "QUANTITY":
        features.append("after_quantity")
    if following != "</s>" and doc[quantity.end].ent_type_ == "QUANTITY":
        features.append("before_quantity")
    if path == "after" and noun_phrase_before(doc, quantity, lexicon) is not None:
        features.append("phrase_before_too")  # 开展法治讲座36场受众…: the object may be the one before
    if "的" in text:
        features.append("has_de")
    if any(mark in text for mark in "“”《》"):
        features.append("has_quote")
    labels = sorted({token.ent_type_ for token in indicator} - {"", "QUANTITY"})
    features += [f"overlaps={label}" for label in labels]
    return list(dict.fromkeys(features))


def _sigmoid(score: float) -> float:
    if score < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-score))


@dataclass
class LinkFilterModel:
    """Logistic-regression weights over link features and what they were trained on."""

    weights: dict[str, float]
    info: dict[str, Any]

    def probability(self, features: Iterable[str]) -> float:
        """Estimated chance that the link names the gold indicator."""
        return _sigmoid(sum(self.weights.get(feature, 0.0) for feature in features))

    def to_data(self) -> dict[str, Any]:
        return {"weights": self.weights, "info": self.info}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> LinkFilterModel:
        """The model from its JSON data; weights rounded to the 6 decimals they were trained to,
        since srsly's JSON reader may give back a neighbouring float."""
        return cls({feature: round(float(weight), WEIGHT_DECIMALS) for feature, weight in data["weights"].items()},
                   dict(data.get("info", {})))

    @classmethod
    def from_file(cls, path: Path = LINK_FILTER_FILE) -> LinkFilterModel:
        return cls.from_data(srsly.read_json(path))

    @classmethod
    def empty(cls) -> LinkFilterModel:
        """No weights: every link is kept."""
        return cls({}, {"epochs": 0})

    @classmethod
    def train(cls, examples: list[tuple[list[str], bool]], epochs: int, seed: int = FILTER_SEED,
              rate: float = 0.2, l2: float = 1e-3, info: dict[str, Any] | None = None) -> LinkFilterModel:
        """Logistic regression by stochastic gradient descent over (features, kept) examples,
        shuffled with `seed` each epoch, the rate decaying by epoch; L2 on the features seen."""
        weights: dict[str, float] = {}
        order = list(examples)
        rng = random.Random(seed)
        for epoch in range(epochs):
            rng.shuffle(order)
            step = rate / (1 + epoch)
            for features, kept in order:
                error = float(kept) - _sigmoid(sum(weights.get(f, 0.0) for f in features))
                for feature in features:
                    weight = weights.get(feature, 0.0)
                    weights[feature] = weight + step * (error - l2 * weight)
        rounded = {feature: round(weight, WEIGHT_DECIMALS) for feature, weight in sorted(weights.items())
                   if round(weight, WEIGHT_DECIMALS)}
        return cls(rounded, dict(info or {}, epochs=epochs, seed=seed, examples=len(examples),
                                 kept=sum(kept for _, kept in examples)))


@dataclass
class KeepRule:
    """The judge ``link_quantities`` asks: keep a link unless the model gives it a chance below
    `threshold`; then, with `refine`, the alternative the model gives the best chance, if that
    reaches the threshold, else no link. An empty model keeps every link."""

    model: LinkFilterModel
    threshold: float
    refine: bool = False

    def keeps(self, link: Link, lexicon: Lexicon) -> bool:
        if not self.model.weights:
            return True
        return self.model.probability(link_features(link, lexicon)) >= self.threshold

    def choose(self, link: Link, alternatives: list[Link], lexicon: Lexicon) -> Link | None:
        if self.keeps(link, lexicon):
            return link
        if not self.refine or not alternatives:
            return None
        chances = [(self.model.probability(link_features(other, lexicon)), -k) for k, other in enumerate(alternatives)]
        chance, index = max(chances)
        return alternatives[-index] if chance >= self.threshold else None


class _Recorder:
    """A judge that keeps every link and remembers it: the rule links of a document, as linking
    makes them."""

    def __init__(self) -> None:
        self.links: list[Link] = []

    def choose(self, link: Link, alternatives: list[Link], lexicon: Lexicon) -> Link | None:
        self.links.append(link)
        return link


def rule_links(doc: Doc, lexicon: Lexicon, boundary_model: Any = None) -> list[Link]:
    """Every link the rules (and the boundary model) make in `doc`, before any filter."""
    recorder = _Recorder()
    link_quantities(doc, lexicon, boundary_model, recorder)
    return recorder.links


def names_gold(link: Link, gold_links: Iterable[GoldLink]) -> bool:
    """The link's quantity has a gold link whose indicator overlaps the link's (relaxed match)."""
    quantity, indicator = link.quantity, link.indicator
    return any((q0, q1) == (quantity.start_char, quantity.end_char)
               and i0 < indicator.end_char and indicator.start_char < i1 for q0, q1, i0, i1 in gold_links)


def filter_examples(doc: Doc, gold_links: Iterable[GoldLink], lexicon: Lexicon,
                    boundary_model: Any = None) -> list[tuple[list[str], bool]]:
    """(features, names the gold indicator) for every rule link of `doc`."""
    gold = list(gold_links)
    return [(link_features(link, lexicon), names_gold(link, gold)) for link in rule_links(doc, lexicon, boundary_model)]


def fit_link_filter(docs_and_links: Iterable[tuple[Doc, Iterable[GoldLink]]], lexicon: Lexicon, epochs: int,
                    boundary_model: Any = None, seed: int = FILTER_SEED,
                    info: dict[str, Any] | None = None) -> LinkFilterModel:
    """The filter from documents as the pipeline reads them and their gold links (every
    annotated text, those without links too: their rule links are all false); 0 epochs is the
    empty model. One code path for scripts/linker_cv.py, scripts/train_linker.py and
    ``IndicatorLinker.initialize``."""
    # which links it learns from: the boundary model's or the rules' (the linker warns on a mismatch)
    info = dict(info or {}, learned_boundaries=boundary_model is not None)
    if not epochs:
        return LinkFilterModel({}, dict(info, epochs=0))
    examples = [example for doc, links in in_content_order(docs_and_links)
                for example in filter_examples(doc, links, lexicon, boundary_model)]
    return LinkFilterModel.train(examples, epochs=epochs, seed=seed, info=info)
