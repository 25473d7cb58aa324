"""The collectivites_dcat_ap profile: SHACL validity, round trip, data.gouv.fr needs."""

from __future__ import annotations

import json

import pytest
from ckan import model
from ckanext.dcat.processors import RDFParser, RDFSerializer
from ckanext.dcat.profiles import DCAT, DCATAP, DCT, FOAF
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

from ckanext.opendata_collectivites.dcat.cache import feed_cache
from ckanext.opendata_collectivites.dcat.serializer import FeedSerializer

from .conftest import CHAIN, DATA, DCAT_AP_301, HVD, full_dataset, shacl

LOCN_BBOX = DCAT.bbox


def _graph(*datasets) -> Graph:
    ttl = FeedSerializer(profiles=CHAIN).serialize_page({}, list(datasets), "ttl")
    return Graph().parse(data=ttl, format="turtle")


def _round_trip(dataset: dict) -> dict:
    serializer = RDFSerializer(profiles=CHAIN)
    serializer.graph_from_dataset(dataset)
    parser = RDFParser(profiles=CHAIN)
    parser.parse(serializer.g.serialize(format="turtle"), _format="turtle")
    (parsed,) = list(parser.datasets())
    return parsed


def test_catalogue_with_every_field_validates_dcat_ap_301(collectivites):
    g = _graph(
        full_dataset(collectivites["dept"]),
        full_dataset(collectivites["rennes"], hvd=False),
    )
    conforms, violations, report = shacl(g, *DCAT_AP_301)
    assert violations == 0, report
    assert conforms, report


def test_hvd_dataset_validates_hvd_shapes(collectivites):
    g = _graph(full_dataset(collectivites["dept"]))
    conforms, violations, report = shacl(g, *HVD)
    assert violations == 0, report


def test_stock_profile_alone_does_not_validate(collectivites):
    """The defects this profile fixes: stock output fails the 3.0.1 shapes."""
    serializer = RDFSerializer(profiles=["euro_dcat_ap_3"])
    serializer.graph_from_dataset(full_dataset(collectivites["dept"]))
    conforms, violations, _ = shacl(serializer.g, *DCAT_AP_301)
    assert violations > 0


def test_vocabulary_values_are_eu_concepts_in_their_scheme(collectivites):
    d = full_dataset(collectivites["dept"])
    g = _graph(d)
    ref = URIRef(f"http://test.ckan.net/dataset/{d['id']}")
    freq = g.value(ref, DCT.accrualPeriodicity)
    assert (
        str(freq)
        == "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    )
    assert (
        freq,
        SKOS.inScheme,
        URIRef("http://publications.europa.eu/resource/authority/frequency"),
    ) in g
    rights = g.value(ref, DCT.accessRights)
    assert str(rights).endswith("/access-right/PUBLIC")
    themes = {str(t) for t in g.objects(ref, DCAT.theme)}
    assert "http://publications.europa.eu/resource/authority/data-theme/GOVE" in themes
    # EU data themes and the HVD category only: data.gouv.fr makes a tag of
    # each dcat:theme label, the portal's long labels included.
    assert not [t for t in themes if t.startswith("http://test.ckan.net/")]
    # The portal's theme: its page as dct:subject, its slug as a short keyword.
    portal = URIRef("http://test.ckan.net/themes/administration")
    assert portal in set(g.objects(ref, DCT.subject))
    assert (portal, RDF.type, SKOS.Concept) in g
    assert g.value(portal, SKOS.prefLabel).language == "fr"
    assert Literal("administration") in set(g.objects(ref, DCAT.keyword))


def test_publisher_is_the_collectivite_with_siren_and_adms_type(collectivites):
    d = full_dataset(collectivites["rennes"], hvd=False)
    g = _graph(d)
    ref = URIRef(f"http://test.ckan.net/dataset/{d['id']}")
    publisher = g.value(ref, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert str(g.value(publisher, FOAF.name)) == "Ville de Rennes"
    assert str(g.value(publisher, DCT.identifier)) == "213502388"
    assert (
        str(g.value(publisher, DCT.type))
        == "http://purl.org/adms/publishertype/LocalAuthority"
    )
    catalog = URIRef("http://test.ckan.net")
    cat_publisher = g.value(catalog, DCT.publisher)
    assert str(g.value(cat_publisher, FOAF.name)) == "Département d'Ille-et-Vilaine"
    assert str(g.value(cat_publisher, DCT.type)).endswith("/RegionalAuthority")
    assert str(g.value(catalog, DCT.language)).endswith("/language/FRA")
    assert (
        str(g.value(catalog, DCT.license))
        == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    )
    taxonomies = {str(t) for t in g.objects(catalog, DCAT.themeTaxonomy)}
    assert "http://publications.europa.eu/resource/authority/data-theme" in taxonomies


def test_hvd_properties_only_on_hvd_datasets(collectivites):
    hvd = full_dataset(collectivites["dept"])
    plain = full_dataset(collectivites["dept"], hvd=False)
    g = _graph(hvd, plain)
    eli = URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")
    hvd_ref = URIRef(f"http://test.ckan.net/dataset/{hvd['id']}")
    plain_ref = URIRef(f"http://test.ckan.net/dataset/{plain['id']}")
    assert (hvd_ref, DCATAP.applicableLegislation, eli) in g
    assert (
        str(g.value(hvd_ref, DCATAP.hvdCategory))
        == "http://data.europa.eu/bna/c_ac64a52d"
    )
    assert g.value(plain_ref, DCATAP.applicableLegislation) is None
    assert g.value(plain_ref, DCATAP.hvdCategory) is None
    for dist in g.objects(plain_ref, DCAT.distribution):
        assert g.value(dist, DCATAP.applicableLegislation) is None


def test_distributions_download_url_media_type_size(collectivites):
    d = full_dataset(collectivites["dept"])
    d["resources"].append(
        {
            "id": "page",
            "package_id": d["id"],
            "name": "Page",
            "format": "HTML",
            "url": "https://example.org/page",
        }
    )
    d["resources"].append(
        {
            "id": "copie",
            "package_id": d["id"],
            "name": "Copie CSV",
            "format": "CSV",
            "url": "https://example.org/copie.csv",
        }
    )
    g = _graph(d)
    by_title = {
        str(g.value(x, DCT.title)): x for x in g.subjects(RDF.type, DCAT.Distribution)
    }
    upload = by_title["Délibérations 2024"]
    assert str(g.value(upload, DCAT.downloadURL)) == d["resources"][0]["url"]
    assert g.value(upload, DCAT.byteSize) == Literal(
        123456, datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
    )
    assert (
        str(g.value(upload, DCAT.mediaType))
        == "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert str(g.value(upload, DCT["format"])).endswith("/file-type/CSV")
    assert str(g.value(upload, DCT.conformsTo)) == d["conforms_to"]
    linked = by_title["Délibérations (JSON)"]
    assert (
        str(g.value(linked, DCAT.downloadURL))
        == "https://example.org/deliberations.json"
    )
    assert str(g.value(linked, DCAT.accessURL)) == "https://example.org/deliberations"
    page = by_title["Page"]
    assert g.value(page, DCAT.downloadURL) is None
    assert str(g.value(page, DCAT.accessURL)) == "https://example.org/page"
    # The dataset's Table Schema, for the CSV that declares none; not for JSON
    # or a web page (data.gouv.fr reads dct:conformsTo per resource).
    assert str(g.value(by_title["Copie CSV"], DCT.conformsTo)) == d["conforms_to"]
    assert g.value(linked, DCT.conformsTo) is None
    assert g.value(page, DCT.conformsTo) is None
    # Spatial granularity: GeoDCAT-AP's property, not an invented one.
    dataset = next(g.subjects(DCAT.distribution, upload))
    geodcat = URIRef("http://data.europa.eu/930/spatialResolutionAsText")
    assert str(g.value(dataset, geodcat)) == "Communale"


# --- data.gouv.fr's DCAT harvester -------------------------------------------------


def _datagouv_licence_urls() -> set[str]:
    with open(f"{DATA}/datagouv_licenses.json", encoding="utf-8") as f:
        data = json.load(f)
    return {u for lic in data["licenses"] for u in [lic["url"], *lic["alternate_urls"]]}


def test_datagouv_identifier_licences_and_polygons(collectivites):
    datasets = [
        full_dataset(collectivites["dept"]),
        full_dataset(
            collectivites["rennes"],
            hvd=False,
            license_id="odc-odbl",
            territories=["commune:35238"],
        ),
        full_dataset(
            collectivites["rennes"],
            hvd=False,
            license_id="cc-by",
            identifier="",
            territories=["region:53", "epci:243500139"],
        ),
    ]
    g = _graph(*datasets)
    recognised = _datagouv_licence_urls()
    for d in datasets:
        ref = URIRef(f"http://test.ckan.net/dataset/{d['id']}")
        identifier = g.value(ref, DCT.identifier)
        assert identifier is not None and str(identifier).startswith("http")
        licences = {str(x) for x in g.objects(ref, DCT.license)}
        for dist in g.objects(ref, DCAT.distribution):
            licences |= {str(x) for x in g.objects(dist, DCT.license)}
        assert licences and licences <= recognised
    # An identifier is stable and ours when the dataset has none.
    assert (
        str(
            g.value(
                URIRef(f"http://test.ckan.net/dataset/{datasets[2]['id']}"),
                DCT.identifier,
            )
        )
        == f"http://test.ckan.net/dataset/{datasets[2]['id']}"
    )
    # Territories with a known shape carry a polygon literal (what udata reads).
    dept = URIRef("http://id.insee.fr/geo/departement/35")
    polygons = [o for o in g.objects(dept, LOCN_BBOX) if str(o).startswith("POLYGON")]
    assert polygons and polygons[0].datatype == URIRef(
        "http://www.opengis.net/ont/geosparql#wktLiteral"
    )
    region = URIRef("http://id.insee.fr/geo/region/53")
    assert any(str(o).startswith("POLYGON") for o in g.objects(region, LOCN_BBOX))
    # Communes: INSEE URI, name, box around the commune; no centroid (udata
    # logs "Unsupported GeoJSON type 'Point'" for every dataset that has one).
    commune = URIRef("http://id.insee.fr/geo/commune/35238")
    assert str(g.value(commune, SKOS.prefLabel)) == "Rennes"
    assert _box(g, commune) == pytest.approx((-1.753, 48.076, -1.624, 48.156))
    assert g.value(commune, DCAT.centroid) is None
    # EPCI: the portal's URI (INSEE has no code-based one), box of its communes.
    epci = URIRef("http://test.ckan.net/territoire/epci/243500139")
    assert str(g.value(epci, DCT.identifier)) == "epci:243500139"
    w, s, e, n = _box(g, epci)
    assert w < -1.753 and s < 48.076 and e > -1.624 and n > 48.156  # holds Rennes


def _box(g: Graph, node: URIRef) -> tuple[float, ...]:
    """W, S, E, N of a ``dcat:bbox`` WKT polygon."""
    (wkt,) = [str(o) for o in g.objects(node, LOCN_BBOX) if str(o).startswith("POLY")]
    points = [p.split() for p in wkt.split("((")[1].rstrip(")").split(",")]
    xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    return min(xs), min(ys), max(xs), max(ys)


# --- Round trip --------------------------------------------------------------------

DATASET_FIELDS = [
    "title",
    "notes",
    "url",
    "license_id",
    "themes",
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
    "language",
    "access_rights",
    "hvd_category",
    "identifier",
    "tags",
]
RESOURCE_FIELDS = [
    "name",
    "description",
    "format",
    "mimetype",
    "size",
    "url",
    "access_url",
    "conforms_to",
    "license_id",
    "temporal_resolution",
]


def _norm(value):
    if isinstance(value, list):
        return sorted(json.dumps(v, sort_keys=True) for v in value)
    return value


_ROUND_TRIP: dict[str, tuple[dict, dict]] = {}


@pytest.fixture
def round_trip():
    """Serialise then parse once for all the field tests (no database needed)."""
    if "done" not in _ROUND_TRIP:
        org = {"id": "no-such-org", "name": "no-such-org", "title": "Nobody"}
        original = full_dataset(org)
        _ROUND_TRIP["done"] = (original, _round_trip(original))
    return _ROUND_TRIP["done"]


@pytest.mark.parametrize("field", DATASET_FIELDS)
def test_round_trip_dataset_field(round_trip, field):
    original, parsed = round_trip
    assert original[field], field  # the fixture fills every field
    assert _norm(parsed.get(field)) == _norm(original[field])


@pytest.mark.parametrize("field", RESOURCE_FIELDS)
def test_round_trip_resource_field(round_trip, field):
    original, parsed = round_trip
    by_name = {r["name"]: r for r in parsed["resources"]}
    filled = [r for r in original["resources"] if r.get(field)]
    assert filled, field
    for resource in filled:
        assert by_name[resource["name"]].get(field) == resource[field]


def test_round_trip_leaves_no_stock_leftovers(round_trip):
    _, parsed = round_trip
    keys = {e["key"] for e in parsed.get("extras", [])}
    assert not keys & {"creator_name", "theme", "access_rights", "spatial_uri"}


# --- Per-request look-ups --------------------------------------------------------


def test_organisation_changes_show_up_in_the_next_request(collectivites):
    d = full_dataset(collectivites["rennes"], hvd=False)
    g = _graph(d)
    ref = URIRef(f"http://test.ckan.net/dataset/{d['id']}")
    assert str(g.value(g.value(ref, DCT.publisher), FOAF.name)) == "Ville de Rennes"
    group = model.Group.get(collectivites["rennes"]["id"])
    group.title = "Commune de Rennes"
    model.Session.commit()
    g2 = _graph(d)
    assert str(g2.value(g2.value(ref, DCT.publisher), FOAF.name)) == "Commune de Rennes"


def test_one_query_batch_for_the_organisations_of_a_page(collectivites):
    datasets = [
        full_dataset(collectivites[k], hvd=False) for k in ("dept", "rennes") * 10
    ]
    with feed_cache() as cache:
        FeedSerializer(profiles=CHAIN).serialize_page({}, datasets, "ttl")
        assert cache.queries == 2  # groups, then their extras


@pytest.mark.parametrize("fmt", ["rdf", "jsonld"])
def test_other_formats_hold_the_same_graph(collectivites, fmt):
    d = full_dataset(collectivites["dept"])
    ttl = Graph().parse(
        data=FeedSerializer(profiles=CHAIN).serialize_page({}, [d], "ttl"),
        format="turtle",
    )
    other = FeedSerializer(profiles=CHAIN).serialize_page({}, [d], fmt)
    g = Graph().parse(data=other, format={"rdf": "xml", "jsonld": "json-ld"}[fmt])
    assert isomorphic(ttl, g)


def test_fast_turtle_equals_rdflib_turtle(collectivites):
    """The feed's Turtle writer gives the same graph as rdflib's serializer."""
    d = full_dataset(collectivites["dept"])
    serializer = RDFSerializer(profiles=CHAIN)
    serializer.graph_from_dataset(d)
    from ckanext.opendata_collectivites.dcat.rdf import PREFIXES
    from ckanext.opendata_collectivites.dcat.turtle import TurtleWriter

    writer = TurtleWriter(PREFIXES)
    text = writer.header() + writer.graph(serializer.g)
    expected = Graph().parse(
        data=serializer.g.serialize(format="turtle"), format="turtle"
    )
    assert isomorphic(Graph().parse(data=text, format="turtle"), expected)


def test_profile_classes_are_looked_up_once_per_process(monkeypatch):
    from ckanext.dcat import processors

    FeedSerializer(profiles=CHAIN)
    calls = []
    original = processors.entry_points

    def counting(*args, **kwargs):
        calls.append(kwargs.get("name"))
        return original(*args, **kwargs)

    monkeypatch.setattr(processors, "entry_points", counting)
    serializer = FeedSerializer(profiles=CHAIN)
    assert calls == []
    assert [p.name for p in serializer._profiles] == CHAIN
    RDFSerializer(profiles=CHAIN)  # the stock serializer still scans
    assert calls == CHAIN
