"""Finding agency names: [中共][place names][level] HEAD [suffixes] [(alias)]."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Container
from pathlib import Path
from typing import Any

from ..base import SpanIndex, han_run_start

RULES_FILE = Path(__file__).parent / "data" / "rules.json"
MAX_PLACE_CHARS = 12
ALIAS_RE = re.compile(r"[(（]([^()（）,，。、]{2,10})[)）]")
#: a congress's term before its name: 上海市第十四届人大常委会, 市六届人大常委会
TERM_RE = re.compile(r"第?[一二三四五六七八九十]{1,3}届$")


class OrgRules:
    def __init__(self, data: dict[str, Any], place_names: set[str]):
        self.data = data
        self.place_names = place_names
        self.levels = sorted(data["levels"], key=len, reverse=True)
        self.level_words = tuple(self.levels)
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
            self.blocked_generic_words = tuple(self.generic.get("blocked_words", ()))
        conjunction = data.get("conjunction_places") or {"first_chars": "", "after_chars": ""}
        self.conjunction_first = set(conjunction["first_chars"])
        self.conjunction_after = set(conjunction["after_chars"])
        self.term_heads = set(data.get("term_heads", ()))
        self.units = data.get("named_units")
        if self.units:
            endings = sorted(self.units["endings"], key=len, reverse=True)
            before = re.escape(self.units["before_chars"])
            name = "[\u4e00-\u9fff]{%d}" % self.units["name_chars"]  # noqa: UP031 (a regex's braces)
            self.unit_re = re.compile(f"(?:^|(?<=[{before}]))({name})({'|'.join(map(re.escape, endings))})")
            self.blocked_unit_names = set(self.units["blocked_names"])
        self.sections = data.get("sections")
        if self.sections:
            section = self.sections
            stop = re.escape(section["stop_chars"])
            self.section_blocked_endings = tuple(section.get("blocked_endings", ()))
            self.section_re = re.compile(
                f"(?:^|(?<=[{re.escape(section['before_chars'])}]))"
                f"((?:{'|'.join(map(re.escape, section['self_prefixes']))})?(?:(?![{stop}])[\u4e00-\u9fff]){{2,6}}?"
                f"(?:{'|'.join(map(re.escape, section['endings']))}))"
                f"(?=[{re.escape(section['after_chars'])}]|\\s|$|{'|'.join(map(re.escape, section['after_words']))})")
        self.subunits = data.get("subunits") if self.generic else None
        if self.subunits:
            low, high = self.subunits["body_chars"]
            stop = re.escape(self.generic["body_stop_chars"])
            endings = sorted(self.subunits["endings"], key=len, reverse=True)
            self.subunit_re = re.compile(f"((?:(?![{stop}])[\u4e00-\u9fff]){{{low},{high}}}?)"
                                         f"(?:{'|'.join(map(re.escape, endings))})")
        self.accounts = data.get("quoted_accounts")
        if self.accounts:
            after = "|".join(map(re.escape, self.accounts["after_words"]))
            self.account_re = re.compile(f"“([^“”\\s]{{1,{self.accounts['max_chars']}}})”(?={after})")
        self.listed = data.get("listed_bodies")
        if self.listed:
            self.listed_re = re.compile("|".join(map(re.escape, sorted(self.listed["words"], key=len, reverse=True))))
        self.counted = data.get("counted")
        if self.counted:
            counters, words = ("|".join(map(re.escape, self.counted[key])) for key in ("counters", "words"))
            self.counted_re = re.compile(f"(?:[{re.escape(self.counted['numerals'])}]+(?:{counters})|{words})$")
        self.groups = data.get("working_groups")
        if self.groups:
            endings = sorted(self.groups["endings"], key=len, reverse=True)
            self.group_end_re = re.compile("|".join(map(re.escape, endings)))
            self.group_stop = set(self.groups["stop_chars"])
            self.group_introducers = sorted(self.groups["introducers"], key=len, reverse=True)
            self.group_scope_starts = sorted(self.groups["scope_starts"], key=len, reverse=True)

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

    def _take_places(self, text: str, start: int, token_starts: Container[int] | None = None) -> tuple[int, bool]:
        """New start after the place names just before `start`; with `token_starts`, only names
        that begin where a token does (成县 inside 完成 is no prefix of 县委)."""
        found = False
        while True:
            for size in range(min(MAX_PLACE_CHARS, start), 1, -1):
                if text[start - size:start] in self.place_names and not self._conjunction(text, start - size) \
                        and (token_starts is None or start - size in token_starts):
                    start -= size
                    found = True
                    break
            else:
                return start, found

    def _conjunction(self, text: str, start: int) -> bool:
        """和县 in 市政府和县委: the place name starts with a conjunction that follows an agency name."""
        return start > 0 and text[start] in self.conjunction_first and text[start - 1] in self.conjunction_after

    def extend_left(self, text: str, start: int, token_starts: Container[int] | None = None) -> tuple[int, bool]:
        """New start after taking place names (四平市铁西区) or a level word and place names
        (沈阳市 + 司法局; 区 + 委); whether any prefix was found."""
        start, has_place = self._take_places(text, start, token_starts)
        has_level = False
        if not has_place:
            for level in self.levels:
                if text.endswith(level, 0, start):
                    start -= len(level)
                    has_level = True
                    break
            start, has_place = self._take_places(text, start, token_starts)
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


def find_orgs(text: str, rules: OrgRules, token_starts: Container[int] | None = None) -> list[tuple[int, int]]:
    """ORG character spans of `text`; with `token_starts` (the Doc's), place prefixes begin on tokens."""
    named = _find_named_heads(text, rules, token_starts)
    if rules.generic:
        named_index = SpanIndex(named)
        named += [span for span in _find_generic(text, rules, token_starts) if not named_index.overlaps(*span)]
    if rules.units:
        named_index = SpanIndex(named)
        named += [span for span in _find_named_units(text, rules) if not named_index.overlaps(*span)]
    if rules.subunits:
        named = _with_subunits(text, sorted(named), rules)
    if rules.sections:
        named_index = SpanIndex(named)
        named += [span for span in _find_sections(text, rules) if not named_index.overlaps(*span)]
    if rules.groups:  # a named group holds the bodies it names (县委依法治县办执法协调小组)
        groups = _find_working_groups(text, rules)
        group_index = SpanIndex(groups)
        named = [span for span in named if not group_index.overlaps(*span)] + groups
    if rules.accounts:  # “法治陇西”微信公众号: the account, not the place in it
        accounts = [match.span(1) for match in rules.account_re.finditer(text)]
        account_index = SpanIndex(accounts)
        named = [span for span in named if not account_index.overlaps(*span)] + accounts
    if rules.listed:
        named += _find_listed_bodies(text, named, rules, token_starts)
    if rules.counted:  # 14个街道依法治街委员会: a kind of body, not a name
        named = [(start, end) for start, end in named if not rules.counted_re.search(text, max(0, start - 8), start)]
    return sorted(named)


def _find_listed_bodies(text: str, spans: list[tuple[int, int]], rules: OrgRules,
                        token_starts: Container[int] | None = None) -> list[tuple[int, int]]:
    """Bare 法院, 检察院 in a list with another body (联合法院、检察院; 参加法院、区信访局): the
    region's own. `spans` are the ORGs found so far; none of them overlaps a result. With
    `token_starts`, the word must begin a token (not the 法院 of 最高人民法院 if that were unfound)."""
    separators = rules.listed["separators"]
    candidates = [match.span() for match in rules.listed_re.finditer(text)]
    index = SpanIndex(spans)
    bare = [(start, end) for start, end in candidates
            if not index.overlaps(start, end) and (token_starts is None or start in token_starts)]
    bounds = {start for start, _ in spans} | {start for start, _ in bare}
    ends = {end for _, end in spans} | {end for _, end in bare}
    return [(start, end) for start, end in bare
            if (end < len(text) and text[end] in separators and end + 1 in bounds)
            or (start > 0 and text[start - 1] in separators and start - 1 in ends)]


def _find_named_units(text: str, rules: OrgRules) -> list[tuple[int, int]]:
    """Offices named by a proper name that is no place (石岐公证处, 岳坊司法所, 尚信公证处): a
    two-character name right after punctuation, before a unit ending; 部分司法所, 基层司法所 are not."""
    return [(m.start(1), m.end(2)) for m in rules.unit_re.finditer(text) if m.group(1) not in rules.blocked_unit_names]


def _with_subunits(text: str, spans: list[tuple[int, int]], rules: OrgRules) -> list[tuple[int, int]]:
    """`spans` (sorted) with each ORG that a unit follows extended over it (司法部 + 戒毒管理局); a
    found span inside the unit is taken into the one ORG."""
    out: list[tuple[int, int]] = []
    starts = [start for start, _ in spans]  # sorted: a bisect per span keeps a long report linear
    skip_until = -1
    for start, end in spans:
        if start < skip_until:
            continue
        match = rules.subunit_re.match(text, end)
        if match:
            body = match.group(1)
            # another body named inside is no unit of this one (戒毒所 + 获【司法部】戒毒管理局)
            following = bisect_right(starts, end)
            names_another = following < len(starts) and starts[following] < match.end()
            if not (names_another or any(verb in body for verb in rules.blocked_body_starts)
                    or text.endswith(rules.blocked_generic_words, 0, match.end())
                    or body.startswith(rules.level_words) or _prefixes(body, rules.place_names)):
                end = rules.extend_right(text, match.end())
                skip_until = end
        out.append((start, end))
    return out


def _prefixes(text: str, names: set[str]) -> list[str]:
    """The place names that `text` begins with."""
    return [text[:size] for size in range(2, min(MAX_PLACE_CHARS, len(text)) + 1) if text[:size] in names]


def _find_sections(text: str, rules: OrgRules) -> list[tuple[int, int]]:
    """Internal sections named by their function, in lists or before the verb of taking charge
    (安法科、教育科; 法宣科牵头统筹; 厅法规处): a verb first makes it no name (组织社教科)."""
    blocked = rules.blocked_body_starts if rules.generic else ()
    found = []
    for match in rules.section_re.finditer(text):
        name = match.group(1)
        body = name[1:] if name[0] in rules.sections["self_prefixes"] else name
        if not body.startswith(blocked) and not name.endswith(rules.section_blocked_endings):
            found.append(match.span(1))
    return found


def _find_working_groups(text: str, rules: OrgRules) -> list[tuple[int, int]]:
    """Named working groups, whose names are topics rather than places (法治政府建设工作领导小组,
    县推进依法行政工作领导小组, 根治欠薪领导小组): the Han text before a group ending, from the
    punctuation, 的 or verb that introduces it (成立, 调整, 提请 …), when the topic has at least
    ``min_topic_chars`` characters besides 工作 (法治领导小组 and 工作领导小组 stay generic)."""
    groups = rules.groups
    found: list[tuple[int, int]] = []
    for match in rules.group_end_re.finditer(text):
        start, depth = match.start(), 0
        while start > 0 and match.start() - start < groups["body_max_chars"]:
            ch = text[start - 1]
            if ch in ")）":
                depth += 1
            elif ch in "(（" and depth:
                depth -= 1
            elif not ("\u4e00" <= ch <= "\u9fff") or ch in rules.group_stop:
                break
            start -= 1
        if depth:  # an unmatched bracket: not a name
            continue
        body = text[start:match.start()]
        cut = max((body.rfind(word) + len(word) for word in rules.group_introducers if word in body), default=0)
        start += cut
        scope = next((w for w in rules.group_scope_starts if text.startswith(w, start, match.start())), "")
        start += len(scope)
        topic = text[start:match.start()].removesuffix("工作")
        if len(topic) >= groups["min_topic_chars"] and (not found or start >= found[-1][1]):
            found.append((start, rules.extend_right(text, match.end())))
    return found


def _find_generic(text: str, rules: OrgRules, token_starts: Container[int] | None = None) -> list[tuple[int, int]]:
    """Departments the head list does not name (缙云县人力社保局, 省农业农村厅, 柳州市城市管理行政执法局):
    place or level prefix, a short body of name characters, a generic agency ending."""
    generic = rules.generic
    found: list[tuple[int, int]] = []
    for match in rules.generic_end_re.finditer(text):
        if text.endswith(rules.blocked_generic_words, 0, match.end()):  # 社会大局, 新格局
            continue
        body_end = match.start()
        body_start = han_run_start(text, body_end, generic["body_max_chars"], rules.generic_stop)
        for start_of_body in range(body_start, body_end):  # longest body first
            # no body holds a verb of the sentence (指导平度市组建行政审批局: the 局 is no name)
            if any(verb in text[start_of_body:body_end] for verb in rules.blocked_body_starts):
                continue
            start, prefixed = rules.extend_left(text, start_of_body, token_starts)
            if prefixed and start < start_of_body and not rules.after_scope_word(text, start):
                if not found or start >= found[-1][1]:
                    found.append((start, rules.extend_right(text, match.end())))
                break
    return found


def _find_named_heads(text: str, rules: OrgRules, token_starts: Container[int] | None = None
                      ) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    position = 0
    while True:
        match = rules.head_re.search(text, position)
        if match is None:
            return found
        head = match.group()
        head_start = match.start()
        if head in rules.term_heads:
            term = TERM_RE.search(text, max(0, head_start - 5), head_start)
            head_start = term.start() if term else head_start
        start, prefixed = rules.extend_left(text, head_start, token_starts)
        if start == head_start:  # a term without a place or level is no name
            start = match.start()
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
