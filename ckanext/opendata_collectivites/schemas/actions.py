"""Small JSON actions behind the type-ahead pickers (public, read-only)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from sqlalchemy import func, or_, select

from ckanext.opendata_collectivites import vocabularies as voc

MAX_LIMIT = 50


def _limit(data_dict: dict[str, Any], default: int = 20) -> int:
    try:
        n = int(data_dict.get("limit", default))
    except (TypeError, ValueError):
        raise tk.ValidationError(
            {"limit": [tk._("limit: expected a whole number between 1 and 50.")]}
        ) from None
    return max(1, min(n, MAX_LIMIT))


def _kinds(data_dict: dict[str, Any]) -> list[str] | None:
    raw = data_dict.get("kinds") or data_dict.get("kind")
    if not raw:
        return None
    kinds = raw if isinstance(raw, list) else str(raw).split(",")
    kinds = [k.strip() for k in kinds if k.strip()]
    unknown = [k for k in kinds if k not in voc.TERRITORY_KINDS]
    if unknown:
        raise tk.ValidationError(
            {
                "kinds": [
                    tk._("kinds: unknown kind “{value}”; expected {expected}.").format(
                        value=unknown[0], expected=", ".join(voc.TERRITORY_KINDS)
                    )
                ]
            }
        )
    return kinds


@tk.side_effect_free
def territory_autocomplete(context: dict, data_dict: dict[str, Any]) -> list[dict]:
    """Territories matching ``q`` (name, code, SIREN or postcode).

    :param q: text typed by the user
    :param kinds: comma-separated kinds (commune, epci, departement, region, pays)
    :param limit: at most this many results (default 20, max 50)
    """
    tk.check_access("collectivites_territory_autocomplete", context, data_dict)
    q = str(data_dict.get("q") or data_dict.get("incomplete") or "")[:100]
    found = voc.search_territories(q, limit=_limit(data_dict), kinds=_kinds(data_dict))
    return [t.as_dict() for t in found]


@tk.side_effect_free
def organization_autocomplete(context: dict, data_dict: dict[str, Any]) -> list[dict]:
    """Collectivités (organisations) whose title or name contains ``q``.

    Returns name, title, collectivite_type, siren and territory of each match.
    """
    tk.check_access("collectivites_organization_autocomplete", context, data_dict)
    from ckan import model

    q = str(data_dict.get("q") or data_dict.get("incomplete") or "").strip()[:100]
    limit = _limit(data_dict)
    query = select(model.Group).where(
        model.Group.is_organization.is_(True), model.Group.state == "active"
    )
    if q:
        query = query.where(
            or_(  # LIKE with % and _ escaped (SQLAlchemy 1.4 has no icontains)
                func.lower(model.Group.title).contains(q.lower(), autoescape=True),
                func.lower(model.Group.name).contains(q.lower(), autoescape=True),
            )
        )
    out = []
    query = query.order_by(model.Group.title).limit(limit)
    for group in model.Session.execute(query).scalars():
        extras = dict(group.extras)
        out.append(
            {
                "name": group.name,
                "title": group.title or group.name,
                "label": group.title or group.name,
                "collectivite_type": extras.get("collectivite_type"),
                "siren": extras.get("siren"),
                "territory": extras.get("territory"),
            }
        )
    return out


def get_actions() -> dict[str, Any]:
    return {
        "collectivites_territory_autocomplete": territory_autocomplete,
        "collectivites_organization_autocomplete": organization_autocomplete,
    }


@tk.auth_allow_anonymous_access
def _public(context: dict, data_dict: dict[str, Any]) -> dict[str, bool]:
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {
        "collectivites_territory_autocomplete": _public,
        "collectivites_organization_autocomplete": _public,
    }
