"""The fixed train/dev/test assignment of corpus documents (corpus/splits.json).

The first 81 documents were assigned once (seeded, by hand for the seeds) and keep their split so
that old figures stay comparable. Documents added later are assigned by :func:`assign_documents`:
a seeded shuffle within each kind of report (government / justice bureau / other department),
then about 25% test, 15% dev and the rest train of each kind. ``splits.json`` records the seed
and the rule of every such extension, and ``lawrep validate corpus`` checks that the assignment
is what the rule gives.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SPLITS = ("train", "dev", "test")
KINDS = ("government", "justice", "department")
JUSTICE_WORDS = ("司法局", "司法厅")


def load_splits(corpus_dir: Path) -> dict[str, list[str]]:
    data = json.loads((corpus_dir / "splits.json").read_text(encoding="utf-8"))
    return {name: list(data[name]) for name in SPLITS}


def split_of(corpus_dir: Path) -> dict[str, str]:
    """doc id → split name."""
    return {doc: name for name, docs in load_splits(corpus_dir).items() for doc in docs}


def document_kind(region: str, level: str) -> str:
    """Who publishes the report: a justice bureau, another department, or a government."""
    if any(word in region for word in JUSTICE_WORDS):
        return "justice"
    return "department" if level == "department" else "government"


def assign_documents(kinds: dict[str, str], seed: int, test_share: float = 0.25,
                     dev_share: float = 0.15) -> dict[str, list[str]]:
    """Split documents (doc id → kind) stratified by kind: each kind's ids, sorted, are shuffled
    with ``random.Random(f"{seed}:{kind}")``; the first round(test_share·n) go to test, the next
    round(dev_share·n) to dev, the rest to train."""
    assigned: dict[str, list[str]] = {name: [] for name in SPLITS}
    for kind in KINDS:
        ids = sorted(doc for doc, doc_kind in kinds.items() if doc_kind == kind)
        random.Random(f"{seed}:{kind}").shuffle(ids)
        n_test, n_dev = round(test_share * len(ids)), round(dev_share * len(ids))
        assigned["test"] += ids[:n_test]
        assigned["dev"] += ids[n_test:n_test + n_dev]
        assigned["train"] += ids[n_test + n_dev:]
    return {name: sorted(ids) for name, ids in assigned.items()}


def read_text_index(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """raw/texts/INDEX.tsv rows by doc id (text_NNN)."""
    path = corpus_dir / "raw" / "texts" / "INDEX.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line.strip()]
    return {"text_" + row["file"].removesuffix(".txt"): row for row in rows}


def extension_problems(corpus_dir: Path) -> list[str]:
    """Each recorded extension's documents are where its rule puts them."""
    data = json.loads((corpus_dir / "splits.json").read_text(encoding="utf-8"))
    index = read_text_index(corpus_dir)
    where = split_of(corpus_dir)
    problems: list[str] = []
    for extension in data.get("extensions", []):
        kinds = {doc: document_kind(index[doc]["region"], index[doc]["level"]) for doc in extension["documents"]}
        expected = assign_documents(kinds, extension["seed"], extension["test_share"], extension["dev_share"])
        for name, ids in expected.items():
            problems.extend(f"{doc} is in {where.get(doc)}, the extension rule (seed {extension['seed']}) "
                            f"puts it in {name}" for doc in ids if where.get(doc) != name)
    return problems
