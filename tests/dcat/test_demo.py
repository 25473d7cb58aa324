"""The demo's collectivités and datasets, exposed by the feeds, are valid DCAT-AP 3."""

from __future__ import annotations

import pytest
from ckanext.dcat.profiles import DCAT, DCT
from rdflib import Graph
from rdflib.namespace import RDF

from .conftest import DCAT_AP_301, scdl_catalogue_errors, shacl


@pytest.fixture
def demo(clean_db, clean_index, plugins):
    from ckanext.opendata_collectivites.demo import loader
    from ckanext.opendata_collectivites.demo.steps import datasets, organizations

    loader.ensure_admin()
    ctx = loader.DemoContext()
    organizations.load(ctx)
    datasets.load(ctx)
    return ctx


def test_demo_catalogue_validates(app, demo):
    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    g = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    n = len(list(g.subjects(RDF.type, DCAT.Dataset)))
    assert n == demo.report["jeux de données"]
    for ds in g.subjects(RDF.type, DCAT.Dataset):
        assert g.value(ds, DCT.identifier) is not None
        assert g.value(ds, DCT.publisher) is not None
    conforms, violations, report = shacl(g, *DCAT_AP_301)
    assert violations == 0, report


def test_demo_collectivite_catalogues_answer(app, demo):
    for name in ("departement-ille-et-vilaine", "ville-de-rennes"):
        response = app.get(f"/organization/{name}/catalog.ttl")
        assert response.status_code == 200, name
        csv = app.get(f"/organization/{name}/catalogue.csv")
        assert csv.status_code == 200
        assert csv.get_data(as_text=True).startswith("COLL_NOM,COLL_SIRET,ID,")


def test_demo_scdl_catalogues_are_valid(app, demo):
    """The collectivités whose SIRET the demo knows publish a valid SCDL catalogue."""
    for name in ("ville-de-rennes", "rennes-metropole"):
        body = app.get(f"/organization/{name}/catalogue.csv").get_data(as_text=True)
        assert body.count("\n") > 1, name  # header and at least one dataset
        assert scdl_catalogue_errors(body) == [], name
