"""Hostile sources end to end: each ends in a clear French error on the job
and leaves the datasets already harvested from that source untouched."""

from __future__ import annotations

import pytest
from ckan import model
from ckanext.harvest.model import HarvestSource

from tests.harvest import payloads as P
from tests.harvest.conftest import datasets_of, harvest
from tests.harvest.hostile import HostileServer

LIMITS = [
    ("ckanext.collectivites.harvest.retries", "0"),
    ("ckanext.collectivites.harvest.read_timeout", "0.5"),
    ("ckanext.collectivites.harvest.deadline", "3"),
    ("ckanext.collectivites.harvest.max_bytes", "1048576"),
]


@pytest.fixture(scope="module")
def hostile():
    srv = HostileServer()
    yield srv
    srv.stop()


def snapshot(org):
    return {d["id"]: (d["metadata_modified"], d["state"]) for d in datasets_of(org)}


def point_source_to(src, url, config=None):
    """The remote behind the source changes (same source, same datasets)."""
    values = {"url": url}
    if config is not None:
        values["config"] = config
    model.Session.query(HarvestSource).filter_by(id=src["id"]).update(values)
    model.Session.commit()


CASES = [
    # (path on the hostile server, forced platform, expected French words)
    ("/badjson/", '{"platform": "ods", "grace_days": 0}', "n'est pas du JSON valide"),
    ("/bad.ttl", '{"platform": "dcat", "grace_days": 0}', "Le RDF de"),
    (
        "/bad.csv",
        '{"platform": "scdl", "grace_days": 0}',
        "n'est pas un catalogue SCDL",
    ),
    ("/bomb.rdf", '{"platform": "dcat", "grace_days": 0}', "XML refusé"),
    ("/endless", '{"platform": "dcat", "grace_days": 0}', "dépasse la taille maximale"),
    ("/huge", '{"platform": "dcat", "grace_days": 0}', "trop volumineuse"),
    ("/slow", '{"platform": "dcat", "grace_days": 0}', "indisponible"),
    ("/loop-a", '{"platform": "dcat", "grace_days": 0}', "Boucle de redirections"),
    ("/loop/", '{"platform": "ods", "grace_days": 0}', "renvoie sans fin la même page"),
]


@pytest.mark.parametrize("path,config,expected", CASES)
@pytest.mark.ckan_config(*LIMITS[0])
@pytest.mark.ckan_config(*LIMITS[1])
@pytest.mark.ckan_config(*LIMITS[2])
@pytest.mark.ckan_config(*LIMITS[3])
def test_hostile_source_fails_cleanly(
    server, hostile, commune, source, path, config, expected
):
    org = commune("ville-de-rennes")
    src = source(server.mount("rennes", P.ods("rennes")), org, {"grace_days": 0})
    assert harvest(src).counts["added"] == 4
    before = snapshot(org)
    point_source_to(src, hostile.url(path), config)
    summary = harvest(src)
    assert not summary.ok
    assert expected in summary.gather_errors[0], summary.gather_errors
    assert snapshot(org) == before


@pytest.mark.ckan_config(*LIMITS[0])
def test_redirect_to_a_refused_address(server, hostile, commune, source):
    target = HostileServer("127.0.0.2")
    try:
        org = commune("ville-de-rennes")
        src = source(server.mount("rennes", P.ods("rennes")), org, {"grace_days": 0})
        harvest(src)
        before = snapshot(org)
        hostile.redirect_target = target.url("/catalog.ttl")
        point_source_to(src, hostile.url("/redirect-away"), '{"platform": "dcat"}')
        summary = harvest(src)
        assert "Adresse refusée : 127.0.0.2" in summary.gather_errors[0]
        assert target.requests == []
        assert snapshot(org) == before
    finally:
        target.stop()


@pytest.mark.ckan_config("ckanext.collectivites.harvest.allowed_hosts", "")
def test_loopback_source_without_permission_sends_no_request(server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.mount("rennes", P.ods("rennes")), org)
    summary = harvest(src)
    assert not summary.ok
    assert "Adresse refusée" in summary.gather_errors[0]
    assert "allowed_hosts" in summary.gather_errors[0]
    assert server.requests == []
    assert datasets_of(org) == []


def test_malformed_record_is_an_error_on_that_object_only(server, commune, source):
    org = commune("ville-de-rennes")
    catalogue = P.ods("rennes")
    catalogue.datasets[1]["metas"]["default"]["title"] = None  # no title
    catalogue.datasets[2]["metas"] = "cassé"  # not an object
    summary = harvest(source(server.mount("rennes", catalogue), org))
    assert summary.ok
    assert summary.counts["added"] == 2 and summary.counts["errors"] == 2
    assert (
        sum(
            "Jeu de données Opendatasoft" in e and "mal formé" in e
            for e in summary.object_errors
        )
        == 2
    )
    assert len(datasets_of(org)) == 2
