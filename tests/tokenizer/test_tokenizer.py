import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

from lawrep_nlp.tokenizer import LawrepTokenizer
from lawrep_nlp.tokenizer.tokenizer import ForcedWords

# sentence → the tokens expected (white space shown as it is kept by spaCy)
DOMAIN_CASES = [
    ("全年办理法律援助案件157件", ["全年", "办理", "法律援助案件", "157", "件"]),
    ("调解成功率达到98%。", ["调解成功率", "达到", "98", "%", "。"]),
    ("接待群众1.7万余人次", ["接待", "群众", "1.7万", "余", "人次"]),
    ("涉案金额2.03亿余元", ["涉案", "金额", "2.03亿", "余", "元"]),
    ("《中华人民共和国行政复议法》", ["《", "中华人民共和国", "行政复议", "法", "》"]),
    ("〈关于转发《意见》〉", ["〈", "关于", "转发", "《", "意见", "》", "〉"]),
    ("“放管服”改革", ["“", "放管服", "”", "改革"]),
    ("推行‘首违不罚’", ["推行", "‘", "首违不罚", "’"]),
    ("访问text页面", ["访问", "text", "页面"]),
    ("登录https://www.gov.cn/zhengce查看", ["登录", "https://www.gov.cn/zhengce", "查看"]),
    ("合计1,234元", ["合计", "1,234", "元"]),
    ("２０２件", ["２０２", "件"]),
    ("12345热线", ["12345", "热线"]),
    ("2026年1月23日", ["2026", "年", "1", "月", "23", "日"]),
    ("区司法局收到行政复议申请32件", ["区", "司法局", "收到", "行政复议", "申请", "32", "件"]),
    # regression: after an agency name, 和 + 县 is a conjunction and a level, not the county 和县
    ("在县人大和县政协的监督下", ["在", "县人大", "和", "县", "政协", "的", "监督", "下"]),
    ("县政府和县法院联合开展", ["县政府", "和", "县法院", "联合", "开展"]),
    ("安徽省和县人民政府", ["安徽省", "和县", "人民政府"]),
]


@pytest.mark.parametrize(("text", "expected"), DOMAIN_CASES)
def test_domain_segmentation(tokenizer, text, expected):
    assert [t.text for t in tokenizer(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", ["   "]),
        ("会议 1 次", ["会议", "1", "次"]),
        ("a\n\n b", ["a", "\n\n ", "b"]),
        ("法治😀建设", ["法治", "😀", "建设"]),
        ("\x00\x07", ["\x00", "\x07"]),
    ],
)
def test_whitespace_and_odd_characters(tokenizer, text, expected):
    doc = tokenizer(text)
    assert [t.text for t in doc] == expected
    assert doc.text == text


def test_quantity_and_indicator_align(tokenizer):
    doc = tokenizer("组织30余名党政机关主要负责人")
    assert [t.text for t in doc][:4] == ["组织", "30", "余", "名"]
    assert doc.char_span(2, 6).text == "30余名"  # the QUANTITY span
    assert doc.char_span(6, 15).text == "党政机关主要负责人"  # the INDICATOR span


def test_latin_runs_are_never_split(tokenizer):
    # pkuseg alone splits `text` into te|xt
    for word in ("text", "GB18030", "COVID-19", "pkuseg", "Word2Vec"):
        assert word in [t.text for t in tokenizer(f"文中{word}一词")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_round_trips(tokenizer, text):
    doc = tokenizer(text)
    assert doc.text == text
    position = 0
    for token in doc:  # tokens tile the text in order
        assert token.idx == position
        position += len(token.text_with_ws)
    assert position == len(text)


REPORT_ALPHABET = st.sampled_from(list("受理行政复议案件法律援助调解成功率区司法局“”《》〈〉、，。；：0123456789.万亿余%件人次 \n"))


@settings(max_examples=300, deadline=None)
@given(st.text(REPORT_ALPHABET, max_size=120))
def test_report_like_text_round_trips(tokenizer, text):
    doc = tokenizer(text)
    assert doc.text == text
    assert all(t.text.strip() == t.text or t.is_space for t in doc)


def test_a_lone_surrogate_is_refused_clearly(tokenizer):
    # regression: OpenCC's UnicodeEncodeError surfaced from deep inside; spaCy cannot store such a str
    with pytest.raises(ValueError, match=r"lone surrogate \('\\ud800' at offset 2\)"):
        tokenizer("受理\ud800案件5件")


def test_bytes_round_trip(tokenizer):
    text = "全年办理法律援助案件157件"
    copy = LawrepTokenizer(tokenizer.vocab).from_bytes(tokenizer.to_bytes())
    assert copy.to_bytes() == tokenizer.to_bytes()
    assert [t.text for t in copy(text)] == [t.text for t in tokenizer(text)]
    assert copy.user_words == tokenizer.user_words


def test_disk_round_trip_and_spacy_load(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    text = "“放管服”改革，受理行政复议申请32件。"
    assert [t.text for t in reloaded(text)] == [t.text for t in nlp(text)]
    assert reloaded.tokenizer.user_words == nlp.tokenizer.user_words


def test_char_segmenter_keeps_rules(nlp):
    tokenizer = LawrepTokenizer(nlp.vocab, segmenter="char")
    assert [t.text for t in tokenizer("受理97件text")] == ["受", "理", "97", "件", "text"]


def test_unknown_segmenter_is_refused(nlp):
    with pytest.raises(ValueError, match="segmenter"):
        LawrepTokenizer(nlp.vocab, segmenter="jieba")


def test_user_dictionary_is_serialised(nlp, tmp_path):
    tokenizer = LawrepTokenizer(nlp.vocab)
    custom = tmp_path / "words.txt"
    custom.write_text("# test\n双塔区\n", encoding="utf-8")
    tokenizer.initialize(user_dict=custom)
    assert [t.text for t in tokenizer("双塔区")] == ["双塔区"]
    tokenizer.to_disk(tmp_path / "tok")
    again = LawrepTokenizer(nlp.vocab).from_disk(tmp_path / "tok")
    assert "双塔区" in again.user_words and again.user_words == tokenizer.user_words


def test_a_forced_word_ends_at_the_longest_dictionary_word(nlp, tmp_path):
    # regression: spacy-pkuseg's matcher ended where the trie path broke off (法治政府 forced)
    assert ForcedWords(["法治", "法治政府建设"]).solve("推进法治政府工作") == (
        ["推进", "法治", "政府工作"],
        [False, True, False],
        ["", "", ""],
    )
    tokenizer = LawrepTokenizer(nlp.vocab)
    custom = tmp_path / "words.txt"
    custom.write_text("法治\n法治政府建设\n", encoding="utf-8")
    tokenizer.initialize(user_dict=custom)
    words = [t.text for t in tokenizer("推进法治政府工作")]
    assert "法治" in words and "法治政府" not in words


def longest_words_left_to_right(words: list[str], text: str) -> list[tuple[str, bool]]:
    """The matcher's contract, written out: at each position the longest word, else move on."""
    pieces, last, start = [], 0, 0
    while start < len(text):
        match = max((w for w in words if w and text.startswith(w, start)), key=len, default=None)
        if match is None:
            start += 1
            continue
        if last != start:
            pieces.append((text[last:start], False))
        pieces.append((match, True))
        last = start = start + len(match)
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


@given(st.lists(st.text("法治政府建设工作", min_size=1, max_size=6), max_size=5), st.text("法治政府建设工作", max_size=30))
def test_forced_words_are_the_longest_dictionary_words(words, text):
    pieces, forced, _ = ForcedWords(words).solve(text)
    assert "".join(pieces) == text
    assert list(zip(pieces, forced, strict=True)) == longest_words_left_to_right(words, text)


def test_place_names_stay_whole(tokenizer):
    # regression: pkuseg glued the year's 年 to the place (年静 | 海区)
    words = [t.text for t in tokenizer("2020年静海区法治政府建设情况报告")]
    assert words[:3] == ["2020", "年", "静海区"]


def test_docbin_round_trip(nlp):
    doc = nlp("区司法局收到行政复议申请32件、办结28件。")
    restored = next(DocBin(docs=[doc]).get_docs(nlp.vocab))
    assert [t.text for t in restored] == [t.text for t in doc]
    assert [s.text for s in restored.sents] == [s.text for s in doc.sents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # regression: the unit was glued to the next word (186个村, 30个工作日缩短), so a
        # QUANTITY span could not end on a token boundary
        ("选聘186个村法律顾问", ["186", "个", "村"]),
        ("从30个工作日缩短", ["30", "个工作日", "缩短"]),
        ("共3306人次参加", ["3306", "人次", "参加"]),
        ("30余名党政机关", ["30", "余", "名"]),
    ],
)
def test_unit_after_number_is_its_own_token(tokenizer, text, expected):
    words = [t.text for t in tokenizer(text)]
    start = words.index(expected[0])
    assert words[start : start + len(expected)] == expected


def test_units_are_serialised(tokenizer):
    copy = LawrepTokenizer(tokenizer.vocab).from_bytes(tokenizer.to_bytes())
    assert copy.units == tokenizer.units and "人次" in copy.units
