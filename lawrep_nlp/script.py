"""Traditional characters, read through OpenCC while ``doc.text`` stays the input.

Reports from Hong Kong, Macao and Taiwan, or pages re-encoded by a scraper, arrive in
traditional characters; every word list of the pipeline is simplified. The tokenizer converts a
text with OpenCC's ``hk2s`` configuration (``t2s`` plus Hong Kong's variant forms, such as 衞 for
衛), segments the conversion, and builds the Doc from the
original characters at the same offsets. The conversion (in which invisible characters such as
the zero-width space also read as spaces: :func:`matching_form`) is kept on
``doc._.simplified_text`` and on each changed token's ``norm_``; the rule components match on
:func:`matching_text`, the linker reads :func:`simplified_view`, so every span they find has exact
offsets into the text as given.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache

from spacy.tokens import Doc, Span

from . import extensions

#: Pieces converted one at a time: a conversion that changed a piece's length (OpenCC's phrase
#: table can) is redone character by character, so offsets always carry over.
_PIECE_RE = re.compile(r"[^\n。！？；]*[\n。！？；]?")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    # hk2s: t2s after Hong Kong's variants (regression: 衞生 stayed unconverted, so 市衞健委 was no
    # ORG); it changes no simplified text of the corpus and reads back s2t and s2hk conversions of
    # every corpus paragraph exactly, where t2s missed 25 of the s2hk ones
    return opencc.OpenCC("hk2s")


def to_simplified(text: str) -> str:
    """The text in simplified characters, exactly as long as the input, character for character."""
    converter = _converter()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    pieces = []
    for match in _PIECE_RE.finditer(text):
        piece = match.group()
        simple = converter.convert(piece)
        if len(simple) != len(piece):
            simple = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in piece)
        pieces.append(simple)
    return "".join(pieces)


#: Full-width ASCII forms (！ to ～: digits, Latin letters, marks) to their ASCII characters.
HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and marks as ASCII (same length): “１２３４５” and “12345”,
    ＡＰＰ and APP are one phrase to a lexicon lookup, a programme id or an indicator key."""
    return text.translate(HALFWIDTH)


#: Format characters that show as nothing: zero-width space, non-joiner and joiner, word joiner,
#: a byte-order mark inside the text, soft hyphen. Scraped pages carry them between words.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
#: What an invisible character between two digits becomes in the matching form: the numbers'
#: pattern (numerals.ARABIC) reads the digits on both sides as one number, as a reader sees them.
DIGIT_JOINER = "\u200b"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_BETWEEN_DIGITS_RE = re.compile(f"(?<=[0-9０-９])[{INVISIBLE}]+(?=[0-9０-９])")


def matching_form(text: str) -> str:
    """What the rules match on: :func:`to_simplified`, with each invisible character read as a
    space (same length), so 案件\u200b97件 is read as 案件 97件 (regression: the zero-width space
    broke the link, as a token no rule could see through), except between two digits, where it
    is :data:`DIGIT_JOINER` (9\u200b7件 is 97件)."""
    simplified = to_simplified(text)
    if not _INVISIBLE_RE.search(simplified):
        return simplified
    joined = {i for match in _BETWEEN_DIGITS_RE.finditer(simplified) for i in range(match.start(), match.end())}
    return "".join(DIGIT_JOINER if i in joined else " " if ch in INVISIBLE else ch for i, ch in enumerate(simplified))


#: Docs whose matching form is known: made by the lawrep tokenizer, or read by _simplified once.
_READ: weakref.WeakSet[Doc] = weakref.WeakSet()
#: The text of each Doc the tokenizer made: its input, which ``doc.text`` always equals (merging
#: and splitting tokens keeps the text). ``Doc.text`` joins every token on each access, and each
#: rule component, the linker and the mapper read the whole text once.
_TEXTS: weakref.WeakKeyDictionary[Doc, str] = weakref.WeakKeyDictionary()


def mark_read(doc: Doc, text: str | None = None) -> None:
    """Say that `doc._.simplified_text` holds the doc's matching form, or None when that is its
    text (the tokenizer, which converts every text it reads, marks each Doc it makes), and
    remember `text`, the text the doc was made from, for :func:`text_of`."""
    _READ.add(doc)
    if text is not None:
        _TEXTS[doc] = text


def text_of(doc: Doc) -> str:
    """``doc.text``, without joining the tokens again when the tokenizer gave the doc its text.
    No spaCy API changes a Doc's text once made; the length is still checked against the last
    token, so a stale entry could never be read."""
    text = _TEXTS.get(doc)
    if text is None or not len(doc) or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
        return doc.text
    return text


def _simplified(doc: Doc) -> str | None:
    """The matching form when it differs from the text and still fits the doc: the tokenizer's
    conversion, or for a Doc it did not make (Doc.from_docs, Doc(vocab, words=…)) one computed
    here once (regression: such a Doc in traditional characters was matched as written, and lost
    entities and values the same text gave through nlp())."""
    simplified = doc._.simplified_text
    if simplified is None and doc not in _READ:
        _READ.add(doc)
        text = text_of(doc)
        form = matching_form(text)
        if form != text:
            doc._.simplified_text = simplified = form
    return simplified if simplified is not None and len(simplified) == len(text_of(doc)) else None


def matching_text(doc: Doc) -> str:
    """What the rule components match on: the tokenizer's :func:`matching_form` when it differs
    from the text (traditional or invisible characters), else ``doc.text``; always the same length
    as ``doc.text``."""
    return _simplified(doc) or text_of(doc)


def simplified_view(doc: Doc) -> Doc:
    """For components that read tokens (the linker): a Doc of the same tokens, sentences and
    entities (QUANTITY attributes included) in simplified characters, or `doc` itself when the
    text had no traditional characters. Offsets and token indices are the same in both, so what
    is found on the view carries over to `doc` by position."""
    simplified = _simplified(doc)
    if simplified is None:
        return doc
    view = Doc(doc.vocab, words=[simplified[t.idx:t.idx + len(t)] for t in doc],
               spaces=[bool(t.whitespace_) for t in doc],
               sent_starts=[t.is_sent_start for t in doc] if doc.has_annotation("SENT_START") else None)
    view.ents = [Span(view, ent.start, ent.end, label=ent.label_) for ent in doc.ents]
    for theirs, ours in zip(view.ents, doc.ents, strict=True):
        for name in extensions.QUANTITY_ATTRS:
            setattr(theirs._, name, getattr(ours._, name))
    return view
