"""The comparison chart: every character drawn has a glyph in the font that draws it (the CJK
font of the mplfonts package, DejaVu Sans for the rest), one unit per axis, and bars labelled
by region, publisher or title — never by file name."""

import contextlib
import io
import logging
import warnings
from pathlib import Path

import matplotlib
import mplfonts
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.text import Text

from lawrep_nlp.chart import bar_labels, chart_figure, cjk_font_path, register_cjk_font, write_chart

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def row(value, unit="件", *, approx=False, **meta):
    """A row as compare_rows makes it (only what the chart reads)."""
    return {"canonical": "reconsideration_cases_received", "canonical_name": "行政复议案件受理数", "value": value,
            "unit": unit, "approx": approx, "file": "corpus/raw/texts/077.txt", "region": None, "year": None,
            "publisher": None, "title": None, **meta}


ROWS = [
    row(97.0, region="朝阳市双塔区", year=2024),
    row(129.0, approx=True, publisher="静海区司法局", year="2023"),
    row(32.0, "宗", title="深圳市2023年法治政府建设年度报告"),
    row(6.0, "起"),
]


def drawn_texts(figure) -> list[Text]:
    figure.savefig(io.BytesIO(), format="png")  # lays out and draws: tick labels exist afterwards
    return [text for text in figure.findobj(Text) if text.get_visible() and text.get_text().strip()]


def font_files(text: Text) -> list[Path]:
    """The font files matplotlib draws `text` with: one per family of its list that it finds."""
    files = []
    for family in text.get_fontproperties().get_family():
        properties = text.get_fontproperties().copy()
        properties.set_family(family)
        with contextlib.suppress(ValueError):  # not installed: matplotlib goes on to the next family
            files.append(Path(font_manager.findfont(properties, fallback_to_default=False)))
    return files


def test_the_cjk_font_is_the_one_in_the_mplfonts_package():
    family = register_cjk_font()
    assert family == "Noto Sans CJK SC" and register_cjk_font() == family  # registering twice is harmless
    assert cjk_font_path().is_file() and cjk_font_path().parent.parent == Path(mplfonts.__file__).parent
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(found) == cjk_font_path()  # not a system font of the same name


def test_every_character_drawn_has_a_glyph(tmp_path: Path, caplog):
    cache = Path(matplotlib.get_cachedir())
    cached = {path: path.stat().st_mtime for path in cache.glob("*")}
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("always")
        assert write_chart(ROWS, "reconsideration_cases_received", tmp_path / "chart.png") == 4
        texts = drawn_texts(chart_figure(ROWS, "reconsideration_cases_received"))
    assert [str(w.message) for w in caught] == []  # e.g. "Glyph 21306 (\N{CJK UNIFIED IDEOGRAPH-533A}) missing"
    assert [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")] == []
    assert {path: path.stat().st_mtime for path in cache.glob("*")} == cached  # no font cache written

    cmaps = {}
    drawn = "".join(text.get_text() for text in texts)
    assert {"朝阳市双塔区 2024", "静海区司法局 2023", "≈129件", "单位：宗"} <= {t.get_text().strip() for t in texts}
    for text in texts:
        files = font_files(text)
        covered = set().union(*(cmaps.setdefault(file, set(TTFont(file).getBestCmap())) for file in files))
        missing = [char for char in text.get_text() if not char.isspace() and ord(char) not in covered]
        assert missing == [], f"{text.get_text()!r} drawn with {[f.name for f in files]}"
        assert {file.name for file in files} <= {cjk_font_path().name, DEJAVU.name}
    assert any(file == cjk_font_path() for text in texts for file in font_files(text) if "区" in text.get_text())
    assert "区" in drawn and "≈" in drawn


def test_one_unit_per_axis():
    rows = [row(97.0, region="朝阳市双塔区", year=2024), row(20.0, region="钟楼区", year=2023),
            row(32.0, "宗", region="深圳市", year=2023)]
    figure = chart_figure(rows, "reconsideration_cases_received")
    drawn_texts(figure)
    assert [axes.get_xlabel() for axes in figure.axes] == ["单位：件", "单位：宗"]  # most bars first
    assert [len(axes.patches) for axes in figure.axes] == [2, 1]
    assert [[label.get_text() for label in axes.get_yticklabels()] for axes in figure.axes] == [
        ["钟楼区 2023", "朝阳市双塔区 2024"], ["深圳市 2023"]]  # largest value on top
    assert [[text.get_text() for text in axes.texts] for axes in figure.axes] == [[" 20件", " 97件"], [" 32宗"]]


def test_a_department_is_named_beside_its_region():
    """Regression: 钟楼区人社局's 20 reconsideration cases stood as 钟楼区's, beside 沈阳市's city-wide 14927."""
    assert bar_labels([row(20.0, region="江苏省常州市钟楼区", publisher="钟楼区人力资源和社会保障局", year="2023"),
                       row(32.0, region="广东省深圳市", publisher="广东省深圳市卫生健康委员会", year="2023"),
                       row(97.0, region="朝阳市双塔区", publisher="双塔区司法局", year="2024"),
                       row(5.0, region="某市", publisher="发布时间:2017年12月13日", year="2017")]) == [
        "江苏省常州市钟楼区 人力资源和社会保障局 2023", "广东省深圳市 卫生健康委员会 2023", "朝阳市双塔区 2024", "某市 2017"]
    # corpus cases (review): the legal-affairs office reports for the government; a division 处 is a
    # department; a city bureau under a province keeps its city
    assert bar_labels([row(1.0, region="新疆维吾尔自治区", publisher="自治区人民政府法制办", year=2017),
                       row(2.0, region="沈阳市", publisher="法治调研督察处", year=2025),
                       row(3.0, region="浙江省", publisher="厅法规处", year=2022),
                       row(4.0, region="广东省", publisher="广东省广州市水务局", year=2019)]) == [
        "新疆维吾尔自治区 2017", "沈阳市 2025", "浙江省 厅法规处 2022", "广东省 广州市水务局 2019"]


@pytest.mark.parametrize(("approx", "mark"), [(None, ""), ("余", "≈"), ("左右", "≈"), ("近", "≈"), ("超", "≥"),
                                              ("以上", "≥"), ("不少于", "≥"), ("以内", "≤"), ("不超过", "≤")])
def test_a_bound_is_marked_as_a_bound(approx, mark):
    """Regression: 超4600万次 and 2小时以内 were drawn as ≈4600万次 and ≈2小时."""
    figure = chart_figure([row(4600.0, approx=approx, region="某市", year=2024)], "reconsideration_cases_received")
    assert [text.get_text() for axes in figure.axes for text in axes.texts] == [f" {mark}4600件"]


def test_labels_region_else_publisher_else_title_never_the_file():
    assert bar_labels(ROWS) == ["朝阳市双塔区 2024", "静海区司法局 2023", "深圳市2023年法治政府建设年度报告", "未署名报告 1"]
    assert bar_labels([row(1.0), row(2.0, title="  ")]) == ["未署名报告 1", "未署名报告 2"]
    assert bar_labels([row(1.0, region=float("nan"), publisher="某县司法局", year=2023.0)]) == ["某县司法局 2023"]  # pandas
    assert bar_labels([row(1.0, region="某区", year=2024), row(2.0, region="某区", year=2024)]) == [
        "某区 2024", "某区 2024 (2)"]
    assert bar_labels([row(1.0, title="某市人民政府关于2023年度法治政府建设情况的报告（全文）")]) == [
        "某市人民政府关于2023年度法治政府建设情况的报告（全…"]
    figure = chart_figure(ROWS, "reconsideration_cases_received")
    labels = [label.get_text() for axes in figure.axes for label in axes.get_yticklabels()]
    assert sorted(labels) == sorted(bar_labels(ROWS)) and not any("077" in label for label in labels)


def test_no_value_no_chart(tmp_path: Path):
    with pytest.raises(ValueError, match="no report states a value for notarizations"):
        write_chart(ROWS, "notarizations", tmp_path / "chart.png")
    assert not (tmp_path / "chart.png").exists()


def test_large_values_are_drawn_as_their_digits():
    """Regression: labels used the g format: 1234567人次 was drawn as 1.23457e+06人次, and the axis
    put its 1e6 offset at its end."""
    figure = chart_figure([row(1234567.0, "人次", region="某市", year=2024), row(435000000.0, "人次", region="某县")],
                          "reconsideration_cases_received")
    texts = [text.get_text() for text in drawn_texts(figure)]
    assert " 1234567人次" in texts and " 435000000人次" in texts
    assert not any("e+" in text or "1e" in text for text in texts)


def test_a_full_region_name_keeps_the_department_apart():
    """Regression: with region_code the label gave the full division name and then the publisher
    whole (…格尔木市 海西州格尔木市交通运输局), as the publisher spells the place shorter."""
    assert bar_labels([row(1.0, region="海西州格尔木市", region_code="632801", publisher="海西州格尔木市交通运输局",
                           year=2024)]) == ["青海省海西蒙古族藏族自治州格尔木市 交通运输局 2024"]


def test_the_default_chart_is_of_an_indicator_with_levels():
    """Regression: most_reported counted changes, which the chart leaves out, so the default chart
    could be of an indicator with nothing to draw."""
    from lawrep_nlp.compare import most_reported

    rows = [{"group": "a", "value": 12.0, "change": "decrease"}, {"group": "a", "value": 3.0, "change": "increase"},
            {"group": "b", "value": 157.0, "change": None}]
    assert most_reported(rows) == "b"


def test_a_range_shows_both_ends_and_a_change_is_no_bar():
    """Regression: 10—20件 was drawn as 10件, and 同比下降12件 as a level beside other reports' levels."""
    figure = chart_figure([row(10.0, region="某市", max=20.0), row(12.0, region="某县", change="decrease"),
                           row(40.0, region="某区")], "reconsideration_cases_received")
    assert sorted(text.get_text() for axes in figure.axes for text in axes.texts) == [" 10–20件", " 40件"]


def test_a_dollar_sign_in_a_label_is_a_character():
    """Regression (the analyst audit): a title with $x^2$ was drawn as mathematics (x², an italic y)."""
    figure = chart_figure([row(3.0, title="关于$x^2$与$y$专项报告")], "reconsideration_cases_received")
    texts = drawn_texts(figure)
    with_dollars = [text for text in texts if "$" in text.get_text()]
    assert with_dollars and not any(text.get_parse_math() for text in with_dollars)
