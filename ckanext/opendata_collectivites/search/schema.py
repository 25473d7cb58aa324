"""CKAN's Solr schema: field types, stored/multi-valued flags, copy fields."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import yaml

_SCHEMA_FILE = os.path.join(os.path.dirname(__file__), "schema.yaml")

STRING, TEXT, TEXT_GENERAL, NGRAM, DATE, INT, FLOAT, NONE = (
    "string",
    "text",
    "text_general",
    "ngram",
    "date",
    "int",
    "float",
    "none",
)
ANALYSED = (TEXT, TEXT_GENERAL)


@dataclass(frozen=True)
class Field:
    """One (explicit or dynamic) field of the schema."""

    name: str
    type: str
    stored: bool
    multi: bool

    @property
    def sortable(self) -> bool:
        return self.type in (STRING, DATE, INT, FLOAT, TEXT, TEXT_GENERAL, NGRAM)


def _pattern_matches(pattern: str, name: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return name.endswith(pattern[1:])
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return pattern == name


@functools.lru_cache(maxsize=1)
def _load() -> dict:
    with open(_SCHEMA_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=4096)
def field(name: str) -> Field:
    """Return the schema definition governing field ``name``."""
    data = _load()
    spec = data["fields"].get(name)
    if spec is not None:
        return Field(name, spec[0], bool(spec[1]), bool(spec[2]))
    for pattern, ftype, stored, multi in data["dynamic_fields"]:
        if _pattern_matches(pattern, name):
            return Field(name, ftype, bool(stored), bool(multi))
    raise KeyError(name)  # pragma: no cover - "*" always matches


@functools.lru_cache(maxsize=4096)
def is_hot(name: str) -> bool:
    """Whether exact field ``name`` is also kept in the small ``hot`` column."""
    data = _load()
    return name in data["hot_fields"] or any(
        name.startswith(prefix) for prefix in data["hot_prefixes"]
    )


@functools.lru_cache(maxsize=4096)
def is_term(name: str) -> bool:
    """Whether the values of ``name`` are facet terms (see ``terms.py``): the
    hot exact fields, except dates and the ``not_terms`` list."""
    return (
        is_hot(name) and field(name).type == STRING and name not in _load()["not_terms"]
    )


@functools.lru_cache(maxsize=4096)
def copy_targets(name: str) -> tuple[str, ...]:
    """Fields that Solr's copyField rules fill from field ``name``."""
    return tuple(
        dest for src, dest in _load()["copy_fields"] if _pattern_matches(src, name)
    )
