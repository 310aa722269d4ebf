"""``lawrep_indicators``: INDICATOR spans (``doc.spans["indicators"]``) and quantity →
indicator links (``doc._.links``, read by ``ent._.indicator``)."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...extensions import INDICATORS_KEY
from ...measurements import measurement_records
from ..base import DataComponent
from .linker import LEXICON_FILE, Lexicon, link_quantities


class IndicatorLinker(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_indicators"):
        self.name = name
        self.lexicon = Lexicon.from_file()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        lexicon_path: str | None = None,
    ) -> None:
        """Load the word lists (default: the file that ships with lawrep_nlp)."""
        self.lexicon = Lexicon.from_file(Path(lexicon_path) if lexicon_path else LEXICON_FILE)

    def __call__(self, doc: Doc) -> Doc:
        indicators, links = link_quantities(doc, self.lexicon)
        doc.spans[INDICATORS_KEY] = indicators
        doc._.links = links
        doc._.measurements = measurement_records(doc)
        return doc

    def get_data(self) -> Any:
        return self.lexicon.data

    def set_data(self, data: Any) -> None:
        self.lexicon = Lexicon(data)


@Language.factory("lawrep_indicators")
def make_indicator_linker(nlp: Language, name: str) -> IndicatorLinker:
    return IndicatorLinker(nlp, name)
