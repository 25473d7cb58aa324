"""Remote theme vocabularies (EU data themes, HVD categories, EuroVoc domains,
INSPIRE themes) → portal themes, from ``data/theme_mappings.yaml``."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any

import yaml

from ckanext.opendata_collectivites.vocabularies._text import fold
from ckanext.opendata_collectivites.vocabularies.concepts import concepts
from ckanext.opendata_collectivites.vocabularies.themes import (
    PortalTheme,
    configured_file,
    portal_theme,
)

CONFIG_OPTION = "ckanext.collectivites.theme_mappings_file"
DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "data", "theme_mappings.yaml")


@dataclass(frozen=True)
class RemoteTheme:
    """A concept of a known remote vocabulary; ``slug`` is "" when no portal
    theme fits it."""

    scheme: str
    code: str
    slug: str

    @property
    def theme(self) -> PortalTheme | None:
        return portal_theme(self.slug) if self.slug else None


def mappings_file() -> str:
    return configured_file(CONFIG_OPTION, DEFAULT_FILE)


def _uri_key(text: str) -> str:
    value = str(text).strip().rstrip("/")
    return value.split("://", 1)[1] if "://" in value else value


@functools.cache
def _index(path: str) -> dict[str, RemoteTheme]:
    with open(path, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    index: dict[str, RemoteTheme] = {}
    for scheme, spec in raw["schemes"].items():
        labels_from = (
            {c.code: c for c in concepts(spec["labels_from"])}
            if spec.get("labels_from")
            else {}
        )
        for code, target in spec["map"].items():
            entry: dict[str, Any] = (
                target if isinstance(target, dict) else {"theme": target, "labels": []}
            )
            remote = RemoteTheme(scheme, str(code), entry.get("theme") or "")
            for template in spec["uris"]:
                index["uri:" + _uri_key(template.format(code=code))] = remote
            labels = list(entry.get("labels") or [])
            concept = labels_from.get(str(code))
            if concept is not None:
                labels += [concept.label, concept.label_en, *concept.synonyms]
            for label in labels:
                if label:
                    index.setdefault("label:" + fold(label), remote)
    return index


def match_remote_theme(text: str) -> RemoteTheme | None:
    """The known remote theme named by ``text`` (URI or label), or None."""
    if not text:
        return None
    index = _index(mappings_file())
    return index.get("uri:" + _uri_key(text)) or index.get("label:" + fold(text))


def clear_cache() -> None:
    _index.cache_clear()
