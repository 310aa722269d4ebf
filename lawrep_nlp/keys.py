"""Open-vocabulary indicator keys: measurements that no taxonomy entry covers still line up
across reports when they say the same thing in the same words.

A key is the indicator phrase read in simplified characters (and full-width digits and letters as
ASCII), without quotes, parenthesised asides, scope words (全区, 累计…), a 的-clause in front of its
head, a counting verb in front and a counting suffix behind (数, 总数…), then the action class (of
the linker's action, else of a counting verb at the phrase's front or right before it) and the
unit dimension: 全区共受理的“行政复议”案件数 with 受理 and 件 → ``行政复议案件|受理|count``. The action class
keeps what was done (受理 vs 办结 of the same cases); the dimension keeps counts, people and
rates apart. Keys are not canonical: two keys may name one indicator, and the compare table
flags them as such. The word lists live in data/indicator_keys.json.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .script import matching_form, to_halfwidth, to_simplified

KEYS_FILE = Path(__file__).parent / "data" / "indicator_keys.json"
#: Parenthesised asides: 乡镇(街道) → 乡镇, 部门（单位） → 部门.
ASIDE = re.compile(r"[（(][^（()）]*[)）]")
#: What the linker's action may carry beside its verb (pipes/indicators/candidates.find_action):
#: 成功调解 and 调解成功 count disputes resolved, 调解 those handled (corpus/canonical/GUIDELINES.md).
SUCCESS = "成功"
#: Shortest phrase a cut may leave: 成功率 keeps its 成功, 的 in 目的 stays.
MIN_CORE_CHARS = 2


class KeyMaker:
    """Builds keys from the word lists of data/indicator_keys.json (loaded once per process)."""

    def __init__(self, data: dict) -> None:
        self.quotes = set(data["quotes"])
        self.scope_words = sorted(data["scope_words"], key=len, reverse=True)
        self.suffixes = sorted(data["counting_suffixes"], key=len, reverse=True)
        self.action_class = {verb: name for name, verbs in data["action_classes"].items() for verb in verbs}
        # Counting verbs cut off the front: two characters or more (有 would cut 有效).
        self.verbs = sorted((v for v in self.action_class if len(v) >= MIN_CORE_CHARS), key=len, reverse=True)
        #: how much text before the indicator `key` needs: the longest verb and a space after it
        self.before_chars = max(map(len, self.verbs), default=0) + 1

    def key(self, indicator: str | None, action: str | None = None, dimension: str | None = None,
            before: str = "") -> str | None:
        """The key of one measurement, or None when it has no indicator. The action class is that
        of `action` (the linker's), else of a counting verb at the indicator's front or right
        before it (`before`: the text before the indicator; its last `before_chars` are enough):
        全年新收【行政复议案件】 is 受理 as 新收【行政复议案件】 is (regression: the linker knows
        no 新收, and the first had none)."""
        core, verb = self.core(indicator) if indicator else ("", None)
        if not core:
            return None
        if not action and not verb:
            tail = matching_form(before).rstrip()
            verb = next((v for v in self.verbs if tail.endswith(v)), None)
        action = to_simplified(action) if action else verb
        action_class = self._class_of(action) if action else "-"
        # a | inside a part would make a key of more than three fields (regression: action "|")
        return "|".join(part.replace("|", "｜") for part in (core, action_class, dimension or "-"))

    def _class_of(self, action: str) -> str:
        """The class of a verb; a verb with 成功 that no class lists (成功举办) is in its verb's."""
        if action in self.action_class:
            return self.action_class[action]
        bare = action.removeprefix(SUCCESS).removesuffix(SUCCESS)
        return self.action_class.get(bare, action) if bare else action

    def core(self, indicator: str) -> tuple[str, str | None]:
        """The indicator's head phrase and the counting verb cut off its front (if any)."""
        text = to_halfwidth(matching_form(indicator))
        text = "".join(ch for ch in text if ch not in self.quotes and not ch.isspace())
        core = ASIDE.sub("", text) or text
        core = self._strip_front(core, self.scope_words)
        head = core.rsplit("的", 1)[-1]
        if len(head) >= MIN_CORE_CHARS:
            core = head
        verb = next((v for v in self.verbs if core.startswith(v) and len(core) - len(v) >= MIN_CORE_CHARS), None)
        if verb:
            core = self._strip_front(core[len(verb):], self.scope_words)
        suffix = next((s for s in self.suffixes if core.endswith(s) and len(core) - len(s) >= MIN_CORE_CHARS), None)
        if suffix:
            core = core[: -len(suffix)]
        return core, verb

    @staticmethod
    def _strip_front(core: str, words: list[str]) -> str:
        stripped = True
        while stripped:
            stripped = False
            for word in words:
                if core.startswith(word) and len(core) - len(word) >= MIN_CORE_CHARS:
                    core, stripped = core[len(word):], True
                    break
        return core


@lru_cache(maxsize=1)
def default_key_maker() -> KeyMaker:
    return KeyMaker(json.loads(KEYS_FILE.read_text(encoding="utf-8")))


def indicator_key(indicator: str | None, action: str | None = None, dimension: str | None = None,
                  before: str = "") -> str | None:
    """``indicator_key("全区共受理的“行政复议”案件数", "受理", "count")`` → ``行政复议案件|受理|count``."""
    return default_key_maker().key(indicator, action, dimension, before)
