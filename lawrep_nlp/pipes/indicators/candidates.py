"""The rule walk: for each QUANTITY, the INDICATOR noun phrase the rules choose in its sentence,
and the other boundaries a scorer may choose for that phrase's free edge.

Patterns of the annotation standard, tried in order:
1. number–object (组织30余名【党政机关主要负责人】; 721项【政务服务事项】中): the noun phrase right
   after the quantity (for a rate too: a rate is mostly followed by punctuation, 增长15%。);
2. object–number (办理【法律援助案件】157件; 【调解成功率】达到98%): the noun phrase right before
   it, after skipping connectors (达到, 为, 共…);
3. elided object (受理【行政复议申请】32件、办结28件): the indicator of the previous quantity in
   the same sentence; also where the phrase before is only a level word (其中自治区级10人次) or a
   comparison (较上年增长62.5%).
Before them, a list before 分别 is distributed over as many numbers after it, in order
(【行政职权】和【行政许可】分别压缩了72%、60%); with no list of its own, over the numbers before it
(公证3.91万件,公证涉及标的额14.89亿元,比上年分别增长10.6%和142.5%).
The word lists are data (data/lexicon.json). Candidates are generated here only, for linking
and for the learned scorer's training instances alike; scorer.py and link_filter.py import this
module, never the reverse (``link_quantities`` takes the boundary scorer and the link judge as
arguments).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, cast

from spacy.tokens import Doc, Span, Token

from ...keys import SUCCESS

LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.json"
WORD_RE = re.compile(r"[\u4e00-\u9fff“”‘’《》〈〉()（）A-Za-z0-9]")
#: The longest level word (自治区级, 自治州级): a longer phrase ending in 级 names a thing (县级以上政府).
LEVEL_WORD_MAX_CHARS = 4
#: The longest comparison read from its prefix and period (较2022年同期).
COMPARISON_MAX_CHARS = 8
#: How far (in characters) the candidate edges reach beyond the fixed edge, unless the rule's reaches further.
WINDOW_CHARS = 40


@dataclass
class Lexicon:
    data: dict[str, Any]

    @classmethod
    def from_file(cls, path: Path = LEXICON_FILE) -> Lexicon:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def __post_init__(self) -> None:
        self.connectors = sorted(self.data["connectors"], key=len, reverse=True)
        self.left_stops = set(self.data["left_stops"])
        self.after_stops = set(self.data["after_stops"])
        self.rate_units = set(self.data["rate_units"])
        self.max_chars = int(self.data["max_indicator_chars"])
        self.bound_suffixes = set(self.data["bound_suffixes"])
        self.event_units = set(self.data["event_units"])
        self.scope_words = set(self.data["scope_words"])
        self.leading_verbs = set(self.data["leading_verbs"])
        self.no_link_when_followed_by = set(self.data["no_link_when_followed_by"])
        # word lists added in session 23 (the out-of-fold audit); a lexicon saved before has none
        self.closing_words = list(self.data.get("closing_words", ()))
        self.from_words = set(self.data.get("from_words", ()))
        self.batch_units = set(self.data.get("batch_units", ()))
        # session 24 (a lexicon saved before has none of these):
        # distributing a list of phrases over as many numbers (行政职权和行政许可分别压缩了72%、60%)
        self.respectively = tuple(self.data.get("respectively", ()))
        self.list_joiners = set(self.data.get("list_joiners", ()))
        # stop words allowed between 分别 and its numbers (分别压缩了72%); before session 26 a literal in the code
        self.respectively_particles = set(self.data.get("respectively_particles", ("了",)))
        # session 27: an aspect or negation adverb and one word at a clause's start is a predicate
        # whose object an earlier clause named (已判决27件, 未实施5项); a lexicon saved before has none
        self.aspect_adverbs = set(self.data.get("aspect_adverbs", ()))
        # a breakdown by level word only (其中自治区级10人次) names no indicator: the object is elided
        self.level_suffixes = tuple(self.data.get("level_suffixes", ()))
        # stop words after a number that a following noun makes part of a compound (权力清单事项)
        self.inner_nouns = set(self.data.get("inner_nouns", ()))
        # a comparison alone before a change (比上年分别增长10.6%, 较上年增长62.5%) names no indicator
        self.comparison_words = set(self.data.get("comparison_words", ()))
        self.comparison_prefixes = tuple(self.data.get("comparison_prefixes", ()))
        self.comparison_periods = tuple(self.data.get("comparison_periods", ()))
        # what ends such a list on its left: the stop words but those a name may hold (网上办)
        self.list_stops = {w for w in self.left_stops if len(w) >= 2} | set(self.data.get("list_stop_chars", ()))
        # two-character stop words that are verbs, i.e. not scope, time or self-reference words
        self.verbs = {w for w in self.data["left_stops"] if len(w) == 2 and w not in self.scope_words} - set(
            self.data["not_actions"])
        self.relative_clause_max_chars = int(self.data["relative_clause_max_chars"])

    def unit_kind(self, unit: str | None) -> str:
        """What a quantity's unit counts, for the learned scorers: events (次, 场), a rate, or things."""
        unit = unit or ""
        return "event" if unit in self.event_units else "rate" if unit in self.rate_units else "count"


INSIDE_MARKS = set("“”‘’()（）")
OPENING, CLOSING = set("“‘(（"), set("”’)）")
QUOTE_OPENING, QUOTE_CLOSING = set("“‘"), set("”’")

def in_content_order(docs_and_links: Iterable[tuple[Doc, Iterable[tuple[int, int, int, int]]]]
                     ) -> list[tuple[Doc, list[tuple[int, int, int, int]]]]:
    """Training documents sorted by their text and gold links, so that a model learned from them
    (its shuffles are seeded) is the same whatever order they came in: JSONL records in
    scripts/train_linker.py, DocBin examples in ``initialize``."""
    items = [(doc, sorted(cast("tuple[int, int, int, int]", tuple(link)) for link in links))
             for doc, links in docs_and_links]
    return sorted(items, key=lambda item: (item[0].text, item[1]))


def is_word(token: Token) -> bool:
    """A token that may stand inside an indicator: words, and quotes or brackets (“首违不罚”决定,
    乡镇(街道)综治服务中心); never a quantity or other punctuation."""
    if token.is_space or token.ent_type_ == "QUANTITY":
        return False
    return token.text in INSIDE_MARKS or (not token.is_punct and bool(WORD_RE.match(token.text)))


def is_balanced(texts: Iterable[str]) -> bool:
    """Whether the token texts open and close quotes and brackets in pairs."""
    depth = 0
    for text in texts:
        depth += text in OPENING
        depth -= text in CLOSING
        if depth < 0:
            return False
    return depth == 0


def noun_phrase_after(doc: Doc, quantity: Span, lexicon: Lexicon) -> tuple[int, int] | None:
    """Token range of the noun phrase right after a quantity (number–object). A leading 的
    (2100平方米的中心) or scope word (85项年度营商环境改革事项) is skipped; after a count of
    events, so is a verb (先后12次召开【局党组会】)."""
    i, end_of_sentence = quantity.end, quantity.sent.end
    # spaces of their own (two spaces, U+3000, a tab: a single space is the number's whitespace)
    while i < end_of_sentence and (doc[i].is_space or doc[i].text == "的" or doc[i].text in lexicon.scope_words):
        i += 1
    if i < end_of_sentence and doc[i].text in lexicon.left_stops and (quantity._.unit or "") in lexicon.event_units:
        i += 1
    start, chars, quoted = i, 0, 0
    if i < end_of_sentence and doc[i].text in OPENING - QUOTE_OPENING:
        return None  # a bracketed aside, not the object: 执业律师1642人(不含公职律师)
    while i < end_of_sentence:
        token = doc[i]
        if quoted and not token.is_space and token.ent_type_ != "QUANTITY":
            # inside quotes a name runs on over stop words, numerals and commas (“一基准四清单”)
            quoted += (token.text in QUOTE_OPENING) - (token.text in QUOTE_CLOSING)
        elif token.text == "、" and i + 1 < end_of_sentence and is_word(doc[i + 1]) and i > start:
            i += 1  # a list counted together: (专题)推进会、培训会
            continue
        elif not is_word(token) or token.like_num or (
                token.text in lexicon.after_stops and not _inside_compound(doc, i, start, end_of_sentence, lexicon)):
            break
        else:
            quoted += token.text in QUOTE_OPENING
        chars += len(token.text)
        if chars > lexicon.max_chars:
            return None
        i += 1
    if i < end_of_sentence and starts_quantity(doc[i]):
        # the phrase runs into the next number: a list item after 、 is that number's (50项【措施】、
        # 服务保障稳住经济大盘25项措施)
        cut = [k for k in range(start + 1, i) if doc[k].text == "、" and is_balanced(t.text for t in doc[start:k])]
        if cut:
            i = cut[-1]
    while i > start and (not is_balanced(t.text for t in doc[start:i]) or doc[i - 1].text == "、"):
        i -= 1  # unbalanced, or a list separator left at the end (局党组会、专题会…)
    return (start, i) if i > start and doc[i - 1].text not in OPENING else None


def _inside_compound(doc: Doc, i: int, start: int, end: int, lexicon: Lexicon) -> bool:
    """Token i is a list noun (清单) inside a compound, between words of the phrase: it runs on
    (80项【公安政务权力清单事项】); at the phrase's end it stays out (500项【行政检查事项】清单)."""
    return (doc[i].text in lexicon.inner_nouns and start < i and i + 1 < end and is_word(doc[i + 1])
            and not doc[i + 1].like_num and doc[i + 1].text not in lexicon.after_stops)


def starts_quantity(token: Token) -> bool:
    return token.ent_type_ == "QUANTITY" and token.ent_iob_ == "B"


def quantity_at(doc: Doc, i: int) -> Span | None:
    """The QUANTITY entity that starts at token i, if any: read from the tokens' IOB tags, not by
    a search of ``doc.ents`` (which builds every entity of the document: quadratic in its length)."""
    if i >= len(doc) or not starts_quantity(doc[i]):
        return None
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, i, end, label="QUANTITY")  # its span._ attributes live at its offsets


def noun_phrase_before(doc: Doc, quantity: Span, lexicon: Lexicon) -> tuple[int, int] | None:
    """Token range of the noun phrase right before a quantity (object–number), connectors
    (达到, 为, 共…) skipped. Verbs end it, except inside a rate noun (及时受理率)."""
    sent_start = quantity.sent.start
    end = quantity.start
    while end > sent_start and doc[end - 1].is_space:  # 行政复议案件　97件, 案件  97件
        end -= 1
    connectors, stripped, tentative = [*lexicon.connectors, *lexicon.closing_words], 0, None
    while end > sent_start:  # connectors may stack: 述法人数共132人, 减少为434项, 等共计43次
        text_before = doc[sent_start:end].text
        connector = next((c for c in connectors if text_before.endswith(c)), None)
        if connector is None:
            break
        keep, before = len(text_before) - len(connector), end
        while end > sent_start and (doc[end - 1].idx - doc[sent_start].idx >= keep or doc[end - 1].is_space):
            end -= 1
        if end == before:
            break  # the connector ends inside a token
        # a second connector that is also a stop word (为) is skipped only if another connector
        # stands before it (减少为434项); else it ends the phrase as before (调整为各5项: elided)
        tentative = before if stripped and connector in lexicon.left_stops and connector not in lexicon.closing_words \
            else None
        stripped += 1
    if tentative is not None:
        end = tentative
    i, chars, quoted = end, 0, 0
    while i > sent_start:
        token = doc[i - 1]
        if quoted and not token.is_space and token.ent_type_ != "QUANTITY":
            # inside quotes a name runs on over stop words, numerals and commas (“一基准四清单”案件)
            quoted += (token.text in QUOTE_CLOSING) - (token.text in QUOTE_OPENING)
        elif token.text == "、" and i - 1 > sent_start and is_word(doc[i - 2]) and i < end \
                and doc[i - 2].text not in lexicon.left_stops:
            i -= 1  # 回复率、办理率均为100%
            continue
        elif not is_word(token) or token.like_num:
            break
        else:
            collected = doc[i:end].text
            if token.text in lexicon.left_stops and collected not in lexicon.bound_suffixes \
                    and not (i < end and doc[i].text in lexicon.bound_suffixes):  # 报备|率、及时率
                break
            quoted += token.text in QUOTE_CLOSING
        chars += len(token.text)
        if chars > lexicon.max_chars:
            break
        i -= 1
    while i < end and doc[i].text == "、":
        i += 1
    if i > sent_start + 1 and doc[i - 1].text == "为" and any(t.text == "的" for t in doc[i:end]):
        # 以…为…的 is one relative clause: 【以市政府为被告的诉讼、复议案件】, not 被告的…
        j, chars = i - 1, 0
        while j > sent_start and is_word(doc[j - 1]) and chars < lexicon.relative_clause_max_chars \
                and doc[j - 1].text != "以":
            chars += len(doc[j - 1].text)
            j -= 1
        if j > sent_start and doc[j - 1].text == "以":
            i = j - 1
    if i < end and doc[i].text == "的":  # a relative clause stays inside: 当年及往年指派的结案归档案件
        j, chars = i, 0
        while j > sent_start and is_word(doc[j - 1]) and chars < lexicon.relative_clause_max_chars:
            chars += len(doc[j - 1].text)
            j -= 1
        i = j
    while i < end and not is_balanced(t.text for t in doc[i:end]):
        i += 1
    while i < end and doc[i].text in lexicon.scope_words:
        i += 1
    # only a verb (成功调解294件): the object is elided; but an activity counted in events is its
    # verb (参加各类【培训】6批次), unless that verb is a stop word
    if all(t.text in lexicon.leading_verbs or t.text in lexicon.left_stops for t in doc[i:end]) and not (
            (quantity._.unit or "") in lexicon.event_units and i < end
            and all(t.text not in lexicon.left_stops for t in doc[i:end])):
        return None
    if is_level_word(doc[i:end].text, lexicon) or is_comparison(doc[i:end].text, lexicon):
        return None  # a breakdown by level (其中自治区级10人次): the earlier clause's object is elided
    if is_adverb_predicate(doc, i, end, sent_start, lexicon):
        return None  # …行政诉讼案件31件,已判决27件: the earlier clause's object is elided
    if (quantity._.unit or "") not in lexicon.event_units:
        i = _past_leading_verbs(doc, i, end, lexicon)
    return (i, end) if end > i else None


def is_adverb_predicate(doc: Doc, start: int, end: int, sent_start: int, lexicon: Lexicon) -> bool:
    """Tokens start…end are one word after an aspect or negation adverb that opens its clause
    (,已判决27件; ,未实施5项; the adverb before `start` when the walk stopped at it): a predicate,
    whatever its verb, which no word list needs to know."""
    if start > sent_start and doc[start - 1].text in lexicon.aspect_adverbs:
        adverb = start - 1  # the walk stops at a stop word (已)
    elif doc[start].text in lexicon.aspect_adverbs:
        adverb = start
    else:
        return False
    opens_clause = adverb == sent_start or not is_word(doc[adverb - 1])
    return end - adverb == 2 and opens_clause


def is_level_word(text: str, lexicon: Lexicon) -> bool:
    """A level or scope word alone (省级, 市本级, 自治区级): no indicator, whatever the place."""
    return 1 < len(text) <= LEVEL_WORD_MAX_CHARS and text.endswith(lexicon.level_suffixes)


def is_comparison(text: str, lexicon: Lexicon) -> bool:
    """A comparison alone (同比, 比上年, 较去年同期, 较2022年): what a change is measured against."""
    return text in lexicon.comparison_words or (
        len(text) <= COMPARISON_MAX_CHARS and text.startswith(lexicon.comparison_prefixes)
        and text.endswith(lexicon.comparison_periods))


def _past_leading_verbs(doc: Doc, i: int, end: int, lexicon: Lexicon) -> int:
    """Counted objects are named without the verb: 化解【纠纷】85件. A list of verbs goes with its
    、 (起草、审查【政府规章草案】2部; regression: 、审查政府规章草案); a verb listed beside a noun is an
    item of the phrase and stays (【审核、修改意见】12条, 【调解、仲裁劳动争议案件】)."""
    start = i
    while i < end - 1:
        if i < end - 2 and doc[i].text + doc[i + 1].text in lexicon.leading_verbs:
            i += 2  # a verb the tokenizer splits goes whole: 排查|出【涉企执法、民生实事类问题】, not 出涉企…
        elif doc[i].text in lexicon.leading_verbs:
            i += 1
        else:
            break
        if doc[i].text == "、":
            if not (i + 1 < end - 1 and doc[i + 1].text in lexicon.leading_verbs):
                return start
            i += 1
    return i


def find_action(doc: Doc, quantity: Span, indicator: Span | None, lexicon: Lexicon) -> str | None:
    """The verb that says what was done: the verb before the indicator (办理法律援助案件157件),
    or before the quantity (办结28件; 组织30余名…), or one cut off the indicator's front; with
    成功 when it stands beside the verb (成功调解294件, 调解成功32097起; regression: 调解 and
    成功, so resolved disputes shared the key of those handled)."""
    verbs = lexicon.leading_verbs | lexicon.verbs
    anchors = [quantity.start]
    if indicator is not None:
        anchors.append(indicator.start)
    start = quantity.sent.start
    for anchor in anchors:
        for i in range(anchor - 1, max(start, anchor - 3) - 1, -1):
            if doc[i].text in verbs:
                before = doc[i - 1].text if i > start else ""
                if doc[i].text == SUCCESS and before in verbs and before != SUCCESS:
                    return before + SUCCESS
                return SUCCESS + doc[i].text if before == SUCCESS and doc[i].text != SUCCESS else doc[i].text
            if not is_word(doc[i]):
                break
    return None


@dataclass
class Sentence:
    """A quantity's sentence as plain values: spaCy builds a Token object on every ``doc[i]``,
    and the candidate edges and their features look at each token many times."""

    start: int
    texts: list[str]
    offsets: list[int]  # character offset of each token
    words: list[bool]  # may stand inside an indicator (is_word)
    extends: list[bool]  # a word and not a number: a phrase may run over it

    @classmethod
    def of(cls, quantity: Span) -> Sentence:
        tokens = list(quantity.sent)
        words = [is_word(t) for t in tokens]
        quoted, depth = [], 0
        for t in tokens:  # numerals inside quotes are part of a name (“一基准四清单”案件)
            depth -= t.text in QUOTE_CLOSING and depth > 0
            quoted.append(depth > 0)
            depth += t.text in QUOTE_OPENING
        return cls(quantity.sent.start, [t.text for t in tokens], [t.idx for t in tokens], words,
                   [word and (not t.like_num or inside)
                    for word, t, inside in zip(words, tokens, quoted, strict=True)])

    @property
    def end(self) -> int:
        return self.start + len(self.texts)

    def text(self, i: int) -> str:
        return self.texts[i - self.start]

    def is_word(self, i: int) -> bool:
        """Token i is in the sentence and may stand inside an indicator."""
        return self.start <= i < self.end and self.words[i - self.start]

    def tokens(self, start: int, end: int) -> list[str]:
        return self.texts[start - self.start:end - self.start]

    def chars(self, start: int, end: int) -> int:
        """Length of the text of tokens start…end (white space between them included)."""
        last = end - 1 - self.start
        return self.offsets[last] + len(self.texts[last]) - self.offsets[start - self.start]


@dataclass
class Target:
    """The rules' indicator for a quantity: the token range `rule`, on the `side` of the
    quantity. Its fixed edge is the one next to the quantity; the free edge (the start of an
    object before the number, the end of one after it) is what a scorer may move."""

    quantity: Span
    rule: tuple[int, int]
    side: str  # "after": number–object; "before": object–number
    #: sentence start → Sentence, shared by the targets of one doc: a sentence is read once, not
    #: once per quantity (a long unpunctuated sentence with many numbers was quadratic)
    sentences: dict[int, Sentence] = field(default_factory=dict, compare=False, repr=False)
    #: the free edge is the rule's alone: a list item a 分别 distributes (a scorer may not run it
    #: over the list's 和 into the item before: 行政职权和【行政许可】分别…)
    fixed: bool = False

    @property
    def fixed_edge(self) -> int:
        return self.rule[1] if self.side == "before" else self.rule[0]

    @property
    def rule_edge(self) -> int:
        """The rules' free edge."""
        return self.rule[0] if self.side == "before" else self.rule[1]

    def with_edge(self, edge: int) -> tuple[int, int]:
        """The token range with the fixed edge and free edge `edge`."""
        return (edge, self.rule[1]) if self.side == "before" else (self.rule[0], edge)

    def free_edge_of(self, token_range: tuple[int | None, int | None]) -> int | None:
        """The free edge of `token_range` if it shares the fixed edge, else None."""
        edge = token_range[0] if self.side == "before" else token_range[1]
        return edge if edge is not None and self.with_edge(edge) == token_range else None

    @cached_property
    def sentence(self) -> Sentence:
        start = self.quantity.sent.start
        if start not in self.sentences:
            self.sentences[start] = Sentence.of(self.quantity)
        return self.sentences[start]

    @cached_property
    def edges(self) -> list[int]:
        """The candidate free edges, ascending, then the rule's if not among them: token
        boundaries within the run of words (and 、-joined words) beyond the fixed edge, up to
        WINDOW_CHARS or the rule's edge, whose range starts and ends on a word and leaves quotes
        balanced."""
        if self.fixed:
            return [self.rule_edge]
        sentence, before = self.sentence, self.side == "before"
        step, reach, chars = (-1 if before else 1), self.fixed_edge, 0
        while sentence.start <= (outside := reach - 1 if before else reach) < sentence.end:
            text = sentence.text(outside)
            if text == "、" and reach != self.fixed_edge and sentence.is_word(outside + step):
                reach += step  # a list runs on: 专题推进会、培训会
                continue
            chars += len(text)
            if not sentence.extends[outside - sentence.start] or chars > WINDOW_CHARS:
                break
            reach += step
        if before:
            edges = range(min(reach, self.rule_edge), self.fixed_edge)
        else:
            edges = range(self.fixed_edge + 1, max(reach, self.rule_edge) + 1)
        inside = 0 if before else 1  # the range's token at the edge: edge, or edge - 1
        kept = [edge for edge in edges if sentence.is_word(edge - inside)
                and is_balanced(sentence.tokens(*self.with_edge(edge)))]
        return list(dict.fromkeys([*kept, self.rule_edge]))


def quantity_ending_at(doc: Doc, end: int) -> tuple[int, int] | None:
    """Token range of the QUANTITY entity that ends at token `end` (exclusive), if any."""
    if end <= 0 or doc[end - 1].ent_type_ != "QUANTITY":
        return None
    start = end - 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    return start, end


def quantity_list(doc: Doc, quantity: Span, lexicon: Lexicon) -> tuple[list[tuple[int, int]], int]:
    """The quantities joined by 、/和/及/与 (lexicon.list_joiners) that hold `quantity`, in order
    (72%、60%), and the index of `quantity` among them."""
    sent_start, sent_end = quantity.sent.start, quantity.sent.end
    items, i = [(quantity.start, quantity.end)], quantity.start
    while i - 1 > sent_start and doc[i - 1].text in lexicon.list_joiners \
            and (before := quantity_ending_at(doc, i - 1)) is not None and before[0] >= sent_start:
        items.insert(0, before)
        i = before[0]
    index, end = len(items) - 1, quantity.end
    while end + 1 < sent_end and doc[end].text in lexicon.list_joiners \
            and (after := quantity_at(doc, end + 1)) is not None and after.end <= sent_end:
        items.append((after.start, after.end))
        end = after.end
    return items, index


def respectively_list(doc: Doc, quantity: Span, lexicon: Lexicon) -> tuple[list[tuple[int, int]], int, int] | None:
    """The list of quantities (quantity_list) that holds `quantity` when 分别 stands right before it
    with at most a change verb or connector between (分别压缩了72%、60%, 比上年分别增长10.6%和142.5%):
    the list, the index of `quantity` in it and the position of 分别; else None."""
    items, index = quantity_list(doc, quantity, lexicon)
    if len(items) < 2:
        return None
    sent_start, first = quantity.sent.start, items[0][0]
    respectively = next((j for j in range(first - 1, max(sent_start, first - 4) - 1, -1)
                         if doc[j].text.startswith(lexicon.respectively)), None)
    if respectively is None or not all(is_word(t) and not t.like_num for t in doc[respectively + 1:first]):
        return None
    if any(t.text in lexicon.leading_verbs or (t.text in lexicon.left_stops and t.text not in lexicon.connectors
                                               and t.text not in lexicon.respectively_particles)
           for t in doc[respectively + 1:first]):
        return None  # 公安局、法院分别受理36件、49件: a list of those who act, not of what is counted
    return items, index, respectively


def distributed_previous(doc: Doc, quantity: Span, earlier: list[tuple[int, Span]],
                         lexicon: Lexicon) -> Span | None:
    """For a list of numbers after 分别 with no phrase of its own (公证3.91万件,公证涉及标的额14.89亿元,
    比上年分别增长10.6%和142.5%), the indicator of the i-th of as many quantities linked just before it
    in the sentence (`earlier`: each one's end token and indicator, in order), when only a comparison
    (比上年) stands between; else None."""
    found = respectively_list(doc, quantity, lexicon)
    if found is None:
        return None
    items, index, respectively = found
    before = [(end, span) for end, span in earlier if end <= items[0][0]]
    if len(before) < len(items):
        return None
    between = "".join(t.text for t in doc[before[-1][0]:respectively] if is_word(t))
    if between and not is_comparison(between, lexicon):
        return None
    return before[len(before) - len(items) + index][1]


def distributed_phrase(doc: Doc, quantity: Span, lexicon: Lexicon) -> tuple[int, int] | None:
    """The i-th phrase of a list before 分别 for the i-th of as many quantities after it:
    行政职权和行政许可分别压缩了72%、60% (72% → 行政职权, 60% → 行政许可). Not when an object
    stands between 分别 and the numbers (公安、法院派驻调解室分别化解纠纷36件、49件: the list is of
    agencies, both count 纠纷), nor when the counts differ."""
    found = respectively_list(doc, quantity, lexicon)
    if found is None:
        return None
    items, index, respectively = found
    sent_start = quantity.sent.start
    head = Span(doc, *items[0], label="QUANTITY")
    between = noun_phrase_before(doc, head, lexicon)
    if between is not None and between[0] > respectively:
        return None  # 分别化解纠纷36件、49件: the numbers count the object after 分别
    phrases, end, i, chars = [], respectively, respectively, 0
    while i > sent_start:
        token = doc[i - 1]
        if token.text in lexicon.list_joiners:
            if i == end:
                return None
            phrases.insert(0, (i, end))
            end = i - 1
        elif not is_word(token) or token.like_num or token.text in lexicon.list_stops:
            break
        chars += len(token.text)
        if chars > lexicon.max_chars * len(items):
            return None
        i -= 1
    if i == end:
        return None
    phrases.insert(0, (i, end))
    if len(phrases) != len(items):
        return None
    start, end = phrases[index]
    while start < end and doc[start].text in lexicon.scope_words:
        start += 1
    start = _past_leading_verbs(doc, start, end, lexicon)
    return (start, end) if start < end and is_balanced(t.text for t in doc[start:end]) else None


#: What separates the clauses of a list of counts (新增25项、取消28项; 受理…129件,审结122件).
CLAUSE_SEPARATORS = frozenset("、，,")


def is_parallel_predicate(doc: Doc, quantity: Span, found: tuple[int, int], lexicon: Lexicon,
                          sentences: dict[int, Sentence], elided: dict[int, bool] | None) -> bool:
    """The phrase `found` before `quantity` is one word between a separator and the number, right
    after an earlier number of the same unit whose own object is elided (行政权力事项,新增25项、
    取消28项、变更25项): the next predicate of a list of predicates, whatever its verb, so this
    number's object is elided too. `elided`: quantity start → whether its rule target is None, for
    the quantities read so far (without it, the earlier number's target is worked out again)."""
    start, end = found
    sent_start = quantity.sent.start
    if end - start != 1 or end != quantity.start or start - 1 <= sent_start \
            or doc[start - 1].text not in CLAUSE_SEPARATORS:
        return False
    earlier = quantity_ending_at(doc, start - 1)
    if earlier is None or earlier[0] < sent_start:
        return False
    other = Span(doc, *earlier, label="QUANTITY")  # its span._ attributes live at its offsets
    if (other._.unit or "") != (quantity._.unit or ""):
        return False
    if elided is not None and other.start in elided:
        return elided[other.start]
    return rule_target(doc, other, lexicon, sentences, elided) is None


def rule_target(doc: Doc, quantity: Span, lexicon: Lexicon, sentences: dict[int, Sentence] | None = None,
                elided: dict[int, bool] | None = None) -> Target | None:
    """The rules' indicator for `quantity`: the list item a 分别 distributes to it (distributed_phrase),
    else the phrase after it (number–object), else the one before it (object–number) unless that is
    the next predicate of a list (is_parallel_predicate), else None (no object: elided or none).
    `sentences`: the doc's sentences read so far (Target.sentences); `elided`: see
    is_parallel_predicate."""
    sentences = {} if sentences is None else sentences
    if (found := distributed_phrase(doc, quantity, lexicon)) is not None:
        return Target(quantity, found, "before", sentences, fixed=True)
    following = quantity_at(doc, quantity.end) if quantity.end < quantity.sent.end else None
    if following is not None and (found := noun_phrase_after(doc, following, lexicon)) is not None:
        return Target(quantity, found, "after", sentences)  # N类M项X, N批次M个X: both count X
    found = None
    if not (quantity.start > quantity.sent.start and doc[quantity.start - 1].text in lexicon.from_words):
        found = noun_phrase_after(doc, quantity, lexicon)  # not after a "from" number: 【条文】从60条增加到91条
    if found is not None:
        following = quantity_at(doc, found[1]) if found[1] < quantity.sent.end else None
        if following is None or noun_phrase_after(doc, following, lexicon) is not None \
                or (before := noun_phrase_before(doc, quantity, lexicon)) is None:
            return Target(quantity, found, "after", sentences)
        # the phrase is the object of the next number, which has none after it, and this number
        # has its own before it: 【法治讲座】36场受众4万余人
        return Target(quantity, before, "before", sentences)
    found = noun_phrase_before(doc, quantity, lexicon)
    if found is None or is_parallel_predicate(doc, quantity, found, lexicon, sentences, elided):
        return None
    return Target(quantity, found, "before", sentences)


def no_link(doc: Doc, quantity: Span, lexicon: Lexicon) -> bool:
    """Quantities whose classifier is what is counted: 细化明确9个方面… and 七方面 (3项12个方面), and
    a count of batches standing before what it splits (分【四批】取消…), unless N批次M个X."""
    unit = quantity._.unit or ""
    if unit in lexicon.no_link_when_followed_by:
        return True
    if quantity.end < len(doc) and doc[quantity.end].text in lexicon.no_link_when_followed_by:
        return True
    if unit in lexicon.batch_units and quantity_at(doc, quantity.end) is None:
        return noun_phrase_after(doc, quantity, lexicon) is not None
    return False


def rule_targets(doc: Doc, lexicon: Lexicon) -> Iterator[tuple[Span, Target | None]]:
    """Every QUANTITY of `doc`, in order, with its rule target: the one walk for linking and
    for the scorer's training instances."""
    sentences: dict[int, Sentence] = {}
    elided: dict[int, bool] = {}
    for quantity in (ent for ent in doc.ents if ent.label_ == "QUANTITY"):
        target = rule_target(doc, quantity, lexicon, sentences, elided)
        elided[quantity.start] = target is None
        yield quantity, target


class EdgeScorer(Protocol):
    """What chooses among a target's candidate edges (scorer.BoundaryModel)."""

    def refine(self, target: Target, lexicon: Lexicon) -> tuple[int, int]: ...


#: How the rules reached a link's indicator: the phrase after the quantity, the one before it, or
#: the previous indicator of the sentence (elided object).
PATHS = ("after", "before", "previous")


@dataclass(frozen=True)
class Link:
    """One link the rules propose, with how they found it, for a judge to keep or drop."""

    quantity: Span
    indicator: Span
    path: str  # one of PATHS
    target: Target | None  # the rule target (None on the "previous" path)


class LinkJudge(Protocol):
    """What decides whether a rule link stands (link_filter.KeepRule): the link itself, one of
    its alternatives, or None (no link); no judge keeps every rule link."""

    def choose(self, link: Link, alternatives: list[Link], lexicon: Lexicon) -> Link | None: ...


def alternatives_of(link: Link, previous: Span | None, lexicon: Lexicon, model: EdgeScorer | None) -> list[Link]:
    """Other phrases the quantity of a rule link may measure: the sentence's previous indicator
    (新增25项、取消28项: the elided object, not the verb), and after a number–object link the
    phrase before the quantity (开展法治讲座36场受众…: 法治讲座, not 受众)."""
    quantity, found = link.quantity, []
    if link.path != "previous" and previous is not None and previous != link.indicator:
        found.append(Link(quantity, previous, "previous", None))
    if link.path == "after" and (before := noun_phrase_before(quantity.doc, quantity, lexicon)) is not None:
        target = Target(quantity, before, "before", link.target.sentences if link.target is not None else {})
        chosen = target.rule if model is None else model.refine(target, lexicon)
        found.append(Link(quantity, Span(quantity.doc, *chosen, label="INDICATOR"), "before", target))
    return found


def link_quantities(doc: Doc, lexicon: Lexicon, model: EdgeScorer | None = None,
                    judge: LinkJudge | None = None) -> tuple[list[Span], list[list[int]]]:
    """Indicator spans and [q_start, q_end, i_start, i_end] links for every QUANTITY in doc;
    sets ``action`` on each quantity. With a `model`, the free edge of each rule target is the
    model's choice among the target's candidate edges. With a `judge`, each rule link is what
    the judge chooses among it and its alternatives (alternatives_of), or none: then the quantity
    stays unlinked, and no elided object after it links to the dropped phrase."""
    indicators: dict[tuple[int, int], Span] = {}
    links: list[list[int]] = []
    # sentence start → (end token, indicator) of the quantities linked in it, in order; the last
    # one's indicator is the sentence's previous indicator (the elided object)
    earlier: dict[int, list[tuple[int, Span]]] = {}
    for quantity, target in rule_targets(doc, lexicon):
        sent_start = quantity.sent.start
        linked = earlier.get(sent_start, [])
        previous = linked[-1][1] if linked else None
        if no_link(doc, quantity, lexicon):
            continue  # 细化明确9个方面…: the classifier is what is counted (3项12个方面)
        span, path = None, "previous"
        if target is not None:
            chosen = target.rule if model is None else model.refine(target, lexicon)
            span, path = indicators.get(chosen) or Span(doc, *chosen, label="INDICATOR"), target.side
        elif previous is not None:
            span = distributed_previous(doc, quantity, linked, lexicon) or previous
        quantity._.action = find_action(doc, quantity, span, lexicon)
        if span is not None and judge is not None:
            link = Link(quantity, span, path, target)
            decided = judge.choose(link, alternatives_of(link, previous, lexicon, model), lexicon)
            span = None if decided is None else indicators.get((decided.indicator.start, decided.indicator.end),
                                                               decided.indicator)
        if span is None:
            continue
        indicators.setdefault((span.start, span.end), span)
        earlier.setdefault(sent_start, []).append((quantity.end, span))
        links.append([quantity.start_char, quantity.end_char, span.start_char, span.end_char])
    return sorted(indicators.values(), key=lambda s: s.start), links
