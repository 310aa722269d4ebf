"""Map a measurement's free indicator text to a canonical indicator of the taxonomy
(data/taxonomy.json), following corpus/canonical/GUIDELINES.md:

1. only entries of the quantity's unit dimension (count, people, rate, money, time, area);
2. an entry with context words needs one of them in the sentence;
3. lexicon: the indicator, without scope words (全区, 各级, 累计…) and quotes, *is* one of the
   entry's terms ("exact"), or ends in one ("head": a Chinese noun phrase ends in its head,
   上门公证 is a 公证); the longest term wins;
4. entries that share that term are told apart by their verbs: the one whose verb ends closest
   before the number wins ("…_by_verb"); a tie abstains;
5. fallback when no term matches: fuzzy similarity (rapidfuzz ratio) with the terms ("fuzzy").

Each way of mapping has a confidence — its precision measured leave-one-document-out on train
and dev (data/calibration.json, written by scripts/eval_canonical.py --select) — and the mapper
abstains below ``min_confidence``: precision first, as the annotation guidelines ask.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

DATA_DIR = Path(__file__).parent / "data"
TAXONOMY_FILE = DATA_DIR / "taxonomy.json"
CALIBRATION_FILE = DATA_DIR / "calibration.json"
METHODS = ("exact", "exact_by_verb", "head", "head_by_verb", "fuzzy")
QUOTES = "“”‘’\"'「」"


@dataclass(frozen=True)
class Mapping:
    canonical: str | None
    confidence: float
    method: str  # one of METHODS, or "tie" / "none" when nothing is given


NO_MAPPING = Mapping(None, 0.0, "none")


@dataclass(frozen=True)
class Entry:
    id: str
    dimension: str
    terms: tuple[str, ...]
    actions: tuple[str, ...]
    context: tuple[str, ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Entry:
        return cls(data["id"], data["dimension"], tuple(data["terms"]), tuple(data["actions"]), tuple(data["context"]))


class Taxonomy:
    """The taxonomy plus the calibration that says how far each way of mapping can be trusted."""

    def __init__(self, data: dict[str, Any], calibration: dict[str, Any], *, min_confidence: float | None = None,
                 fuzzy_threshold: float | None = None):
        self.data = data
        self.calibration = calibration
        # rounded like the confidences: srsly's JSON reader may read 0.938 back as 0.9380000000000001
        self.min_confidence = round(float(calibration["min_confidence"] if min_confidence is None
                                          else min_confidence), 4)
        self.fuzzy_threshold = calibration["fuzzy_threshold"] if fuzzy_threshold is None else fuzzy_threshold
        self.scope_words = sorted(data.get("scope_words", []), key=len, reverse=True)
        # Terms are read the way indicators are (quotes and scope words off), or a quoted term
        # (“绿色通道”上门公证) could never match.
        self.entries = [Entry.from_data({**item, "terms": [self.normalise(t) for t in item["terms"]]})
                        for item in data["indicators"]]
        self.names = {item["id"]: item["name"] for item in data["indicators"]}
        # Indexes, so that a quantity costs a few lookups, not a pass over every entry and term.
        self._by_term: dict[tuple[str, str], list[Entry]] = {}
        self._terms_of: dict[str, list[str]] = {}
        for entry in self.entries:
            for term in dict.fromkeys(entry.terms):  # two phrasings may read alike (“法治为民办实事”项目)
                self._by_term.setdefault((entry.dimension, term), []).append(entry)
            self._terms_of.setdefault(entry.dimension, []).extend(entry.terms)
        self._siblings = {e.id: [o for o in self.entries if o is e or (o.dimension == e.dimension
                                                                       and set(o.terms) & set(e.terms))]
                          for e in self.entries}

    @classmethod
    def from_files(cls, taxonomy_path: Path = TAXONOMY_FILE, calibration_path: Path = CALIBRATION_FILE,
                   **settings: Any) -> Taxonomy:
        return cls(json.loads(Path(taxonomy_path).read_text(encoding="utf-8")),
                   json.loads(Path(calibration_path).read_text(encoding="utf-8")), **settings)

    def confidence(self, method: str) -> float:
        # rounded: srsly's JSON reader may read 0.938 back as 0.9380000000000001
        return round(float(self.calibration["method_precision"].get(method, 0.0)), 4)

    def map(self, indicator: str | None, dimension: str | None, *, before: str = "", sentence: str = "") -> Mapping:
        """The canonical id, or None when the best reading is below ``min_confidence``.
        `before`: the sentence text up to the quantity (where its verbs are)."""
        found = self.best_reading(indicator, dimension, before=before, sentence=sentence)
        return found if found.confidence >= self.min_confidence and found.canonical else NO_MAPPING

    def best_reading(self, indicator: str | None, dimension: str | None, *, before: str = "",
                     sentence: str = "") -> Mapping:
        """The mapper's best reading whatever its confidence."""
        if not indicator or not dimension:
            return NO_MAPPING
        core = self.normalise(indicator)

        def in_context(entry: Entry) -> bool:
            return not entry.context or any(word in sentence for word in entry.context)

        best: list[Entry] = []
        for start in range(len(core)):  # suffixes, longest first: the first that is a term wins
            best = [e for e in self._by_term.get((dimension, core[start:]), ()) if in_context(e)]
            if best:
                break
        if not best:
            return self._fuzzy(core, dimension, in_context, before)
        kind = "exact" if start == 0 else "head"
        if len(best) == 1 and best[0].actions:
            # Its siblings (entries sharing a term: 受理 vs 办结 of the same cases) may own the
            # verb before the number although their terms miss this phrasing; without a verb
            # that decides, the entry whose term matched stays.
            matched = best[0]
            siblings = [e for e in self._siblings[matched.id] if in_context(e)]
            winner = self._by_verb(siblings, before) if len(siblings) > 1 else None
            return self._mapping(winner, kind + "_by_verb") if winner else self._mapping(matched.id, kind)
        if len(best) == 1:
            return self._mapping(best[0].id, kind)
        winner = self._by_verb(best, before)
        return self._mapping(winner, kind + "_by_verb") if winner else Mapping(None, 0.0, "tie")

    def normalise(self, indicator: str) -> str:
        """Without quotes and leading scope words: 全区“法治为民办实事”项目 → 法治为民办实事项目."""
        core = "".join(ch for ch in indicator if ch not in QUOTES)
        stripped = True
        while stripped:
            stripped = False
            for word in self.scope_words:
                if core.startswith(word) and len(core) > len(word):
                    core, stripped = core[len(word):], True
                    break
        return core

    def _mapping(self, identifier: str, method: str) -> Mapping:
        return Mapping(identifier, self.confidence(method), method)

    @staticmethod
    def _by_verb(entries: list[Entry], before: str) -> str | None:
        """The entry whose verb ends closest before the number (a longer verb at the same place
        beats a shorter one: 成功调解 over 调解); None when no verb decides."""
        def last_verb(entry: Entry) -> tuple[int, int]:
            found = [(before.rfind(verb) + len(verb), len(verb)) for verb in entry.actions if verb in before]
            return max(found, default=(-1, 0))

        ranked = sorted(((last_verb(e), e.id) for e in entries), reverse=True)
        (best, identifier), runner_up = ranked[0], ranked[1][0]
        return identifier if best[0] >= 0 and best != runner_up else None

    def _fuzzy(self, core: str, dimension: str, in_context: Callable[[Entry], bool], before: str) -> Mapping:
        if self.fuzzy_threshold > 100:
            return NO_MAPPING
        terms = self._terms_of.get(dimension, [])
        scores: dict[str, float] = {}
        entries: dict[str, Entry] = {}
        for term, score, _ in process.extract(core, terms, scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold,
                                              limit=None):
            for entry in self._by_term[dimension, term]:
                if in_context(entry) and score > scores.get(entry.id, -1.0):
                    scores[entry.id], entries[entry.id] = score, entry
        if not scores:
            return NO_MAPPING
        best_score = max(scores.values())
        best = [entries[i] for i, score in scores.items() if score == best_score]
        winner = best[0].id if len(best) == 1 else self._by_verb(best, before)
        return self._mapping(winner, "fuzzy") if winner else Mapping(None, 0.0, "tie")


def wilson_lower_bound(precision: float, n: float, z: float = 1.96) -> float:
    """The lower end of the Wilson interval of a precision measured on n links: small samples
    (one link mapped right) do not look better than large ones."""
    if n <= 0:
        return 0.0
    centre = precision + z * z / (2 * n)
    spread = z * ((precision * (1 - precision) + z * z / (4 * n)) / n) ** 0.5
    return (centre - spread) / (1 + z * z / n)


def choose_operating_point(options: list[dict], links: int, target: float, min_coverage: float = 0.05) -> dict:
    """The calibration kept by scripts/eval_canonical.py --select: among options
    ({"precision", "coverage", "fuzzy_threshold", "min_confidence"}) that map at least
    `min_coverage` of the links (a precision measured on a handful of links says nothing), the
    widest coverage at precision >= target; when none reaches it, the widest of those within one
    standard error of the option whose precision is most credibly high (highest Wilson lower
    bound). Ties go to the stricter settings."""
    options = [o for o in options if o["coverage"] >= min_coverage] or options
    eligible = [o for o in options if o["precision"] >= target]
    if not eligible:
        top = max(options, key=lambda o: wilson_lower_bound(o["precision"], o["coverage"] * links))
        error = (top["precision"] * (1 - top["precision"]) / (top["coverage"] * links)) ** 0.5
        eligible = [o for o in options if o["precision"] >= top["precision"] - error]
    return max(eligible, key=lambda o: (o["coverage"], o["fuzzy_threshold"], o["min_confidence"]))
