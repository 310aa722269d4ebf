"""Report metadata read from the text and its chrome: title, region, year, publisher, date."""

from __future__ import annotations

import re

from ..numerals import FULLWIDTH_DIGITS
from ..pipes.places.divisions import full_name_finder, level_name_finder
from ..script import matching_form
from ..sentences import is_heading

TITLE_HINT_RE = re.compile(r"(报告|情况|总结|工作要点|年度报告)")
#: A year, not the year of the day a report was delivered (2024年5月28日在市人大常委会会议上), which
#: is after the year it covers (regression: that year was taken); 截至2024年12月31日 stays 2024.
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*(?:年度|年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*在))")
#: a title cited in the text (《法治政府建设实施纲要（2021—2025年）》): its years are not the report's
CITED_TITLE_RE = re.compile(r"《[^《》\n]{0,80}》")
#: a period's first year and its dash, right before a year (2021—2025年, 2021至2025年): that last year
#: is not the report's (截至2024年 is no period: no year before 至)
PERIOD_START_RE = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—–\-－~～至到]\s*$")
#: The value after a source label, on the same line (an empty 来源: at a line's end names nothing:
#: regression, the next line, the title, was taken); not another label (来源: 发布时间:…).
PUBLISHER_RE = re.compile(r"(?:来源|信息来源|文章来源|发布机构|发布单位)[ \t\u3000]*[:：][ \t\u3000]*"
                          r"(?!(?:发布|时间|日期|更新|关键词|作者|浏览|字号)[^:：]{0,4}[:：])([^\s|　]+)")
#: What a source label says when the site itself published the page: no publisher named.
THIS_SITE = {"本网", "本站", "本网站", "原创"}
_DATE = r"((?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)"
DATE_RE = re.compile(rf"(?:发布时间|发布日期|更新时间|更新日期|时间|日期|发表时间|成文日期)\s*[:：]\s*{_DATE}")
#: The date that opens a page's view-counter line (2024-04-02 点击 54 次 来源:…), which has no label.
COUNTER_LINE_DATE_RE = re.compile(rf"^{_DATE}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*(?:浏览|点击|阅读|访问)",
                                  re.MULTILINE)
#: A region: one or more administrative-division names (…省/市/区/县/州/旗/盟), as in the title
#: 朝阳市双塔区人民政府2024年… → 朝阳市双塔区.
_NAME = r"[^\W\d_委院及和与党的在对为是了将把等各全我本于、，,。]"
REGION_RE = re.compile(
    rf"((?:{_NAME}{{2,9}}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|州|旗|盟)){{1,3}}?)"
    r"(?=人民政府|政府|司法局|司法厅|法治|依法治|委员会|[0-9０-９]{4}|关于|$)"
)
#: A line that names the issuing body alone (not the first half of a title cut in two:
#: 金华市教育局关于2023年法治政府 | 建设工作情况的报告).
ISSUER_RE = re.compile(r"(?!.*关于)[^\s，。,]{2,20}(?:人民政府|政府|司法局|司法厅|委员会|办公室|管理局|局)")
GENERIC_REGIONS = {"全区", "全市", "全县", "全省", "我区", "我市", "我县", "本区", "本市", "各区", "各县"}


def division_chain(text: str) -> str | None:
    """The first run of consecutive division names in `text` that starts with a full name:
    浙江省绍兴市市场监督管理局 → 浙江省绍兴市, 湖北省武汉市武汉经济技术开发区统计局 → 湖北省武汉市.
    After a full name a short form that keeps its level goes on (青海省海西州格尔木市交通运输局 →
    青海省海西州格尔木市); other short forms (武汉) are ordinary words inside body names."""
    names, levels = full_name_finder(), level_name_finder()
    for start in range(len(text)):
        if (name := names.at(text, start)) is None:
            continue
        end = start + len(name)
        while (following := names.at(text, end) or levels.at(text, end)) is not None:
            end += len(following)
        return text[start:end]
    return None


def known_division(text: str) -> str | None:
    """:func:`division_chain` of `text`, or `text` itself when it is a short form that keeps its
    level (黔西南州); None when it names no division."""
    if chain := division_chain(text):
        return chain
    return text if level_name_finder().at(text, 0) == text else None


def region_and_issuer(value: str) -> tuple[str, str | None]:
    """Split a provenance region that names a body (天津市静海区司法局) into the region
    (天津市静海区) and the issuing body (the whole value). A value that starts with no division
    name, or whose rest is a bracketed note (福建省厦门市(统计年鉴·司法工作)), has no body."""
    place = division_chain(value)
    if place is None or not value.startswith(place):
        return value, None
    rest = value[len(place):]
    return place, value if rest and not rest.startswith(("(", "（")) else None


def normalise_date(text: str) -> str:
    numbers = re.findall(r"\d+", text)
    return f"{int(numbers[0]):04d}-{int(numbers[1]):02d}-{int(numbers[2]):02d}" if len(numbers) >= 3 else text


def find_title(lines: list[str]) -> int | None:
    """Which of the first lines is the first short one near the top that reads like a report title."""
    for index, line in enumerate(lines[:8]):
        stripped = line.strip()
        if (6 <= len(stripped) <= 60 and TITLE_HINT_RE.search(stripped) and not is_heading(stripped)
                and not stripped.endswith(("。", "：", ":"))):
            return index
    return None


def matching_view(text: str) -> str:
    """What the patterns read: simplified characters and ASCII digits, as long as `text`, so a
    report in traditional characters or full-width digits gives the metadata of its simplified,
    ASCII-digit twin (regression: 關於２０２５年度… had no title and no year)."""
    return matching_form(text).translate(FULLWIDTH_DIGITS) if text else text


def _title_cut_in_two(before: str, title: str) -> bool:
    """A title line whose first half is the line before it: 金华市教育局关于2023年法治政府 |
    建设工作情况的报告 (regression: the title was its second half)."""
    before, title = before.strip(), title.strip()
    # an issuer, then 关于 and the start of the subject; not a navigation item such as 关于我们
    return (re.fullmatch(r"[^\s|｜>，,。：:；]{2,30}关于[^\s|｜>，,。：:；]{4,}", before) is not None
            and not TITLE_HINT_RE.search(before) and len(before) + len(title) <= 60)


def report_year(text: str, *, cited_titles: bool = True) -> str | None:
    """The first year in `text` that does not end a period (2021—2025年) and, with
    `cited_titles`, is not inside a title the text cites (《…》; the report's own title may be
    written in 《》 itself): regression, a report without a year in its title took 2025 from the
    《法治政府建设实施纲要（2021—2025年）》 it cited."""
    if cited_titles:
        text = CITED_TITLE_RE.sub(lambda match: " " * len(match.group()), text)
    for match in YEAR_RE.finditer(text):
        if not PERIOD_START_RE.search(text, 0, match.start()):
            return match.group(1)
    return None


def extract_metadata(
    text: str, chrome: list[str], html_meta: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    """Metadata of one report; every field is None when the report does not say. The title is as
    written; region, year, publisher and date are read in simplified characters and ASCII digits."""
    html_meta = html_meta or {}
    written = [line for line in text.split("\n") if line.strip()][:8]
    lines = [matching_view(line) for line in written]  # the head is all that is read
    title_index = find_title(lines)
    # the title as written; the fields below as read (simplified, ASCII digits), so that they line up
    title_as_written = written[title_index].strip() if title_index is not None else html_meta.get("title")
    if title_index and _title_cut_in_two(lines[title_index - 1], lines[title_index]):
        title_as_written = written[title_index - 1].strip() + written[title_index].strip()
    title = matching_view(title_as_written) if title_as_written else None
    chrome_read = [matching_view(line) for line in chrome]
    header = "\n".join(chrome_read + lines[:6])
    publisher = None
    if (match := PUBLISHER_RE.search(header)) and match.group(1) not in THIS_SITE:
        publisher = match.group(1)
    else:  # an issuer line above the title: 四平市铁西区人民政府
        publisher = next((line.strip() for line in lines[:3] if ISSUER_RE.fullmatch(line.strip())), None)
    publish_date = None
    if (match := DATE_RE.search(header)) or (match := COUNTER_LINE_DATE_RE.search("\n".join(chrome_read))):
        publish_date = normalise_date(match.group(1))
    elif html_meta.get("date"):
        publish_date = html_meta["date"]
    year = report_year(title or "", cited_titles=False) or report_year(matching_view(text[:400]))
    region = None
    for source in (title or "", publisher or "", "\n".join(lines[:3])):
        for match in REGION_RE.finditer(source):
            # the division names inside what the pattern found: 年度吉林市 → 吉林市; none in
            # 面依法治市 or 多次主持召开省 (regression: such strings were given as the region)
            if match.group(1) not in GENERIC_REGIONS and (region := known_division(match.group(1))):
                break
        if region:
            break
    if region is None:  # a body the pattern does not know: 浙江省绍兴市市场监督管理局2023年…
        region = next((chain for source in (title or "", publisher or "") if (chain := division_chain(source))),
                      None)
    return {"title": title_as_written, "region": region, "year": year,
            "publisher": publisher or html_meta.get("sitename"), "publish_date": publish_date}
