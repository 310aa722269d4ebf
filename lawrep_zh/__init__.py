"""The packaged ``lawrep_zh`` pipeline: ``spacy.load("lawrep_zh")`` or ``lawrep_zh.load()``.

The pipeline data lives next to this file (built by scripts/build_pipeline.py); nothing is
downloaded.
"""

from pathlib import Path

from spacy.language import Language
from spacy.util import get_model_meta, load_model_from_init_py

import lawrep_nlp  # noqa: F401  (registers the tokenizer and components even without entry points)

__version__ = get_model_meta(Path(__file__).parent)["version"]


def load(**overrides) -> Language:
    return load_model_from_init_py(__file__, **overrides)
