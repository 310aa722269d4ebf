import spacy

RULES = ["lawrep_laws", "lawrep_programs", "lawrep_orgs", "lawrep_places", "lawrep_dates", "lawrep_quantities"]


def test_shipped_ner_is_disabled_and_trained():
    # regression: model-best, chosen by a dev score that the rule components dominate, was the
    # untrained step-0 NER, which finds nothing once the rules are off
    nlp = spacy.load("lawrep_zh")
    assert {"tok2vec", "ner"} <= set(nlp.disabled)
    nlp = spacy.load("lawrep_zh", disable=RULES)
    nlp.enable_pipe("tok2vec")
    nlp.enable_pipe("ner")
    doc = nlp("区司法局深入推进“放管服”改革，贯彻《中华人民共和国行政复议法》。")
    assert {ent.label_ for ent in doc.ents} & {"ORG", "PROGRAM", "LAW"}
