"""How the share of test links that can get a canonical id grows with annotated documents (issue 20).

A link can only be mapped right if the taxonomy has its indicator, and the taxonomy grows from the
train and dev links annotators map (corpus/canonical/GUIDELINES.md). This script measures the
ceiling that growth sets: for seeded random subsets of the train + dev documents with links (10–100%, five
draws each), the entries attested by those documents' gold canonical ids, and the share of test
links whose gold id is one of them. At 100% it is the share of test links whose indicator a
taxonomy built from train + dev could name; the share with any gold id at all (the annotators
mapped them against the whole taxonomy, entries first seen in test included) is the right end.
Only the gold ids are read: no pipeline runs, nothing is chosen on test.

    python scripts/gold_share_curve.py [--json evaluation/gold_share_curve.json]
        [--png docs/gold_share_curve.png]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)
SEEDS = (0, 1, 2, 3, 4)


def read_links(path: Path) -> list[tuple[str, str | None]]:
    """(document, gold id or None) of every link of one canonical annotation file."""
    with path.open(encoding="utf-8") as handle:
        return [(row["doc"], row["canonical"] or None) for row in csv.DictReader(handle, delimiter="\t")]


def attested_share(test_ids: list[str | None], attested: set[str]) -> float:
    """The share of test links whose gold id is an attested entry (a link without a gold id counts
    as one that cannot be mapped)."""
    return sum(gold is not None and gold in attested for gold in test_ids) / len(test_ids) if test_ids else 0.0


def curve(training: list[tuple[str, str | None]], test_ids: list[str | None]) -> list[dict]:
    """Per fraction of the training documents: the attested share over seeded draws."""
    documents = sorted({doc for doc, _ in training})
    ids_of: dict[str, set[str]] = {}
    for doc, gold in training:
        if gold is not None:
            ids_of.setdefault(doc, set()).add(gold)
    points = []
    for fraction in FRACTIONS:
        size = max(1, round(fraction * len(documents)))
        shares, entries = [], []
        for seed in SEEDS if fraction < 1.0 else SEEDS[:1]:
            chosen = random.Random(seed).sample(documents, size)
            attested = set().union(*(ids_of.get(doc, set()) for doc in chosen))
            shares.append(attested_share(test_ids, attested))
            entries.append(len(attested))
        points.append({"fraction": fraction, "documents": size, "draws": len(shares),
                       "share_mean": round(statistics.mean(shares), 4),
                       "share_min": round(min(shares), 4), "share_max": round(max(shares), 4),
                       "entries_mean": round(statistics.mean(entries), 1)})
    return points


def draw(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lawrep_nlp.chart import register_cjk_font

    plt.rcParams["font.family"] = register_cjk_font()
    points = result["curve"]
    x = [p["documents"] for p in points]
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.plot(x, [p["share_mean"] for p in points], marker="o", label="gold id attested in the train + dev subset")
    ax.fill_between(x, [p["share_min"] for p in points], [p["share_max"] for p in points], alpha=0.2)
    ax.axhline(result["any_gold_id"], linestyle="--", color="grey", label="any gold id (whole taxonomy)")
    ax.axhline(0.5, linestyle=":", color="red", label="issue floor: 0.50 of test links mapped")
    ax.set_xlabel("train + dev documents with links")
    ax.set_ylabel("share of test links")
    ax.set_ylim(0, 1)
    ax.set_title("Test links a taxonomy grown from annotated documents can name")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "evaluation" / "gold_share_curve.json")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "gold_share_curve.png")
    args = parser.parse_args()
    folder = ROOT / "corpus" / "canonical"
    training = read_links(folder / "train.tsv") + read_links(folder / "dev.tsv")
    test_ids = [gold for _, gold in read_links(folder / "test.tsv")]
    taxonomy = json.loads((ROOT / "lawrep_nlp" / "pipes" / "canonical" / "data" / "taxonomy.json")
                          .read_text(encoding="utf-8"))
    in_training = {gold for _, gold in training if gold}
    test_only = {gold for gold in test_ids if gold and gold not in in_training}
    result = {
        "command": "python scripts/gold_share_curve.py", "seeds": list(SEEDS),
        "test_links": len(test_ids), "any_gold_id": round(attested_share(test_ids, {g for g in test_ids if g}), 4),
        "taxonomy_entries": len(taxonomy["indicators"]), "entries_attested_in_train_dev": len(in_training),
        "test_ids_not_attested_in_train_dev": sorted(test_only),
        "curve": curve(training, test_ids),
    }
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    draw(result, args.png)
    print(f"{result['test_links']} test links; any gold id {result['any_gold_id']:.3f}; "
          f"{len(test_only)} test ids never attested in train + dev")
    for point in result["curve"]:
        print(f"{point['documents']:4} documents ({point['fraction']:.0%}): share {point['share_mean']:.3f} "
              f"[{point['share_min']:.3f}, {point['share_max']:.3f}], {point['entries_mean']:.0f} entries")


if __name__ == "__main__":
    main()
