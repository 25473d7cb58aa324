"""Search-index and show hooks of the dataset schema.

``before_dataset_index`` adds the multi-valued exact fields ``vocab_themes`` (portal
theme slugs), ``vocab_eu_themes`` (EU theme codes), ``vocab_territories`` (territory
ids) and ``vocab_territories_all`` (the ids and all their parents, so that
``fq=vocab_territories_all:"departement:35"`` finds datasets about its communes).
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.schemas.validators import _as_list


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    themes = [s for s in _as_list(pkg_dict.get("themes")) if voc.portal_theme(s)]
    territories = [t for t in _as_list(pkg_dict.get("territories")) if voc.territory(t)]
    pkg_dict["vocab_themes"] = themes
    pkg_dict["vocab_eu_themes"] = voc.eu_themes_for(themes)
    pkg_dict["vocab_territories"] = territories
    expanded: list[str] = []
    for tid in territories:
        t = voc.territory(tid)
        for x in (tid, *(t.parents if t else ())):
            if x not in expanded:
                expanded.append(x)
    pkg_dict["vocab_territories_all"] = expanded
    # list fields also arrive as JSON strings in some paths: index them as lists
    for key in ("themes", "territories", "language", "hvd_category"):
        if key in pkg_dict and isinstance(pkg_dict[key], str):
            pkg_dict[key] = _as_list(pkg_dict[key])
    return pkg_dict


def default_identifier(pkg_dict: dict[str, Any]) -> str:
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    return f"{site}/dataset/{pkg_dict['id']}"


def after_dataset_show(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Fill the stable identifier (``{site_url}/dataset/{id}``) when it is empty."""
    if pkg_dict.get("id") and not pkg_dict.get("identifier"):
        pkg_dict["identifier"] = default_identifier(pkg_dict)
    return pkg_dict
