"""``python -m lawrep_nlp.corpus check FILE.markup.txt…``: check annotation markup against its raw text.

Used while annotating: every line must read back as the raw paragraph it annotates and follow
the annotation standard.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .documents import raw_documents
from .markup import MarkupError, parse
from .validate import record_problems

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"


def check_markup_file(path: Path, paragraphs: list[str]) -> list[str]:
    lines = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    problems = []
    if len(lines) != len(paragraphs):
        problems.append(f"{path}: {len(lines)} markup lines but {len(paragraphs)} raw paragraphs")
    for number, (line, raw) in enumerate(zip(lines, paragraphs, strict=False), 1):
        try:
            text, spans, relations = parse(line)
        except MarkupError as err:
            problems.append(f"{path}:{number}: {err}")
            continue
        if text != raw:
            at = next((i for i, (a, b) in enumerate(zip(text, raw, strict=False)) if a != b), min(len(text), len(raw)))
            problems.append(f"{path}:{number}: text differs from the raw paragraph at char {at}: "
                            f"markup {text[max(0, at - 8):at + 8]!r} raw {raw[max(0, at - 8):at + 8]!r}")
            continue
        record = {"text": text, "spans": spans, "relations": relations}
        problems.extend(f"{path}:{number}: {p}" for p in record_problems(record))
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "check":
        print(__doc__)
        return 2
    docs = {doc.doc_id: doc for doc in raw_documents(CORPUS_DIR)}
    failed = 0
    for name in argv[1:]:
        path = Path(name)
        doc_id = path.name.split(".")[0]
        if doc_id not in docs:
            print(f"{path}: no raw document {doc_id!r} in {CORPUS_DIR / 'raw'}")
            failed += 1
            continue
        problems = check_markup_file(path, docs[doc_id].paragraphs())
        for problem in problems:
            print(problem)
        print(f"{path}: {len(problems)} problems")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
