"""Adding rule-found entities to a Doc without disturbing the ones already there."""

from spacy.tokens import Doc, Span


def add_entities(doc: Doc, offsets: list[tuple[int, int]], label: str) -> list[Span]:
    """Add character-offset spans as entities of `label`; spans that do not fall on token
    boundaries or that overlap an existing entity are left out. Returns the spans added."""
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    added = []
    for start, end in offsets:
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None or any(i in taken for i in range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        added.append(span)
    if added:
        doc.ents = sorted([*doc.ents, *added], key=lambda s: s.start)
    return added
