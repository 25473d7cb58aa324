"""Text normalisation shared by lookups: accent-, case- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, turn every run of punctuation/space into one space.

    >>> fold("  Économie, Business  ")
    'economie business'
    """
    text = (
        unicodedata.normalize("NFKD", str(text))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    text = text.lower().replace("œ", "oe")
    return _NON_ALNUM.sub(" ", text).strip()
