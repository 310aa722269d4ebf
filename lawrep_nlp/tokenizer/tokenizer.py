"""``lawrep.ChineseTokenizer.v1``: Chinese word segmentation for report text.

Built like spaCy's own ``spacy.zh.ChineseTokenizer``: configured in ``[nlp.tokenizer]``, loaded
in ``initialize``, serialised with ``to_disk``/``from_disk``. A statistical segmenter (a pkuseg
model trained on this project's report text, see scripts/train_segmenter.py; its features computed
per text by pkuseg_features.py) cuts runs of Chinese characters; rules (rules.py) fix everything
else, and a domain user dictionary forces the agency, programme and indicator words the annotation
standard needs.
"""

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy_pkuseg
import srsly
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example, validate_examples
from spacy.util import DummyTokenizer, ensure_path, from_bytes, from_disk, registry, to_bytes, to_disk
from spacy.vocab import Vocab

from ..script import mark_read, matching_form
from ..units import UNITS_FILE, segmentation_units
from .pkuseg_features import FastFeaturesUnsupported, PkusegFeatureIndex
from .rules import RunCutter, per_run, segment, words_and_spaces

DATA_DIR = Path(__file__).parent / "data"
#: The segmentation model and user dictionary that ship with the package.
DEFAULT_MODEL_DIR = DATA_DIR / "pkuseg_model"
DEFAULT_USER_DICT = DATA_DIR / "user_dict.txt"
#: The package's one unit table (lawrep_nlp/data/units.tsv), shared with lawrep_quantities.
DEFAULT_UNITS = UNITS_FILE
DEFAULT_PLACES = DATA_DIR / "places.txt"
SEGMENTERS = ("pkuseg", "char")
MODEL_FILES = ("features.msgpack", "weights.npz")


@registry.tokenizers("lawrep.ChineseTokenizer.v1")
def create_tokenizer(
    segmenter: str = "pkuseg", general_dictionary: bool = True
) -> Callable[[Language], "LawrepTokenizer"]:
    """segmenter: "pkuseg" (the trained model) or "char" (one token per character, rules kept).
    general_dictionary: let pkuseg merge adjacent pieces that form a word of the general word
    list spacy-pkuseg ships (dicts/default.pkl); chosen on dev (+0.3 F1 points, same alignment)."""

    def make_tokenizer(nlp: Language) -> LawrepTokenizer:
        return LawrepTokenizer(nlp.vocab, segmenter=segmenter, general_dictionary=general_dictionary)

    return make_tokenizer


def read_user_dict(path: Path) -> list[str]:
    """One word per line; blank lines and lines starting with # are skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0].strip() for line in lines if line.strip() and not line.startswith("#")]


class ForcedWords(spacy_pkuseg.Preprocesser):
    """spacy-pkuseg's forced-word matcher, ending each match at its longest dictionary word.

    spacy-pkuseg's own ``solve`` ends a match where the dictionary's trie path breaks off, not
    where the last word on it ended: with the words 法治 and 法治政府建设, 推进法治政府工作 gets the
    non-word 法治政府 forced. Here a match is the longest dictionary word starting at a position,
    scanned left to right as before."""

    def solve(self, txt: str) -> tuple[list[str], list[bool], list[str]]:
        """Split ``txt`` into (pieces, is_forced_word, user_tags), like spacy-pkuseg's ``solve``."""
        pieces: list[str] = []
        forced: list[bool] = []
        tags: list[str] = []

        def add(piece: str, is_word: bool, tag: str = "") -> None:
            pieces.append(piece)
            forced.append(is_word)
            tags.append(tag)

        last = start = 0
        while start < len(txt):
            node, end, tag = self.trie, -1, ""
            position = start
            while position < len(txt) and txt[position] in node.children:
                node = node.children[txt[position]]
                position += 1
                if node.isword:
                    end, tag = position, node.usertag
            if end == -1:
                start += 1
                continue
            if last != start:
                add(txt[last:start], False)
            add(txt[start:end], True, tag)
            last = start = end
        if last < len(txt):
            add(txt[last:], False)
        return pieces, forced, tags


class PkusegSegmenter:
    """A pkuseg model, a forced-word user dictionary (applied first) and, optionally, pkuseg's
    general word list for merging the model's pieces (never the forced words)."""

    def __init__(self, model_dir: Path, user_words: Iterable[str], general_dictionary: bool = True):
        from spacy_pkuseg.config import config as pkuseg_config
        from spacy_pkuseg.inference import decodeViterbi_fast

        missing = [name for name in MODEL_FILES if not (Path(model_dir) / name).exists()]
        if missing:
            raise FileNotFoundError(f"no pkuseg model in {model_dir} (missing {', '.join(missing)})")
        self.user_words = sorted(set(user_words))
        self.model = spacy_pkuseg.pkuseg(str(model_dir), user_dict=None)
        self.model.preprocesser = ForcedWords(self.user_words)
        if general_dictionary:
            word_list = Path(spacy_pkuseg.__file__).parent / "dicts" / "default.pkl"
            self.model.postprocesser = spacy_pkuseg.Postprocesser(None, [str(word_list)])
        self.begin_tags = {index for index, tag in self.model.idx_to_tag.items() if "B" in tag}
        self.viterbi = decodeViterbi_fast

        try:
            self.fast_features: PkusegFeatureIndex | None = PkusegFeatureIndex(
                self.model.feature_extractor, pkuseg_config
            )
        except FastFeaturesUnsupported:
            self.fast_features = None  # a model this extractor cannot mirror: pkuseg's own path

    def cut(self, text: str) -> list[str]:
        return self.cut_runs([text])[0]

    def cut_runs(self, runs: list[str]) -> list[list[str]]:
        """pkuseg's ``cut`` of each run (pieces split on white space, forced words first, the
        model and the general word list for the rest), with the model's features computed for
        many runs at a time (pkuseg_features.py). Same words as ``self.model.cut``, in about
        half the time."""
        if self.fast_features is None:
            return [self.model.cut(run) for run in runs]
        plans: list[list[str | int]] = []  # per run: forced words, and indices of parts to cut
        parts: list[str] = []
        for run in runs:
            plan: list[str | int] = []
            for piece in run.split():
                pieces, forced, _ = self.model.preprocesser.solve(piece)
                for part, is_forced in zip(pieces, forced, strict=True):
                    if is_forced:
                        plan.append(part)
                    elif part:
                        plan.append(len(parts))
                        parts.append(part)
            plans.append(plan)
        cut_parts = [
            self.model.postprocesser(self._decode(part, features))
            for part, features in zip(parts, self.fast_features.runs_features(parts), strict=True)
        ]
        return [
            [word for item in plan for word in ([item] if isinstance(item, str) else cut_parts[item])]
            for plan in plans
        ]

    def _decode(self, text: str, features: list[list[int]]) -> list[str]:
        """Viterbi-decode one part and cut it before every tag that begins a word."""
        _, tags = self.viterbi(features, self.model.model)
        begins = self.begin_tags
        words, start = [], 0
        for position in range(1, len(text)):
            if tags[position] in begins:
                words.append(text[start:position])
                start = position
        words.append(text[start:])
        return words

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.model.model.save(str(path))
        self.model.feature_extractor.save(str(path))


class LawrepTokenizer(DummyTokenizer):
    """Segment report text into spaCy tokens; ``doc.text`` is always the input text."""

    def __init__(self, vocab: Vocab, segmenter: str = "pkuseg", general_dictionary: bool = True):
        if segmenter not in SEGMENTERS:
            raise ValueError(f"segmenter must be one of {SEGMENTERS}, not {segmenter!r}")
        self.vocab = vocab
        self.segmenter = segmenter
        self.general_dictionary = general_dictionary
        self.user_words: list[str] = []
        self.units: frozenset[str] = segmentation_units(DEFAULT_UNITS)
        self._pkuseg: PkusegSegmenter | None = None

    # -- set-up -------------------------------------------------------------------------------
    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        pkuseg_model: str | Path | None = None,
        user_dict: str | Path | None = None,
        units: str | Path | None = None,
        places: str | Path | None = None,
        pkuseg_user_dict: str | None = None,
    ) -> None:
        """Load the segmentation model, user dictionary, place names and unit table (default:
        the ones that ship with lawrep_nlp, so nothing is downloaded). The user dictionary and
        the place names are merged into one forced-word list. ``pkuseg_user_dict`` is the name
        spaCy's zh defaults use; a path there counts as ``user_dict`` ("default" means ours)."""
        if user_dict is None and pkuseg_user_dict not in (None, "default"):
            user_dict = pkuseg_user_dict
        self.user_words = sorted(
            set(read_user_dict(Path(user_dict) if user_dict else DEFAULT_USER_DICT))
            | set(read_user_dict(Path(places) if places else DEFAULT_PLACES))
        )
        self.units = segmentation_units(Path(units) if units else DEFAULT_UNITS)
        if self.segmenter == "pkuseg":
            model_dir = Path(pkuseg_model) if pkuseg_model else DEFAULT_MODEL_DIR
            self._pkuseg = PkusegSegmenter(model_dir, self.user_words, self.general_dictionary)

    def _cutter(self) -> RunCutter:
        if self.segmenter == "char":
            return per_run(list)
        if self._pkuseg is None:
            # Not initialised (e.g. spacy.blank with this tokenizer): the packaged model is local.
            self.initialize()
        assert self._pkuseg is not None
        return self._pkuseg.cut_runs

    # -- segmentation -------------------------------------------------------------------------
    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every non-whitespace token."""
        return segment(text, self._cutter(), self.units)

    def __call__(self, text: str) -> Doc:
        if not isinstance(text, str):
            raise TypeError(f"the tokenizer takes a str, not {type(text).__name__}")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:  # spaCy stores token texts as UTF-8: such a str cannot be a Doc
            raise ValueError(f"the text holds a lone surrogate ({text[err.start]!r} at offset {err.start}), which is "
                             "not a character: decode its source with errors='replace' (or 'ignore') first") from None
        simplified = matching_form(text)
        words, spaces = words_and_spaces(text, self.token_offsets(simplified))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        mark_read(doc, text)
        if simplified != text:  # traditional or invisible characters: see lawrep_nlp.script
            doc._.simplified_text = simplified
            for token in doc:
                form = simplified[token.idx:token.idx + len(token)]
                if form != token.text:
                    token.norm_ = form
                    # the features a statistical model reads (NORM, PREFIX, SUFFIX, SHAPE) are then those
                    # of the simplified form, so an enabled NER reads both scripts alike
                    lexeme, simple = self.vocab[token.text], self.vocab[form]
                    lexeme.prefix_, lexeme.suffix_, lexeme.shape_ = simple.prefix_, simple.suffix_, simple.shape_
        return doc

    def score(self, examples: Iterable[Example]) -> dict[str, Any]:
        validate_examples(examples, "LawrepTokenizer.score")
        return Scorer.score_tokenization(examples)

    # -- serialisation ------------------------------------------------------------------------
    def _cfg(self) -> dict[str, Any]:
        return {"segmenter": self.segmenter, "general_dictionary": self.general_dictionary}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        self.segmenter = cfg.get("segmenter", "pkuseg")
        self.general_dictionary = cfg.get("general_dictionary", True)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> None:
        folder: Path = ensure_path(path)
        if self.segmenter == "pkuseg" and self._pkuseg is None:
            self.initialize()

        def save_model(p: Path) -> None:
            if self._pkuseg is not None:
                self._pkuseg.save(p)

        serializers: dict[str, Callable[[Path], Any]] = {
            "cfg": lambda p: srsly.write_json(p, self._cfg()),
            "user_dict.txt": lambda p: p.write_text("".join(w + "\n" for w in self.user_words), encoding="utf-8"),
            "units.txt": lambda p: p.write_text("".join(u + "\n" for u in sorted(self.units)), encoding="utf-8"),
            "pkuseg_model": save_model,
        }
        to_disk(folder, serializers, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> "LawrepTokenizer":
        folder: Path = ensure_path(path)
        deserializers = {
            "cfg": lambda p: self._set_cfg(srsly.read_json(p)),
            "user_dict.txt": lambda p: setattr(self, "user_words", read_user_dict(p)),
            "units.txt": lambda p: setattr(self, "units", frozenset(read_user_dict(p))),
            "pkuseg_model": lambda p: None,  # loaded below, once cfg and user dict are known
        }
        from_disk(folder, deserializers, exclude)
        if self.segmenter == "pkuseg":
            self._pkuseg = PkusegSegmenter(folder / "pkuseg_model", self.user_words, self.general_dictionary)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            self.to_disk(tmp)
            root = Path(tmp)
            files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
        return to_bytes({"files": lambda: srsly.msgpack_dumps(files)}, exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> "LawrepTokenizer":
        files: dict[str, bytes] = {}
        from_bytes(data, {"files": lambda b: files.update(srsly.msgpack_loads(b))}, exclude)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for name, content in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(content)
            self.from_disk(root)
        return self
