"""How the share of test links that can get a canonical id grows with annotated documents (issue 20).

A link can only be mapped right if the taxonomy has its indicator, and the taxonomy grows from the
train and dev links annotators map (corpus/canonical/GUIDELINES.md: "Extend the taxonomy only from
train/dev links"). Every entry of data/taxonomy.json is attested by a gold id of a train/dev link,
its `examples` (its provenance) are all train/dev links, and every gold id of a test link is one
of those entries: the test links were mapped against a taxonomy that train + dev made.

For seeded random subsets of the train + dev documents with links (10–100%, ten draws each) the
script takes the taxonomy made only of the entries those documents' gold links attest, and reports

- the ceiling: the share of test links whose gold id is such an entry (also its exact expectation
  over all subsets of that size, hypergeometric). At 100% it is the share of test links with any
  gold id, and it can never pass it: entries that more documents would add have no test gold;
- the same ceiling for held-out train + dev documents (5 folds by document: fold k's links against
  subsets of the other folds), whose links were mapped against entries made from all of train +
  dev, so the curve is not capped at its last point: how the ceiling rises on documents like
  train/dev ones;
- unless --gold-only, the mapper on test with the restricted taxonomy (entries attested by the
  subset, their terms only those found inside the subset's gold indicator texts), rules only at the
  shipped calibration's cut-offs: on the gold links (mapping) and end to end (the pipeline's own
  links; one `lawrep_zh` run over the test records, then the canonical component re-run per
  taxonomy). Precision, coverage, recall over links with a gold id.

Test is only measured here: nothing is chosen on it.

    python scripts/gold_share_curve.py [--gold-only] [--json evaluation/gold_share_curve.json]
        [--png docs/gold_share_curve.png]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import statistics
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)
SEEDS = tuple(range(10))
FOLDS = 5
FOLD_SEED = "gold-share-folds"
CANONICAL = ROOT / "corpus" / "canonical"
TAXONOMY = ROOT / "lawrep_nlp" / "pipes" / "canonical" / "data" / "taxonomy.json"

Link = tuple[str, str | None]  # (document, gold id or None)


def read_links(path: Path) -> list[Link]:
    """(document, gold id or None) of every link of one canonical annotation file."""
    with path.open(encoding="utf-8") as handle:
        return [(row["doc"], row["canonical"] or None) for row in csv.DictReader(handle, delimiter="\t")]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def attested_share(test_ids: list[str | None], attested: set[str]) -> float:
    """The share of test links whose gold id is an attested entry (a link without a gold id counts
    as one that cannot be mapped)."""
    return sum(gold is not None and gold in attested for gold in test_ids) / len(test_ids) if test_ids else 0.0


def ids_by_document(training: Iterable[Link]) -> dict[str, set[str]]:
    """doc → the gold ids of its links (every document with a link is a key)."""
    out: dict[str, set[str]] = {}
    for doc, gold in training:
        out.setdefault(doc, set())
        if gold is not None:
            out[doc].add(gold)
    return out


def expected_share(test_ids: list[str | None], ids_of: dict[str, set[str]], size: int) -> float:
    """The mean of `attested_share` over every subset of `size` documents of `ids_of`: an id found
    in f of the N documents is missed by a subset with probability C(N - f, size) / C(N, size)."""
    if not test_ids:
        return 0.0
    documents = len(ids_of)
    frequency = Counter(gold for ids in ids_of.values() for gold in ids)
    total = math.comb(documents, size)
    return sum(1 - math.comb(documents - frequency[gold], size) / total
               for gold in test_ids if gold is not None and frequency[gold]) / len(test_ids)


def subset_size(fraction: float, documents: int) -> int:
    return max(1, round(fraction * documents))


def draws(documents: list[str], fraction: float, seeds: Iterable[int] = SEEDS) -> list[tuple[int, list[str]]]:
    """(seed, documents) of each seeded draw of `fraction` of the sorted documents (one draw at 100%)."""
    documents = sorted(documents)
    size = subset_size(fraction, len(documents))
    if size >= len(documents):
        return [(0, documents)]
    return [(seed, sorted(random.Random(seed).sample(documents, size))) for seed in seeds]


def spread(values: list[float]) -> dict[str, float]:
    return {"mean": round(statistics.mean(values), 4), "sd": round(statistics.pstdev(values), 4),
            "min": round(min(values), 4), "max": round(max(values), 4)}


def curve(training: list[Link], test_ids: list[str | None], fractions: Iterable[float] = FRACTIONS,
          seeds: Iterable[int] = SEEDS) -> list[dict]:
    """Per fraction of the training documents: the attested share over seeded draws, its exact
    expectation, and the number of entries the subsets attest."""
    ids_of = ids_by_document(training)
    points = []
    for fraction in fractions:
        shares, entries = [], []
        chosen_draws = draws(list(ids_of), fraction, seeds)
        for _, chosen in chosen_draws:
            attested = set().union(*(ids_of[doc] for doc in chosen))
            shares.append(attested_share(test_ids, attested))
            entries.append(len(attested))
        size = len(chosen_draws[0][1])
        points.append({"fraction": fraction, "documents": size, "draws": len(shares),
                       "share": spread(shares), "share_expected": round(expected_share(test_ids, ids_of, size), 4),
                       "entries_mean": round(statistics.mean(entries), 1)})
    return points


def heldout_curve(training: list[Link], fractions: Iterable[float] = FRACTIONS, folds: int = FOLDS) -> list[dict]:
    """The ceiling on held-out train + dev documents: the documents, sorted and shuffled with
    ``random.Random(FOLD_SEED)``, dealt into `folds` folds; per fold, the exact expected share of
    its links whose gold id subsets of `fraction` of the other folds' documents attest; per
    fraction, the spread over folds."""
    ids_of = ids_by_document(training)
    order = sorted(ids_of)
    random.Random(FOLD_SEED).shuffle(order)
    fold_of = {doc: i % folds for i, doc in enumerate(order)}
    points = []
    for fraction in fractions:
        shares, sizes, own = [], [], []
        for fold in range(folds):
            held = [gold for doc, gold in training if fold_of[doc] == fold]
            pool = {doc: ids for doc, ids in ids_of.items() if fold_of[doc] != fold}
            size = subset_size(fraction, len(pool))
            shares.append(expected_share(held, pool, size))
            sizes.append(size)
            own.append(sum(gold is not None for gold in held) / len(held))
        points.append({"fraction": fraction, "documents_mean": round(statistics.mean(sizes), 1),
                       "share": spread(shares), "any_gold_id_mean": round(statistics.mean(own), 4)})
    return points


#: Written with the extrapolation (a constant: python -OO strips docstrings)
EXTRAPOLATION_NOTE = ("Paces at the end of the curves and the documents each would need to lift the test share from "
                      "its value to `target` — assumptions, not measurements: documents past those annotated bring "
                      "entries that have no test gold yet, so no curve here measures them.")


def extrapolation(result: dict[str, Any], training: list[Link], test_ids: list[str | None],
                  target: float = 0.5) -> dict[str, Any]:
    """Paces at the end of the curves and the documents each would need to lift the test share to
    `target` (EXTRAPOLATION_NOTE says what that is not)."""
    ids_of = ids_by_document(training)
    documents = len(ids_of)
    test, held = result["curve"], result["heldout_curve"]
    paces = {
        "test_last_step": (test[-1]["share"]["mean"] - test[-2]["share"]["mean"])
        / (test[-1]["documents"] - test[-2]["documents"]),
        "test_end_slope": expected_share(test_ids, ids_of, documents)
        - expected_share(test_ids, ids_of, documents - 1),
        "heldout_last_step": (held[-1]["share"]["mean"] - held[-2]["share"]["mean"])
        / (held[-1]["documents_mean"] - held[-2]["documents_mean"]),
    }
    gap = target - result["any_gold_id"]
    return {"target": target, "comment": EXTRAPOLATION_NOTE,
            "share_per_document": {k: round(v, 5) for k, v in paces.items()},
            "documents_to_target": {k: round(gap / v) if v > 0 else None for k, v in paces.items()}}


def provenance(taxonomy: dict[str, Any], splits: dict[str, list[str]], rows: dict[str, list[dict[str, str]]]) -> dict:
    """How the taxonomy's entries relate to the splits: which entries train/dev gold ids attest,
    where their examples come from, how many documents attest each, which test ids train/dev lack,
    and which terms occur inside no train/dev gold indicator text."""
    split_of = {doc: name for name in ("train", "dev", "test") for doc in splits[name]}
    training = rows["train"] + rows["dev"]
    entries = [entry["id"] for entry in taxonomy["indicators"]]
    documents_of: dict[str, set[str]] = {}
    for row in training:
        if row["canonical"]:
            documents_of.setdefault(row["canonical"], set()).add(row["doc"])
    test_gold = [row["canonical"] for row in rows["test"] if row["canonical"]]
    test_ids = Counter(test_gold)
    texts = [row["indicator"] for row in training]
    test_texts = [row["indicator"] for row in rows["test"]]
    unseen_terms = [(entry["id"], term) for entry in taxonomy["indicators"] for term in entry["terms"]
                    if not any(term in text for text in texts)]
    return {
        "entries": len(entries),
        "entries_attested_in_train_dev": sum(entry in documents_of for entry in entries),
        "entries_never_attested_in_train_dev": [entry for entry in entries if entry not in documents_of],
        "example_splits": dict(Counter(split_of.get(example["doc"], "?") for entry in taxonomy["indicators"]
                                       for example in entry["examples"])),
        "entries_by_train_dev_documents": {str(k): v for k, v in
                                           sorted(Counter(len(docs) for docs in documents_of.values()).items())},
        "test_ids": len(test_ids),
        "test_ids_not_attested_in_train_dev": sorted(gold for gold in test_ids if gold not in documents_of),
        "test_links_with_id_by_train_dev_documents_of_their_entry": {
            str(k): v for k, v in sorted(Counter(len(documents_of.get(gold, ())) for gold in test_gold).items())},
        "terms": sum(len(entry["terms"]) for entry in taxonomy["indicators"]),
        "terms_inside_no_train_dev_gold_indicator": len(unseen_terms),
        "of_those_inside_a_test_gold_indicator": [f"{entry}: {term}" for entry, term in unseen_terms
                                                  if any(term in text for text in test_texts)],
    }


def restricted_data(taxonomy: dict[str, Any], attested: set[str], texts: list[str]) -> dict[str, Any]:
    """The taxonomy with only the `attested` entries, each with only its terms found inside `texts`
    (the subset's gold indicator texts, as Taxonomy.attested_data keeps terms)."""
    from lawrep_nlp.pipes.canonical.mapper import with_terms

    return with_terms(taxonomy, lambda term: any(term in text for text in texts), attested)


def mapper_curve(taxonomy: dict[str, Any], training_rows: list[dict[str, str]], fractions: Iterable[float],
                 seeds: Iterable[int]) -> dict[str, Any]:
    """The rules-only mapper on test with the taxonomy of each draw (restricted_data): mapping on
    the gold links and end to end (the pipeline's links), spread over draws per fraction."""
    import spacy
    from eval_canonical import split_records

    from lawrep_nlp.evaluation import canonical_cases, pipe_records, read_canonical_labels, score_canonical
    from lawrep_nlp.pipes.canonical.mapper import Taxonomy

    nlp = spacy.load("lawrep_zh")
    component = nlp.get_pipe("lawrep_canonical")
    shipped = component.taxonomy
    rules = {**shipped.calibration, "policy": "rules"}
    labels = read_canonical_labels(CANONICAL)
    records = split_records("test")
    docs = pipe_records(nlp, records)

    def scored(data: dict[str, Any] | None) -> dict[str, Any]:
        """Figures with this taxonomy (None: as shipped, rules and model)."""
        component.taxonomy = shipped if data is None else Taxonomy(data, rules)
        for doc in docs:
            component(doc)
        scores = score_canonical(canonical_cases(nlp, records, labels, docs=docs), lambda _: component.taxonomy)
        return {way: {k: round(scores[way][k], 4) for k in ("precision", "coverage", "recall")}
                for way in ("mapping", "end_to_end")}

    ids_of = ids_by_document((row["doc"], row["canonical"] or None) for row in training_rows)
    texts_of: dict[str, list[str]] = {}
    for row in training_rows:
        texts_of.setdefault(row["doc"], []).append(row["indicator"])
    reference = {"shipped": scored(None), "rules_whole_taxonomy": scored(taxonomy)}
    points = []
    for fraction in fractions:
        runs = []
        for _, chosen in draws(list(ids_of), fraction, seeds):
            attested = set().union(*(ids_of[doc] for doc in chosen))
            runs.append(scored(restricted_data(taxonomy, attested, [t for doc in chosen for t in texts_of[doc]])))
        points.append({"fraction": fraction, "documents": subset_size(fraction, len(ids_of)), "draws": len(runs),
                       **{way: {k: spread([r[way][k] for r in runs]) for k in ("precision", "coverage", "recall")}
                          for way in ("mapping", "end_to_end")}})
    component.taxonomy = shipped
    return {"reference": reference, "curve": points}


def draw(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lawrep_nlp.chart import font_families

    plt.rcParams["font.family"] = font_families()
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    points = result["curve"]
    x = [p["documents"] for p in points]
    ax.plot(x, [p["share"]["mean"] for p in points], marker="o", color="C0",
            label="test: gold id attested by the subset (ceiling)")
    ax.fill_between(x, [p["share"]["min"] for p in points], [p["share"]["max"] for p in points], color="C0",
                    alpha=0.2)
    held = result["heldout_curve"]
    hx = [p["documents_mean"] for p in held]
    ax.plot(hx, [p["share"]["mean"] for p in held], marker="s", color="C2",
            label=f"held-out train + dev documents ({result['folds']} folds), same ceiling")
    ax.fill_between(hx, [p["share"]["min"] for p in held], [p["share"]["max"] for p in held], color="C2", alpha=0.15)
    if "mapper" in result:
        mapped = result["mapper"]["curve"]
        ax.plot(x, [p["end_to_end"]["recall"]["mean"] * result["any_gold_id"] for p in mapped], marker="^",
                color="C1", label="test: right id end to end, rules only (share of links)")
        ax.fill_between(x, [p["end_to_end"]["recall"]["min"] * result["any_gold_id"] for p in mapped],
                        [p["end_to_end"]["recall"]["max"] * result["any_gold_id"] for p in mapped], color="C1",
                        alpha=0.2)
    ax.axhline(result["any_gold_id"], linestyle="--", color="grey",
               label=f"test links with any gold id ({result['any_gold_id']:.3f})")
    ax.axhline(0.5, linestyle=":", color="red", label="issue 20: 0.50 of test links")
    ax.set_xlabel("train + dev documents with links in the subset")
    ax.set_ylabel("share of links")
    ax.set_ylim(0, 0.8)
    ax.set_xlim(0, max(x) + 5)
    ax.set_title("Links a taxonomy made from annotated documents can name")
    ax.legend(loc="upper left", fontsize=7.5)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--gold-only", action="store_true", help="only the gold ids: no pipeline run")
    parser.add_argument("--json", type=Path, default=ROOT / "evaluation" / "gold_share_curve.json")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "gold_share_curve.png")
    args = parser.parse_args()
    rows = {name: read_rows(CANONICAL / f"{name}.tsv") for name in ("train", "dev", "test")}
    training = [(row["doc"], row["canonical"] or None) for row in rows["train"] + rows["dev"]]
    test_ids = [row["canonical"] or None for row in rows["test"]]
    taxonomy = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    splits = json.loads((ROOT / "corpus" / "splits.json").read_text(encoding="utf-8"))
    command = "python scripts/gold_share_curve.py" + (" --gold-only" if args.gold_only else "")
    result: dict[str, Any] = {
        "command": command, "seeds": list(SEEDS), "fold_seed": FOLD_SEED, "folds": FOLDS,
        "draw": "random.Random(seed).sample(sorted train + dev documents with links, round(fraction * 154)); "
                "one draw at 100%",
        "test_links": len(test_ids), "any_gold_id": round(attested_share(test_ids, {g for g in test_ids if g}), 4),
        "train_dev_links": len(training),
        "train_dev_any_gold_id": round(sum(g is not None for _, g in training) / len(training), 4),
        "provenance": provenance(taxonomy, splits, rows),
        "curve": curve(training, test_ids),
        "heldout_curve": heldout_curve(training),
    }
    result["extrapolation"] = extrapolation(result, training, test_ids)
    if not args.gold_only:
        result["mapper"] = mapper_curve(taxonomy, rows["train"] + rows["dev"], FRACTIONS, SEEDS)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    draw(result, args.png)
    p = result["provenance"]
    print(f"{result['test_links']} test links; any gold id {result['any_gold_id']:.3f} (train + dev "
          f"{result['train_dev_any_gold_id']:.3f}); {p['entries_attested_in_train_dev']}/{p['entries']} entries "
          f"attested in train + dev; {len(p['test_ids_not_attested_in_train_dev'])} test ids never attested there")
    for point, held in zip(result["curve"], result["heldout_curve"], strict=True):
        share = point["share"]
        line = (f"{point['documents']:4} documents ({point['fraction']:.0%}): test ceiling {share['mean']:.3f} "
                f"[{share['min']:.3f}, {share['max']:.3f}] (expected {point['share_expected']:.3f}), "
                f"{point['entries_mean']:.0f} entries; held-out train + dev {held['share']['mean']:.3f} at "
                f"{held['documents_mean']:.0f} documents")
        if "mapper" in result:
            mapped = next(m for m in result["mapper"]["curve"] if m["fraction"] == point["fraction"])
            e2e = mapped["end_to_end"]
            line += (f"; rules end to end precision {e2e['precision']['mean']:.3f} coverage "
                     f"{e2e['coverage']['mean']:.3f} recall {e2e['recall']['mean']:.3f}")
        print(line)
    e = result["extrapolation"]
    print("to 0.50 of test links, at the pace of", ", ".join(
        f"{k} ({v:.5f}/document): {e['documents_to_target'][k]} more documents"
        for k, v in e["share_per_document"].items()))
    if "mapper" in result:
        for name, figures in result["mapper"]["reference"].items():
            print(name, json.dumps(figures))
    print(f"→ {args.json}, {args.png}")


if __name__ == "__main__":
    main()
