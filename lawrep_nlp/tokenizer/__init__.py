"""The registered Chinese tokenizer for report text."""

from .tokenizer import DEFAULT_MODEL_DIR, DEFAULT_USER_DICT, LawrepTokenizer, create_tokenizer

__all__ = ["DEFAULT_MODEL_DIR", "DEFAULT_USER_DICT", "LawrepTokenizer", "create_tokenizer"]
