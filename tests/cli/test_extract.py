import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawrep_nlp.cli import app
from lawrep_nlp.cli.extract import atomic_output, collect_files

from ..conftest import SEEDS

runner = CliRunner()


def seed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("000_2da538da58d27d43.txt", "002_9518513bb49fe602.txt"):
        shutil.copy(SEEDS / name, folder / name)
    return folder


def test_unreadable_file_among_good_ones(tmp_path: Path):
    folder = seed_folder(tmp_path)
    (folder / "junk.txt").write_bytes(b"\x00\xff\x00binary")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert "junk.txt" in result.output and "empty.txt" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(r["file"]).name for r in records) == ["000_2da538da58d27d43.txt", "002_9518513bb49fe602.txt"]
    first = records[0]
    assert first["title"] == "关于2025年法治政府建设情况的报告" and first["year"] == "2025"
    assert first["sentences"][0]["text"] == "关于2025年法治政府建设情况的报告"
    for sentence in first["sentences"]:
        assert first["text"][sentence["start"]:sentence["end"]] == sentence["text"]


def test_csv_output(tmp_path: Path):
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["extract", str(seed_folder(tmp_path)), "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:7] == ["file", "title", "region", "region_code", "year", "publisher", "indicator"]
    row = next(r for r in rows if r["quantity_text"] == "157件")
    assert (row["indicator"], row["value"], row["unit"], row["year"]) == ("法律援助案件", "157.0", "件", "2025")


@pytest.mark.parametrize(("name", "option", "first_line"), [
    ("out.csv", [], "file,title,region,region_code,year,publisher,indicator"),  # regression: JSONL was written into out.csv
    ("OUT.CSV", [], "file,title,region,region_code,year,publisher,indicator"),
    ("out.jsonl", [], '{"file": '),
    ("out.txt", [], '{"file": '),
    ("out.csv", ["--format", "jsonl"], '{"file": '),  # an explicit format wins
])
def test_the_output_format_follows_the_file_name(tmp_path: Path, name, option, first_line):
    out = tmp_path / name
    result = runner.invoke(app, ["extract", str(seed_folder(tmp_path)), "--out", str(out), *option])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith(first_line)


def test_excel_csv_starts_with_a_byte_order_mark(tmp_path: Path):
    out, reports = tmp_path / "out.csv", seed_folder(tmp_path)
    result = runner.invoke(app, ["extract", str(reports), "--out", str(out), "--excel"])
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbffile,title,")
    jsonl = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(reports), "--out", str(jsonl), "--excel"])
    assert result.exit_code == 2 and "--excel applies to CSV" in result.output and not jsonl.exists()


def test_excel_keeps_formulas_out_of_text_cells():
    """A title, sentence or file name beginning with = + - @ would run as a formula in Excel
    (=HYPERLINK(…)); with --excel such a text cell gets a leading ', and numbers stay numbers."""
    from lawrep_nlp.cli.extract import excel_safe

    row = {"title": '=HYPERLINK("http://example.org","报告")', "sentence": "-全年受理行政复议案件97件",
           "publisher": "区司法局", "value": -3.0, "year": "2024"}
    assert excel_safe(row) == {"title": '\'=HYPERLINK("http://example.org","报告")', "sentence": "'-全年受理行政复议案件97件",
                               "publisher": "区司法局", "value": -3.0, "year": "2024"}


def test_the_summary_names_what_the_folder_scan_and_the_table_leave_out(tmp_path: Path):
    """Regression: a report with no measurement had no CSV row and .doc or hidden files were
    passed over, all without a word; the summary names them."""
    folder = seed_folder(tmp_path)
    (folder / "english.txt").write_text("An annual report in English only.\n", encoding="utf-8")
    (folder / "report.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "._english.txt").write_bytes(b"\x00\x05\x16\x07")  # a macOS resource fork
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.txt").write_text("全年受理行政复议案件97件。\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["extract", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"1 document without any measurement, so without a row: {folder / 'english.txt'}" in result.output
    assert "3 documents → " in result.output
    assert "not read in the folders: hidden 2, .doc 1" in result.output


def test_a_table_row_of_an_html_report_is_linked(tmp_path: Path):
    # regression: trafilatura writes a row as "| 人民调解案件 | 1200件 |" and the cell bar kept them apart
    page = tmp_path / "report.html"
    page.write_text("<html><head><title>区司法局2024年工作总结</title></head><body><div><p>2024年，区司法局全年受理"
                    "行政复议申请32件，办结28件，依法履行行政复议职责，推进法治政府建设。</p><table>"
                    "<tr><td>指标</td><td>数量</td></tr><tr><td>人民调解案件</td><td>1200件</td></tr>"
                    "<tr><td>法律援助案件</td><td>157件</td></tr></table></div></body></html>", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(page), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    found = {(m["indicator"], m["value"]) for m in record["measurements"]}
    assert {("人民调解案件", 1200.0), ("法律援助案件", 157.0), ("行政复议申请", 32.0)} <= found


def test_missing_path_is_a_usage_error(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path / "nope"), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()


@pytest.mark.parametrize(("command", "missing"), [
    ("extract", "doc._.links (lawrep_indicators)"),  # a sentencizer is there
    ("compare", "doc._.links (lawrep_indicators), span._.canonical (lawrep_canonical)"),
])
def test_a_pipeline_without_the_lawrep_components_is_a_usage_error(tmp_path: Path, command: str, missing: str):
    """Regression: a blank pipeline as --model ended in spaCy's E030 (extract) or a KeyError (compare)."""
    import spacy

    blank = spacy.blank("zh")
    blank.add_pipe("sentencizer")
    blank.to_disk(tmp_path / "blank")
    result = runner.invoke(app, [command, str(next(SEEDS.glob("*.txt"))), "--out", str(tmp_path / "x.csv"),
                                 "--model", str(tmp_path / "blank")])
    assert result.exit_code == 2
    assert f"cannot be used here: no enabled component assigns {missing}" in " ".join(result.output.split())
    assert not (tmp_path / "x.csv").exists()


def test_failed_write_leaves_no_partial_file(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    try:
        with atomic_output(out) as handle:
            handle.write("partial")
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_collect_files_skips_other_files(tmp_path: Path):
    folder = seed_folder(tmp_path)
    (folder / "notes.md").write_text("x")
    (folder / "page.html").write_text("<html></html>")
    assert [p.name for p in collect_files([folder])] == ["000_2da538da58d27d43.txt", "002_9518513bb49fe602.txt",
                                                          "page.html"]


def test_a_folder_that_cannot_be_listed_is_named(tmp_path: Path, monkeypatch):
    """Regression: reports in a subfolder without read permission were left out without a word
    (Path.rglob skips what it cannot list). Simulated: the tests may run as root, who can list it."""
    folder = seed_folder(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    shutil.copy(next(SEEDS.glob("*.txt")), locked / "report.txt")
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(function):
        def call(path="."):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return function(path)
        return call

    monkeypatch.setattr(os, "scandir", refuse(real_scandir))
    monkeypatch.setattr(os, "listdir", refuse(real_listdir))
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert f"skipped {locked}: cannot read this folder: Permission denied (its reports are left out)" in \
        " ".join(result.output.split())
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_info():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert "lawrep_zh" in result.output and "lawrep.ChineseTokenizer.v1" in result.output
    assert "disabled: tok2vec, ner" in result.output
    assert "built: linker boundary model\n  built_by: lawrep_indicators.initialize" in result.output
    assert "data: lawrep-nlp corpus" in result.output
    # regression: scores read back by spaCy's JSON reader printed as 0.9508000000000001
    assert "test split: ORG_f 0." in result.output and "00000000" not in result.output


def test_console_script_multiprocess(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    exe = Path(sys.executable).with_name("lawrep")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "lawrep_nlp.cli"]
    proc = subprocess.run([*command, "extract", str(seed_folder(tmp_path)), "--out", str(out), "--n-process", "2"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_jsonl_carries_quantities(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(seed_folder(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    quantity = next(e for e in record["entities"] if e["text"] == "400余场次")
    assert (quantity["label"], quantity["value"], quantity["unit"], quantity["approx"]) == ("QUANTITY", 400.0, "场次", "余")
    assert record["text"][quantity["start"]:quantity["end"]] == "400余场次"
