"""Hypothesis strategies: arbitrary Unicode and text shaped like the reports (numbers with units
and approximation words, 《titles》 — balanced or not —, quoted names, chrome lines, headings)."""

from hypothesis import strategies as st

WORDS = ["区司法局", "办理", "法律援助案件", "受理", "行政复议申请", "办结", "调解成功率", "达到", "开展",
         "普法活动", "培训", "执法人员", "全年", "共", "其中", "同比增长", "由", "提升至", "分别为", "推进",
         "依法行政", "市人民政府", "沈阳市", "铁西区", "2025年", "上半年", "一是", "二是", "的", "和"]
NUMBERS = ["97", "1.7万", "2.03亿", "1,234", "２０２", "一百二十", "两千", "百分之九十八", "3倍", "*", "0",
           "10—20", "96.67", "12345", "第三", "〔2024〕5号", "1+7+9+15",
           # beyond what a float holds: kept with value None and out_of_range (issue 18)
           "1" + "0" * 400, "9" * 310 + ".5", "亿" * 40, "1e999", "3—" + "9" * 400]
APPROX = ["", "", "余", "多", "左右", "以上", "近", "约", "超过"]
UNITS = ["件", "人次", "名", "%", "‰", "元", "万元", "学时", "小时", "天", "个", "项", "场次", "", "平方米"]
PUNCT = ["，", "、", "。", "；", "：", "！", "？", "\n", " ", "（", "）", "(", ")", "—", "…", "\u3000",
         "\u200b", "\ufeff", "\u00ad"]  # invisible characters, as scraped pages carry them
CHROME = ["当前位置：首页 > 政务公开", "【字号：大 中 小】", "分享：", "扫一扫在手机打开当前页",
          "设为首页 | 收藏本站", "浏览：123", "附件：", "---此处隐藏1200字,下载后查看---"]
HEADINGS = ["一、", "（一）", "(二)", "1.", "三是"]

words = st.sampled_from(WORDS)


@st.composite
def quantities(draw: st.DrawFn) -> str:
    approx_before = draw(st.sampled_from(["", "", "近", "约", "超过"]))
    return approx_before + draw(st.sampled_from(NUMBERS)) + draw(st.sampled_from(APPROX)) + draw(st.sampled_from(UNITS))


@st.composite
def titles(draw: st.DrawFn) -> str:
    inner = "".join(draw(st.lists(words, min_size=0, max_size=4)))
    opening, closing = draw(st.sampled_from([("《", "》"), ("〈", "〉"), ("《", ""), ("", "》"), ("《《", "》")]))
    return opening + inner + draw(st.sampled_from(["条例", "办法", "法", "意见", ""])) + closing


@st.composite
def quoted(draw: st.DrawFn) -> str:
    inner = draw(st.sampled_from(["放管服", "首违不罚", "三项制度", "关键少数", "八五", "双随机、一公开", ""]))
    opening, closing = draw(st.sampled_from([("“", "”"), ("‘", "’"), ("\"", "\""), ("“", "")]))
    return opening + inner + closing + draw(st.sampled_from(["", "改革", "机制", "普法"]))


fragments = st.one_of(words, quantities(), titles(), quoted(), st.sampled_from(PUNCT), st.sampled_from(CHROME),
                      st.sampled_from(HEADINGS), st.text(max_size=3))

#: Text shaped like the reports.
report_like_text = st.lists(fragments, max_size=40).map("".join)
#: Any Unicode text (control characters, emoji, combining marks, other scripts; no lone surrogates).
any_text = st.text(max_size=200)

#: Long documents: report-like text repeated up to a few tens of thousands of characters, with
#: runs that have no sentence end (longer than the sentencizer's cap when repeated without 。).
long_report_text = st.tuples(report_like_text, st.integers(min_value=1, max_value=80),
                             st.sampled_from(["", "，", "、", "。\n"])).map(lambda t: (t[0] + t[2]) * t[1])
