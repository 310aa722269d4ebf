"""Learn where it helps (issue 5): trained models for INDICATOR spans against the rule linker, on
dev. Trains, seeded, (a) a tok2vec + ner and (b) a tok2vec + spancat on the train split's gold
INDICATOR spans (configs/indicators_ner.cfg, configs/indicators_spancat.cfg), then scores on dev:

- INDICATOR spans of each (exact offsets);
- links, exact and relaxed, for the rule linker alone and for the rule linker whose indicator
  boundaries are replaced by the trained model's span that overlaps them most (a trained
  boundary, rule attachment).

Writes evaluation/linker_ablation_dev.json, and the corpora and models it trains under
training/indicators/ (train.spacy, dev.spacy, ner/, spancat/). The test split is not used.

    python scripts/build_corpus.py && python scripts/linker_ablation.py [--max-steps 1500]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402
from spacy.util import filter_spans  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.evaluation import Annotation, from_doc, from_record, score  # noqa: E402
from lawrep_nlp.extensions import INDICATORS_KEY  # noqa: E402

OUTPUT = ROOT / "training" / "indicators"


def indicator_corpora() -> None:
    """corpus/spacy/{train,dev}.spacy with the gold INDICATOR spans as the only entities (ner)."""
    nlp = spacy.blank("zh")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev"):
        out = DocBin(store_user_data=True)
        for doc in DocBin().from_disk(ROOT / "corpus" / "spacy" / f"{split}.spacy").get_docs(nlp.vocab):
            spans = [doc.char_span(s.start_char, s.end_char, label="INDICATOR") for s in doc.spans[INDICATORS_KEY]]
            doc.ents = filter_spans([s for s in spans if s is not None])
            out.add(doc)
        out.to_disk(OUTPUT / f"{split}.spacy")


def train(kind: str, max_steps: int) -> Path:
    output = OUTPUT / kind
    subprocess.run([sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / f"indicators_{kind}.cfg"),
                    "--paths.train", str(OUTPUT / "train.spacy"), "--paths.dev", str(OUTPUT / "dev.spacy"),
                    "--output", str(output), "--training.max_steps", str(max_steps), "--system.seed", "0"],
                   check=True, stdout=subprocess.DEVNULL)
    return output / "model-best"


def model_spans(nlp: spacy.Language, kind: str, texts: list[str]) -> list[set[tuple[int, int]]]:
    out = []
    for doc in nlp.pipe(texts):
        spans = doc.ents if kind == "ner" else doc.spans.get(INDICATORS_KEY, [])
        out.append({(s.start_char, s.end_char) for s in spans})
    return out


def snapped(rules: Annotation, trained: set[tuple[int, int]]) -> Annotation:
    """The rule links with each indicator replaced by the overlapping trained span, if any."""
    def best(indicator: tuple[int, int]) -> tuple[int, int]:
        overlaps = [(min(indicator[1], e) - max(indicator[0], s), (s, e)) for s, e in trained]
        overlaps = [o for o in overlaps if o[0] > 0]
        return max(overlaps)[1] if overlaps else indicator

    links = {(q0, q1, *best((i0, i1))) for q0, q1, i0, i1 in rules.links}
    return Annotation(rules.text, rules.entities, {(i0, i1) for *_, i0, i1 in links}, links, rules.quantities)


def summary(scores: dict) -> dict:
    return {name: {k: round(v, 4) for k, v in scores[name].items()} for name in ("indicator", "link_exact",
                                                                                  "link_relaxed")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-steps", type=int, default=1500)
    args = parser.parse_args()
    indicator_corpora()
    records = load_annotations(ROOT / "corpus", split="dev")
    texts = [r["text"] for r in records]
    golds = [from_record(r) for r in records]
    # the rule linker alone: the shipped boundary model and link filter learned from dev too
    alone = {"components": {"lawrep_indicators": {"learned_boundaries": False, "link_filter": "off"}}}
    rules = [from_doc(doc) for doc in spacy.load("lawrep_zh", config=alone).pipe(texts)]
    table = {"rules": summary(score(zip(golds, rules, strict=True)))}
    for kind in ("ner", "spancat"):
        trained = model_spans(spacy.load(train(kind, args.max_steps)), kind, texts)
        spans_alone = [Annotation(g.text, indicators=t) for g, t in zip(golds, trained, strict=True)]
        table[f"{kind} spans"] = {"indicator": summary(score(zip(golds, spans_alone, strict=True)))["indicator"]}
        table[f"rules + {kind} boundaries"] = summary(score(zip(golds, map(snapped, rules, trained), strict=True)))
    result = {"split": "dev", "max_steps": args.max_steps, "seed": 0, "table": table}
    (ROOT / "evaluation" / "linker_ablation_dev.json").write_text(json.dumps(result, indent=1) + "\n")
    for name, row in table.items():
        print(f"{name:28} " + "  ".join(f"{metric} F {values['f']:.3f}" for metric, values in row.items()))


if __name__ == "__main__":
    main()
