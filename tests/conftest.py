import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, settings

import lawrep_nlp

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "raw" / "seeds"

if Path(lawrep_nlp.__file__).resolve().parents[1] != ROOT:  # e.g. a clone run beside an editable install
    raise pytest.UsageError(f"the tests would exercise {Path(lawrep_nlp.__file__).parent}, not this checkout's "
                            f"code: run `python -m pytest` from {ROOT}, or set PYTHONPATH={ROOT}")


@pytest.fixture(scope="session")
def nlp():
    return spacy.load("lawrep_zh")


@pytest.fixture(scope="session")
def corpus_docbins() -> Path:
    """corpus/spacy/{train,dev,test}.spacy, which git does not hold: a fresh clone gets them from
    scripts/build_corpus.py (the README's first retraining step, 10 s), so that the README's test
    command works there too (regression: the tests that read them failed unless CI had built them)."""
    folder = ROOT / "corpus" / "spacy"
    if not all((folder / f"{split}.spacy").exists() for split in ("train", "dev", "test")):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_corpus.py")], check=True, capture_output=True)
    return folder


@pytest.fixture(scope="session")
def seed_texts() -> list[str]:
    """The five seed reports as published (page chrome included)."""
    return [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]


def blank_with(*names: str) -> spacy.Language:
    """A blank zh pipeline with what the lawrep linker and mapper require (sentences, entities),
    then the named components."""
    blank = spacy.blank("zh")
    for name in ("lawrep_sentences", "lawrep_quantities", *names):
        blank.add_pipe(name)
    return blank


@pytest.fixture(scope="session")
def tokenizer(nlp):
    return nlp.tokenizer


# Hypothesis profiles: "ci" (≥ 2,000 examples per property, chosen when CI is set), "long"
# (≥ 20,000, for a local run: LAWREP_HYPOTHESIS_PROFILE=long python -m pytest tests/properties)
# and a quick default for everyday runs.
settings.register_profile("default", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=2_000, derandomize=True,
                          print_blob=True)
settings.register_profile("long", parent=settings.get_profile("default"), max_examples=20_000)
settings.load_profile(os.environ.get("LAWREP_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))
