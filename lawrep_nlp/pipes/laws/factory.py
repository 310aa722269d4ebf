"""``lawrep_laws``: LAW entities (regulation titles, with ``span._.law_level``) and media titles
in 《》 as ORG. Rules and the level table are data (data/rules.json), loaded by ``initialize``
and saved with the pipeline. It runs before the date and quantity rules: a year or number inside
a title belongs to the title."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..base import DataComponent, add_entities
from .recognizer import RULES_FILE, LawRules, find_titles


class LawRecognizer(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_laws"):
        self.name = name
        self.rules = LawRules.from_file()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        rules_path: str | None = None,
    ) -> None:
        """Load the rules (default: the file that ships with lawrep_nlp)."""
        self.rules = LawRules.from_file(Path(rules_path) if rules_path else RULES_FILE)

    def __call__(self, doc: Doc) -> Doc:
        matches = find_titles(doc.text, self.rules)
        levels = {(m.start, m.end): m.level for m in matches}
        for label in ("LAW", "ORG"):
            for span in add_entities(doc, [(m.start, m.end) for m in matches if m.label == label], label):
                if label == "LAW":
                    span._.law_level = levels[(span.start_char, span.end_char)]
        return doc

    def get_data(self) -> Any:
        return self.rules.data

    def set_data(self, data: Any) -> None:
        self.rules = LawRules(data)


@Language.factory("lawrep_laws")
def make_law_recognizer(nlp: Language, name: str) -> LawRecognizer:
    return LawRecognizer(nlp, name)
