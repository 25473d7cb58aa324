"""Collectivité (organisation) schema: SIREN, territory, population, obligation."""

from __future__ import annotations

import pytest
from ckan.logic import NotFound, ValidationError
from ckan.tests.helpers import call_action

from tests.schemas.conftest import ORGS, make_org


@pytest.mark.parametrize(
    "name,population,obligation",
    [
        ("ville-de-paris", 2103778, True),
        ("ville-d-ajaccio", 76320, True),
        ("ville-de-saint-denis-reunion", 155634, True),
        ("rennes-metropole", 473973, True),
        ("departement-ille-et-vilaine", None, True),
    ],
)
def test_real_collectivites_are_accepted(ctx, name, population, obligation):
    org = make_org(ctx, name)
    shown = call_action("organization_show", dict(ctx), id=name)
    for key, value in ORGS[name].items():
        assert shown[key] == value, key
    assert shown["opendata_obligation"] is obligation
    if population is not None:
        assert shown["population"] == population
    else:
        assert shown["population"] > 1_000_000  # sum of the département's communes
    assert org["name"] == name


def test_small_commune_has_no_obligation(ctx):
    # Saint-Sulpice-la-Forêt (35315): about 1,600 inhabitants
    org = call_action(
        "organization_create",
        dict(ctx),
        name="saint-sulpice-la-foret",
        title="Commune de Saint-Sulpice-la-Forêt",
        collectivite_type="commune",
        siren="213503154",
        territory="commune:35315",
    )
    assert 0 < org["population"] < 3500
    assert org["opendata_obligation"] is False


def test_population_is_read_only(ctx):
    org = make_org(ctx, "ville-de-paris", population=12, opendata_obligation=False)
    assert org["population"] == 2103778
    assert org["opendata_obligation"] is True


INVALID = [
    # wrong Luhn check digit
    ("ville-de-paris", {"siren": "217500017"}, "siren", "Luhn"),
    # Rennes Métropole's SIREN used as a commune code
    (
        "ville-de-paris",
        {"territory": "commune:243500139"},
        "territory",
        "epci:243500139",
    ),
    # the SIREN of another body than the territory's
    ("ville-de-paris", {"siren": "243500139"}, "siren", "217500016"),
    # territory kind inconsistent with the type
    ("ville-de-paris", {"territory": "epci:243500139"}, "territory", "commune:<code>"),
    ("rennes-metropole", {"epci_kind": ""}, "epci_kind", "METRO"),
    ("rennes-metropole", {"epci_kind": "CA"}, "epci_kind", "METRO"),
    # a bare commune code is accepted, and still cross-checked with the SIREN
    (
        "ville-de-paris",
        {"territory": "75056", "siren": "212000046"},
        "siren",
        "217500016",
    ),
    ("ville-de-paris", {"epci_kind": "CA"}, "epci_kind", "EPCI"),
    ("ville-de-paris", {"collectivite_type": "mairie"}, "collectivite_type", "commune"),
    ("ville-de-paris", {"siren": "12345"}, "siren", "9"),
    ("ville-de-paris", {"siren": ""}, "siren", ""),
    ("ville-de-paris", {"territory": ""}, "territory", "commune:<code>"),
    ("ville-de-paris", {"website": "www.paris.fr"}, "website", "https://"),
    ("ville-de-paris", {"email": "paris.fr"}, "email", "@"),
    (
        "ville-de-paris",
        {"parent": "metropole-du-grand-paris"},
        "parent",
        "metropole-du-grand-paris",
    ),
]


@pytest.mark.parametrize("name,extra,field,hint", INVALID)
def test_invalid_collectivites_are_rejected(ctx, name, extra, field, hint):
    with pytest.raises(ValidationError) as exc:
        make_org(ctx, name, **extra)
    errors = exc.value.error_dict
    assert field in errors, errors
    assert hint in " ".join(errors[field])
    with pytest.raises(NotFound):
        call_action("organization_show", dict(ctx), id=name)


def test_parent_must_exist_and_differ(ctx, rennes_metropole):
    rennes = call_action(
        "organization_create",
        dict(ctx),
        name="ville-de-rennes",
        title="Ville de Rennes",
        collectivite_type="commune",
        siren="213502388",
        territory="commune:35238",
        parent="rennes-metropole",
    )
    assert rennes["parent"] == "rennes-metropole"
    with pytest.raises(ValidationError) as exc:
        call_action(
            "organization_patch", dict(ctx), id=rennes["id"], parent="ville-de-rennes"
        )
    assert "parent" in exc.value.error_dict


def test_syndicat_needs_no_territory(ctx):
    org = call_action(
        "organization_create",
        dict(ctx),
        name="syndicat-eaux",
        title="Syndicat des eaux",
        collectivite_type="syndicat",
        siren="253500128",
    )
    assert org["opendata_obligation"] is False
    assert not org.get("territory")
