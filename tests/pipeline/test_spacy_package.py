"""`python -m spacy package` builds an installable package of the shipped pipeline, and the
installed package loads and runs (spaCy's meta schema: sources are dicts of strings)."""

import os
import subprocess
import sys
from pathlib import Path

import lawrep_zh

PIPELINE = next(Path(lawrep_zh.__file__).parent.glob("zh_lawrep_zh-*"))


def test_spacy_package_builds_a_wheel_that_installs_and_loads(tmp_path: Path):
    out = tmp_path / "packages"
    out.mkdir()
    built = subprocess.run([sys.executable, "-m", "spacy", "package", str(PIPELINE), str(out), "--build", "wheel",
                            "--force"], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = out.glob("*/dist/zh_lawrep_zh-*.whl")
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                                "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    code = ("import spacy; nlp = spacy.load('zh_lawrep_zh'); doc = nlp('全年办理法律援助案件157件。'); "
            "print(nlp.meta['name'], [(m['indicator'], m['value'], m['canonical']) for m in doc._.measurements])")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(target)})
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "lawrep_zh [('法律援助案件', 157.0, 'legal_aid_cases')]"
