import pytest

CASES = [
    ("2025年是承上启下之年", ["2025年"]),
    ("关于2024年度法治政府建设情况的报告", ["2024年度"]),
    ("现将2025年上半年工作开展情况汇报如下", ["2025年上半年"]),
    ("沈阳市司法局 2026年1月23日", ["2026年1月23日"]),
    ("发布时间:2026-02-26 09:32", ["2026-02-26"]),
    ("更新时间:2021/03/29 11:30:01", ["2021/03/29"]),
    ("2023年3月-6月开展专项行动", ["2023年3月-6月"]),
    ("自3月以来，6月20日召开会议", ["3月", "6月20日"]),
    ("2022全年开展统计执法", ["2022全年"]),
    ("2025版行政许可事项清单", ["2025"]),
    # ANNOTATION.md: a month with 份 and a period written with 至 are one DATE
    ("10月份正式上线", ["10月份"]),
    ("现场会于2022年9月份在我市召开", ["2022年9月份"]),
    ("数据的期限为2022年1月1日至2022年12月31日。", ["2022年1月1日至2022年12月31日"]),
    # a month after 今年 (not a year number); a bare year opening a line or list item; page dates
    ("今年5月专门采购法律法规汇编", ["5月"]),
    ("一、2025工作开展情况", ["2025"]),
    ("发布日期: 2024- 02- 05 访问次数", ["2024- 02- 05"]),
    ("09.01.2018  20:00", ["09.01.2018"]),
    # regression: full-width digits never made a DATE (the patterns spell years as (?:19|20)\d{2})
    ("２０２５年３月１５日，区司法局受理案件１２件。", ["２０２５年３月１５日"]),
    ("关于２０２４年度法治政府建设情况的报告", ["２０２４年度"]),
    ("２０２５年1月至6月开展专项行动", ["２０２５年1月至6月"]),
    ("２０２４－２０２５年，共办理。", ["２０２４－２０２５年"]),  # full-width marks between the digits too
    ("发布日期：２０２４－０２－０５", ["２０２４－０２－０５"]),
    ("\ufeff2025工作开展情况", ["2025"]),  # regression: a text given with its BOM lost the bare year
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_dates(nlp, text, expected):
    assert [e.text for e in nlp(text).ents if e.label_ == "DATE"] == expected


@pytest.mark.parametrize("text", ["厅字〔2019〕28号", "受理12345件", "第3月", "每月一次会议", "5·15宣传日",
                                  "5月底前完成", "、2020件"])
def test_not_dates(nlp, text):
    assert [e.text for e in nlp(text).ents if e.label_ == "DATE"] == []


def test_a_date_is_not_a_quantity(nlp):
    doc = nlp("2025年共受理30件")
    assert [(e.text, e.label_) for e in doc.ents] == [("2025年", "DATE"), ("30件", "QUANTITY")]
