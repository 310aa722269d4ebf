"""Bad input end to end through `lawrep extract`: every bad file gets a clear message and the
documented exit status (1 when files were skipped), every good file is in the output, and no
partial output file is ever left behind."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from typer.testing import CliRunner

from lawrep_nlp.cli import app
from lawrep_nlp.cli.extract import extract
from lawrep_nlp.reader import read_report

from ..conftest import SEEDS

runner = CliRunner()
SEED = SEEDS / "000_2da538da58d27d43.txt"
GB_SEED = SEEDS / "002_9518513bb49fe602.txt"
CASES_OF_LEGAL_AID = "全年办理法律援助案件157件，接待群众1.7万余人次，调解成功率达到98%。\n"


def lawrep_command() -> list[str]:
    exe = Path(sys.executable).with_name("lawrep")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "lawrep_nlp.cli"]


def records(out: Path) -> dict[str, dict]:
    return {Path(r["file"]).name: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """Good reports in every accepted form, next to every kind of bad file."""
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copy(SEED, folder / "good.txt")
    (folder / "gb18030.txt").write_bytes(GB_SEED.read_text(encoding="utf-8").encode("gb18030"))
    (folder / "page.html").write_text("<html><head><title>报告</title></head><body><div>当前位置：首页</div>"
                                      f"<p>{CASES_OF_LEGAL_AID}</p></body></html>", encoding="utf-8")
    (folder / "traditional.txt").write_text("區司法局受理行政複議申請32件，辦結28件。\n", encoding="utf-8")
    (folder / "fullwidth.txt").write_text("办理法律援助案件１５７件。\n", encoding="utf-8")
    (folder / "english.txt").write_text("The bureau handled 157 legal aid cases in 2024.\n", encoding="utf-8")
    good_bytes = SEED.read_bytes()
    line_end = good_bytes.index(b"\n", 3000)  # a character boundary
    (folder / "one_bad_byte.txt").write_bytes(good_bytes[:line_end] + b"\xff" + good_bytes[line_end:])
    # regression: one NUL byte made a whole report "binary data"
    (folder / "stray_nul.txt").write_bytes(good_bytes[:line_end] + b"\x00" + good_bytes[line_end:])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "whitespace.txt").write_text(" \n\t\n\u3000\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "noise.txt").write_bytes(bytes((i * 7919 + 13) % 255 + 1 for i in range(4000)))
    (folder / "huge.txt").write_text(CASES_OF_LEGAL_AID * (10_000_000 // len(CASES_OF_LEGAL_AID.encode())),
                                     encoding="utf-8")
    (folder / "dangling.txt").symlink_to(folder / "removed.txt")
    (folder / "loop.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")  # regression: reading it waited for ever
    return folder


GOOD = {"good.txt", "gb18030.txt", "page.html", "traditional.txt", "fullwidth.txt", "english.txt", "one_bad_byte.txt",
        "stray_nul.txt"}
BAD = {
    "empty.txt": "file holds no text",
    "whitespace.txt": "file holds no text",
    "binary.txt": "binary data",
    # which of the two depends on what charset-normalizer guesses for noise; either is a clear refusal
    "noise.txt": ("no text encoding fits these bytes", "binary data (control characters)"),
    "huge.txt": "text too long",
    # regression: symbolic links that lead to no file were dropped without a word
    "dangling.txt": "a symbolic link to a missing file",
    "loop.txt": "cannot read: Too many levels of symbolic links",
    "loop2.txt": "cannot read: Too many levels of symbolic links",
    "pipe.txt": "not a regular file (a pipe, socket or device)",
}


@pytest.mark.parametrize("n_process", [1, 2])
def test_mixed_folder(mixed_folder: Path, tmp_path: Path, n_process: int):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(mixed_folder), "--out", str(out), "--n-process", str(n_process)])
    assert result.exit_code == 1
    for name, reasons in BAD.items():
        reasons = reasons if isinstance(reasons, tuple) else (reasons,)
        assert any(f"skipped {mixed_folder / name}: {reason}" in result.output for reason in reasons), name
    assert "one_bad_byte.txt: 1 undecodable bytes replaced by U+FFFD" in result.output
    found = records(out)
    assert set(found) == GOOD
    assert found["gb18030.txt"]["encoding"] == "gb18030"
    assert found["gb18030.txt"]["text"] == read_report(GB_SEED).text  # same text as the UTF-8 original
    assert found["page.html"]["format"] == "html" and "当前位置" not in found["page.html"]["text"]
    assert [(m["quantity_text"], m["value"], m["unit"]) for m in found["traditional.txt"]["measurements"]] == [
        ("32件", 32.0, "件"), ("28件", 28.0, "件")]
    assert [(m["quantity_text"], m["value"]) for m in found["fullwidth.txt"]["measurements"]] == [("１５７件", 157.0)]
    assert found["english.txt"]["text"].strip() == "The bureau handled 157 legal aid cases in 2024."
    assert "\ufffd" in found["one_bad_byte.txt"]["text"] and len(found["one_bad_byte.txt"]["text"]) > 5000
    assert found["stray_nul.txt"]["text"].count("\x00") == 1 and len(found["stray_nul.txt"]["text"]) > 5000
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left


def test_huge_file_can_be_allowed(mixed_folder: Path, tmp_path: Path):
    """The length limit is a documented option, not a silent cap."""
    report = tmp_path / "long.txt"
    report.write_text(CASES_OF_LEGAL_AID * 40, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["extract", str(report), "--out", str(out), "--max-length", "500"]).exit_code == 1
    assert out.read_text(encoding="utf-8") == ""
    assert runner.invoke(app, ["extract", str(report), "--out", str(out), "--max-length", "5000"]).exit_code == 0
    assert len(records(out)["long.txt"]["measurements"]) == 3 * 40


def test_file_removed_while_the_batch_runs(tmp_path: Path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(SEED, folder / name)
    files = sorted(folder.iterdir())

    def remove_the_last_file(path: Path) -> None:
        if path.name == "a.txt":
            (folder / "c.txt").unlink()

    out = tmp_path / "out.jsonl"
    result = extract(spacy.load("lawrep_zh"), files, out, on_file=remove_the_last_file)
    assert result.documents == 2
    assert [(Path(f.path).name, f.reason) for f in result.failures] == [
        ("c.txt", "file not found (removed while the batch ran?)")]
    assert set(records(out)) == {"a.txt", "b.txt"}


@Language.component("fails_on_marker")
def fails_on_marker(doc):
    if "故障标记" in doc.text:
        raise RuntimeError("marker found")
    return doc


@pytest.mark.parametrize("n_process", [1, 2])
def test_component_failure_skips_only_that_document(tmp_path: Path, n_process: int):
    nlp = spacy.load("lawrep_zh")
    nlp.add_pipe("fails_on_marker")
    for name, text in (("a.txt", CASES_OF_LEGAL_AID), ("b.txt", "故障标记" + CASES_OF_LEGAL_AID),
                       ("c.txt", CASES_OF_LEGAL_AID)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = extract(nlp, sorted(tmp_path.glob("*.txt")), out, n_process=n_process)
    assert set(records(out)) == {"a.txt", "c.txt"}
    assert [(Path(f.path).name, f.reason) for f in result.failures] == [
        ("b.txt", "pipeline component fails_on_marker failed: RuntimeError('marker found')")]


@Language.component("dies_on_marker")
def dies_on_marker(doc):
    if "致命标记" in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    return doc


def test_a_worker_that_dies_costs_only_its_file(tmp_path: Path):
    nlp = spacy.load("lawrep_zh")
    nlp.add_pipe("dies_on_marker")
    long_report = SEED.read_text(encoding="utf-8")  # a file that is still running when b.txt kills its worker
    for name, text in (("a.txt", long_report), ("b.txt", "致命标记" + CASES_OF_LEGAL_AID), ("c.txt", long_report),
                       ("d.txt", CASES_OF_LEGAL_AID), ("e.txt", CASES_OF_LEGAL_AID)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = extract(nlp, sorted(tmp_path.glob("*.txt")), out, n_process=2)
    assert list(records(out)) == ["a.txt", "c.txt", "d.txt", "e.txt"]  # only the culprit is lost, order kept
    assert [(Path(f.path).name, f.reason.split(";")[0]) for f in result.failures] == [
        ("b.txt", "a worker process died while processing it (out of memory?)")]


#: How a batch is stopped: Ctrl-C in a terminal signals the whole process group; a batch system's
#: SIGTERM and a closed terminal's SIGHUP are sent to the main process alone.
STOPS = [(signal.SIGINT, "group", 130, "interrupted"), (signal.SIGTERM, "main", 143, "stopped by SIGTERM"),
         (signal.SIGTERM, "group", 143, "stopped by SIGTERM"), (signal.SIGHUP, "main", 129, "stopped by SIGHUP")]


@pytest.mark.parametrize("n_process", [1, 2])
@pytest.mark.parametrize(("signum", "target", "status", "message"), STOPS)
def test_a_stopped_batch_leaves_no_output_and_no_process(tmp_path: Path, n_process: int, signum: int, target: str,
                                                        status: int, message: str):
    folder = tmp_path / "reports"
    folder.mkdir()
    for index in range(300):
        shutil.copy(SEED, folder / f"report_{index:03}.txt")
    out = tmp_path / "out" / "table.jsonl"
    out.parent.mkdir()
    proc = subprocess.Popen([*lawrep_command(), "extract", str(folder), "--out", str(out), "-n", str(n_process)],
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    deadline = time.monotonic() + 60
    while not any(out.parent.glob(".table.jsonl.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the batch is writing
    time.sleep(1)
    assert proc.poll() is None, "the batch finished before it could be stopped"
    if target == "group":
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status
    assert stderr.strip().endswith(f"lawrep: {message}; no output written")
    assert "Traceback" not in stderr
    assert list(out.parent.iterdir()) == []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # workers ended by the main process may take a moment to go
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(proc.pid, 0)


def test_a_file_named_twice_is_processed_once(tmp_path: Path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(folder), str(folder / "a.txt"), str(folder / "a.txt"), "--out", str(out)])
    assert result.exit_code == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.parametrize("command", ["extract", "compare"])
def test_a_table_named_as_a_report_is_refused_and_named(tmp_path: Path, command: str):
    """Regression (the analyst audit): an earlier run's .jsonl named by mistake was read as a report
    (its rows' publisher a JSON fragment); it is skipped with its reason, the good report kept."""
    earlier = tmp_path / "earlier.jsonl"
    earlier.write_text('{"text": "来源:{\\"a\\": 1} 受理行政复议案件97件。"}\n', encoding="utf-8")
    shutil.copy(SEED, tmp_path / "a.txt")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, [command, str(earlier), str(tmp_path / "a.txt"), "--out", str(out)])
    assert result.exit_code == 1
    assert "a .jsonl file is a table, not a report" in result.output
    table = out.read_text(encoding="utf-8")
    assert "a.txt" in table and "earlier.jsonl" not in table


@pytest.mark.parametrize("where", ["folder", "under_a_file"])
def test_an_unwritable_output_is_a_usage_error_before_any_work(tmp_path: Path, where: str):
    report = tmp_path / "a.txt"
    report.write_text(CASES_OF_LEGAL_AID, encoding="utf-8")
    out = tmp_path if where == "folder" else report / "out.jsonl"
    result = runner.invoke(app, ["extract", str(report), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert ("is a folder" if where == "folder" else "is not a folder") in result.output


def test_a_file_name_that_is_not_utf8(tmp_path: Path):
    """Regression: a non-UTF-8 file name made the whole JSONL write fail."""
    name = os.fsencode(tmp_path) + b"/report_\xff.txt"
    with open(name, "wb") as handle:
        handle.write(CASES_OF_LEGAL_AID.encode("utf-8"))
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    assert record["file"].endswith("report_\\xff.txt") and len(record["measurements"]) == 3


def strict_json(line: str):
    """json.loads that refuses NaN and Infinity, as strict JSON readers do."""
    def refuse(name: str):
        raise ValueError(f"not JSON: {name}")
    return json.loads(line, parse_constant=refuse)


@pytest.mark.parametrize("number", ["1" + "0" * 400, "亿" * 40])
def test_a_number_beyond_float_range_is_kept_without_a_value(tmp_path: Path, number: str):
    """Regression: 1 followed by 400 zeros came out as "value": Infinity (not JSON)."""
    report = tmp_path / "a.txt"
    report.write_text(f"受理行政复议案件{number}件，办结90件。", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(report), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = map(strict_json, out.read_text(encoding="utf-8").splitlines())
    huge, ninety = record["measurements"]
    assert (huge["indicator"], huge["value"], huge["unit"], huge["out_of_range"]) == ("行政复议案件", None, "件", True)
    assert (ninety["value"], ninety["out_of_range"]) == (90.0, False)
    csv_out = tmp_path / "out.csv"
    assert runner.invoke(app, ["extract", str(report), "--out", str(csv_out), "--format", "csv"]).exit_code == 0
    header, first, _ = csv_out.read_text(encoding="utf-8").splitlines()
    row = dict(zip(header.split(","), first.split(","), strict=True))
    assert (row["value"], row["out_of_range"]) == ("", "True")


def test_an_output_under_a_missing_folder_is_a_usage_error(tmp_path: Path):
    report = tmp_path / "a.txt"
    report.write_text(CASES_OF_LEGAL_AID, encoding="utf-8")
    out = tmp_path / "no" / "such" / "out.jsonl"
    result = runner.invoke(app, ["extract", str(report), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"the folder {out.parent} does not exist (create it first)" in result.output
    assert not (tmp_path / "no").exists()


def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path):
    """A batch job's log shows how far it got (every 5% of the files, and at the end)."""
    for index in range(40):
        (tmp_path / f"r{index:02}.txt").write_text(CASES_OF_LEGAL_AID, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([*lawrep_command(), "extract", str(tmp_path), "--out", str(out)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    progress = [line for line in proc.stderr.splitlines() if line.startswith("lawrep: ") and "/40 files" in line]
    assert progress == [f"lawrep: {done}/40 files" for done in range(2, 41, 2)]


def test_the_summary_counts_in_words_a_reader_expects(tmp_path: Path):
    """Regression: the summary said "1 documents"."""
    report = tmp_path / "a.txt"
    report.write_text(CASES_OF_LEGAL_AID, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(report), "--out", str(out)])
    assert result.exit_code == 0
    assert f"lawrep: 1 document → {out}; 0 files skipped" in result.output
    assert "lawrep: 1/1 file\n" in result.output


def test_extract_runs_with_the_ner_enabled(tmp_path):
    # regression: Language.set_error_handler raised AttributeError on spaCy's compiled ner, so
    # `lawrep extract` failed as soon as the pipeline ran its NER
    from lawrep_nlp.cli.extract import ExtractResult, document_records

    nlp = spacy.load("lawrep_zh")
    nlp.enable_pipe("tok2vec")
    nlp.enable_pipe("ner")
    report = tmp_path / "r.txt"
    report.write_text("区司法局全年受理行政复议案件97件。", encoding="utf-8")
    result = ExtractResult()
    (record,) = document_records(nlp, [report], result)
    assert result.failures == [] and record["measurements"][0]["value"] == 97


@pytest.mark.parametrize("command", ["extract", "render", "compare"])
def test_the_output_never_replaces_an_input_report(tmp_path: Path, command: str):
    """Regression: `lawrep extract same.txt --out same.txt` replaced the report with its JSONL, exit 0."""
    report = tmp_path / "report.txt"
    shutil.copy(SEED, report)
    result = runner.invoke(app, [command, str(report), "--out", str(report)])
    assert result.exit_code == 2
    assert "is one of the input reports: writing the output there would replace it" in result.output
    assert report.read_bytes() == SEED.read_bytes()


def test_the_output_is_a_regular_file(tmp_path: Path):
    """Regression: the output replaced a symbolic link (not its target), a FIFO and, as root, /dev/stdout."""
    (tmp_path / "target.jsonl").write_text("kept\n", encoding="utf-8")
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "target.jsonl")
    os.mkfifo(tmp_path / "fifo.jsonl")
    for name, message in [("link.jsonl", "is a symbolic link: give the file it points to"),
                          ("fifo.jsonl", "is not a regular file (a device or a pipe)")]:
        result = runner.invoke(app, ["extract", str(SEED), "--out", str(tmp_path / name)])
        assert result.exit_code == 2 and message in result.output, result.output
    assert (tmp_path / "link.jsonl").is_symlink() and (tmp_path / "fifo.jsonl").is_fifo()
    assert (tmp_path / "target.jsonl").read_text(encoding="utf-8") == "kept\n"


def test_chart_and_table_are_not_the_same_file(tmp_path: Path):
    """Regression: --chart same.png --out same.png wrote the table, then the chart over it."""
    same = tmp_path / "same.png"
    result = runner.invoke(app, ["compare", str(SEED), "--out", str(same), "--chart", str(same)])
    assert result.exit_code == 2 and "--chart and --out are the same file" in result.output
    assert not same.exists()


def test_a_long_output_name_is_written(tmp_path: Path):
    """Regression: the temporary file's name (the output's name plus a suffix) passed 255 bytes, and
    a valid --out name of 240 bytes was refused."""
    out = tmp_path / ("长" * 78 + ".jsonl")  # 240 bytes
    assert len(out.name.encode()) == 240
    assert runner.invoke(app, ["extract", str(SEED), "--out", str(out)]).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_standard_output_is_no_output_file(tmp_path: Path):
    """--out - created a file named "-"; it is refused, naming what is not supported."""
    result = runner.invoke(app, ["extract", str(SEED), "--out", "-"])
    assert result.exit_code == 2 and "--out - (standard output) is not supported" in result.output
