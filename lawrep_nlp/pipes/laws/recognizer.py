"""Finding regulation titles: innermost complete 《》/〈〉 titles, and known laws named without
marks; each with its level (法律, 行政法规, 地方性法规, 规章, 党内法规, 规范性文件, 工作文件)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).parent / "data" / "rules.json"
OPEN, CLOSE = "《〈<‹", "》〉>›"
PAIRS = dict(zip(OPEN, CLOSE, strict=True))


@dataclass(frozen=True)
class TitleMatch:
    start: int
    end: int
    label: str  # LAW, or ORG for a newspaper or platform in 《》
    level: str | None


def innermost_titles(text: str, max_chars: int) -> list[tuple[int, int]]:
    """(start, end) of the text inside every innermost complete pair of title marks; unbalanced
    marks are skipped, so a stray 《 never swallows the rest of the paragraph."""
    found, stack = [], []
    for i, ch in enumerate(text):
        if ch in OPEN:
            stack.append((ch, i))
        elif ch in CLOSE:
            while stack and PAIRS[stack[-1][0]] != ch:
                stack.pop()  # unbalanced inner mark
            if stack:
                _, start = stack.pop()
                inner = text[start + 1:i]
                if inner and len(inner) <= max_chars and not any(c in OPEN + CLOSE for c in inner):
                    found.append((start + 1, i))
        elif ch in "。\n":
            stack.clear()
    return sorted(found)


class LawRules:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.levels = [(re.compile(rule["pattern"]), rule["level"]) for rule in data["law_levels"]]
        self.not_law_followed_by = tuple(data.get("not_law_followed_by", ()))
        names = sorted(data["known_laws"], key=len, reverse=True)
        blocked = "|".join(map(re.escape, data["known_law_blocked_after"]))
        # a blocked word may still follow when it begins an allowed one (行政许可法规定, 民法典学习)
        allowed = "|".join(map(re.escape, data.get("known_law_allowed_after", ())))
        if allowed:
            blocked = f"(?!{allowed})(?:{blocked})"
        self.known_re = re.compile(f"(?:{'|'.join(map(re.escape, names))})(?!{blocked})")

    @classmethod
    def from_file(cls, path: Path = RULES_FILE) -> LawRules:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_data(self) -> dict[str, Any]:
        return self.data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> LawRules:
        return cls(data)

    def level(self, title: str) -> str | None:
        return next((level for pattern, level in self.levels if pattern.search(title)), None)

    def classify_title(self, title: str) -> str | None:
        """LAW, ORG (a medium), or None (a book, article, class…)."""
        d = self.data
        if title in d["media_titles"] or title.endswith(tuple(d.get("media_title_endings", ()))):
            return "ORG"  # a newspaper or journal: 《甘肃日报》 (an older rules file has no endings)
        if (title.endswith(tuple(d["not_law_title_endings"])) or title.startswith(tuple(d["not_law_title_starts"]))
                or any(mark in title for mark in d["not_law_title_contains"])):
            return None
        return "LAW"


def find_titles(text: str, rules: LawRules) -> list[TitleMatch]:
    matches = []
    taken: set[int] = set()
    for start, end in innermost_titles(text, rules.data["max_title_chars"]):
        label = rules.classify_title(text[start:end])
        if label == "LAW" and text.startswith(rules.not_law_followed_by, end + 1):
            label = None  # 《法治伴你行》栏目: a broadcast
        if label is not None:
            matches.append(TitleMatch(start, end, label, rules.level(text[start:end]) if label == "LAW" else None))
        taken.update(range(start - 1, end + 1))  # what is inside marks is decided there
    for match in rules.known_re.finditer(text):
        if match.start() in taken or (match.start() > 0 and text[match.start() - 1] in OPEN):
            continue
        matches.append(TitleMatch(match.start(), match.end(), "LAW", rules.level(match.group())))
    return sorted(matches, key=lambda m: m.start)
