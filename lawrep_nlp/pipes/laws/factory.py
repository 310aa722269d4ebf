"""``lawrep_laws``: LAW entities (regulation titles, with ``span._.law_level``) and media titles
in 《》 as ORG. Rules and the level table are data (data/rules.json), loaded by ``initialize``
and saved with the pipeline. It runs before the date and quantity rules: a year or number inside
a title belongs to the title."""

from spacy.language import Language
from spacy.tokens import Doc

from ...script import matching_text
from ..base import RulesFileComponent, add_entities
from .recognizer import RULES_FILE, LawRules, find_titles


class LawRecognizer(RulesFileComponent):
    rules_type, rules_file = LawRules, RULES_FILE

    def __init__(self, nlp: Language, name: str = "lawrep_laws"):
        super().__init__(nlp, name)

    def __call__(self, doc: Doc) -> Doc:
        text = matching_text(doc)
        matches = find_titles(text, self.rules)
        levels = {(m.start, m.end): m.level for m in matches}
        for label in ("LAW", "ORG"):
            for span in add_entities(doc, [(m.start, m.end) for m in matches if m.label == label], label, text=text):
                if label == "LAW":
                    span._.law_level = levels[(span.start_char, span.end_char)]
        return doc


@Language.factory("lawrep_laws", assigns=["doc.ents", "doc.spans", "span._.law_level"])
def make_law_recognizer(nlp: Language, name: str) -> LawRecognizer:
    return LawRecognizer(nlp, name)
