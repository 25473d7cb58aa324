"""Controlled vocabularies of the portal: one place to look values up.

Everything is read from data files (``data/`` beside this module, ``config/themes.yaml``
for the portal themes), parsed once per process and cached::

    from ckanext.opendata_collectivites import vocabularies as voc
    voc.portal_themes()
    voc.concept("frequencies", "ANNUAL")
    voc.territory("commune:75056")
"""

from __future__ import annotations

from collections.abc import Iterable

from ckanext.opendata_collectivites.vocabularies.concepts import (
    Concept,
    Licence,
    SchemaRef,
    concept,
    concept_by_uri,
    concepts,
    licence,
    licences,
    match_concept,
    match_licence,
    schema_by_url,
    schema_versions,
    schemas,
)
from ckanext.opendata_collectivites.vocabularies.territories import (
    KINDS as TERRITORY_KINDS,
)
from ckanext.opendata_collectivites.vocabularies.territories import (
    Territory,
    search_territories,
    territory,
    territory_by_siren,
)
from ckanext.opendata_collectivites.vocabularies.theme_mappings import (
    RemoteTheme,
    match_remote_theme,
)
from ckanext.opendata_collectivites.vocabularies.themes import (
    PortalTheme,
    match_theme,
    portal_theme,
    portal_themes,
)

__all__ = [
    "Concept",
    "Licence",
    "PortalTheme",
    "RemoteTheme",
    "SchemaRef",
    "Territory",
    "TERRITORY_KINDS",
    "access_rights",
    "clear_caches",
    "concept",
    "concept_by_uri",
    "concepts",
    "eu_themes",
    "frequencies",
    "granularities",
    "hvd_categories",
    "languages",
    "licence",
    "licences",
    "match_concept",
    "match_frequency",
    "match_licence",
    "match_remote_theme",
    "match_theme",
    "portal_theme",
    "portal_themes",
    "schema_by_url",
    "schema_versions",
    "schemas",
    "search_territories",
    "territory",
    "territory_by_siren",
    "eu_themes_for",
]


def eu_themes() -> list[Concept]:
    """The EU data themes (13 + OP_DATPRO)."""
    return concepts("eu_themes")


def frequencies() -> list[Concept]:
    return concepts("frequencies")


def access_rights() -> list[Concept]:
    return concepts("access_rights")


def languages() -> list[Concept]:
    return concepts("languages")


def hvd_categories() -> list[Concept]:
    return concepts("hvd_categories")


def granularities() -> list[Concept]:
    """SCDL ``COUV_SPAT_MAILLE`` granularities (``.scdl``: exact SCDL value)."""
    return concepts("granularities")


def match_frequency(text: str) -> Concept | None:
    """EU frequency for a code, EU/Dublin Core URI, SCDL/udata/ODS label."""
    return match_concept("frequencies", text)


def eu_themes_for(slugs: Iterable[str]) -> list[str]:
    """EU theme codes of portal-theme slugs (unknown slugs ignored, no duplicates)."""
    out: list[str] = []
    for slug in slugs or ():
        theme = portal_theme(slug)
        for code in theme.eu_themes if theme else ():
            if code not in out:
                out.append(code)
    return out


def clear_caches() -> None:
    """Forget every loaded file (tests, ``vocabularies update``)."""
    from ckanext.opendata_collectivites.vocabularies.concepts import clear_cache as c1
    from ckanext.opendata_collectivites.vocabularies.territories import (
        clear_cache as c2,
    )
    from ckanext.opendata_collectivites.vocabularies.theme_mappings import (
        clear_cache as c4,
    )
    from ckanext.opendata_collectivites.vocabularies.themes import clear_cache as c3

    c1()
    c2()
    c3()
    c4()
