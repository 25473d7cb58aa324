"""Search-dependent behaviour of ckanext-dcat and ckanext-harvest on the engine."""

from __future__ import annotations

import datetime as dt

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from tests.search.marks import search_marks

pytestmark = search_marks(
    "collectivites_search scheming_datasets scheming_organizations harvest "
    "dcat dcat_rdf_harvester"
)


def test_dcat_catalog_modified_since_and_q(app):
    old = factories.Dataset(title="Ancien registre")
    new = factories.Dataset(title="Nouveau registre")
    pkg = helpers.call_action("package_show", id=new["id"])
    since = pkg["metadata_modified"]
    body = app.get("/catalog.ttl", query_string={"modified_since": since}).body
    assert new["name"] in body and old["name"] not in body
    body = app.get("/catalog.ttl", query_string={"q": "ancien"}).body
    assert old["name"] in body and new["name"] not in body
    response = app.get("/catalog.ttl", query_string={"modified_since": "pas une date"},
                       status=None)
    assert response.status_code in (400, 409)
    tomorrow = (dt.datetime.utcnow() + dt.timedelta(days=1)).isoformat()
    body = app.get("/catalog.ttl", query_string={"modified_since": tomorrow}).body
    assert new["name"] not in body


def test_harvest_sources_are_listed_and_counted(app):
    sysadmin = factories.Sysadmin()
    helpers.call_action(
        "harvest_source_create",
        context={"user": sysadmin["name"]},
        name="catalogue-rennes",
        title="Catalogue de Rennes",
        url="http://127.0.0.1:1/catalog.ttl",
        source_type="dcat_rdf",
    )
    body = app.get("/harvest").body
    assert "Catalogue de Rennes" in body
    result = helpers.call_action("package_search", fq="+dataset_type:harvest")
    assert result["count"] == 1
    assert helpers.call_action("package_search")["count"] == 0  # hidden by harvest
