"""Custom attributes that lawrep_nlp sets on spaCy objects.

- ``doc._.report``: the report's metadata (file, title, region, year, publisher, publish_date,
  …) as a plain dict, so it survives DocBin and multiprocessing.
"""

from __future__ import annotations

from spacy.tokens import Doc


def register_extensions() -> None:
    if not Doc.has_extension("report"):
        Doc.set_extension("report", default=None)


register_extensions()
