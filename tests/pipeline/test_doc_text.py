"""text_of: the text every component reads, from the tokenizer's input rather than joined from
the tokens once per component (about 5% of the pipeline's time on the benchmark text)."""

from spacy.tokens import Doc

from lawrep_nlp.script import text_of

TEXT = "区司法局收到行政复议申请32件、办结28件。"


def test_a_doc_the_tokenizer_made_gives_back_its_input(nlp):
    doc = nlp.make_doc(TEXT)
    assert text_of(doc) is TEXT
    assert text_of(doc) == doc.text


def test_a_doc_made_from_words_is_read_from_its_tokens(nlp):
    doc = Doc(nlp.vocab, words=["收到", "申请", "32件"], spaces=[False, True, False])
    assert text_of(doc) == "收到申请 32件" == doc.text


def test_merging_tokens_keeps_the_text(nlp):
    doc = nlp.make_doc(TEXT)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:3])
    assert text_of(doc) == doc.text == TEXT


def test_an_empty_doc_has_an_empty_text(nlp):
    assert text_of(nlp.make_doc("")) == ""


def test_the_pipeline_reads_the_same_with_and_without_the_tokenizers_text(nlp):
    made = nlp(TEXT)
    rebuilt = nlp(Doc(nlp.vocab, words=[t.text for t in nlp.make_doc(TEXT)],
                      spaces=[bool(t.whitespace_) for t in nlp.make_doc(TEXT)]))
    assert made._.measurements == rebuilt._.measurements
    assert [(e.start_char, e.end_char, e.label_) for e in made.ents] == \
        [(e.start_char, e.end_char, e.label_) for e in rebuilt.ents]
