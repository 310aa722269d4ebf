import csv
from pathlib import Path

from typer.testing import CliRunner

from lawrep_nlp.cli import app

from ..conftest import SEEDS

runner = CliRunner()


def test_compare_lines_up_reports(tmp_path: Path):
    out, chart = tmp_path / "table.csv", tmp_path / "chart.png"
    result = runner.invoke(app, ["compare", str(SEEDS), "--out", str(out), "--chart", str(chart),
                                 "--indicator", "reconsideration_cases_received"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    received = {(r["region"], r["year"]): r for r in rows if r["canonical"] == "reconsideration_cases_received"}
    row = received["朝阳市双塔区", "2024"]  # 受理行政复议案件97件
    assert (row["value"], row["unit"], row["canonical_name"]) == ("97.0", "件", "行政复议案件受理(收案/办理)数")
    source = Path(row["file"]).read_text(encoding="utf-8")
    assert "行政复议案件97件" in row["sentence"] and row["sentence"] in source
    assert len({(r["file"], r["canonical"]) for r in rows}) == len(rows)  # one row per report and indicator
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000
    assert "chart of reconsideration_cases_received" in result.output


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
    assert result.exit_code == 1 and "no report has a value for any canonical indicator" in result.output
    assert not (tmp_path / "c.png").exists()
