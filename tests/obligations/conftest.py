"""Fixtures of the obligations tests: the département, two communes of
Ille-et-Vilaine and their (real) SCDL files, checked by the real job; plus
the validation room's fixtures (local file server, jobs queue), shared."""

from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.validation.conftest import SUBVENTIONS, files, queue, run_jobs  # noqa: F401

STATIONNEMENT = (
    "https://schema.data.gouv.fr/schemas/etalab/schema-stationnement/0.1.5/schema.json"
)
DEPARTEMENT = "departement-ille-et-vilaine"


@pytest.fixture
def portal(queue, files):  # noqa: F811
    admin = factories.Sysadmin()
    ctx = {"user": admin["name"]}

    def org(name: str, title: str, ctype: str, siren: str, territory: str) -> dict:
        return call_action(
            "organization_create",
            dict(ctx),
            name=name,
            title=title,
            collectivite_type=ctype,
            siren=siren,
            territory=territory,
        )

    org(
        DEPARTEMENT,
        "Département d'Ille-et-Vilaine",
        "departement",
        "223500018",
        "departement:35",
    )
    rennes = org(
        "ville-de-rennes", "Ville de Rennes", "commune", "213502388", "commune:35238"
    )
    malo = org(
        "ville-de-saint-malo",
        "Ville de Saint-Malo",
        "commune",
        "213502883",
        "commune:35288",
    )

    def dataset(name: str, owner: dict, schema: str, file: str, **extra: Any) -> dict:
        return call_action(
            "package_create",
            dict(ctx),
            name=name,
            title=name,
            notes="Test.",
            owner_org=owner["id"],
            license_id="lov2",
            conforms_to=schema,
            resources=[{"name": "f", "url": f"{files}/{file}", "format": "CSV"}],
            **extra,
        )

    dataset(
        "subventions-rennes",
        rennes,
        SUBVENTIONS,
        "validata/exemple_valide_subventions1.csv",
        frequency="ANNUAL",
    )
    dataset(
        "subventions-saint-malo",
        malo,
        SUBVENTIONS,
        "validata/exemple_invalide_subventions_french_siret_error1.csv",
    )
    dataset(
        "deliberations-rennes-privees",
        rennes,
        "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json",
        "validata/exemple_valide_subventions1.csv",
        private=True,
    )
    dataset(
        "parkings-rennes", rennes, STATIONNEMENT, "stationnement-exemple-valide.csv"
    )
    run_jobs(queue)
    return {"rennes": rennes, "malo": malo}
