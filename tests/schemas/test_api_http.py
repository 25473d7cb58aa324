"""Acceptance through the HTTP API: 409 with French messages naming field and form."""

from __future__ import annotations

from typing import Any

import pytest

from tests.schemas.conftest import DELIBERATIONS, ORGS, full_dataset


def _org(api, name: str, status: int = 200, **extra: Any) -> dict[str, Any]:
    return api(
        "organization_create", status=status, name=name, **{**ORGS[name], **extra}
    )


def test_valid_collectivites_and_dataset(api):
    for name in (
        "ville-de-paris",
        "ville-d-ajaccio",
        "ville-de-saint-denis-reunion",
        "rennes-metropole",
    ):
        assert _org(api, name)["success"] is True
    org = api("organization_show", id="rennes-metropole")["result"]
    assert (org["siren"], org["territory"], org["population"]) == (
        "243500139",
        "epci:243500139",
        473973,
    )
    pkg = api("package_create", **full_dataset("rennes-metropole"))["result"]
    shown = api("package_show", id=pkg["id"])["result"]
    assert shown["territories"] == ["epci:243500139", "commune:35238"]
    assert shown["conforms_to"] == DELIBERATIONS
    assert shown["license_title"] == "Licence Ouverte / Open Licence version 2.0"


@pytest.mark.parametrize(
    "extra,field,french",
    [
        (
            {"siren": "217500017"},
            "siren",
            "SIREN : 217500017 n'est pas un SIREN valide, sa clé de contrôle (Luhn)",
        ),
        (
            {"territory": "commune:243500139"},
            "territory",
            "243500139 est le SIREN de Rennes Métropole (EPCI), pas un code de commune"
            " : utilisez epci:243500139.",
        ),
        (
            {"siren": "243500139"},
            "siren",
            "SIREN : 243500139 ne correspond pas à Paris (commune:75056), dont "
            "le SIREN est 217500016",
        ),
    ],
)
def test_invalid_collectivite_409_in_french(api, extra, field, french):
    body = _org(api, "ville-de-paris", status=409, **extra)
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    message = " ".join(body["error"][field])
    assert french in message
    assert api("organization_list")["result"] == []  # nothing half-written


@pytest.mark.parametrize(
    "extra,field,french",
    [
        (
            {"territories": ["commune:243500139"]},
            "territories",
            "Couverture géographique : territoire « commune:243500139 » inconnu ; "
            "forme attendue <type>:<code>",
        ),
        (
            {"themes": ["astrologie"]},
            "themes",
            "Thèmes : « astrologie » n'est pas un thème du portail ; valeurs attendues",
        ),
        (
            {"conforms_to": DELIBERATIONS.replace("2.1.5", "2.1.9")},
            "conforms_to",
            "Conforme au schéma : la version « 2.1.9 » du schéma scdl/deliberations "
            "n'existe pas",
        ),
        (
            {"producer_siren": "243500138"},
            "producer_siren",
            "SIREN du producteur : 243500138 n'est pas un SIREN valide",
        ),
        (
            {"temporal_start": "01/02/2024"},
            "temporal_start",
            "Début de la couverture temporelle : date attendue au format AAAA-MM-JJ",
        ),
    ],
)
def test_invalid_dataset_409_in_french(api, extra, field, french):
    _org(api, "rennes-metropole")
    data = full_dataset("rennes-metropole", **extra)
    body = api("package_create", status=409, **data)
    assert french in " ".join(body["error"][field])
    api("package_show", status=404, id=data["name"])
    assert api("package_list")["result"] == []
