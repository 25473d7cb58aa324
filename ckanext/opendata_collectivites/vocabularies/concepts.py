"""Controlled vocabularies from YAML/JSON data files (EU NALs, licences, schemas)."""

from __future__ import annotations

import functools
import html
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ckanext.opendata_collectivites.vocabularies._text import fold

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")

#: Vocabulary name -> data file (``voc.concept("frequencies", "ANNUAL")``).
VOCABULARY_FILES = {
    "eu_themes": "eu_themes.yaml",
    "frequencies": "frequencies.yaml",
    "access_rights": "access_rights.yaml",
    "languages": "languages.yaml",
    "hvd_categories": "hvd_categories.yaml",
    "granularities": "granularities.yaml",
}


@dataclass(frozen=True)
class Concept:
    """A SKOS concept of a controlled vocabulary."""

    code: str
    uri: str
    label: str
    label_en: str
    scheme: str
    synonyms: tuple[str, ...] = ()
    scdl: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    scheme: str
    version: str
    concepts: tuple[Concept, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def by_code(self) -> dict[str, Concept]:
        return {c.code: c for c in self.concepts}

    @functools.cached_property
    def by_uri(self) -> dict[str, Concept]:
        return {c.uri: c for c in self.concepts if c.uri}

    @functools.cached_property
    def index(self) -> dict[str, Concept]:
        """Folded text -> concept. Priority: code, URI, synonyms, then labels."""
        out: dict[str, Concept] = {}
        for c in self.concepts:
            for text in (c.label, c.label_en, c.scdl or ""):
                if text:
                    out[fold(text)] = c
        for c in self.concepts:
            for text in c.synonyms:
                out[fold(text)] = c
        for c in self.concepts:
            out[fold(c.uri)] = c
            out[fold(c.code)] = c
        out.pop("", None)
        return out


def _read_yaml(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


@functools.cache
def vocabulary(name: str) -> Vocabulary:
    """Load a concept vocabulary by name (cached)."""
    try:
        filename = VOCABULARY_FILES[name]
    except KeyError:
        known = sorted(VOCABULARY_FILES)
        raise KeyError(f"unknown vocabulary {name!r}; known: {known}") from None
    raw = _read_yaml(os.path.join(DATA_DIR, filename))
    base = raw.get("base") or ""
    concepts = tuple(
        Concept(
            code=str(c["code"]),
            uri=f"{base}{c['code']}" if base else "",
            label=c["label"],
            label_en=c.get("label_en") or c["label"],
            scheme=raw["scheme"],
            synonyms=tuple(str(s) for s in c.get("synonyms") or ()),
            scdl=c.get("scdl"),
        )
        for c in raw["concepts"]
    )
    extra = {
        k: v
        for k, v in raw.items()
        if k not in ("concepts", "scheme", "version", "base")
    }
    return Vocabulary(name, raw["scheme"], str(raw.get("version", "")), concepts, extra)


def concepts(name: str) -> list[Concept]:
    return list(vocabulary(name).concepts)


def concept(name: str, code: str) -> Concept | None:
    """Concept by exact code (``concept("frequencies", "ANNUAL")``), else ``None``."""
    if code is None:
        return None
    return vocabulary(name).by_code.get(str(code).strip())


def concept_by_uri(name: str, uri: str) -> Concept | None:
    if not uri:
        return None
    return vocabulary(name).by_uri.get(str(uri).strip())


def match_concept(name: str, text: str) -> Concept | None:
    """Tolerant lookup: code, URI, fr/en label, SCDL value or synonym.

    Accent-, case- and punctuation-insensitive; ``None`` when nothing matches.
    """
    if not text:
        return None
    voc = vocabulary(name)
    direct = voc.by_code.get(str(text).strip()) or voc.by_uri.get(str(text).strip())
    if direct:
        return direct
    key = fold(text)
    found = voc.index.get(key)
    if found is None and "/" in str(text):
        found = voc.index.get(fold(str(text).rstrip("/").rsplit("/", 1)[-1]))
    return found


# --- licences -------------------------------------------------------------------

LICENCES_FILE = os.path.join(DATA_DIR, "licences.json")


@dataclass(frozen=True)
class Licence:
    """A licence of CKAN's licence list (the ids and URLs data.gouv.fr recognises)."""

    id: str
    title: str
    title_en: str
    url: str
    eu_uri: str
    spdx: str
    scdl: str
    od_conformance: str
    synonyms: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.od_conformance == "approved"


@functools.cache
def _licences() -> tuple[tuple[Licence, ...], dict[str, Licence]]:
    with open(LICENCES_FILE, encoding="utf-8") as f:
        raw = json.load(f)
    items = tuple(
        Licence(
            id=r["id"],
            title=r["title"],
            title_en=r.get("title_en") or r["title"],
            url=r.get("url") or "",
            eu_uri=r.get("eu_uri") or "",
            spdx=r.get("spdx") or "",
            scdl=r.get("scdl") or "",
            od_conformance=r.get("od_conformance") or "",
            synonyms=tuple(r.get("synonyms") or ()),
        )
        for r in raw
    )
    index: dict[str, Licence] = {}
    for lic in items:
        for text in (lic.title, lic.title_en):
            index[_fold_url(text)] = lic
    for lic in items:
        for text in lic.synonyms:
            index[_fold_url(text)] = lic
    for lic in items:
        for text in (lic.id, lic.url, lic.eu_uri, lic.spdx):
            if text:
                index[_fold_url(text)] = lic
    index.pop("", None)
    return items, index


def _fold_url(text: str) -> str:
    t = str(text).strip()
    if "://" in t:
        t = t.split("://", 1)[1]
        t = t.removeprefix("www.").rstrip("/")
    return fold(t)


def licences() -> list[Licence]:
    return list(_licences()[0])


def licence(licence_id: str) -> Licence | None:
    if not licence_id:
        return None
    return next((x for x in _licences()[0] if x.id == str(licence_id).strip()), None)


def match_licence(text: str) -> Licence | None:
    """Licence by id, title, URL, SPDX id or synonym; ``None`` when unknown.

    URLs match whatever their scheme, ``www.`` prefix or trailing slash.
    """
    if not text:
        return None
    index = _licences()[1]
    found = index.get(_fold_url(text))
    if found:
        return found
    plain = html.unescape(_TAGS.sub(" ", str(text))).strip()
    for candidate in (plain, _VERSION.sub("v", plain)):
        found = index.get(_fold_url(candidate))
        if found:
            return found
    for url in _URL.findall(plain):
        found = index.get(_fold_url(url.rstrip(".,;:")))
        if found:
            return found
    return None


_TAGS = re.compile(r"<[^>]{0,500}>")
_VERSION = re.compile(r"\bversion\s*", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"')]+")


# --- schema.data.gouv.fr --------------------------------------------------------

SCHEMAS_FILE = os.path.join(DATA_DIR, "schemas.json")


@dataclass(frozen=True)
class SchemaRef:
    """One version of a schema.data.gouv.fr schema (``url``: exact versioned URL)."""

    name: str
    title: str
    version: str
    url: str
    latest: bool
    schema_type: str = ""
    labels: tuple[str, ...] = ()

    @property
    def is_scdl(self) -> bool:
        return (
            self.name.startswith("scdl/")
            or "Socle Commun des Données Locales" in self.labels
        )

    @property
    def label(self) -> str:
        return f"{self.title} ({self.name} {self.version})"


@functools.cache
def _schemas() -> tuple[tuple[SchemaRef, ...], dict[str, SchemaRef]]:
    with open(SCHEMAS_FILE, encoding="utf-8") as f:
        raw = json.load(f)
    out: list[SchemaRef] = []
    for s in raw.get("schemas", []):
        versions = s.get("versions") or []
        for i, v in enumerate(versions):
            out.append(
                SchemaRef(
                    name=s["name"],
                    title=s.get("title") or s["name"],
                    version=str(v["version_name"]),
                    url=v["schema_url"],
                    latest=i == len(versions) - 1,
                    schema_type=s.get("schema_type") or "",
                    labels=tuple(s.get("labels") or ()),
                )
            )
    return tuple(out), {r.url: r for r in out}


def schemas() -> list[SchemaRef]:
    """Every version of every schema of ``schemas.json`` (oldest first)."""
    return list(_schemas()[0])


def schema_by_url(url: str) -> SchemaRef | None:
    """Exact match of a versioned schema URL (as data.gouv.fr does), else ``None``."""
    if not url:
        return None
    return _schemas()[1].get(str(url).strip())


def schema_versions(name: str) -> list[SchemaRef]:
    return [r for r in _schemas()[0] if r.name == name]


def clear_cache() -> None:
    vocabulary.cache_clear()
    _licences.cache_clear()
    _schemas.cache_clear()
