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


def _box_wkt(w, s, e, n):
    return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"


def test_geometries_name_the_territory_whose_extent_they_are():
    """WKT (CRS84 or lat/lon EPSG:4326), GeoJSON and four-number boxes: a
    catalogue giving a commune's or a département's extent names it; a point
    or a shape that is no territory's extent names nothing."""
    import json

    from ckanext.opendata_collectivites.vocabularies.geometry import territory_geometry

    w, s, e, n = territory_geometry("commune:35238").bbox
    assert place(_box_wkt(w, s, e, n)) == "commune:35238"
    assert place(f"{w},{s},{e},{n}") == "commune:35238"
    crs = "<http://www.opengis.net/def/crs/EPSG/0/4326> "
    lat_lon = f"POLYGON(({s} {w},{s} {e},{n} {e},{n} {w},{s} {w}))"
    assert place(crs + lat_lon) == "commune:35238"
    dept = territory_geometry("departement:35").bbox_polygon
    assert place(json.dumps(dept)) == "departement:35"
    assert place('{"type": "Point", "coordinates": [-1.68, 48.11]}') is None
    assert place(_box_wkt(-30, 10, -29, 11)) is None  # the Atlantic
    assert (
        place(_box_wkt(w - 0.5, s - 0.5, e + 0.5, n + 0.5)) is None
    )  # no one's extent
    assert place("POLYGON((1 2,3 4))") is None  # malformed
