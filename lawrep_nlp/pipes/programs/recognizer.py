"""Finding programme names: a lexicon with canonical ids and variants, and a rule decision for
quoted phrases the lexicon does not know (programme name vs rhetoric)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..base import SpanIndex

DATA = Path(__file__).parent / "data"
LEXICON_FILE, RULES_FILE = DATA / "programs.tsv", DATA / "rules.json"
QUOTE_RE = re.compile(r"[“‘\"]([^“”‘’\"\n]{1,60})[”’\"]")


@dataclass(frozen=True)
class ProgramMatch:
    start: int
    end: int
    program_id: str


def read_lexicon(path: Path) -> list[dict[str, Any]]:
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            program_id, name, variants = line.split("\t")
            entries.append({"id": program_id, "name": name, "variants": variants.split("|")})
    return entries


class ProgramRules:
    def __init__(self, lexicon: list[dict[str, Any]], rules: dict[str, Any]):
        self.lexicon, self.rules = lexicon, rules
        self.anywhere: dict[str, str] = {}
        self.quoted_only: dict[str, str] = {}
        for entry in lexicon:
            for variant in entry["variants"]:
                if variant.startswith("~"):
                    self.quoted_only[variant[1:]] = entry["id"]
                else:
                    self.anywhere[variant] = entry["id"]
        names = sorted(self.anywhere, key=len, reverse=True)
        self.anywhere_re = re.compile("|".join(map(re.escape, names))) if names else None
        self.code_re = re.compile(rules["code_pattern"])
        self.heads = sorted(rules["programme_heads"], key=len, reverse=True)
        self.not_heads = sorted(rules["not_programme_heads"], key=len, reverse=True)
        self.rhetoric = set(rules["rhetoric"])
        self.coined_re = re.compile(rules["coined_pattern"])

    @classmethod
    def from_files(cls, lexicon_path: Path = LEXICON_FILE, rules_path: Path = RULES_FILE) -> ProgramRules:
        return cls(read_lexicon(lexicon_path), json.loads(Path(rules_path).read_text(encoding="utf-8")))

    def to_data(self) -> dict[str, Any]:
        return {"lexicon": self.lexicon, "rules": self.rules}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ProgramRules:
        return cls(data["lexicon"], data["rules"])

    def quoted_is_programme(self, phrase: str, after: str) -> bool:
        """`after` is the text after the closing quote (after a run of adjacent quoted phrases)."""
        if phrase in self.rhetoric or len(phrase) > self.rules["max_quoted_chars"]:
            return False
        window = re.split(r"[，,。；;、：:！？\s“”]", after.removeprefix("的")[: self.rules["head_window"]])[0]
        if any(head in window for head in self.not_heads):
            return False
        if any(head in window for head in self.heads) or self.code_re.match(phrase):
            return True
        if any(phrase.endswith(head) and len(phrase) > len(head) for head in self.heads):
            return True  # the name carries its own head: “宪法宣传周”, “行政执法三项制度”
        return len(phrase) <= self.rules["coined_max_chars"] and bool(self.coined_re.search(phrase))


def find_programs(text: str, rules: ProgramRules) -> list[ProgramMatch]:
    found: dict[tuple[int, int], str] = {}
    quotes = list(QUOTE_RE.finditer(text))
    for index, match in enumerate(quotes):
        phrase, start, end = match.group(1), match.start(1), match.end(1)
        run_end = match.end()
        for following in quotes[index + 1:]:  # “一次性告知”“限时办结”“首问负责”等制度
            if following.start() != run_end:
                break
            run_end = following.end()
        after = text[run_end:run_end + 12].removeprefix("等")
        if phrase in rules.quoted_only or phrase in rules.anywhere:
            found[(start, end)] = rules.quoted_only.get(phrase) or rules.anywhere[phrase]
        elif rules.quoted_is_programme(phrase, after):
            found[(start, end)] = phrase
    if rules.anywhere_re is not None:
        quoted = SpanIndex(found)  # lexicon matches never overlap each other (finditer)
        for match in rules.anywhere_re.finditer(text):
            if not quoted.overlaps(match.start(), match.end()):
                found[match.start(), match.end()] = rules.anywhere[match.group()]
    return [ProgramMatch(s, e, i) for (s, e), i in sorted(found.items())]
