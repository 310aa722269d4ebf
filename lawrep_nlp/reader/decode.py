"""Bytes → text for saved reports: UTF-8 (with or without BOM), GB18030/GBK and what else
charset-normalizer recognises; binary files are refused rather than decoded into noise. A
report with a few undecodable bytes (a truncated download, one corrupted character) is kept:
those bytes become U+FFFD and their number is reported, rather than losing the whole file."""

from __future__ import annotations

import codecs


class UnreadableReport(ValueError):
    """A file that is not a text report (binary, empty of text, or in an unknown encoding)."""


#: Share of control characters (other than tab/newline/CR/form feed) above which bytes are binary.
MAX_CONTROL_SHARE = 0.05
#: Undecodable bytes tolerated (replaced by U+FFFD): at most this share of the file, and …
MAX_REPLACED_SHARE = 0.001
#: … at least this many whatever the file's size.
MIN_REPLACED_ALLOWED = 4


def decode_bytes(data: bytes) -> tuple[str, str, int]:
    """Return (text, encoding, number of undecodable bytes replaced by U+FFFD). Raises
    UnreadableReport for binary data or bytes that no encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return _lenient(data[len(codecs.BOM_UTF8):], "utf-8", "utf-8-sig")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _lenient(data, encoding)
    if b"\x00" in data[:4096]:
        raise UnreadableReport("binary data (NUL bytes), not a text report")
    try:
        return _checked(data.decode("utf-8", errors="strict"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:  # UTF-8 with a few bad bytes: its multi-byte structure does not fit other data by chance
        return _lenient(data, "utf-8")
    except UnreadableReport:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    encoding = best.encoding if best is not None else "gb18030"
    # GB2312 and GBK are subsets of GB18030; decoding with the superset loses nothing.
    if encoding.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "cp936", "hz"):
        encoding = "gb18030"
    try:
        return _lenient(data, encoding)
    except LookupError as err:
        raise UnreadableReport(f"unknown encoding {encoding}") from err
    except UnreadableReport:
        if best is None:
            raise UnreadableReport("no text encoding fits these bytes") from None
        raise


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
