"""Learned indicator boundaries on top of the rule linker.

The rules find which noun phrase a quantity measures (relaxed link F ≈ 0.95 on train and dev);
where that phrase starts and ends is where they and the annotators part most. A ranking
perceptron, trained on the corpus's links, chooses the start (object before the number:
办理【法律援助案件】157件) or the end (object after it: 组织30余名【党政机关主要负责人】) among the
token boundaries around the rule's choice. The rule's choice is itself a feature and wins ties,
so an empty model is exactly the rules, and a model trained on a user's own annotations learns
their boundary conventions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.tokens import Doc, Span

from .linker import Lexicon, is_balanced, is_word, rule_target

BOUNDARY_MODEL_FILE = Path(__file__).parent / "data" / "boundary_model.json"
#: How far (in characters) candidates reach beyond the rule's choice is bounded by the phrase.
WINDOW_CHARS = 40
Candidates = dict[int, list[str]]


def _unit_class(quantity: Span, lexicon: Lexicon) -> str:
    unit = quantity._.unit or ""
    return "event" if unit in lexicon.event_units else "rate" if unit in lexicon.rate_units else "count"


def _word_classes(text: str, lexicon: Lexicon) -> list[str]:
    classes = [name for name, words in (("verb", lexicon.leading_verbs), ("stop", lexicon.left_stops),
                                        ("scope", lexicon.scope_words)) if text in words]
    if text == "的":
        classes.append("de")
    return classes


def _shared_features(doc: Doc, quantity: Span, start: int, end: int, rule: int, index: int,
                     lexicon: Lexicon) -> list[str]:
    inside = doc[start:end]
    features = [f"offset={max(-3, min(3, index - rule))}", f"tokens={min(end - start, 6)}",
                f"chars={min(len(inside.text) // 3, 8)}"]
    if index == rule:
        features.append("rule")
    if any(token.text == "的" for token in inside):
        features.append("has_de")
    if any(token.text in "“”" for token in inside):
        features.append("has_quote")
    if any(token.text == "、" for token in inside):
        features.append("has_list")
    verbs = sum(token.text in lexicon.leading_verbs for token in inside)
    features.append(f"verbs_inside={min(verbs, 2)}")
    return features


def features_before(doc: Doc, quantity: Span, start: int, end: int, rule_start: int,
                    lexicon: Lexicon) -> list[str]:
    """Features of `doc[start:end]` as the indicator before `quantity` (its start is chosen)."""
    first = doc[start].text
    previous = doc[start - 1].text if start > quantity.sent.start else "<s>"
    unit = _unit_class(quantity, lexicon)
    features = _shared_features(doc, quantity, start, end, rule_start, start, lexicon)
    features += ["side=before", f"unit={unit}", f"first_char={first[0]}", f"previous_char={previous[-1]}",
                 f"first_len={min(len(first), 3)}", f"last_char={doc[end - 1].text[-1]}|first_char={first[0]}"]
    for name in _word_classes(first, lexicon):
        features += [f"first_{name}", f"first_{name}|unit={unit}"]
    for name in _word_classes(previous, lexicon):
        features += [f"previous_{name}", f"previous_{name}|unit={unit}"]
    if start == quantity.sent.start or not is_word(doc[start - 1]):
        features += ["clause_start", f"clause_start|unit={unit}"]
    return features


def features_after(doc: Doc, quantity: Span, start: int, end: int, rule_end: int, lexicon: Lexicon) -> list[str]:
    """Features of `doc[start:end]` as the indicator after `quantity` (its end is chosen)."""
    last = doc[end - 1].text
    following = doc[end].text if end < quantity.sent.end else "</s>"
    unit = _unit_class(quantity, lexicon)
    features = _shared_features(doc, quantity, start, end, rule_end, end, lexicon)
    features += ["side=after", f"unit={unit}", f"last_char={last[-1]}", f"following_char={following[0]}",
                 f"last_len={min(len(last), 3)}"]
    for name in _word_classes(last, lexicon):
        features += [f"last_{name}", f"last_{name}|unit={unit}"]
    for name in _word_classes(following, lexicon):
        features += [f"following_{name}", f"following_{name}|unit={unit}"]
    return features


def _extends(token) -> bool:
    return is_word(token) and not token.like_num


def candidate_starts(doc: Doc, quantity: Span, rule: tuple[int, int], lexicon: Lexicon) -> Candidates:
    """Possible starts of the indicator ending at rule[1]: token starts within the run of words
    (and 、-joined words) before it, up to WINDOW_CHARS, that leave balanced quotes."""
    rule_start, end = rule
    low, chars = end, 0
    while low > quantity.sent.start:
        token = doc[low - 1]
        if token.text == "、" and low < end and low - 1 > quantity.sent.start and is_word(doc[low - 2]):
            low -= 1
            continue
        chars += len(token.text)
        if not _extends(token) or chars > WINDOW_CHARS:
            break
        low -= 1
    starts = [i for i in range(min(low, rule_start), end)
              if is_word(doc[i]) and is_balanced(doc[i:end])] + [rule_start]
    return {i: features_before(doc, quantity, i, end, rule_start, lexicon) for i in starts}


def candidate_ends(doc: Doc, quantity: Span, rule: tuple[int, int], lexicon: Lexicon) -> Candidates:
    """Possible ends of the indicator starting at rule[0], symmetric to candidate_starts."""
    start, rule_end = rule
    high, chars = start, 0
    while high < quantity.sent.end:
        token = doc[high]
        if token.text == "、" and high > start and high + 1 < quantity.sent.end and is_word(doc[high + 1]):
            high += 1
            continue
        chars += len(token.text)
        if not _extends(token) or chars > WINDOW_CHARS:
            break
        high += 1
    ends = [i for i in range(start + 1, max(high, rule_end) + 1)
            if is_word(doc[i - 1]) and is_balanced(doc[start:i])] + [rule_end]
    return {i: features_after(doc, quantity, start, i, rule_end, lexicon) for i in ends}


@dataclass
class BoundaryModel:
    """Feature weights of a ranking perceptron (averaged) and what they were trained on."""

    weights: dict[str, float]
    info: dict[str, Any]

    def score(self, features: Iterable[str]) -> float:
        return sum(self.weights.get(feature, 0.0) for feature in features)

    def choose(self, candidates: Candidates, rule: int) -> int:
        """The best-scoring candidate; the rule's choice on ties."""
        return max(candidates, key=lambda i: (self.score(candidates[i]), i == rule))

    def to_data(self) -> dict[str, Any]:
        return {"weights": self.weights, "info": self.info}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> BoundaryModel:
        return cls(dict(data["weights"]), dict(data.get("info", {})))

    @classmethod
    def from_file(cls, path: Path = BOUNDARY_MODEL_FILE) -> BoundaryModel:
        return cls.from_data(srsly.read_json(path))

    @classmethod
    def empty(cls) -> BoundaryModel:
        """No weights: every choice is the rule's."""
        return cls({}, {"epochs": 0})

    @classmethod
    def train(cls, examples: list[tuple[Candidates, int]], epochs: int, seed: int,
              info: dict[str, Any] | None = None) -> BoundaryModel:
        """Averaged ranking perceptron over (candidates, gold candidate) examples, shuffled with
        `seed` each epoch."""
        weights: dict[str, float] = defaultdict(float)
        totals: dict[str, float] = defaultdict(float)
        stamps: dict[str, int] = defaultdict(int)
        step = 0

        def update(feature: str, delta: float) -> None:
            totals[feature] += (step - stamps[feature]) * weights[feature]
            stamps[feature] = step
            weights[feature] += delta

        order = list(examples)
        rng = random.Random(seed)
        model = cls(weights, {})
        for _ in range(epochs):
            rng.shuffle(order)
            for candidates, gold in order:
                step += 1
                guess = max(candidates, key=lambda i: model.score(candidates[i]))
                if guess != gold:
                    for feature in candidates[gold]:
                        update(feature, 1.0)
                    for feature in candidates[guess]:
                        update(feature, -1.0)
        averaged = {}
        for feature, weight in weights.items():
            total = totals[feature] + (step - stamps[feature]) * weight
            if abs(total / max(step, 1)) > 1e-6:
                averaged[feature] = round(total / step, 6)
        return cls(dict(sorted(averaged.items())), dict(info or {}, epochs=epochs, seed=seed,
                                                        examples=len(examples)))


def refine(doc: Doc, quantity: Span, target: tuple[int, int], side: str, lexicon: Lexicon,
           model: BoundaryModel) -> tuple[int, int]:
    """The rule's `target` range with the start (side "before") or end (side "after") the model
    chooses."""
    if side == "before":
        return model.choose(candidate_starts(doc, quantity, target, lexicon), target[0]), target[1]
    return target[0], model.choose(candidate_ends(doc, quantity, target, lexicon), target[1])


def training_examples(doc: Doc, gold_links: Iterable[tuple[int, int, int, int]],
                      lexicon: Lexicon) -> list[tuple[Candidates, int]]:
    """(candidates, gold) for every quantity of `doc` whose rule range shares the fixed edge with
    its gold indicator (`gold_links`: character offsets q_start, q_end, i_start, i_end) and whose
    gold free edge is among the candidates."""
    gold_by_quantity = {(qs, qe): (is_, ie) for qs, qe, is_, ie in gold_links}
    starts = {token.idx: token.i for token in doc}
    ends = {token.idx + len(token.text): token.i + 1 for token in doc}
    examples = []
    for quantity in (ent for ent in doc.ents if ent.label_ == "QUANTITY"):
        gold = gold_by_quantity.get((quantity.start_char, quantity.end_char))
        found = rule_target(doc, quantity, lexicon)
        if gold is None or found is None:
            continue
        (start, end), side = found
        gold_start, gold_end = starts.get(gold[0]), ends.get(gold[1])
        if side == "before" and gold_end == end:
            candidates, answer = candidate_starts(doc, quantity, (start, end), lexicon), gold_start
        elif side == "after" and gold_start == start:
            candidates, answer = candidate_ends(doc, quantity, (start, end), lexicon), gold_end
        else:
            continue
        if answer in candidates:
            examples.append((candidates, answer))
    return examples
