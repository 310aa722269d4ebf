"""Inter-annotator agreement on the doubly annotated documents (corpus/markup_second/).

Compares the independent second annotation with the first one as it was when both were made
(corpus/agreement/first_pass/, a frozen copy), per annotation round, and writes
corpus/agreement/agreement.json. The rounds are reported apart so the second round's figures
stand beside the first corpus's instead of being averaged into them.

    python scripts/agreement.py
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.agreement import agreement  # noqa: E402
from lawrep_nlp.corpus.annotations import markup_lines  # noqa: E402
from lawrep_nlp.corpus.markup import parse  # noqa: E402

AGREEMENT_DIR = ROOT / "corpus" / "agreement"
#: Excerpts 301–376 and 501–583 were added to the corpus in the second annotation round.
SECOND_ROUND = re.compile(r"text_(3(?:0[1-9]|[1-6]\d|7[0-6])|5(?:0[1-9]|[1-7]\d|8[0-3]))$")


def records(path: Path) -> list[dict]:
    out = []
    for line in markup_lines(path):
        text, spans, relations = parse(line)
        out.append({"text": text, "spans": spans, "relations": relations})
    return out


def annotation_round(doc: str) -> str:
    return "second round" if SECOND_ROUND.match(doc) else "first corpus"


def main() -> None:
    # no options: --help says what the script does and writes, and runs nothing
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    by_round: dict[str, list[str]] = {}
    for path in sorted((ROOT / "corpus" / "markup_second").glob("*.markup.txt")):
        doc = path.name.split(".")[0]
        by_round.setdefault(annotation_round(doc), []).append(doc)
    summary: dict[str, dict[str, Any]] = {}
    for name, docs in sorted(by_round.items()):
        first, second = [], []
        for doc in docs:
            first += records(AGREEMENT_DIR / "first_pass" / f"{doc}.markup.txt")
            second += records(ROOT / "corpus" / "markup_second" / f"{doc}.markup.txt")
        summary[name] = {"documents": docs, "paragraphs": len(first), "scores": agreement(first, second)}
    (AGREEMENT_DIR / "agreement.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    names = sorted(summary)
    print("  ".join(f"{n}: {len(summary[n]['documents'])} documents, {summary[n]['paragraphs']} paragraphs"
                    for n in names))
    print(f"{'label':14}" + "".join(f" {n[:14]:>14} {'A':>5} {'B':>5} {'both':>5}" for n in names))
    labels = sorted({label for n in names for label in summary[n]["scores"]})
    for label in labels:
        row = f"{label:14}"
        for n in names:
            s = summary[n]["scores"].get(label)
            row += f" {s['f']:14.3f} {s['n_a']:5d} {s['n_b']:5d} {s['tp']:5d}" if s else " " * 32
        print(row)


if __name__ == "__main__":
    main()
