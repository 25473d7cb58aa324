"""Resource checksums as data.gouv.fr's harvester reads them (udata 17.18.0).

udata is not installed in the project's virtualenv (its dependencies are not
CKAN's): ``scripts/datagouv_check.sh`` runs udata's ``DcatBackend`` itself on
a served feed. These tests pin the feed properties it needs; each cites the
udata line that reads them (files of the udata 17.18.0 wheel on PyPI).
"""

from __future__ import annotations

import hashlib

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckanext.dcat.processors import RDFParser, RDFSerializer
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, XSD

from ckanext.opendata_collectivites.dcat.rdf import DCAT, SPDX
from ckanext.opendata_collectivites.dcat.serializer import FeedSerializer

from .conftest import CHAIN, DCAT_AP_301, full_dataset, shacl

SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
MD5 = "http://spdx.org/rdf/terms#checksumAlgorithm_md5"
DIGEST = hashlib.sha256(b"COLL_NOM;DELIB_ID\n").hexdigest()
UDATA_AGENT = "uData/0.1 dcat"  # udata/harvest/backends/base.py:179


def _graph(dataset: dict) -> Graph:
    ttl = FeedSerializer(profiles=CHAIN).serialize_page({}, [dataset], "ttl")
    return Graph().parse(data=ttl, format="turtle")


def _with_hash(org: dict, **fields: str) -> dict:
    d = full_dataset(org, hvd=False)
    d["resources"][0].update(fields)
    return d


def _checksum(g: Graph, dataset: dict) -> tuple[URIRef | None, object]:
    """(algorithm, digest literal) of the first resource's distribution."""
    dist = next(g.subjects(DCAT.downloadURL, URIRef(dataset["resources"][0]["url"])))
    node = g.value(dist, SPDX.checksum)
    if node is None:
        return None, None
    return g.value(node, SPDX.algorithm), g.value(node, SPDX.checksumValue)


def test_checksum_has_its_algorithm_and_validates_dcat_ap_301(collectivites):
    d = _with_hash(collectivites["rennes"], hash=DIGEST, hash_algorithm=SHA256)
    g = _graph(d)
    algorithm, value = _checksum(g, d)
    # udata: core/dataset/rdf.py:909-914 maps the algorithm URI to "sha256".
    assert algorithm == URIRef(SHA256)
    assert (algorithm, RDF.type, SPDX.ChecksumAlgorithm) in g
    # DCAT-AP 3.0.1 (spdx:ChecksumShape): lower-case hex typed xsd:hexBinary.
    assert str(value) == DIGEST and value.datatype == XSD.hexBinary
    _, violations, report = shacl(g, *DCAT_AP_301)
    assert violations == 0, report


def test_checksum_without_algorithm_is_not_emitted(collectivites):
    """udata reads ``checksum.value(SPDX.algorithm).identifier``
    (core/dataset/rdf.py:909): without an algorithm that raises and
    data.gouv.fr rejects the whole dataset; DCAT-AP requires one too."""
    d = _with_hash(collectivites["rennes"], hash=DIGEST)
    g = _graph(d)
    assert _checksum(g, d) == (None, None)
    assert not list(g.triples((None, SPDX.checksum, None)))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"hash": f"sha256:{DIGEST.upper()}"}, (SHA256, DIGEST)),
        ({"hash": DIGEST, "hash_algorithm": "SHA-256"}, (SHA256, DIGEST)),
        (
            {"hash": "0cc175b9c0f1b6a8", "hash_algorithm": "md5"},
            (MD5, "0cc175b9c0f1b6a8"),
        ),
        ({"hash": "not hex", "hash_algorithm": SHA256}, None),
        ({"hash": "abc", "hash_algorithm": SHA256}, None),  # odd length
        ({"hash": DIGEST, "hash_algorithm": "sha 256; drop"}, None),
    ],
)
def test_digest_and_algorithm_spellings(collectivites, fields, expected):
    d = _with_hash(collectivites["rennes"], **fields)
    algorithm, value = _checksum(_graph(d), d)
    if expected is None:
        assert algorithm is None and value is None
    else:
        assert (str(algorithm), str(value)) == expected


def test_checksum_round_trips_to_ckan_hash_fields(collectivites):
    d = _with_hash(collectivites["rennes"], hash=DIGEST, hash_algorithm=SHA256)
    serializer = RDFSerializer(profiles=CHAIN)
    serializer.graph_from_dataset(d)
    parser = RDFParser(profiles=CHAIN)
    parser.parse(serializer.g.serialize(format="turtle"), _format="turtle")
    (parsed,) = list(parser.datasets())
    resource = {r["name"]: r for r in parsed["resources"]}["Délibérations 2024"]
    assert (resource["hash"], resource["hash_algorithm"]) == (DIGEST, SHA256)


def test_udata_harvester_gets_the_digest_as_a_string(app, collectivites, clean_index):
    """udata stores ``rdf_value(checksum, SPDX.checksumValue)``
    (core/dataset/rdf.py:913), i.e. ``Literal.toPython()`` (rdf.py:256): bytes
    for an ``xsd:hexBinary`` literal, which its ``StringField``
    (core/dataset/models.py:381) refuses, rejecting the whole dataset
    ("checksum.value.StringField only accepts string values"). Its harvester
    gets a plain literal; everyone else the DCAT-AP typed one."""
    user = factories.Sysadmin()
    org = collectivites["rennes"]
    tk.get_action("package_create")(
        {"user": user["name"], "ignore_auth": True},
        {
            "name": "deliberations-checksum",
            "title": "Délibérations",
            "notes": "Délibérations adoptées.",
            "owner_org": org["id"],
            "license_id": "lov2",
            "resources": [
                {
                    "name": "Délibérations 2024",
                    "url": "https://example.org/deliberations-2024.csv",
                    "format": "CSV",
                    "hash": DIGEST,
                    "hash_algorithm": SHA256,
                }
            ],
        },
    )
    url = f"/organization/{org['name']}/catalog.ttl"

    def digest(headers: dict[str, str]):
        response = app.get(url, headers=headers)
        assert response.status_code == 200
        assert "User-Agent" in response.headers["Vary"]
        g = Graph().parse(data=response.get_data(as_text=True), format="turtle")
        (node,) = g.objects(None, SPDX.checksum)
        assert g.value(node, SPDX.algorithm) == URIRef(SHA256)
        return g.value(node, SPDX.checksumValue)

    for_udata = digest({"User-Agent": UDATA_AGENT})
    assert for_udata.datatype is None
    assert for_udata.toPython() == DIGEST  # a str: what udata's StringField takes
    for_others = digest({"User-Agent": "Mozilla/5.0"})
    assert for_others.datatype == XSD.hexBinary
    assert isinstance(for_others.toPython(), bytes)  # what udata would refuse
