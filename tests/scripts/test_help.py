"""Every script in scripts/ answers ``--help``, also under ``python -OO``, which strips docstrings
(regression: the scripts that cut their description out of ``__doc__``, and two that wrote a
docstring into their data files, failed there with AttributeError)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))

#: Runs each script's ``--help`` in one interpreter and prints the ones that did not exit with 0.
RUN_HELP = """
import contextlib, io, runpy, sys
failed = []
for path in sys.argv[1:]:
    sys.argv = [path, "--help"]
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            runpy.run_path(path, run_name="__main__")
    except SystemExit as exit:
        if exit.code not in (0, None):
            failed.append(path)
    except Exception as error:
        failed.append(f"{path}: {error!r}")
print(failed)
"""


@pytest.mark.parametrize("flags", [[], ["-OO"]], ids=["normal", "-OO"])
def test_every_script_answers_help(flags):
    assert SCRIPTS
    result = subprocess.run([sys.executable, *flags, "-c", RUN_HELP, *map(str, SCRIPTS)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_what_the_scripts_write_into_data_files_does_not_come_from_a_docstring():
    for script in SCRIPTS:
        text = script.read_text(encoding="utf-8")
        assert "__doc__." not in text, script.name  # (__doc__ or "").split is fine: --help, tested above
