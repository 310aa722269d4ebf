"""The bar chart of one canonical indicator across reports (`lawrep compare --chart`).

Chinese labels are drawn with Noto Sans CJK SC from the mplfonts package (a dependency, SIL Open
Font License): the file is registered with matplotlib's font manager when a chart is drawn, so no
system font or rc file is needed and matplotlib's font cache cannot hide it. DejaVu Sans (matplotlib's own) is the
fallback for any character the CJK font lacks. Each unit (件, 宗, 起 …) gets its own panel: values
in different units never share an axis."""

from __future__ import annotations

import math
import re
from collections import Counter
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pipes.places.divisions import full_region_name

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The bundled CJK font: package and file name inside its fonts/ folder.
FONT_PACKAGE, FONT_FILE = "mplfonts", "NotoSansCJKsc-Regular.otf"
#: matplotlib's own font, for what the CJK font cannot draw.
FALLBACK_FAMILY = "DejaVu Sans"
#: Label of a report that names neither region, publisher nor title (N = 1, 2, … in row order).
UNNAMED = "未署名报告 {}"
#: Titles longer than this are shortened (with …) in bar labels.
MAX_LABEL = 28
BAR_COLOR = "#4c72b0"


def cjk_font_path() -> Path:
    """The CJK font file inside the mplfonts package."""
    return Path(str(resources.files(FONT_PACKAGE) / "fonts" / FONT_FILE))


def register_cjk_font() -> str:
    """Make the bundled CJK font known to matplotlib (idempotent) and return its family name
    (Noto Sans CJK SC). It is put first among the fonts, so that a system font of the same
    family name never stands in for it."""
    from matplotlib import font_manager

    path = str(cjk_font_path())
    manager = font_manager.fontManager
    if not any(font.fname == path for font in manager.ttflist):
        manager.addfont(path)  # clears findfont's cache; nothing is written to disk
        manager.ttflist[:] = ([font for font in manager.ttflist if font.fname == path]
                              + [font for font in manager.ttflist if font.fname != path])
    return font_manager.FontProperties(fname=path).get_name()


def font_families() -> list[str]:
    """The font family list charts are drawn with: the bundled CJK font, then DejaVu Sans."""
    return [register_cjk_font(), FALLBACK_FAMILY]


#: A publisher that reports for its region as a whole: the government, or the justice side that
#: writes the government's report (司法局, 法制办, 依法治市办, an office of theirs such as
#: 法治调研督察处); any other body is a department, named in the label.
WHOLE_REGION_BODY = re.compile(r"(?:人民政府|政府|政府办公室|政府办公厅)$|司法|法制|法治|依法治")
#: A publisher that is a body at all (not a date or 本网 misread as one).
BODY = re.compile(r"(?:局|厅|委|委员会|办|办公室|中心|院|所|会|处)$")
MAX_DEPARTMENT = 12


def department_of(publisher: str, region: str = "") -> str:
    """The publishing department without the part of its name that the region already says
    (广东省深圳市卫生健康委员会 in 广东省深圳市 → 卫生健康委员会, 广东省广州市水务局 in 广东省 → 广州市水务局),
    or "" when the publisher reports for its whole region or is no body."""
    if not BODY.search(publisher) or WHOLE_REGION_BODY.search(publisher):
        return ""
    overlap = next((len(region) - start for start in range(len(region) - 1)
                    if publisher.startswith(region[start:])), 0)  # the longest end of the region it starts with
    department = publisher[overlap:]
    return department if len(department) <= MAX_DEPARTMENT else department[:MAX_DEPARTMENT - 1] + "…"


def bar_labels(rows: list[dict[str, Any]]) -> list[str]:
    """One label per row: region (its division's full names when the row has a region_code, so
    that one place spelled two ways gets one label), the publishing department when it is not the
    region's government or justice bureau (a department's count is not the region's: regression,
    钟楼区's 人社局 stood as 钟楼区), and year; else publisher and year; else the title; else
    未署名报告 N — never a file name. A label that repeats gets (2), (3) … appended."""
    labels, unnamed = [], 0
    for row in rows:
        year = field_text(row.get("year"))
        region, publisher = field_text(row.get("region")), field_text(row.get("publisher"))
        department = department_of(publisher, region)  # as the publisher spells the place
        if code := field_text(row.get("region_code")):  # one spelling per place: the division's full names
            region = full_region_name(code) or region
        name = f"{region} {department}".strip() if region else publisher
        title = field_text(row.get("title"))
        if name:
            label = f"{name} {year}".strip()
        elif title:
            label = title if len(title) <= MAX_LABEL else title[:MAX_LABEL - 1] + "…"
        else:
            unnamed += 1
            label = UNNAMED.format(unnamed)
        labels.append(label)
    seen: Counter[str] = Counter()
    distinct = []
    for label in labels:
        seen[label] += 1
        distinct.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return distinct


#: Approximation words that state a bound, not an approximate value (超4600万次 is more than
#: 4600万; 2小时以内 at most 2 hours): marked ≥ or ≤, the others (余, 多, 约, 左右, 近 …) ≈.
AT_LEAST = ("以上", "超", "超过", "逾", "不少于", "不低于")
AT_MOST = ("以下", "以内", "不超过")


def value_mark(approx: str) -> str:
    """The sign before a bar's value: "" for an exact value, ≥/≤ for a bound, ≈ for the rest."""
    if not approx:
        return ""
    return "≥" if approx in AT_LEAST else "≤" if approx in AT_MOST else "≈"


def field_text(value: Any) -> str:
    """A field as label text: "" for None, False, NaN (a pandas gap) and blanks; 2024.0 as 2024."""
    if value is None or value is False or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number_text(value: float) -> str:
    """A value as its digits, never in exponent form (4.35亿元 is 435000000元, not 4.35e+08元)."""
    text = format(Decimal(repr(float(value))).normalize(), "f")
    return text[:-2] if text.endswith(".0") else text


def unit_label(unit: str) -> str:
    """The x-axis label of a panel."""
    return f"单位：{unit}" if unit else "数值（无单位）"


def row_group(row: dict[str, Any]) -> str | None:
    """What a row of `lawrep compare` is grouped by: its ``group`` (a canonical id or an
    open-vocabulary key), else its canonical id (rows made by hand)."""
    return row.get("group") or row.get("canonical")


def chart_figure(rows: list[dict[str, Any]], canonical: str) -> Figure:
    """The chart of one indicator (a canonical id, or a key when the table was grouped by key)
    across reports, as a matplotlib Figure (not drawn yet): one panel per unit, the unit with
    the most reports on top; in each, one horizontal bar per report, largest first, hatched and
    marked ≈ where the value is approximate, ≥ or ≤ where it is a bound, with both ends of a range
    (10–20件). A change (row["change"]: 同比下降12件) is no level and is left out. Raises ValueError
    when no report states a value for the indicator."""
    from matplotlib.figure import Figure

    chosen = [row for row in rows if row_group(row) == canonical and field_text(row["value"])
              and not field_text(row.get("change"))]
    if not chosen:
        raise ValueError(f"no report states a value for {canonical}")
    families = font_families()
    labelled = list(zip(bar_labels(chosen), chosen, strict=True))
    by_unit: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for label, row in labelled:
        by_unit.setdefault(field_text(row.get("unit")), []).append((label, row))
    panels = sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0]))
    heights = [len(bars) + 0.6 for _, bars in panels]  # the same bar thickness in every panel
    figure = Figure(figsize=(9.0, 0.5 + sum(0.42 * height + 0.75 for height in heights)), layout="constrained")
    axes_list = figure.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for axes, (unit, bars) in zip(axes_list, panels, strict=True):
        bars = sorted(bars, key=lambda pair: pair[1]["value"])
        drawn = axes.barh(range(len(bars)), [row["value"] for _, row in bars], color=BAR_COLOR,
                          hatch=["//" if field_text(row["approx"]) else "" for _, row in bars], edgecolor="white")
        for bar, (_, row) in zip(drawn, bars, strict=True):
            upper = f"–{number_text(row['max'])}" if field_text(row.get("max")) else ""
            text = f" {value_mark(field_text(row['approx']))}{number_text(row['value'])}{upper}{unit}"
            axes.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center", fontsize=9,
                          fontfamily=families, parse_math=False)
        # parse_math off: a $ in a title or name is a character (regression: $x^2$ was drawn as x²)
        axes.set_yticks(range(len(bars)), [label for label, _ in bars], fontsize=9, fontfamily=families,
                        parse_math=False)
        axes.set_xlabel(unit_label(unit), fontfamily=families, parse_math=False)
        axes.ticklabel_format(axis="x", style="plain", useOffset=False)  # 4350000, not 1e6 at the axis end
        axes.spines[["top", "right"]].set_visible(False)
        axes.margins(x=0.15)
    name = field_text(chosen[0].get("canonical_name")) or canonical
    if chosen[0].get("group_kind") == "key":
        name = f"{canonical}（非规范键）"  # an open-vocabulary key: no taxonomy entry names it
    figure.suptitle(f"{name}（{canonical}）" if name != canonical and chosen[0].get("group_kind") != "key" else name,
                    fontfamily=families, parse_math=False)
    return figure


def write_chart(rows: list[dict[str, Any]], canonical: str, path: Path, *, dpi: int = 120) -> int:
    """Draw `chart_figure` to `path` (the format follows its suffix; PNG for .png). Returns the
    number of bars; raises ValueError when no report states a value for the indicator."""
    figure = chart_figure(rows, canonical)
    figure.savefig(path, dpi=dpi)
    return sum(len(axes.patches) for axes in figure.axes)
