"""#12 defect 5: honest coverage. No territory is asserted when the source
names none (unless the source configuration says so); udata zone ids, INSEE
and GeoNames URIs are understood; ``issued`` stays empty when unknown."""

from __future__ import annotations

import pytest

from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError
from ckanext.opendata_collectivites.harvest.mapper import Owner, map_record, place
from ckanext.opendata_collectivites.harvest.record import Record

OWNER = Owner("org-id", "ville-de-rennes", "Ville de Rennes", "commune:35238")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("country:fr", "pays:FR"),
        ("fr:commune:35238", "commune:35238"),
        ("fr:commune:35238@1942-01-01", "commune:35238"),
        ("fr:departement:35", "departement:35"),
        ("fr:region:53", "region:53"),
        ("fr:epci:243500139", "epci:243500139"),
        ("http://id.insee.fr/geo/commune/35238", "commune:35238"),
        ("https://rdf.insee.fr/geo/departement/29", "departement:29"),
        ("http://id.insee.fr/geo/pays/france", "pays:FR"),
        ("http://sws.geonames.org/3017382/", "pays:FR"),
        ("Saint-Malo", "commune:35288"),
        ("country:es", None),
        ("http://sws.geonames.org/2510769/", None),  # Spain
        ("POLYGON((-1.7 48.1,-1.6 48.1,-1.6 48.2,-1.7 48.1))", None),
        ("Nulle-Part", None),
    ],
)
def test_places_are_read_from_their_identifiers(value, expected):
    assert place(value) == expected


def record(**fields) -> Record:
    return Record(guid="g", title="Registre national", platform="udata", **fields)


def test_no_territory_and_no_issued_when_the_source_gives_none():
    data = map_record(record(), "src", OWNER, SourceConfig()).dataset
    assert data["territories"] == []
    assert "issued" not in data
    national = map_record(record(spatial=["country:fr"]), "src", OWNER, SourceConfig())
    assert national.dataset["territories"] == ["pays:FR"]


def test_owner_territory_only_when_the_source_config_says_so():
    conf = SourceConfig.parse('{"default_territories": ["owner"]}')
    assert map_record(record(), "src", OWNER, conf).dataset["territories"] == [
        "commune:35238"
    ]
    conf = SourceConfig.parse('{"default_territories": ["departement:35"]}')
    assert map_record(record(), "src", OWNER, conf).dataset["territories"] == [
        "departement:35"
    ]
    # The record's own places win over the defaults.
    spain = map_record(record(spatial=["fr:region:53"]), "src", OWNER, conf)
    assert spain.dataset["territories"] == ["region:53"]
    with pytest.raises(HarvestError) as err:
        SourceConfig.parse('{"default_territories": ["commune:99999"]}')
    assert "commune:99999" in err.value.message()


def test_unrecognised_places_beside_known_ones_are_reported():
    mapping = map_record(
        record(spatial=["fr:commune:35238", "Quartier Nord"]),
        "src",
        OWNER,
        SourceConfig(),
    )
    assert mapping.dataset["territories"] == ["commune:35238"]
    assert (
        "Place not recognised as a territory: %(value)s.",
        {"value": "Quartier Nord"},
    ) in mapping.notes
