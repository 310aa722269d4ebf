"""pkuseg's per-character feature indices, computed once per text instead of once per character.

spacy-pkuseg extracts a character's features one character at a time: it joins and looks up the
same 2–6 character windows twenty times per character and builds every candidate feature string
before asking whether the model knows it. That step is ~75% of segmenting a report. This module
computes the identical feature lists (same indices, same order, duplicates kept) from one table
of dictionary words per text and feature tables keyed by what varies, so the Viterbi decoder sees
exactly what spacy-pkuseg would give it. tests/tokenizer/test_pkuseg_features.py checks the identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

NO_WORD = "**noWord"
#: A node no text yields (a character is one node, a folded digit or letter "**Num"/"**Letter").
SEPARATOR = "**Separator"


class FastFeaturesUnsupported(ValueError):
    """The model holds features this extractor does not reproduce; use spacy-pkuseg's own."""


class PkusegFeatureIndex:
    """Feature tables of one pkuseg model, split by feature template."""

    #: nodes whose features are computed together (see ``runs_features`` and ``_node_features``):
    #: enough to share the set-up, few enough that a 1M-character document never holds all its
    #: features (~0.5 KB a character) at once
    window_nodes = 4096

    def __init__(self, feature_extractor: Any, config: Any):
        feature_to_idx: dict[str, int] = feature_extractor.feature_to_idx
        self.unigram: set[str] = feature_extractor.unigram
        if feature_to_idx.get("$$") != 0:
            raise FastFeaturesUnsupported("the start feature '$$' is not feature 0")
        if any("*" in word for word in self.unigram):
            raise FastFeaturesUnsupported("a dictionary word contains '*'")
        self.word_features: bool = bool(config.wordFeature)
        self.shortest = config.wordMin
        self.margin = max(config.wordMax, 2)  # the farthest node a feature reads (char templates: 2)
        # the words a window can match, by their first ``shortest`` characters, longest first
        # (pkuseg tries lengths wordMax … wordMin): most positions open no word at all
        self.words_by_opening: dict[str, list[str]] = {}
        for word in sorted(self.unigram, key=len, reverse=True):
            if config.wordMin <= len(word) <= config.wordMax:
                self.words_by_opening.setdefault(word[: self.shortest], []).append(word)
        self.rename_table = feature_extractor.keywords_translate_table
        # each character's node where it differs from the character (pkuseg checks digits first)
        self.folded: dict[str, str] = {}
        if config.numLetterNorm:
            self.folded = {char: "**Letter" for char in feature_extractor.letter}
            self.folded.update({char: "**Num" for char in feature_extractor.num})
        self.tables: dict[str, dict[str, int]] = {
            name: {} for name in ("c", "c-1", "c1", "c-2", "c2", "c-1c", "cc1", "c-2c-1", "w-1", "w1")
        }
        self.pairs: dict[str, dict[str, dict[str, int]]] = {"ww.l": {}, "ww.r": {}}
        for feature, index in feature_to_idx.items():
            if feature == "$$":
                continue
            if index <= 0:
                raise FastFeaturesUnsupported(f"feature {feature!r} has index {index}, not above 0")
            if NO_WORD in feature or SEPARATOR in feature:
                raise FastFeaturesUnsupported(f"feature {feature!r} names a marker node")
            if feature.startswith(("ww.l.", "ww.r.")):
                pre, post = feature[5:].split("*", 1)
                self.pairs[feature[:4]].setdefault(pre, {})[post] = index
                continue
            template, _, key = feature.partition(".")
            if template not in self.tables:
                raise FastFeaturesUnsupported(f"unknown feature template in {feature!r}")
            self.tables[template][key] = index

    def nodes(self, text: str) -> list[str]:
        """The model's view of each character (keywords renamed, digits and letters folded)."""
        renamed = text.translate(self.rename_table)
        return list(map(self.folded.get, renamed, renamed))

    def runs_features(self, runs: Iterable[str]) -> Iterator[list[list[int]]]:
        """``text_features`` of each run, in order. Runs are computed together, about
        ``window_nodes`` characters at a time, joined by two separator nodes, which no feature holds
        and no dictionary word spans, so each run gets the features it has alone (pkuseg's
        character features look two nodes away). Only one batch's features are held at a time."""
        batch: list[str] = []
        size = 0
        for run in runs:
            batch.append(run)
            size += len(run)
            if size >= self.window_nodes:
                yield from self._batch_features(batch)
                batch, size = [], 0
        if batch:
            yield from self._batch_features(batch)

    def _batch_features(self, runs: list[str]) -> list[list[list[int]]]:
        nodes: list[str] = []
        offsets = []
        for run in runs:
            nodes += (SEPARATOR, SEPARATOR)
            offsets.append(len(nodes))
            nodes += self.nodes(run)
        nodes += (SEPARATOR, SEPARATOR)
        features = self._node_features(nodes)
        return [features[offset : offset + len(run)] for offset, run in zip(offsets, runs, strict=True)]

    def text_features(self, text: str) -> list[list[int]]:
        """Feature indices for every character of ``text``, as spacy-pkuseg's ``_cut`` builds them."""
        return self._node_features(self.nodes(text))

    def _words_by_start(self, nodes: list[str]) -> list[list[str]]:
        """Dictionary words starting at each position (and one empty list past the end), longest
        first, as pkuseg slices them: a window with a folded digit or letter never matches."""
        # A folded node ("**Num") becomes a character no dictionary word holds; '*' is one.
        masked = "".join(node if len(node) == 1 else "*" for node in nodes)
        shortest, by_opening = self.shortest, self.words_by_opening
        no_words: list[str] = []  # shared, never changed
        starts = [no_words] * (len(masked) + 1)
        for start in range(len(masked) - shortest + 1):
            candidates = by_opening.get(masked[start : start + shortest])
            if candidates:
                found = [word for word in candidates if masked.startswith(word, start)]
                if found:
                    starts[start] = found
        return starts

    def _node_features(self, nodes: list[str]) -> list[list[int]]:
        """Each node's features, a window of ``window_nodes`` at a time: a node's features look at
        most ``margin`` nodes away (a word ending just before it or starting just after it), so a
        window widened by the margin on each side gives its nodes their own features, and a long
        run (a 1M-character text without punctuation) never holds its tables all at once."""
        n = len(nodes)
        if n <= self.window_nodes:
            return self._window_features(nodes)
        features: list[list[int]] = []
        for start in range(0, n, self.window_nodes):
            end = min(start + self.window_nodes, n)
            low, high = max(0, start - self.margin), min(n, end + self.margin)
            features += self._window_features(nodes[low:high])[start - low : end - low]
        return features

    def _window_features(self, nodes: list[str]) -> list[list[int]]:
        n = len(nodes)
        t = self.tables
        # bigrams[k] joins nodes k and k+1, as the two-character templates do
        bigrams = [nodes[k] + "." + nodes[k + 1] for k in range(n - 1)]
        # one column per character template, None where the model has no such feature; the
        # order of the columns is pkuseg's order of the templates
        columns = [
            list(map(t["c"].get, nodes)),
            [None, *map(t["c-1"].get, nodes[:-1])],
            [None, *map(t["c-1c"].get, bigrams)],
            [*map(t["c1"].get, nodes[1:]), None],
            [*map(t["cc1"].get, bigrams), None],
            [None, None, *map(t["c-2"].get, nodes[:-2])],
            [None, None, *map(t["c-2c-1"].get, bigrams[:-1])],
            [*map(t["c2"].get, nodes[2:]), None, None],
        ]
        # zip stops at the shortest column, the text's length however short the text; filter
        # drops the missing features (every feature but the start feature '$$' has an index > 0)
        all_features = [[0, *filter(None, row)] for row in zip(*columns, strict=False)]
        if not self.word_features:
            return all_features
        starts = self._words_by_start(nodes)
        # words ending at each position, longest first as pkuseg lists them: an earlier start
        # is a longer word, so walking the starts in order keeps that order
        ends: list[list[str]] = [[] for _ in range(n + 1)]
        for start, words in enumerate(starts):
            for word in words:
                ends[start + len(word)].append(word)
        w_ends, w_starts = t["w-1"], t["w1"]
        left_pairs, right_pairs = self.pairs["ww.l"], self.pairs["ww.r"]
        for i, flist in enumerate(all_features):
            ending_here, starting_here, before, following = ends[i + 1], starts[i], ends[i], starts[i + 1]
            if not (ending_here or starting_here):
                continue  # every word template needs a word ending or starting here
            append = flist.append
            # w-1 / w1: a word ends / starts here
            for table, words in ((w_ends, ending_here), (w_starts, starting_here)):
                for word in words:
                    index = table.get(word)
                    if index is not None:
                        append(index)
            # ww.l / ww.r: a word ending just before / here, paired with one starting here / next
            for pairs, pres, posts in ((left_pairs, before, starting_here), (right_pairs, ending_here, following)):
                for pre in pres:
                    pair_table = pairs.get(pre)
                    if pair_table:
                        for post in posts:
                            index = pair_table.get(post)
                            if index is not None:
                                append(index)
        return all_features
