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


def test_dataset_page_counts_from_partition_counts(app, monkeypatch):
    """The default listing (anonymous and member) reads the maintained counts,
    not the hits; a filter on a facet value counts over the hits."""
    from ckanext.opendata_collectivites.search import querying, terms

    org = factories.Organization()
    factories.Dataset(title="Budget", owner_org=org["id"], tags=[{"name": "budget"}])
    factories.Dataset(title="Privé", owner_org=org["id"], private=True)
    user = factories.User()
    count_sql: list[str] = []
    run = querying.facet_counts_sql
    monkeypatch.setattr(
        querying,
        "facet_counts_sql",
        lambda *args: count_sql.append(run(*args)) or count_sql[-1],
    )
    assert "budget" in app.get("/dataset/").body
    member = {"Authorization": factories.APIToken(user=user["name"])["token"]}
    app.get("/dataset/", headers=member)
    app.get("/dataset/?tags=budget")
    assert [terms.COUNT_TABLE in sql for sql in count_sql] == [True, True, False]
