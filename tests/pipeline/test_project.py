"""project.yml (the retraining workflow as weasel / spaCy project commands): weasel accepts it,
every path it names exists or is made by one of its commands, its outputs are where the scripts
write, its training command is the README's, and its workflows run each step after the steps
that make its inputs. The order and README checks are also run on wrong inputs, to show they
catch them."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import srsly
from weasel.schemas import ProjectConfigSchema, validate
from weasel.util import load_project_config
from weasel.util.validation import validate_project_commands

import lawrep_nlp
from lawrep_nlp.corpus.splits import SPLITS
from lawrep_nlp.pipes.indicators.scorer import BOUNDARY_MODEL_FILE
from lawrep_nlp.tokenizer.tokenizer import DEFAULT_MODEL_DIR

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "project.yml"
COMMAND_NAMES = ("corpus", "segmenter", "linker", "train", "package", "evaluate", "spacy-package")
#: (consumer, producer): a later run of the producer rewrites what the consumer read, with the
#: same content. The corpus's second run (after the segmenter) rewrites corpus/annotations from the
#: same markup; the second package (after the linker) rewrites the tokenizer and rule data the
#: linker ran from the same files; only the DocBins and the linker's boundary model change.
SAME_CONTENT_REWRITES = {("segmenter", "corpus"), ("linker", "package")}


@pytest.fixture(scope="module")
def raw() -> dict:
    return srsly.read_yaml(PROJECT)


@pytest.fixture(scope="module")
def project() -> dict:
    """project.yml as weasel runs it: validated, variables substituted."""
    return load_project_config(ROOT)


@pytest.fixture(scope="module")
def commands(project) -> dict[str, dict]:
    return {command["name"]: command for command in project["commands"]}


def relative(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def overlaps(a: str, b: str) -> bool:
    """One path is the other or inside it (a folder dep holds a file output, or the reverse)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def producers(commands: dict[str, dict], dep: str) -> set[str]:
    return {name for name, command in commands.items() if any(overlaps(dep, out) for out in command["outputs"])}


def script_tokens(command: dict) -> list[list[str]]:
    return [shlex.split(line) for line in command["script"]]


def order_problems(commands: dict[str, dict], steps: list[str]) -> list[str]:
    """What is wrong with running `steps` in this order: a step whose inputs (deps that another
    command of the project makes) no earlier step has made, and a step whose inputs a producer
    rewrites after the step's last run (except SAME_CONTENT_REWRITES)."""
    problems = []
    last = {name: max(i for i, step in enumerate(steps) if step == name) for name in set(steps)}
    for name, final in last.items():
        for dep in commands[name]["deps"]:
            for producer in producers(commands, dep) - {name}:
                runs = [i for i, step in enumerate(steps) if step == producer]
                if not runs:
                    continue  # not part of this workflow: the repo's copy is used
                if min(runs) > final:
                    problems.append(f"{name} reads {dep} before {producer} makes it")
                elif max(runs) > final and (name, producer) not in SAME_CONTENT_REWRITES:
                    problems.append(f"{producer} rewrites {dep} after the last {name}")
    return problems


def readme_commands() -> list[list[str]]:
    """Every command of the README's bash blocks, continuation lines joined, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            tokens = shlex.split(line, comments=True)
            if tokens:
                lines.append(tokens)
    return lines


#: The options a README train command on the user's own data may change (paths, not settings).
DATA_OPTIONS = ("--output", "--paths.train", "--paths.dev")


def with_data_of(tokens: list[str], other: list[str]) -> list[str]:
    """`tokens` with the values of DATA_OPTIONS taken from `other`."""
    out = list(tokens)
    for option in DATA_OPTIONS:
        if option in out and option in other:
            out[out.index(option) + 1] = other[other.index(option) + 1]
    return out


def readme_problems(commands: dict[str, dict], readme: list[list[str]]) -> list[str]:
    """The README's `python -m spacy train` command(s) against the project's train command: the
    one on the corpus exactly; one on the user's own DocBins the same but for its paths."""
    (train,) = script_tokens(commands["train"])
    documented = [tokens for tokens in readme if tokens[:4] == ["python", "-m", "spacy", "train"]]
    on_corpus = [t for t in documented if "--paths.train" in t and t[t.index("--paths.train") + 1].startswith("corpus/")]
    if not on_corpus:
        return ["the README has no `python -m spacy train` command on the corpus"]
    return [f"README: {shlex.join(tokens)} != project.yml: {shlex.join(train)}" for tokens in documented
            if with_data_of(tokens, train) != train or (tokens in on_corpus and tokens != train)]


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"_project_test_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- weasel's own validation ---------------------------------------------------------------


def test_project_yml_passes_weasels_schema_and_command_checks(raw):
    assert validate(ProjectConfigSchema, raw) == []
    validate_project_commands(raw)  # duplicate commands, unknown workflow steps: exits
    assert {command["name"] for command in raw["commands"]} == set(COMMAND_NAMES)


def test_weasels_validation_rejects_what_it_should(raw):
    bad_command = {**raw, "commands": [{**raw["commands"][0], "dependencies": ["x"]}, *raw["commands"][1:]]}
    assert validate(ProjectConfigSchema, bad_command)
    with pytest.raises(SystemExit):
        validate_project_commands({**raw, "workflows": {"all": [*raw["workflows"]["all"], "no-such-step"]}})


def test_variables_are_substituted_into_separate_paths(commands):
    """weasel's interpolation joins a list item ending in ${vars.a} and the next starting with
    ${vars.b} into one string "a, b"; no path may be such a join or keep a ${…}."""
    for command in commands.values():
        for path in command["deps"] + command["outputs"]:
            assert ", " not in path and "${" not in path, (command["name"], path)
        for line in command["script"]:
            assert "${" not in line, (command["name"], line)


# --- paths -----------------------------------------------------------------------------------


def test_every_script_and_config_a_command_runs_exists_and_is_a_dep(commands):
    for name, command in commands.items():
        for tokens in script_tokens(command):
            for token in tokens:
                if token.endswith((".py", ".cfg")) or token.startswith("scripts/"):
                    assert (ROOT / token).is_file(), f"{name}: {token} does not exist"
                    assert token in command["deps"], f"{name} runs {token} but does not declare it as a dep"


def test_every_dep_exists_in_the_repo_or_is_made_by_a_command(commands):
    for name, command in commands.items():
        for dep in command["deps"]:
            assert (ROOT / dep).exists() or producers(commands, dep) - {name}, (
                f"{name}: dep {dep} is neither in the repo nor an output of a command")


def test_deps_not_made_by_any_command_are_in_the_repo(commands):
    sources = {dep for command in commands.values() for dep in command["deps"] if not producers(commands, dep)}
    assert sources  # the corpus, scripts and data files
    missing = sorted(dep for dep in sources if not (ROOT / dep).exists())
    assert not missing


def test_outputs_are_where_the_scripts_write(commands, project):
    assert project["vars"]["version"] == lawrep_nlp.__version__
    assert commands["corpus"]["outputs"] == ["corpus/annotations", *(f"corpus/spacy/{s}.spacy" for s in SPLITS),
                                             "corpus/stats.json"]
    assert commands["segmenter"]["outputs"] == [relative(DEFAULT_MODEL_DIR)]
    linker = load_script("train_linker")
    assert {relative(BOUNDARY_MODEL_FILE), relative(linker.MODEL_FILE), relative(linker.CV_FILE)} <= set(
        commands["linker"]["outputs"])
    build = load_script("build_pipeline")
    pipeline = relative(build.PACKAGE / f"zh_{build.NAME}-{lawrep_nlp.__version__}")
    assert commands["package"]["outputs"] == [pipeline, relative(build.PACKAGE / "meta.json")]
    assert pipeline in commands["evaluate"]["deps"] and pipeline in commands["spacy-package"]["deps"]
    assert (ROOT / pipeline / "config.cfg").is_file()


@pytest.mark.parametrize(("command", "script"), [("corpus", "build_corpus"), ("segmenter", "train_segmenter"),
                                                ("linker", "train_linker"), ("package", "build_pipeline")])
def test_every_file_a_script_names_is_a_dep_or_output(commands, command, script):
    """The repo paths a script holds at module level (its own constants and the lawrep_nlp file
    constants it imports) are declared: a new file a script reads or writes must be added."""
    module = load_script(script)
    declared = commands[command]["deps"] + commands[command]["outputs"]
    named = {key: relative(value) for key, value in vars(module).items()
             if isinstance(value, Path) and value.resolve().is_relative_to(ROOT) and value.resolve() != ROOT}
    assert named
    undeclared = {key: path for key, path in named.items() if not any(overlaps(path, d) for d in declared)}
    assert not undeclared, f"{command} ({script}.py) names {undeclared}, not in its deps or outputs"


def test_package_reads_what_train_writes(commands):
    (train,) = script_tokens(commands["train"])
    output = train[train.index("--output") + 1]
    assert f"{output}/model-best" in commands["train"]["outputs"]
    assert f"{output}/model-best" in commands["package"]["deps"]
    # scripts/build_pipeline.py's default --trained
    assert 'ROOT / "training" / "ner" / "model-best"' in (ROOT / "scripts" / "build_pipeline.py").read_text()
    assert output == "training/ner"


def test_evaluate_and_spacy_package_use_the_built_pipeline(commands):
    pipeline = commands["package"]["outputs"][0]
    (evaluate,) = script_tokens(commands["evaluate"])
    assert evaluate[:4] == ["python", "-m", "lawrep_nlp.cli", "evaluate"]
    assert evaluate[4] == pipeline
    assert evaluate[evaluate.index("--split") + 1] == "test"
    assert evaluate[evaluate.index("--canonical") + 1] == "corpus/canonical"
    assert evaluate[evaluate.index("--json") + 1] in commands["evaluate"]["outputs"]
    package = script_tokens(commands["spacy-package"])[-1]
    assert package[:4] == ["python", "-m", "spacy", "package"] and package[4] == pipeline
    assert commands["spacy-package"]["outputs"] == [f"{package[5]}/zh_lawrep_zh-{lawrep_nlp.__version__}"]


# --- the training command and the README -----------------------------------------------------


def test_train_command_is_the_readmes_with_the_shipped_config(commands):
    (train,) = script_tokens(commands["train"])
    assert train[:5] == ["python", "-m", "spacy", "train", "configs/lawrep_zh.cfg"]
    assert train[train.index("--paths.train") + 1] == "corpus/spacy/train.spacy"
    assert train[train.index("--paths.dev") + 1] == "corpus/spacy/dev.spacy"
    assert {"configs/lawrep_zh.cfg", "corpus/spacy/train.spacy", "corpus/spacy/dev.spacy"} <= set(
        commands["train"]["deps"])
    assert readme_problems(commands, readme_commands()) == []


def test_readme_commands_around_training_are_project_commands(commands):
    """The README's build → train → package block: each of its commands is a project script."""
    scripts = [tokens for command in commands.values() for tokens in script_tokens(command)]
    readme = readme_commands()
    start = next(i for i, tokens in enumerate(readme) if tokens[:4] == ["python", "-m", "spacy", "train"])
    for tokens in readme[start - 1:start + 2]:
        assert tokens in scripts, shlex.join(tokens)


def test_readme_check_catches_a_different_command(commands):
    (train,) = script_tokens(commands["train"])
    other = [*train[:-1], "corpus/spacy/test.spacy"]
    assert readme_problems(commands, [other])
    assert readme_problems(commands, [])
    own_data = with_data_of(train, ["--output", "my/model", "--paths.train", "my/train.spacy", "--paths.dev", "my/dev.spacy"])
    assert readme_problems(commands, [train, own_data]) == []  # the user's own DocBins: other paths only
    assert readme_problems(commands, [train, [*own_data, "--training.max_steps", "10"]])  # not other settings


# --- workflows -------------------------------------------------------------------------------


def test_workflows(project):
    workflows = project["workflows"]
    assert set(workflows) == {"all", "retrain"}
    assert set(workflows["all"]) == set(COMMAND_NAMES)
    assert set(workflows["retrain"]) == set(COMMAND_NAMES) - {"segmenter"}


@pytest.mark.parametrize("workflow", ["all", "retrain"])
def test_workflow_runs_corpus_then_train_then_package(project, workflow):
    steps = project["workflows"][workflow]
    corpus, train = steps.index("corpus"), steps.index("train")
    assert corpus < train < steps.index("package", train)
    assert steps.index("evaluate") > max(i for i, step in enumerate(steps) if step == "package")
    assert steps[-1] == "spacy-package"


@pytest.mark.parametrize("workflow", ["all", "retrain"])
def test_workflow_runs_every_step_after_the_steps_that_make_its_inputs(commands, project, workflow):
    assert order_problems(commands, project["workflows"][workflow]) == []


def test_order_check_catches_wrong_orders(commands):
    # the linker runs the built pipeline: before any package it would use the old one
    assert order_problems(commands, ["corpus", "segmenter", "linker", "train", "package", "evaluate"])
    # the DocBins must be rebuilt after the segmenter, before training
    assert order_problems(commands, ["corpus", "segmenter", "train", "package", "linker", "package"])
    # the boundary model must be packaged
    assert order_problems(commands, ["corpus", "train", "package", "linker", "evaluate", "spacy-package"])
    assert order_problems(commands, ["train", "corpus", "package"])


def test_every_script_answers_help_without_running():
    """Regression: four scripts had no argument parser, so `--help` rebuilt the corpus, the places
    table or the agreement figures. Every script parses its command line before any work."""
    without = [path.name for path in sorted((ROOT / "scripts").glob("*.py"))
               if "__main__" in path.read_text(encoding="utf-8")
               and "ArgumentParser(" not in path.read_text(encoding="utf-8")]
    assert without == []
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_corpus.py"), "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: build_corpus.py")
