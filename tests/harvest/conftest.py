"""Fixtures of the harvest tests: a local payload server, collectivités,
harvest sources and a helper that runs the real harvest stages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan import model

from ckanext.opendata_collectivites.compat.extras import set_group_extras
from ckanext.opendata_collectivites.harvest.payload_server import PayloadServer
from ckanext.opendata_collectivites.harvest.run import Summary, run_source

COMMUNES = {
    # name: (title, territory, siren)
    "ville-de-rennes": ("Ville de Rennes", "commune:35238", "213502388"),
    "ville-de-vanves": ("Ville de Vanves", "commune:92075", "219200755"),
    "ville-de-saint-malo": ("Ville de Saint-Malo", "commune:35288", "213502883"),
    "ville-de-brest": ("Ville de Brest", "commune:29019", None),
}


@pytest.fixture
def server():
    srv = PayloadServer().start()
    yield srv
    srv.stop()


def _context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def action(action_name: str, **data: Any) -> Any:
    return tk.get_action(action_name)(_context(), data)


@pytest.fixture
def commune(plugins, clean_db, clean_index) -> Callable[[str], dict[str, Any]]:
    """Create the organisation of a commune (real territory and SIREN)."""
    from ckanext.opendata_collectivites import vocabularies as voc

    def make(name: str) -> dict[str, Any]:
        title, territory, siren = COMMUNES[name]
        siren = siren or voc.territory(territory).siren
        fields = {
            "collectivite_type": "commune",
            "territory": territory,
            "siren": siren,
        }
        try:
            return action("organization_create", name=name, title=title, **fields)
        except Exception:  # noqa: BLE001
            # The collectivité schema is owned by another room and may be in
            # flux; the harvest only needs the organisation and its territory.
            group = model.Group(
                name=name, title=title, type="organization", is_organization=True
            )
            model.Session.add(group)
            model.Session.flush()
            set_group_extras(group, fields)
            model.Session.commit()
            return {"id": group.id, "name": name, "title": title}

    return make


@pytest.fixture
def source(commune) -> Callable[..., dict[str, Any]]:
    """Register a harvest source of type "collectivites"."""
    counter = {"n": 0}

    def make(
        url: str,
        org: dict[str, Any],
        config: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> dict[str, Any]:
        counter["n"] += 1
        return action(
            "harvest_source_create",
            url=url,
            name=name or f"source-{counter['n']}",
            title=f"Catalogue {counter['n']}",
            source_type="collectivites",
            owner_org=org["id"],
            frequency="MANUAL",
            config=json.dumps(config) if config else "",
        )

    return make


def harvest(source: dict[str, Any]) -> Summary:
    summary = run_source(source["id"])
    model.Session.remove()
    return summary


def datasets_of(org: dict[str, Any]) -> list[dict[str, Any]]:
    """Active datasets of an organisation, straight from the database."""
    rows = (
        model.Session.query(model.Package)
        .filter(
            model.Package.owner_org == org["id"],
            model.Package.state == "active",
            model.Package.type == "dataset",
        )
        .all()
    )
    return [action("package_show", id=p.id) for p in rows]


def by_title(datasets: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["title"]: d for d in datasets}
