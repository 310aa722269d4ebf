from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "raw" / "seeds"


@pytest.fixture(scope="session")
def nlp():
    return spacy.load("lawrep_zh")


@pytest.fixture(scope="session")
def tokenizer(nlp):
    return nlp.tokenizer
