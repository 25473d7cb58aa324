"""Fixtures of the schema tests: a clean portal, a sysadmin and real collectivités."""

from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

# Real codes (official geography, @etalab/decoupage-administratif).
ORGS: dict[str, dict[str, Any]] = {
    "ville-de-paris": {
        "title": "Ville de Paris",
        "collectivite_type": "commune",
        "siren": "217500016",
        "territory": "commune:75056",
    },
    "ville-d-ajaccio": {
        "title": "Ville d'Ajaccio",
        "collectivite_type": "commune",
        "siren": "212000046",
        "territory": "commune:2A004",
    },
    "ville-de-saint-denis-reunion": {
        "title": "Ville de Saint-Denis (La Réunion)",
        "collectivite_type": "commune",
        "siren": "219740115",
        "territory": "commune:97411",
    },
    "rennes-metropole": {
        "title": "Rennes Métropole",
        "collectivite_type": "epci",
        "epci_kind": "METRO",
        "siren": "243500139",
        "territory": "epci:243500139",
    },
    "departement-ille-et-vilaine": {
        "title": "Département d'Ille-et-Vilaine",
        "collectivite_type": "departement",
        "siren": "223500018",
        "territory": "departement:35",
    },
}

DELIBERATIONS = (
    "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json"
)


@pytest.fixture
def sysadmin(plugins, clean_db, clean_index) -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture
def ctx(sysadmin) -> dict[str, Any]:
    return {"user": sysadmin["name"], "ignore_auth": False}


def make_org(ctx: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    data = {"name": name, **ORGS[name], **extra}
    return call_action("organization_create", dict(ctx), **data)


@pytest.fixture
def rennes_metropole(ctx) -> dict[str, Any]:
    return make_org(ctx, "rennes-metropole")


def full_dataset(owner_org: str, **extra: Any) -> dict[str, Any]:
    """A dataset with every field of the schema filled with valid values."""
    data = {
        "name": "deliberations-rennes-metropole",
        "title": "Délibérations du conseil de Rennes Métropole",
        "notes": "Délibérations adoptées par le conseil métropolitain, au format SCDL.",
        "owner_org": owner_org,
        "themes": ["administration"],
        "tags": [{"name": "délibérations"}, {"name": "conseil"}],
        "license_id": "lov2",
        "frequency": "MONTHLY",
        "temporal_start": "2020-01-01",
        "temporal_end": "2024-12-31",
        "territories": ["epci:243500139", "commune:35238"],
        "spatial_granularity": "intercommunale",
        "contact_name": "Service des assemblées",
        "contact_email": "assemblees@rennesmetropole.fr",
        "producer_name": "Ville de Rennes",
        "producer_siren": "213502388",
        "conforms_to": DELIBERATIONS,
        "issued": "2020-02-01",
        "modified": "2025-01-15",
        "url": "https://data.rennesmetropole.fr/explore/dataset/deliberations/",
        "language": ["FRA"],
        "access_rights": "PUBLIC",
        "hvd_category": [],
        "identifier": "https://data.rennesmetropole.fr/dataset/deliberations",
        "resources": [
            {
                "name": "Délibérations 2024",
                "url": "https://data.rennesmetropole.fr/deliberations-2024.csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "size": 123456,
                "conforms_to": DELIBERATIONS,
                "temporal_resolution": "P1D",
            }
        ],
    }
    data.update(extra)
    if "identifier" not in extra:  # identifiers are unique on the portal
        data["identifier"] = f"https://data.rennesmetropole.fr/dataset/{data['name']}"
    return data


@pytest.fixture
def api(plugins, clean_db, clean_index, app):
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}

    def call(action: str, status: int = 200, **data: Any) -> dict[str, Any]:
        resp = app.post(
            f"/api/3/action/{action}", json=data, headers=headers, status=status
        )
        return resp.json

    return call
