"""Open-vocabulary indicator keys (issue 20): measurements that no taxonomy entry covers still
line up across reports when they say the same thing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawrep_nlp.keys import default_key_maker, indicator_key


@pytest.mark.parametrize(("indicator", "action", "dimension", "key"), [
    # scope words, quotes, the 的-clause and the counting suffix come off; the action class stays
    ("全区共受理的“行政复议”案件数", "受理", "count", "行政复议案件|受理|count"),
    # a counting verb in front of the phrase is the action when the linker found none
    ("受理行政复议案件", None, "count", "行政复议案件|受理|count"),
    # verbs of one class say the same thing: 收到 and 新收 are 受理
    ("行政复议案件", "收到", "count", "行政复议案件|受理|count"),
    ("行政复议案件", "新收", "count", "行政复议案件|受理|count"),
    # … but what was done to the cases is kept apart
    ("行政复议案件", "办结", "count", "行政复议案件|办结|count"),
    # disputes mediated and resolved, and documents filed and reviewed, are kept apart, as the
    # canonical guidelines keep them (regression: one class each); 成功 with a verb no class lists
    # is in the verb's class
    ("矛盾纠纷", "调处", "count", "矛盾纠纷|调解|count"),
    ("矛盾纠纷", "成功调解", "count", "矛盾纠纷|化解|count"),
    ("矛盾纠纷", "调解成功", "count", "矛盾纠纷|化解|count"),
    ("矛盾纠纷", "化解", "count", "矛盾纠纷|化解|count"),
    ("规范性文件", "备案", "count", "规范性文件|备案|count"),
    ("规范性文件", "审查", "count", "规范性文件|审查|count"),
    ("备案审查行政规范性文件", None, "count", "行政规范性文件|备案|count"),
    ("法治宣传活动", "成功举办", "count", "法治宣传活动|开展|count"),
    # a verb in no class is its own class
    ("社区矫正对象", "接送", "people", "社区矫正对象|接送|people"),
    # parenthesised asides off
    ("乡镇(街道)司法所", None, "count", "乡镇司法所|-|count"),
    ("部门（单位）", None, "count", "部门|-|count"),
    # no cut leaves fewer than two characters: 成功率 keeps its 成功, 人数 is not cut to 人
    ("成功率", None, "rate", "成功率|-|rate"),
    ("人数", None, "people", "人数|-|people"),
    # counts, people and rates never share a key
    ("法律明白人", None, "people", "法律明白人|-|people"),
    ("法律明白人", None, "count", "法律明白人|-|count"),
    # traditional characters read as simplified
    ("行政復議案件", "受理", "count", "行政复议案件|受理|count"),
    # full-width digits and letters read as ASCII
    ("１２３４８热线来电", "受理", "count", "12348热线来电|受理|count"),
    ("ＡＰＰ下载量", None, "count", "APP下载量|-|count"),
    # an invisible character (a zero-width space) is no part of the key
    ("行政\u200b复议案件", "受理", "count", "行政复议案件|受理|count"),
    # an aside that is the whole phrase stays
    ("(不含公职律师)", None, "people", "(不含公职律师)|-|people"),
    # from the mutation-testing audit: every scope word in front comes off, the longest verb and
    # counting suffix first, and each cut may leave exactly two characters but not fewer
    ("全区累计律师代理案件", None, "count", "律师代理案件|-|count"),
    ("组织开展普法活动", None, "count", "普法活动|开展|count"),
    ("律师人数", None, "people", "律师|-|people"),
    ("全区案件", None, "count", "案件|-|count"),
    ("受理案件", None, "count", "案件|受理|count"),
    ("案件数", None, "count", "案件|-|count"),
    ("依法办理的案件", None, "count", "案件|-|count"),
    ("累计数", None, "count", "累计|-|count"),
    # the head after the last 的
    ("本级政府的部门的行政复议案件", None, "count", "行政复议案件|-|count"),
])
def test_indicator_key(indicator, action, dimension, key):
    assert indicator_key(indicator, action, dimension) == key


@pytest.mark.parametrize("indicator", [None, "", "“”", " \u3000"])
def test_no_indicator_no_key(indicator):
    assert indicator_key(indicator, "受理", "count") is None


@pytest.mark.parametrize("text", ["新收行政复议案件120件。", "全年新收行政复议案件120件。", "市司法局新收行政复议案件120件。",
                                  "全年受理行政复议案件120件。"])
def test_a_counting_verb_right_before_the_indicator_gives_the_action_class(nlp, text):
    """Regression (the analyst audit): the linker knows no 新收, so 全年新收行政复议案件120件 had the
    key 行政复议案件|-|count while 新收行政复议案件120件 (the verb inside the phrase) had |受理|."""
    assert [m["indicator_key"] for m in nlp(text)._.measurements] == ["行政复议案件|受理|count"]


def test_measurements_carry_their_key(nlp):
    doc = nlp("2024年，全区共受理行政复议案件97件，办结85件。")
    keys = {m["quantity_text"]: m["indicator_key"] for m in doc._.measurements}
    assert keys == {"97件": "行政复议案件|受理|count", "85件": "行政复议案件|办结|count"}


@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=6)), st.sampled_from([None, "count", "rate"]))
def test_key_is_total_and_three_fields(indicator, action, dimension):
    key = indicator_key(indicator, action, dimension)
    if key is not None:
        phrase, action, kind = key.rsplit("|", 2)
        assert phrase and action and kind == (dimension or "-")


def test_a_bar_inside_a_part_keeps_the_key_three_fields():
    """Regression (found by the property above in CI): an action "|" gave the key 0|||-."""
    assert indicator_key("0", "|", None) == "0|｜|-"
    assert indicator_key("人民调解|案件", "受理", "count") == "人民调解｜案件|受理|count"


def test_a_counting_verb_before_the_indicator_may_be_followed_by_a_space():
    assert indicator_key("行政复议案件", None, "count", before="全年新收 ") == "行政复议案件|受理|count"


def test_the_text_before_an_indicator_is_read_far_enough_for_the_longest_verb():
    """measurements.py hands over the last before_chars characters: 完成办理 and a space must fit,
    or only 办理 (another class) is seen."""
    before = "全年完成办理 "[-default_key_maker().before_chars:]
    assert indicator_key("行政复议案件", None, "count", before=before) == "行政复议案件|办结|count"
