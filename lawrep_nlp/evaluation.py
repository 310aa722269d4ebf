"""Scores against the gold corpus, with exact character offsets.

One implementation serves `lawrep evaluate` (gold JSONL records) and the registered spaCy scorer
(gold Docs from DocBin), so both report identical figures:

- P/R/F per entity label and micro over ORG GPE LAW PROGRAM DATE QUANTITY;
- INDICATOR span P/R/F;
- link P/R/F exact (same quantity and indicator spans) and relaxed (same quantity, overlapping
  indicator);
- value and unit accuracy over quantities whose span matches exactly;
- the share of documents whose text round-trips.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

from .corpus.markup import canonical_key
from .extensions import INDICATORS_KEY

if TYPE_CHECKING:
    from spacy.language import Language

ENTITY_LABELS = ("ORG", "GPE", "LAW", "PROGRAM", "DATE", "QUANTITY")


@dataclass
class Annotation:
    """What one paragraph says, in a form both gold records and predicted Docs reduce to."""

    text: str
    entities: set[tuple[int, int, str]] = field(default_factory=set)
    indicators: set[tuple[int, int]] = field(default_factory=set)
    links: set[tuple[int, int, int, int]] = field(default_factory=set)
    quantities: dict[tuple[int, int], tuple[float | None, str]] = field(default_factory=dict)


def from_record(record: dict[str, Any]) -> Annotation:
    ann = Annotation(record["text"])
    for span in record["spans"]:
        if span["label"] == "INDICATOR":
            ann.indicators.add((span["start"], span["end"]))
        else:
            ann.entities.add((span["start"], span["end"], span["label"]))
        if span["label"] == "QUANTITY":
            value = None if span.get("value") is None else float(span["value"])
            ann.quantities[(span["start"], span["end"])] = (value, span.get("unit", ""))
    for relation in record.get("relations", []):
        ann.links.add((*relation["quantity"], *relation["indicator"]))
    return ann


def from_doc(doc: Doc) -> Annotation:
    ann = Annotation(doc.text)
    for ent in doc.ents:
        ann.entities.add((ent.start_char, ent.end_char, ent.label_))
        if ent.label_ == "QUANTITY":
            value = ent._.value
            ann.quantities[(ent.start_char, ent.end_char)] = (None if value is None else float(value), ent._.unit or "")
    ann.indicators = {(s.start_char, s.end_char) for s in doc.spans.get(INDICATORS_KEY, ())}
    ann.links = {tuple(link) for link in doc._.links or ()}
    return ann


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0.0 where a denominator is 0)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}


def score(pairs: Iterable[tuple[Annotation, Annotation]]) -> dict[str, Any]:
    """Scores for (gold, predicted) pairs."""
    # name → [tp, n_pred, n_gold]; every name present, also when there is no pair
    counts: dict[str, list[int]] = {name: [0, 0, 0] for name in (*ENTITY_LABELS, "ENTS", "INDICATOR", "LINK_EXACT")}

    def add(name: str, gold: set, pred: set) -> None:
        tp_pred_gold = counts.setdefault(name, [0, 0, 0])
        tp_pred_gold[0] += len(gold & pred)
        tp_pred_gold[1] += len(pred)
        tp_pred_gold[2] += len(gold)

    n_docs = round_trips = matched = value_ok = unit_ok = relaxed_tp = 0
    for gold, pred in pairs:
        n_docs += 1
        round_trips += gold.text == pred.text
        for label in ENTITY_LABELS:
            add(label, {e for e in gold.entities if e[2] == label}, {e for e in pred.entities if e[2] == label})
        add("ENTS", {e for e in gold.entities if e[2] in ENTITY_LABELS},
            {e for e in pred.entities if e[2] in ENTITY_LABELS})
        add("INDICATOR", gold.indicators, pred.indicators)
        add("LINK_EXACT", gold.links, pred.links)
        relaxed_tp += sum(
            any(p[:2] == g[:2] and p[2] < g[3] and g[2] < p[3] for g in gold.links) for p in pred.links
        )
        for offsets, (gold_value, gold_unit) in gold.quantities.items():
            if offsets in pred.quantities:
                pred_value, pred_unit = pred.quantities[offsets]
                matched += 1
                value_ok += (gold_value is None and pred_value is None) or (
                    gold_value is not None and pred_value is not None and math.isclose(gold_value, pred_value)
                )
                unit_ok += gold_unit == pred_unit
    scores: dict[str, Any] = {"ents_per_type": {}, "counts": {name: {"tp": tp, "predicted": n_pred, "gold": n_gold}
                                                             for name, (tp, n_pred, n_gold) in counts.items()}}
    for name, (tp, n_pred, n_gold) in counts.items():
        result = prf(tp, n_pred, n_gold)
        if name in ENTITY_LABELS:
            scores["ents_per_type"][name] = result
        else:
            scores[name.lower()] = result
    link_counts = counts.get("LINK_EXACT", [0, 0, 0])
    scores["link_relaxed"] = prf(relaxed_tp, link_counts[1], link_counts[2])
    scores["quantity_value_acc"] = value_ok / matched if matched else 0.0
    scores["quantity_unit_acc"] = unit_ok / matched if matched else 0.0
    scores["quantities_matched"] = matched
    scores["text_round_trip"] = round_trips / n_docs if n_docs else 0.0
    scores["documents"] = n_docs
    return scores


def flat_scores(scores: dict[str, Any]) -> dict[str, Any]:
    """The entity and value scores as flat keys, the way spaCy's training log and `spacy evaluate`
    show them; the entity scores also go under spaCy's own names (``ents_*``), which `spacy
    evaluate` prints as NER P/R/F with a per-label table; when the trained ``ner`` is enabled, its
    own scorer runs later and its ``ents_*`` take their place. The links and indicators are the
    linker's part (``link_flat_scores``)."""
    return {
        "ents_p": scores["ents"]["p"], "ents_r": scores["ents"]["r"], "ents_f": scores["ents"]["f"],
        "ents_per_type": scores["ents_per_type"],
        "lawrep_ents_f": scores["ents"]["f"],
        "lawrep_ents_p": scores["ents"]["p"],
        "lawrep_ents_r": scores["ents"]["r"],
        "lawrep_value_acc": scores["quantity_value_acc"], "lawrep_unit_acc": scores["quantity_unit_acc"],
        "lawrep_quantity_f": scores["ents_per_type"]["QUANTITY"]["f"],
        "lawrep_ents_per_type": scores["ents_per_type"],
    }


def link_flat_scores(scores: dict[str, Any]) -> dict[str, float]:
    """The indicator spans and quantity → indicator links, as flat keys; the spans also under
    spaCy's names (``spans_indicators_*``), which `spacy evaluate --spans-key indicators` prints."""
    return {
        **{f"spans_indicators_{k}": scores["indicator"][k] for k in ("p", "r", "f")},
        "lawrep_indicator_f": scores["indicator"]["f"],
        **{f"lawrep_link_exact_{k}": scores["link_exact"][k] for k in ("p", "r", "f")},
        "lawrep_link_relaxed_f": scores["link_relaxed"]["f"],
    }


def _pairs(examples: Iterable[Example]) -> Iterator[tuple[Annotation, Annotation]]:
    return ((from_doc(eg.reference), from_doc(eg.predicted)) for eg in examples)


# The scorers are module-level functions, not closures, as spaCy's own are: a pipeline must pickle
# (nlp.pipe(n_process=…) where processes start by spawn).
def report_scorer(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    """Entities (every label, micro) and quantity values: what no single component owns. As
    spaCy's scorers do, None where nothing is annotated: every figure without examples, the value
    and unit accuracy without references in the corpus format (``doc._.links`` set: a reference
    with entities alone, as ``Example.from_dict`` makes it, gives no values to compare)."""
    examples = list(examples)
    everything = score(_pairs(examples))
    scores = flat_scores(everything)
    if not examples:
        return dict.fromkeys(scores)
    annotated = _link_annotated(examples)
    values = everything if len(annotated) == len(examples) else score(_pairs(annotated))
    if not values["quantities_matched"]:
        scores["lawrep_value_acc"] = scores["lawrep_unit_acc"] = None
    else:
        scores["lawrep_value_acc"] = values["quantity_value_acc"]
        scores["lawrep_unit_acc"] = values["quantity_unit_acc"]
    return scores


def _link_annotated(examples: list[Example]) -> list[Example]:
    """The examples whose reference is annotated in the corpus format: links (maybe none), values."""
    return [eg for eg in examples if eg.reference._.links is not None]


@registry.scorers("lawrep.report_scorer.v1")
def make_report_scorer() -> Callable[..., dict[str, Any]]:
    return report_scorer


def link_scorer(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    """lawrep_indicators' own part: indicator spans and links, exact and relaxed, over the
    references annotated with links (``doc._.links`` not None); None when there are none."""
    annotated = _link_annotated(list(examples))
    scores = link_flat_scores(score(_pairs(annotated)))
    return scores if annotated else dict.fromkeys(scores)


@registry.scorers("lawrep.link_scorer.v1")
def make_link_scorer() -> Callable[..., dict[str, Any]]:
    return link_scorer


def canonical_example_scores(examples: Iterable[Example], gold_flag: str) -> dict[str, float | None]:
    """lawrep_canonical's own part, end to end at the gold links: over the gold links of the
    references flagged `gold_flag` (their QUANTITY ents carry gold ids), the predicted id of the
    QUANTITY at the same offsets. Precision over the ids given, recall over the links that have a
    gold id, coverage over all those links. None where a denominator is 0 (no flagged reference)."""
    links = given = correct = with_gold = 0
    for eg in examples:
        if not eg.reference.user_data.get(gold_flag):
            continue
        gold = {(e.start_char, e.end_char): e._.canonical for e in eg.reference.ents if e.label_ == "QUANTITY"}
        predicted = {(e.start_char, e.end_char): e._.canonical for e in eg.predicted.ents if e.label_ == "QUANTITY"}
        for offsets in dict.fromkeys((q_start, q_end) for q_start, q_end, _, _ in eg.reference._.links or ()):
            if offsets not in gold:
                continue
            links += 1
            with_gold += gold[offsets] is not None
            answer = predicted.get(offsets)
            given += answer is not None
            correct += answer is not None and answer == gold[offsets]
    return {"lawrep_canonical_p": correct / given if given else None,
            "lawrep_canonical_r": correct / with_gold if with_gold else None,
            "lawrep_canonical_coverage": given / links if links else None}


def pipe_records(nlp: Language, records: list[dict[str, Any]], batch_size: int = 32) -> list[Doc]:
    """The pipeline's Docs for gold records' texts, in order."""
    return list(nlp.pipe((r["text"] for r in records), batch_size=batch_size))


def evaluate_records(nlp: Language, records: list[dict[str, Any]], batch_size: int = 32,
                     docs: list[Doc] | None = None) -> dict[str, Any]:
    """Score `nlp` on gold records (`docs`: its Docs for them, when already made)."""
    return score(annotation_pairs(records, docs if docs is not None else pipe_records(nlp, records, batch_size)))


def annotation_pairs(records: list[dict[str, Any]], docs: list[Doc]) -> list[tuple[Annotation, Annotation]]:
    """(gold, predicted) of each record and the pipeline's Doc for it."""
    return [(from_record(record), from_doc(doc)) for record, doc in zip(records, docs, strict=True)]


def format_table(scores: dict[str, Any]) -> str:
    rows = [("label", "P", "R", "F")]
    for label, s in scores["ents_per_type"].items():
        rows.append((label, f"{s['p']:.3f}", f"{s['r']:.3f}", f"{s['f']:.3f}"))
    for name in ("ents", "indicator", "link_exact", "link_relaxed"):
        s = scores[name]
        rows.append(({"ents": "ENTITIES (micro)"}.get(name, name.upper()), f"{s['p']:.3f}", f"{s['r']:.3f}",
                     f"{s['f']:.3f}"))
    lines = [f"{a:18} {b:>6} {c:>6} {d:>6}" for a, b, c, d in rows]
    if scores["quantities_matched"]:
        lines.append(f"value accuracy {scores['quantity_value_acc']:.3f}, unit accuracy "
                     f"{scores['quantity_unit_acc']:.3f} over {scores['quantities_matched']} matched quantities")
    else:  # regression: "value accuracy 0.000 … over 0 matched quantities"
        lines.append("value and unit accuracy: no gold quantity was found, so there is nothing to compare")
    lines.append(f"text round trip {scores['text_round_trip']:.3f} of {scores['documents']} documents")
    if "canonical" in scores:
        canonical = scores["canonical"]
        for way in ("mapping", "end_to_end"):
            s = canonical[way]
            lines.append(f"canonical {way}: precision {s['precision']:.3f}, coverage {s['coverage']:.3f} "
                         f"({s['correct']}/{s['given']} of {canonical['links']} links)")
        lines.append(f"canonical: the annotator could map {canonical['gold_coverage']:.3f} of the links")
    return "\n".join(lines)


def gated_metrics(scores: dict[str, Any]) -> dict[str, float]:
    """The figures the regression gate watches, by name."""
    metrics = {f"{label}_f": s["f"] for label, s in scores["ents_per_type"].items()}
    metrics.update({"ENTS_f": scores["ents"]["f"], "INDICATOR_f": scores["indicator"]["f"],
                    "LINK_exact_f": scores["link_exact"]["f"], "LINK_relaxed_f": scores["link_relaxed"]["f"],
                    "value_acc": scores["quantity_value_acc"], "unit_acc": scores["quantity_unit_acc"],
                    "text_round_trip": scores["text_round_trip"]})
    if "canonical" in scores:
        canonical = scores["canonical"]
        metrics.update({"CANONICAL_precision": canonical["mapping"]["precision"],
                        "CANONICAL_coverage": canonical["mapping"]["coverage"],
                        "CANONICAL_e2e_precision": canonical["end_to_end"]["precision"],
                        "CANONICAL_e2e_coverage": canonical["end_to_end"]["coverage"]})
    return metrics


def regressions(scores: dict[str, Any], baseline: dict[str, float], tolerance: float = 0.02,
                *, both_ways: bool = False) -> list[str]:
    """Recorded figures that the new scores fall more than `tolerance` below; with `both_ways`,
    also those they rise more than `tolerance` above (a retrained pipeline must reproduce the
    recorded figures, not merely keep them)."""
    current = gated_metrics(scores)
    failed = []
    for name, recorded in baseline.items():
        value = current.get(name, 0.0)
        if value < recorded - tolerance:
            failed.append(f"{name}: {value:.3f} < recorded {recorded:.3f} - {tolerance}")
        elif both_ways and value > recorded + tolerance:
            failed.append(f"{name}: {value:.3f} > recorded {recorded:.3f} + {tolerance}")
    return failed


def canonical_rows(path: Path) -> Iterator[tuple[int, tuple[str, int, int, int], str | None]]:
    """The rows of one canonical annotation file (corpus/canonical/<split>.tsv): line number,
    link key (doc, para, q_start, q_end) and gold id (None where the annotator found no entry)."""
    with Path(path).open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), 2):
            yield number, canonical_row_key(row), row["canonical"] or None


def canonical_row_key(row: dict[str, str]) -> tuple[str, int, int, int]:
    """The link key (doc, para, q_start, q_end) of a row of a canonical annotation file."""
    return row["doc"], int(row["para"]), int(row["q_start"]), int(row["q_end"])


def read_canonical_labels(folder: Path) -> dict[tuple[str, int, int, int], str | None]:
    """Gold canonical ids of links (corpus/canonical/*.tsv), keyed by (doc, para, q_start, q_end);
    None where the annotator found no taxonomy entry."""
    return {key: canonical for path in sorted(Path(folder).glob("*.tsv")) for _, key, canonical in canonical_rows(path)}


@dataclass
class CanonicalCase:
    """One gold link, as the canonical mapper sees it, with the gold id and the pipeline's own answer."""

    doc: str
    gold: str | None
    indicator: str
    dimension: str | None
    before: str
    sentence: str
    pipeline: str | None
    unit: str | None = None


@dataclass(frozen=True)
class CanonicalAnswer:
    """A case and the id the mapper gives its gold link (None: it abstains)."""

    case: CanonicalCase
    mapping: str | None


def canonical_cases(nlp: Language, records: list[dict[str, Any]], labels: dict[tuple[str, int, int, int], str | None],
                    batch_size: int = 32, docs: list[Doc] | None = None) -> list[CanonicalCase]:
    """Every gold link of the records with its canonical label and the pipeline's reading
    (`docs`: the pipeline's Docs for the records, when already made)."""
    units = nlp.get_pipe("lawrep_quantities").rules.units
    cases = []
    docs = docs if docs is not None else pipe_records(nlp, records, batch_size)
    for record, doc in zip(records, docs, strict=True):
        spans = {(s["start"], s["end"]): s for s in record["spans"]}
        predicted = {(e.start_char, e.end_char): e for e in doc.ents if e.label_ == "QUANTITY"}
        for relation in record["relations"]:
            q_start, q_end = relation["quantity"]
            i_start, i_end = relation["indicator"]
            key = canonical_key(record, (q_start, q_end))
            if key not in labels:
                raise ValueError(f"no canonical label for link {key}")
            ent = predicted.get((q_start, q_end))
            unit = spans[q_start, q_end].get("unit")
            sentence = doc.char_span(q_start, q_end, alignment_mode="expand").sent
            cases.append(CanonicalCase(
                doc=record["meta"]["doc"], gold=labels[key], indicator=record["text"][i_start:i_end],
                dimension=units.get(unit) if unit else None,
                before=record["text"][sentence.start_char:q_start], sentence=sentence.text,
                pipeline=ent._.canonical if ent is not None else None, unit=unit))
    return cases


def score_canonical(cases: list[CanonicalCase], taxonomy_for: Callable[[str], Any]) -> dict[str, Any]:
    """Mapping precision and coverage over `cases`, two ways:

    - ``mapping``: the mapper (``taxonomy_for(doc)``) applied to each gold link — gold indicator
      text, the quantity's unit dimension and the sentence as the pipeline reads it: the mapping alone;
    - ``end_to_end``: the canonical id the pipeline itself gave the quantity at the gold offsets
      (wrong or missing links count against it).

    precision = correct ids / ids given; coverage = ids given / gold links; recall = correct ids /
    links the annotator could map; gold_coverage = links the annotator could map / gold links."""
    return score_canonical_answers(map_canonical(cases, taxonomy_for))


def map_canonical(cases: list[CanonicalCase], taxonomy_for: Callable[[str], Any]) -> list[CanonicalAnswer]:
    """Each case with the mapper's id for its gold link (``taxonomy_for(doc)``)."""
    return [CanonicalAnswer(case, taxonomy_for(case.doc).map(case.indicator, case.dimension, before=case.before,
                                                             sentence=case.sentence, unit=case.unit).canonical)
            for case in cases]


def score_canonical_answers(answers: list[CanonicalAnswer]) -> dict[str, Any]:
    """The figures of `score_canonical` from cases already mapped."""
    counts = {way: {"given": 0, "correct": 0} for way in ("mapping", "end_to_end")}
    for answer in answers:
        for way, given in (("mapping", answer.mapping), ("end_to_end", answer.case.pipeline)):
            if given is not None:
                counts[way]["given"] += 1
                counts[way]["correct"] += given == answer.case.gold
    links = len(answers)
    gold_mapped = sum(answer.case.gold is not None for answer in answers)
    result: dict[str, Any] = {"links": links, "gold_coverage": gold_mapped / links if links else 0.0}
    for way, count in counts.items():
        result[way] = {"precision": count["correct"] / count["given"] if count["given"] else 0.0,
                       "coverage": count["given"] / links if links else 0.0,
                       "recall": count["correct"] / gold_mapped if gold_mapped else 0.0,
                       **count}
    return result


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def document_bootstrap(records: list[dict[str, Any]], pairs: list[tuple[Annotation, Annotation]],
                       answers: list[CanonicalAnswer] | None = None, resamples: int = 1000, level: float = 0.95,
                       seed: int = 0) -> dict[str, Interval]:
    """Percentile intervals of the gated figures under resampling of whole documents.

    Paragraphs of one report share its author, style and topics, so they are not independent
    draws: resampling documents (``meta.doc``; a record without one is its own document) gives
    the uncertainty a figure from a test split of a few reports really has. Seeded."""
    documents: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        documents.setdefault(str(record.get("meta", {}).get("doc", f"#{index}")), []).append(index)
    answers_of: dict[str, list[CanonicalAnswer]] = {}
    for answer in answers or ():
        answers_of.setdefault(answer.case.doc, []).append(answer)
    names = sorted(documents)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(resamples):
        drawn = rng.choices(names, k=len(names))
        scores = score(pairs[i] for name in drawn for i in documents[name])
        if answers is not None:
            scores["canonical"] = score_canonical_answers([a for name in drawn for a in answers_of.get(name, ())])
        for metric, value in gated_metrics(scores).items():
            if _defined(metric, scores):
                samples.setdefault(metric, []).append(value)
    tail = (1 - level) / 2
    return {metric: Interval(_quantile(values, tail), _quantile(values, 1 - tail))
            for metric, values in samples.items()}


def _defined(metric: str, scores: dict[str, Any]) -> bool:
    """Whether a gated figure means something on these scores: a resample without any GPE, gold or
    predicted, has no GPE F (score() says 0.0), and must not pull the interval down."""
    if metric.startswith("CANONICAL"):
        way = scores["canonical"]["end_to_end" if "e2e" in metric else "mapping"]
        return bool(way["given"] if metric.endswith("precision") else scores["canonical"]["links"])
    if metric in ("value_acc", "unit_acc"):
        return scores["quantities_matched"] > 0
    name = {"LINK_exact_f": "LINK_EXACT", "LINK_relaxed_f": "LINK_EXACT"}.get(metric, metric.removesuffix("_f"))
    count = scores["counts"].get(name)
    return count is None or count["predicted"] + count["gold"] > 0


def _quantile(values: list[float], q: float) -> float:
    """The q-quantile with linear interpolation (numpy's default)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def format_intervals(scores: dict[str, Any], intervals: dict[str, Interval], resamples: int) -> str:
    """The gated figures with their bootstrap intervals, one line each."""
    figures = gated_metrics(scores)
    lines = [f"95% intervals, {resamples} resamples of whole documents:"]
    lines += [f"{name:24} {figures[name]:.3f}  [{i.low:.3f}, {i.high:.3f}]" for name, i in intervals.items()]
    return "\n".join(lines)
