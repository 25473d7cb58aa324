"""API: ``collectivites_obligations`` (public: counts from public data only)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.obligations import coverage


def obligations(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """SCDL socle coverage of every collectivité of the département.

    :param obliged_only: only the collectivités that must open their data
    :param territory: one collectivité (``commune:35238``, ``epci:243500139``)
    """
    from ckanext.opendata_collectivites.logic import cache

    tk.check_access("collectivites_obligations", context, data_dict)
    # Public data only, the same for every reader: cached in Redis, dropped at
    # every dataset change and every validation verdict (logic/cache.py).
    result = cache.cached(
        "obligations",
        {"departement": coverage.departement_territory()},
        coverage.compute,
    )
    rows = result["collectivites"]
    if tk.asbool(data_dict.get("obliged_only")):
        rows = [r for r in rows if r["obliged"]]
    if data_dict.get("territory"):
        rows = [r for r in rows if r["territory"] == data_dict["territory"]]
    result["collectivites"] = rows
    return result


def get_actions() -> dict[str, Any]:
    return {"collectivites_obligations": tk.side_effect_free(obligations)}


def get_auth_functions() -> dict[str, Any]:
    return {
        "collectivites_obligations": tk.auth_allow_anonymous_access(
            lambda context, data_dict: {"success": True}
        )
    }
