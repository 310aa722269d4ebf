import pytest

# sentence → [(LAW text, level)]
CASES = [
    ("集中学习了《辽宁省消防条例》《辽宁省安全生产条例》", [("辽宁省消防条例", "地方性法规"), ("辽宁省安全生产条例", "地方性法规")]),
    ("认真贯彻《中华人民共和国行政复议法》", [("中华人民共和国行政复议法", "法律")]),
    ("依照行政诉讼法和民法典的规定", [("行政诉讼法", "法律"), ("民法典", "法律")]),
    ("将宪法法律纳入学习计划", [("宪法", "法律")]),
    ("落实《重大行政决策程序暂行条例》", [("重大行政决策程序暂行条例", "行政法规")]),
    ("印发《中国共产党政法工作条例》", [("中国共产党政法工作条例", "党内法规")]),
    ("修订《沈阳市行政规范性文件管理办法》", [("沈阳市行政规范性文件管理办法", "规章")]),
    # regression: 办法 is not a 法 (it was tagged 法律 without a place prefix)
    ("落实《实施弹性退休制度暂行办法》", [("实施弹性退休制度暂行办法", "规章")]),
    ("出台《关于加强法治政府建设的意见》", [("关于加强法治政府建设的意见", "规范性文件")]),
    ("编制《营口市“包容审慎”免罚事项清单》", [("营口市“包容审慎”免罚事项清单", "工作文件")]),
    ("落实《法治政府建设实施纲要(2021—2025年)》", [("法治政府建设实施纲要(2021—2025年)", "工作文件")]),
    # nested titles: the innermost complete one
    ("关于转发〈关于转发《中共辽宁省委关于印发〈2024年度推进法治环境持续改善专项方案〉的通知》",
     [("2024年度推进法治环境持续改善专项方案", "工作文件")]),
    # national laws named without 《》
    ("积极开展野生动物保护法、湿地保护法、草原法等法律法规宣传",
     [("野生动物保护法", "法律"), ("湿地保护法", "法律"), ("草原法", "法律")]),
    # regression: 规定 and 学习 after a known law no longer hide it (法规 and 法学 still do)
    ("取消了不符合行政许可法规定的资格准入", [("行政许可法", "法律")]),
    ("加强民法典学习宣传教育", [("民法典", "法律")]),
    # regression: party regulations that do not name the party (中共中央、国务院 issued them)
    ("学习《信访工作条例》《党政主要负责人履行推进法治建设第一责任人职责规定》",
     [("信访工作条例", "党内法规"), ("党政主要负责人履行推进法治建设第一责任人职责规定", "党内法规")]),
    # unbalanced marks survive
    ("学习《宪法》和《行政处罚法", [("宪法", "法律")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_laws(nlp, text, expected):
    doc = nlp(text)
    assert [(e.text, e._.law_level) for e in doc.ents if e.label_ == "LAW"] == expected


@pytest.mark.parametrize(
    "text",
    ["组织参加《学习贯彻习近平法治思想专题研讨班》", "阅读《习近平法治文选》", "编写《法治内蒙古建设发展报告》",
     "开展宪法宣传周活动", "《天津经开区政务办:公益专席暖民心》", "发放《给市民朋友的一封信》",
     "加强安全生产法规宣传", "刑法学专家授课",
     # the named day (a PROGRAM) and a broadcast column are no laws
     "在国家宪法日来临之际开展宣誓活动", "在甘肃卫视《法治伴你行》栏目播出典型案例"],
)
def test_not_laws(nlp, text):
    assert [e.text for e in nlp(text).ents if e.label_ == "LAW"] == []


def test_newspaper_in_title_marks_is_org(nlp):
    assert [(e.text, e.label_) for e in nlp("在《人民日报》刊发").ents] == [("人民日报", "ORG")]


@pytest.mark.parametrize(("text", "expected"), [
    ("在《甘肃日报》增设“学习专栏”", ("甘肃日报", "ORG")),  # a provincial paper: ORG, not the place inside
    ("在《福建日报》刊发署名文章", ("福建日报", "ORG")),
])
def test_any_newspaper_title_is_org_not_a_place(nlp, text, expected):
    found = [(e.text, e.label_) for e in nlp(text).ents if e.label_ in ("ORG", "GPE", "LAW")]
    assert found == [expected]


def test_year_inside_a_title_belongs_to_the_title(nlp):
    doc = nlp("制定《2025年区统计局普法责任清单》")
    assert [(e.text, e.label_) for e in doc.ents] == [("2025年区统计局普法责任清单", "LAW")]
