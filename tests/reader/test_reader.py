from pathlib import Path

import pytest

from lawrep_nlp.reader import UnreadableReport, read_report, report_from_text
from lawrep_nlp.reader.chrome import is_chrome

from ..conftest import SEEDS

SEED_CHROME = {
    "000_2da538da58d27d43.txt": ["当前位置:首页 > 政务信息 > 部门信息", "【字号:", "分享:", "扫一扫在手机打开当前页",
                                 "  • 附件:", "  • 视频:"],
    "001_3443002734612606.txt": ["您现在的位置:首页 > 政务公开>通知公告", "更新日期:2025-04-01 信息来源:双塔区司法局 浏览:"],
    "003_5c6981bfeb8da5e7.txt": ["设为首页 | 收藏本站 | 网站地图 | 无障碍辅助浏览工具条", "时间:2026-01-30 来源:法治调研督察处"],
    "004_3fabeebc59f46a63.txt": ["---此处隐藏4450字,下载后查看---"],
}


@pytest.mark.parametrize("name", sorted(SEED_CHROME))
def test_seed_chrome_is_removed(name):
    report = read_report(SEEDS / name)
    removed = [" ".join(line.split()) for line in report.meta["chrome_lines"]]  # the seeds use NBSP
    for line in SEED_CHROME[name]:
        assert " ".join(line.split()) in removed
        assert line.strip() not in report.text


def test_report_text_is_kept_unchanged():
    raw = (SEEDS / "002_9518513bb49fe602.txt").read_text(encoding="utf-8")
    report = read_report(SEEDS / "002_9518513bb49fe602.txt")
    for paragraph in report.text.split("\n"):
        assert paragraph in raw  # nothing rewritten, only lines removed


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("001_3443002734612606.txt", {"title": "朝阳市双塔区人民政府2024年法治政府建设工作报告", "region": "朝阳市双塔区",
                                      "year": "2024", "publisher": "双塔区司法局", "publish_date": "2025-04-01"}),
        ("000_2da538da58d27d43.txt", {"title": "关于2025年法治政府建设情况的报告", "year": "2025", "publisher": "区司法局",
                                      "publish_date": "2026-02-26"}),
        ("002_9518513bb49fe602.txt", {"region": "四平市铁西区", "publisher": "四平市铁西区人民政府", "year": "2025"}),
        ("003_5c6981bfeb8da5e7.txt", {"region": "沈阳市", "publisher": "法治调研督察处", "publish_date": "2026-01-30"}),
    ],
)
def test_seed_metadata(name, expected):
    meta = read_report(SEEDS / name).meta
    assert {k: meta[k] for k in expected} == expected


@pytest.mark.parametrize("written", [
    "四平市鐵西區人民政府\n關於2025年度法治政府建設情況的報告\n區司法局受理行政複議申請32件。\n",
    "四平市铁西区人民政府\n关于２０２５年度法治政府建设情况的报告\n区司法局受理行政复议申请32件。\n",
])
def test_metadata_of_traditional_characters_and_full_width_digits(written):
    """Regression: the same report in traditional characters had no title and only 四平市 as its
    region, and with full-width digits no year. The title stays as written; region, year and
    publisher are read in simplified characters and ASCII digits, so that reports line up."""
    meta = report_from_text(written).meta
    assert meta["title"] == written.split("\n")[1]
    assert (meta["region"], meta["year"], meta["publisher"]) == ("四平市铁西区", "2025", "四平市铁西区人民政府")


@pytest.mark.parametrize(("head", "title", "publisher"), [
    # regressions: an empty 来源: took the next line; a label after 来源: was taken as the source;
    # 本网 (this site) named no body; a title cut in two lost its first half to the issuer
    ("关于2023年法治政府建设情况的报告\n发布日期:2024-02-26 09:32   文章来源:\n",
     "关于2023年法治政府建设情况的报告", None),
    ("桃源县人民政府2017年度法治政府建设情况报告\n文章来源: 发布时间:2017年12月13日\n桃源县人民政府\n",
     "桃源县人民政府2017年度法治政府建设情况报告", "桃源县人民政府"),
    ("广东省2022年度法治政府建设情况的报告\n时间 : 2023-03-31 11:33:28 来源 : 本网\n",
     "广东省2022年度法治政府建设情况的报告", None),
    ("金华市教育局关于2023年法治政府\n建设工作情况的报告\n", "金华市教育局关于2023年法治政府建设工作情况的报告", None),
])
def test_title_and_publisher_of_page_headers(head, title, publisher):
    meta = report_from_text(head + "2023年，全市受理行政复议案件97件。\n").meta
    assert (meta["title"], meta["publisher"]) == (title, publisher)


def test_chrome_in_traditional_characters_is_removed_too():
    """Regression: the patterns are simplified, so 發佈時間:… 來源:… stayed in the text (with an
    ORG and a DATE of its own, and every offset after it shifted)."""
    traditional = report_from_text("發佈時間:2025-03-18 來源:雙塔區司法局\n全年受理行政復議案件97件。\n", is_html=False)
    simplified = report_from_text("发布时间:2025-03-18 来源:双塔区司法局\n全年受理行政复议案件97件。\n", is_html=False)
    assert traditional.text == "全年受理行政復議案件97件。" and simplified.text == "全年受理行政复议案件97件。"
    # regression of that fix: a pattern written in traditional characters (繁體) must still match
    assert report_from_text("繁體 | 无障碍浏览 | 长者模式\n全年受理行政复议案件97件。\n", is_html=False).text \
        == "全年受理行政复议案件97件。"


def test_sentences_mentioning_chrome_words_stay():
    assert not is_chrome("来源于群众的诉求得到及时回应。")
    assert is_chrome("来源:区司法局")


@pytest.mark.parametrize("line", [
    "发布时间：2024-03-29 10:15:21  来源：沈阳市和平区人民政府办公室  浏览次数：1024  字号：[ 大 中 小 ]  打印  关闭",
    "地址：辽宁省沈阳市和平区南京南街1号 邮编：110001 电话：024-12345678 网站标识码：2101020001",
    "分享到：微信，微博，QQ空间",
    # page counters with a unit: since numbers after a label's colon are quantities, they must go here
    "浏览次数：1024次", "点击：54次", "阅读量：1.2万", "阅读人数:120人",
    # without a colon, alone or after the page's date (regression, session 22's value audit: 54次 was
    # a quantity)
    "点击 54 次", "2024-04-02 点击 54 次 来源:甘肃省司法厅", "2024-04-02 10:15 浏览量 1024",
    # navigation bars and breadcrumbs without a label (regression: a page of nothing but these was a report)
    "首页 | 登录", "网站首页 | 政务公开 | 联系我们", "首页 > 政务公开 > 法治政府", "关于我们 | 网站地图 | 联系我们",
    # site footers (regression, the analyst audit: they stayed in the text)
    "版权所有：济南市人民政府办公厅", "Copyright © 2024 沈阳市司法局 All Rights Reserved",
    "主办单位：沈阳市人民政府办公室 承办单位：沈阳市大数据管理局", "网站标识码：3701000001",
    "鲁ICP备05000000号-1", "鲁公网安备 37010202000001号", "版权所有：济南市人民政府 网站标识码：3701000001 鲁ICP备05000000号",
])
def test_combined_header_and_footer_lines_are_chrome(line):
    assert is_chrome(line)


def test_a_text_report_that_mentions_a_tag_stays_text(tmp_path: Path):
    """Regression: a .txt report with <p> anywhere in its first 2,048 characters was read as HTML,
    in which trafilatura found nothing, and the whole report was refused."""
    report = tmp_path / "report.txt"
    report.write_text("区司法局受理行政复议案件97件。网页用<p>标签分段。\n", encoding="utf-8")
    read = read_report(report)
    assert (read.text, read.meta["format"]) == ("区司法局受理行政复议案件97件。网页用<p>标签分段。", "text")


def test_a_text_report_that_names_a_page_tag_stays_text_and_a_saved_page_is_html(tmp_path: Path):
    """A .txt file is HTML when it begins as a page does, not when its text names <head>."""
    report = tmp_path / "web.txt"
    report.write_text("某市2023年法治政府建设情况报告\n全市网站统一在页面<head>中添加标识。受理行政复议案件97件。\n",
                      encoding="utf-8")
    assert read_report(report).meta["format"] == "text"
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html><html><body><p>区司法局全年受理行政复议案件97件，办结95件，调解成功率达到98%，"
                    "法律援助案件157件。</p></body></html>", encoding="utf-8")
    assert read_report(page).meta["format"] == "html" and "<p>" not in read_report(page).text


def test_an_html_fragment_too_short_for_trafilatura_gives_its_text():
    assert report_from_text("<p>受理行政复议案件97件，办结95件。</p>").text == "受理行政复议案件97件，办结95件。"
    assert report_from_text("<p>受理行政复议案件97件&amp;办结95件。</p>").text == "受理行政复议案件97件&办结95件。"
    with pytest.raises(UnreadableReport, match="no report text found in the HTML page"):
        report_from_text("<html><body><script>var a = 1;</script></body></html>")


def test_a_view_counter_line_gives_the_page_date_and_source():
    """Regression (review of session 22's chrome pattern): the line went as chrome, but its date,
    which has no label, was not read."""
    meta = report_from_text("某县司法局2024年法治政府建设情况报告\n2024-04-02 点击 54 次 来源:甘肃省司法厅\n"
                            "全年受理行政复议案件97件。\n", is_html=False).meta
    assert (meta["publish_date"], meta["publisher"]) == ("2024-04-02", "甘肃省司法厅")


@pytest.mark.parametrize("line", ["注册|12345件|同比增长12.5%", "注册/12件", "首页", "注册", "首页工作要点。",
                                  # a date alone may be the report's own (its signature); a sentence with 点击
                                  "2024年5月1日", "2024-04-02", "全年网站点击120万次。"])
def test_report_lines_that_start_with_a_navigation_word_stay(line):
    """A table row 注册|12345件 is report text: a navigation bar has two items or more and no digits."""
    assert not is_chrome(line)


def test_a_navigation_line_before_the_title_is_not_part_of_it():
    """Regression of the two-line title rule: 关于我们 was joined to the title, and the region became 们金华市."""
    meta = report_from_text("关于我们\n金华市2023年法治政府建设情况报告\n全市受理行政复议案件97件。\n", is_html=False).meta
    assert (meta["title"], meta["region"]) == ("金华市2023年法治政府建设情况报告", "金华市")


def test_a_fragment_keeps_no_script_style_or_comment():
    assert report_from_text("<div><script>var a = 1;</script><style>p {}</style>受理97件<!-- c > here --></div>"
                            ).text == "受理97件"


def test_a_page_of_nothing_but_navigation_is_unreadable(tmp_path: Path):
    page = tmp_path / "nav.html"
    page.write_text("<html><body><nav>首页 | 登录</nav><footer>版权所有</footer></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableReport, match="nothing but page chrome"):
        read_report(page)
    assert not is_chrome("首页工作要点。") and not is_chrome("登录后即可办理业务，")


def test_report_text_glued_to_a_chrome_line_is_kept():
    """Regression: 发表时间 : … followed by the report's first paragraph on the same line was
    removed as chrome, losing the paragraph (corpus/raw/texts/003.txt)."""
    line = "发表时间 : 2025-03-18 16:56:432024年以来,在市委市政府的正确领导下,市司法局坚持依法行政。现将主要情况报告如下:"
    assert is_chrome("发表时间 : 2025-03-18 16:56:43") and not is_chrome(line)
    assert not is_chrome("分享经验，推广做法。")
    report = report_from_text(f"厦门市司法局2024年法治政府建设工作情况报告\n{line}\n一、主要成效\n")
    assert line in report.text.splitlines()


def test_gb18030_and_bom(tmp_path: Path):
    text = "关于2024年法治政府建设情况的报告\n全年办理法律援助案件157件。"
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    gb, bom = read_report(tmp_path / "gb.txt"), read_report(tmp_path / "bom.txt")
    assert gb.text == bom.text == text
    assert gb.meta["encoding"] == "gb18030" and bom.meta["encoding"] == "utf-8-sig"


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于2024年法治政府建设情况的报告</title></head>
<body><div class="nav">首页 | 政务公开 | 通知公告</div>
<div class="article"><h1>关于2024年法治政府建设情况的报告</h1>
<p>2024年，区司法局坚持以习近平法治思想为指导，全面推进依法行政，全年办理法律援助案件157件，调解成功率达到98%。</p>
<p>受理行政复议申请32件、办结28件，行政机关负责人出庭应诉率达到100%，执法案卷评查覆盖全部执法部门。</p>
</div><div class="footer">扫一扫在手机打开当前页 版权所有</div></body></html>"""


def test_html_main_text(tmp_path: Path):
    path = tmp_path / "report.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    report = read_report(path)
    assert "全年办理法律援助案件157件" in report.text
    assert "受理行政复议申请32件" in report.text
    assert "首页 | 政务公开" not in report.text
    assert report.meta["format"] == "html" and report.meta["year"] == "2024"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no text"),
        (b"   \n\t ", "no text"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_unreadable_files_get_clear_errors(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(UnreadableReport, match=message):
        read_report(path)


def test_only_chrome_is_unreadable(tmp_path: Path):
    path = tmp_path / "chrome.txt"
    path.write_text("当前位置:首页 > 政务信息\n分享:\n", encoding="utf-8")
    with pytest.raises(UnreadableReport, match="chrome"):
        read_report(path)


def test_corpus_excerpt_header_is_provenance():
    report = report_from_text("# source: http://example.org/a.html\n# region: 天津市静海区\n# year: 2020\n\n正文。")
    assert report.text == "正文。"
    assert report.meta["source"] == "http://example.org/a.html"
    assert report.meta["region"] == "天津市静海区" and report.meta["year"] == "2020"


@pytest.mark.parametrize(
    ("header_region", "region", "publisher"),
    [
        # regression: the region column of `lawrep compare` read 天津市静海区司法局
        ("天津市静海区司法局", "天津市静海区", "天津市静海区司法局"),
        ("湖北省武汉市武汉经济技术开发区统计局", "湖北省武汉市", "湖北省武汉市武汉经济技术开发区统计局"),
        ("广东省中山市(中山年鉴2022·司法行政)", "广东省中山市", None),
        ("新疆维吾尔自治区巴音郭楞蒙古自治州", "新疆维吾尔自治区巴音郭楞蒙古自治州", None),
        ("甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县司法局", "甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县",
         "甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县司法局"),  # a 15-character county name
        ("天津经济技术开发区管理委员会", "天津经济技术开发区管理委员会", None),  # no division name: kept
    ],
)
def test_provenance_region_naming_a_body_is_split(header_region, region, publisher):
    meta = report_from_text(f"# region: {header_region}\n\n正文。").meta
    assert (meta["region"], meta["publisher"]) == (region, publisher)


def test_region_of_a_department_title():
    meta = report_from_text("浙江省绍兴市市场监督管理局2023年法治政府建设年度报告\n正文。").meta
    assert (meta["region"], meta["year"]) == ("浙江省绍兴市", "2023")


@pytest.mark.parametrize(("text", "year"), [
    ("区司法局工作总结\n\n深入贯彻《法治政府建设实施纲要（2021—2025年）》，推进依法行政。", None),
    ("区司法局工作总结\n\n落实2021至2025年规划，2023年受理行政复议案件30件。", "2023"),
    ("区司法局工作总结\n\n深入贯彻《法治政府建设实施纲要（2021—2025年）》，2024年受理案件30件。", "2024"),
    # no period: 截至/截止到 before a year (regression of the fix above: 至 and 到 alone were taken for dashes)
    ("区司法局工作总结\n\n截至2024年底，全区共受理行政复议案件30件。", "2024"),
    ("区司法局工作总结\n\n截止到2024年12月31日，受理30件。", "2024"),
    # the report's own title in 《》 keeps its year (it is no cited title)
    ("《朝阳市双塔区2023年法治政府建设年度报告》\n\n正文。", "2023"),
])
def test_a_cited_title_or_the_end_of_a_period_is_not_the_reports_year(text, year):
    """Regression: a report without a year in its title took 2025 from the plan it cited."""
    assert report_from_text(text).meta["year"] == year


def test_one_place_spelled_three_ways_gets_one_division_code():
    """Regression: 浙江省杭州市西湖区, 杭州市西湖区 and 西湖区 were three regions that no pivot lines
    up; the first two name one division, 西湖区 alone two (Hangzhou's and Nanchang's)."""
    codes = [report_from_text(f"{region}人民政府2024年法治政府建设年度报告\n\n正文。").meta["region_code"]
             for region in ("浙江省杭州市西湖区", "杭州市西湖区", "西湖区")]
    assert codes == ["330106", "330106", None]


def test_a_short_form_with_its_level_continues_the_region():
    """Regression: 青海省海西州格尔木市交通运输局 gave the region 青海省 (海西州 is a short form)."""
    meta = report_from_text("青海省海西州格尔木市交通运输局\n2025年法治政府建设工作总结\n\n正文。").meta
    assert (meta["region"], meta["region_code"]) == ("青海省海西州格尔木市", "632801")
    # but a city's short form is no level (苏州 of 苏州市): the chain stops before 苏州工业园区
    from lawrep_nlp.reader.metadata import division_chain

    assert division_chain("江苏省苏州市苏州工业园区管理委员会") == "江苏省苏州市"


@pytest.mark.parametrize(("head", "region"), [
    # regression (the analyst audit): the region pattern took words before a level character
    ("2023年度吉林市法治政府建设情况报告\n2023年，市司法局受理行政复议案件97件。", "吉林市"),
    ("关于2024年法治政府建设情况的报告\n我市领导主持召开依法治市委员会会议4次。", None),
    ("关于2023年法治政府建设情况的报告\n全面依法治省工作扎实推进。", None),
    # a short form that keeps its level is a region of its own
    ("黔西南州2023年法治政府建设情况报告\n正文。", "黔西南州"),
])
def test_a_region_names_a_division(head, region):
    assert report_from_text(head).meta["region"] == region


def test_the_year_a_report_was_delivered_is_not_its_year():
    """Regression: (2024年5月28日在市六届人大常委会第九次会议上) under the title gave the year 2024."""
    text = "重庆市人民政府关于法治政府建设情况的报告\n(2024年5月28日在市六届人大常委会第九次会议上)\n2023年，全市受理行政复议案件30件。"
    assert report_from_text(text).meta["year"] == "2023"


def test_a_page_that_states_no_date_gets_none(tmp_path: Path):
    """Regression: trafilatura guessed 2023-01-01 from a title that names the year 2023."""
    body = "<p>" + "2023年，市司法局受理行政复议案件97件，办结88件。" * 20 + "</p>"
    page = tmp_path / "r.html"
    page.write_text(f"<html><head><title>2023年法治政府建设情况报告</title></head><body><h1>2023年法治政府建设情况报告</h1>"
                    f"{body}</body></html>", encoding="utf-8")
    assert read_report(page).meta["publish_date"] is None
    dated = tmp_path / "d.html"
    dated.write_text(f'<html><head><meta name="PubDate" content="2024-03-05 10:00"></head><body>{body}</body></html>',
                     encoding="utf-8")
    assert read_report(dated).meta["publish_date"] == "2024-03-05"
