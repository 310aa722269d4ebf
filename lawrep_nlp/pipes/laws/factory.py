"""``lawrep_laws``: LAW entities (regulation titles, with ``span._.law_level``) and media titles
in 《》 as ORG. Rules and the level table are data (data/rules.json), loaded by ``initialize``
and saved with the pipeline. It runs before the date and quantity rules: a year or number inside
a title belongs to the title."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path, from_disk, to_disk

from ..spans import add_entities
from .recognizer import RULES_FILE, LawRules, find_titles


class LawRecognizer:
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

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        to_disk(path, {"rules.json": lambda p: srsly.write_json(p, self.rules.data)}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> "LawRecognizer":
        from_disk(ensure_path(path), {"rules.json": lambda p: setattr(self, "rules", LawRules(srsly.read_json(p)))},
                  exclude)
        return self


@Language.factory("lawrep_laws")
def make_law_recognizer(nlp: Language, name: str) -> LawRecognizer:
    return LawRecognizer(nlp, name)
