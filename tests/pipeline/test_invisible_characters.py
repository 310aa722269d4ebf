"""Invisible characters (zero-width space, word joiner, a BOM inside the text, soft hyphen) that
scraped pages carry between words: the rules read each as a space, and doc.text stays the input."""

import pytest

from lawrep_nlp.script import INVISIBLE, matching_text


def measurements(doc):
    return [(doc.text[i_start:i_end], doc.text[q_start:q_end]) for q_start, q_end, i_start, i_end in doc._.links]


@pytest.mark.parametrize("invisible", list(INVISIBLE))
def test_an_invisible_character_before_the_number_keeps_the_link(nlp, invisible):
    """Regression: 案件\\u200b97件 had no link (the zero-width space was a token no rule saw through)."""
    text = f"县司法局受理行政复议案件{invisible}97件，办结{invisible}90件。"
    doc = nlp(text)
    assert doc.text == text
    assert measurements(doc) == [("行政复议案件", "97件"), ("行政复议案件", "90件")]
    assert matching_text(doc) == text.replace(invisible, " ")


@pytest.mark.parametrize("invisible", list(INVISIBLE))
def test_an_invisible_character_inside_a_number_is_no_part_of_its_value(nlp, invisible):
    """Regression: 1\\u200b000件 was read as 000件 = 0."""
    for digits, value in ((f"1{invisible}000", 1000.0), (f"9{invisible}7", 97.0)):  # 9\u200b7件 gave 7件
        doc = nlp(f"受理行政复议案件{digits}件。")
        assert [(e.text, e._.value, e._.unit) for e in doc.ents if e.label_ == "QUANTITY"] == [(f"{digits}件", value, "件")]


def test_entities_on_either_side_of_a_zero_width_space(nlp):
    doc = nlp("沈阳市司法局\u200b深入推进“放管服”改革")
    assert [(e.text, e.label_) for e in doc.ents] == [("沈阳市司法局", "ORG"), ("放管服", "PROGRAM")]
