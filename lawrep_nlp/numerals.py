"""Reading numbers the way Chinese reports write them.

One parser serves the corpus validator and the quantity component, so the values the pipeline
produces and the values the gold standard is checked against come from the same rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .script import DIGIT_JOINER, INVISIBLE

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
#: Full-width digits and the marks written between them (２０２４－０２－０５, ２０２４．０２．０５,
#: ２０２４～２０２５) as ASCII, one character for one, so offsets carry over: for patterns that spell
#: them out, such as the DATE patterns' (?:19|20)\d{2}, which ２０２５年 never matched.
ASCII_DIGITS_AND_MARKS = str.maketrans("０１２３４５６７８９－．～／", "0123456789-.~/")

CHINESE_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                  "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5,
                  "陆": 6, "柒": 7, "捌": 8, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

CHINESE_NUMERAL_CHARS = "".join(CHINESE_DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)
#: Digits joined by script.DIGIT_JOINER (an invisible character between them: 9\u200b7件 is 97件);
#: thousands groups in half- or full-width digits (１,２３４: regression, it was read as ２３４; a
#: full-width comma only between full-width digits: in 分别为120，150件 it is the clause's comma,
#: regression, it gave 120150), or
#: after one space when the group starts with 0 (1 000件: regression, it gave 000件 = 0). No number
#: starts with 0, so such a group belongs to the number before; 1 234名 stays ambiguous (a table row
#: of two numbers) and is read as 234名.
#: A decimal point is also 点 before 万 or 亿 (3点5万件 → 35000: regression, it gave 5万件; without the
#: multiplier 3点5 may be a time of day and is left alone).
ARABIC = (rf"[0-9０-９]+(?:{DIGIT_JOINER}+[0-9０-９]+)*"
          r"(?:(?:,[0-9０-９]{3}|，[０-９]{3}|[ \u00a0\u2009\u202f][0０][0-9０-９]{2})(?![0-9０-９]))*"
          r"(?:[.．][0-9０-９]+|点[0-9０-９]+(?=[万亿萬億]))?")
#: The multipliers an Arabic number may carry (1.7万, 2.1亿, 5千); 百/千 not when they open
#: 百分之/千分之/百分点, which are units. The tokenizer and the quantity recognizer use it too.
MULTIPLIER_CHARS = "十百千万亿萬億"
MULTIPLIER = r"(?:[十万亿萬億]|[百千](?!分))"
#: Space that may stand inside a quantity expression (97 件, 10 - 20件): never a line break, so an
#: expression never runs from one line into the next (regression: 10-⏎20件 was one range).
INLINE_SPACE = "[ \t\u00a0\u2009\u202f\u3000]"
MULTIPLIERS = rf"(?:{INLINE_SPACE}?{MULTIPLIER}+)?"

#: A run of Chinese numerals, with a decimal part after 点 and then 万/亿 (三点五万: regression, it
#: was read as 五万), or without.
CHINESE_NUMBER = (rf"[{CHINESE_NUMERAL_CHARS}]+点[{''.join(CHINESE_DIGITS)}]+[万亿萬億]?"
                  rf"|[{CHINESE_NUMERAL_CHARS}]+")

#: A numeral as written: Arabic (half or full width, decimals, thousands separators) with an
#: optional 万/亿 multiplier, or a run of Chinese numerals.
NUMBER_RE = re.compile(rf"(?:{ARABIC}){MULTIPLIERS}|{CHINESE_NUMBER}")


def chinese_to_number(text: str) -> float:
    """Convert a run of Chinese numerals: 一百二十 → 120, 两千 → 2000, 三万五千 → 35000, 万 → 10000,
    三点五万 → 35000, 一百二十三点五 → 123.5. A last digit right after 百, 千, 万 or 亿 counts in the
    next place down, as it is spoken: 一千二 → 1200, 三万五 → 35000 (一百零五 stays 105).

    Raises ValueError for anything that is not a well-formed numeral.
    """
    if "点" in text:
        whole, _, fraction = text.partition("点")
        scale = LARGE_UNITS.get(fraction[-1:], 1)
        digits = fraction[:-1] if scale > 1 else fraction
        if not digits or any(ch not in CHINESE_DIGITS for ch in digits):
            raise ValueError(f"not a Chinese numeral: {text!r}")
        return (chinese_to_number(whole) + float("0." + "".join(str(CHINESE_DIGITS[ch]) for ch in digits))) * scale
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total = 0  # everything above the current 万/亿 section
    section = 0  # the current section below 万
    digit: int | None = None
    last_large: str | None = None  # the previous 万/亿, when nothing stood after it
    # A bare digit string like 二〇二五 is read digit by digit.
    if len(text) > 1 and all(ch in CHINESE_DIGITS for ch in text):
        return float("".join(str(CHINESE_DIGITS[ch]) for ch in text))
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            large = LARGE_UNITS[ch]
            section += digit or 0
            digit = None
            if section == 0 and total == 0:
                section = 1
            if section == 0 and LARGE_UNITS.get(last_large or "") == large:  # 一万万 → 1亿 (亿万 stays 1亿)
                total *= large
            elif large > 10_000 or total == 0 or total >= large:
                total = (total + section) * large if large > 10_000 else total + section * large
            else:
                total = (total + section) * large
            section = 0
        last_large = ch if ch in LARGE_UNITS else None
    # a digit left at the end is the text's last character; the place before it, if 百 or more,
    # puts it one place down: 一千二 is 1200, not 1002 (regression)
    place_before = SMALL_UNITS.get(text[-2:-1]) or LARGE_UNITS.get(text[-2:-1]) or 1
    if digit is not None and place_before >= 100:
        digit *= place_before // 10
    return float(total + section + (digit or 0))


#: Two neighbouring digits say "one or two", "five or six" (一两件, 五六件, 七八十件, 三五天, 十五六件,
#: 一二十件), between the numeral's higher places and the place of the multiplier after them.
APPROXIMATE_PAIR_RE = re.compile(r"(?P<head>[一二两三四五六七八九十百千万亿萬億]*?[十百千万亿萬億])?"
                                 r"(?P<low>[一二两三四五六七八九])(?P<high>[二两三四五六七八九])"
                                 r"(?P<tail>[十百千万亿萬億]*)")


def approximate_pair(text: str) -> tuple[float, float] | None:
    """一两 → (1, 2), 五六 → (5, 6), 七八十 → (70, 80), 三五 → (3, 5), 十五六 → (15, 16), 一二十 →
    (10, 20): a vague amount as a range. None for any other numeral (二五 is not a pair, 二〇二五 a
    year read digit by digit, 一二 alone a list)."""
    match = APPROXIMATE_PAIR_RE.fullmatch(text)
    if match is None:
        return None
    head, tail = match.group("head") or "", match.group("tail")
    low, high = CHINESE_DIGITS[match.group("low")], CHINESE_DIGITS[match.group("high")]
    if high != low + 1 and (low, high) != (3, 5):
        return None
    if match.group("high") == "二" and not (head or tail):
        return None
    try:
        return (chinese_to_number(head + match.group("low") + tail),
                chinese_to_number(head + match.group("high") + tail))
    except ValueError:
        return None


def arabic_to_number(text: str) -> float:
    """Convert an Arabic numeral with optional 万/亿 multipliers: 1.7万 → 17000, ２.１亿 → 2.1e8."""
    text = re.sub(rf"[\s{INVISIBLE}]", "", text.translate(FULLWIDTH_DIGITS)).replace("点", ".")
    match = re.fullmatch(rf"([0-9][0-9,]*(?:\.[0-9]+)?)([{MULTIPLIER_CHARS}]*)", text)
    if not match:
        raise ValueError(f"not an Arabic numeral: {text!r}")
    value = float(match.group(1).replace(",", ""))
    for ch in match.group(2):
        value *= SMALL_UNITS.get(ch) or LARGE_UNITS[ch]
    return value


class NumberOutOfRange(ValueError):
    """A well-formed numeral whose value no float holds (1 followed by 400 zeros, 亿亿亿…)."""


def to_number(text: str) -> float:
    """Convert any numeral matched by NUMBER_RE; NumberOutOfRange when the value is beyond what
    a float holds, so that no infinity ever reaches a measurement."""
    try:
        if text and text[0].translate(FULLWIDTH_DIGITS) in "0123456789":
            value = arabic_to_number(text)
        else:
            value = chinese_to_number(text)
    except OverflowError as err:  # float() of a huge integer (a long run of 亿)
        raise NumberOutOfRange(f"{text[:20]!r}… is beyond the range of a float") from err
    if not math.isfinite(value):
        raise NumberOutOfRange(f"{text[:20]!r}… is beyond the range of a float")
    return value


def clean_float(value: float) -> float:
    """Round away binary noise (0.1 * 3) so that 1.7万 is exactly 17000.0."""
    return float(round(value, 6))


#: Approximation words that may stand between a number and its unit (1.7万余人次, 30多名).
APPROX_BEFORE_UNIT = ("余", "多")
#: Approximation words after a number or its unit (90%以上, 2小时以内, 1年左右, 百人许).
APPROX_AFTER_UNIT = ("左右", "以上", "以下", "以内", "余", "多", "许")
RANGE_SEPARATORS = "—–－~～至到-"
#: Separators of a range whose unit is written twice (10%-20%, 3天—5天). 至 and 到 are not among
#: them: 由10%到20% gives a level before and one after, two quantities.
REPEATED_UNIT_RANGE_SEPARATORS = "—–－~～-"


#: What follows a range's low end: its approximation word (10余至20余件), a separator, the high end.
RANGE_HIGH_END_RE = re.compile(rf"([{''.join(APPROX_BEFORE_UNIT)}])?{INLINE_SPACE}*[{re.escape(RANGE_SEPARATORS)}]+"
                               rf"{INLINE_SPACE}*({NUMBER_RE.pattern})")


@dataclass(frozen=True)
class ParsedQuantity:
    """The parts of a quantity expression such as 1.7万余人次 or 百分之九十八."""

    value: float | None
    unit: str
    approx: str | None = None
    max: float | None = None
    placeholder: bool = False
    out_of_range: bool = False  # a number too large for a float: value (or max) is None


def parse_quantity(text: str) -> ParsedQuantity | None:
    """Split a QUANTITY span's text into value, unit, approximation and range maximum.

    Returns None when the text holds no numeral and no placeholder.
    """
    stripped = text.strip()
    percent_word = re.fullmatch(r"(百分之|千分之)(.+)", stripped)
    if percent_word:
        inner = parse_quantity(percent_word.group(2))
        if inner is None or (inner.value is None and not inner.out_of_range):
            return None
        unit = "%" if percent_word.group(1) == "百分之" else "‰"
        return ParsedQuantity(inner.value, unit, inner.approx, inner.max, out_of_range=inner.out_of_range)
    placeholder = re.fullmatch(r"[*＊×Xx]+\s*(.*)", stripped)
    if placeholder:
        lead_approx, rest = _leading_approx(placeholder.group(1))
        unit, approx = _split_unit(rest)
        return ParsedQuantity(None, unit, lead_approx or approx, placeholder=True)
    match = NUMBER_RE.search(stripped)
    if not match or match.start() != 0:
        return None
    repeated_unit_range = _repeated_unit_range(stripped)
    if repeated_unit_range is not None:
        return repeated_unit_range
    out_of_range = False
    pair = approximate_pair(match.group())
    try:
        value: float | None = to_number(match.group()) if pair is None else pair[0]
    except NumberOutOfRange:
        value, out_of_range = None, True
    except ValueError:
        return None
    maximum = None if pair is None else pair[1]
    rest = stripped[match.end():]
    range_match = RANGE_HIGH_END_RE.match(rest)
    low_approx = None
    if range_match:
        try:
            high_pair = approximate_pair(range_match.group(2))  # 五六至七八件: 5 to 8
            maximum = clean_float(to_number(range_match.group(2)) if high_pair is None else high_pair[1])
            if pair is None:
                value = _low_end_in_place(match.group(), value, range_match.group(2), maximum)
            low_approx = range_match.group(1)
            rest = rest[range_match.end():]
        except NumberOutOfRange:
            out_of_range = True
            rest = rest[range_match.end():]
        except ValueError:
            pass  # the high end is no number: no range, the maximum stays as it was
    # 1.7万余人次: an approximation word may stand between the number and its unit.
    approx, rest = _leading_approx(rest)
    approx = approx or low_approx
    if rest[:1] in LARGE_UNITS:  # 2.03亿余元 written as 2.03余亿元 is rare but seen
        if value is not None:
            value *= LARGE_UNITS[rest[0]]
        rest = rest[1:]
    if value is not None and not math.isfinite(value):
        value, out_of_range = None, True
    unit, tail_approx = _split_unit(rest)
    return ParsedQuantity(None if value is None else clean_float(value), unit, approx or tail_approx, maximum,
                          out_of_range=out_of_range)


#: The multipliers a range's high end ends with, the last of them 万 or 亿 (千万 of 2千万, 十万 of 二十万).
TRAILING_MULTIPLIERS_RE = re.compile(rf"[{''.join(SMALL_UNITS)}{''.join(LARGE_UNITS)}]*[{''.join(LARGE_UNITS)}]$")


def _low_end_in_place(low_text: str, low: float | None, high_text: str, high: float) -> float | None:
    """The low end of a range whose multiplier is written once, after the high end: 1—2万人次 is
    10000 to 20000, 3至5百万元 3000000 to 5000000, 十至二十万人 100000 to 200000 (regression: the low
    end was 1, 3 and 10). The high end's trailing multipliers (千万 of 2千万, 十万 of 二十万) end in
    万 or 亿; the low end takes the largest run of them, from the right, that keeps it below the high
    end, and none when it has a 万 or 亿 of its own or none keeps it below (5000—2万 and 1至1万 stay 5000
    and 1)."""
    trailing = TRAILING_MULTIPLIERS_RE.search(high_text)
    if low is None or trailing is None or any(ch in LARGE_UNITS for ch in low_text):
        return low
    best, scale = low, 1.0
    for ch in reversed(trailing.group()):  # 万, then 十万, 百万, 千万 …: the scale only grows
        scale *= SMALL_UNITS.get(ch) or LARGE_UNITS[ch]
        if low * scale < high:
            best = clean_float(low * scale)
    return best


REPEATED_UNIT_SEPARATOR_RE = re.compile(rf"{INLINE_SPACE}*[{re.escape(REPEATED_UNIT_RANGE_SEPARATORS)}]{INLINE_SPACE}*")


def _repeated_unit_range(text: str) -> ParsedQuantity | None:
    """10%-20% or 3天—5天 as one range (value 10, max 20), when one separator joins two quantities
    of the same unit (with only one, neither half is a range or tried again: regression, a text of
    many dashes took exponential time)."""
    separators = list(REPEATED_UNIT_SEPARATOR_RE.finditer(text))
    if len(separators) != 1 or separators[0].start() == 0:
        return None
    low, high = parse_quantity(text[:separators[0].start()]), parse_quantity(text[separators[0].end():])
    if low is None or high is None or not low.unit or low.unit != high.unit:
        return None
    if low.max is not None or high.max is not None or low.placeholder or high.placeholder:
        return None
    return ParsedQuantity(low.value, low.unit, low.approx or high.approx, high.value,
                          out_of_range=low.out_of_range or high.out_of_range)


def _leading_approx(rest: str) -> tuple[str | None, str]:
    """Take an approximation word (余, 多…) off the front of what follows a number."""
    stripped = rest.lstrip()
    for suffix in APPROX_AFTER_UNIT:
        if stripped.startswith(suffix):
            return suffix, stripped[len(suffix):]
    return None, rest


def _split_unit(rest: str) -> tuple[str, str | None]:
    """Separate a trailing approximation word (2小时以内, 90%以上) from the unit; a full-width
    ％ is the unit %."""
    rest = rest.strip().replace("％", "%")
    for suffix in APPROX_AFTER_UNIT:
        if rest.endswith(suffix) and len(rest) > len(suffix):
            return rest[: -len(suffix)].strip(), suffix
        if rest == suffix:
            return "", suffix
    return rest, None
