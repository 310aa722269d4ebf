"""``lawrep_programs``: PROGRAM entities with canonical ids on ``ent_id_`` (“三项制度” and 行政执法三项制度
→ three_systems), from a lexicon, plus quoted coined names decided by rule. Lexicon and rules are
data (data/programs.tsv, data/rules.json), saved with the pipeline."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path, from_disk, to_disk

from .recognizer import LEXICON_FILE, RULES_FILE, ProgramRules, find_programs


class ProgramRecognizer:
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
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        added = []
        for match in find_programs(doc.text, self.rules):
            span = doc.char_span(match.start, match.end, label="PROGRAM", alignment_mode="strict",
                                 kb_id=match.program_id)
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                span.id_ = match.program_id
                taken.update(range(span.start, span.end))
                added.append(span)
        if added:
            doc.ents = sorted([*doc.ents, *added], key=lambda s: s.start)
            for span in added:
                for token in span:
                    token.ent_id_ = span.id_
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        to_disk(path, {"rules.json": lambda p: srsly.write_json(p, self.rules.to_data())}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> "ProgramRecognizer":
        from_disk(ensure_path(path),
                  {"rules.json": lambda p: setattr(self, "rules", ProgramRules.from_data(srsly.read_json(p)))}, exclude)
        return self


@Language.factory("lawrep_programs")
def make_program_recognizer(nlp: Language, name: str) -> ProgramRecognizer:
    return ProgramRecognizer(nlp, name)
