"""Page chrome: the lines of a saved web page that are navigation, share buttons and footers.

The patterns live in data/chrome_lines.txt. A line is removed only when the whole line matches, so
report sentences that merely mention 来源 or 分享 stay; a line is matched as written and in
simplified characters, so a page in traditional characters loses its 發佈時間 lines too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..script import to_simplified

PATTERNS_FILE = Path(__file__).parent / "data" / "chrome_lines.txt"


@lru_cache(maxsize=4)
def chrome_patterns(path: Path = PATTERNS_FILE) -> tuple[re.Pattern[str], ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(re.compile(line) for line in lines if line.strip() and not line.startswith("#"))


def is_chrome(line: str, patterns: tuple[re.Pattern[str], ...] | None = None) -> bool:
    """Whether the whole line, as given, matches a chrome pattern (remove_chrome also tries its
    simplified form)."""
    stripped = line.strip()
    if not stripped:
        return False
    return any(p.fullmatch(stripped) for p in patterns or chrome_patterns())


def remove_chrome(text: str) -> tuple[str, list[str]]:
    """The text without chrome lines, and the lines removed (kept for metadata and audit)."""
    kept: list[str] = []
    removed: list[str] = []
    # to_simplified keeps every character's place, so the lines pair up (regression: 發佈時間:… stayed)
    for line, simplified in zip(text.split("\n"), to_simplified(text).split("\n"), strict=True):
        # as written too: a pattern may name the traditional form itself (繁體 | 无障碍浏览)
        (removed if is_chrome(line) or is_chrome(simplified) else kept).append(line)
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return cleaned, removed
