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


@dataclass
class _Sentence:
    """The quantity's sentence as plain values: spaCy builds a Token object on every
    ``doc[i]``, and the features look at each token many times."""

    start: int
    texts: list[str]
    offsets: list[int]  # character offset of each token
    words: list[bool]  # may stand inside an indicator (linker.is_word)
    extends: list[bool]  # a word and not a number: a phrase may run over it
    unit: str

    @classmethod
    def of(cls, doc: Doc, quantity: Span, lexicon: Lexicon) -> _Sentence:
        sentence = quantity.sent
        unit = quantity._.unit or ""
        unit_class = "event" if unit in lexicon.event_units else "rate" if unit in lexicon.rate_units else "count"
        tokens = list(sentence)
        words = [is_word(t) for t in tokens]
        return cls(sentence.start, [t.text for t in tokens], [t.idx for t in tokens], words,
                   [word and not t.like_num for word, t in zip(words, tokens, strict=True)], unit_class)

    @property
    def end(self) -> int:
        return self.start + len(self.texts)

    def text(self, i: int) -> str:
        return self.texts[i - self.start]

    def is_word(self, i: int) -> bool:
        return self.words[i - self.start]

    def tokens(self, start: int, end: int) -> list[str]:
        return self.texts[start - self.start:end - self.start]

    def chars(self, start: int, end: int) -> int:
        """Length of the text of tokens start…end (white space between them included)."""
        last = end - 1 - self.start
        return self.offsets[last] + len(self.texts[last]) - self.offsets[start - self.start]


def _word_classes(text: str, lexicon: Lexicon) -> list[str]:
    classes = [name for name, words in (("verb", lexicon.leading_verbs), ("stop", lexicon.left_stops),
                                        ("scope", lexicon.scope_words)) if text in words]
    if text == "的":
        classes.append("de")
    return classes


def _shared_features(sentence: _Sentence, start: int, end: int, rule: int, index: int,
                     lexicon: Lexicon) -> list[str]:
    """Features of the phrase of tokens start…end, with its free edge at `index`."""
    texts = sentence.tokens(start, end)
    features = [f"offset={max(-3, min(3, index - rule))}", f"tokens={min(len(texts), 6)}",
                f"chars={min(sentence.chars(start, end) // 3, 8)}"]
    if index == rule:
        features.append("rule")
    if "的" in texts:
        features.append("has_de")
    if "“" in texts or "”" in texts:
        features.append("has_quote")
    if "、" in texts:
        features.append("has_list")
    verbs = sum(text in lexicon.leading_verbs for text in texts)
    features.append(f"verbs_inside={min(verbs, 2)}")
    return features


def _features_before(sentence: _Sentence, start: int, end: int, rule_start: int, lexicon: Lexicon) -> list[str]:
    """Features of tokens start…end as the indicator before the quantity (its start is chosen)."""
    first = sentence.text(start)
    previous = sentence.text(start - 1) if start > sentence.start else "<s>"
    unit = sentence.unit
    features = _shared_features(sentence, start, end, rule_start, start, lexicon)
    features += ["side=before", f"unit={unit}", f"first_char={first[0]}", f"previous_char={previous[-1]}",
                 f"first_len={min(len(first), 3)}", f"last_char={sentence.text(end - 1)[-1]}|first_char={first[0]}"]
    for name in _word_classes(first, lexicon):
        features += [f"first_{name}", f"first_{name}|unit={unit}"]
    for name in _word_classes(previous, lexicon):
        features += [f"previous_{name}", f"previous_{name}|unit={unit}"]
    if start == sentence.start or not sentence.is_word(start - 1):
        features += ["clause_start", f"clause_start|unit={unit}"]
    return features


def _features_after(sentence: _Sentence, start: int, end: int, rule_end: int, lexicon: Lexicon) -> list[str]:
    """Features of tokens start…end as the indicator after the quantity (its end is chosen)."""
    last = sentence.text(end - 1)
    following = sentence.text(end) if end < sentence.end else "</s>"
    unit = sentence.unit
    features = _shared_features(sentence, start, end, rule_end, end, lexicon)
    features += ["side=after", f"unit={unit}", f"last_char={last[-1]}", f"following_char={following[0]}",
                 f"last_len={min(len(last), 3)}"]
    for name in _word_classes(last, lexicon):
        features += [f"last_{name}", f"last_{name}|unit={unit}"]
    for name in _word_classes(following, lexicon):
        features += [f"following_{name}", f"following_{name}|unit={unit}"]
    return features


def candidate_starts(doc: Doc, quantity: Span, rule: tuple[int, int], lexicon: Lexicon,
                     sentence: _Sentence | None = None) -> Candidates:
    """Possible starts of the indicator ending at rule[1]: token starts within the run of words
    (and 、-joined words) before it, up to WINDOW_CHARS, that leave balanced quotes."""
    sentence = sentence or _Sentence.of(doc, quantity, lexicon)
    rule_start, end = rule
    low, chars = end, 0
    while low > sentence.start:
        text = sentence.text(low - 1)
        if text == "、" and low < end and low - 1 > sentence.start and sentence.is_word(low - 2):
            low -= 1
            continue
        chars += len(text)
        if not sentence.extends[low - 1 - sentence.start] or chars > WINDOW_CHARS:
            break
        low -= 1
    starts = [i for i in range(min(low, rule_start), end)
              if sentence.is_word(i) and is_balanced(sentence.tokens(i, end))] + [rule_start]
    return {i: _features_before(sentence, i, end, rule_start, lexicon) for i in starts}


def candidate_ends(doc: Doc, quantity: Span, rule: tuple[int, int], lexicon: Lexicon,
                   sentence: _Sentence | None = None) -> Candidates:
    """Possible ends of the indicator starting at rule[0], symmetric to candidate_starts."""
    sentence = sentence or _Sentence.of(doc, quantity, lexicon)
    start, rule_end = rule
    high, chars = start, 0
    while high < sentence.end:
        text = sentence.text(high)
        if text == "、" and high > start and high + 1 < sentence.end and sentence.is_word(high + 1):
            high += 1
            continue
        chars += len(text)
        if not sentence.extends[high - sentence.start] or chars > WINDOW_CHARS:
            break
        high += 1
    ends = [i for i in range(start + 1, max(high, rule_end) + 1)
            if sentence.is_word(i - 1) and is_balanced(sentence.tokens(start, i))] + [rule_end]
    return {i: _features_after(sentence, start, i, rule_end, lexicon) for i in ends}


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


#: Seed of the perceptron's shuffles, for scripts/train_linker.py and the component's initialize.
TRAINING_SEED = 20261122


def fit_boundary_model(docs_and_links: Iterable[tuple[Doc, Iterable[tuple[int, int, int, int]]]], lexicon: Lexicon,
                       epochs: int, seed: int = TRAINING_SEED, info: dict[str, Any] | None = None) -> BoundaryModel:
    """The boundary model from documents as the pipeline reads them (entities and sentences set
    by the components before the linker) and their gold links; 0 epochs is the empty model
    (the rules alone). One code path for scripts/train_linker.py and
    ``IndicatorLinker.initialize``."""
    if not epochs:
        return BoundaryModel({}, dict(info or {}, epochs=0))
    examples = [example for doc, links in docs_and_links for example in training_examples(doc, links, lexicon)]
    return BoundaryModel.train(examples, epochs=epochs, seed=seed, info=info)


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
