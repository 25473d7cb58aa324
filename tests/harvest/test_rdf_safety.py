"""#12 defect 1: no request leaves outside the harvester's HTTP client, not
even what a parser would fetch by itself (JSON-LD contexts, ``@import``,
XML entities, ``owl:imports``). Real local servers: the portal's catalogue on
127.0.0.1 (allowed by test.ini), a second server on 127.0.0.2 (not allowed)
that records every request it receives."""

from __future__ import annotations

import json

import pytest

from ckanext.opendata_collectivites.harvest import rdf
from ckanext.opendata_collectivites.harvest.errors import HarvestError
from ckanext.opendata_collectivites.harvest.http import (
    USER_AGENT,
    AddressPolicy,
    HttpClient,
    Limits,
)
from tests.harvest.conftest import by_title, datasets_of, harvest
from tests.harvest.payloads import FIXTURES
from tests.harvest.servers import RecordingServer

JSONLD = "application/ld+json"
CONTEXT = {
    "@context": {
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "Dataset": "dcat:Dataset",
        "title": "dct:title",
        "keyword": "dcat:keyword",
        "identifier": "dct:identifier",
    }
}


def catalogue(context: object) -> bytes:
    return json.dumps(
        {
            "@context": context,
            "@graph": [
                {
                    "@id": "https://data.example.fr/d/arbres",
                    "@type": "Dataset",
                    "title": "Arbres remarquables",
                    "keyword": ["arbres"],
                }
            ],
        }
    ).encode()


@pytest.fixture
def portal():
    server = RecordingServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture
def elsewhere():
    """A host the address policy refuses (127.0.0.2 is not in allowed_hosts)."""
    server = RecordingServer("127.0.0.2")
    server.files["/context.jsonld"] = (JSONLD, json.dumps(CONTEXT).encode())
    yield server
    server.stop()


def client() -> HttpClient:
    limits = Limits(retries=0, read_timeout=2, deadline=5)
    return HttpClient(AddressPolicy.from_strings(["127.0.0.1"]), limits)


def test_remote_context_on_a_refused_address_is_never_requested(
    portal, elsewhere, commune, source
):
    portal.files["/catalog.jsonld"] = (
        JSONLD,
        catalogue(elsewhere.url("/context.jsonld")),
    )
    org = commune("ville-de-rennes")
    summary = harvest(source(portal.url("/catalog.jsonld"), org, {"platform": "dcat"}))
    assert elsewhere.requests == []  # rdflib did not fetch it by itself
    assert not summary.ok
    (message,) = summary.gather_errors
    assert "Le contexte JSON-LD" in message and "ne peut pas être lu" in message
    assert "Adresse refusée : 127.0.0.2" in message
    assert datasets_of(org) == []


def test_remote_context_on_an_allowed_address_is_read_through_the_client(
    portal, commune, source
):
    portal.files["/context.jsonld"] = (JSONLD, json.dumps(CONTEXT).encode())
    portal.files["/catalog.jsonld"] = (JSONLD, catalogue("/context.jsonld"))
    org = commune("ville-de-rennes")
    summary = harvest(source(portal.url("/catalog.jsonld"), org, {"platform": "dcat"}))
    assert summary.ok, summary.gather_errors
    assert list(by_title(datasets_of(org))) == ["Arbres remarquables"]
    fetched = [ua for path, ua in portal.requests if path == "/context.jsonld"]
    assert fetched and set(fetched) == {USER_AGENT}  # our client, not urllib


def test_shipped_context_covers_an_unreachable_dcat_us_context(portal, commune, source):
    """DCAT-US data.json (ArcGIS Hub, Socrata): its @context URL is not fetched
    (no internet here), the shipped copy is used; blank-node datasets get
    their identity from dct:identifier; a second run writes nothing."""
    body = (FIXTURES / "dcat" / "arm-dcat-us.data.json").read_bytes()
    assert b'"@context": "https://project-open-data.cio.gov/' in body
    portal.files["/data.json"] = ("application/json", body)
    org = commune("ville-de-rennes")
    src = source(portal.url("/data.json"), org, {"platform": "dcat"})
    first = harvest(src)
    assert first.ok, first.gather_errors
    assert first.counts["added"] == 3
    found = by_title(datasets_of(org))
    avhrr = found["AVHRR: albedo and brightness temp., NOAA-12 Satellite"]
    assert avhrr["contact_email"] == "adc@arm.gov"
    assert "satellite" in {t["name"] for t in avhrr["tags"]}
    assert [r["format"] for r in avhrr["resources"]] == ["hdfjpg"]
    assert portal.paths() == ["/data.json"]
    second = harvest(src)
    assert second.counts["added"] == second.counts["updated"] == 0
    assert second.counts["unchanged"] == 3


def _response(server: RecordingServer, path: str) -> object:
    return client().get(server.url(path))


def test_import_and_scoped_contexts_are_resolved_here(portal, elsewhere):
    """``@import`` and a term's scoped context naming the refused host."""
    remote = elsewhere.url("/context.jsonld")
    for context in (
        {"@import": remote, "name": "http://xmlns.com/foaf/0.1/name"},
        {
            "publisher": {
                "@id": "http://purl.org/dc/terms/publisher",
                "@context": remote,
            }
        },
        [CONTEXT["@context"], remote],
    ):
        portal.files["/doc.jsonld"] = (JSONLD, catalogue(context))
        with pytest.raises(HarvestError) as err:
            rdf.parse(_response(portal, "/doc.jsonld"), client())
        assert "127.0.0.2" in err.value.message()
    assert elsewhere.requests == []


def test_context_documents_are_checked(portal):
    portal.files["/self.jsonld"] = (
        JSONLD,
        json.dumps({"@context": "/self.jsonld"}).encode(),
    )
    portal.files["/plain.json"] = (JSONLD, b'{"title": "no context here"}')
    portal.files["/a.jsonld"] = (JSONLD, catalogue("/self.jsonld"))
    portal.files["/b.jsonld"] = (JSONLD, catalogue("/plain.json"))
    with pytest.raises(HarvestError) as err:
        rdf.parse(_response(portal, "/a.jsonld"), client())
    assert "s'inclut lui-même" in err.value.message()
    with pytest.raises(HarvestError) as err:
        rdf.parse(_response(portal, "/b.jsonld"), client())
    assert "n'est pas un document de contexte JSON-LD" in err.value.message()


def test_shipped_schema_org_context_is_used_without_a_request(portal):
    portal.files["/so.jsonld"] = (
        JSONLD,
        json.dumps(
            {
                "@context": "https://schema.org/",
                "@type": "Dataset",
                "@id": "https://data.example.fr/d/1",
                "name": "Piscines",
                "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            }
        ).encode(),
    )
    graph = rdf.parse(_response(portal, "/so.jsonld"), client())
    triples = {(str(p), str(o)) for _, p, o in graph}
    assert ("http://schema.org/name", "Piscines") in triples
    assert portal.paths() == ["/so.jsonld"]


def test_owl_imports_and_xml_entities_are_never_followed(portal, elsewhere):
    remote = elsewhere.url("/context.jsonld")
    portal.files["/imports.ttl"] = (
        "text/turtle",
        f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix dcat: <http://www.w3.org/ns/dcat#> .
        <https://data.example.fr/catalog> a dcat:Catalog ; owl:imports <{remote}> .
        """.encode(),
    )
    graph = rdf.parse(_response(portal, "/imports.ttl"), client())
    assert len(graph) == 2
    portal.files["/entity.rdf"] = (
        "application/rdf+xml",
        f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{remote}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://data.example.fr/d"><dct:title>&ext;</dct:title>
  </rdf:Description>
</rdf:RDF>""".encode(),
    )
    with pytest.raises(HarvestError) as err:
        rdf.parse(_response(portal, "/entity.rdf"), client())
    assert "XML refusé" in err.value.message()
    assert elsewhere.requests == []
