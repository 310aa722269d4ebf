"""``lawrep_sentences``: sentence boundaries fit for report text.

。！？； and line breaks end sentences; a heading line (一、… / (一)… / 1.…) is its own sentence;
一是…二是… inside a paragraph does not break. The boundaries are those of
lawrep_nlp.sentences, which the corpus validator also uses for its same-sentence link rule.
"""

from collections.abc import Callable, Iterable
from typing import Any

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example

from ...script import matching_text
from ...sentences import sentence_spans


def _has_sentences(doc: Doc) -> bool:
    return doc.has_annotation("SENT_START")


class ReportSentencizer:
    """Set ``token.is_sent_start`` for every token from character-level sentence boundaries."""

    def __init__(self, name: str = "lawrep_sentences", scorer: Callable[..., dict[str, Any]] | None = None):
        self.name = name
        self.scorer = scorer

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        """Sentence P/R/F, plus the configured report scorer (the corpus's entity and value
        metrics, which no single component owns) so that nlp.evaluate and spacy train show them."""
        examples = list(examples)
        # references without sentence boundaries are not scored (as spaCy's sentencizer does)
        scores = Scorer.score_spans(examples, "sents", has_annotation=_has_sentences, **kwargs)
        if self.scorer is not None:
            scores.update(self.scorer(examples, **kwargs))
        return scores

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        starts = numpy.array(sorted({start for start, _ in sentence_spans(matching_text(doc))}), dtype="int64")
        columns = doc.to_array([IDX, LENGTH, SPACY, IS_SPACE]).astype("int64")
        idx, ends = columns[:, 0], columns[:, 0] + columns[:, 1] + columns[:, 2]
        # per token (whole-array, not token by token: Token objects cost most of the time): a
        # boundary at its first character; one inside it or on its trailing space
        at_start = numpy.isin(idx, starts).tolist()
        inside = (numpy.searchsorted(starts, ends, "left") > numpy.searchsorted(starts, idx, "right")).tolist()
        spaces = columns[:, 3].astype(bool).tolist()
        flags = []
        pending = False  # a boundary fell inside the previous token, or on white space: start at the next one
        leading_space = spaces[0]  # white space opening the text belongs to the first sentence
        for i, is_space in enumerate(spaces):
            if i == 0:
                is_start = True
            elif leading_space:  # still the opening white space, or the first word after it
                is_start, leading_space = False, is_space
            else:
                is_start = at_start[i] or pending
            if is_start and i > 0 and is_space:
                is_start, pending = False, True  # the line break after 。 stays with its sentence
            else:
                # a boundary inside the token or on its trailing space (；␣全年) starts the next one
                pending = inside[i]
            flags.append(1 if is_start else -1)
        # One array write: setting token.is_sent_start one by one re-checks the whole doc each time.
        doc.from_array([SENT_START], numpy.array(flags, dtype="int64").astype("uint64"))
        return doc


@Language.factory(
    "lawrep_sentences",
    assigns=["token.is_sent_start"],
    default_config={"scorer": {"@scorers": "lawrep.report_scorer.v1"}},
    default_score_weights={"sents_f": 0.0, "lawrep_ents_f": 0.5},
)
def make_report_sentencizer(nlp: Language, name: str, scorer: Callable | None) -> ReportSentencizer:
    return ReportSentencizer(name, scorer)
