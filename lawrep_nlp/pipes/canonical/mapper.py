"""Map a measurement's free indicator text to a canonical indicator of the taxonomy
(data/taxonomy.json), following corpus/canonical/GUIDELINES.md:

1. only entries of the quantity's unit dimension (count, people, rate, money, time, area);
2. an entry with context words needs one of them in the sentence;
3. lexicon: the indicator, without scope words (全区, 各级, 累计…) and quotes, *is* one of the
   entry's terms ("exact"), or ends in one ("head": a Chinese noun phrase ends in its head,
   上门公证 is a 公证); the longest term wins;
4. entries that share that term are told apart by their verbs (rule 5: the verb governing the
   number, before or right after it): the first verb right after the number (17件行政规范性文件均进行
   合法性审查), else the one that ends closest before it, wins ("…_by_verb"); without a deciding verb
   the one entry without verbs, else the volume entry, is the default for a number that ends its
   indicator's phrase (法律援助案件503宗(其中刑事案件408宗)); otherwise a tie abstains;
   before them, entries of one family (rule 6: law study, training, lectures) are told apart by
   who studies, is trained or listens (their ``who`` words: 中心组, 党组会, 常务会; 执法人员, 干部;
   学生, 群众) in the indicator, else closest before the number in its clause ("by_who");
5. fallback when no term matches: fuzzy similarity (rapidfuzz ratio) with the terms ("fuzzy").

Each way of mapping has a confidence — its precision measured leave-one-document-out on train
and dev (data/calibration.json, written by scripts/eval_canonical.py --select) — and the mapper
abstains below ``min_confidence``: precision first, as the annotation guidelines ask.

A learned model (model.py, trained in the component's initialize) can be combined with these
rules by a declared ``policy`` (POLICIES; ``combine``) and a probability threshold, both chosen by
document-level cross-validation and recorded in the calibration.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from ..base import check_setting
from .model import NONE, Featurizer, IndicatorModel, Row

DATA_DIR = Path(__file__).parent / "data"
TAXONOMY_FILE = DATA_DIR / "taxonomy.json"
CALIBRATION_FILE = DATA_DIR / "calibration.json"
METHODS = ("exact", "exact_by_verb", "head", "head_by_verb", "by_who", "fuzzy")
#: how rules and model combine: the rules alone; the model alone (above its threshold); the
#: rules when confident, else the model; the model when above its threshold, else the rules; only
#: where the rules' best reading and the model agree (model above its threshold); the rules when
#: confident, else where both agree.
POLICIES = ("rules", "model", "rules_then_model", "model_then_rules", "agree", "rules_or_agree")
QUOTES = "“”‘’\"'「」"
#: where a clause ends: the verb governing a number is looked for in its own clause
CLAUSE_END = re.compile(r"[，,；;。！？!?]")
#: _by_who's answer when the indicator names several members of a family (a mixture: no id)
MIXED = "<mixed>"


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
    #: GUIDELINES.md rule 6: entries of one ``family`` (law study, training, lectures) are told
    #: apart by ``who`` studies, is trained or listens; a taxonomy saved before has neither
    family: str = ""
    who: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Entry:
        return cls(data["id"], data["dimension"], tuple(data["terms"]), tuple(data["actions"]), tuple(data["context"]),
                   data.get("family", ""), tuple(data.get("who", ())))


class Taxonomy:
    """The taxonomy plus the calibration that says how far each way of mapping can be trusted."""

    def __init__(self, data: dict[str, Any], calibration: dict[str, Any], *, min_confidence: float | None = None,
                 fuzzy_threshold: float | None = None, model: IndicatorModel | None = None,
                 policy: str | None = None, model_threshold: float | None = None):
        self.data = data
        self.calibration = calibration
        self.model = model
        self.policy = policy or calibration.get("policy", "rules")
        if self.policy not in POLICIES:
            raise ValueError(f"unknown canonical mapping policy {self.policy!r}: one of {POLICIES}")
        self.model_threshold = round(float(calibration.get("model_threshold", 1.0) if model_threshold is None
                                           else model_threshold), 4)
        # rounded like the confidences: srsly's JSON reader may read 0.938 back as 0.9380000000000001
        self.min_confidence = round(float(calibration["min_confidence"] if min_confidence is None
                                          else min_confidence), 4)
        self.fuzzy_threshold = calibration["fuzzy_threshold"] if fuzzy_threshold is None else fuzzy_threshold
        check_setting("lawrep_canonical", "min_confidence", self.min_confidence, 0, 1)  # probabilities
        check_setting("lawrep_canonical", "model_threshold", self.model_threshold, 0, 1)
        # a similarity, 0…100 (above 100: no fuzzy matching)
        check_setting("lawrep_canonical", "fuzzy_threshold", self.fuzzy_threshold, 0)
        self.scope_words = sorted(data.get("scope_words", []), key=len, reverse=True)
        # a taxonomy saved before session 23 has none: a tie without a deciding verb abstains there
        self.volume_verbs = frozenset(data.get("volume_verbs", ()))
        # Terms are read the way indicators are (quotes and scope words off), or a quoted term
        # (“绿色通道”上门公证) could never match.
        self.entries = [Entry.from_data({**item, "terms": [self.normalise(t) for t in item["terms"]]})
                        for item in data["indicators"]]
        self.names = {item["id"]: item["name"] for item in data["indicators"]}
        self.dimension_of = {item["id"]: item["dimension"] for item in data["indicators"]}
        # Indexes, so that a quantity costs a few lookups, not a pass over every entry and term.
        self._by_term: dict[tuple[str, str], list[Entry]] = {}
        self._terms_of: dict[str, list[str]] = {}
        for entry in self.entries:
            for term in dict.fromkeys(entry.terms):  # two phrasings may read alike (“法治为民办实事”项目)
                self._by_term.setdefault((entry.dimension, term), []).append(entry)
            self._terms_of.setdefault(entry.dimension, []).extend(entry.terms)
        self.featurize = Featurizer(data, self.normalise)
        self._name_grams = {item["id"]: _bigrams(item["name"]) for item in data["indicators"]}
        self._term_grams = {entry.id: [_bigrams(term) for term in entry.terms] for entry in self.entries}
        self._of_dimension: dict[str, list[Entry]] = {}
        for entry in self.entries:
            self._of_dimension.setdefault(entry.dimension, []).append(entry)
        # per dimension: its verbs and context words (each looked up once per quantity), and which
        # terms hold each character pair (a term can match the indicator only if it shares one)
        self._actions_of = {dim: sorted({v for e in es for v in e.actions}) for dim, es in self._of_dimension.items()}
        # (dimension, verb) → the ids of the entries with that verb: candidate_features looks up the
        # few verbs found before a number instead of every entry's verbs
        self._entries_by_action: dict[tuple[str, str], list[str]] = {}
        for entry in self.entries:
            for verb in entry.actions:
                self._entries_by_action.setdefault((entry.dimension, verb), []).append(entry.id)
        self._context_of = {dim: sorted({w for e in es for w in e.context}) for dim, es in self._of_dimension.items()}
        self._last_context: tuple[str, str, frozenset[str]] = ("", "", frozenset())
        self._terms_by_gram: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self._short_terms: dict[str, list[tuple[str, int]]] = {}
        for entry in self.entries:
            for position, term in enumerate(entry.terms):
                if len(term) < 2:
                    self._short_terms.setdefault(entry.dimension, []).append((entry.id, position))
                for gram in _bigrams(term):
                    self._terms_by_gram.setdefault((entry.dimension, gram), []).append((entry.id, position))
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

    def map(self, indicator: str | None, dimension: str | None, *, before: str = "", sentence: str = "",
            unit: str | None = None) -> Mapping:
        """The canonical id under the policy, or None (abstain): the rules' reading below
        ``min_confidence``, the model's below ``model_threshold``.
        `before`: the sentence text up to the quantity (where its verbs are)."""
        best = self.best_reading(indicator, dimension, before=before, sentence=sentence)
        if self.model is None:  # untrained: the rules answer alone, whatever the policy
            return rule_mapping(best, self.min_confidence)
        if not model_matters(self.policy, best, self.min_confidence):
            return combine(self.policy, best, NO_MAPPING, self.min_confidence, self.model_threshold)
        # the lexicon's reading (what candidate_features needs) is the best one unless that came from fuzzy matching
        lexicon_reading = NO_MAPPING if best.method == "fuzzy" else best
        learned = self.model_reading(indicator, dimension, before=before, sentence=sentence, unit=unit,
                                     lexicon_reading=lexicon_reading)
        return combine(self.policy, best, learned, self.min_confidence, self.model_threshold)

    def model_reading(self, indicator: str | None, dimension: str | None, *, before: str = "", sentence: str = "",
                      unit: str | None = None, lexicon_reading: Mapping | None = None) -> Mapping:
        """The model's most probable id of the dimension, whatever its probability (None: no
        model, or it says no entry)."""
        if self.model is None or not indicator or not dimension:
            return NO_MAPPING
        label, probability = self.model.predict(self.row(indicator, dimension, None, before=before, sentence=sentence,
                                                         unit=unit, lexicon_reading=lexicon_reading),
                                                self.dimension_of)
        return Mapping(label, probability, "model") if label else Mapping(None, probability, "none")

    def training_row(self, indicator: str | None, dimension: str | None, gold: str | None, *, before: str = "",
                     sentence: str = "", unit: str | None = None) -> Row | None:
        """A gold link as a training row for the model; None without an indicator or a dimension, or
        when the gold id is not an entry of the quantity's dimension (never across dimensions)."""
        if not indicator or not dimension:
            return None
        if gold is not None and self.dimension_of.get(gold) != dimension:
            return None
        return self.row(indicator, dimension, gold or NONE, before=before, sentence=sentence, unit=unit)

    def row(self, indicator: str, dimension: str, label: str | None, *, before: str = "", sentence: str = "",
            unit: str | None = None, lexicon_reading: Mapping | None = None) -> Row:
        """The model's view of a link: its own features and each candidate entry's (model.Row)."""
        return Row(self.featurize(indicator, dimension, before=before, sentence=sentence, unit=unit), dimension, label,
                   self.candidate_features(indicator, dimension, before=before, sentence=sentence,
                                           lexicon_reading=lexicon_reading))

    def candidate_features(self, indicator: str, dimension: str, *, before: str = "", sentence: str = "",
                           lexicon_reading: Mapping | None = None) -> dict[str, dict[str, float]]:
        """Per entry of the dimension, what speaks for it: how its terms match the indicator
        (exact, head share, contained, fuzzy), its verb before the number (the closest one), its
        context words in the sentence (or their absence), and whether the rules pick it.
        `lexicon_reading`: ``best_reading(…, fuzzy=False)`` when the caller has it already."""
        core = self.normalise(indicator)
        grams = _bigrams(core)
        entries = self._of_dimension.get(dimension, [])
        fuzzy: dict[str, float] = {}
        for term, score, _ in process.extract(core, self._terms_of.get(dimension, []), scorer=fuzz.ratio,
                                              score_cutoff=50, limit=None):
            for entry in self._by_term[dimension, term]:
                fuzzy[entry.id] = max(fuzzy.get(entry.id, 0.0), (score - 50) / 50)
        verb_at = {v: before.rfind(v) + len(v) for v in self._actions_of.get(dimension, ()) if v in before}
        in_sentence = self._context_in(dimension, sentence)
        verb_end: dict[str, int] = {}  # entry → where its verb closest to the number ends
        for verb, end in verb_at.items():
            for entry_id in self._entries_by_action.get((dimension, verb), ()):
                verb_end[entry_id] = max(verb_end.get(entry_id, -1), end)
        closest = max(verb_end.values(), default=-1)
        # only terms that share a character pair with the indicator (or are shorter than a pair) can
        # match it or share its pairs
        sharing: dict[str, set[int]] = {}
        for entry_id, position in [*self._short_terms.get(dimension, ()),
                                   *(hit for gram in grams for hit in self._terms_by_gram.get((dimension, gram), ()))]:
            sharing.setdefault(entry_id, set()).add(position)
        # the lexicon's reading, not the fuzzy fallback: the calibration's fuzzy threshold may change
        # after the model is trained, its features must not
        best = lexicon_reading if lexicon_reading is not None else self.best_reading(
            indicator, dimension, before=before, sentence=sentence, fuzzy=False)
        out: dict[str, dict[str, float]] = {}
        for entry in entries:
            found: dict[str, float] = {}
            if entry.context:
                found["ctx_ok" if any(w in in_sentence for w in entry.context) else "ctx_missing"] = 1.0
            positions = sharing.get(entry.id, ())
            for position in sorted(positions):  # in the terms' order, as the features were trained
                term = entry.terms[position]
                if core == term:
                    found["exact"] = 1.0
                elif core.endswith(term):
                    found["head"] = max(found.get("head", 0.0), len(term) / len(core))
                elif term in core:
                    found["contains"] = max(found.get("contains", 0.0), len(term) / len(core))
            if fuzzy.get(entry.id):
                found["fuzzy"] = round(fuzzy[entry.id], 4)
            if grams:  # the share of the indicator's character pairs in the entry's name, in its best term
                in_name = len(grams & self._name_grams[entry.id]) / len(grams)
                term_grams = self._term_grams[entry.id]
                in_term = max(len(grams & term_grams[position]) / len(grams) for position in positions) \
                    if positions else 0.0
                if in_name:
                    found["name_bigrams"] = round(in_name, 4)
                if in_term:
                    found["term_bigrams"] = round(in_term, 4)
            if (end := verb_end.get(entry.id, -1)) >= 0:
                found["verb_before"] = 1.0
                if end == closest:
                    found["verb_closest"] = 1.0
            elif entry.actions:
                found["verb_missing"] = 1.0
            if best.canonical == entry.id:
                found["rule_pick"] = 1.0
                found[f"rule_{best.method}"] = 1.0
            if found:
                out[entry.id] = found
        return out

    def labels_of(self) -> dict[str, list[str]]:
        """Dimension → the ids of its entries (the model's candidates)."""
        return {dim: [e.id for e in entries] for dim, entries in self._of_dimension.items()}

    def attested_data(self, texts_by_doc: dict[str, list[str]], ids_by_doc: dict[str, set[str]] | None = None
                      ) -> dict[str, dict[str, Any]]:
        """doc → this taxonomy's data with only the terms found inside the other documents' texts
        (their gold indicators: how the lexicon looks to a new report). A key with no texts, such
        as "", holds no document out: every attested term stays. With `ids_by_doc` (doc → its gold
        ids), a document also loses the entries whose ids only it attests: the entries were made
        from these documents' links, and a new report meets a taxonomy not made from it. Entries
        no document attests stay."""
        terms = {t for entry in self.data["indicators"] for t in entry["terms"]}
        found_in = {t: {doc for doc, texts in texts_by_doc.items() if any(t in x for x in texts)} for t in terms}
        ids_in: dict[str, set[str]] = {}
        for doc, ids in (ids_by_doc or {}).items():
            for identifier in ids:
                ids_in.setdefault(identifier, set()).add(doc)
        every_id = {entry["id"] for entry in self.data["indicators"]}
        return {doc: with_terms(self.data, lambda term, doc=doc: bool(found_in[term] - {doc}),
                                {i for i in every_id if ids_in.get(i, {None}) - {doc}} if ids_by_doc else None)
                for doc in texts_by_doc}

    def leave_one_out(self, texts_by_doc: dict[str, list[str]], ids_by_doc: dict[str, set[str]] | None = None
                      ) -> dict[str, Taxonomy]:
        """doc → this taxonomy with the terms (and entries) of ``attested_data``; same calibration
        and model."""
        return {doc: Taxonomy(data, self.calibration, min_confidence=self.min_confidence,
                              fuzzy_threshold=self.fuzzy_threshold, model=self.model, policy=self.policy,
                              model_threshold=self.model_threshold)
                for doc, data in self.attested_data(texts_by_doc, ids_by_doc).items()}

    def best_reading(self, indicator: str | None, dimension: str | None, *, before: str = "",
                     sentence: str = "", fuzzy: bool = True) -> Mapping:
        """The mapper's best reading whatever its confidence (`fuzzy`: False, the lexicon's only)."""
        if not indicator or not dimension:
            return NO_MAPPING
        core = self.normalise(indicator)
        present = self._context_in(dimension, sentence)
        clause_before = CLAUSE_END.split(before)[-1]
        clause_after, at = clause_after_number(indicator, before, clause_before, sentence)
        after = verb_after(indicator, clause_after, at)
        # when no verb decides, rule 5's default applies only to a number that ends its indicator's
        # phrase in its clause or bracket (法律援助案件503宗), not to one whose own predicate follows
        # (5宗法律援助案件…获评优秀) or that stands in a bracket without it ((全省仅6宗获评优秀))
        leads = indicator in re.split(r"[(（]", clause_before)[-1]

        def in_context(entry: Entry) -> bool:
            return not entry.context or any(word in present for word in entry.context)

        best: list[Entry] = []
        for start in range(len(core)):  # suffixes, longest first: the first that is a term wins
            best = [e for e in self._by_term.get((dimension, core[start:]), ()) if in_context(e)]
            if best:
                break
        if not best:
            return self._fuzzy(core, dimension, in_context, before, after, leads) if fuzzy else NO_MAPPING
        kind = "exact" if start == 0 else "head"
        # the indicator, and the words between the number and an indicator that follows it
        # (4次市政府常务会会前学法 → 市政府常务会)
        named_in = core + "|" + (clause_after[:at] if at > 0 else "")
        who = self._by_who(best, dimension, named_in, before, clause_before, in_context)
        if who == MIXED:
            return Mapping(None, 0.0, "tie")
        if who is not None and (len(best) > 1 or who != best[0].id):
            return self._mapping(who, "by_who")
        if len(best) == 1 and best[0].actions:
            # Its siblings (entries sharing a term: 受理 vs 办结 of the same cases) may own the
            # verb before the number although their terms miss this phrasing; without a verb
            # that decides, the entry whose term matched stays.
            matched = best[0]
            siblings = [e for e in self._siblings[matched.id] if in_context(e)]
            winner = self._by_verb(siblings, before, after) if len(siblings) > 1 else None
            return self._mapping(winner, kind + "_by_verb") if winner else self._mapping(matched.id, kind)
        if len(best) == 1:
            return self._mapping(best[0].id, kind)
        winner = self._by_verb(best, before, after) or (self._default(best) if leads else None)
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

    def _default(self, entries: list[Entry]) -> str | None:
        """When no verb decides between entries that share the term (GUIDELINES.md rule 5): the one
        entry without verbs (法律援助案件503宗(其中刑事案件408宗) → criminal cases, not their quality
        review, which needs 抽查/评查), else the one entry of volume verbs ("or no verb" → received)."""
        plain = [e.id for e in entries if not e.actions]
        if len(plain) == 1:
            return plain[0]
        volume = [e.id for e in entries if self.volume_verbs & set(e.actions)]
        return volume[0] if len(volume) == 1 else None

    def _by_who(self, matched: list[Entry], dimension: str, core: str, before: str, clause_before: str,
                in_context: Callable[[Entry], bool]) -> str | None:
        """GUIDELINES.md rule 6: when the matched entries all belong to a family (law study,
        training, lectures; not when the term is shared with entries that verbs tell apart, as
        执法人员), the member whose ``who`` word (中心组, 党组会, 常务会; 执法人员, 干部; 群众, 学生)
        is in the indicator (党组会议第一议题学习) or between the number and it (4次市政府常务会会前学法),
        else ends closest before the number in its clause (区委中心组全年组织法治专题学习研讨5次;
        where the terms alone tie, in its sentence); None when no such word decides, MIXED when the
        indicator names several members (局党组会、专题会及开展党组理论中心组集中学习: rule 11)."""
        families = {e.family for e in matched}
        if "" in families:
            return None
        members = [e for e in self._of_dimension.get(dimension, ()) if e.family in families and e.who and in_context(e)]
        named = {e.id for e in members if any(w in core for w in e.who)}
        if len(named) > 1:
            return MIXED
        if named:
            return named.pop()
        # the clause; where the terms alone tie, the sentence before the number
        for text in (clause_before, before if len(matched) > 1 else ""):
            ranked = sorted(((max((text.rfind(w) + len(w) for w in e.who if w in text), default=-1), e.id)
                             for e in members), reverse=True)
            if ranked and ranked[0][0] >= 0:
                return ranked[0][1] if len(ranked) == 1 or ranked[0][0] != ranked[1][0] else None
        return None

    @staticmethod
    def _by_verb(entries: list[Entry], before: str, after: str = "") -> str | None:
        """The entry whose verb governs the number (GUIDELINES.md rule 5: before or right after
        it): the first verb in `after` (verb_after: 17件行政规范性文件均进行合法性审查, 46起案件已判决),
        else the one that ends closest before the number (a longer verb at the same place beats a
        shorter one: 成功调解 over 调解); None when no verb decides."""
        def first_after(entry: Entry) -> tuple[int, int] | None:
            return min(((after.find(verb), -len(verb)) for verb in entry.actions if verb in after), default=None)

        if after:
            found = sorted((place, e.id) for e in entries if (place := first_after(e)) is not None)
            if found and (len(found) == 1 or found[0][0] != found[1][0]):
                return found[0][1]

        def last_verb(entry: Entry) -> tuple[int, int]:
            found = [(before.rfind(verb) + len(verb), len(verb)) for verb in entry.actions if verb in before]
            return max(found, default=(-1, 0))

        ranked = sorted(((last_verb(e), e.id) for e in entries), reverse=True)
        (best, identifier), runner_up = ranked[0], ranked[1][0]
        return identifier if best[0] >= 0 and best != runner_up else None

    def _context_in(self, dimension: str, sentence: str) -> frozenset[str]:
        """The dimension's context words that occur in the sentence. The last answer is kept: the
        quantities of a sentence come one after another, and a long sentence full of numbers
        was searched again for every one of them."""
        last_dimension, last_sentence, words = self._last_context
        if dimension != last_dimension or sentence != last_sentence:
            words = frozenset(w for w in self._context_of.get(dimension, ()) if w in sentence)
            self._last_context = (dimension, sentence, words)
        return words

    def _fuzzy(self, core: str, dimension: str, in_context: Callable[[Entry], bool], before: str,
               after: str = "", leads: bool = False) -> Mapping:
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
        winner = best[0].id if len(best) == 1 else self._by_verb(best, before, after) or (
            self._default(best) if leads else None)
        return self._mapping(winner, "fuzzy") if winner else Mapping(None, 0.0, "tie")


def with_terms(data: dict[str, Any], keep: Callable[[str], bool], entries: set[str] | None = None) -> dict[str, Any]:
    """Taxonomy data with only the terms `keep` accepts (and only `entries`, when given): the
    lexicon as a subset of the annotated documents would have made it."""
    return {**data, "indicators": [{**entry, "terms": [t for t in entry["terms"] if keep(t)]}
                                   for entry in data["indicators"] if entries is None or entry["id"] in entries]}


def clause_after_number(indicator: str, before: str, clause_before: str, sentence: str) -> tuple[str, int]:
    """The clause after the number (the sentence after `before` up to the next clause end), and
    where the indicator stands in it when it follows the number (-1 when it stands before the
    number, in `clause_before`, or nowhere there)."""
    if not sentence.startswith(before):
        return "", -1
    clause = CLAUSE_END.split(sentence[len(before):], 1)[0]
    if not indicator or indicator in clause_before:
        return clause, -1
    return clause, clause.find(indicator)


def verb_after(indicator: str, clause: str, at: int) -> str:
    """The text after the number where a verb governing it can stand (GUIDELINES.md rule 5:
    "before or right after it"), from its clause and the indicator's place in it
    (clause_after_number): when the indicator follows the number (17件行政规范性文件均进行合法性审查),
    the rest of the clause after the indicator; else the rest of the list item that the number ends
    (32件已全部办结; not 、办结28件, the next item's)."""
    return clause[at + len(indicator):] if at >= 0 else clause.split("、", 1)[0]


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def rule_mapping(best: Mapping, min_confidence: float) -> Mapping:
    """The rules' answer: their best reading when its confidence reaches ``min_confidence``."""
    return best if best.canonical and best.confidence >= min_confidence else NO_MAPPING


def model_matters(policy: str, best: Mapping, min_confidence: float) -> bool:
    """Whether the model's reading can change `policy`'s answer given the rules' best reading: the
    model costs most of the mapper's time, and under rules_or_agree it only decides a reading the
    rules found but do not trust."""
    confident = rule_mapping(best, min_confidence).canonical is not None
    if policy == "rules":
        return False
    if policy == "rules_then_model":
        return not confident
    if policy == "agree":
        return best.canonical is not None
    if policy == "rules_or_agree":
        return not confident and best.canonical is not None
    return True  # model, model_then_rules


def combine(policy: str, best: Mapping, learned: Mapping, min_confidence: float, threshold: float) -> Mapping:
    """The answer of `policy` (POLICIES) from the rules' best reading and the model's reading."""
    rules = rule_mapping(best, min_confidence)
    model = learned if learned.canonical and learned.confidence >= threshold else NO_MAPPING
    agreed = (Mapping(learned.canonical, learned.confidence, "agree")
              if model.canonical and model.canonical == best.canonical else NO_MAPPING)
    if policy == "rules":
        return rules
    if policy == "model":
        return model
    if policy == "rules_then_model":
        return rules if rules.canonical else model
    if policy == "model_then_rules":
        return model if model.canonical else rules
    if policy == "agree":
        return agreed
    if policy == "rules_or_agree":
        return rules if rules.canonical else agreed
    raise ValueError(f"unknown canonical mapping policy {policy!r}: one of {POLICIES}")


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
