"""Inter-annotator agreement on the doubly annotated documents (corpus/markup_second/).

Compares the independent second annotation with the first one as it was when both were made
(corpus/agreement/first_pass/, a frozen copy), and writes corpus/agreement/agreement.json.

    python scripts/agreement.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lawrep_nlp.corpus.agreement import agreement  # noqa: E402
from lawrep_nlp.corpus.annotations import markup_lines  # noqa: E402
from lawrep_nlp.corpus.markup import parse  # noqa: E402

AGREEMENT_DIR = ROOT / "corpus" / "agreement"


def records(path: Path) -> list[dict]:
    out = []
    for line in markup_lines(path):
        text, spans, relations = parse(line)
        out.append({"text": text, "spans": spans, "relations": relations})
    return out


def main() -> None:
    first, second = [], []
    docs = sorted(p.name for p in (ROOT / "corpus" / "markup_second").glob("*.markup.txt"))
    for name in docs:
        first += records(AGREEMENT_DIR / "first_pass" / name)
        second += records(ROOT / "corpus" / "markup_second" / name)
    result = agreement(first, second)
    summary = {"documents": [d.split(".")[0] for d in docs], "paragraphs": len(first), "scores": result}
    (AGREEMENT_DIR / "agreement.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(docs)} documents, {len(first)} paragraphs")
    print(f"{'label':14} {'F1':>6} {'A':>5} {'B':>5} {'both':>5}")
    for label, s in result.items():
        print(f"{label:14} {s['f']:6.3f} {s['n_a']:5d} {s['n_b']:5d} {s['tp']:5d}")


if __name__ == "__main__":
    main()
