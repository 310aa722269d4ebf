"""Declared structure: every component says what it requires and assigns, so analyze_pipes tells
the truth, and a pipeline missing a required component fails when it is built."""

import re

import pytest
import spacy

from lawrep_nlp.extensions import QUANTITY_ATTRS


def test_analyze_pipes_finds_no_problem(nlp):
    analysis = nlp.analyze_pipes(pretty=False)
    assert all(problems == [] for problems in analysis["problems"].values())
    summary = analysis["summary"]
    assert summary["lawrep_sentences"]["assigns"] == ["token.is_sent_start"]
    assert summary["lawrep_indicators"]["requires"] == ["doc.ents", "token.is_sent_start", "span._.value",
                                                        "span._.unit", "span._.approx"]
    assert {"doc._.links", "span._.unit", "span._.dimension"} <= set(summary["lawrep_canonical"]["requires"])
    assert "doc._.links" in summary["lawrep_indicators"]["assigns"]
    assert {f"span._.{name}" for name in ("value", "unit", "out_of_range")} <= set(
        summary["lawrep_quantities"]["assigns"])
    assert all(f"span._.{name}" in summary["lawrep_quantities"]["assigns"]
               for name in QUANTITY_ATTRS if name not in ("action", "canonical", "canonical_confidence"))


def test_every_lawrep_component_declares_what_it_assigns(nlp):
    assert all(nlp.get_pipe_meta(name).assigns for name in nlp.pipe_names)


def test_every_stored_attribute_is_declared_by_a_component(nlp):
    """Each Span attribute that holds data (not a getter such as ``indicator``) and the Doc's links
    and measurements are in some component's ``assigns``, so analyze_pipes names who sets them
    (the test-suite audit dropped span._.law_level and span._.action without a test failing).
    ``doc._.report`` is the reader's and ``doc._.simplified_text`` the tokenizer's."""
    from spacy.tokens import Span
    from spacy.tokens.underscore import Underscore

    stored = {f"span._.{name}" for name in Underscore.span_extensions if Span.get_extension(name)[2] is None}
    declared = {attr for name in nlp.pipe_names for attr in nlp.get_pipe_meta(name).assigns}
    assert stored | {"doc._.links", "doc._.measurements"} <= declared
    assert len(stored) == 12


@pytest.mark.parametrize(("before", "component", "named"), [
    ([], "lawrep_indicators", "add lawrep_sentences before it"),
    (["lawrep_quantities"], "lawrep_indicators", "token.is_sent_start (add lawrep_sentences before it)"),
    (["lawrep_sentences"], "lawrep_indicators", "doc.ents (add lawrep_quantities"),
    (["lawrep_sentences", "lawrep_quantities"], "lawrep_canonical", "doc._.links (add lawrep_indicators before it)"),
    # regression: another entity component assigns doc.ents, so a pipeline without lawrep_quantities
    # was built and linked nothing
    (["lawrep_sentences", "lawrep_laws"], "lawrep_indicators",
     "span._.value, span._.unit, span._.approx (add lawrep_quantities before it)"),
])
def test_a_missing_required_component_fails_when_the_pipeline_is_built(before, component, named):
    """Regression: a pipeline without lawrep_sentences failed only at run time, with spaCy's E030."""
    blank = spacy.blank("zh")
    for name in before:
        blank.add_pipe(name)
    with pytest.raises(ValueError, match=re.escape(named)):
        blank.add_pipe(component)


def test_spacys_own_sentencizer_satisfies_the_linker():
    blank = spacy.blank("zh")
    blank.add_pipe("sentencizer")
    blank.add_pipe("lawrep_quantities")
    blank.add_pipe("lawrep_indicators")
    doc = blank("受理行政复议案件97件。")
    # spacy.blank("zh") splits characters, so where the indicator starts (受理 is a word only to
    # lawrep's tokenizer) is not what this checks: that the quantity is found and linked is
    [(indicator, value)] = [(m["indicator"], m["value"]) for m in doc._.measurements]
    assert value == 97.0 and indicator.endswith("行政复议案件")


@pytest.mark.parametrize(("disabled", "component", "named"), [
    ("lawrep_sentences", "lawrep_indicators", "add lawrep_sentences before lawrep_indicators"),
    ("lawrep_indicators", "lawrep_canonical", "add lawrep_indicators before lawrep_canonical"),
    ("lawrep_quantities", "lawrep_indicators", "needs span._.value, span._.unit, span._.approx, which no component "
                                               "before it set: add lawrep_quantities before lawrep_indicators"),
])
def test_a_disabled_required_component_is_named_when_the_pipeline_runs(disabled, component, named):
    """Regression: with lawrep_sentences disabled the linker failed with spaCy's E030 from deep in
    its walk; with lawrep_indicators disabled the mapper gave every quantity no indicator and no id;
    with lawrep_quantities disabled the linker linked nothing and said nothing."""
    nlp = spacy.load("lawrep_zh", disable=[disabled])
    with pytest.raises(ValueError, match=re.escape(named)):
        nlp("区司法局收到行政复议申请32件、办结28件。")


def test_a_component_disabled_for_a_while_is_checked_again_when_it_is_back():
    nlp = spacy.load("lawrep_zh")
    text = "区司法局收到行政复议申请32件。"
    assert [m["indicator"] for m in nlp(text)._.measurements] == ["行政复议申请"]
    with nlp.select_pipes(disable=["lawrep_quantities"]), \
            pytest.raises(ValueError, match=re.escape("add lawrep_quantities before lawrep_indicators")):
        nlp(text)
    assert [m["indicator"] for m in nlp(text)._.measurements] == ["行政复议申请"]


def test_a_disabled_sentence_component_is_named_when_the_linker_learns():
    """Regression (the retraining audit): with lawrep_sentences disabled in the config, spacy train
    failed in the linker's initialize with spaCy's E030 from deep in the walk."""
    from spacy.training import Example

    nlp = spacy.load("lawrep_zh", disable=["lawrep_sentences"])
    text = "区司法局收到行政复议申请32件。"
    reference = nlp.make_doc(text)
    reference._.links = [[10, 13, 6, 10]]
    with pytest.raises(ValueError, match=re.escape("add lawrep_sentences before lawrep_indicators")):
        nlp.get_pipe("lawrep_indicators").initialize(lambda: [Example(nlp.make_doc(text), reference)], nlp=nlp,
                                                     boundary_epochs=1)


@pytest.mark.parametrize(("before", "named"), [
    ("lawrep_sentences", "needs doc.ents, token.is_sent_start, span._.value, span._.unit, span._.approx, which no "
                         "component before it set: add lawrep_quantities (and the other entity components) and "
                         "lawrep_sentences before lawrep_indicators, or enable them if disabled"),
    ("lawrep_quantities", "needs doc.ents, span._.value, span._.unit, span._.approx, which no component before it "
                          "set: add lawrep_quantities (and the other entity components) before lawrep_indicators, "
                          "or enable it if disabled"),
])
def test_a_component_placed_before_what_it_requires_is_named_when_it_runs(before, named):
    """A factory cannot see where add_pipe will put it, so the order is checked when it runs."""
    blank = spacy.blank("zh")
    blank.add_pipe("lawrep_sentences")
    blank.add_pipe("lawrep_quantities")
    blank.add_pipe("lawrep_indicators", before=before)
    with pytest.raises(ValueError, match=re.escape(named)):
        blank("全年办理法律援助案件157件。")


def test_an_empty_text_needs_no_sentence():
    blank = spacy.blank("zh")
    blank.add_pipe("sentencizer")
    blank.add_pipe("lawrep_quantities")
    blank.add_pipe("lawrep_indicators")
    assert blank("")._.links == []


def test_the_shipped_config_keeps_every_initialize_setting(nlp):
    """Regression: scripts/build_pipeline.py re-creates the learning components with replace_pipe,
    which dropped their [initialize.components.*] blocks from the shipped config; nlp.initialize on
    the shipped pipeline then fitted the linker with its defaults (no boundary model at all)."""
    from pathlib import Path

    configured = spacy.util.load_config(Path(__file__).resolve().parents[2] / "configs" / "lawrep_zh.cfg")
    assert nlp.config["initialize"]["components"] == configured["initialize"]["components"]
    # and names no training file of the machine that built it (it named /work/…/train.spacy)
    assert (nlp.config["paths"]["train"], nlp.config["paths"]["dev"]) == (None, None)


def test_spacy_train_chooses_model_best_by_entities_and_links():
    """Regression: spaCy adds each factory's default score weights to the config's, so the ner's
    ents_f 1.0 (the same figure as lawrep_ents_f) gave entities 0.73 against links 0.24."""
    from pathlib import Path

    config = spacy.util.load_config(Path(__file__).resolve().parents[2] / "configs" / "lawrep_zh.cfg")
    weights = spacy.util.load_model_from_config(config, auto_fill=True).config["training"]["score_weights"]
    nonzero = {name: weight for name, weight in weights.items() if weight}
    assert set(nonzero) == {"lawrep_ents_f", "lawrep_link_exact_f", "lawrep_ner_union_f"}
    assert nonzero["lawrep_ents_f"] == nonzero["lawrep_link_exact_f"] > 9 * nonzero["lawrep_ner_union_f"]


def test_initialize_without_annotations_says_what_it_cannot_learn():
    """nlp.initialize() without examples (spaCy then makes one empty example) re-fits every learned
    part from nothing: each component says which part it could not learn, not silently."""
    import warnings

    nlp = spacy.load("lawrep_zh", exclude=["tok2vec", "ner"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nlp.initialize()
    said = [str(warning.message) for warning in caught]
    for name, part in [("lawrep_programs", "no quoted-phrase classifier"), ("lawrep_indicators", "boundary model"),
                       ("lawrep_canonical", "no learned model")]:
        assert any(message.startswith(f"{name}: none of the") and part in message for message in said), name


def test_registered_functions_have_real_annotations_for_confection():
    """Regression: lawrep_sentences' factory module had ``from __future__ import annotations``, and
    confection before 1.x (with spaCy 3.8.0–3.8.12, which the requirements allowed until session
    20) cannot read string annotations: spacy.load("lawrep_zh") failed with a pydantic ForwardRef
    error. (Those spaCy versions also fail to import beside today's typer, which no longer brings
    click: the requirements now start at spaCy 3.8.13.)"""
    import inspect
    from importlib.metadata import entry_points

    groups = ("spacy_factories", "spacy_tokenizers", "spacy_scorers", "spacy_callbacks")
    functions = [entry.load() for group in groups for entry in entry_points(group=group)
                 if entry.value.startswith("lawrep_nlp")]
    assert len(functions) == 16  # 10 factories, the tokenizer, 4 scorers, the callback
    as_strings = {(function.__qualname__, name) for function in functions  # confection reads the parameters
                  for name, annotation in inspect.get_annotations(function).items()
                  if name != "return" and isinstance(annotation, str)}
    assert as_strings == set()
