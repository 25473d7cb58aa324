"""#16: the activity stream's filter names the activity types in the page's
language, and still filters (htmx on CKAN 2.12, its JS module on 2.11)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from ckan.lib.helpers import ckan_version
from ckan.tests import factories


def _options(app, path: str, token: str) -> list:
    body = app.get(path, headers={"Authorization": token}).body
    return BeautifulSoup(body, "html.parser").select(
        "#activity_types_filter_select option"
    )


def test_activity_types_are_translated_and_filter(app, portal):
    admin = factories.SysadminWithToken()
    org = portal.org("ville-de-rennes")
    ds = portal.dataset(org, ["environnement"], ["air"])
    path = f"/dataset/activity/{ds['name']}"
    french = {o.get_text(strip=True) for o in _options(app, path, admin["token"])}
    assert {"Nouveau jeu de données", "Jeu de données modifié"} <= french
    english = {
        o.get_text(strip=True) for o in _options(app, "/en" + path, admin["token"])
    }
    assert {"New Package", "Changed Package"} <= english
    attr = "data-url" if ckan_version().startswith("2.11") else "hx-get"
    urls = [o.get(attr) for o in _options(app, path, admin["token"])]
    assert urls[0].endswith(path) and any("activity_type=new" in u for u in urls[1:])
