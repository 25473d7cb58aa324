"""Pages that CKAN builds from package_search, served by the engine."""

from __future__ import annotations

import ckan.tests.factories as factories

from tests.search.marks import CORE_PAGE_PLUGINS, search_marks

pytestmark = search_marks(CORE_PAGE_PLUGINS)


def test_dataset_page_hides_private_from_anonymous(app):
    org = factories.Organization()
    factories.Dataset(name="public-data", title="Registre public", owner_org=org["id"])
    factories.Dataset(
        name="private-data", title="Registre privé", owner_org=org["id"], private=True
    )
    body = app.get("/dataset/?q=registre").body
    assert "/dataset/public-data" in body and "/dataset/private-data" not in body


def test_dataset_page_facets_and_syntax_error(app):
    org = factories.Organization(title="Ville de Rennes")
    factories.Dataset(
        title="Pistes cyclables",
        owner_org=org["id"],
        tags=[{"name": "vélo"}],
        resources=[{"url": "http://x/a.csv", "format": "CSV"}],
    )
    body = app.get("/dataset/?tags=vélo").body
    assert "Pistes cyclables" in body and "Ville de Rennes" in body and "CSV" in body
    response = app.get("/dataset/?q=--included")
    assert response.status_code == 200 and "search-error" in response.body
