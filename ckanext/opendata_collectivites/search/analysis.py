"""Text analysis shared by indexing and querying (Solr ``text`` semantics).

Whitespace tokenisation, word-delimiter splitting (punctuation, case change,
letter/digit transitions; word and number runs catenated at index time),
lower-casing, snowball stemming (French by default, other languages can be
added) and ASCII folding.  Each token yields a small set of *variants* (the
stem of the original and of the folded word); a query token matches when any
of its variants is indexed, so "équipements" finds "equipement".
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import Stemmer

from ckanext.opendata_collectivites.search import schema

_LANGUAGES: tuple[str, ...] = ("french",)
_SPECIAL_FOLDS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "ł": "l",
        "Ł": "L",
    }
)
MAX_TOKEN_LEN = 255


class Token(NamedTuple):
    """One analysed token: its alternative forms and its position."""

    variants: tuple[str, ...]
    position: int


def set_languages(languages: Iterable[str]) -> bool:
    """Choose the snowball stemmers applied to ``text`` fields; True if changed."""
    global _LANGUAGES
    langs = tuple(dict.fromkeys(x.strip().lower() for x in languages if x.strip()))
    for lang in langs:
        Stemmer.Stemmer(lang)  # raises KeyError for an unknown language
    langs = langs or ("french",)
    if langs == _LANGUAGES:
        return False
    _LANGUAGES = langs
    _stems.cache_clear()
    analyse_word.cache_clear()
    return True


@functools.lru_cache(maxsize=8)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(lang)


def fold(text: str) -> str:
    """ASCII-fold accented letters (é → e, œ → oe)."""
    text = text.translate(_SPECIAL_FOLDS)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=200000)
def _stems(word: str) -> tuple[str, ...]:
    folded = fold(word)
    out: dict[str, None] = {}
    for lang in _LANGUAGES:
        stemmer = _stemmer(lang)
        out[fold(stemmer.stemWord(word))] = None
        out[stemmer.stemWord(folded)] = None
    return tuple(out)


def _char_class(c: str) -> int:
    if c.isdigit():
        return 2
    if c.isalpha():
        return 3 if c.isupper() else 1
    return 0


def split_word(word: str) -> list[str]:
    """Word-delimiter parts of one whitespace token: split on punctuation, on a
    lower→upper case change and on letter/digit transitions."""
    parts: list[str] = []
    current = ""
    prev = 0
    for c in word:
        cls = _char_class(c)
        if cls == 0:
            if current:
                parts.append(current)
                current = ""
            prev = 0
            continue
        if current:
            if (cls == 2) != (prev == 2):  # letter/digit transition
                parts.append(current)
                current = ""
            elif prev == 1 and cls == 3:  # lower → upper: "WiFi"
                parts.append(current)
                current = ""
            elif prev == 3 and cls == 1 and len(current) > 1:  # "XMLFile" → XML, File
                parts.append(current[:-1])
                current = current[-1]
        current += c
        prev = cls
    if current:
        parts.append(current)
    return parts


def _runs(parts: list[str]) -> list[tuple[int, str]]:
    """Catenated runs of ≥2 consecutive word parts or number parts."""
    runs: list[tuple[int, str]] = []
    start = 0
    for i in range(1, len(parts) + 1):
        if i == len(parts) or parts[i].isdigit() != parts[start].isdigit():
            if i - start >= 2:
                runs.append((start, "".join(parts[start:i])))
            start = i
    return runs


@functools.lru_cache(maxsize=200000)
def analyse_word(word: str, ftype: str, index: bool) -> tuple[int, tuple[Token, ...]]:
    """Tokens of one whitespace-delimited word, positions relative to it."""
    if word.isalpha() and (word.islower() or word[1:].islower()):
        return 1, (Token(_forms(word, ftype), 0),)
    parts = split_word(word)
    tokens = [Token(_forms(part, ftype), k) for k, part in enumerate(parts)]
    if index:
        tokens.extend(
            Token(_forms(joined, ftype), offset) for offset, joined in _runs(parts)
        )
    return len(parts), tuple(tokens)


def analyse(
    text: str, ftype: str = schema.TEXT, index: bool = True, start: int = 0
) -> Iterator[Token]:
    """Analyse ``text`` as a Solr ``text``/``text_general`` field.

    ``index`` adds the catenated word/number runs (index-time analysis only).
    """
    pos = start
    for word in text.split():
        width, tokens = analyse_word(word, ftype, index)
        for token in tokens:
            yield Token(token.variants, pos + token.position)
        pos += width


def _forms(part: str, ftype: str) -> tuple[str, ...]:
    lower = part.lower()[:MAX_TOKEN_LEN]
    if ftype == schema.TEXT:
        return _stems(lower)
    return (lower,)


def prefix_form(term: str, ftype: str) -> str:
    """Normalise a wildcard prefix the way Solr's multiterm analysis does."""
    lower = term.lower()
    return fold(lower) if ftype == schema.TEXT else lower
