"""Build the packaged lawrep_zh pipeline from configs/lawrep_zh.cfg and the trained artifacts.

Writes lawrep_zh/zh_lawrep_zh-<version>/ and lawrep_zh/meta.json, which `pip install .` ships.
The segmentation model comes from scripts/train_segmenter.py, the trained tok2vec + ner from
scripts/train_ner.py (training/ner/model-last); the meta records what the pipeline was built
from and the recorded test scores (evaluation/test_scores.json).

The trained NER ships disabled: on dev, rules alone beat rules + NER (docs/entities.md);
`nlp.enable_pipe("tok2vec"); nlp.enable_pipe("ner")` turns it on.

    python scripts/build_pipeline.py
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

import lawrep_nlp  # noqa: E402
from lawrep_nlp.pipes.base import DataComponent  # noqa: E402
from lawrep_nlp.tokenizer.tokenizer import DEFAULT_MODEL_DIR  # noqa: E402

PACKAGE = ROOT / "lawrep_zh"
#: components that ship but do not run unless enabled (decided on dev, docs/entities.md)
DISABLED = ("tok2vec", "ner")
NAME = "lawrep_zh"
CONFIG = spacy.util.load_config(ROOT / "configs" / "lawrep_zh.cfg")


def corpus_version() -> str:
    """A content hash of the gold annotations, so a model can name the corpus it came from."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "corpus" / "annotations").glob("*.jsonl")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def refresh_data(nlp: spacy.Language) -> None:
    """The trained pipeline froze the tokenizer and rule data of the day it was trained: add components
    the config has gained since, and reload every data component and the tokenizer from the
    package's current data files (their initialize() defaults), keeping the trained weights."""
    order = CONFIG["nlp"]["pipeline"]
    for index, name in enumerate(order):
        if name not in nlp.component_names:  # disabled ones too
            settings = {k: v for k, v in CONFIG["components"][name].items() if k != "factory"}
            previous = [n for n in order[:index] if n in nlp.component_names]
            place = {"after": previous[-1]} if previous else {"first": True}
            nlp.add_pipe(CONFIG["components"][name]["factory"], name=name, config=settings, **place)
    for _, pipe in nlp.components:  # disabled ones too
        if isinstance(pipe, DataComponent):
            pipe.initialize()
    nlp.tokenizer.initialize()


def main() -> None:
    trained = ROOT / "training" / "ner" / "model-last"
    if not trained.exists():
        raise SystemExit(f"no trained NER at {trained}: run scripts/build_corpus.py and scripts/train_ner.py first")
    # the [nlp] callbacks come from today's config, like the rule data below
    callbacks = {key: value for key, value in CONFIG["nlp"].items() if key.endswith("_creation")}
    nlp = spacy.load(trained, config={"nlp": callbacks})
    refresh_data(nlp)
    for name in DISABLED:
        nlp.disable_pipe(name)
    segmenter_build = json.loads((DEFAULT_MODEL_DIR / "BUILD.json").read_text(encoding="utf-8"))
    boundary_info = nlp.get_pipe("lawrep_indicators").boundary_model.info
    test_scores = json.loads((ROOT / "evaluation" / "test_scores.json").read_text(encoding="utf-8"))["metrics"]
    nlp.meta.update({
        "performance": {"test_split": test_scores},
        "name": NAME,
        "version": lawrep_nlp.__version__,
        "description": "Chinese rule-of-law government reports: domain tokenizer, report sentences, "
                       "agencies, regulations, programmes, places and dates, quantities with normalised "
                       "values linked to the indicators they measure, and canonical indicators",
        "author": "lawrep-nlp",
        "license": "MIT",
        "spacy_version": f">={spacy.about.__version__.rsplit('.', 1)[0]}.0,<3.9.0",
        # spaCy's meta schema: sources are dicts of strings (spacy package validates them)
        "sources": [{"name": "lawrep-nlp corpus: Chinese rule-of-law reports annotated to corpus/ANNOTATION.md",
                     "version": corpus_version(), "license": "report text as published; annotations MIT"}],
        "requirements": [f"lawrep-zh>={lawrep_nlp.__version__}"],
        # what each trained part was built from (lawrep info prints it)
        "lawrep_build": {
            "trained NER (disabled by default)": {
                "built_by": "scripts/train_ner.py",
                "dev_ablation": json.loads((trained.parent / "ablation_dev.json").read_text(encoding="utf-8"))},
            "segmentation model": {"built_by": segmenter_build["built_by"],
                                   "documents": len(segmenter_build["documents"]),
                                   "training_text_sha256": segmenter_build["training_text_sha256"]},
            "linker boundary model": {**{key: value for key, value in boundary_info.items() if key != "documents"},
                                      "documents": len(boundary_info.get("documents", ()))},
        },
    })
    data_dir = PACKAGE / f"zh_{NAME}-{lawrep_nlp.__version__}"
    for old in PACKAGE.glob(f"zh_{NAME}-*"):
        shutil.rmtree(old)
    nlp.to_disk(data_dir)
    (PACKAGE / "meta.json").write_text(json.dumps(nlp.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"built {NAME} {lawrep_nlp.__version__} → {data_dir} ({', '.join(nlp.pipe_names)})")


if __name__ == "__main__":
    main()
