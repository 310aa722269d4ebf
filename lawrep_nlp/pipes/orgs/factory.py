"""``lawrep_orgs``: ORG entities — agencies named by place or level plus an agency head
(沈阳市司法局, 区委, 区委党校(行政学院)), and bodies that are unique nationally (党中央, 国务院).
Heads, suffixes and the place names it uses are data, saved with the pipeline."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..base import DataComponent, add_entities
from .recognizer import RULES_FILE, OrgRules, find_orgs


class OrgRecognizer(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_orgs"):
        self.name = name
        self.rules = OrgRules.from_file()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        rules_path: str | None = None,
    ) -> None:
        """Load the rules (default: the file that ships with lawrep_nlp) and the place names."""
        self.rules = OrgRules.from_file(Path(rules_path) if rules_path else RULES_FILE)

    def __call__(self, doc: Doc) -> Doc:
        add_entities(doc, find_orgs(doc.text, self.rules), "ORG")
        return doc

    def get_data(self) -> Any:
        return self.rules.to_data()

    def set_data(self, data: Any) -> None:
        self.rules = OrgRules.from_data(data)


@Language.factory("lawrep_orgs")
def make_org_recognizer(nlp: Language, name: str) -> OrgRecognizer:
    return OrgRecognizer(nlp, name)
