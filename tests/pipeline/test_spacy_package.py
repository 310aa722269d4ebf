"""`python -m spacy package` builds an installable package of the shipped pipeline and of one
retrained on a user's annotations, and the installed package loads and runs with what was learned
(spaCy's meta schema: sources are dicts of strings)."""

import os
import subprocess
import sys
from pathlib import Path

import lawrep_zh

PIPELINE = next(Path(lawrep_zh.__file__).parent.glob("zh_lawrep_zh-*"))


def package_install_and_run(pipeline: Path, tmp_path: Path, text: str) -> str:
    """`spacy package` the pipeline folder as a wheel, install it into a fresh folder, load it by
    its package name in a new interpreter and print its name, measurements and programmes."""
    out = tmp_path / "packages"
    out.mkdir()
    built = subprocess.run([sys.executable, "-m", "spacy", "package", str(pipeline), str(out), "--build", "wheel",
                            "--force"], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = out.glob("*/dist/zh_lawrep_zh-*.whl")
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                                "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    code = (f"import spacy; nlp = spacy.load('zh_lawrep_zh'); doc = nlp({text!r}); "
            "print(nlp.meta['name'], [(m['indicator'], m['value'], m['canonical']) for m in doc._.measurements], "
            "[e.text for e in doc.ents if e.label_ == 'PROGRAM'])")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(target)})
    assert loaded.returncode == 0, loaded.stderr
    return loaded.stdout.strip()


def test_spacy_package_builds_a_wheel_that_installs_and_loads(tmp_path: Path):
    assert package_install_and_run(PIPELINE, tmp_path, "全年办理法律援助案件157件。") == (
        "lawrep_zh [('法律援助案件', 157.0, 'legal_aid_cases')] []")


def retrained_on_toy_programmes(pipeline: Path):
    """The pipeline with lawrep_programs' quoted-phrase classifier retrained on three names and three
    slogans (a user's own annotations) and used (quoted_policy "model")."""
    import spacy
    from spacy.training import Example

    nlp = spacy.load(pipeline, config={"components": {"lawrep_programs": {"quoted_policy": "model",
                                                                          "quoted_threshold": 0.5}}})
    examples = []
    for text, name in [("全面推行“春风送法”，", "春风送法"), ("全面推行“法润万家”，", "法润万家"),
                       ("全面推行“掌上调解”，", "掌上调解"), ("切实当好“领头雁”，", None),
                       ("切实当好“排头兵”，", None), ("切实当好“守门人”，", None)]:
        reference = nlp.make_doc(text)
        if name:
            reference.ents = [reference.char_span(text.index(name), text.index(name) + len(name), "PROGRAM")]
        examples.append(Example(nlp.make_doc(text), reference))
    nlp.get_pipe("lawrep_programs").initialize(lambda: examples, nlp=nlp)
    return nlp


def test_a_retrained_pipeline_packages_with_what_it_learned(tmp_path: Path):
    """Retrained on a user's annotations, the packaged pipeline carries the new weights and its config."""
    retrained_on_toy_programmes(PIPELINE).to_disk(tmp_path / "retrained")
    assert package_install_and_run(tmp_path / "retrained", tmp_path, "全面推行“指尖办案”，切实当好“主力军”。") == (
        "lawrep_zh [] ['指尖办案']")


def test_build_pipeline_keeps_what_spacy_train_learned_when_asked(tmp_path: Path):
    """Regression: scripts/build_pipeline.py replaced every learned part of the trained pipeline
    but the NER with the project's own (fitted on its train + dev), so a retraining on one's own
    annotations packaged with it silently carried the project's models. --learned-from trained
    keeps them."""
    import spacy

    trained = retrained_on_toy_programmes(PIPELINE)
    trained.remove_pipe("lawrep_orgs")  # a user's config may leave a component out
    trained.to_disk(tmp_path / "model-best")
    built = subprocess.run([sys.executable, str(Path(__file__).parents[2] / "scripts" / "build_pipeline.py"),
                            "--trained", str(tmp_path / "model-best"), "--learned-from", "trained",
                            "--output", str(tmp_path / "pipeline")], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    packaged = spacy.load(tmp_path / "pipeline")
    learned = trained.get_pipe("lawrep_programs").get_data()
    assert packaged.get_pipe("lawrep_programs").get_data() == learned
    assert spacy.load(PIPELINE).get_pipe("lawrep_programs").get_data() != learned
    # the rest as spacy train left it too (regression: the project's components came back)
    assert packaged.component_names == trained.component_names and "lawrep_orgs" not in packaged.component_names
    assert packaged.meta["lawrep_build"]["learned parts"] == {
        "fitted on": "the --paths.train of spacy train (--learned-from trained)"}
    assert packaged.meta["performance"] == {}  # the project's recorded test scores are not this pipeline's
    from typer.testing import CliRunner

    from lawrep_nlp.cli import app

    info = CliRunner().invoke(app, ["info", "--model", str(tmp_path / "pipeline")])
    assert info.exit_code == 0, info.output  # regression: AttributeError on the "learned parts" entry
    assert "built: learned parts" in info.output and "test split" not in info.output
