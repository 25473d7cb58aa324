"""Portal themes: the deployer-editable list (``config/themes.yaml``)."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from ckanext.opendata_collectivites.vocabularies._text import fold

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CONFIG_OPTION = "ckanext.collectivites.themes_file"
DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "data", "themes.yaml")


@dataclass(frozen=True)
class PortalTheme:
    slug: str
    label: str
    label_en: str
    description: str
    icon: str
    eu_themes: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    icon_set: str = "remixicon"
    description_en: str = ""

    @property
    def icon_class(self) -> str:
        """CSS class in the declared icon set (Remix Icon: ``ri-leaf-line``)."""
        return f"ri-{self.icon}" if self.icon_set == "remixicon" else self.icon


def configured_file(option: str, default: str) -> str:
    """A deployer-editable data file: the config option when set, else the
    shipped default."""
    try:
        from ckan.plugins.toolkit import config

        path = config.get(option)
    except Exception:  # CKAN config not initialised (plain scripts)
        path = None
    return path or default


def themes_file() -> str:
    """Path of the themes file."""
    return configured_file(CONFIG_OPTION, DEFAULT_FILE)


@functools.cache
def _load(path: str) -> tuple[tuple[PortalTheme, ...], dict[str, PortalTheme]]:
    with open(path, encoding="utf-8") as f:
        raw = yaml.load(f, Loader=_Loader)
    icon_set = raw.get("icon_set", "remixicon")
    items = tuple(
        PortalTheme(
            slug=t["slug"],
            label=t["label"],
            label_en=t.get("label_en") or t["label"],
            description=t.get("description") or "",
            icon=t.get("icon") or "",
            eu_themes=tuple(t.get("eu_themes") or ()),
            synonyms=tuple(str(s) for s in t.get("synonyms") or ()),
            icon_set=icon_set,
            description_en=t.get("description_en") or "",
        )
        for t in raw["themes"]
    )
    index: dict[str, PortalTheme] = {}
    for t in items:
        for text in (t.label, t.label_en):
            index[fold(text)] = t
    for t in items:
        for text in t.synonyms:
            index[fold(text)] = t
    for t in items:
        index[fold(t.slug)] = t
    index.pop("", None)
    return items, index


def portal_themes() -> list[PortalTheme]:
    return list(_load(themes_file())[0])


def portal_theme(slug: str) -> PortalTheme | None:
    if not slug:
        return None
    return next(
        (t for t in _load(themes_file())[0] if t.slug == str(slug).strip()), None
    )


def match_theme(
    text: str, overrides: Mapping[str, str] | None = None
) -> PortalTheme | None:
    """Portal theme for a remote label, or ``None``.

    ``overrides`` (label -> slug, e.g. a harvest source's own table) is tried first,
    then slugs, labels and synonyms; accent-, case- and punctuation-insensitive.
    """
    if not text:
        return None
    key = fold(text)
    if overrides:
        for label, slug in overrides.items():
            if fold(label) == key:
                return portal_theme(slug)
    return _load(themes_file())[1].get(key)


def clear_cache() -> None:
    _load.cache_clear()
