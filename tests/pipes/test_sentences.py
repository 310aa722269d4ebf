import pytest

from lawrep_nlp.sentences import is_heading, sentence_spans

CASES = [
    ("受理32件；办结28件。调解成功率98%！好吗？", ["受理32件；", "办结28件。", "调解成功率98%！", "好吗？"]),
    ("一、总体情况\n（一）加强领导\n1.深学笃信", ["一、总体情况\n", "（一）加强领导\n", "1.深学笃信"]),
    ("一是强化学习，二是推动覆盖，三是深化培训。", ["一是强化学习，二是推动覆盖，三是深化培训。"]),
    ("他说“很好。”然后走了", ["他说“很好。”", "然后走了"]),
]

# sentences as the pipeline gives them: white space stays with the sentence before it
PIPELINE_CASES = [
    ("区司法局受理32件。\n\n办结28件。\n", ["区司法局受理32件。\n\n", "办结28件。\n"]),
    ("办结28件；  全年办理157件。", ["办结28件；  ", "全年办理157件。"]),  # regression: boundary on a trailing space
    ("\n\n区司法局受理32件。办结28件。", ["\n\n区司法局受理32件。", "办结28件。"]),  # leading line breaks
]


@pytest.mark.parametrize("separator", ["\u2028", "\v", "\f", "\x85", "\u2029"])
def test_every_line_break_ends_a_sentence(nlp, separator):
    """Regression: a page break (\\f), Word's manual line break (\\v) or U+2028 did not end the
    sentence, so 38个 on the next line was linked to 法律援助工作站 across it."""
    doc = nlp(f"全区新增法律援助工作站{separator}38个。")
    assert [s.text for s in doc.sents] == [f"全区新增法律援助工作站{separator}", "38个。"]
    assert doc._.links == []


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentence_spans(text, expected):
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_pipeline_sentences(nlp, text, expected):
    assert [s.text for s in nlp(text).sents] == expected


@pytest.mark.parametrize(("text", "expected"), PIPELINE_CASES)
def test_no_white_space_sentences(nlp, text, expected):
    assert [s.text for s in nlp(text).sents] == expected


def test_a_sentence_too_long_is_cut_after_its_last_comma():
    """Text without sentence marks is cut into pieces of at most MAX_SENTENCE_CHARS (1000), after
    the last comma of the piece, not in the middle of a word."""
    assert sentence_spans("区司法局受理行政复议案件97件，" * 70) == [(0, 992), (992, 1120)]


def test_headings():
    assert is_heading("一、2025年主要工作") and is_heading("(二)深化改革") and is_heading("3.加强监督")
    assert not is_heading("1.7万余人次") and not is_heading("一是强化学习")


def test_empty_doc(nlp):
    assert list(nlp("").sents) == []
