"""Bytes → text for saved reports: UTF-8 (with or without BOM), GB18030/GBK and what else
charset-normalizer recognises; binary files are refused rather than decoded into noise."""

from __future__ import annotations

import codecs


class UnreadableReport(ValueError):
    """A file that is not a text report (binary, empty of text, or in an unknown encoding)."""


#: Share of control characters (other than tab/newline/CR/form feed) above which bytes are binary.
MAX_CONTROL_SHARE = 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises UnreadableReport for binary or undecodable data."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(encoding), encoding)
    if b"\x00" in data[:4096]:
        raise UnreadableReport("binary data (NUL bytes), not a text report")
    try:
        return _checked(data.decode("utf-8", errors="strict"), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is None:
        raise UnreadableReport("no text encoding fits these bytes")
    encoding = best.encoding
    # GB2312 and GBK are subsets of GB18030; decoding with the superset loses nothing.
    if encoding.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "cp936", "hz"):
        encoding = "gb18030"
    try:
        return _checked(data.decode(encoding, errors="strict"), encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise UnreadableReport(f"bytes do not decode as {encoding}") from err


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if text:
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        if control / len(text) > MAX_CONTROL_SHARE:
            raise UnreadableReport("binary data (control characters), not a text report")
    return text, encoding
