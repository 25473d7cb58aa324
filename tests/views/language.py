"""Finds strings of the other language on a rendered page (#16).

Word lists come from the translation catalogues themselves:

- English UI words: the words of the English msgids of CKAN's ``ckan.pot``,
  ckanext-harvest's and ckanext-dcat's ``.pot`` and the project's catalogue,
  minus every word that also occurs in a French translation (CKAN's
  ``fr/ckan.po``, the project's ``.po``) or in the French labels of the
  project's vocabularies: what remains cannot be French ("Follow", "the",
  "Username").
- French UI words: the words of the project's French msgstrs minus every word
  of the English msgids and of the vocabularies' English labels ("données",
  "collectivité", "jeux").

The visible text of a page (text nodes, ``alt``, ``title``, ``placeholder``,
``aria-label``, button values) is read without ``<script>``, ``<style>``,
``<code>``, ``<pre>``, elements marked with another ``lang``, URLs, e-mail
addresses and numbers; strings entered by users (dataset titles, notes, tags,
names of collectivités…) are given by the caller and skipped: they stay in the
language they were written in. A few words that are legitimately both, or
proper names, are listed with a reason in ``language_exceptions.yaml``.
"""

from __future__ import annotations

import functools
import json
import pathlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import polib
import yaml
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

HERE = pathlib.Path(__file__).resolve().parent
PROJECT_PO = (
    HERE.parents[1]
    / "ckanext/opendata_collectivites/i18n/fr/LC_MESSAGES"
    / "ckanext-opendata_collectivites.po"
)
SKIPPED_TAGS = {"script", "style", "code", "pre", "noscript", "template", "svg"}
TEXT_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
# URLs, e-mail addresses, paths, file names, numbers, placeholders
NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\S+\.(?:fr|org|net|com|eu|gouv|csv|json|"
    r"geojson|ttl|rdf|xml|jsonld|zip|pdf)\b\S*|/\S*|%\(\w+\)[sd]|\{\w*\}|\d\S*"
)
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def _site_packages() -> pathlib.Path:
    import ckan

    return pathlib.Path(ckan.__file__).resolve().parents[1]


def _words(text: str) -> Iterator[str]:
    text = re.sub(r"<[^>]+>", " ", text)
    text = NOISE.sub(" ", text)
    for match in WORD.finditer(text.replace("’", "'")):
        for part in re.split(r"[-']", match.group(0)):
            if len(part) > 1:
                yield unicodedata.normalize("NFC", part.lower())


def _msgids(po: polib.POFile) -> Iterator[str]:
    for entry in po:
        if entry.obsolete:
            continue
        yield entry.msgid
        if entry.msgid_plural:
            yield entry.msgid_plural


def _msgstrs(po: polib.POFile) -> Iterator[str]:
    for entry in po:
        if entry.obsolete:
            continue
        yield entry.msgstr
        yield from entry.msgstr_plural.values()


def _vocabulary_labels() -> tuple[list[str], list[str]]:
    """French and English labels of the project's vocabularies."""
    french: list[str] = []
    english: list[str] = []
    root = HERE.parents[1]
    data = root / "ckanext/opendata_collectivites/vocabularies/data"
    for path in sorted(data.glob("*.yaml")) + sorted((root / "config").glob("*.yaml")):
        _collect(yaml.safe_load(path.read_text(encoding="utf-8")), french, english)
    _collect(json.loads((data / "licences.json").read_text("utf-8")), french, english)
    return french, english


def _collect(node: object, french: list[str], english: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and isinstance(key, str):
                if key.endswith("_en") or key == "en":
                    english.append(value)
                elif key in ("label", "title", "description", "fr") or key.endswith(
                    "_fr"
                ):
                    french.append(value)
            else:
                _collect(value, french, english)
    elif isinstance(node, list):
        for item in node:
            _collect(item, french, english)


@dataclass(frozen=True)
class Exceptions:
    english_words: frozenset[str]
    french_words: frozenset[str]

    @classmethod
    def load(cls) -> Exceptions:
        data = yaml.safe_load((HERE / "language_exceptions.yaml").read_text("utf-8"))
        return cls(
            frozenset(w["word"].lower() for w in data.get("english_on_french", [])),
            frozenset(w["word"].lower() for w in data.get("french_on_english", [])),
        )


@dataclass(frozen=True)
class Lexicon:
    english_only: frozenset[str]
    french_only: frozenset[str]
    # whole UI strings made of words of both languages ("Source type"): an
    # English msgid whose French differs, a French msgstr whose English differs
    english_phrases: frozenset[str] = frozenset()
    french_phrases: frozenset[str] = frozenset()


@functools.cache
def lexicon() -> Lexicon:
    site = _site_packages()
    english_catalogues = [
        polib.pofile(str(site / "ckan/i18n/ckan.pot")),
        polib.pofile(str(site / "ckanext/harvest/i18n/ckanext-harvest.pot")),
        polib.pofile(str(site / "ckanext/dcat/i18n/ckanext-dcat.pot")),
    ]
    ckan_fr = polib.pofile(str(site / "ckan/i18n/fr/LC_MESSAGES/ckan.po"))
    project = polib.pofile(str(PROJECT_PO))
    french_labels, english_labels = _vocabulary_labels()

    english = {
        w
        for po in english_catalogues + [project]
        for m in _msgids(po)
        for w in _words(m)
    }
    english_words = english | {w for label in english_labels for w in _words(label)}
    french_words = {
        w for po in (ckan_fr, project) for m in _msgstrs(po) for w in _words(m)
    }
    french_words |= {w for label in french_labels for w in _words(label)}
    project_french = {w for m in _msgstrs(project) for w in _words(m)}
    exceptions = Exceptions.load()
    pairs = [
        (_phrase(e.msgid), _phrase(e.msgstr))
        for po in (ckan_fr, project)
        for e in po
        if e.msgstr and not e.msgid_plural
    ]
    # a string that is a UI string of both languages ("Type", "Configuration")
    both = {en for en, _fr in pairs} & {fr for _en, fr in pairs}
    english_phrases = {en for en, fr in pairs if en != fr}
    french_phrases = {fr for en, fr in pairs if en != fr}
    return Lexicon(
        english_only=frozenset(english - french_words - exceptions.english_words),
        french_only=frozenset(project_french - english_words - exceptions.french_words),
        english_phrases=frozenset(english_phrases - both - {""}),
        french_phrases=frozenset(french_phrases - both - {""}),
    )


def _phrase(text: str) -> str:
    """A UI string compared as a whole: case, spaces and final colon aside."""
    return _normalise(text).rstrip(" :").lower()


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def visible_strings(html: str | bytes) -> tuple[str, list[str]]:
    """The page's language (``<html lang>``) and its visible strings."""
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("html")
    page_lang = (root.get("lang") if isinstance(root, Tag) else None) or ""
    out: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                text = _normalise(str(child))
                if text:
                    out.append(text)
                continue
            if not isinstance(child, Tag) or child.name in SKIPPED_TAGS:
                continue
            lang = child.get("lang")
            if lang and lang.split("-")[0] != page_lang.split("-")[0]:
                continue
            for attr in TEXT_ATTRIBUTES:
                value = child.get(attr)
                if isinstance(value, str) and _normalise(value):
                    out.append(_normalise(value))
            if child.name == "input" and child.get("type") in ("submit", "button"):
                value = child.get("value")
                if isinstance(value, str) and _normalise(value):
                    out.append(_normalise(value))
            walk(child)

    body = soup.find("body") or soup
    head_title = soup.find("title")
    if isinstance(head_title, Tag):
        out.append(_normalise(head_title.get_text()))
    walk(body)  # type: ignore[arg-type]
    return page_lang, out


class UserContent:
    """Strings entered by users: skipped wherever they appear on a page."""

    def __init__(self, strings: Iterable[str]) -> None:
        texts = {_normalise(s) for s in strings if s and _normalise(s)}
        # markdown rendered to text: drop its punctuation
        texts |= {_normalise(re.sub(r"[*_#>`\[\]()]", " ", t)) for t in texts}
        self._blob = "\n".join(sorted(texts)).lower()
        # names, titles and tags that UI strings embed ("Search datasets by
        # tags: état civil"), longest first
        self._short = sorted(
            {t.lower() for t in texts if len(t) <= 400}, key=len, reverse=True
        )

    def __contains__(self, text: str) -> bool:
        text = _normalise(text.rstrip(".… ")).lower()
        return bool(text) and text in self._blob

    def without(self, text: str) -> str:
        """``text`` without the user strings it contains."""
        lowered = text.lower()
        for s in self._short:
            if s in lowered:
                lowered = lowered.replace(s, " ")
        return lowered


@dataclass(frozen=True)
class Finding:
    words: tuple[str, ...]
    text: str

    def __str__(self) -> str:
        return f"{', '.join(self.words)} ← {self.text!r}"


def other_language(
    html: str | bytes, user: UserContent | None = None, expect: str | None = None
) -> list[Finding]:
    """Strings of the other language than the page's (``expect`` overrides)."""
    page_lang, strings = visible_strings(html)
    lang = (expect or page_lang or "fr").split("-")[0]
    lex = lexicon()
    words = lex.english_only if lang == "fr" else lex.french_only
    phrases = lex.english_phrases if lang == "fr" else lex.french_phrases
    found: list[Finding] = []
    for text in strings:
        if user is not None and text in user:
            continue
        if _phrase(text) in phrases:
            found.append(Finding((_phrase(text),), text))
            continue
        hits = tuple(dict.fromkeys(w for w in _words(text) if w in words))
        if hits and user is not None:
            hits = tuple(
                dict.fromkeys(w for w in _words(user.without(text)) if w in words)
            )
        if hits:
            found.append(Finding(hits, text))
    return found
