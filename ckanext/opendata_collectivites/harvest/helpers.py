"""Template helpers of the harvest source pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.opendata_collectivites.harvest import status


def harvest_detection(source_id: str) -> dict[str, Any] | None:
    """What the last gather found behind the source URL (platform, API,
    counts, or the error), or None before the first harvest."""
    return status.load(source_id)


def get_helpers() -> dict[str, Callable[..., Any]]:
    return {"collectivites_harvest_detection": harvest_detection}


def source_facets(facets: dict[str, Any], package_type: str) -> dict[str, Any]:
    """Facet titles of the harvest source listing in the page's language
    (ckanext-harvest names them in English)."""
    import ckan.plugins.toolkit as tk

    if package_type != "harvest":
        return facets
    titles = {"frequency": tk._("Frequency"), "source_type": tk._("Type")}
    for key in list(facets):
        if key in titles:
            facets[key] = titles[key]
    return facets
