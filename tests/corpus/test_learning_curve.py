"""scripts/learning_curve.py without a full curve: its subset plan, and that the parts learned in the
components' initialize (the programme classifier, the linker's boundary model and link filter, the
canonical model) are trained from the subset they are given, and from nothing else."""

import sys
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import learning_curve as lc  # noqa: E402

from lawrep_nlp.corpus.annotations import load_annotations  # noqa: E402
from lawrep_nlp.corpus.splits import load_splits  # noqa: E402
from lawrep_nlp.pipes.canonical.model import NONE  # noqa: E402

CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def splits():
    return load_splits(CORPUS)


def test_the_plan_is_deterministic_and_never_trains_on_what_it_scores(splits):
    units, folds = lc.plan(splits, [0.25, 0.5, 1.0], 2, 3, lc.SEED)
    assert (units, folds) == lc.plan(splits, [0.25, 0.5, 1.0], 2, 3, lc.SEED)
    assert units != lc.plan(splits, [0.25, 0.5, 1.0], 2, 3, lc.SEED + 1)[0]
    train, test, train_dev = set(splits["train"]), set(splits["test"]), set(splits["train"] + splits["dev"])
    # the CV folds deal train + dev out once
    assert sorted(doc for fold in folds for doc in fold) == sorted(train_dev)
    tests = [u for u in units if u.kind == "test"]
    assert [(u.fraction, u.index) for u in tests] == [(0.25, 0), (0.25, 1), (0.5, 0), (0.5, 1), (1.0, 0)]
    for unit in tests:
        assert unit.eval_docs is None and set(unit.train_docs) <= train and not set(unit.train_docs) & test
        assert len(unit.train_docs) == round(unit.fraction * len(train)) == len(set(unit.train_docs))
    assert tests[-1].train_docs == tuple(sorted(train))
    assert tests[0].train_docs != tests[1].train_docs  # two draws, two subsets
    cvs = [u for u in units if u.kind == "cv"]
    assert len(cvs) == 3 * 3
    for unit in cvs:
        held = set(unit.eval_docs)
        assert list(unit.eval_docs) == folds[unit.index]
        assert set(unit.train_docs) <= train_dev - held
        assert len(unit.train_docs) == round(unit.fraction * len(train_dev - held))


@pytest.fixture(scope="module")
def setting(corpus_docbins):
    """An own copy of the shipped pipeline (the parts are retrained in place), the corpus Examples,
    two nested subsets of train documents (2 and 10 documents with gold programmes and links) and two
    train documents with few links for the canonical model."""
    nlp = spacy.load("lawrep_zh")
    examples = lc.corpus_examples(nlp)()
    st = {"examples": examples,
          "example_docs": [lc.document_of(example.reference, i) for i, example in enumerate(examples)]}
    train = set(load_splits(CORPUS)["train"])
    useful = sorted({doc for example, doc in zip(examples, st["example_docs"], strict=True) if doc in train
                     and any(e.label_ == "PROGRAM" for e in example.reference.ents) and example.reference._.links})
    # for the canonical model (its training time grows with the rows): the two train documents with the
    # fewest gold links among those whose links carry two gold ids or more
    links: dict[str, int] = {}
    ids: dict[str, set] = {}
    for example, doc in zip(examples, st["example_docs"], strict=True):
        if doc in train and example.reference._.links:
            links[doc] = links.get(doc, 0) + len(example.reference._.links)
            ids.setdefault(doc, set()).update(e._.canonical for e in example.reference.ents
                                              if e.label_ == "QUANTITY" and e._.canonical)
    few_links = sorted((n, doc) for doc, n in links.items() if len(ids[doc]) >= 2)
    shipped = {name: nlp.get_pipe(name).get_data() for name in ("lawrep_programs", "lawrep_indicators")}
    taxonomy = nlp.get_pipe("lawrep_canonical").taxonomy
    programs, linker = nlp.get_pipe("lawrep_programs"), nlp.get_pipe("lawrep_indicators")
    shipped["settings"] = {"programs": (programs.quoted_policy, programs.quoted_threshold),
                           "linker": (linker.link_filter, linker.keep_threshold)}
    return {"nlp": nlp, "st": st, "small": set(useful[:2]), "large": set(useful[:10]),
            "few_links": {doc for _, doc in few_links[:2]}, "shipped": shipped,
            "taxonomy": taxonomy, "rules": nlp.get_pipe("lawrep_programs").rules,
            "lexicon": nlp.get_pipe("lawrep_indicators").lexicon}


def test_the_programme_classifier_is_trained_on_the_subset(setting, tmp_path):
    nlp, st = setting["nlp"], setting["st"]
    small, large = lc.examples_of(st, setting["small"]), lc.examples_of(st, setting["large"])
    assert 0 < len(small) < len(large)
    built_small = lc.retrain_programs(nlp, lambda: small, setting["rules"], tmp_path / "small")
    weights_small = nlp.get_pipe("lawrep_programs").model.weights
    built_large = lc.retrain_programs(nlp, lambda: large, setting["rules"], tmp_path / "large")
    weights_large = nlp.get_pipe("lawrep_programs").model.weights
    shipped = setting["shipped"]["lawrep_programs"]["quoted_model"]
    assert 0 < built_small["classifier"]["phrases"] < built_large["classifier"]["phrases"] \
        < shipped["trained_on"]["phrases"]
    assert weights_small != weights_large and weights_large != shipped["weights"]
    # the shipped decision settings and lexicon are kept
    assert (built_large["quoted_policy"], built_large["quoted_threshold"]) == setting["shipped"]["settings"]["programs"]
    assert nlp.get_pipe("lawrep_programs").rules.to_data() == setting["rules"].to_data()


def test_cv_units_read_programmes_without_what_only_the_held_out_fold_attests(setting):
    records = load_annotations(CORPUS, "train") + load_annotations(CORPUS, "dev")
    rules = setting["rules"]
    st = {"train_dev": records, "program_rules": rules,
          "program_attested": rules.attestations(lc.document_texts(records))}
    units, _ = lc.plan(load_splits(CORPUS), [0.5], 1, 3, lc.SEED)
    test_unit = next(u for u in units if u.kind == "test")
    assert lc.program_rules_for(test_unit, st, fold_out_lexicon=False) is rules
    for unit in (u for u in units if u.kind == "cv"):
        reduced = set(lc.program_rules_for(unit, st, fold_out_lexicon=False).phrases())
        gone = set(rules.phrases()) - reduced
        assert gone and all(st["program_attested"][p] <= set(unit.eval_docs) for p in gone)
        # the fold-out option also drops what only train/dev documents outside the subset attest
        outside = {r["meta"]["doc"] for r in records} - set(unit.train_docs)
        further = set(rules.phrases()) - set(lc.program_rules_for(unit, st, fold_out_lexicon=True).phrases())
        assert gone < further and all(st["program_attested"][p] <= outside for p in further)


def test_the_linker_learns_its_boundaries_and_filter_from_the_subset(setting, tmp_path):
    nlp, st = setting["nlp"], setting["st"]
    small = lc.examples_of(st, setting["small"])
    built = lc.retrain_linker(nlp, lambda: small, setting["lexicon"], 5, 10, tmp_path)
    linker = nlp.get_pipe("lawrep_indicators")
    assert built["link_filter"]["texts"] == len(small)  # every text of the subset, none other
    assert built["annotated_texts"] == sum(bool(eg.reference._.links) for eg in small)
    assert 0 < built["link_filter"]["links"] < sum(len(eg.reference._.links) for eg in st["examples"])
    assert linker.filter_model.weights != setting["shipped"]["lawrep_indicators"]["link_filter"]["weights"]
    assert 0 < len(linker.boundary_model.weights) < len(setting["shipped"]["lawrep_indicators"]["boundary_model"]
                                                        ["weights"])
    assert (built["link_filter"]["policy"], built["link_filter"]["keep_threshold"]) == \
        setting["shipped"]["settings"]["linker"]


def test_the_canonical_model_knows_only_the_ids_the_subset_attests(setting, tmp_path):
    nlp, st, taxonomy = setting["nlp"], setting["st"], setting["taxonomy"]
    small = lc.examples_of(st, setting["few_links"])
    gold = {e._.canonical or NONE for eg in small for e in eg.reference.ents if e.label_ == "QUANTITY"}
    calibration = {**taxonomy.calibration, "policy": "rules_or_agree"}
    built = lc.retrain_canonical(nlp, lambda: small, taxonomy.data, calibration, tmp_path)
    trained = {label for labels in built["model"]["labels_by_dimension"].values() for label in labels}
    shipped = {label for labels in lc.trained_labels(taxonomy.model).values() for label in labels}
    assert len(trained - {NONE}) >= 2 and trained <= gold
    assert len(trained) < len(shipped)
    assert built["policy"] == "rules_or_agree" and nlp.get_pipe("lawrep_canonical").taxonomy.model is not None


def test_the_canonical_cut_offs_are_chosen_with_the_shipped_policy_and_model(setting):
    """Per subset only the rules' cut-offs are chosen again, as eval_canonical.py --select chooses them
    together with the shipped policy and model; with the policy "rules" the choice is the rules' alone."""
    nlp, taxonomy = setting["nlp"], setting["taxonomy"]
    train = sorted(load_splits(CORPUS)["train"])[:30]
    records = [r for r in load_annotations(CORPUS, "train") if r["meta"]["doc"] in train and r["relations"]]
    cases = lc.canonical_cases(nlp, records, lc.read_canonical_labels(CORPUS / "canonical"))
    attested = taxonomy.attested_data(lc.indicator_texts(records))
    held_out = taxonomy.attested_data(lc.indicator_texts(records), lc.gold_ids(cases))
    folds = {doc: held_out[doc] for doc in {c.doc for c in cases}}
    lexicon_folds = {doc: attested[doc] for doc in {c.doc for c in cases}}
    shipped = dict(taxonomy.calibration)
    assert shipped["policy"] != "rules"
    chosen = lc.calibrate(cases, folds, shipped, lexicon_folds)
    assert {key: chosen[key] for key in lc.CANONICAL_CHOICES} == {key: shipped[key] for key in lc.CANONICAL_CHOICES}
    assert chosen["min_confidence"] in chosen["method_precision"].values()
    rules_alone = lc.calibrate(cases, folds, {**shipped, "policy": "rules"}, lexicon_folds)
    old = lc.choose_operating_point(lc.calibration_options(cases, folds), len(cases), lc.PRECISION_TARGET)
    assert (rules_alone["fuzzy_threshold"], rules_alone["min_confidence"]) == (old["fuzzy_threshold"],
                                                                              old["min_confidence"])
    # the model's agreement changes what the options measure
    assert chosen["measured"] != rules_alone["measured"]
