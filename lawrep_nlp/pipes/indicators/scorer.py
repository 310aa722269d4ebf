"""The learned scorer: which of a rule target's candidate edges (candidates.py) is the indicator's.

The rules find which noun phrase a quantity measures (relaxed link F 0.916, exact 0.658, out of
fold on train + dev: evaluation/linker_cv.json);
where that phrase starts and ends is where they and the annotators part most. A ranking
perceptron, trained on the corpus's links, chooses the start (object before the number:
办理【法律援助案件】157件) or the end (object after it: 组织30余名【党政机关主要负责人】) among the
candidate edges around the rule's choice. The rule's choice is itself a feature and wins ties,
so an empty model keeps every rule choice, and a model trained on a user's own annotations
learns their boundary conventions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.tokens import Doc

from .candidates import Lexicon, Sentence, Target, in_content_order, rule_targets

BOUNDARY_MODEL_FILE = Path(__file__).parent / "data" / "boundary_model.json"
#: Each candidate edge of a target with its features.
Candidates = dict[int, list[str]]


def _word_classes(text: str, lexicon: Lexicon) -> list[str]:
    classes = [name for name, words in (("verb", lexicon.leading_verbs), ("stop", lexicon.left_stops),
                                        ("scope", lexicon.scope_words)) if text in words]
    if text == "的":
        classes.append("de")
    return classes


def _class_features(where: str, text: str, unit: str, lexicon: Lexicon) -> list[str]:
    """Word-class features of the token `where` (first, previous, last, following), alone and
    with the unit's kind."""
    return [feature for name in _word_classes(text, lexicon)
            for feature in (f"{where}_{name}", f"{where}_{name}|unit={unit}")]


def _shared_features(sentence: Sentence, start: int, end: int, rule: int, index: int,
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


def _features_before(sentence: Sentence, start: int, end: int, rule_start: int, unit: str,
                     lexicon: Lexicon) -> list[str]:
    """Features of tokens start…end as the indicator before the quantity (its start is chosen)."""
    first = sentence.text(start)
    previous = sentence.text(start - 1) if start > sentence.start else "<s>"
    features = _shared_features(sentence, start, end, rule_start, start, lexicon)
    features += ["side=before", f"unit={unit}", f"first_char={first[0]}", f"previous_char={previous[-1]}",
                 f"first_len={min(len(first), 3)}", f"last_char={sentence.text(end - 1)[-1]}|first_char={first[0]}"]
    features += _class_features("first", first, unit, lexicon) + _class_features("previous", previous, unit, lexicon)
    features += [f"first_word={first}", f"previous_word={previous}", f"first_word={first}|unit={unit}"]
    if start == sentence.start or not sentence.is_word(start - 1):
        features += ["clause_start", f"clause_start|unit={unit}"]
    return features


def _features_after(sentence: Sentence, start: int, end: int, rule_end: int, unit: str,
                    lexicon: Lexicon) -> list[str]:
    """Features of tokens start…end as the indicator after the quantity (its end is chosen)."""
    last = sentence.text(end - 1)
    following = sentence.text(end) if end < sentence.end else "</s>"
    features = _shared_features(sentence, start, end, rule_end, end, lexicon)
    features += ["side=after", f"unit={unit}", f"last_char={last[-1]}", f"following_char={following[0]}",
                 f"last_len={min(len(last), 3)}"]
    features += _class_features("last", last, unit, lexicon) + _class_features("following", following, unit, lexicon)
    features += [f"last_word={last}", f"following_word={following}", f"last_word={last}|unit={unit}"]
    return features


def candidate_features(target: Target, lexicon: Lexicon) -> Candidates:
    """The target's candidate edges (Target.edges, in order) with their features."""
    features = _features_before if target.side == "before" else _features_after
    unit = lexicon.unit_kind(target.quantity._.unit)
    return {edge: features(target.sentence, *target.with_edge(edge), target.rule_edge, unit, lexicon)
            for edge in target.edges}


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

    def refine(self, target: Target, lexicon: Lexicon) -> tuple[int, int]:
        """The target's token range with the free edge this model chooses."""
        return target.with_edge(self.choose(candidate_features(target, lexicon), target.rule_edge))

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
              info: dict[str, Any] | None = None, runs: int = 1) -> BoundaryModel:
        """Averaged ranking perceptron over (candidates, gold candidate) examples, shuffled with
        `seed` each epoch; with `runs` above 1, the mean of that many, shuffled with seed, seed + 1,
        … (the order of the shuffles alone moves cross-validated link F by about ±0.01; the mean
        of several orders is steadier)."""
        if runs < 1:
            raise ValueError(f"the boundary model needs at least one run, not {runs!r}")
        summed: dict[str, float] = defaultdict(float)
        for run in range(runs):
            for feature, weight in _perceptron(examples, epochs, seed + run).items():
                summed[feature] += weight
        weights = {feature: round(total / runs, 6) for feature, total in sorted(summed.items())
                   if abs(total / runs) > 1e-6}
        return cls(weights, dict(info or {}, epochs=epochs, seed=seed, runs=runs, examples=len(examples)))


def _perceptron(examples: list[tuple[Candidates, int]], epochs: int, seed: int) -> dict[str, float]:
    """The averaged weights of one ranking perceptron run, its examples shuffled with `seed`."""
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
    model = BoundaryModel(weights, {})
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
            averaged[feature] = total / step
    return averaged


#: Seed of the perceptron's shuffles, for scripts/train_linker.py and the component's initialize.
TRAINING_SEED = 20261122


def fit_boundary_model(docs_and_links: Iterable[tuple[Doc, Iterable[tuple[int, int, int, int]]]], lexicon: Lexicon,
                       epochs: int, seed: int = TRAINING_SEED, info: dict[str, Any] | None = None,
                       runs: int = 1) -> BoundaryModel:
    """The boundary model from documents as the pipeline reads them (entities and sentences set
    by the components before the linker) and their gold links; 0 epochs is the empty model
    (the rules alone). One code path for scripts/train_linker.py and
    ``IndicatorLinker.initialize``."""
    if not epochs:
        return BoundaryModel({}, dict(info or {}, epochs=0))
    examples = [example for doc, links in in_content_order(docs_and_links)
                for example in training_examples(doc, links, lexicon)]
    return BoundaryModel.train(examples, epochs=epochs, seed=seed, info=info, runs=runs)


def training_examples(doc: Doc, gold_links: Iterable[tuple[int, int, int, int]],
                      lexicon: Lexicon) -> list[tuple[Candidates, int]]:
    """(candidates, gold edge) for every quantity of `doc` whose rule target shares the fixed
    edge with its gold indicator (`gold_links`: character offsets q_start, q_end, i_start,
    i_end) and whose gold free edge is among the target's candidate edges."""
    gold_by_quantity = {(qs, qe): (is_, ie) for qs, qe, is_, ie in gold_links}
    starts = {token.idx: token.i for token in doc}
    ends = {token.idx + len(token.text): token.i + 1 for token in doc}
    examples = []
    for quantity, target in rule_targets(doc, lexicon):
        gold = gold_by_quantity.get((quantity.start_char, quantity.end_char))
        if gold is None or target is None:
            continue
        answer = target.free_edge_of((starts.get(gold[0]), ends.get(gold[1])))
        if answer is None:
            continue
        candidates = candidate_features(target, lexicon)
        if answer in candidates:
            examples.append((candidates, answer))
    return examples
