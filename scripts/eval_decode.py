"""How often bytes → text goes wrong for reports saved in a legacy Chinese encoding, by length:
every paragraph of the corpus (corpus/annotations) encoded in GB18030 (and, where it can be,
Big5), decoded by lawrep's reader (lawrep_nlp/reader/decode.py) and, for comparison in the same
run, by charset-normalizer's best guess alone (what the reader did before). A paragraph counts as
wrong when the decoded text is not the paragraph.

    python scripts/eval_decode.py [--json evaluation/decode.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from charset_normalizer import from_bytes  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.reader.decode import UnreadableReport, decode_bytes, widened_encoding  # noqa: E402

BUCKETS = ((0, 20), (20, 50), (50, 100), (100, 300), (300, None))


def charset_normalizer_alone(data: bytes) -> str | None:
    best = from_bytes(data, cp_isolation=None).best()
    if best is None:
        return None
    return data.decode(widened_encoding(best.encoding), errors="replace")


def lawrep_reader(data: bytes) -> str | None:
    try:
        return decode_bytes(data)[0]
    except UnreadableReport:
        return None


def bucket_name(low: int, high: int | None) -> str:
    return f"{low}-{high - 1} chars" if high else f"{low}+ chars"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    splits = ("train", "dev", "test")  # the texts only: no label is read
    texts = [record["text"] for split in splits for record in load_annotations(ROOT / "corpus", split)]
    table: dict[str, dict[str, dict[str, int]]] = {}
    for encoding in ("gb18030", "big5"):
        for low, high in BUCKETS:
            row = {"paragraphs": 0, "wrong, charset-normalizer alone": 0, "wrong, lawrep reader": 0}
            for text in texts:
                if len(text) < low or (high is not None and len(text) >= high):
                    continue
                try:
                    data = text.encode(encoding)
                except UnicodeEncodeError:
                    continue  # characters this encoding does not have
                if data.decode(encoding) != text:
                    continue  # the encoding does not round-trip it (Big5: • → ‧)
                row["paragraphs"] += 1
                row["wrong, charset-normalizer alone"] += charset_normalizer_alone(data) != text
                row["wrong, lawrep reader"] += lawrep_reader(data) != text
            table.setdefault(encoding, {})[bucket_name(low, high)] = row
    print(f"{'encoding':9} {'length':13} {'paragraphs':>10} {'charset-normalizer':>19} {'lawrep reader':>14}")
    for encoding, rows in table.items():
        for name, row in rows.items():
            print(f"{encoding:9} {name:13} {row['paragraphs']:10} {row['wrong, charset-normalizer alone']:19} "
                  f"{row['wrong, lawrep reader']:14}")
    if args.json:
        args.json.write_text(json.dumps({"built_by": "scripts/eval_decode.py", "table": table},
                                        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
