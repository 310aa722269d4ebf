"""What the rule components share: their knowledge is data saved with the pipeline, and the
entities they find are added without disturbing those already there."""

import re
from bisect import bisect_left
from collections.abc import Callable, Container, Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, ClassVar

import srsly
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path, from_bytes, from_disk, to_bytes, to_disk

from ..script import text_of

DATA_FILE = "data.json"
#: Where the rule components record the entities they add (lawrep_entity_policy tells the NER's
#: additions apart by it).
RULE_SPANS_KEY = "lawrep_rules"
#: the entities already set when the first rule component ran (on the input Doc, or by a component
#: before the rules): lawrep_entity_policy keeps them, since no model of its arbitration made them
PRESET_SPANS_KEY = "lawrep_preset"

#: The component that assigns each attribute a lawrep component may require, for error messages.
PROVIDERS = {"token.is_sent_start": "lawrep_sentences", "doc.ents": "lawrep_quantities (and the other entity "
             "components)", "doc._.links": "lawrep_indicators",
             **{f"span._.{name}": "lawrep_quantities" for name in ("value", "unit", "dimension", "approx")}}


def assigned_attributes(nlp: Language, names: Iterable[str] | None = None) -> set[str]:
    """What the enabled components of `nlp` (or those of them named in `names`) declare they assign."""
    return {attr for pipe_name in (nlp.pipe_names if names is None else names)
            for attr in nlp.get_pipe_meta(pipe_name).assigns}


def check_required(nlp: Language, name: str, requires: Iterable[str]) -> None:
    """Fail when the component is built, not when it first runs, if no component already in the
    pipeline assigns what it requires (spaCy's analyze_pipes only warns). A factory does not know
    where it will go, so the order, and components disabled since, are checked when it runs
    (`unmet_requirements`; what can be seen on the Doc, such as sentence boundaries, by
    `missing_upstream`)."""
    assigned = assigned_attributes(nlp)
    missing = [attr for attr in requires if attr not in assigned]
    if missing:
        by_provider: dict[str, list[str]] = {}
        for attr in missing:
            by_provider.setdefault(PROVIDERS.get(attr, "a component that assigns it"), []).append(attr)
        needed = "; ".join(f"{', '.join(attrs)} (add {provider} before it)" for provider, attrs in by_provider.items())
        raise ValueError(f"{name} needs {needed}: no component in the pipeline {nlp.pipe_names} assigns it")


def unmet_requirements(nlp: Language, name: str, requires: Iterable[str]) -> list[str]:
    """Those of `requires` that no enabled component before `name` declares it assigns: the
    provider was disabled (``spacy.load(…, disable=[…])``, ``select_pipes``) or placed after it.
    Quantities cannot be checked on the Doc (a text may have none), so without this a linker whose
    lawrep_quantities is disabled linked nothing, silently (regression). Nothing when `name` is not
    an enabled component of `nlp` (a component called on its own is trusted)."""
    names = nlp.pipe_names
    if name not in names:
        return []
    assigned = assigned_attributes(nlp, names[:names.index(name)])
    return [attr for attr in requires if attr not in assigned]


def check_setting(component: str, setting: str, value: float | None, low: float, high: float | None = None) -> None:
    """Refuse a setting outside low…high (no upper bound when `high` is None) when the pipeline is
    built, naming the component and the setting; None (the default's value) passes."""
    if value is None or (low <= value and (high is None or value <= high)):
        return
    bound = f"within {low}…{high}" if high is not None else f"at least {low}" if low else "0 or more"
    raise ValueError(f"{component}: {setting} must be {bound}, not {value!r}")


def missing_upstream(name: str, *attrs: str) -> ValueError:
    """The error of a component that runs without what an earlier one should have set: left out
    of the pipeline, disabled (``spacy.load(…, disable=[…])``) or placed after it."""
    providers: dict[str, str] = {}  # by component name: doc.ents and span._.value both name lawrep_quantities once
    for attr in attrs:
        provider = PROVIDERS.get(attr, "a component that assigns it")
        providers.setdefault(provider.split(" (")[0], provider)
    them = "it" if len(providers) == 1 else "them"
    return ValueError(f"{name} needs {', '.join(attrs)}, which no component before it set: add "
                      f"{' and '.join(providers.values())} before {name}, or enable {them} if disabled")


class DataComponent:
    """A pipeline component whose rules or tables are one JSON value, written to and read from
    ``data.json`` in the component's folder of a saved pipeline, or the same JSON under that key
    of ``nlp.to_bytes()`` (spaCy leaves a component without ``to_bytes`` out of it silently)."""

    def get_data(self) -> Any:
        raise NotImplementedError

    def set_data(self, data: Any) -> None:
        raise NotImplementedError

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> None:
        folder: Path = ensure_path(path)
        folder.mkdir(parents=True, exist_ok=True)
        to_disk(folder, {DATA_FILE: lambda p: srsly.write_json(p, self.get_data())}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> "DataComponent":
        from_disk(ensure_path(path), {DATA_FILE: lambda p: self.set_data(srsly.read_json(p))}, exclude)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return to_bytes({DATA_FILE: lambda: srsly.json_dumps(self.get_data())}, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "DataComponent":
        from_bytes(bytes_data, {DATA_FILE: lambda b: self.set_data(srsly.json_loads(b))}, exclude)
        return self


class RulesFileComponent(DataComponent):
    """A rule component whose rules are one JSON file: the shipped ``rules_file`` unless
    ``initialize(rules_path=…)`` names another. ``rules_type`` reads a file (``from_file``) and
    converts to and from the saved data (``to_data``, ``from_data``)."""

    rules_type: ClassVar[Any]
    rules_file: ClassVar[Path]

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.rules = self.rules_type.from_file()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        rules_path: str | None = None,
    ) -> None:
        """Load the rules (default: the file that ships with lawrep_nlp)."""
        self.rules = self.rules_type.from_file(Path(rules_path) if rules_path else self.rules_file)

    def get_data(self) -> Any:
        return self.rules.to_data()

    def set_data(self, data: Any) -> None:
        self.rules = self.rules_type.from_data(data)


def open_rule_spans(doc: Doc) -> None:
    """Start ``doc.spans["lawrep_rules"]`` (the first rule component to run), and note the entities
    set before it in ``doc.spans["lawrep_preset"]``."""
    if RULE_SPANS_KEY not in doc.spans:
        doc.spans[RULE_SPANS_KEY] = []
        if doc.ents:
            doc.spans[PRESET_SPANS_KEY] = list(doc.ents)


def record_rule_spans(doc: Doc, spans: Iterable[Span]) -> None:
    """Note entities a rule component set, in ``doc.spans["lawrep_rules"]``."""
    open_rule_spans(doc)
    doc.spans[RULE_SPANS_KEY].extend(spans)  # the spans there are not rebuilt (stale after a merge: E035)


#: the rest of a document number's issuer code after a span, up to its year bracket: 柳城|管党组〔2025〕
DOCUMENT_NUMBER_REST = re.compile(r"[\u4e00-\u9fff]{0,8}[〔\[［][0-9０-９]{4}[〕\]］]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def in_document_number(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] opens the issuer code of a document number (柳城管党组〔2025〕1号,
    伊州党发〔2023〕): ANNOTATION.md labels nothing there, though the code begins with a place."""
    return (start == 0 or not HAN.match(text[start - 1])) and DOCUMENT_NUMBER_REST.match(text, end) is not None


def han_run_start(text: str, end: int, max_chars: int, stop_chars: Container[str]) -> int:
    """Where the run of Han characters that ends at `end` starts: at most `max_chars` of them,
    none of `stop_chars` (the body of a name before its ending: 缙云县人力社保|局)."""
    start = end
    while start > 0 and end - start < max_chars and "\u4e00" <= text[start - 1] <= "\u9fff" \
            and text[start - 1] not in stop_chars:
        start -= 1
    return start


def token_starts(doc: Doc) -> set[int]:
    """The character offsets where `doc`'s tokens begin (read as one array: iterating a Doc makes
    a Token object per token)."""
    return set(doc.to_array(IDX).tolist())


def add_entities(doc: Doc, offsets: Sequence[tuple[int, int]], label: str,
                 ids: Sequence[str] | None = None, *, text: str | None = None) -> list[Span]:
    """Add character-offset spans as entities of `label` (with ``ent_id_`` from `ids` when
    given); spans that do not fall on token boundaries, that overlap an existing entity or that
    open a document number's issuer code (in_document_number) are left out. `text` is what the
    offsets were found in (``matching_text``, the same length as ``doc.text``), given so that the
    text is not joined from the tokens again. Returns the spans added. Records them in
    ``doc.spans["lawrep_rules"]``, which exists (empty or not) once any rule component has run."""
    open_rule_spans(doc)
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    text = text_of(doc) if text is None else text  # Doc.text joins every token on each access
    added = []
    for index, (start, end) in enumerate(offsets):
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None or any(i in taken for i in range(span.start, span.end)) \
                or in_document_number(text, start, end):
            continue
        if ids is not None:
            span.id_ = ids[index]
        taken.update(range(span.start, span.end))
        added.append(span)
    if added:
        doc.ents = sorted([*doc.ents, *added], key=lambda s: s.start)
        record_rule_spans(doc, added)
        for span in added:  # doc.ents keeps a span's id on its tokens
            if span.id_:
                for token in span:
                    token.ent_id_ = span.id_
    return added


class SpanIndex:
    """Whether a range overlaps any of a fixed set of (start, end) spans, in logarithmic time:
    the spans sorted by start, with the furthest end among each prefix."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before_end = bisect_left(self.starts, end)  # spans that start before `end`
        return before_end > 0 and self.reach[before_end - 1] > start
