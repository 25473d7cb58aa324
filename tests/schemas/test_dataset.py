"""Dataset and resource schema through CKAN actions (real PostgreSQL and plugins)."""

from __future__ import annotations

import pytest
from ckan.logic import NotFound, ValidationError
from ckan.tests.helpers import call_action

from tests.schemas.conftest import DELIBERATIONS, full_dataset


def test_every_field_round_trips(ctx, rennes_metropole):
    pkg = call_action(
        "package_create", dict(ctx), **full_dataset(rennes_metropole["id"])
    )
    shown = call_action("package_show", dict(ctx), id=pkg["id"])
    expected = full_dataset(rennes_metropole["id"])
    for key in (
        "themes",
        "license_id",
        "frequency",
        "temporal_start",
        "temporal_end",
        "territories",
        "spatial_granularity",
        "contact_name",
        "contact_email",
        "producer_name",
        "producer_siren",
        "conforms_to",
        "issued",
        "modified",
        "url",
        "language",
        "access_rights",
        "identifier",
    ):
        assert shown[key] == expected[key], key
    assert shown["hvd_category"] == []
    assert shown["license_title"] == "Licence Ouverte / Open Licence version 2.0"
    assert (
        shown["license_url"]
        == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    )
    res = shown["resources"][0]
    assert res["conforms_to"] == DELIBERATIONS
    assert res["temporal_resolution"] == "P1D"
    assert res["size"] == 123456
    assert res["mimetype"] == "text/csv"


def test_defaults_and_identifier(ctx, rennes_metropole):
    pkg = call_action(
        "package_create",
        dict(ctx),
        name="minimal",
        title="Jeu minimal",
        notes="Un jeu de données minimal.",
        owner_org=rennes_metropole["id"],
        license_id="odc-odbl",
    )
    assert pkg["language"] == ["FRA"]
    assert pkg["access_rights"] == "PUBLIC"
    assert not pkg.get("themes") and not pkg.get("territories")
    assert pkg["identifier"] == f"http://test.ckan.net/dataset/{pkg['id']}"
    assert pkg["license_url"] == "http://opendatacommons.org/licenses/odbl/summary/"


@pytest.mark.parametrize(
    "territories",
    [
        ["commune:75056"],
        ["commune:2A004"],
        ["commune:97411"],
        ["epci:243500139"],
        ["departement:35", "region:53", "pays:FR"],
    ],
)
def test_real_territory_codes_are_accepted(ctx, rennes_metropole, territories):
    data = full_dataset(rennes_metropole["id"], territories=territories)
    assert (
        call_action("package_create", dict(ctx), **data)["territories"] == territories
    )


def test_tolerant_inputs_are_normalised(ctx, rennes_metropole):
    data = full_dataset(
        rennes_metropole["id"],
        territories="2a004, 243500139,commune:75056",
        themes="environnement,Santé",
        frequency="Annuelle",
        license_id="Licence Ouverte v2.0",
        language="FRA,BRE",
        temporal_start="2020-01-01T00:00:00",
    )
    pkg = call_action("package_create", dict(ctx), **data)
    assert pkg["territories"] == ["commune:2A004", "epci:243500139", "commune:75056"]
    assert pkg["themes"] == ["environnement", "sante"]
    assert pkg["frequency"] == "ANNUAL"
    assert pkg["license_id"] == "lov2"
    assert pkg["language"] == ["FRA", "BRE"]
    assert pkg["temporal_start"] == "2020-01-01"


WRONG_VERSION = DELIBERATIONS.replace("2.1.5", "2.1.9")

INVALID = [
    ("territories", ["commune:243500139"], "epci:243500139"),
    ("territories", ["commune:99999"], "99999"),
    ("territories", ["ville:rennes"], "commune:75056"),
    ("themes", ["pas-un-theme"], "administration"),
    ("conforms_to", WRONG_VERSION, "2.1.5"),
    (
        "conforms_to",
        "https://schema.data.gouv.fr/schemas/scdl/nope/1.0.0/schema.json",
        "schemas.json",
    ),
    ("conforms_to", "pas une url", "schema.json"),
    ("producer_siren", "243500138", "243500138"),
    ("producer_siren", "24350013", "243500139"),
    ("frequency", "SOMETIMES", "ANNUAL"),
    ("temporal_start", "2024-13-01", "YYYY-MM-DD"),
    ("temporal_end", "2019-12-31", "2020-01-01"),
    ("license_id", "licence-maison", "lov2"),
    ("contact_email", "pas-un-courriel", "@"),
    ("url", "ftp://example.org/x", "https://"),
    ("language", ["KLINGON"], "FRA"),
    ("access_rights", "OPEN_BAR", "PUBLIC"),
    ("hvd_category", ["c_nope"], "c_ac64a52d"),
    ("spatial_granularity", "galactique", "communale"),
]


@pytest.mark.parametrize("field,value,hint", INVALID)
def test_invalid_values_are_rejected_and_nothing_is_written(
    ctx, rennes_metropole, field, value, hint
):
    data = full_dataset(rennes_metropole["id"], **{field: value})
    with pytest.raises(ValidationError) as exc:
        call_action("package_create", dict(ctx), **data)
    errors = exc.value.error_dict
    assert list(errors) == [field], errors
    assert hint in " ".join(errors[field])
    with pytest.raises(NotFound):
        call_action("package_show", dict(ctx), id=data["name"])
    assert call_action("package_list", dict(ctx)) == []


@pytest.mark.parametrize(
    "field,value",
    [
        ("conforms_to", WRONG_VERSION),
        ("temporal_resolution", "daily"),
        ("license_id", "licence-maison"),
        ("access_url", "javascript:alert(1)"),
    ],
)
def test_invalid_resource_values_are_rejected(ctx, rennes_metropole, field, value):
    data = full_dataset(rennes_metropole["id"])
    data["resources"][0][field] = value
    with pytest.raises(ValidationError) as exc:
        call_action("package_create", dict(ctx), **data)
    assert field in exc.value.error_dict["resources"][0]
    assert call_action("package_list", dict(ctx)) == []


def test_update_with_invalid_value_keeps_the_stored_dataset(ctx, rennes_metropole):
    pkg = call_action(
        "package_create", dict(ctx), **full_dataset(rennes_metropole["id"])
    )
    with pytest.raises(ValidationError):
        call_action("package_patch", dict(ctx), id=pkg["id"], themes=["inconnu"])
    assert call_action("package_show", dict(ctx), id=pkg["id"])["themes"] == [
        "administration"
    ]


def test_external_schema_url_is_kept(ctx, rennes_metropole):
    url = "https://example.org/schemas/mon-schema.json"
    data = full_dataset(rennes_metropole["id"], conforms_to=url)
    assert call_action("package_create", dict(ctx), **data)["conforms_to"] == url


def test_license_list_is_the_vocabulary(ctx):
    licences = {x["id"]: x for x in call_action("license_list", dict(ctx))}
    assert {"lov2", "fr-lo", "odc-odbl", "cc-by", "notspecified"} <= set(licences)
    assert licences["lov2"]["url"] == (
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    )
    assert "cc-nc" not in licences  # CKAN's default list is replaced


def test_identifier_is_unique_on_the_portal(ctx, rennes_metropole):
    """#13: the identifier is the feed's dct:identifier, which data.gouv.fr
    refuses twice: a second dataset cannot take it (French message), the same
    dataset keeps it on update, a deleted dataset frees it."""
    first = call_action(
        "package_create", dict(ctx), **full_dataset(rennes_metropole["id"])
    )
    other = full_dataset(
        rennes_metropole["id"], name="deliberations-bis", identifier=first["identifier"]
    )
    with pytest.raises(ValidationError) as err:
        call_action("package_create", dict(ctx), **other)
    message = err.value.error_dict["identifier"][0]
    assert "deliberations-rennes-metropole" in message  # French over HTTP: test_i18n
    call_action(
        "package_patch", dict(ctx), id=first["id"], title="Délibérations (mise à jour)"
    )
    call_action("package_delete", dict(ctx), id=first["id"])
    assert (
        call_action("package_create", dict(ctx), **other)["identifier"]
        == other["identifier"]
    )


def test_identifier_lookup_is_indexed(ctx, rennes_metropole):
    """The uniqueness check runs on every dataset write: the
    ``collectivites_schemas`` migration indexes it (2.12: package.extras,
    2.11: package_extra), so its cost does not grow with the portal."""
    from ckan import model
    from sqlalchemy import text

    from ckanext.opendata_collectivites.compat.extras import (
        package_with_extra,
        with_extra_query,
    )

    first = call_action(
        "package_create", dict(ctx), **full_dataset(rennes_metropole["id"])
    )
    assert package_with_extra("identifier", first["identifier"]) == first["name"]
    assert package_with_extra("identifier", first["identifier"], first["id"]) is None
    compiled = with_extra_query("identifier", first["identifier"]).compile(
        dialect=model.Session.bind.dialect, compile_kwargs={"literal_binds": True}
    )
    model.Session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        line for (line,) in model.Session.execute(text(f"EXPLAIN {compiled}"))
    )
    model.Session.rollback()
    assert "identifier_idx" in plan, plan
