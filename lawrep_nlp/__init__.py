"""lawrep-nlp: a spaCy pipeline for Chinese rule-of-law government reports."""

__version__ = "0.1.0"

# Importing the package registers the tokenizer, the components, the scorer and the
# parallel-pipe callback (entry points do the same for spacy.load and spacy train without an import).
from . import evaluation, extensions, parallel, tokenizer  # noqa: F401
from .measurements import to_dataframe
from .pipes import canonical, dates, indicators, laws, orgs, places, programs, quantities, sentences  # noqa: F401

__all__ = ["__version__", "to_dataframe"]
