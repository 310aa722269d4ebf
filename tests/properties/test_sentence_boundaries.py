"""The pipeline's sentences agree with lawrep_nlp.sentences.sentence_spans (the boundaries the
corpus validator uses): each sentence starts at the first word token at or after a boundary.
Regression: a boundary after a token that itself started a sentence (？␣全年) was lost."""

from hypothesis import given
from hypothesis import strategies as st

from lawrep_nlp.sentences import sentence_spans

PIECES = [*"。；！？\n 　”）中文件受理12.", "全年", "办结", "一、", "(一)", "\r\n", "!", "?", "1.", "一是"]


def expected_starts(doc) -> set[int]:
    text, starts = doc.text, {0}
    for boundary, _ in sentence_spans(text)[1:]:
        if text[:boundary].strip():
            first_word = next((t.i for t in doc if t.idx >= boundary and not t.is_space), None)
            if first_word is not None:
                starts.add(first_word)
    return starts


@given(text=st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_sentence_starts_follow_the_boundaries(nlp, text):
    doc = nlp(text)
    assert {sent.start for sent in doc.sents} == expected_starts(doc)
