"""Finding programme names: a lexicon with canonical ids and variants, and a rule decision for
quoted phrases the lexicon does not know (programme name vs rhetoric)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Collection, Container, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...script import to_halfwidth
from ...sentences import LINE_BREAKS, SENTENCE_END
from ..base import SpanIndex, han_run_start

DATA = Path(__file__).parent / "data"
LEXICON_FILE, RULES_FILE = DATA / "programs.tsv", DATA / "rules.json"
QUOTE_RE = re.compile(r"[“‘\"]([^“”‘’\"\n]{1,60})[”’\"]")
#: A sentence's end, where the windows around a quoted phrase stop.
SENTENCE_BREAK_RE = re.compile(f"[{re.escape(SENTENCE_END + LINE_BREAKS)}]")
#: where the head window after a quote stops
WINDOW_STOP_RE = re.compile(r"[，,。；;、：:！？\s“”]")


@dataclass(frozen=True)
class ProgramMatch:
    start: int
    end: int
    program_id: str


@dataclass(frozen=True)
class QuotedPhrase:
    """A quoted phrase and its surroundings. `start`/`end`: the phrase inside the quote marks;
    `run_start`/`run_end`: the run of adjacent quoted phrases it belongs to, quote marks
    included (“一次性告知”“限时办结”“首问负责”); `run_size`: how many phrases the run has."""

    text: str
    start: int
    end: int
    run_start: int
    run_end: int
    run_size: int

    @property
    def phrase(self) -> str:
        return self.text[self.start:self.end]

    @property
    def after(self) -> str:
        """What the rules read after the run: 12 characters up to the end of its sentence (the
        mark kept), a leading 等 left out."""
        window = self.text[self.run_end:self.run_end + 12]
        end = SENTENCE_BREAK_RE.search(window)
        return (window[:end.end()] if end else window).removeprefix("等")

    def before(self, n: int) -> str:
        """The `n` characters before the run's opening quote, from the start of its sentence (the
        previous sentence's mark kept). Regression: what a quoted phrase was judged by depended
        on the words of the next or previous sentence."""
        window = self.text[max(0, self.run_start - n):self.run_start]
        starts = [match.start() for match in SENTENCE_BREAK_RE.finditer(window)]
        return window[starts[-1]:] if starts else window


def quoted_phrases(text: str) -> list[QuotedPhrase]:
    """Every quoted phrase of `text`, in order, with the run of adjacent quotes it stands in."""
    quotes = list(QUOTE_RE.finditer(text))
    runs: list[list[re.Match[str]]] = []
    for match in quotes:
        if runs and runs[-1][-1].end() == match.start():
            runs[-1].append(match)
        else:
            runs.append([match])
    return [QuotedPhrase(text, m.start(1), m.end(1), run[0].start(), run[-1].end(), len(run))
            for run in runs for m in run]


def read_lexicon(path: Path) -> list[dict[str, Any]]:
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            program_id, name, variants = line.split("\t")
            entries.append({"id": program_id, "name": name, "variants": variants.split("|")})
    return entries


@dataclass(frozen=True)
class QuotedEvidence:
    """What the rules see in a quoted phrase (the learned classifier reads it as features)."""

    rhetoric: bool  # a listed rhetoric or doctrine phrase
    too_long: bool  # longer than max_quoted_chars
    head_after: bool  # a programme head in the window after the quote (的 skipped)
    not_head_after: bool  # a principle/goal head there
    code: bool  # a code or formula of steps: 1+7+9+15, 事前—事中—事后
    own_head: bool  # the phrase ends with a programme head: “宪法宣传周”
    coined: bool  # a short coined name opening with a numeral: 四不两直


class ProgramRules:
    def __init__(self, lexicon: list[dict[str, Any]], rules: dict[str, Any],
                 platform_places: Collection[str] | None = None):
        """`platform_places`: the place names a named platform may begin with (default: the full
        names of the division table, when the rules have ``named_platforms``)."""
        self.lexicon, self.rules = lexicon, rules
        self.platforms = rules.get("named_platforms")
        if self.platforms and platform_places is None:
            from ..places.divisions import name_index

            platform_places = [name for name in name_index() if name.endswith(tuple(self.platforms["place_levels"]))]
        self.platform_places = set(platform_places or ()) | set(self.platforms["national"] if self.platforms else ())
        if self.platforms:
            self.platform_end_re = re.compile("|".join(map(re.escape, self.platforms["endings"])))
            self.platform_stop = set(self.platforms["body_stop_chars"])
            self.longest_place = max(map(len, self.platform_places))
        self.anywhere: dict[str, str] = {}
        self.quoted_only: dict[str, str] = {}
        for entry in lexicon:
            for variant in entry["variants"]:
                if variant.startswith("~"):
                    self.quoted_only[variant[1:]] = entry["id"]
                else:
                    self.anywhere[variant] = entry["id"]
        names = sorted(self.anywhere, key=len, reverse=True)
        self.anywhere_re = re.compile("|".join(map(re.escape, names))) if names else None
        self.code_re = re.compile(rules["code_pattern"])
        self.heads = sorted(rules["programme_heads"], key=len, reverse=True)
        self.not_heads = sorted(rules["not_programme_heads"], key=len, reverse=True)
        self.rhetoric = set(rules["rhetoric"])
        self.coined_re = re.compile(rules["coined_pattern"])

    @classmethod
    def from_files(cls, lexicon_path: Path = LEXICON_FILE, rules_path: Path = RULES_FILE) -> ProgramRules:
        return cls(read_lexicon(lexicon_path), json.loads(Path(rules_path).read_text(encoding="utf-8")))

    def to_data(self) -> dict[str, Any]:
        return {"lexicon": self.lexicon, "rules": self.rules, "platform_places": sorted(self.platform_places)}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ProgramRules:
        return cls(data["lexicon"], data["rules"], data.get("platform_places"))

    def knows(self, phrase: str) -> str | None:
        """The programme id of a quoted phrase the lexicon knows, else None (full-width digits and
        letters read as ASCII)."""
        phrase = to_halfwidth(phrase)
        return self.quoted_only.get(phrase) or self.anywhere.get(phrase)

    def phrases(self) -> list[str]:
        """The lexicon's variants (without the quoted-only mark) and the rhetoric phrases."""
        variants = [v.lstrip("~") for entry in self.lexicon for v in entry["variants"]]
        return sorted({*variants, *self.rules["rhetoric"]})

    def attestations(self, texts: Mapping[str, str]) -> dict[str, frozenset[str]]:
        """For each of :meth:`phrases`, the documents (`texts`: document → text) containing it."""
        return {phrase: frozenset(doc for doc, text in texts.items() if phrase in text) for phrase in self.phrases()}

    def without(self, held_out: Collection[str], attested: Mapping[str, frozenset[str]]) -> ProgramRules:
        """These rules as a report outside the corpus sees them: without the lexicon variants and
        rhetoric phrases attested only in the `held_out` documents (`attested`: :meth:`attestations`
        of the corpus), which were written from those documents. Entries attested nowhere stay."""
        held = frozenset(held_out)

        def only_held_out(phrase: str) -> bool:
            docs = attested.get(phrase, frozenset())
            return bool(docs) and docs <= held

        data = copy.deepcopy(self.to_data())
        for entry in data["lexicon"]:
            entry["variants"] = [v for v in entry["variants"] if not only_held_out(v.lstrip("~"))]
        data["lexicon"] = [entry for entry in data["lexicon"] if entry["variants"]]
        data["rules"]["rhetoric"] = [p for p in data["rules"]["rhetoric"] if not only_held_out(p)]
        return ProgramRules.from_data(data)

    def evidence(self, phrase: str, after: str) -> QuotedEvidence:
        """`after` is the text after the closing quote (after a run of adjacent quoted phrases)."""
        window = WINDOW_STOP_RE.split(after.removeprefix("的")[: self.rules["head_window"]])[0]
        return QuotedEvidence(
            rhetoric=to_halfwidth(phrase) in self.rhetoric,
            too_long=len(phrase) > self.rules["max_quoted_chars"],
            head_after=any(head in window for head in self.heads),
            not_head_after=any(head in window for head in self.not_heads),
            code=bool(self.code_re.match(phrase)),
            own_head=any(phrase.endswith(head) and len(phrase) > len(head) for head in self.heads),
            coined=len(phrase) <= self.rules["coined_max_chars"] and bool(self.coined_re.search(phrase)),
        )

    def quoted_is_programme(self, phrase: str, after: str) -> bool:
        """`after` is the text after the closing quote (after a run of adjacent quoted phrases)."""
        return self.decide(self.evidence(phrase, after))

    @staticmethod
    def decide(seen: QuotedEvidence) -> bool:
        if seen.rhetoric or seen.too_long or seen.not_head_after:
            return False
        # the name carries its own head: “宪法宣传周”, “行政执法三项制度”
        return seen.head_after or seen.code or seen.own_head or seen.coined


#: decides a quoted phrase the lexicon does not know (default: the rules' quoted_is_programme)
QuotedDecision = Callable[[QuotedPhrase], bool]


def find_platforms(text: str, rules: ProgramRules, token_starts: Container[int] | None = None) -> list[tuple[int, int]]:
    """Named IT tools: a place's full name, a body, 平台 or 系统 (福建省法律援助信息化平台); with
    `token_starts`, the place begins a token (not 成县 inside 完成县域…)."""
    low, high = rules.platforms["body_chars"]
    found: list[tuple[int, int]] = []
    for match in rules.platform_end_re.finditer(text):
        body_start = han_run_start(text, match.start(), high, rules.platform_stop)
        for start_of_body in range(body_start, match.start() - low + 1):  # the longest body first
            start = next((start_of_body - size for size in range(min(rules.longest_place, start_of_body), 1, -1)
                          if text[start_of_body - size:start_of_body] in rules.platform_places), None)
            if start is not None and (token_starts is None or start in token_starts):
                if not found or start >= found[-1][1]:
                    found.append((start, match.end()))
                break
    return found


def find_programs(text: str, rules: ProgramRules, decide: QuotedDecision | None = None,
                  token_starts: Container[int] | None = None) -> list[ProgramMatch]:
    found: dict[tuple[int, int], str] = {}
    for quoted in quoted_phrases(text):  # “一次性告知”“限时办结”“首问负责”等制度: the run's after
        phrase = quoted.phrase
        known = rules.knows(phrase)
        if known:
            found[(quoted.start, quoted.end)] = known
        elif decide(quoted) if decide is not None else rules.quoted_is_programme(phrase, quoted.after):
            found[(quoted.start, quoted.end)] = to_halfwidth(phrase)  # the id: “１９３８” is 1938
    if rules.anywhere_re is not None:
        quoted_spans = SpanIndex(found)  # lexicon matches never overlap each other (finditer)
        for match in rules.anywhere_re.finditer(text):
            if not quoted_spans.overlaps(match.start(), match.end()):
                found[match.start(), match.end()] = rules.anywhere[match.group()]
    if rules.platforms:
        taken = SpanIndex(found)
        for start, end in find_platforms(text, rules, token_starts):
            if not taken.overlaps(start, end):
                found[start, end] = text[start:end]
    return [ProgramMatch(s, e, i) for (s, e), i in sorted(found.items())]
