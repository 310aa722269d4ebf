"""Finding quantities in report text: numbers with their multiplier, approximation word and
unit, normalised by lawrep_nlp.numerals (the same parser the corpus validator uses).

Everything the rules know lives in data files (the package unit table lawrep_nlp/data/units.tsv
and data/rules.json) held by a QuantityRules object, which the pipeline component serialises.
Approximation words and multipliers come from lawrep_nlp.numerals.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...numerals import (
    APPROX_AFTER_UNIT,
    APPROX_BEFORE_UNIT,
    ARABIC,
    CHINESE_NUMBER,
    CHINESE_NUMERAL_CHARS,
    INLINE_SPACE,
    LARGE_UNITS,
    MULTIPLIERS,
    RANGE_SEPARATORS,
    REPEATED_UNIT_RANGE_SEPARATORS,
    SMALL_UNITS,
    parse_quantity,
)
from ...units import UNITS_FILE, quantity_units
from ..base import SpanIndex

DATA_DIR = Path(__file__).parent / "data"
RULES_FILE = DATA_DIR / "rules.json"

#: A candidate: optional 百分之/千分之, then a placeholder, an Arabic number (with multiplier) or
#: a run of Chinese numerals, then optionally a range's second number (after the first number's
#: approximation word too: 10余至20余件, regression, it gave 20余件).
CANDIDATE_RE = re.compile(
    rf"(?P<percent>百分之|千分之)?"
    rf"(?P<number>[*＊]+|(?:{ARABIC}){MULTIPLIERS}|{CHINESE_NUMBER})"
    rf"(?P<range>[{''.join(APPROX_BEFORE_UNIT)}]?{INLINE_SPACE}*[{re.escape(RANGE_SEPARATORS)}]{INLINE_SPACE}*"
    rf"(?:(?:{ARABIC}){MULTIPLIERS}"
    rf"|{CHINESE_NUMBER}))?"
)
#: What follows a quantity when it is the first half of a range whose unit is written twice: a
#: separator and a number (10%-20%, 3天—5天); the unit must then repeat.
SECOND_OF_RANGE_RE = re.compile(
    rf"{INLINE_SPACE}*[{re.escape(REPEATED_UNIT_RANGE_SEPARATORS)}]{INLINE_SPACE}*(?:(?:{ARABIC}){MULTIPLIERS}|{CHINESE_NUMBER})"
)
TRAILING_APPROX = APPROX_AFTER_UNIT
LEADING_APPROX = APPROX_BEFORE_UNIT
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
#: Characters that give a Chinese numeral a magnitude (五千万元 is an amount, 二元 is not).
CHINESE_MAGNITUDES = "".join(SMALL_UNITS) + "".join(LARGE_UNITS)


#: The lists of rules.json that `QuantityRules.ending` looks for at the end of a text.
ENDING_WORD_LISTS = ("ordinal_prefixes", "adverbial_prefixes", "approx_prefixes", "chinese_numeral_blocked_before",
                     "increase_words", "decrease_words")


@dataclass
class QuantityRules:
    """Unit table and word lists of the recognizer (see data/rules.json for their meaning)."""

    units: dict[str, str]
    rules: dict[str, Any]
    max_unit_length: int = field(init=False)
    ordinal_list_head: re.Pattern[str] = field(init=False)
    concept_name: re.Pattern[str] = field(init=False)
    concept_dimensions: frozenset[str] = field(init=False)
    not_units: tuple[str, ...] = field(init=False)
    longest_first: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.max_unit_length = max(map(len, self.units), default=1)
        r = self.rules
        #: the word lists read at the end of the text before a number, sorted once (not per candidate)
        self.longest_first = {key: tuple(sorted(r[key], key=len, reverse=True)) for key in ENDING_WORD_LISTS}
        #: the text before a later item of a list of ordinals (第四、 before 五批, 第1、 before 2批)
        prefixes = "|".join(map(re.escape, r.get("ordinal_list_prefixes", ()))) or "(?!)"
        self.ordinal_list_head = re.compile(rf"(?:{prefixes})(?:(?:[0-9０-９]+|[{CHINESE_NUMERAL_CHARS}]+)[、和及])+$")
        #: what follows the unit of a number that names a service concept (…法律服务圈); rules saved
        #: before session 22 have none of these keys and read as before
        self.concept_dimensions = frozenset(r.get("concept_dimensions", ()))
        self.not_units = tuple(r.get("not_units", ()))
        suffixes = "|".join(map(re.escape, r.get("concept_suffixes", ()))) or "(?!)"
        self.concept_name = re.compile(rf"[\u4e00-\u9fff]{{0,{int(r.get('concept_max_chars', 0))}}}(?:{suffixes})")

    @classmethod
    def from_files(cls, units_path: Path = UNITS_FILE, rules_path: Path = RULES_FILE) -> QuantityRules:
        return cls(quantity_units(units_path), json.loads(Path(rules_path).read_text(encoding="utf-8")))

    def to_data(self) -> dict[str, Any]:
        return {"units": self.units, "rules": self.rules}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> QuantityRules:
        return cls(dict(data["units"]), dict(data["rules"]))

    def ending(self, text: str, word_list: str) -> str | None:
        """The longest word of the list `word_list` (one of ENDING_WORD_LISTS) that `text` ends with."""
        return next((word for word in self.longest_first[word_list] if text.endswith(word)), None)

    def unit_at(self, text: str, position: int) -> str | None:
        for size in range(min(self.max_unit_length, len(text) - position), 0, -1):
            candidate = text[position:position + size]
            if candidate in self.units:
                return candidate
        return None


@dataclass(frozen=True)
class QuantityMatch:
    start: int
    end: int
    value: float | None
    unit: str
    approx: str | None = None
    max: float | None = None
    placeholder: bool = False
    change: str | None = None
    out_of_range: bool = False


def _fixed_expression_spans(text: str, expressions: list[str]) -> SpanIndex:
    spans = []
    for expression in expressions:
        start = text.find(expression)
        while start >= 0:
            spans.append((start, start + len(expression)))
            start = text.find(expression, start + 1)
    return SpanIndex(spans)


def find_quantities(text: str, rules: QuantityRules) -> list[QuantityMatch]:
    """Every quantity in `text`, left to right, not overlapping."""
    r = rules.rules
    fixed = _fixed_expression_spans(text, r["fixed_expressions"])
    found: list[QuantityMatch] = []
    position = 0
    while True:
        match = CANDIDATE_RE.search(text, position)
        if match is None:
            return found
        position = match.end()
        quantity = _read_candidate(text, match, rules, fixed)
        if quantity is not None:
            found.append(quantity)
            position = quantity.end


def _read_candidate(text: str, match: re.Match[str], rules: QuantityRules,
                    fixed: SpanIndex) -> QuantityMatch | None:
    r = rules.rules
    start, number = match.start(), match.group("number")
    is_placeholder = number[0] in "*＊"
    is_chinese = not is_placeholder and number[0] in CHINESE_NUMERAL_CHARS
    before = text[max(0, start - 6):start]
    if fixed.overlaps(start, start + 1) or (is_chinese and fixed.overlaps(start, match.end())):
        return None  # an Arabic number only from inside: 5万千米 is 5×10⁷ 米, not 万千 (regression: nothing)
    if rules.ending(before, "ordinal_prefixes") or rules.ending(before, "adverbial_prefixes"):
        return None
    if rules.ordinal_list_head.search(text[max(0, start - 24):start]):
        return None  # 第四、五批: the 第 of the list's head holds for every item (regression: 五批)
    if not is_chinese and not is_placeholder:
        # parts of dates, times, phone and document numbers, codes: 2026-02-26, 11:30, 〔2019〕28号;
        # after a label's colon it stands (调解成功率：98%, 受理数量：97件), after a number's it is a time
        if before[-1:] and ((before[-1].isascii() and before[-1].isalnum()) or before[-1] in "-/.〔[+"):
            return None
        if before[-1:] == "点" and before[-2:-1].isdigit():
            return None  # 3点5件 is one number, not 5件 (regression); 分别为12,8件 stays a list
        if before[-1:] in (":", "：") and not (CJK_RE.match(before[-2:-1]) or before[-2:-1] in ")）"):
            return None
        after_number = text[match.end():match.end() + 2]
        if after_number[:1] and after_number[0] in "-/:：+〕]" and not match.group("range"):
            return None
    position = match.end()
    unit: str | None
    if match.group("percent"):
        unit_end, unit = position, "%"
    else:
        if position < len(text) and re.fullmatch(INLINE_SPACE, text[position]) and position + 1 < len(text) \
                and CJK_RE.match(text[position + 1]):
            position += 1  # 会议 1 次: a space inside the expression stays inside
        if text.startswith(LEADING_APPROX, position) and rules.unit_at(text, position + 1):
            position += 1
        elif text.startswith(LEADING_APPROX, position) and text[position + 1:position + 2] in LARGE_UNITS \
                and rules.unit_at(text, position + 2):
            position += 2  # 30余万人次, 二十多万份 (regression: nothing; 3000余万元 had only worked by 万元)
        unit = rules.unit_at(text, position)
        unit_end = position + len(unit) if unit else position
    following = text[position:position + 2]
    if unit is None:
        return None  # bare numbers are left to the statistical model (too ambiguous for rules)
    if text.startswith(rules.not_units, position):
        return None  # 建院60周年 is an anniversary, not 60 weeks (regression)
    if rules.units.get(unit) in rules.concept_dimensions and rules.concept_name.match(text, unit_end):
        return None  # 15分钟法律服务圈: the number names a service concept (regression)
    if not is_chinese and not is_placeholder and following[:1] in r["date_units_after_number"]:
        digits = sum(ch.isdigit() for ch in number)
        if following[0] != "日" or before.endswith("月") or digits > r["max_day_or_month_digits"]:
            return None
    if unit in r["date_units_after_number"] and unit != "日":
        return None
    clause = re.split(r"[，,。；;：:！？、\s]", text[max(0, start - 8):start])[-1]
    if unit in r["schedule_units"] and any(marker in clause for marker in r["schedule_markers"]):
        return None  # 每季度进行一次, 一年2次: a schedule, not an amount
    if is_chinese and not match.group("percent"):
        # a bare multiplier (千家万户, 百花) is a quantity only with an approximation word (超万人次,
        # 十余名, 千余人次) or as a range's low end (十至二十件; regression: these gave nothing)
        if number in ("万", "亿", "千", "百", "十") and not (
            (number in ("万", "亿") and rules.ending(before, "approx_prefixes"))
            or text.startswith(LEADING_APPROX, match.end()) or match.group("range")
        ):
            return None
        # the magnitude may stand at the range's high end: 三至五万元 (regression: nothing)
        is_amount = unit in r.get("units_after_chinese_amounts", ()) and any(
            ch in CHINESE_MAGNITUDES for ch in match.group(0))
        if (unit in r["units_not_after_chinese_numerals"] and not is_amount) \
                or rules.ending(before, "chinese_numeral_blocked_before"):
            return None
        if text.startswith(tuple(r["chinese_numeral_blocked_after"]), match.end()):
            return None
    if unit_end < len(text) and text[unit_end] in "性化":
        return None
    end = unit_end
    for suffix in TRAILING_APPROX:
        if text.startswith(suffix, end):
            end += len(suffix)
            break
    if not match.group("range") and not match.group("percent") and not is_placeholder:
        end = _end_of_repeated_unit_range(text, end, unit, rules) or end
    surface = text[start:end]
    parsed = parse_quantity(surface)
    if parsed is None:
        return None
    approx = parsed.approx or rules.ending(before, "approx_prefixes")
    return QuantityMatch(start, end, parsed.value, parsed.unit, approx, parsed.max, parsed.placeholder,
                         _change(before, rules), parsed.out_of_range)


def _end_of_repeated_unit_range(text: str, end: int, unit: str, rules: QuantityRules) -> int | None:
    """Where a range's second half ends when the quantity ending at `end` is its first half and
    the unit is written twice (10%-20%: regression, the 20% was lost as part of a code)."""
    second = SECOND_OF_RANGE_RE.match(text, end)
    if second is None:
        return None
    position = second.end() + (text.startswith(LEADING_APPROX, second.end()))  # 10件-20余件
    repeated = rules.unit_at(text, position)
    if repeated is None or repeated.replace("％", "%") != unit.replace("％", "%"):
        return None
    position += len(repeated)
    return position + len(next((word for word in TRAILING_APPROX if text.startswith(word, position)), ""))


def _change(before: str, rules: QuantityRules) -> str | None:
    """increase/decrease when the number is what something grew or fell by (下降16.7%), not a
    level reached (提升至92%)."""
    stripped = before
    prefix = rules.ending(stripped, "approx_prefixes")
    if prefix:
        stripped = stripped[: -len(prefix)]
    stripped = stripped.removesuffix("了")
    if rules.ending(stripped, "increase_words"):
        return "increase"
    if rules.ending(stripped, "decrease_words"):
        return "decrease"
    return None
