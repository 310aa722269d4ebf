"""``lawrep_dates``: DATE entities — years, dates and periods (2025年, 2024年度, 2025年上半年,
2026年1月23日, 2026-02-26).

The patterns are data (data/date_patterns.txt), loaded by ``initialize`` and saved with the
pipeline. Entities already in ``doc.ents`` are kept (a year inside a LAW title is part of it).
"""

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...numerals import ASCII_DIGITS_AND_MARKS
from ...script import matching_text
from ..base import DataComponent, add_entities

PATTERNS_FILE = Path(__file__).parent / "data" / "date_patterns.txt"
LABEL = "DATE"


def read_patterns(path: Path) -> list[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def combine(patterns: list[str]) -> re.Pattern[str]:
    """One alternation in file order: a regex search tries the alternatives in order at each
    position, so the leftmost date wins and, at one position, the first pattern that matches."""
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def find_dates(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    found, position = [], 0
    while (match := pattern.search(text, position)) is not None:
        if match.end() > match.start():
            found.append((match.start(), match.end()))
            position = match.end()
        else:
            position = match.start() + 1
    return found


class DateRecognizer(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_dates"):
        self.name = name
        self.set_patterns(read_patterns(PATTERNS_FILE))

    def set_patterns(self, patterns: list[str]) -> None:
        self.patterns = list(patterns)
        self._combined = combine(self.patterns)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns_path: str | None = None,
    ) -> None:
        """Load the patterns (default: the file that ships with lawrep_nlp)."""
        self.set_patterns(read_patterns(Path(patterns_path) if patterns_path else PATTERNS_FILE))

    def __call__(self, doc: Doc) -> Doc:
        text = matching_text(doc)
        add_entities(doc, find_dates(text.translate(ASCII_DIGITS_AND_MARKS), self._combined), LABEL, text=text)
        return doc

    def get_data(self) -> Any:
        return self.patterns

    def set_data(self, data: Any) -> None:
        self.set_patterns(data)


@Language.factory("lawrep_dates", assigns=["doc.ents", "doc.spans"])
def make_date_recognizer(nlp: Language, name: str) -> DateRecognizer:
    return DateRecognizer(nlp, name)
