"""Search facets of the dataset listings: portal themes and territories."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import vocabularies as voc

THEMES = "vocab_themes"
TERRITORIES = "vocab_territories"


def dataset_facets(
    facets: OrderedDict[str, Any], package_type: str
) -> OrderedDict[str, Any]:
    """Listing facets: collectivité, theme, territory, keywords, format, licence."""
    titles = OrderedDict()
    titles["organization"] = facets.get("organization") or tk._("Organizations")
    titles[THEMES] = tk._("Themes")
    titles[TERRITORIES] = tk._("Territories")
    for key, value in facets.items():
        if key not in titles and key != "groups":
            titles[key] = value
    return titles


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show theme labels (in the page's language) and territory names
    instead of their ids."""
    from ckanext.opendata_collectivites.views.helpers import licence_title, theme_text

    facets = search_results.get("search_facets") or {}
    for item in facets.get(THEMES, {}).get("items", []):
        theme = voc.portal_theme(item["name"])
        if theme:
            item["display_name"] = theme_text(theme)
    for item in facets.get("license_id", {}).get("items", []):
        if voc.licence(item["name"]):
            item["display_name"] = licence_title({"license_id": item["name"]})
    for item in facets.get(TERRITORIES, {}).get("items", []):
        try:
            territory = voc.territory(item["name"])
        except Exception:  # malformed id in the index
            territory = None
        if territory:
            item["display_name"] = territory.name
    return search_results
