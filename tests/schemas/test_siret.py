"""Collectivité SIRET (seat): optional, Luhn-valid, within the SIREN; French errors."""

from __future__ import annotations

import pytest
from stdnum.fr import siret as stdnum_siret

from tests.schemas.conftest import ORGS


def _valid_siret(siren: str) -> str:
    """A Luhn-valid SIRET of ``siren`` (computed test value, not looked up)."""
    for nic in range(10, 100000):
        candidate = f"{siren}{nic:05d}"
        if stdnum_siret.is_valid(candidate):
            return candidate
    raise AssertionError("no valid NIC")


def _bad_luhn(siret: str) -> str:
    """Change the last digit: a single-digit change always breaks the Luhn key."""
    return siret[:-1] + str((int(siret[-1]) + 1) % 10)


def _paris(api, status: int = 200, **extra):
    return api(
        "organization_create",
        status=status,
        name="ville-de-paris",
        **{**ORGS["ville-de-paris"], **extra},
    )


def test_siret_is_optional(api):
    assert not _paris(api)["result"].get("siret")


def test_valid_siret_is_stored_compact_and_shown(api, app):
    siret = _valid_siret("217500016")
    _paris(api, siret=f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    assert api("organization_show", id="ville-de-paris")["result"]["siret"] == siret
    page = app.get("/organization/about/ville-de-paris").body
    assert f"<dd class=\"col-sm-8\">{siret}</dd>" in page


@pytest.mark.parametrize(
    "kind,french",
    [
        ("too-short", "SIRET : 14 chiffres attendus (SIREN + NIC)"),
        ("bad-luhn", "n'est pas un SIRET valide, sa clé de contrôle (Luhn) est fausse"),
        ("other-siren", "n'appartient pas au SIREN 217500016"),
    ],
)
def test_invalid_siret_409_in_french_and_nothing_written(api, kind, french):
    value = {
        "too-short": "2175000160001",
        "bad-luhn": _bad_luhn(_valid_siret("217500016")),
        "other-siren": _valid_siret("243500139"),  # Rennes Métropole's SIREN
    }[kind]
    body = _paris(api, status=409, siret=value)
    assert body["success"] is False
    assert french in " ".join(body["error"]["siret"])
    assert api("organization_list")["result"] == []
