"""Finding agency names: [中共][place names][level] HEAD [suffixes] [(alias)]."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..base import SpanIndex

RULES_FILE = Path(__file__).parent / "data" / "rules.json"
MAX_PLACE_CHARS = 12
ALIAS_RE = re.compile(r"[(（]([^()（）,，。、]{2,10})[)）]")


class OrgRules:
    def __init__(self, data: dict[str, Any], place_names: set[str]):
        self.data = data
        self.place_names = place_names
        self.levels = sorted(data["levels"], key=len, reverse=True)
        self.suffixes = sorted(data["suffixes"], key=len, reverse=True)
        heads = sorted(set(data["heads"]) | set(data["standalone"]), key=len, reverse=True)
        self.head_re = re.compile("|".join(map(re.escape, heads)))
        self.standalone = set(data["standalone"])
        # the word lists the matching loops test with str.startswith/endswith, as tuples once;
        # rules saved before scope_before and generic existed keep their old behaviour
        self.scope_before = tuple(data.get("scope_before", ()))
        self.standalone_blocked_after = tuple(data["standalone_blocked_after"])
        self.generic = data.get("generic")
        if self.generic:
            endings = sorted(self.generic["endings"], key=len, reverse=True)
            self.generic_end_re = re.compile("|".join(map(re.escape, endings)))
            self.generic_stop = set(self.generic["body_stop_chars"])
            self.blocked_body_starts = tuple(self.generic["blocked_body_starts"])

    @classmethod
    def from_file(cls, path: Path = RULES_FILE, place_names: set[str] | None = None) -> OrgRules:
        if place_names is None:
            from ..places.divisions import name_index

            place_names = set(name_index())
        return cls(json.loads(Path(path).read_text(encoding="utf-8")), place_names)

    def to_data(self) -> dict[str, Any]:
        return {"rules": self.data, "place_names": sorted(self.place_names)}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> OrgRules:
        return cls(data["rules"], set(data["place_names"]))

    def _take_places(self, text: str, start: int) -> tuple[int, bool]:
        found = False
        while True:
            for size in range(min(MAX_PLACE_CHARS, start), 1, -1):
                if text[start - size:start] in self.place_names:
                    start -= size
                    found = True
                    break
            else:
                return start, found

    def extend_left(self, text: str, start: int) -> tuple[int, bool]:
        """New start after taking place names (四平市铁西区) or a level word and place names
        (沈阳市 + 司法局; 区 + 委); whether any prefix was found."""
        start, has_place = self._take_places(text, start)
        has_level = False
        if not has_place:
            for level in self.levels:
                if text.endswith(level, 0, start):
                    start -= len(level)
                    has_level = True
                    break
            start, has_place = self._take_places(text, start)
        if (has_level or has_place) and any(text.endswith(p, 0, start) for p in self.data["prefix_party"]):
            start -= 2
        return start, has_level or has_place

    def after_scope_word(self, text: str, start: int) -> bool:
        """全省政府系统, 各区司法局: the level word is a scope, not the start of a name."""
        return text.endswith(self.scope_before, 0, start)

    def extend_right(self, text: str, end: int) -> int:
        extended = True
        while extended:
            extended = False
            for suffix in self.suffixes:
                if text.startswith(suffix, end):
                    end += len(suffix)
                    extended = True
                    break
        alias = ALIAS_RE.match(text, end)
        if alias and alias.group(1).endswith(tuple(self.data["alias_endings"])):
            end = alias.end()
        return end


def find_orgs(text: str, rules: OrgRules) -> list[tuple[int, int]]:
    named = _find_named_heads(text, rules)
    if not rules.generic:
        return named
    named_index = SpanIndex(named)
    generic = [span for span in _find_generic(text, rules) if not named_index.overlaps(*span)]
    return sorted(named + generic)


def _find_generic(text: str, rules: OrgRules) -> list[tuple[int, int]]:
    """Departments the head list does not name (缙云县人力社保局, 省农业农村厅, 柳州市城市管理行政执法局):
    place or level prefix, a short body of name characters, a generic agency ending."""
    generic = rules.generic
    found: list[tuple[int, int]] = []
    for match in rules.generic_end_re.finditer(text):
        body_end = match.start()
        body_start = body_end
        while (body_start > 0 and body_end - body_start < generic["body_max_chars"]
               and "\u4e00" <= text[body_start - 1] <= "\u9fff" and text[body_start - 1] not in rules.generic_stop):
            body_start -= 1
        for start_of_body in range(body_start, body_end):  # longest body first
            if text.startswith(rules.blocked_body_starts, start_of_body):
                continue
            start, prefixed = rules.extend_left(text, start_of_body)
            if prefixed and start < start_of_body and not rules.after_scope_word(text, start):
                if not found or start >= found[-1][1]:
                    found.append((start, rules.extend_right(text, match.end())))
                break
    return found


def _find_named_heads(text: str, rules: OrgRules) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    position = 0
    while True:
        match = rules.head_re.search(text, position)
        if match is None:
            return found
        head = match.group()
        start, prefixed = rules.extend_left(text, match.start())
        blocked = text.startswith(rules.standalone_blocked_after, match.end())
        ok = (prefixed and not rules.after_scope_word(text, start)) or (head in rules.standalone and not blocked)
        # 自治区党委、政府: a bare 政府 coordinated with a named 党委 is that region's government
        ok = ok or text.endswith(tuple(rules.data["standalone_after"].get(head, ())), 0, match.start())
        if ok and (not found or start >= found[-1][1]):
            end = rules.extend_right(text, match.end())
            found.append((start, end))
            position = end
        else:
            position = match.start() + 1
