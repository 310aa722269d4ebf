"""Finding agency names: [中共][place names][level] HEAD [suffixes] [(alias)]."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).parent / "data" / "rules.json"
MAX_PLACE_CHARS = 12


class OrgRules:
    def __init__(self, data: dict[str, Any], place_names: set[str]):
        self.data = data
        self.place_names = place_names
        self.levels = sorted(data["levels"], key=len, reverse=True)
        self.suffixes = sorted(data["suffixes"], key=len, reverse=True)
        heads = sorted(set(data["heads"]) | set(data["standalone"]), key=len, reverse=True)
        self.head_re = re.compile("|".join(map(re.escape, heads)))
        self.standalone = set(data["standalone"])

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

    def extend_right(self, text: str, end: int) -> int:
        extended = True
        while extended:
            extended = False
            for suffix in self.suffixes:
                if text.startswith(suffix, end):
                    end += len(suffix)
                    extended = True
                    break
        alias = re.match(r"[(（]([^()（）,，。、]{2,10})[)）]", text[end:])
        if alias and alias.group(1).endswith(tuple(self.data["alias_endings"])):
            end += alias.end()
        return end


def find_orgs(text: str, rules: OrgRules) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    position = 0
    while True:
        match = rules.head_re.search(text, position)
        if match is None:
            return found
        head = match.group()
        start, prefixed = rules.extend_left(text, match.start())
        ok = prefixed or (head in rules.standalone and not text.startswith(
            tuple(rules.data["standalone_blocked_after"]), match.end()))
        # 自治区党委、政府: a bare 政府 coordinated with a named 党委 is that region's government
        ok = ok or text.endswith(tuple(rules.data["standalone_after"].get(head, ())), 0, match.start())
        if ok and (not found or start >= found[-1][1]):
            end = rules.extend_right(text, match.end())
            found.append((start, end))
            position = end
        else:
            position = match.start() + 1
