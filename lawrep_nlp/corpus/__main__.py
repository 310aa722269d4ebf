"""``python -m lawrep_nlp.corpus check FILE.markup.txt…``: check annotation markup against its raw text.

Used while annotating: every line must read back as the raw paragraph it annotates and follow
the annotation standard.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .documents import raw_documents
from .validate import check_markup_file

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"


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
