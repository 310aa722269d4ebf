"""Build the packaged lawrep_zh pipeline from configs/lawrep_zh.cfg and the trained artifacts.

Writes lawrep_zh/zh_lawrep_zh-<version>/ and lawrep_zh/meta.json, which `pip install .` ships.
The segmentation model comes from scripts/train_segmenter.py and the tok2vec + ner from the
README's `spacy train` command (scripts/train_ner.py → training/ner/model-best, or --trained DIR);
the rule components' data is refreshed from the package's files. The meta records what the
pipeline was built from and the recorded test scores (evaluation/test_scores.json).

The other learned parts are where the two ways of building differ (--learned-from):

- `corpus` (the default, what ships): they are fitted once more on train + dev, the data their
  settings were chosen on by cross-validation, by the components' initialize (with the config's
  [initialize.components] settings, as spacy train calls it) from the gold of
  corpus/spacy/{train,dev}.spacy (scripts/build_corpus.py): the canonical mapper's model, the
  programme classifier, the linker's boundary model and link filter. scripts/train_linker.py
  writes the same linker weights into lawrep_nlp/pipes/indicators/data/ (a test checks).
- `trained`: model-best is packaged as `spacy train` left it: everything learned in the
  components' initialize (fitted on --paths.train only), its components, their data files and
  settings, and its NER, enabled where the entity policy keeps the NER's entities for some label:
  what to use to package a retraining on your own annotations, which the project's corpus and
  files must not overwrite.

The NER would run where lawrep_entity_policy keeps its additions for some label (chosen by
cross-validation, scripts/train_ner.py --cv); it ships disabled for now (SHIP_NER, below).

    python scripts/build_pipeline.py [--trained OUT/model-best] [--learned-from corpus|trained] [--output DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402
from spacy.training import Example  # noqa: E402

import lawrep_nlp  # noqa: E402
from lawrep_nlp.pipes.base import DataComponent  # noqa: E402
from lawrep_nlp.tokenizer.tokenizer import DEFAULT_MODEL_DIR  # noqa: E402

PACKAGE = ROOT / "lawrep_zh"
#: what ships disabled when the entity policy keeps none of the NER's additions, or SHIP_NER is off
NER_PIPES = ("tok2vec", "ner")
#: Off, although cross-validation keeps the NER's ORG and PROGRAM additions: it costs 60% of the
#: pipeline's time (0.04 x raw jieba against the floor 0.10; peak RSS 917 MB against 800) while the
#: tokenizer and rules alone take the whole budget, and its test gain is small (micro F 0.915
#: against 0.914). A cheaper model (width 64, depth 2) gains on no label in the same CV
#: (evaluation/ner_cv_small.json). Enabled, lawrep_entity_policy applies the chosen policy:
#: nlp.enable_pipe("tok2vec"); nlp.enable_pipe("ner").
SHIP_NER = False
NAME = "lawrep_zh"
CONFIG = spacy.util.load_config(ROOT / "configs" / "lawrep_zh.cfg")


def corpus_version() -> str:
    """A content hash of the gold annotations, so a model can name the corpus it came from."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "corpus" / "annotations").glob("*.jsonl")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


#: every component whose initialize learns from examples besides the NER: with --learned-from
#: corpus this script trains them from the corpus DocBins (corpus_examples)
LEARNING = ("lawrep_canonical", "lawrep_programs", "lawrep_indicators")


def refresh_data(nlp: spacy.Language, examples: Callable[[], list[Example]] | None = None) -> None:
    """The trained pipeline froze the tokenizer and rule data of the day it was trained: add components
    the config has gained since, and reload every data component and the tokenizer from the
    package's current data files (their initialize() defaults), keeping the trained weights;
    lawrep_canonical's model and lawrep_programs' quoted-phrase classifier are trained from the
    corpus DocBins of train + dev (each with the settings its cross-validation chose there), or from
    `examples` (a cross-validation fold's training documents: its held-out ones must not be)."""
    order = CONFIG["nlp"]["pipeline"]
    for index, name in enumerate(order):
        if name not in nlp.component_names:  # disabled ones too
            settings = {k: v for k, v in CONFIG["components"][name].items() if k != "factory"}
            previous = [n for n in order[:index] if n in nlp.component_names]
            place = {"after": previous[-1]} if previous else {"first": True}
            nlp.add_pipe(CONFIG["components"][name]["factory"], name=name, config=settings, **place)
    for name in LEARNING:  # their settings (policy, threshold) from today's config too
        if name in nlp.component_names:
            settings = {k: v for k, v in CONFIG["components"][name].items() if k != "factory"}
            nlp.replace_pipe(name, name, config=settings)
    for name, settings in CONFIG["initialize"]["components"].items():  # replace_pipe drops them
        if name in nlp.component_names and name not in nlp.config["initialize"]["components"]:
            nlp.config["initialize"]["components"][name] = dict(settings)
    examples = examples or corpus_examples(nlp)
    for name, pipe in nlp.components:  # disabled ones too
        settings = CONFIG["initialize"]["components"].get(name, {})  # as spacy train initializes it
        if name in LEARNING:  # the canonical mapper learns from gold canonical ids, the programme
            pipe.initialize(examples, nlp=nlp, **settings)  # recognizer from gold PROGRAM entities,
        elif isinstance(pipe, DataComponent):  # the linker from gold links
            pipe.initialize(**settings)
    nlp.tokenizer.initialize()


def corpus_examples(nlp: spacy.Language) -> Callable[[], list[Example]]:
    """The train and dev DocBins (scripts/build_corpus.py: gold entities, links with their canonical
    ids, each paragraph's document in user_data["lawrep_meta"]) as Examples, for the initialize of
    the components that learn from the corpus (lawrep_canonical, lawrep_programs)."""
    paths = [ROOT / "corpus" / "spacy" / f"{split}.spacy" for split in ("train", "dev")]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise SystemExit(f"no corpus DocBins {missing}: run scripts/build_corpus.py first")
    examples = docbin_examples(nlp, paths)
    return lambda: examples


def docbin_examples(nlp: spacy.Language, paths: list[Path]) -> list[Example]:
    """The docs of these DocBins as the references of Examples whose predicted docs hold the same
    words, as `spacy train` makes them (also a cross-validation fold's training DocBin)."""
    references = [doc for path in paths for doc in DocBin().from_disk(path).get_docs(nlp.vocab)]
    return [Example(Doc(nlp.vocab, words=[t.text for t in ref], spaces=[bool(t.whitespace_) for t in ref]), ref)
            for ref in references]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--trained", type=Path, default=ROOT / "training" / "ner" / "model-best",
                        help="the output of spacy train to package (default: scripts/train_ner.py's)")
    parser.add_argument("--output", type=Path, default=None,
                        help="write the pipeline to this folder instead of the package lawrep_zh/ (to check "
                             "that a retraining reproduces the shipped figures: lawrep evaluate DIR … --reproduce)")
    parser.add_argument("--learned-from", choices=("corpus", "trained"), default="corpus",
                        help="corpus: fit the learned parts besides the NER on the project's train + dev (what "
                             "ships); trained: keep them as spacy train learned them (your own annotations)")
    args = parser.parse_args()
    trained = args.trained
    if not trained.exists():
        raise SystemExit(f"no trained NER at {trained}: run scripts/build_corpus.py and scripts/train_ner.py first")
    # the [nlp] callbacks come from today's config, like the rule data below
    callbacks = {key: value for key, value in CONFIG["nlp"].items() if key.endswith("_creation")}
    nlp = spacy.load(trained, config={"nlp": callbacks})
    keep_learned = args.learned_from == "trained"
    if not keep_learned:  # the project's build: today's rule data and config around the trained NER
        refresh_data(nlp)
    # a retraining on one's own annotations is packaged as spacy train left it: its components, their
    # data files and settings, its NER, which is what lawrep evaluate scored (regression: the
    # project's rule files, removed components and a disabled NER came back)
    policy = nlp.get_pipe("lawrep_entity_policy") if "lawrep_entity_policy" in nlp.component_names else None
    ner_labels = nlp.get_pipe("ner").labels if "ner" in nlp.component_names else ()
    ner_kept = policy is None or any(policy.policy_of(label) == "rules_then_model" for label in ner_labels)
    ner_used = bool(ner_labels) and ner_kept and (SHIP_NER or keep_learned)
    if not ner_used:
        for name in NER_PIPES:
            if name in nlp.component_names and name not in nlp.disabled:
                nlp.disable_pipe(name)
    segmenter_build = json.loads((DEFAULT_MODEL_DIR / "BUILD.json").read_text(encoding="utf-8"))
    linker = nlp.get_pipe("lawrep_indicators") if "lawrep_indicators" in nlp.component_names else None
    boundary_info = linker.boundary_model.info if linker is not None else {}
    test_scores = json.loads((ROOT / "evaluation" / "test_scores.json").read_text(encoding="utf-8"))["metrics"]
    nlp.meta.update({
        # the recorded figures are the project's build's; a retraining's are its own to measure
        "performance": {} if keep_learned else {"test_split": test_scores},
        "name": NAME,
        "version": lawrep_nlp.__version__,
        "description": "Chinese rule-of-law government reports: domain tokenizer, report sentences, "
                       "agencies, regulations, programmes, places and dates, quantities with normalised "
                       "values linked to the indicators they measure, and canonical indicators",
        "author": "lawrep-nlp",
        "license": "MIT",
        "spacy_version": f">={spacy.about.__version__.rsplit('.', 1)[0]}.0,<3.9.0",
        # spaCy's meta schema: sources are dicts of strings (spacy package validates them)
        "sources": [{"name": "the training data given to spacy train (learned parts); lawrep-nlp's rule data",
                     "version": lawrep_nlp.__version__, "license": "MIT (rule data)"}] if keep_learned else
                   [{"name": "lawrep-nlp corpus: Chinese rule-of-law reports annotated to corpus/ANNOTATION.md",
                     "version": corpus_version(), "license": "report text as published; annotations MIT"}],
        "requirements": [f"lawrep-zh>={lawrep_nlp.__version__}"],
        # what each trained part was built from (lawrep info prints it)
        "lawrep_build": {
            "trained NER": {
                "built_by": f"spacy train ({trained})" if keep_learned else
                            "scripts/train_ner.py (spacy train configs/lawrep_zh.cfg, model-best)",
                "enabled": ner_used,
                "policy": {label: policy.policy_of(label) if policy else "rules_then_model" for label in ner_labels},
                "dev_ablation": json.loads((trained.parent / "ablation_dev.json").read_text(encoding="utf-8"))
                if (trained.parent / "ablation_dev.json").exists() else None},
            "segmentation model": {"built_by": segmenter_build["built_by"],
                                   "documents": len(segmenter_build["documents"]),
                                   "training_text_sha256": segmenter_build["training_text_sha256"]},
            "linker boundary model": {**{key: value for key, value in boundary_info.items() if key != "documents"},
                                      "documents": len(boundary_info.get("documents", ()))},
            "learned parts": {"fitted on": "the --paths.train of spacy train (--learned-from trained)"
                              if keep_learned else "the corpus's train + dev (--learned-from corpus)"},
        },
    })
    # the training data's paths are of the machine that trained (train_ner.py gives absolute ones):
    # the package names none, as spaCy's own pipelines do (spacy train gives them as --paths.*)
    for name in ("train", "dev"):
        nlp.config["paths"][name] = None
    if args.output is not None:
        nlp.to_disk(args.output)
        print(f"built {NAME} {lawrep_nlp.__version__} → {args.output} ({', '.join(nlp.pipe_names)})")
        return
    data_dir = PACKAGE / f"zh_{NAME}-{lawrep_nlp.__version__}"
    for old in PACKAGE.glob(f"zh_{NAME}-*"):
        shutil.rmtree(old)
    nlp.to_disk(data_dir)
    (PACKAGE / "meta.json").write_text(json.dumps(nlp.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"built {NAME} {lawrep_nlp.__version__} → {data_dir} ({', '.join(nlp.pipe_names)})")


if __name__ == "__main__":
    main()
