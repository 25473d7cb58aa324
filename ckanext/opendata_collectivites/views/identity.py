"""The département's identity on every page: footer links, main colour and
the main navigation (from ``ckanext.collectivites.identity.*`` settings)."""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

PREFIX = "ckanext.collectivites.identity."
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def identity() -> dict[str, Any]:
    """Footer links and colour; a colour that is not ``#rgb``/``#rrggbb`` is
    ignored (it goes into a style attribute)."""
    colour = (tk.config.get(PREFIX + "primary_color") or "").strip()
    links = [
        (tk._("Legal notice"), tk.config.get(PREFIX + "legal_notice_url")),
        (
            tk._("Accessibility: partially compliant"),
            tk.config.get(PREFIX + "accessibility_url"),
        ),
        (tk._("Personal data"), tk.config.get(PREFIX + "privacy_url")),
        (tk._("Contact"), _contact(tk.config.get(PREFIX + "contact") or "")),
    ]
    return {
        "primary_color": colour if _COLOUR.match(colour) else "",
        "links": [{"label": label, "url": url} for label, url in links if url],
        "name": tk.config.get(PREFIX + "name") or tk.config.get("ckan.site_title"),
    }


def _contact(value: str) -> str:
    value = value.strip()
    if value and "@" in value and "://" not in value:
        return "mailto:" + value.removeprefix("mailto:")
    return value


def groups_used() -> bool:
    """Whether the portal has any active group (else "Groups" leaves the menu)."""
    return (
        model.Session.query(model.Group.id)
        .filter(
            model.Group.type == "group",
            model.Group.state == "active",
            model.Group.is_organization.is_(False),
        )
        .first()
        is not None
    )


def get_helpers() -> dict[str, Any]:
    return {
        "collectivites_identity": identity,
        "collectivites_groups_used": groups_used,
    }
