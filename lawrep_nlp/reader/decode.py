"""Bytes → text for saved reports: UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030/GBK,
Big5 and what else charset-normalizer recognises; binary files are refused rather than decoded
into noise. A report with a few undecodable bytes (a truncated download, one corrupted character)
is kept: those bytes become U+FFFD and their number is reported, rather than losing the whole file.

In order: a BOM decides; bytes that are UTF-8 (or UTF-8 but for a few bad bytes) are UTF-8; a
charset the page declares (``<meta charset="gbk">``) when the bytes fit it; from
GUESSED_FROM_BYTES on, charset-normalizer's guess; a shorter text, too short for charset-normalizer
(it reads a third of the corpus's GB18030 paragraphs under 50 characters as CP949, Big5 or
UTF-16-BE noise), is read as GB18030 or Big5 when the result reads as Chinese (reads_as_chinese),
else by charset-normalizer's guess or whichever reading reads best. The prior is this package's:
a short Korean or Japanese text in a legacy encoding can come out as Chinese characters."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from ..script import INVISIBLE, to_simplified


class UnreadableReport(ValueError):
    """A file that is not a text report (binary, empty of text, or in an unknown encoding)."""


#: Share of control characters (other than tab/newline/CR/form feed) above which bytes are binary.
MAX_CONTROL_SHARE = 0.05
#: Undecodable bytes tolerated (replaced by U+FFFD): at most this share of the file, and …
MAX_REPLACED_SHARE = 0.001
#: … at least this many whatever the file's size.
MIN_REPLACED_ALLOWED = 4
#: From this many bytes on, charset-normalizer's guess is taken (on the corpus's paragraphs in
#: GB18030 it alone was wrong for 208 of 623 under 50 characters and 2 of 753 longer, see
#: scripts/eval_decode.py; it knows the encodings of other languages); shorter texts are judged
#: as Chinese first.
GUESSED_FROM_BYTES = 200
#: Legacy encodings tried before charset-normalizer, preferred in this order when texts read alike.
CHINESE_ENCODINGS = ("gb18030", "big5")
#: A candidate this close to Chinese text is taken without asking charset-normalizer.
READS_AS_CHINESE = 0.95
#: Candidates within this of the best reading count as equal (the earlier one is taken).
READING_TIE = 0.02
#: How much of a decoded text is read to judge it.
JUDGED_CHARS = 20_000
#: Where an HTML page or XML file declares its charset, and how.
DECLARATION_BYTES = 4096
DECLARED_CHARSET = re.compile(rb"""(?:<meta[^>]*?charset|<\?xml[^>]*?encoding)\s*=\s*["']?([A-Za-z][\w.:-]*)""",
                              re.IGNORECASE)
#: Text has no NUL bytes but a stray one (a scraper's), kept in UTF-8; binary files and UTF-16
#: without a BOM have more, and are refused.
MAX_NUL_SHARE = 0.01
#: Multi-byte encodings charset-normalizer may name for any even-length bytes; only a BOM says so.
BOM_ONLY = ("utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le")


def decode_bytes(data: bytes) -> tuple[str, str, int]:
    """Return (text, encoding, number of undecodable bytes replaced by U+FFFD). Raises
    UnreadableReport for binary data or bytes that no encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return _lenient(data[len(codecs.BOM_UTF8):], "utf-8", "utf-8-sig")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _lenient(data, encoding)
    head = data[:4096]
    nuls = head.count(b"\x00")
    if nuls > max(1.0, MAX_NUL_SHARE * len(head)):
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise UnreadableReport("binary data (NUL bytes), not a text report")
    try:
        return _checked(data.decode("utf-8", errors="strict"), "utf-8")
    except UnicodeDecodeError:
        if nuls:  # a stray NUL is kept in a UTF-8 report only (regression: it made the report binary)
            raise UnreadableReport("binary data (NUL bytes), not a text report") from None
    refusals: list[UnreadableReport] = []
    utf8 = _readings(data, ["utf-8"], refusals)
    if utf8 and _mostly_utf8(utf8[0][1]):
        return utf8[0][1]  # UTF-8 with a few bad bytes: its multi-byte structure does not fit other data by chance
    declared = _declared_encodings(data)
    if declared:
        fitting = _readings(data, declared, refusals, limit=1)
        if fitting:
            return fitting[0][1]
    guess_first = len(data) >= GUESSED_FROM_BYTES
    guessed = _readings(data, _guessed_encodings(data, {"utf-8"}), refusals, limit=1) if guess_first else []
    if guessed:
        return guessed[0][1]
    chinese = _readings(data, CHINESE_ENCODINGS, refusals)
    best = max((score for score, _ in chinese), default=0.0)
    if best >= READS_AS_CHINESE:
        return next(decoded for score, decoded in chinese if score >= best - READING_TIE)
    if not guess_first:  # not Chinese, or too short to tell: charset-normalizer's first guess that fits …
        guessed = _readings(data, _guessed_encodings(data, {"utf-8", *CHINESE_ENCODINGS}), refusals, limit=1)
    # … unless a reading above reads more like Chinese (stable sort: the guess first on ties)
    readings = sorted(guessed + utf8 + chinese, key=lambda reading: -reading[0])
    if readings:
        return readings[0][1]
    utf16 = _utf16_without_bom(data)  # all hanzi, so no NUL byte said so
    if utf16 is not None:
        return utf16
    binary = [refusal for refusal in refusals if str(refusal).startswith("binary")]
    raise binary[0] if binary else UnreadableReport("no text encoding fits these bytes")


def _utf16_without_bom(data: bytes) -> tuple[str, str, int] | None:
    """UTF-16 saved without its byte order mark (Windows tools do): the NUL bytes of its ASCII
    characters made it binary (regression). Taken when one byte order decodes the bytes to text
    that reads as Chinese or plain text; the other order gives rare CJK characters and does not."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and reads_as_chinese(text) >= READS_AS_CHINESE:
            return _checked(text, encoding)
    return None


def reads_as_chinese(text: str) -> float:
    """Share of the text's characters (its first JUDGED_CHARS) that are ASCII, hanzi that are,
    converted to simplified, among GB2312's, or GB2312's symbols and punctuation (not its Latin,
    Greek, Cyrillic, kana or box drawing, which single-byte encodings make of anything)."""
    sample = text[:JUDGED_CHARS]
    if not sample:
        return 0.0
    return sum(map(_is_common, to_simplified(sample))) / len(sample)


@lru_cache(maxsize=65536)
def _is_common(char: str) -> bool:
    if char.isascii():
        return char.isprintable() or char in "\t\n\r\f"
    code = ord(char)
    if 0x2000 <= code <= 0x206F or 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
        return True  # punctuation (GB18030 reads A1AA as the em dash, GB2312 as U+2015), full-width forms
    if char in INVISIBLE:  # zero-width space, BOM, soft hyphen: scraped pages carry them
        return True
    if not 0x4E00 <= code <= 0x9FFF and (char.isalpha() or 0x2500 <= code <= 0x257F):
        return False
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _mostly_utf8(decoded: tuple[str, str, int]) -> bool:
    """Three common multi-byte characters (hanzi, Chinese punctuation) or more per undecodable
    sequence (one bad byte inside a character makes up to three). Other encodings' bytes form
    valid UTF-8 sequences only by chance (about one GB18030 hanzi in seven), mostly Latin, Greek,
    Cyrillic or Hebrew letters. Short texts that fail this are still judged by how they read."""
    text, _, replaced = decoded
    sample = text[:JUDGED_CHARS]
    common = sum(1 for char in to_simplified(sample) if not char.isascii() and _is_common(char))
    return common * len(text) >= 3 * replaced * max(1, len(sample))  # the sample's share, over the whole text


def _readings(data: bytes, encodings, refusals: list[UnreadableReport],
              limit: int | None = None) -> list[tuple[float, tuple[str, str, int]]]:
    """(how Chinese it reads, decoded) for each encoding that fits the bytes, in the given order,
    the first `limit` of them; why the others did not fit is added to ``refusals``."""
    readings: list[tuple[float, tuple[str, str, int]]] = []
    for encoding in encodings:
        if limit is not None and len(readings) >= limit:
            break
        try:
            decoded = _lenient(data, encoding)
        except UnreadableReport as refusal:
            refusals.append(refusal)
            continue
        except LookupError:
            continue
        readings.append((reads_as_chinese(decoded[0]), decoded))
    return readings


def widened_encoding(name: str) -> str:
    """GB18030 for GB2312, GBK (cp936) and HZ, which are its subsets: decoding with the superset
    loses nothing. Any other name as it is."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return name
    return "gb18030" if canonical in ("gb2312", "gbk", "hz") else name


def _declared_encodings(data: bytes) -> list[str]:
    """The charset an HTML page or XML file declares near its start (``<meta charset="gbk">``,
    ``content="text/html; charset=gb2312"``, ``<?xml … encoding="GB18030"?>``), as a codec name."""
    match = DECLARED_CHARSET.search(data[:DECLARATION_BYTES])
    if not match:
        return []
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return []
    return [widened_encoding(name)]


def _guessed_encodings(data: bytes, tried: set[str]) -> list[str]:
    """charset-normalizer's guesses, best first, without the encodings tried already."""
    from charset_normalizer import from_bytes

    guesses = []
    for match in from_bytes(data, cp_isolation=None):
        encoding = widened_encoding(match.encoding)
        if encoding not in tried and encoding not in BOM_ONLY and encoding not in guesses:
            guesses.append(encoding)
    return guesses


def _lenient(data: bytes, codec: str, name: str | None = None) -> tuple[str, str, int]:
    """Decode, replacing a few undecodable bytes; too many mean the encoding is wrong."""
    text = data.decode(codec, errors="replace")
    replaced = len(text) - len(data.decode(codec, errors="ignore"))
    if replaced > max(MIN_REPLACED_ALLOWED, MAX_REPLACED_SHARE * len(data)):
        raise UnreadableReport(f"bytes do not decode as {name or codec} ({replaced} undecodable sequences)")
    return _checked(text, name or codec, replaced)


def _checked(text: str, encoding: str, replaced: int = 0) -> tuple[str, str, int]:
    if text:
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        if control / len(text) > MAX_CONTROL_SHARE:
            raise UnreadableReport("binary data (control characters), not a text report")
    return text, encoding, replaced
