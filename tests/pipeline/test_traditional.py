"""Reports in traditional characters are read through OpenCC; doc.text stays the input."""

import opencc
import pytest

from lawrep_nlp.script import matching_text, to_simplified

TO_TRADITIONAL = opencc.OpenCC("s2t")


def test_sentence_in_traditional_characters(nlp):
    text = "2023年，縣司法局受理行政複議案件97件，辦結90件。深入推進“放管服”改革。"
    doc = nlp(text)
    assert doc.text == text
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("2023年", "DATE"), ("縣司法局", "ORG"), ("97件", "QUANTITY"), ("90件", "QUANTITY"), ("放管服", "PROGRAM")]
    assert [(m["indicator"], m["value"], m["action"]) for m in doc._.measurements] == [
        ("行政複議案件", 97.0, "受理"), ("行政複議案件", 90.0, "办结")]
    assert doc._.simplified_text == "2023年，县司法局受理行政复议案件97件，办结90件。深入推进“放管服”改革。"
    assert (doc[3].text, doc[3].norm_) == ("縣", "县")


@pytest.mark.parametrize(("text", "expected"), [
    ("深圳市衞生健康委坚持依法行政。", [("深圳市衞生健康委", "ORG", "")]),
    ("市衞健委牽頭。", [("市衞健委", "ORG", "")]),
    ("寧夏回族自治區中衞市海原縣", [("寧夏回族自治區中衞市海原縣", "GPE", "640522")]),
])
def test_hong_kong_variant_forms(nlp, text, expected):
    """Regression: OpenCC's t2s leaves Hong Kong's 衞 (卫), so these gave no ORG, or two GPEs."""
    assert [(e.text, e.label_, e.id_) for e in nlp(text).ents] == expected


@pytest.mark.parametrize("seed", range(5))
def test_a_report_in_hong_kong_characters_gives_the_same_annotations(nlp, seed_texts, seed):
    hong_kong = opencc.OpenCC("s2hk").convert(seed_texts[seed])
    assert len(hong_kong) == len(seed_texts[seed])
    published, converted = nlp(seed_texts[seed]), nlp(hong_kong)
    assert [(e.start_char, e.end_char, e.label_, e._.value) for e in converted.ents] == \
        [(e.start_char, e.end_char, e.label_, e._.value) for e in published.ents]
    assert sorted(map(tuple, converted._.links)) == sorted(map(tuple, published._.links))


def test_simplified_text_is_left_alone(nlp):
    doc = nlp("县司法局受理行政复议案件97件。")
    assert doc._.simplified_text is None
    assert matching_text(doc) == doc.text


@pytest.mark.parametrize("seed", range(5))
def test_converted_report_gives_the_same_annotations(nlp, seed_texts, seed):
    """A seed report converted to traditional characters: the same entities, links, values and
    canonical ids at the same offsets as the report as published."""
    simplified = seed_texts[seed]
    traditional = TO_TRADITIONAL.convert(simplified)
    assert sum(a != b for a, b in zip(simplified, traditional, strict=True)) > 500
    published, converted = nlp(simplified), nlp(traditional)
    assert converted.text == traditional

    def annotations(doc):
        ents = [(e.start_char, e.end_char, e.label_, e._.value, e._.unit, e._.canonical) for e in doc.ents]
        return ents, sorted(map(tuple, doc._.links))

    assert annotations(converted) == annotations(published)


def test_the_enabled_ner_reads_both_scripts_alike(seed_texts):
    """The NER ships disabled; enabled, it reads each traditional token's simplified features (norm,
    prefix, suffix, shape), so a converted report gets the entities of the published one."""
    import spacy

    with_ner = spacy.load("lawrep_zh")
    with_ner.enable_pipe("tok2vec")
    with_ner.enable_pipe("ner")
    simplified = seed_texts[0]
    traditional = TO_TRADITIONAL.convert(simplified)
    published, converted = with_ner(simplified), with_ner(traditional)
    assert [(e.start_char, e.end_char, e.label_) for e in converted.ents] == [
        (e.start_char, e.end_char, e.label_) for e in published.ents]
    changed = [(a, b) for a, b in zip(published, converted, strict=True) if a.text != b.text]
    assert changed and all((a.norm_, a.prefix_, a.suffix_, a.shape_) == (b.norm_, b.prefix_, b.suffix_, b.shape_)
                           for a, b in changed)


def test_conversion_keeps_every_offset():
    text = "著作權、乾隆年間的發展。\n臺灣"
    simplified = to_simplified(text)
    assert len(simplified) == len(text)
    assert simplified.endswith("台湾")


def test_a_doc_the_tokenizer_did_not_make_is_read_in_simplified_characters_too(nlp):
    """Regression (the API audit): Doc.from_docs and Doc(vocab, words=…) carry no conversion, so a
    traditional-character Doc was matched as written: 1.7萬餘人次 was lost, the ORG cut short."""
    import warnings

    from spacy.tokens import Doc

    first, second = "區司法局辦結行政複議案件28件。", "接待群眾1.7萬餘人次。"
    expected = [(e.text, e.label_, e._.value) for e in nlp(first + " " + second).ents]
    assert expected == [("區司法局", "ORG", None), ("28件", "QUANTITY", 28.0), ("1.7萬餘人次", "QUANTITY", 17000.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spaCy's W101: doc extensions are not merged
        joined = Doc.from_docs([nlp.make_doc(first), nlp.make_doc(second)])
    assert [(e.text, e.label_, e._.value) for e in nlp(joined).ents] == expected
    made = nlp.make_doc(first)
    by_hand = Doc(nlp.vocab, words=[t.text for t in made], spaces=[bool(t.whitespace_) for t in made])
    assert [(e.text, e.label_) for e in nlp(by_hand).ents] == [("區司法局", "ORG"), ("28件", "QUANTITY")]


class _LengthChangingConverter:
    """A stand-in for OpenCC whose phrase table changes a piece's length (年間 → 年之间) and
    converts 乾 to two characters, which the shipped dictionaries never do."""

    TABLE = str.maketrans({"間": "间", "發": "发", "臺": "台", "灣": "湾", "乾": "干干"})

    def convert(self, text):
        return text.replace("年間", "年之間").translate(self.TABLE)


def test_a_conversion_that_changes_the_length_is_redone_character_by_character(monkeypatch):
    """From the mutation-testing audit: the fallback for such a conversion had no test. Only the
    piece whose length changed is redone, and a character that converts to two stays as written."""
    from lawrep_nlp import script

    monkeypatch.setattr(script, "_converter", _LengthChangingConverter)
    assert to_simplified("乾隆年間的發展。\n臺灣") == "乾隆年间的发展。\n台湾"


def test_a_simplified_text_that_does_not_fit_the_doc_is_not_matched_on(nlp):
    doc = nlp.make_doc("县司法局受理行政复议案件97件。")
    doc._.simplified_text = "县司法局"  # stale: shorter than the text
    assert matching_text(doc) == doc.text
