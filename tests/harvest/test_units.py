"""Pure units: source configuration, mapper helpers, detection order."""

from __future__ import annotations

import json

import pytest

from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError
from ckanext.opendata_collectivites.harvest.mapper import (
    Owner,
    clean_tag,
    iso_date,
    local_id,
    local_name,
    map_record,
)
from ckanext.opendata_collectivites.harvest.record import Record


def test_config_accepts_every_documented_option():
    conf = SourceConfig.parse(
        json.dumps(
            {
                "platform": "ods",
                "remote_organization": "ville",
                "refine": "theme:Environnement",
                "default_themes": ["environnement"],
                "default_keywords": ["commune"],
                "licence": "lov2",
                "theme_overrides": {"Vie scolaire": "education-recherche"},
                "grace_days": 2.5,
            }
        )
    )
    assert conf.platform == "ods" and conf.refine == ["theme:Environnement"]
    assert conf.grace_days == 2.5 and conf.theme_overrides["Vie scolaire"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("{", "n'est pas du JSON valide"),
        ("[]", "doit être un objet JSON"),
        ('{"grace": 1}', "Clés de configuration inconnues : grace"),
        ('{"platform": "socrata"}', "Plateforme inconnue « socrata »"),
        ('{"grace_days": -1}', "grace_days doit être un nombre de jours"),
        ('{"default_themes": ["inconnu"]}', "Thème du portail inconnu « inconnu »"),
        ('{"theme_overrides": {"x": 1}}', "theme_overrides doit associer"),
    ],
)
def test_config_errors_are_french_and_actionable(text, expected):
    with pytest.raises(HarvestError) as err:
        SourceConfig.parse(text)
    assert expected in err.value.message("fr")


def test_clean_tag_keeps_the_french_label():
    assert clean_tag("qualité de l’air") == "qualité de l air"
    assert clean_tag("PLU/PLUi") == "PLU-PLUi"
    assert clean_tag("Élections (2024) !") == "Élections 2024"
    assert len(clean_tag("x" * 300)) == 100


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-05-06T15:15:18+00:00", "2024-05-06"),
        ("2024-05-06", "2024-05-06"),
        ("06/05/2024", "2024-05-06"),
        ("2024", "2024-01-01"),
        ("31/09/2024", ""),
        ("demain", ""),
        ("", ""),
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_local_identity_depends_on_source_and_remote_id():
    assert local_id("s1", "da_1") == local_id("s1", "da_1")
    assert local_id("s1", "da_1") != local_id("s2", "da_1")
    assert local_name("s1", "da_1", "Bureaux de vote").startswith("bureaux-de-vote-")
    assert local_name("s1", "da_1", "x") != local_name("s2", "da_1", "x")


def test_mapping_defaults_and_overrides():
    record = Record(
        guid="g",
        title="Menus",
        platform="ods",
        themes=["Vie scolaire"],
        keywords=["cantine"],
        licence="Licence inconnue",
        spatial=["Nulle-Part"],
    )
    owner = Owner("org-id", "ville-de-rennes", "Ville de Rennes", "commune:35238")
    conf = SourceConfig.parse(
        '{"theme_overrides": {"vie scolaire": "education-recherche"},'
        ' "default_keywords": ["rennes"], "licence": "odc-odbl"}'
    )
    mapping = map_record(record, "src", owner, conf)
    data = mapping.dataset
    assert data["themes"] == ["education-recherche"]
    assert [t["name"] for t in data["tags"]] == ["cantine", "rennes"]
    assert data["license_id"] == "odc-odbl"  # source default
    assert data["territories"] == []  # never the owner's by default (#12)
    assert (
        data["notes"] == "Aucune description n'est fournie par le catalogue d'origine."
    )
    assert ("Licence not recognised: %(value)s.", {"value": "Licence inconnue"}) in (
        mapping.notes
    )


def test_record_serialisation_is_dataclasses_asdict():
    """The record's JSON and fingerprint read its fields like
    ``dataclasses.asdict`` (fingerprints stored by earlier runs stay valid)."""
    from dataclasses import asdict

    from ckanext.opendata_collectivites.harvest.record import Resource

    record = Record(
        guid="jeu-1",
        title="  Équipements sportifs ",
        platform="ods",
        keywords=[" sport", "équipement "],
        resources=[Resource(url="https://exemple.fr/a.csv", name=" Données ")],
    )
    assert json.loads(record.to_json()) == json.loads(
        json.dumps(asdict(record), ensure_ascii=False)
    )
    assert Record.from_json(record.to_json()) == record
    normalised = record.normalised()
    assert normalised["title"] == "Équipements sportifs"
    assert normalised["keywords"] == ["sport", "équipement"]
    assert normalised["resources"][0]["name"] == "Données"


def test_udata_granularities_and_unknown_places_are_kept_or_reported():
    """udata's granularities (``poi``, ``fr:iris``, ``country``, ``other``) are
    the vocabulary's synonyms; a place or a granularity that matches nothing
    is reported, even when no place at all is recognised (#12)."""
    owner = Owner("org-id", "ville-de-rennes", "Ville de Rennes", "commune:35238")
    conf = SourceConfig.parse("{}")

    def mapped(granularity: str, spatial: list[str]):
        record = Record(
            guid="g",
            title="T",
            platform="udata",
            spatial=spatial,
            spatial_granularity=granularity,
        )
        return map_record(record, "src", owner, conf)

    for value, code in (
        ("poi", "infracommunale"),
        ("fr:iris", "infracommunale"),
        ("country", "autre"),
        ("other", "autre"),
        ("fr:departement", "departementale"),
    ):
        assert mapped(value, []).dataset["spatial_granularity"] == code, value
    unknown = mapped("fr:planete", ["country-subset:fr:metro"])
    assert "spatial_granularity" not in unknown.dataset
    assert unknown.dataset["territories"] == []
    assert (
        "Spatial granularity not recognised: %(value)s.",
        {"value": "fr:planete"},
    ) in unknown.notes
    assert (
        "Place not recognised as a territory: %(value)s.",
        {"value": "country-subset:fr:metro"},
    ) in unknown.notes
    assert mapped("", ["country:fr"]).notes == []


def test_udata_record_refuses_an_unfollowed_resources_link():
    """An API v2 ``resources`` link object is never read as an empty list."""
    from ckanext.opendata_collectivites.harvest.adapters.udata import UdataAdapter

    link = {"rel": "subsection", "href": "https://x/api/2/datasets/1/resources/"}
    with pytest.raises(ValueError, match="link object"):
        UdataAdapter().to_record({"id": "1", "title": "T", "resources": link})
