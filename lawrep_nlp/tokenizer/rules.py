"""Where a token must start or end, whatever the statistical segmenter says.

The segmenter only ever sees runs of word characters (CJK and other letters). Everything else
is decided here, so the guarantees hold for any model:

- URLs, e-mail addresses, runs of Latin letters and digits, and numbers with decimals, thousands
  separators or a multiplier (1.7万, 5千, 96.67, 1,234; numerals.MULTIPLIER) are single tokens;
- every punctuation mark, symbol or control character is a token of its own (《》〈〉“”‘’ included,
  and % so that 98% is 98 | %);
- white space never sits inside a token;
- a conjunction that the segmenter joined to a level word after an agency name is a token of its
  own (县人大和县政协 → 县人大 | 和 | 县 | 政协, not the county 和县; split_conjunctions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from ..numerals import APPROX_BEFORE_UNIT, MULTIPLIER, MULTIPLIER_CHARS

URL = r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
NUMBER = rf"[0-9０-９]+(?:,[0-9０-９]{{3}}(?![0-9０-９]))*(?:[.．][0-9０-９]+)?{MULTIPLIER}?"
ALNUM = r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]+(?:[._\-'][A-Za-z0-9]+)*"

DIGITS_AND_MULTIPLIERS = "0123456789０１２３４５６７８９" + MULTIPLIER_CHARS

#: Runs that are always one token, tried in this order.
PROTECTED_RE = re.compile(f"{URL}|{EMAIL}|{NUMBER}(?![A-Za-z])|{ALNUM}")


#: Han characters (the CJK unified ideographs and extension A: all letters, none ASCII), which
#: rule_segments skips a run at a time instead of asking is_word_char of each.
HAN_RUN_RE = re.compile("[\u3400-\u4db5\u4e00-\u9fef]*")


def is_word_char(ch: str) -> bool:
    """Letters and combining marks go to the segmenter; anything else is decided by rule."""
    return unicodedata.category(ch)[0] in "LM" and not ch.isascii()


def rule_segments(text: str) -> Iterator[tuple[int, int, bool]]:
    """Split text into (start, end, needs_segmenter) pieces that cover it, white space excluded.

    Pieces with needs_segmenter=False are final tokens; the others are runs of word characters
    for the statistical segmenter.
    """
    position = 0
    length = len(text)
    while position < length:
        ch = text[position]
        if ch.isspace():
            position += 1
            continue
        match = PROTECTED_RE.match(text, position)
        if match:
            yield position, match.end(), False
            position = match.end()
        elif is_word_char(ch):
            end = position + 1
            while end < length:  # a run of Han characters at a time (most of a report), then any other
                end = HAN_RUN_RE.match(text, end).end()
                if end >= length or not is_word_char(text[end]):
                    break
                end += 1
            yield position, end, True
            position = end
        else:
            yield position, position + 1, False
            position += 1


#: Approximation words that follow a number and are cut off the unit after them (30余名 → 30 余 名).
NUMBER_SUFFIXES = APPROX_BEFORE_UNIT


def number_head(run: str, units: frozenset[str]) -> list[str]:
    """The words that open a run right after a number: an approximation word, then the longest
    known unit (余 | 名 for 余名党政…, 个工作日 for 个工作日缩短, 个 for 个村)."""
    head = []
    if len(run) > 1 and run[0] in NUMBER_SUFFIXES:
        head.append(run[0])
        run = run[1:]
    for size in range(min(len(run), MAX_UNIT_LENGTH), 0, -1):
        if run[:size] in units:
            head.append(run[:size])
            break
    return head


MAX_UNIT_LENGTH = 4


#: 和县 after 县人大: a conjunction (CONJUNCTIONS) joined to a level word (LEVEL_CHARS) right after a
#: character that ends an agency name (AGENCY_ENDS). lawrep_orgs applies the same reading to the
#: characters (its rules.json, conjunction_places); this rule makes the token boundary for it.
CONJUNCTIONS, LEVEL_CHARS, AGENCY_ENDS = "和与及", "省市县区州旗乡镇", "委府大协院局"


def split_conjunctions(words: list[str], before: str) -> list[str]:
    """`words` with a conjunction split off a word that joins it to the next level word, where the
    text before the word (`before`: the character before the run, then the words) ends an agency
    name: [县人大, 和县, 政协] → [县人大, 和, 县, 政协]."""
    out: list[str] = []
    previous = before
    for word in words:
        if len(word) > 1 and word[0] in CONJUNCTIONS and word[1] in LEVEL_CHARS and previous \
                and previous[-1] in AGENCY_ENDS:
            out += [word[0], word[1:]]
        else:
            out.append(word)
        previous = word
    return out


#: A segmenter's batch form: word lists for many runs in one call (one call per text lets a
#: segmenter share its set-up across the text's runs).
RunCutter = Callable[[list[str]], list[list[str]]]


def per_run(cut: Callable[[str], list[str]]) -> RunCutter:
    """The batch form of a segmenter that cuts one run at a time (jieba, ``list``)."""
    return lambda runs: [cut(run) for run in runs]


def segment(text: str, cut_runs: RunCutter, units: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Token offsets for text: rule pieces, with word-character runs cut by `cut_runs`.

    Each run's words must concatenate to the run; if they do not, the run falls back to one
    token per character, so offsets always stay true to the text.
    """
    # first the rule pieces, each segmenter run with the number head split off its start …
    pieces: list[tuple[int, int, bool, list[str], str]] = []
    previous_end = -1
    for start, end, needs_segmenter in rule_segments(text):
        head: list[str] = []
        run = text[start:end]
        if needs_segmenter and previous_end == start and text[start - 1] in DIGITS_AND_MULTIPLIERS:
            head = number_head(run, units)
            run = run[sum(map(len, head)):]
        pieces.append((start, end, needs_segmenter, head, run))
        previous_end = end
    # … then every run cut in one call, and the tokens in text order
    runs = [run for _, _, needs_segmenter, _, run in pieces if needs_segmenter and run]
    cut_words = iter(cut_runs(runs) if runs else [])
    tokens: list[tuple[int, int]] = []
    for start, end, needs_segmenter, head, run in pieces:
        if not needs_segmenter:
            tokens.append((start, end))
            continue
        words = [w for w in next(cut_words) if w] if run else []
        if "".join(words) != run:
            words = list(run)
        for word in split_conjunctions(head + words, text[start - 1] if start else ""):
            tokens.append((start, start + len(word)))
            start += len(word)
    return tokens


def words_and_spaces(text: str, tokens: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy's words/spaces for non-whitespace token offsets (one trailing space folds into
    the token before it; any other white space becomes a token of its own), in linear time."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for start, end in tokens:
        if start > position:
            words.append(text[position:start])
            spaces.append(False)
        words.append(text[start:end])
        spaces.append(False)
        position = end
        if position < len(text) and text[position] == " ":
            spaces[-1] = True
            position += 1
    if position < len(text):
        words.append(text[position:])
        spaces.append(False)
    return words, spaces
