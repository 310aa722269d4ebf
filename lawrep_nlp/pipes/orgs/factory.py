"""``lawrep_orgs``: ORG entities — agencies named by place or level plus an agency head
(沈阳市司法局, 区委, 区委党校(行政学院)), and bodies that are unique nationally (党中央, 国务院).
Heads, suffixes and the place names it uses are data, saved with the pipeline."""

from spacy.language import Language
from spacy.tokens import Doc

from ...script import matching_text
from ..base import RulesFileComponent, add_entities, token_starts
from .recognizer import RULES_FILE, OrgRules, find_orgs


class OrgRecognizer(RulesFileComponent):
    """Its rules include the place names of the division table (read with the rules file)."""

    rules_type, rules_file = OrgRules, RULES_FILE

    def __init__(self, nlp: Language, name: str = "lawrep_orgs"):
        super().__init__(nlp, name)

    def __call__(self, doc: Doc) -> Doc:
        text = matching_text(doc)
        add_entities(doc, find_orgs(text, self.rules, token_starts(doc)), "ORG", text=text)
        return doc


@Language.factory("lawrep_orgs", assigns=["doc.ents", "doc.spans"])
def make_org_recognizer(nlp: Language, name: str) -> OrgRecognizer:
    return OrgRecognizer(nlp, name)
