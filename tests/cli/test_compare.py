import csv
from pathlib import Path

from typer.testing import CliRunner

from lawrep_nlp.chart import bar_labels
from lawrep_nlp.cli import app

from ..conftest import SEEDS

runner = CliRunner()


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_compare_lines_up_reports(tmp_path: Path):
    out, chart = tmp_path / "table.csv", tmp_path / "chart.png"
    result = runner.invoke(app, ["compare", str(SEEDS), "--out", str(out), "--chart", str(chart),
                                 "--indicator", "reconsideration_cases_received"])
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    received = {(r["region"], r["year"]): r for r in rows if r["canonical"] == "reconsideration_cases_received"}
    # (朝阳市双塔区's row was the example until session 23, whose calibration maps its earlier
    # 转送行政复议申请材料8份 here by fuzzy matching: a known error, see docs/components/canonical.md)
    row = received["四平市铁西区", "2025"]  # 区司法局收到行政复议申请32件
    assert (row["value"], row["unit"], row["canonical_name"]) == ("32.0", "件", "行政复议案件受理(收案/办理)数")
    assert (row["publisher"], row["title"]) == ("四平市铁西区人民政府", "关于2025年度法治政府建设情况的报告")
    assert list(rows[0])[:7] == ["region", "region_code", "year", "publisher", "title", "group", "group_kind"]
    assert row["region_code"] == "220302"  # 吉林省四平市铁西区
    source = Path(row["file"]).read_text(encoding="utf-8")
    assert "行政复议申请32件" in row["sentence"] and row["sentence"] in source
    assert len({(r["file"], r["canonical"]) for r in rows}) == len(rows)  # one row per report and indicator
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000
    assert "chart of reconsideration_cases_received" in result.output


def the_one_row(tmp_path: Path, text: str) -> dict[str, str]:
    """The comparison row of a one-report folder that states one indicator (grouped by both)."""
    report = tmp_path / "one.txt"
    report.write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    result = runner.invoke(app, ["compare", str(report), "--out", str(out), "--group-by", "both"])
    assert result.exit_code == 0, result.output
    (row,) = read_rows(out)
    return row


def test_a_change_is_not_taken_for_the_level(tmp_path: Path):
    """Regression: the row took the report's first value, here a change, as its figure (12件, drawn
    beside other reports' levels); the level the report states is the row's value."""
    row = the_one_row(tmp_path, "受理行政复议案件同比下降12件，共受理行政复议案件30件。")
    assert (row["group"], row["value"], row["change"], row["max"]) == ("reconsideration_cases_received", "30.0", "", "")
    assert row["other_values"] == "12件"


def test_a_placeholder_is_not_taken_for_the_level(tmp_path: Path):
    """Regression (the analyst audit): a placeholder first (*件, a figure left to fill in) became
    the row's value (none), and the report left the chart; the value it states is the row's."""
    row = the_one_row(tmp_path, "今年已受理行政复议案件*件。全年共受理行政复议案件97件。")
    assert (row["group"], row["value"], row["placeholder"], row["other_values"]) == (
        "reconsideration_cases_received", "97.0", "False", "*件")


def test_a_chart_name_without_an_image_format_is_a_usage_error_before_the_run(tmp_path: Path):
    """Regression (the analyst audit): --chart ch wrote ch.png but named ch, and --chart ch.xyz failed
    only after every report was read."""
    for name in ("ch", "ch.xyz"):
        result = runner.invoke(app, ["compare", str(SEEDS), "--out", str(tmp_path / "t.csv"),
                                     "--chart", str(tmp_path / name)])
        assert result.exit_code == 2 and "names no image format: end it in" in result.output
        assert not (tmp_path / "t.csv").exists()
    drawn = runner.invoke(app, ["compare", str(SEEDS), "--out", str(tmp_path / "t.csv"), "--chart", str(tmp_path / "c.svg")])
    assert drawn.exit_code == 0 and (tmp_path / "c.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_an_indicator_without_a_chart_is_a_usage_error(tmp_path: Path):
    """Regression: --indicator without --chart was accepted and did nothing."""
    result = runner.invoke(app, ["compare", str(SEEDS), "--out", str(tmp_path / "t.csv"), "-i", "notarizations"])
    assert result.exit_code == 2 and "give --chart" in result.output and not (tmp_path / "t.csv").exists()


def test_unknown_indicator_is_a_usage_error(tmp_path: Path):
    result = runner.invoke(app, ["compare", str(SEEDS), "--out", str(tmp_path / "t.csv"), "--chart",
                                 str(tmp_path / "c.png"), "--indicator", "no_such_indicator"])
    assert result.exit_code == 2 and "unknown canonical indicator" in result.output
    assert not (tmp_path / "t.csv").exists()


def test_chart_of_an_indicator_no_report_states(tmp_path: Path):
    report = tmp_path / "one.txt"
    report.write_text("全年办理法律援助案件157件。\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(report), "--out", str(tmp_path / "t.csv"), "--chart",
                                 str(tmp_path / "c.png"), "--indicator", "notarizations"])
    assert result.exit_code == 1 and "no report states a value for notarizations" in result.output
    assert (tmp_path / "t.csv").exists() and not (tmp_path / "c.png").exists()


def test_chart_when_nothing_maps(tmp_path: Path):
    report = tmp_path / "one.txt"
    report.write_text("全区空气质量优良天数达到300天。\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(report), "--out", str(tmp_path / "t.csv"), "--chart",
                                 str(tmp_path / "c.png")])
    assert result.exit_code == 1 and "no report has a value for any indicator (grouped by canonical)" in result.output
    assert not (tmp_path / "c.png").exists()


def test_chart_labels_a_report_without_metadata_by_its_title_not_its_file(tmp_path: Path):
    report = tmp_path / "report_0417.txt"
    report.write_text("某县2023年法治政府建设年度报告\n\n全年共收到行政复议申请32件。\n", encoding="utf-8")
    out, chart = tmp_path / "t.csv", tmp_path / "c.png"
    result = runner.invoke(app, ["compare", str(report), "--out", str(out), "--chart", str(chart),
                                 "--indicator", "reconsideration_cases_received"])
    assert result.exit_code == 0, result.output
    (row, *_) = read_rows(out)
    assert (row["region"], row["publisher"], row["title"]) == ("", "", "某县2023年法治政府建设年度报告")
    assert bar_labels([row]) == ["某县2023年法治政府建设年度报告"]  # not report_0417


def test_compare_groups_by_key_and_by_both(tmp_path: Path):
    by_key, both = tmp_path / "key.csv", tmp_path / "both.csv"
    assert runner.invoke(app, ["compare", str(SEEDS), "--out", str(by_key), "--group-by", "key"]).exit_code == 0
    assert runner.invoke(app, ["compare", str(SEEDS), "--out", str(both), "--group-by", "both"]).exit_code == 0
    key_rows = read_rows(by_key)
    both_rows = read_rows(both)
    # 受理行政复议案件97件 of the 双塔区 report, by its key
    (row,) = [r for r in key_rows if r["group"] == "行政复议案件|受理|count" and r["region"] == "朝阳市双塔区"]
    assert (row["group_kind"], row["value"], row["indicator_key"]) == ("key", "97.0", "行政复议案件|受理|count")
    # both: the canonical id where there is one, the key (flagged) for the rest
    kinds = {r["group_kind"] for r in both_rows}
    assert kinds == {"canonical", "key"}
    assert all(r["group"] == r["canonical"] for r in both_rows if r["group_kind"] == "canonical")
    assert all(not r["canonical"] and r["group"] == r["indicator_key"] for r in both_rows if r["group_kind"] == "key")
    assert len(both_rows) > len({(r["file"], r["group"]) for r in key_rows if r["canonical"]})


def test_unknown_grouping_is_a_usage_error(tmp_path: Path):
    result = runner.invoke(app, ["compare", str(SEEDS), "--out", str(tmp_path / "t.csv"), "--group-by", "region"])
    assert result.exit_code == 2 and "--group-by is one of canonical, key, both" in result.output


def test_chart_of_a_key_is_titled_as_not_canonical():
    from lawrep_nlp.chart import chart_figure

    rows = [{"group": "解除矫正|-|people", "group_kind": "key", "canonical": None, "canonical_name": None,
             "region": region, "year": "2024", "publisher": None, "title": None, "value": value, "unit": "人",
             "approx": False} for region, value in (("朝阳市双塔区", 177.0), ("深圳市", 2033.0))]
    figure = chart_figure(rows, "解除矫正|-|people")
    assert figure.get_suptitle() == "解除矫正|-|people（非规范键）"
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["朝阳市双塔区 2024", "深圳市 2024"]


def test_excel_gets_a_byte_order_mark(tmp_path: Path):
    out = tmp_path / "table.csv"
    result = runner.invoke(app, ["compare", str(SEEDS / "001_3443002734612606.txt"), "--out", str(out), "--excel"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfregion,region_code,year,")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.DictReader(handle))["region"] == "朝阳市双塔区"


def test_a_canonical_id_with_group_by_key_is_refused_before_the_run(tmp_path: Path):
    """Regression: the whole run finished before "no report states a value" (exit 1)."""
    result = runner.invoke(app, ["compare", str(SEEDS), "--out", str(tmp_path / "t.csv"), "--group-by", "key",
                                 "--chart", str(tmp_path / "c.png"), "--indicator", "reconsideration_cases_received"])
    assert result.exit_code == 2 and not (tmp_path / "t.csv").exists()
    assert "is a canonical id; --group-by key groups by indicator keys" in " ".join(result.output.split())


def test_a_key_grouped_under_its_canonical_id_says_so(tmp_path: Path):
    """With --group-by both, 收到行政复议申请32件 is grouped under reconsideration_cases_received, not
    under its key: the refusal says why, instead of claiming that no report states it."""
    report = SEEDS / "002_9518513bb49fe602.txt"
    result = runner.invoke(app, ["compare", str(report), "--out", str(tmp_path / "t.csv"), "--chart",
                                 str(tmp_path / "c.png"), "--group-by", "both", "--indicator", "行政复议申请|受理|count"])
    assert result.exit_code == 1
    assert "a measurement that has a canonical id is grouped under the id, not its key: use --group-by key" in \
        " ".join(result.output.split())


def test_a_bad_file_among_good_ones_is_skipped_named_and_exits_1(tmp_path: Path):
    """The other reports are compared; the exit status says a file was left out."""
    folder = tmp_path / "reports"
    folder.mkdir()
    seed = next(SEEDS.glob("001_*.txt"))
    (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "junk.txt").write_bytes(b"\x00\xff\x00binary")
    out = tmp_path / "table.csv"
    result = runner.invoke(app, ["compare", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert f"skipped {folder / 'junk.txt'}: binary data (NUL bytes), not a text report" in result.output
    rows = read_rows(out)
    assert rows and {row["file"] for row in rows} == {str(folder / seed.name)}
