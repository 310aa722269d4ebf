"""The per-text feature extractor gives spacy-pkuseg's Viterbi decoder exactly what spacy-pkuseg's
own per-character extractor gives it, so the segmenter cuts the same words, faster."""

import copy
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy_pkuseg.config import config as pkuseg_config

from lawrep_nlp.tokenizer.pkuseg_features import FastFeaturesUnsupported, PkusegFeatureIndex
from tests.properties.strategies import WORDS

# Han characters of report words (so dictionary-word features fire), digits and letters that
# pkuseg folds (half- and full-width), the keyword characters it renames, and white space.
ALPHABET = "".join(sorted(set("".join(WORDS)))) + "0123456789.２０％ABCａｂ／・－-._,|/*:% \u3000\n法治政府建设"


@pytest.fixture(scope="module")
def segmenter(tokenizer):
    assert tokenizer._pkuseg.fast_features is not None, "the shipped model must take the fast path"
    return tokenizer._pkuseg


def library_features(segmenter, text: str) -> list[list[int]]:
    """spacy-pkuseg's own features, character by character, as its ``_cut`` builds them."""
    extractor = segmenter.model.feature_extractor
    nodes = list(extractor.normalize_text(text))
    return [extractor.get_node_features_idx(i, nodes) for i in range(len(nodes))]


def test_features_of_a_report_sentence_are_pkusegs(segmenter):
    text = "受理行政复议案件97件，办结ＡＢ类1.7万余人次"
    assert segmenter.fast_features.text_features(text) == library_features(segmenter, text)


def test_a_sentence_is_cut_into_pkusegs_words(segmenter):
    text = "区司法局全年受理行政复议申请"
    assert segmenter.cut(text) == ["区", "司法局", "全年", "受理", "行政复议", "申请"]
    assert segmenter.cut(text) == segmenter.model.cut(text)


def test_runs_are_cut_apart_as_if_alone(segmenter):
    runs = ["办理法律援助案件", "", "依法行政", "受理 行政复议", "法", "政府推进", "重大行政决策程序"]
    assert list(segmenter.fast_features.runs_features(runs)) == [
        segmenter.fast_features.text_features(run) for run in runs
    ]
    assert segmenter.cut_runs(runs) == [segmenter.model.cut(run) for run in runs]


@given(st.text(ALPHABET, max_size=40))
def test_features_match_spacy_pkuseg(segmenter, text):
    assert segmenter.fast_features.text_features(text) == library_features(segmenter, text)


@given(st.lists(st.text(ALPHABET, max_size=20), max_size=6))
def test_batched_runs_match_spacy_pkuseg(segmenter, runs):
    assert list(segmenter.fast_features.runs_features(runs)) == [library_features(segmenter, run) for run in runs]
    assert segmenter.cut_runs(runs) == [segmenter.model.cut(run) for run in runs]


def dictionary_text(segmenter) -> st.SearchStrategy[str]:
    """Text of the model's own dictionary words (the 5- and 6-character ones reach farthest) and
    characters of ALPHABET between them."""
    words = sorted(word for word in segmenter.fast_features.unigram if 2 <= len(word) <= 6)
    pieces = st.one_of(st.sampled_from(words), st.text(ALPHABET, max_size=2))
    return st.lists(pieces, max_size=12).map("".join)


@given(st.data())
def test_dictionary_text_features_match_spacy_pkuseg(segmenter, data):
    text = data.draw(dictionary_text(segmenter))
    assert segmenter.fast_features.text_features(text) == library_features(segmenter, text)


@given(st.data(), st.integers(min_value=1, max_value=9))
def test_long_text_in_windows_matches_spacy_pkuseg(segmenter, data, window_nodes):
    """A long run is computed a window at a time (4,096 nodes as shipped); any window size gives
    every character its own features."""
    text = data.draw(dictionary_text(segmenter))
    windowed = copy.copy(segmenter.fast_features)
    windowed.window_nodes = window_nodes
    assert windowed.text_features(text) == library_features(segmenter, text)


@pytest.mark.parametrize("window_nodes", range(1, 10))
def test_six_character_words_reach_across_windows(segmenter, window_nodes):
    """推进|重大行政决策|程序: features pairing a word with a six-character word next to it look
    six characters away, the margin a window needs on each side."""
    text = "政府推进重大行政决策程序"
    windowed = copy.copy(segmenter.fast_features)
    windowed.window_nodes = window_nodes
    assert windowed.text_features(text) == library_features(segmenter, text)


def fake_extractor(features: dict[str, int], words: set[str]) -> SimpleNamespace:
    return SimpleNamespace(
        feature_to_idx=features, unigram=words, keywords_translate_table={}, num=set("0"), letter=set("A")
    )


@pytest.mark.parametrize(
    ("features", "words"),
    [
        ({"$$": 0, "ww.l.**noWord*复议": 1}, {"复议"}),  # a pair with a missing word
        ({"$$": 1, "c.法": 0}, set()),  # the start feature is not feature 0
        ({"$$": 0, "x.法": 1}, set()),  # a template this extractor does not know
        ({"$$": 0}, {"a*b"}),  # a dictionary word holding the window marker
    ],
)
def test_models_it_cannot_mirror_are_refused(features, words):
    with pytest.raises(FastFeaturesUnsupported):
        PkusegFeatureIndex(fake_extractor(features, words), pkuseg_config)


def test_a_model_it_cannot_mirror_is_cut_by_spacy_pkuseg(segmenter):
    text = "受理行政复议案件97件"
    fallback = copy.copy(segmenter)
    fallback.fast_features = None
    assert fallback.cut_runs([text]) == [segmenter.model.cut(text)]


def test_runs_beyond_one_feature_batch_are_cut_like_alone(segmenter):
    batch_chars = PkusegFeatureIndex.window_nodes
    runs = ["推进依法行政", "受理行政复议申请97件", "法"] * (batch_chars // 8)
    assert sum(map(len, runs)) > 2 * batch_chars
    assert segmenter.cut_runs(runs) == [segmenter.model.cut(run) for run in runs]
