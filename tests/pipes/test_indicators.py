import pytest
from spacy.tokens import DocBin

import lawrep_nlp

# sentence → [(quantity, indicator or None)], following the standard's link patterns
CASES = [
    ("全年办理法律援助案件157件", [("157件", "法律援助案件")]),  # verb–object–number
    ("调解成功率达到98%", [("98%", "调解成功率")]),  # rate, connector skipped
    ("配备专职人民调解员102名", [("102名", "专职人民调解员")]),
    ("组织30余名党政机关主要负责人", [("30余名", "党政机关主要负责人")]),  # verb–number–object
    ("受理各类矛盾纠纷300余件，成功调解294件", [("300余件", "矛盾纠纷"), ("294件", "矛盾纠纷")]),  # elided
    ("区司法局收到行政复议申请32件、办结28件", [("32件", "行政复议申请"), ("28件", "行政复议申请")]),
    ("全区11家执法部门138名执法人员完成注册", [("11家", "执法部门"), ("138名", "执法人员")]),
    ("721项政务服务事项中，697项进驻政务服务中心，进驻率达96.67%",
     [("721项", "政务服务事项"), ("697项", "政务服务事项"), ("96.67%", "进驻率")]),
    ("全年涉企行政检查减少1.5万次", [("1.5万次", "涉企行政检查")]),
    ("进驻率由76%提升至92%", [("76%", "进驻率"), ("92%", "进驻率")]),  # before/after
    ("化解纠纷85件", [("85件", "纠纷")]),  # counted objects: the verb stays out
    ("检查企业5278次", [("5278次", "检查企业")]),  # counted activity: named with its verb
    ("回复率、办理率均为100%", [("100%", "回复率、办理率")]),  # a list counted together
    ("作出“首违不罚”决定14件", [("14件", "“首违不罚”决定")]),  # quotes stay inside
    ("共收回当年及往年指派的结案归档案件402宗", [("402宗", "当年及往年指派的结案归档案件")]),  # 的-clause
    ("细化明确9个方面具体任务", [("9个", None)]),  # the classifier is what is counted
    ("人民调解案件：1200件，调解成功率：98%", [("1200件", "人民调解案件"), ("98%", "调解成功率")]),  # label: value
    ("| 人民调解案件 | 1200件 |", [("1200件", "人民调解案件")]),  # a table row, as the HTML reader writes it
    ("建成2100平方米的服务中心", [("2100平方米", "服务中心")]),  # 的 after the number skipped
    ("先后12次召开局党组会", [("12次", "局党组会")]),  # after a count of events, the verb skipped
    # 分别 distributes a list of phrases over as many numbers, in order
    ("行政职权和行政许可分别压缩了72%、60%", [("72%", "行政职权"), ("60%", "行政许可")]),
    ("今年开办企业网上办比例和开办企业全流程网上办分别达到99.99%、90.2%",
     [("99.99%", "开办企业网上办比例"), ("90.2%", "开办企业全流程网上办")]),
    # … but not a list of those who act: both numbers count the object after 分别
    ("公安、法院派驻调解室分别化解纠纷36件、49件", [("36件", "纠纷"), ("49件", "纠纷")]),
    # an adverb and one word opening a clause: a predicate, its object elided (whatever the verb)
    ("受理行政诉讼案件31件，已判决27件", [("31件", "行政诉讼案件"), ("27件", "行政诉讼案件")]),
    ("梳理许可事项40项，未实施5项", [("40项", "许可事项"), ("5项", "许可事项")]),
    # the next predicate of a list after an elided object: its object is elided too (取消, 变更)
    ("清理行政权力事项300项，新增25项、取消28项、变更25项",
     [("300项", "行政权力事项"), ("25项", "行政权力事项"), ("28项", "行政权力事项"), ("25项", "行政权力事项")]),
    # … but a list of nouns, each number with its own object, stays as it is
    ("办理民事案件631件、刑事案件98件", [("631件", "民事案件"), ("98件", "刑事案件")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_links(nlp, text, expected):
    doc = nlp(text)
    got = [(e.text, e._.indicator.text if e._.indicator is not None else None)
           for e in doc.ents if e.label_ == "QUANTITY"]
    assert got == expected


def test_the_particles_after_respectively_are_lexicon_data(nlp):
    """分别压缩了72%、60% shares the list out because 了 is in the lexicon's respectively_particles
    (a literal in the code before session 26); without it the list is not shared out, and a lexicon
    saved before that key existed keeps 了."""
    from lawrep_nlp.pipes.indicators.candidates import Lexicon, link_quantities

    text = "行政职权和行政许可分别压缩了72%、60%"
    doc, lexicon = nlp(text), nlp.get_pipe("lawrep_indicators").lexicon

    def pairs(words: Lexicon) -> list[tuple[str, str]]:
        return [(text[q0:q1], text[i0:i1]) for q0, q1, i0, i1 in link_quantities(doc, words)[1]]

    shared = [("72%", "行政职权"), ("60%", "行政许可")]
    assert pairs(lexicon) == shared
    assert pairs(Lexicon({**lexicon.data, "respectively_particles": []})) != shared
    older = {key: value for key, value in lexicon.data.items() if key != "respectively_particles"}
    assert pairs(Lexicon(older)) == shared


def test_the_adverbs_of_an_elided_object_are_lexicon_data(nlp):
    """,已判决27件 links to the earlier clause's object because 已 is in the lexicon's aspect_adverbs
    (session 27); without them the unknown verb is taken for the object, as by a lexicon saved
    before the key existed."""
    from lawrep_nlp.pipes.indicators.candidates import Lexicon, link_quantities

    text = "受理行政诉讼案件31件，已判决27件"
    doc, lexicon = nlp(text), nlp.get_pipe("lawrep_indicators").lexicon

    def second(words: Lexicon) -> str:
        _, _, i0, i1 = link_quantities(doc, words)[1][1]
        return text[i0:i1]

    assert second(lexicon) == "行政诉讼案件"
    older = {key: value for key, value in lexicon.data.items() if key != "aspect_adverbs"}
    assert second(Lexicon(older)) == "判决"


@pytest.mark.parametrize(("text", "word", "parallel"), [
    ("清理行政权力事项300项，新增25项、取消28项", "取消", True),  # after 新增25项, whose object is elided
    ("清理行政权力事项300项，取消28项", "取消", False),  # after a number with its own object
    ("清理行政权力事项300项，新增25项、取消28件", "取消", False),  # another unit: not the same list
    ("办理民事案件631件、刑事案件98件", "刑事案件", False),
])
def test_a_parallel_predicate_needs_an_elided_number_of_the_same_unit_before_it(nlp, text, word, parallel):
    from lawrep_nlp.pipes.indicators.candidates import is_parallel_predicate

    doc, lexicon = nlp(text), nlp.get_pipe("lawrep_indicators").lexicon
    quantity = [e for e in doc.ents if e.label_ == "QUANTITY"][-1]
    start = next(t.i for t in doc if t.text == word)
    assert is_parallel_predicate(doc, quantity, (start, quantity.start), lexicon, {}, None) is parallel


@pytest.mark.parametrize("space", ["  ", "\u3000", "\u00a0", "\t"])
def test_a_space_of_its_own_between_phrase_and_number_keeps_the_link(nlp, space):
    """Regression: two spaces, an ideographic or no-break space or a tab is a token of its own
    (one space is the word's whitespace), and it ended the phrase: the quantity had no indicator."""
    for text, quantity, indicator in [(f"受理行政复议案件{space}97件", "97件", "行政复议案件"),
                                      (f"调解成功率达到{space}98%", "98%", "调解成功率"),
                                      (f"化解纠纷85件，涉及{space}3名{space}当事人", "3名", "当事人")]:
        (ent,) = [e for e in nlp(text).ents if e.text == quantity]
        assert ent._.indicator is not None and ent._.indicator.text == indicator


def test_links_stay_in_their_sentence(nlp):
    doc = nlp("受理行政复议申请32件。办结28件。")
    (first, second) = [e for e in doc.ents if e.label_ == "QUANTITY"]
    assert first._.indicator.text == "行政复议申请" and second._.indicator is None


def test_actions(nlp):
    doc = nlp("区司法局收到行政复议申请32件、办结28件；全年办理法律援助案件157件。")
    quantities = [e for e in doc.ents if e.label_ == "QUANTITY"]
    assert [(e.text, e._.action) for e in quantities] == [("32件", "收到"), ("28件", "办结"), ("157件", "办理")]


@pytest.mark.parametrize(("text", "actions"), [
    # 成功 beside the verb is part of what was done: disputes resolved, not handled (regression:
    # 调解 and 成功, so resolved disputes had the key of those handled)
    ("调处各类矛盾纠纷32407起，调解成功32097起。", [("32407起", "调处"), ("32097起", "调解成功")]),
    ("受理矛盾纠纷5935宗，成功调处5883宗。", [("5935宗", "受理"), ("5883宗", "成功调处")]),
    ("成功化解矛盾纠纷5922件。", [("5922件", "成功化解")]),
])
def test_an_action_keeps_its_success(nlp, text, actions):
    assert [(e.text, e._.action) for e in nlp(text).ents if e.label_ == "QUANTITY"] == actions


def test_measurements_survive_docbin(nlp):
    doc = nlp("接待群众1.7万余人次，调解成功率达到98%。")
    restored = next(DocBin(docs=[doc], store_user_data=True).get_docs(nlp.vocab))
    assert list(restored._.measurements) == doc._.measurements
    first = doc._.measurements[0]
    assert (first["indicator"], first["value"], first["unit"], first["approx"]) == ("群众", 17000.0, "人次", "余")
    assert restored.ents[1]._.indicator.text == "调解成功率"


def test_to_dataframe(nlp):
    doc = nlp("全年办理法律援助案件157件。")
    doc._.report = {"file": "a.txt", "region": "朝阳市双塔区", "year": "2024"}
    table = lawrep_nlp.to_dataframe([doc])
    assert table.loc[0, ["region", "indicator", "value", "unit"]].tolist() == ["朝阳市双塔区", "法律援助案件", 157.0, "件"]


def test_to_dataframe_keeps_offsets_integers_beside_an_unlinked_quantity(nlp):
    """Regression: one unlinked quantity turned every indicator offset into a float."""
    import pandas as pd

    doc = nlp("全年办理法律援助案件157件。共计30余人。")
    table = lawrep_nlp.to_dataframe([doc])
    assert [str(table[column].dtype) for column in ("start", "indicator_start", "indicator_end")] == ["Int64"] * 3
    assert table["indicator_start"].tolist()[0] == 4
    assert doc._.measurements[1]["indicator_start"] is None and pd.isna(table["indicator_start"][1])


def test_to_dataframe_values_are_floats_whatever_the_rows_hold(nlp):
    """Regression: max was an object column where no range occurred, value one for no row."""
    assert [str(lawrep_nlp.to_dataframe([nlp(text)])[column].dtype) for text in ("受理案件97件。", "")
            for column in ("value", "max")] == ["float64"] * 4


def test_importing_the_package_registers_everything():
    # regression: a lint rewrite dropped the component imports; entry points had hidden it
    from spacy.language import Language
    from spacy.util import registry

    for factory in ("lawrep_sentences", "lawrep_quantities", "lawrep_indicators"):
        assert Language.has_factory(factory)
    assert registry.tokenizers.get("lawrep.ChineseTokenizer.v1")
    assert registry.scorers.get("lawrep.report_scorer.v1")


def test_the_indicator_follows_the_link_after_retokenizing(nlp):
    """Regression: after doc.retokenize, ent._.indicator gave the span group's stale span, whose
    tokens had moved (申请32); spaCy does not update span groups, the links' offsets hold."""
    doc = nlp("区司法局收到行政复议申请32件。")
    (quantity,) = [e for e in doc.ents if e.label_ == "QUANTITY"]
    assert quantity._.indicator.text == "行政复议申请"  # cached before the merge
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])
    (quantity,) = [e for e in doc.ents if e.label_ == "QUANTITY"]
    assert quantity._.indicator.text == "行政复议申请" == doc._.measurements[0]["indicator"]
    fresh = nlp("区司法局收到行政复议申请32件。")
    index = [token.text for token in fresh].index("司法局")
    with fresh.retokenize() as retokenizer:
        retokenizer.split(fresh[index], ["司法", "局"], heads=[(fresh[index], 1), fresh[index - 1]])
    (quantity,) = [e for e in fresh.ents if e.label_ == "QUANTITY"]
    assert quantity._.indicator.text == "行政复议申请"


def test_an_indicator_past_the_end_of_a_merged_doc_is_read_at_its_offsets(nlp):
    """Regression (the API audit): a merge that shortens the doc leaves the span group's tokens past
    its end, and ent._.indicator raised E035 (spaCy issue #12024)."""
    doc = nlp("区司法局组织30余名党政机关主要负责人")
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])
    assert [(e.text, e._.indicator.text) for e in doc.ents if e.label_ == "QUANTITY"] == [("30余名", "党政机关主要负责人")]


@pytest.mark.parametrize("where", [{"after": "lawrep_quantities"}, {"before": "lawrep_entity_policy"}, {"last": True}])
def test_merge_entities_anywhere_after_the_rules(where):
    """Regression (the API audit): spaCy's merge_entities after the rule components made the entity
    policy (or ent._.indicator) raise E035 from a span group's stale token indices."""
    import spacy

    merging = spacy.load("lawrep_zh")
    merging.add_pipe("merge_entities", **where)
    doc = merging("区司法局组织30余名党政机关主要负责人参加培训，收到行政复议申请32件。")
    assert [(e.text, e.label_) for e in doc.ents] == [("区司法局", "ORG"), ("30余名", "QUANTITY"), ("32件", "QUANTITY")]
    assert [e._.indicator.text for e in doc.ents if e.label_ == "QUANTITY"] == ["党政机关主要负责人", "行政复议申请"]


def test_a_merged_doc_run_through_the_pipeline_again_keeps_its_entities(nlp):
    """Regression (the API audit): the entity policy compared token indices of the stale rule-span
    group, took every entity for an NER addition and dropped them all."""
    doc = nlp("区司法局收到行政复议申请32件。")
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])
    assert [(e.text, e.label_) for e in nlp(doc).ents] == [("区司法局", "ORG"), ("32件", "QUANTITY")]


def test_reading_the_indicator_keeps_no_document_alive(nlp):
    """Regression: the cache behind ent._.indicator kept Spans, which hold their Doc, so a Doc
    whose indicators were read was never freed."""
    import gc
    import weakref

    doc = nlp("区司法局收到行政复议申请32件、办结28件。")
    assert [e._.indicator.text for e in doc.ents if e.label_ == "QUANTITY"] == ["行政复议申请", "行政复议申请"]
    alive = weakref.ref(doc)
    del doc
    gc.collect()
    assert alive() is None


def test_the_indicator_follows_links_edited_in_place(nlp):
    """Regression: after doc._.links[k] = […], the answer depended on whether ent._.indicator had
    been read before the edit (the cache did not see it)."""
    text = "区司法局收到行政复议申请32件；全年办理法律援助案件157件。"
    for read_first in (False, True):
        doc = nlp(text)
        quantity = [e for e in doc.ents if e.label_ == "QUANTITY"][1]
        if read_first:
            assert quantity._.indicator.text == "法律援助案件"
        row = next(k for k, link in enumerate(doc._.links) if link[0] == quantity.start_char)
        doc._.links[row] = [quantity.start_char, quantity.end_char, 6, 12]
        assert quantity._.indicator.text == "行政复议申请"


def test_assigning_the_links_again_shows_any_in_place_edit(nlp):
    """An edit that gives a quantity an earlier first link is not seen by the cache (documented);
    assigning the list again, even the same object, is."""
    text = "38个。区司法局收到行政复议申请32件。"
    doc = nlp(text)
    quantity = next(e for e in doc.ents if e.text == "38个")
    assert quantity._.indicator is None
    links = doc._.links
    links[0] = [quantity.start_char, quantity.end_char, 10, 16]  # 32件's row now links 38个 (same length)
    doc._.links = links
    assert quantity._.indicator.text == "行政复议申请"


def test_measurement_records_follow_edited_entities(nlp):
    """doc._.measurements is what the pipeline found; measurement_records reads the current
    entities (the README says so: the API audit found the stored records stale after an edit)."""
    from lawrep_nlp.measurements import measurement_records

    doc = nlp("区司法局收到行政复议申请32件、办结28件；全年办理法律援助案件157件。")
    doc.ents = [e for e in doc.ents if e.text != "28件"]
    assert [m["quantity_text"] for m in doc._.measurements] == ["32件", "28件", "157件"]
    assert [(m["quantity_text"], m["indicator"]) for m in measurement_records(doc)] == [
        ("32件", "行政复议申请"), ("157件", "法律援助案件")]
