"""`lawrep render` in a real browser: headless Chromium (Debian's, driven by Playwright) opens
the page and the test reads what it shows. In CI a missing browser is a failure, not a skip.
The screenshot is kept in artifacts/ (a CI artifact)."""

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawrep_nlp.cli import app

from ..conftest import ROOT, SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "artifacts"
SENTENCE = "区司法局收到行政复议申请32件、办结28件；全年办理法律援助案件157件。<b>&amp;</b>\n"

runner = CliRunner()


@pytest.fixture(scope="module")
def browser():
    missing = [what for what, there in (("Debian's chromium (apt-get install chromium fonts-wqy-zenhei)",
                                         CHROMIUM is not None),
                                        ("the playwright package (pip install '.[dev]')", _has_playwright()))
               if not there]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {' and '.join(missing)} (.ci/run installs them)")
        pytest.skip(f"needs {' and '.join(missing)}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def render(tmp_path: Path, report: Path) -> Path:
    page = tmp_path / "page.html"
    result = runner.invoke(app, ["render", str(report), "--out", str(page)])
    assert result.exit_code == 0, result.output
    return page


def test_quantities_are_linked_to_their_indicators(browser, tmp_path: Path):
    report = tmp_path / "report.txt"
    report.write_text(SENTENCE, encoding="utf-8")
    page = browser.new_page()
    page.goto(render(tmp_path, report).as_uri())

    assert page.text_content("#text") == SENTENCE.strip()  # the text, escaped markup included, unchanged
    quantities = page.locator("#text .QUANTITY")
    assert quantities.all_inner_texts() == ["32件", "28件", "157件"]
    linked = []
    for index in range(quantities.count()):
        link = quantities.nth(index).get_attribute("data-link")
        linked.append(page.locator(f'#text .indicator[data-link~="{link}"]').all_inner_texts())
    assert linked == [["行政复议申请"], ["行政复议申请"], ["法律援助案件"]]

    rows = page.locator("#measurements tbody tr")
    assert [rows.nth(i).locator("td.indicator").inner_text() for i in range(rows.count())] == [
        "行政复议申请", "行政复议申请", "法律援助案件"]
    assert rows.nth(2).locator("td.value").inner_text() == "157"

    quantities.nth(2).hover()
    assert page.locator("#text .active").all_inner_texts() == ["法律援助案件", "157件"]
    assert page.locator("#measurements tr.active td.quantity_text").all_inner_texts() == ["157件"]
    org = page.locator("#text .ORG").first
    assert org.inner_text() == "区司法局"
    assert org.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(207, 227, 255)"


def test_seed_report_page_and_screenshot(browser, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto(render(tmp_path, SEEDS / "001_3443002734612606.txt").as_uri())
    assert page.title() == "朝阳市双塔区人民政府2024年法治政府建设工作报告"
    measurements = page.locator("#measurements tbody tr").count()
    assert measurements == page.locator("#text .QUANTITY").count() > 40
    assert page.locator("#text .LAW").count() > 5 and page.locator("#text .indicator").count() > 30
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator('#text [data-link~="2"]').first.hover()
    page.screenshot(path=str(ARTIFACTS / "render_seed_001.png"))
    assert (ARTIFACTS / "render_seed_001.png").stat().st_size > 10_000


def test_unreadable_report_is_a_clear_error(tmp_path: Path):
    report = tmp_path / "junk.txt"
    report.write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["render", str(report), "--out", str(tmp_path / "page.html")])
    assert result.exit_code == 1 and "cannot read" in result.output
    assert not (tmp_path / "page.html").exists()


def test_render_of_a_folder_says_it_is_a_folder(tmp_path: Path):
    """Regression (the analyst audit): a folder that exists was said not to exist."""
    result = runner.invoke(app, ["render", str(tmp_path), "--out", str(tmp_path / "page.html")])
    assert result.exit_code == 2 and f"{tmp_path} is a folder: render draws one report file" in result.output


def test_render_says_how_many_measurements(tmp_path: Path):
    report = tmp_path / "report.txt"
    report.write_text("区司法局全年办理法律援助案件157件。", encoding="utf-8")
    result = runner.invoke(app, ["render", str(report), "--out", str(tmp_path / "page.html")])
    assert result.exit_code == 0 and "lawrep: 1 measurement → " in result.output  # regression: "1 measurements"


def test_an_entity_that_is_also_the_indicator_shows_its_link_number_once(nlp):
    """Regression: 法律明白人 is a PROGRAM and the indicator of 530人; its badge read "1,1"."""
    from lawrep_nlp.render import render_html

    page = render_html(nlp("全区现有法律明白人530人。"))
    assert 'data-link="1" data-n="1">法律明白人</span>' in page
