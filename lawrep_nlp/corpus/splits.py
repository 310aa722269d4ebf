"""The fixed train/dev/test assignment of corpus documents (corpus/splits.json)."""

from __future__ import annotations

import json
from pathlib import Path

SPLITS = ("train", "dev", "test")


def load_splits(corpus_dir: Path) -> dict[str, list[str]]:
    data = json.loads((corpus_dir / "splits.json").read_text(encoding="utf-8"))
    return {name: list(data[name]) for name in SPLITS}


def split_of(corpus_dir: Path) -> dict[str, str]:
    """doc id → split name."""
    return {doc: name for name, docs in load_splits(corpus_dir).items() for doc in docs}
