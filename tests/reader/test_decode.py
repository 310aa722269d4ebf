"""Bytes → text: a report saved in GB18030 or Big5 comes out as written however short it is; bytes
that are UTF-8 are read as UTF-8; a few bad bytes are replaced and counted, not fatal."""

import codecs

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lawrep_nlp.reader.decode import GUESSED_FROM_BYTES, UnreadableReport, decode_bytes, reads_as_chinese
from tests.properties.strategies import PUNCT, UNITS, WORDS

# regression: charset-normalizer alone read each of these as CP949, UTF-16-BE or Big5 noise
SHORT_GB18030 = ["□ 高邮市司法局", "纲要(2015—2020年)", "区司法局受理行政复议申请32件", "全年办理法律援助案件157件。",
                 "发布时间:2026-02-26", "海口市人民政府", "附件：",
                 # invisible characters are common in scraped text (regression: a lone BOM in
                 # GB18030 was read as UTF-8 with two bad bytes)
                 "\ufeff", "区司法局\u00ad受理"]


@pytest.mark.parametrize("text", SHORT_GB18030)
def test_short_gb18030_text_reads_as_written(text):
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030", 0)


@pytest.mark.parametrize("text", ["區司法局受理行政複議申請32件", "附件："])
def test_short_big5_text_reads_as_written(text):
    assert decode_bytes(text.encode("big5")) == (text, "big5", 0)


def test_utf8_with_a_bad_byte_stays_utf8():
    data = "区司法局受理行政复议申请32件".encode() + b"\xff" + "，办结28件。".encode()
    assert decode_bytes(data) == ("区司法局受理行政复议申请32件\ufffd，办结28件。", "utf-8", 1)


def test_bytes_that_are_utf8_are_read_as_utf8():
    # 元 in GB18030 (D4 AA) is also valid UTF-8 (U+052A): the bytes alone cannot tell, UTF-8 wins
    assert decode_bytes("元".encode("gb18030")) == ("Ԫ", "utf-8", 0)
    assert decode_bytes("café".encode()) == ("café", "utf-8", 0)


def test_long_text_in_another_language_keeps_its_encoding():
    korean = "사법국은 2024년에 법률구조 사건 157건을 처리했습니다. 전년 대비 12퍼센트 증가했습니다. " * 5
    data = korean.encode("euc-kr")
    assert len(data) >= GUESSED_FROM_BYTES
    text, _, replaced = decode_bytes(data)
    assert text == korean and replaced == 0


def test_a_declared_charset_is_taken_when_the_bytes_fit_it():
    korean = '<html><head><meta charset="euc-kr"></head><body>사법국은 사건 157건을 처리했습니다.</body></html>'
    assert decode_bytes(korean.encode("euc-kr")) == (korean, "euc_kr", 0)  # short: alone it would read as Chinese
    chinese = "<meta http-equiv=Content-Type content='text/html; charset=utf-8'><p>区司法局受理行政复议申请32件。</p>"
    assert decode_bytes(chinese.encode("gbk")) == (chinese, "gb18030", 0)  # declared UTF-8, the bytes are GBK


def test_bom_decides():
    text = "受理行政复议申请32件"
    assert decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == (text, "utf-16", 0)
    assert decode_bytes(codecs.BOM_UTF8 + text.encode()) == (text, "utf-8-sig", 0)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(encoding):
    """Regression (the analyst audit): the NUL bytes of its ASCII characters made it binary data."""
    for text in ("Report 2024\n区司法局全年受理行政复议申请32件，办结28件。\n", "区司法局全年受理行政复议申请，办结。" * 20):
        assert decode_bytes(text.encode(encoding)) == (text, encoding, 0)


def test_noise_is_refused():
    with pytest.raises(UnreadableReport):
        decode_bytes(bytes((i * 7919 + 13) % 255 + 1 for i in range(4000)))


def test_reads_as_chinese():
    assert reads_as_chinese("区司法局受理行政复议申请32件。") == 1.0
    assert reads_as_chinese("區司法局受理行政複議申請32件。") == 1.0  # traditional, read through t2s
    assert reads_as_chinese("Привет") == 0.0  # letters of other scripts, which single-byte codecs make of anything
    assert reads_as_chinese("") == 0.0


report_pieces = st.sampled_from(WORDS + PUNCT + UNITS + ["97", "2024", "1.7万", "“放管服”"])


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@given(st.lists(report_pieces, min_size=1, max_size=12).map("".join))
def test_report_text_in_gb18030_round_trips(text):
    data = text.encode("gb18030")
    assume(not is_utf8(data))  # bytes that are also UTF-8 are read as UTF-8 (above)
    assert decode_bytes(data) == (text, "gb18030", 0)


@given(st.binary(max_size=600))
def test_any_bytes_give_text_or_a_clear_refusal(data):
    try:
        text, _, replaced = decode_bytes(data)
    except UnreadableReport:
        return
    text.encode("utf-8")  # a str spaCy can store: no lone surrogates
    assert 0 <= replaced <= text.count("\ufffd")  # each undecodable sequence is a U+FFFD in the text


def test_one_nul_in_a_short_utf8_report_is_kept():
    """Regression: in a file under 100 bytes one NUL was more than 1% of it, so the file was binary."""
    text, encoding, _ = decode_bytes("区司法局受理行政复议案件97件。".encode() + b"\x00" + "办结95件。".encode())
    assert (text, encoding) == ("区司法局受理行政复议案件97件。\x00办结95件。", "utf-8")


@pytest.mark.parametrize("declared", ["gb2312", "gbk", "GB2312"])
def test_a_declared_gb2312_or_gbk_page_is_read_as_gb18030(declared):
    """镕 is in GB18030 (and GBK) but not GB2312: a page that says gb2312 is read with the superset,
    or the name 朱镕基 would lose a character to U+FFFD."""
    page = f'<meta charset="{declared}"><p>区司法局受理行政复议申请32件，朱镕基。</p>'
    assert decode_bytes(page.encode("gb18030")) == (page, "gb18030", 0)
