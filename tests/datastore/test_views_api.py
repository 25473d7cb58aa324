"""The table preview (core ``datatables_view``, created once the data is
loaded), the copyable records API example on the resource page, and the
privacy of private datasets' records."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

from . import french_csv
from .conftest import run_jobs


@pytest.fixture
def loaded(dataset, serve, queue):
    def make(name: str, **extra):
        url = serve(f"{name}.csv", french_csv.render(french_csv.rows(40)))
        pkg = dataset(name, [{"name": name, "url": url, "format": "CSV"}], **extra)
        assert run_jobs(queue) == ["complete"]
        return pkg, pkg["resources"][0]["id"]

    return make


def test_table_view_and_api_example(app, loaded):
    pkg, res_id = loaded("subventions-rennes")
    views = call_action("resource_view_list", {"ignore_auth": True}, id=res_id)
    assert [v["view_type"] for v in views] == ["datatables_view", "collectivites_chart"]

    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}", status=200)
    soup = BeautifulSoup(page.body, "html.parser")
    status = soup.select_one(".collectivites-datastore-status").get_text()
    assert " ".join(status.split()) == (
        "Données chargées : 40 lignes, consultables et téléchargeables par l'API."
    )
    assert soup.select_one("iframe, .resource-view") is not None  # the preview
    api = soup.select_one("section.collectivites-datastore-api")
    assert api.h2.get_text() == "API des données"
    url = api.select_one("code.api-url a")["href"]
    curl = api.select_one("code.api-curl").get_text()
    assert curl == f"curl '{url}'"
    assert url.startswith("http://test.ckan.net/api/3/action/datastore_search?")
    # The example answers what it says (the test app serves the site URL).
    parts = urlsplit(url)
    found = app.get(f"{parts.path}?{parts.query}").json["result"]
    assert len(found["records"]) == 5 and found["total"] == 40
    filtered = api.select_one("code.api-filter").get_text()
    assert "filters=" in filtered
    query = urlsplit(filtered.split("'")[1])
    by_filter = app.get(f"{query.path}?{query.query}").json["result"]
    assert 0 < by_filter["total"] < 40
    export = urlsplit(api.select_one("a.api-export-csv")["href"])
    lines = app.get(f"{export.path}?{export.query}").body.strip().splitlines()
    assert len(lines) == 1 + by_filter["total"]  # header + the filtered rows
    assert "Code INSEE" in lines[0]
    sql = urlsplit(api.select_one("code.api-sql").get_text().split("'")[1])
    assert len(app.get(f"{sql.path}?{sql.query}").json["result"]["records"]) == 5


def test_private_dataset_records_are_not_public(app, loaded, org):
    pkg, res_id = loaded("budget-prive", private=True)
    editor = factories.APIToken(user=org["editor"]["name"])["token"]
    outsider_user = factories.User()
    outsider = factories.APIToken(user=outsider_user["name"])["token"]
    search = "/api/3/action/datastore_search"
    sql = "/api/3/action/datastore_search_sql"
    query = {"resource_id": res_id}
    sql_query = {"sql": f'SELECT count(*) AS n FROM "{res_id}"'}

    app.get(search, query_string=query, status=403)
    app.get(search, query_string=query, headers={"Authorization": outsider}, status=403)
    app.get(sql, query_string=sql_query, status=403)
    app.get(
        sql, query_string=sql_query, headers={"Authorization": outsider}, status=403
    )
    ok = app.get(search, query_string=query, headers={"Authorization": editor})
    assert ok.json["result"]["total"] == 40
    counted = app.get(sql, query_string=sql_query, headers={"Authorization": editor})
    assert counted.json["result"]["records"] == [{"n": 40}]
    # Nor the load status, nor the page (and its preview).
    status_api = "/api/3/action/collectivites_datastore_status"
    app.get(status_api, query_string={"id": res_id}, status=403)
    app.get(
        status_api,
        query_string={"id": res_id},
        headers={"Authorization": outsider},
        status=403,
    )

    app.get(
        f"/dataset/{pkg['name']}/resource/{res_id}",
        headers={"Authorization": outsider},
        status=404,
    )


def test_editors_can_load_again_others_cannot(app, dataset, serve, queue, org):
    """A fixed remote file (same URL) is loaded again on an editor's request;
    the button is only shown to editors, the action refuses the others."""
    url = serve("corrige.csv", b"")
    pkg = dataset("fichier-corrige", [{"name": "f", "url": url, "format": "CSV"}])
    res_id = pkg["resources"][0]["id"]
    assert run_jobs(queue) == ["error"]
    serve("corrige.csv", b"code;nom\n01004;Amb\xe9rieu-en-Bugey\n")

    page_url = f"/dataset/{pkg['name']}/resource/{res_id}"
    editor = factories.APIToken(user=org["editor"]["name"])["token"]
    outsider = factories.APIToken(user=factories.User()["name"])["token"]
    button = "button.collectivites-datastore-reload"
    anonymous_page = BeautifulSoup(app.get(page_url).body, "html.parser")
    assert anonymous_page.select_one(button) is None
    editor_page = app.get(page_url, headers={"Authorization": editor}).body
    form = (
        BeautifulSoup(editor_page, "html.parser").select_one(button).find_parent("form")
    )
    assert form.find("button").get_text() == "Recharger les données"

    app.post(form["action"], headers={"Authorization": outsider}, status=403)
    api = "/api/3/action/collectivites_datastore_status"
    assert app.get(api, query_string={"id": res_id}).json["result"]["state"] == "error"
    app.post(form["action"], headers={"Authorization": editor}, status=200)
    assert app.get(api, query_string={"id": res_id}).json["result"]["state"] == (
        "pending"
    )
    assert run_jobs(queue) == ["complete"]
    shown = app.get(api, query_string={"id": res_id}).json["result"]
    assert shown["state"] == "complete" and shown["rows"] == 1
    assert shown["message"].startswith("Données chargées : 1 ligne,")
