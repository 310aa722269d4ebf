"""The pages that quote a recorded test figure by its name (`LAW_f` 0.9428) quote its current
value: evaluation/test_scores.json is re-recorded with each improvement, and the component pages
had kept figures of earlier sessions as if they were today's (session 18's docs audit found 14)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDED = json.loads((ROOT / "evaluation" / "test_scores.json").read_text(encoding="utf-8"))["metrics"]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
QUOTED = re.compile(r"`([A-Za-z0-9_]+)`\s*([0-9]+\.[0-9]+)")


def quoted_figures() -> list[tuple[Path, str]]:
    """(page, metric) for every recorded metric a page quotes by name with a number."""
    found = set()
    for page in PAGES:
        for name, _ in QUOTED.findall(page.read_text(encoding="utf-8")):
            if name in RECORDED:
                found.add((page, name))
    return sorted(found)


@pytest.mark.parametrize(("page", "name"), quoted_figures(), ids=lambda x: x.name if isinstance(x, Path) else x)
def test_a_page_that_quotes_a_recorded_figure_gives_its_current_value(page: Path, name: str):
    """Older values may stay as history, next to the current one."""
    current = RECORDED[name]
    text = page.read_text(encoding="utf-8")
    written = {float(value) for metric, value in QUOTED.findall(text) if metric == name}
    mentioned = {float(number) for number in re.findall(r"[0-9]+\.[0-9]+", text)}
    assert any(abs(value - current) < 5e-5 for value in written | mentioned), \
        f"{page.relative_to(ROOT)} quotes `{name}` but not its recorded value {current}"


def test_the_pages_quote_recorded_figures():
    assert len(quoted_figures()) >= 10


def test_the_shipped_meta_gives_the_recorded_test_figures():
    """Regression (session 25): meta.json, which `lawrep info` prints, kept session 23's test figures
    after session 24 re-recorded test_scores.json without rebuilding the pipeline."""
    for meta in (ROOT / "lawrep_zh" / "meta.json", *sorted((ROOT / "lawrep_zh").glob("*/meta.json"))):
        shipped = json.loads(meta.read_text(encoding="utf-8"))["performance"]["test_split"]
        assert {name: shipped.get(name) for name in RECORDED} == RECORDED, meta.relative_to(ROOT)
