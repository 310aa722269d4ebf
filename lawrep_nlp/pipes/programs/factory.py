"""``lawrep_programs``: PROGRAM entities with canonical ids on ``ent_id_`` (“三项制度” and 行政执法三项制度
→ three_systems), from a lexicon, plus quoted coined names decided by rule. Lexicon and rules are
data (data/programs.tsv, data/rules.json), saved with the pipeline."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...script import matching_text
from ..base import DataComponent, add_entities
from .recognizer import LEXICON_FILE, RULES_FILE, ProgramRules, find_programs


class ProgramRecognizer(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_programs"):
        self.name = name
        self.rules = ProgramRules.from_files()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        lexicon_path: str | None = None,
        rules_path: str | None = None,
    ) -> None:
        """Load the lexicon and rules (default: the files that ship with lawrep_nlp)."""
        self.rules = ProgramRules.from_files(Path(lexicon_path) if lexicon_path else LEXICON_FILE,
                                             Path(rules_path) if rules_path else RULES_FILE)

    def __call__(self, doc: Doc) -> Doc:
        found = find_programs(matching_text(doc), self.rules)
        add_entities(doc, [(m.start, m.end) for m in found], "PROGRAM", [m.program_id for m in found])
        return doc

    def get_data(self) -> Any:
        return self.rules.to_data()

    def set_data(self, data: Any) -> None:
        self.rules = ProgramRules.from_data(data)


@Language.factory("lawrep_programs", assigns=["doc.ents", "doc.spans"])
def make_program_recognizer(nlp: Language, name: str) -> ProgramRecognizer:
    return ProgramRecognizer(nlp, name)
