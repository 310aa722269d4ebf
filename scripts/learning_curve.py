"""Learning curve: what more annotated data buys.

For each fraction f of the TRAIN documents (corpus/splits.json "train"), every part of the pipeline
that is learned from annotations is rebuilt from that subset only, in a temporary directory (nothing
under lawrep_nlp/, lawrep_zh/ or corpus/ is written):

- the pkuseg segmentation model, as scripts/train_segmenter.py builds it (jieba silver
  segmentation of the subset's paragraphs inside the tokenizer's rule layer, split at the subset's
  gold span edges; same seed; 30 iterations unless --iterations);
- lawrep_programs' quoted-phrase classifier (pipes/programs/context.py), trained by the
  component's own ``initialize(get_examples, nlp=…)`` from the subset's Examples (the train + dev
  DocBins of corpus/spacy, as scripts/build_pipeline.py builds them, restricted to the subset's
  documents; each training phrase read without the lexicon entries attested only in its own
  document, as initialize does), with the shipped quoted_policy and quoted_threshold;
- lawrep_indicators' boundary model and link filter, trained by the component's own
  ``initialize(get_examples, nlp=…, boundary_epochs=…, filter_epochs=…)`` from the subset's
  Examples, as `spacy train` does with configs/lawrep_zh.cfg (each text read by the rule components
  before the linker with the new segmenter, the filter on the links the new boundary model makes;
  same seeds). Boundary epochs: those train_linker last chose (evaluation/linker_boundaries_cv.json)
  or, with --select-epochs, chosen by train_linker's own five-fold selection on the subset; filter
  epochs: configs/lawrep_zh.cfg's [initialize.components.lawrep_indicators] filter_epochs; the
  filter policy and keep_threshold: the shipped component's. Neither derives a word list from the
  documents, so the word lists stay as shipped unless --fold-out-lexicon (below);
- the canonical taxonomy with only the terms attested in the subset's gold indicator texts, and the
  rules' cut-offs (method precisions, min_confidence, fuzzy threshold) chosen over the subset's
  links as scripts/eval_canonical.py --select chooses them, together with the shipped policy and
  model: the rules read leave-one-document-out (each document mapped with the terms of the other
  subset documents and the entries whose ids they attest, `Taxonomy.attested_data`), the model's
  readings by its five-fold CV by document with the shipped (epochs, l2), every rules option
  combined with them under the shipped policy and model threshold (eval_canonical's
  `combined_options`), and the option kept by `choose_operating_point` (policy, model threshold and
  model settings are not re-chosen);
- lawrep_canonical's learned model (pipes/canonical/model.py), trained by the component's own
  ``initialize(get_examples, nlp=…)`` from the gold canonical ids of the subset's Examples, with
  that taxonomy and calibration (each document's rows read with the terms of the other subset
  documents, as initialize does); the policy combining rules and model, the model's threshold and
  its training settings (epochs, l2) are the shipped calibration's (chosen by
  scripts/eval_canonical.py --select on train + dev; not selected again per subset);
- with --with-ner only: the statistical tok2vec + ner (scripts/train_ner.py: `spacy train` of
  configs/lawrep_zh.cfg, seed 0, --ner-steps steps, the last model), trained on the subset with
  the subset's segmenter and then enabled in the scored pipeline (rules, then NER). Off by
  default: it costs most of the run's time (the curve was recorded when the NER shipped disabled).

Called on all train + dev Examples, the three initialize calls reproduce the shipped classifier,
boundary model, link filter and canonical model (the same weights), so each subset's parts are
built exactly as the shipped ones, from less data.

What stays fixed is everything written by hand and every setting chosen by cross-validation on
train + dev: the entity rules and lexicons (lawrep_programs' programme lexicon and rhetoric list
included), the quantity rules and unit table, the tokenizer's user dictionary and place names, the
linker's word lists (lawrep_nlp/pipes/indicators/data/lexicon.json), the taxonomy's entries with
their verbs, context and scope words, the calibration rule; lawrep_programs' quoted_policy and
quoted_threshold, the link filter's policy, keep_threshold and epochs, the boundary epochs and runs (unless
--select-epochs), the canonical policy, model threshold and model training settings. Those were
written or chosen from train and dev reports, so the small-subset figures are optimistic about them
(the curve measures what more *annotation* buys to the trained parts). Two fold-outs make the
hand-written lists look as they would to a report they were not written from:
- on CV units, lawrep_programs' lexicon and rhetoric list lose the entries attested only in the
  held-out fold's documents, for training and scoring, as scripts/programs_cv.py reads its held-out
  folds (`ProgramRules.without`, attestations over the train + dev texts);
- --fold-out-lexicon removes the linker word-list entries that occur only in train/dev documents
  outside the subset (train_linker's fold-out estimate, `without_unseen_entries`), and the
  programme lexicon and rhetoric entries attested only in train/dev documents outside the subset.

The pipeline scored is the shipped `spacy.load("lawrep_zh")` with the rebuilt parts swapped in
(the tokenizer's pkuseg model; lawrep_programs' classifier and, on CV units or with
--fold-out-lexicon, its reduced lists; lawrep_indicators' boundary model, link filter and word
lists; lawrep_canonical's taxonomy, calibration and model), scored

(a) on the TEST split (corpus/annotations, corpus/canonical/test.tsv): --draws seeded draws per
    fraction, `random.Random(f"{seed}:{f}:{draw}").sample(sorted(train), round(f * len(train)))`,
    one draw at 100%;
(b) by cross-validation over train + dev: the documents, sorted and shuffled with
    `random.Random(f"{seed}:folds")`, dealt into --folds folds; for fold k the pool is the other
    folds' documents and the subset one seeded draw of f of the pool,
    `random.Random(f"{seed}:{f}:cv{k}")`, scored on fold k; the mean over folds is reported.

The shipped parts were built from train + dev, so the 100% test point (train only) is not the
shipped pipeline's test figure. The entity rules run on the new segmentation (a span whose edge
falls inside a token is not added), so entity F1 changes only through the segmenter, the programme
classifier (PROGRAM) and, with --with-ner, the NER.

Metrics, as `lawrep evaluate` reports them (lawrep_nlp.evaluation): entity F1 per label and micro,
INDICATOR F1, link F1 exact and relaxed, canonical mapping precision and coverage; and the share of
gold span edges that fall on token boundaries (scripts/eval_segmentation.py's `alignment`).

Outputs: evaluation/learning_curve.json (every point, draw and fold, seeds, subset sizes and
documents, what was built, timings), docs/learning_curve.png, and on stdout a Markdown table for
the README (rows: metrics; columns: fractions, test and CV) with, for each metric, whether it still
rises over the last step (difference of the means larger than the spread of the draws or folds).
Progress goes to stderr; the trainers' own logs (pkuseg, `spacy train`) go to a log file in the
temporary directory, shown on stderr only when a build fails.

    python scripts/learning_curve.py --jobs 2     # the full curve: 26 min on 2 cores shared with other work
                                                  # (the pkuseg builds are ~85% of it; more with --jobs 1)
    python scripts/learning_curve.py --fractions 0.25 1.0 --draws 1 --folds 2 --iterations 2 \\
        --out-json /tmp/lc.json --out-png /tmp/lc.png               # a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import spacy  # noqa: E402
from build_pipeline import corpus_examples  # noqa: E402
from eval_canonical import (  # noqa: E402
    PRECISION_TARGET,
    calibration_of,
    calibration_options,
    combined_options,
    gold_ids,
    indicator_texts,
    model_readings,
    rule_readings,
)
from eval_segmentation import alignment  # noqa: E402
from programs_lodo import document_texts  # noqa: E402
from train_linker import CV_FILE, chosen_setting, cross_validate, parsed, without_unseen_entries  # noqa: E402
from train_segmenter import ITERATIONS, gold_boundaries, jieba_cutter, silver_lines, train_pkuseg  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.corpus.splits import load_splits  # noqa: E402
from lawrep_nlp.evaluation import (  # noqa: E402
    ENTITY_LABELS,
    annotation_pairs,
    canonical_cases,
    gated_metrics,
    map_canonical,
    pipe_records,
    read_canonical_labels,
    score,
    score_canonical_answers,
)
from lawrep_nlp.pipes.canonical.mapper import Taxonomy, choose_operating_point  # noqa: E402
from lawrep_nlp.pipes.canonical.model import NONE  # noqa: E402
from lawrep_nlp.pipes.indicators.candidates import Lexicon  # noqa: E402
from lawrep_nlp.pipes.programs.context import document_of  # noqa: E402
from lawrep_nlp.pipes.programs.recognizer import ProgramRules  # noqa: E402
from lawrep_nlp.tokenizer.tokenizer import PkusegSegmenter  # noqa: E402

CORPUS = ROOT / "corpus"
CONFIG_FILE = ROOT / "configs" / "lawrep_zh.cfg"
SEED = 20261205
FRACTIONS = (0.25, 0.5, 0.75, 1.0)
#: paragraphs given to pkuseg as its "dev" file: it only scores them in its log
PKUSEG_LOG_LINES = 20
#: paragraphs given to `spacy train` as dev (with --with-ner): only its log, model-last is kept
NER_LOG_RECORDS = 20
#: (metric, label in the table and the figure)
ROWS = (
    ("ENTS_f", "entities micro F1"),
    *((f"{label}_f", f"{label} F1") for label in ENTITY_LABELS),
    ("INDICATOR_f", "INDICATOR F1"),
    ("LINK_exact_f", "link F1 exact"),
    ("LINK_relaxed_f", "link F1 relaxed"),
    ("CANONICAL_precision", "canonical precision"),
    ("CANONICAL_coverage", "canonical coverage"),
    ("alignment", "span-boundary alignment"),
)
REBUILT = (
    "pkuseg segmentation model (scripts/train_segmenter.py's silver lines and training, subset only)",
    "canonical taxonomy terms (only those attested in the subset's gold indicator texts)",
    "canonical cut-offs of the rules (method precisions, min_confidence, fuzzy_threshold: scripts/eval_canonical.py "
    "--select's options and choose_operating_point over the subset's links, rules leave-one-document-out and the "
    "model's five-fold readings combined under the shipped policy, model threshold and model settings)",
    "lawrep_programs' quoted-phrase classifier (lawrep_programs.initialize on the subset's Examples)",
    "linker boundary model and link filter (lawrep_indicators.initialize on the subset's Examples, as spacy train: "
    "the texts read by the rule components with the new segmenter; boundary epochs as train_linker chose them or, "
    "with select_epochs, chosen on the subset; filter epochs as configured)",
    "lawrep_canonical's learned model (lawrep_canonical.initialize on the subset's Examples: their gold canonical ids)",
)
FIXED = (
    "entity rules and lexicons (laws, orgs, places, dates), quantity rules, unit table",
    "programme lexicon and rhetoric list (pipes/programs/data), except on CV units the entries attested only in "
    "the held-out fold (scripts/programs_cv.py's fold-out) and, with fold_out_lexicon, those attested only in "
    "train/dev documents outside the subset",
    "tokenizer user dictionary and place names",
    "linker word lists (pipes/indicators/data/lexicon.json) unless fold_out_lexicon",
    "taxonomy entries, verbs, context and scope words; the calibration rule",
    "lawrep_programs' quoted_policy and quoted_threshold (the shipped component's, configs/lawrep_zh.cfg)",
    "link filter policy, keep_threshold and filter_epochs (configs/lawrep_zh.cfg); boundary epochs unless "
    "select_epochs",
    "canonical policy, model_threshold and model training settings (the shipped calibration's, "
    "scripts/eval_canonical.py --select on train + dev)",
    "sentence rules; the shipped pipeline's configuration",
)
#: what the shipped canonical calibration chose besides the rules' cut-offs (kept for every subset)
CANONICAL_CHOICES = ("policy", "model_threshold", "model_settings")


@dataclass(frozen=True)
class Unit:
    """One build and its scoring: a subset of documents to build from, scored on the test split
    (``kind`` "test", ``index`` the draw) or on a held-out fold (``kind`` "cv", ``index`` the fold)."""

    kind: str
    fraction: float
    index: int
    seed: str
    train_docs: tuple[str, ...]
    eval_docs: tuple[str, ...] | None  # None: the test split

    @property
    def name(self) -> str:
        return f"{self.kind} {self.fraction:.0%} {'draw' if self.kind == 'test' else 'fold'} {self.index}"


def plan(splits: dict[str, list[str]], fractions: list[float], draws: int, folds: int,
         seed: int) -> tuple[list[Unit], list[list[str]]]:
    """The units of work, and the CV folds (documents of train + dev)."""
    train_ids = sorted(splits["train"])
    units = []
    for fraction in fractions:
        for draw in range(1 if fraction >= 1 else draws):
            key = f"{seed}:{fraction}:{draw}"
            subset = random.Random(key).sample(train_ids, round(fraction * len(train_ids)))
            units.append(Unit("test", fraction, draw, key, tuple(sorted(subset)), None))
    cv_folds: list[list[str]] = []
    if folds:
        documents = sorted(splits["train"] + splits["dev"])
        random.Random(f"{seed}:folds").shuffle(documents)
        cv_folds = [sorted(documents[k::folds]) for k in range(folds)]
        for fraction in fractions:
            for k, held in enumerate(cv_folds):
                pool = sorted(set(documents) - set(held))
                key = f"{seed}:{fraction}:cv{k}"
                subset = random.Random(key).sample(pool, round(fraction * len(pool)))
                units.append(Unit("cv", fraction, k, key, tuple(sorted(subset)), tuple(held)))
    return units, cv_folds


# -- one worker's state: the shipped pipeline and the corpus, loaded once per process ----------------

_STATE: dict[str, Any] = {}


def state() -> dict[str, Any]:
    if not _STATE:
        nlp = spacy.load("lawrep_zh")
        splits = load_splits(CORPUS)
        gold_bounds, _ = gold_boundaries(splits["test"])
        # train then dev, in file order: the order train_linker.py reads them in
        train_dev = load_annotations(CORPUS, "train") + load_annotations(CORPUS, "dev")
        program_rules = nlp.get_pipe("lawrep_programs").rules
        examples = corpus_examples(nlp)()  # the train + dev DocBins, as build_pipeline.py reads them
        _STATE.update(
            nlp=nlp,
            train_dev=train_dev,
            examples=examples,
            example_docs=[document_of(example.reference, i) for i, example in enumerate(examples)],
            program_rules=program_rules,
            program_attested=program_rules.attestations(document_texts(train_dev)),
            calibration=dict(nlp.get_pipe("lawrep_canonical").taxonomy.calibration),
            test=load_annotations(CORPUS, "test"),
            labels=read_canonical_labels(CORPUS / "canonical"),
            gold_bounds=gold_bounds,
            cut=jieba_cutter(),
            lexicon=nlp.get_pipe("lawrep_indicators").lexicon,
            taxonomy=nlp.get_pipe("lawrep_canonical").taxonomy,
            user_words=list(nlp.tokenizer.user_words),
            units=nlp.tokenizer.units,
        )
    return _STATE


@contextlib.contextmanager
def stdout_to(log: Path) -> Iterator[None]:
    """This process's stdout (pkuseg's and `spacy train`'s progress, also from subprocesses) goes
    to `log`, so that stdout carries only the table."""
    sys.stdout.flush()
    saved = os.dup(1)
    with log.open("ab") as handle:
        os.dup2(handle.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def swap_segmenter(nlp: spacy.Language, model_dir: Path, st: dict[str, Any]) -> None:
    """The shipped tokenizer with another pkuseg model (its user dictionary and units kept)."""
    tokenizer = nlp.tokenizer
    tokenizer.initialize(pkuseg_model=model_dir)
    if tokenizer.user_words != st["user_words"] or tokenizer.units != st["units"]:
        # the package's dictionary files have changed since lawrep_zh was built: keep the shipped ones
        tokenizer.user_words, tokenizer.units = list(st["user_words"]), st["units"]
        tokenizer._pkuseg = PkusegSegmenter(model_dir, tokenizer.user_words, tokenizer.general_dictionary)


def build_ner(nlp: spacy.Language, records: list[dict], seg_dir: Path, tmp: Path, steps: int) -> dict[str, Any]:
    """tok2vec + ner trained on `records` as scripts/train_ner.py trains them (with the subset's
    segmenter), loaded into the shipped pipeline's components and enabled."""
    from spacy.tokens import DocBin
    from train_ner import train

    from lawrep_nlp.corpus.docbin import ConversionStats, record_to_doc

    blank = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "lawrep.ChineseTokenizer.v1"}}})
    blank.tokenizer.initialize(pkuseg_model=seg_dir)
    conversion = ConversionStats()
    docs = [record_to_doc(blank, record, conversion) for record in records]
    DocBin(docs=docs, store_user_data=True).to_disk(tmp / "ner_train.spacy")
    DocBin(docs=docs[:NER_LOG_RECORDS], store_user_data=True).to_disk(tmp / "ner_dev.spacy")
    train(tmp / "ner_train.spacy", tmp / "ner_dev.spacy", tmp / "ner", steps,
          ("--initialize.tokenizer.pkuseg_model", str(seg_dir)))
    trained = spacy.load(tmp / "ner" / "model-last")
    if set(trained.get_pipe("ner").labels) != set(nlp.get_pipe("ner").labels):
        raise ValueError(f"the subset's NER labels {trained.get_pipe('ner').labels} are not the shipped NER's "
                         f"{nlp.get_pipe('ner').labels}: its weights cannot replace the shipped ones")
    for name in ("tok2vec", "ner"):
        nlp.get_pipe(name).from_bytes(trained.get_pipe(name).to_bytes())
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    return {"max_steps": steps, "records": len(records), "spans": conversion.spans,
            "tokens_split": conversion.tokens_split}


# -- the parts learned in the components' initialize, as `spacy train` and build_pipeline.py train them ----

def write_json(path: Path, data: Any) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return str(path)


def examples_of(st: dict[str, Any], documents: set[str]) -> list:
    """The corpus Examples (train + dev DocBins) of these documents, in DocBin order."""
    missing = documents - set(st["example_docs"])
    if missing:
        raise ValueError(f"documents without a paragraph in corpus/spacy (run scripts/build_corpus.py): "
                         f"{sorted(missing)[:5]}")
    return [example for example, doc in zip(st["examples"], st["example_docs"], strict=True) if doc in documents]


def program_rules_for(unit: Unit, st: dict[str, Any], fold_out_lexicon: bool) -> ProgramRules:
    """The shipped programme lexicon and rhetoric list; on a CV unit without the entries attested only
    in the held-out fold (scripts/programs_cv.py); with `fold_out_lexicon`, without those attested
    only in train/dev documents outside the subset."""
    held = set(unit.eval_docs or ())
    if fold_out_lexicon:
        held |= {record["meta"]["doc"] for record in st["train_dev"]} - set(unit.train_docs)
    return st["program_rules"].without(held, st["program_attested"]) if held else st["program_rules"]


def retrain_programs(nlp: spacy.Language, get_examples, rules: ProgramRules, directory: Path) -> dict[str, Any]:
    """lawrep_programs initialized as spacy train / build_pipeline.py initialize it: `rules` (written
    as its lexicon and rules files) and the quoted-phrase classifier it trains from the examples'
    gold PROGRAM entities. Its quoted_policy and quoted_threshold stay the shipped ones."""
    directory.mkdir(parents=True, exist_ok=True)
    lexicon_path = directory / "programs.tsv"
    lexicon_path.write_text("".join(f"{e['id']}\t{e['name']}\t{'|'.join(e['variants'])}\n" for e in rules.lexicon),
                            encoding="utf-8")
    component = nlp.get_pipe("lawrep_programs")
    component.initialize(get_examples, nlp=nlp, lexicon_path=str(lexicon_path),
                         rules_path=write_json(directory / "rules.json", rules.rules))
    if component.rules.to_data() != rules.to_data():
        raise ValueError("lawrep_programs: the programme lexicon did not read back as written")
    model = component.model
    return {"quoted_policy": component.quoted_policy, "quoted_threshold": component.quoted_threshold,
            "classifier": None if model is None else {**model.data["trained_on"], "weights": len(model.weights)},
            "lexicon_variants": sum(len(e["variants"]) for e in rules.lexicon),
            "rhetoric": len(rules.rules["rhetoric"])}


def retrain_linker(nlp: spacy.Language, get_examples, lexicon: Lexicon, boundary_epochs: int, filter_epochs: int,
                   directory: Path, boundary_runs: int = 1) -> dict[str, Any]:
    """lawrep_indicators initialized as spacy train initializes it with configs/lawrep_zh.cfg: the word
    lists `lexicon`, the boundary model and then the link filter learned from the examples' gold
    links (boundary_epochs and boundary_runs, filter_epochs; 0 epochs: the empty model)."""
    linker = nlp.get_pipe("lawrep_indicators")
    linker.initialize(get_examples, nlp=nlp, lexicon_path=write_json(directory / "lexicon.json", lexicon.data),
                      boundary_epochs=boundary_epochs, boundary_runs=boundary_runs, filter_epochs=filter_epochs)
    if linker.lexicon.data != lexicon.data:
        raise ValueError("lawrep_indicators: the word lists did not read back as written")
    boundary, link_filter = linker.boundary_model, linker.filter_model
    return {"boundary_epochs": boundary_epochs, "boundary_runs": boundary_runs,
            "examples": boundary.info.get("examples", 0), "weights": len(boundary.weights),
            "annotated_texts": boundary.info.get("annotated_texts", 0),
            "link_filter": {"policy": linker.link_filter, "keep_threshold": linker.keep_threshold,
                            "epochs": filter_epochs, "texts": link_filter.info.get("texts", 0),
                            "links": link_filter.info.get("examples", 0), "kept": link_filter.info.get("kept", 0),
                            "weights": len(link_filter.weights)}}


def trained_labels(model: Any) -> dict[str, list[str]]:
    """dimension → the labels the canonical model holds weights for (those seen in training)."""
    out = {}
    for dim, part in model.to_data()["dimensions"].items():
        indices = {int(pair.split(":")[0]) for packed in part["weights"].values() for pair in packed.split()}
        out[dim] = sorted(part["labels"][k] for k in indices)
    return out


def retrain_canonical(nlp: spacy.Language, get_examples, taxonomy_data: dict, calibration: dict,
                      directory: Path) -> dict[str, Any]:
    """lawrep_canonical initialized as build_pipeline.py initializes it: this taxonomy and calibration
    (written as its data files) and the model trained from the examples' gold canonical ids with the
    calibration's model settings (none without such examples: the rules answer alone)."""
    canonical = nlp.get_pipe("lawrep_canonical")
    canonical.initialize(get_examples, nlp=nlp, taxonomy_path=write_json(directory / "taxonomy.json", taxonomy_data),
                         calibration_path=write_json(directory / "calibration.json", calibration))
    taxonomy, model = canonical.taxonomy, canonical.taxonomy.model
    labels = trained_labels(model) if model is not None else {}
    return {"policy": taxonomy.policy, "model_threshold": taxonomy.model_threshold,
            "model": None if model is None else {
                "rows": model.data["rows"], "epochs": model.data["epochs"], "l2": model.data["l2"],
                "labels_trained": sum(len([x for x in v if x != NONE]) for v in labels.values()),
                "labels_by_dimension": labels}}


def calibrate(cases: list, folds: dict[str, dict], shipped: dict[str, Any], lexicon_folds: dict[str, dict]
              ) -> dict[str, Any]:
    """The calibration scripts/eval_canonical.py --select would write for these cases and
    leave-one-document-out taxonomies (``folds``: doc → taxonomy data without the terms and entries only
    the document attests; ``lexicon_folds``: without its terms only, for the model's training rows),
    with the policy, model threshold and model settings held at the ``shipped`` calibration's: its rules
    options, the model's five-fold readings with the shipped (epochs, l2), its combined options
    restricted to the shipped policy and model threshold, and choose_operating_point. Only the rules'
    cut-offs (fuzzy threshold, min_confidence, method precisions) are chosen again; no file is written."""
    fixed = {key: shipped[key] for key in CANONICAL_CHOICES if key in shipped}
    policy, threshold = fixed.get("policy", "rules"), fixed.get("model_threshold", 1.0)
    rule_options = calibration_options(cases, folds)
    if not rule_options:  # no reading at all: a mapper that always abstains
        return {"method_precision": {}, "min_confidence": 1.0, "fuzzy_threshold": 101.0,
                "measured": {"links": len(cases), "documents": len(folds), "precision": 0.0, "coverage": 0.0},
                **fixed}
    rules_by_threshold = {t: rule_readings(cases, folds, t) for t in {o["fuzzy_threshold"] for o in rule_options}}
    learned: dict[tuple[int, float], list] = {}
    if policy != "rules":
        settings = fixed.get("model_settings", {})
        epochs, l2 = settings["epochs"], settings["l2"]
        lexicons = {doc: Taxonomy(data, shipped) for doc, data in lexicon_folds.items()}
        readers = {doc: Taxonomy(data, shipped) for doc, data in folds.items()}
        learned[epochs, l2] = model_readings(cases, lexicons, readers, epochs=epochs, l2=l2)
    options = [o for o in combined_options(cases, rule_options, rules_by_threshold, learned)
               if o["policy"] == policy and (policy == "rules" or o["model_threshold"] == threshold)]
    best = choose_operating_point(options, len(cases), PRECISION_TARGET)
    calibration = {**calibration_of(best, len(cases), len(folds)), **fixed}
    calibration["measured"]["recall"] = round(best["recall"], 4)
    return calibration


def linker_setting(items: list, lexicon, options: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
    """The fixed epochs and runs, or (--select-epochs) train_linker.py --select's choice on these
    items."""
    if not options["select_epochs"]:
        return options["epochs"], options["runs"], {"epochs": options["epochs"], "runs": options["runs"],
                                                    "from": str(CV_FILE.relative_to(ROOT))}
    table = cross_validate(items, lexicon)
    epochs, runs = chosen_setting(table)
    return epochs, runs, {"epochs": epochs, "runs": runs, "from": "five-fold selection on the subset",
                          "cv_exact_link_f": {name: row["f"] for name, row in table.items()}}


def evaluate(nlp: spacy.Language, records: list[dict], labels: dict) -> tuple[dict[str, float], dict[str, Any]]:
    """The gated figures of `lawrep evaluate … --canonical` plus span-boundary alignment, and the counts."""
    docs = pipe_records(nlp, records)
    scores = score(annotation_pairs(records, docs))
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    scores["canonical"] = score_canonical_answers(
        map_canonical(canonical_cases(nlp, records, labels, docs=docs), lambda _: taxonomy))
    by_text = {record["text"]: doc for record, doc in zip(records, docs, strict=True)}
    aligned = alignment(lambda text: [(t.idx, t.idx + len(t.text)) for t in by_text[text] if not t.is_space],
                        records)
    metrics = gated_metrics(scores)
    metrics["alignment"] = aligned["aligned"]
    details = {"counts": scores["counts"], "canonical": scores["canonical"], "span_edges": aligned["boundaries"],
               "paragraphs": len(records)}
    return metrics, details


def run_unit(unit: Unit, options: dict[str, Any]) -> dict[str, Any]:
    """Build every trained part from the unit's documents, swap them into the shipped pipeline and score it."""
    st = state()
    nlp = st["nlp"]
    subset = set(unit.train_docs)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    built: dict[str, Any] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 2)
        clock = now

    with tempfile.TemporaryDirectory(prefix="lawrep_learning_curve_") as tmp_name:
        tmp = Path(tmp_name)
        log = tmp / "build.log"
        try:
            with stdout_to(log):
                # 1. segmenter
                lines = silver_lines(list(unit.train_docs), st["cut"], st["gold_bounds"])
                seg_dir = tmp / "pkuseg_model"
                train_pkuseg(lines, lines[:PKUSEG_LOG_LINES], seg_dir, options["iterations"])
                swap_segmenter(nlp, seg_dir, st)
                built["segmenter"] = {"paragraphs": len(lines), "iterations": options["iterations"],
                                      "characters": sum(len(line.replace(" ", "")) for line in lines)}
                lap("segmenter")
                records = [r for r in st["train_dev"] if r["meta"]["doc"] in subset]
                # 2. statistical NER (only with --with-ner)
                if options["with_ner"]:
                    built["ner"] = build_ner(nlp, records, seg_dir, tmp, options["ner_steps"])
                    lap("ner")
            examples = examples_of(st, subset)

            def get_examples() -> list:
                return examples

            # 3. programmes: the lexicon (as shipped, or folded out) and the quoted-phrase classifier
            rules = program_rules_for(unit, st, options["fold_out_lexicon"])
            shipped_rules = st["program_rules"]
            built["programs"] = {"examples": len(examples),
                                 **retrain_programs(nlp, get_examples, rules, tmp / "programs"),
                                 "lexicon_variants_shipped": sum(len(e["variants"]) for e in shipped_rules.lexicon),
                                 "rhetoric_shipped": len(shipped_rules.rules["rhetoric"])}
            lap("programs")
            # 4. linker: word lists (as shipped, or without what only other documents hold), boundary model, filter
            lexicon = st["lexicon"]
            if options["fold_out_lexicon"]:
                others = "\n".join(r["text"] for r in st["train_dev"] if r["meta"]["doc"] not in subset)
                lexicon = without_unseen_entries(lexicon, others, "\n".join(r["text"] for r in records))
            with nlp.select_pipes(disable=["lawrep_indicators", "lawrep_canonical"]):
                items = parsed(nlp, records)  # the pipeline the linker runs after, as train_linker.py parses
            epochs, runs, epoch_info = linker_setting(items, lexicon, options)
            built["linker"] = {**epoch_info,
                               **retrain_linker(nlp, get_examples, lexicon, epochs, options["filter_epochs"],
                                                tmp / "linker", boundary_runs=runs),
                               "lexicon_entries_removed": sum(
                                   len(v) for v in st["lexicon"].data.values() if isinstance(v, list))
                               - sum(len(v) for v in lexicon.data.values() if isinstance(v, list))}
            lap("linker")
            # 5. canonical taxonomy (attested terms), its leave-one-document-out calibration, the model
            linked = [(record, doc) for record, doc, _ in items if record["relations"]]
            linked_records = [record for record, _ in linked]
            cases = canonical_cases(nlp, linked_records, st["labels"], docs=[doc for _, doc in linked])
            texts = {**indicator_texts(linked_records), "": []}
            attested = st["taxonomy"].attested_data(texts)
            held_out = st["taxonomy"].attested_data(texts, gold_ids(cases))  # and the entries only it attests
            calibration = calibrate(cases, {doc: held_out[doc] for doc in {c.doc for c in cases}}, st["calibration"],
                                    {doc: attested[doc] for doc in {c.doc for c in cases}})
            data = attested[""]  # no document held out
            built["canonical"] = {
                "terms": sum(len(e["terms"]) for e in data["indicators"]),
                "terms_shipped": sum(len(e["terms"]) for e in st["taxonomy"].data["indicators"]),
                "entries_with_terms": sum(bool(e["terms"]) for e in data["indicators"]),
                "entries": len(data["indicators"]),
                "calibration": dict(calibration),
                **retrain_canonical(nlp, get_examples, data, calibration, tmp / "canonical")}
            lap("canonical")
        except Exception:
            if log.exists():
                sys.stderr.write(f"{unit.name}: build failed; end of its log:\n"
                                 + "".join(log.read_text(encoding="utf-8", errors="replace").splitlines(True)[-30:]))
            raise
    # 6. score
    eval_records = st["test"] if unit.eval_docs is None else [
        r for r in st["train_dev"] if r["meta"]["doc"] in set(unit.eval_docs)]
    metrics, details = evaluate(nlp, eval_records, st["labels"])
    lap("scoring")
    return {"kind": unit.kind, "fraction": unit.fraction, "draw" if unit.kind == "test" else "fold": unit.index,
            "seed": unit.seed, "documents": len(unit.train_docs), "document_ids": list(unit.train_docs),
            "paragraphs": len(records),
            "eval": "test split" if unit.eval_docs is None else f"fold {unit.index} ({len(unit.eval_docs)} documents)",
            "metrics": metrics, "details": details, "built": built, "seconds": seconds,
            "seconds_total": round(sum(seconds.values()), 2)}


# -- summary, table, figure ---------------------------------------------------------------------------

def summarise(results: list[dict], kind: str, fractions: list[float]) -> dict[str, dict]:
    """Per fraction: subset size, and per metric the mean, min, max and values over draws (or folds)."""
    summary = {}
    for fraction in fractions:
        runs = [r for r in results if r["kind"] == kind and r["fraction"] == fraction]
        if not runs:
            continue
        point: dict[str, Any] = {"runs": len(runs), "documents": sum(r["documents"] for r in runs) / len(runs)}
        for metric in runs[0]["metrics"]:
            values = [r["metrics"][metric] for r in runs]
            point[metric] = {"mean": sum(values) / len(values), "min": min(values), "max": max(values),
                             "values": values}
        summary[str(fraction)] = point
    return summary


def still_rising(summary: dict[str, dict], metric: str, before: str, after: str) -> dict[str, Any]:
    """Whether the mean rises from `before` to `after` by more than the spread (max - min) of the
    draws or folds at either point."""
    a, b = summary[before][metric], summary[after][metric]
    difference = b["mean"] - a["mean"]
    spread = max(a["max"] - a["min"], b["max"] - b["min"])
    return {"difference": difference, "spread": spread, "rising": difference > spread}


def markdown_table(summaries: dict[str, dict], rising: dict[str, dict], step: tuple[str, str]) -> str:
    fractions = {kind: list(summary) for kind, summary in summaries.items()}
    header = ["metric"]
    for kind, summary in summaries.items():
        for key in fractions[kind]:
            name = "test" if kind == "test" else "CV"
            size = summary[key]["documents"]
            header.append(f"{name} {float(key):.0%} ({size:.0f} docs)" if size == round(size)
                          else f"{name} {float(key):.0%} ({size:.1f} docs)")
    step_name = f"{float(step[0]):.0%}→{float(step[1]):.0%}"
    header += [f"rising {step_name} ({'test' if kind == 'test' else 'CV'})" for kind in rising]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for metric, label in ROWS:
        cells = [label]
        for kind, summary in summaries.items():
            for key in fractions[kind]:
                s = summary[key][metric]
                spread = f" ({s['min']:.3f}–{s['max']:.3f})" if kind == "test" and s["max"] > s["min"] else ""
                cells.append(f"{s['mean']:.3f}{spread}")
        for verdict in rising.values():
            r = verdict[metric]
            cells.append(f"{'yes' if r['rising'] else 'no'} ({r['difference']:+.3f} vs spread {r['spread']:.3f})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_title(train_documents: int, folds: int) -> str:
    if folds:
        return (f"Learning curve: {train_documents} train documents; test: solid, mean and min–max of draws; "
                f"CV ({folds} folds over train + dev): dashed")
    return f"Learning curve: {train_documents} train documents; test: mean and min–max of draws"


def plot(summaries: dict[str, dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    panels = (
        ("Entities (F1)", [("ENTS_f", "micro")] + [(f"{label}_f", label) for label in ENTITY_LABELS]),
        ("Indicators and links (F1)", [("INDICATOR_f", "INDICATOR"), ("LINK_exact_f", "link exact"),
                                       ("LINK_relaxed_f", "link relaxed")]),
        ("Canonical mapping", [("CANONICAL_precision", "precision"), ("CANONICAL_coverage", "coverage")]),
        ("Span edges on token boundaries", [("alignment", "alignment")]),
    )
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 9), layout="constrained")
    for ax, (panel_title, metrics) in zip(axes.flat, panels, strict=True):
        for i, (metric, label) in enumerate(metrics):
            colour = "black" if metric == "ENTS_f" else colours[i % len(colours)]
            width = 2.2 if metric == "ENTS_f" else 1.4
            for kind, style, marker in (("test", "-", "o"), ("cv", "--", "s")):
                summary = summaries.get(kind)
                if not summary:
                    continue
                keys = list(summary)
                x = [summary[k]["documents"] for k in keys]
                mean = [summary[k][metric]["mean"] for k in keys]
                if kind == "test":
                    # clamped: a mean of equal draws can sit a rounding error outside [min, max]
                    low = [max(0.0, summary[k][metric]["mean"] - summary[k][metric]["min"]) for k in keys]
                    high = [max(0.0, summary[k][metric]["max"] - summary[k][metric]["mean"]) for k in keys]
                    ax.errorbar(x, mean, yerr=[low, high], color=colour, linestyle=style, marker=marker,
                                linewidth=width, markersize=4, capsize=3, label=label)
                else:
                    ax.plot(x, mean, color=colour, linestyle=style, marker=marker, linewidth=width * 0.8,
                            markersize=3.5, alpha=0.8, label=None if "test" in summaries else label)
        ax.set_title(panel_title, fontsize=11)
        ax.set_xlabel("training documents")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(len(metrics), 4),
                  frameon=False)
    styles = [Line2D([], [], color="grey", linestyle="-", marker="o", markersize=4),
              Line2D([], [], color="grey", linestyle="--", marker="s", markersize=3.5)]
    fig.legend(styles, ["test split: mean, bars min–max of the draws", "cross-validation: mean of the folds"],
               loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    fig.suptitle(title, fontsize=12)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", type=float, nargs="+", default=list(FRACTIONS),
                        help="fractions of the train documents (default: 0.25 0.5 0.75 1.0)")
    parser.add_argument("--draws", type=int, default=3, help="seeded draws per fraction below 1 (default 3)")
    parser.add_argument("--folds", type=int, default=3, help="CV folds over train + dev (0: no CV; default 3)")
    parser.add_argument("--iterations", type=int, default=ITERATIONS,
                        help=f"pkuseg iterations (default: train_segmenter.py's, {ITERATIONS})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--jobs", type=int, default=1, help="builds run in this many processes (default 1)")
    parser.add_argument("--select-epochs", action="store_true",
                        help="choose the boundary model's epochs by train_linker's five-fold selection on each "
                             "subset (default: the epochs recorded in evaluation/linker_boundaries_cv.json)")
    parser.add_argument("--fold-out-lexicon", action="store_true",
                        help="remove linker word-list entries found only in train/dev documents outside the subset")
    parser.add_argument("--with-ner", action="store_true",
                        help="also train tok2vec + ner on each subset and enable it (the shipped NER is disabled)")
    parser.add_argument("--ner-steps", type=int, default=1200, help="spacy train steps with --with-ner")
    parser.add_argument("--out-json", type=Path, default=ROOT / "evaluation" / "learning_curve.json")
    parser.add_argument("--out-png", type=Path, default=ROOT / "docs" / "learning_curve.png")
    parser.add_argument("--from-json", type=Path,
                        help="no builds: draw the plot and print the table of a run written before")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        saved_step = tuple(saved["rising"]["step"] or (str(saved["fractions"][-1]),) * 2)
        saved_rising = {kind: table for kind, table in saved["rising"].items() if kind != "step"}
        plot(saved["summary"], args.out_png, plot_title(saved["corpus"]["train"], saved["folds"]))
        print(markdown_table(saved["summary"], saved_rising, saved_step))
        return
    if any(not 0 < f <= 1 for f in args.fractions):
        parser.error("fractions must lie in (0, 1]")
    if args.draws < 1 or args.jobs < 1 or args.folds < 0 or args.folds == 1:
        parser.error("--draws and --jobs must be at least 1, --folds 0 or at least 2")
    fractions = sorted(set(args.fractions))
    recorded = json.loads(CV_FILE.read_text(encoding="utf-8"))
    recorded_epochs, recorded_runs = recorded["chosen_epochs"], recorded["chosen_runs"]
    configured = spacy.util.load_config(CONFIG_FILE)
    filter_epochs = int(configured["initialize"]["components"]["lawrep_indicators"]["filter_epochs"])
    options = {"iterations": args.iterations, "epochs": recorded_epochs, "runs": recorded_runs,
               "select_epochs": args.select_epochs,
               "filter_epochs": filter_epochs, "fold_out_lexicon": args.fold_out_lexicon, "with_ner": args.with_ner,
               "ner_steps": args.ner_steps}

    splits = load_splits(CORPUS)
    units, cv_folds = plan(splits, fractions, args.draws, args.folds, args.seed)
    # the biggest builds first, so that parallel workers finish together
    ordered = sorted(units, key=lambda u: -len(u.train_docs))
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    print(f"learning curve: {len(units)} builds ({sum(u.kind == 'test' for u in units)} scored on test, "
          f"{sum(u.kind == 'cv' for u in units)} by {args.folds}-fold CV), {args.jobs} process(es), "
          f"pkuseg {args.iterations} iterations, linker "
          + ("epochs selected per subset" if args.select_epochs else f"{recorded_epochs} epochs × {recorded_runs} runs")
          + f", link filter {filter_epochs} epochs, programme classifier and canonical model from each subset"
          f"{', with NER' if args.with_ner else ''}", file=sys.stderr)
    results = []

    def report(result: dict) -> None:
        results.append(result)
        m = result["metrics"]
        print(f"[{len(results)}/{len(units)}] {result['kind']} {result['fraction']:.0%} "
              f"{'draw' if result['kind'] == 'test' else 'fold'} {result.get('draw', result.get('fold'))}: "
              f"{result['documents']} docs, {result['seconds_total']:.0f} s "
              f"(segmenter {result['seconds']['segmenter']:.0f} s) — ents {m['ENTS_f']:.3f}, "
              f"PROGRAM {m['PROGRAM_f']:.3f}, "
              f"links {m['LINK_exact_f']:.3f}, canonical {m['CANONICAL_precision']:.3f}/{m['CANONICAL_coverage']:.3f},"
              f" aligned {m['alignment']:.4f}  [{time.perf_counter() - clock:.0f} s]", file=sys.stderr, flush=True)

    if args.jobs == 1:
        for unit in ordered:
            report(run_unit(unit, options))
    else:
        with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_unit, unit, options) for unit in ordered]
            for future in as_completed(futures):
                report(future.result())
    order: dict[tuple[str, float, int | None], int] = {(u.kind, u.fraction, u.index): i for i, u in enumerate(units)}
    results.sort(key=lambda r: order[r["kind"], r["fraction"], r.get("draw", r.get("fold"))])

    summaries = {kind: summarise(results, kind, fractions) for kind in ("test", "cv")}
    summaries = {kind: summary for kind, summary in summaries.items() if summary}
    rising: dict[str, dict] = {}
    step = (str(fractions[-2]), str(fractions[-1])) if len(fractions) > 1 else None
    if step:
        rising = {kind: {metric: still_rising(summary, metric, *step) for metric, _ in ROWS}
                  for kind, summary in summaries.items()}
    elapsed = time.perf_counter() - clock
    # the settings the learned parts were used with, as the workers found them in the shipped pipeline
    # (the same in every unit), and what configs/lawrep_zh.cfg says (they differ only when the
    # package was not rebuilt after a change of the config)
    shipped = {"programs": {key: results[0]["built"]["programs"][key] for key in ("quoted_policy", "quoted_threshold")},
               "link_filter": {key: results[0]["built"]["linker"]["link_filter"][key]
                               for key in ("policy", "keep_threshold", "epochs")},
               "canonical": {key: results[0]["built"]["canonical"]["calibration"].get(key)
                             for key in CANONICAL_CHOICES}}
    components = configured["components"]
    configured_settings = {
        "programs": {key: components["lawrep_programs"][key] for key in ("quoted_policy", "quoted_threshold")},
        "link_filter": {"policy": components["lawrep_indicators"]["link_filter"],
                        "keep_threshold": components["lawrep_indicators"]["keep_threshold"], "epochs": filter_epochs}}
    for part, settings in configured_settings.items():
        if settings != shipped[part]:
            print(f"warning: the shipped pipeline's {part} settings {shipped[part]} are not those of "
                  f"{CONFIG_FILE.relative_to(ROOT)} {settings}: the curve used the shipped ones", file=sys.stderr)
    output = {
        "built_by": "scripts/learning_curve.py",
        "command": " ".join(["python", "scripts/learning_curve.py", *sys.argv[1:]]),
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(elapsed, 1),
        "seed": args.seed,
        "fractions": fractions,
        "draws": args.draws,
        "folds": args.folds,
        "jobs": args.jobs,
        "settings": {**options, "epochs_recorded_in": str(CV_FILE.relative_to(ROOT)),
                     "filter_epochs_from": f"{CONFIG_FILE.relative_to(ROOT)} [initialize.components.lawrep_indicators]",
                     **shipped, "configured": configured_settings},
        "subset_rule": {"test": "random.Random(f'{seed}:{f}:{draw}').sample(sorted(train), round(f * len(train)))",
                        "cv": "documents of train + dev sorted, shuffled with random.Random(f'{seed}:folds'), "
                              "fold k = documents[k::folds]; subset random.Random(f'{seed}:{f}:cv{k}')"
                              ".sample(sorted(pool), round(f * len(pool)))"},
        "corpus": {name: len(docs) for name, docs in splits.items()},
        "rebuilt": [*REBUILT, *(["tok2vec + ner (scripts/train_ner.py), enabled"] if args.with_ner else [])],
        "fixed": [*FIXED, *([] if args.with_ner else ["tok2vec + ner: shipped disabled, not rebuilt"])],
        "cv_folds": [{"fold": k, "documents": docs} for k, docs in enumerate(cv_folds)],
        "summary": summaries,
        "rising": {"step": list(step) if step else None, **rising},
        "units": results,
    }
    args.out_json.parent.mkdir(parents=True, exist_ok=True)
    args.out_json.write_text(json.dumps(output, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    plot(summaries, args.out_png, plot_title(len(splits["train"]), args.folds))
    print(markdown_table(summaries, rising, step or (str(fractions[-1]),) * 2))
    print(f"\nwrote {args.out_json} and {args.out_png} in {elapsed / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
