"""#16 details a citizen reads: the resource page shows the portal's fields
in French, sizes and durations in words, no raw CKAN rows; dates on the
dataset page are written out; English pages give themes their English
labels."""

from __future__ import annotations

from bs4 import BeautifulSoup
from ckan.tests.helpers import call_action

from tests.schemas.conftest import full_dataset


def _rows(html: str) -> dict[str, str]:
    page = BeautifulSoup(html, "html.parser")
    return {
        tr.th.get_text(" ", strip=True): tr.td.get_text(" ", strip=True)
        for tr in page.select("table tr")
        if tr.th and tr.td
    }


def test_resource_and_dataset_pages_read_like_french(app, portal):
    org = portal.org("rennes-metropole")
    data = full_dataset(org["id"])
    data["resources"][0].update(size=482113, temporal_resolution="P1D")
    ds = call_action("package_create", portal.context(), **data)
    res = ds["resources"][0]
    rows = _rows(app.get(f"/dataset/{ds['name']}/resource/{res['id']}").body)
    assert rows["Taille"] == "470,8 Kio" or rows["Taille"].startswith("470,8"), rows
    assert rows["Résolution temporelle"] == "1 jour"
    for raw in (
        "Package id",
        "Position",
        "Has views",
        "State",
        "Id",
        "Mimetype",
        "Size",
    ):
        assert raw not in rows, (raw, rows)
    rows = _rows(app.get(f"/dataset/{ds['name']}").body)
    assert rows["Date de publication"] == "1 février 2020"
    assert rows["Début de la couverture temporelle"] == "1 janvier 2020"


def test_english_pages_give_themes_their_english_labels(app, portal):
    org = portal.org("ville-de-rennes")
    portal.dataset(org, ["environnement"], ["eau"])
    english = app.get("/en/themes").body
    assert "Administration, Government, Public finances, Citizenship" in english
    assert "Administration, Gouvernement, Finances publiques" not in english
    french = app.get("/themes").body
    assert "Administration, Gouvernement, Finances publiques, Citoyenneté" in french


def test_page_past_the_end_says_so_and_long_facets_are_whole(app, portal):
    org = portal.org("ville-de-rennes")
    portal.dataset(org, ["administration"], ["budget"])
    page = BeautifulSoup(app.get("/themes/administration?page=9").body, "html.parser")
    note = page.select_one(".collectivites-past-last-page")
    assert note is not None and "au-delà de la dernière page" in note.get_text()
    assert "page=9" not in note.a["href"]
    listing = BeautifulSoup(app.get("/dataset/").body, "html.parser")
    labels = [s.get_text(strip=True) for s in listing.select(".nav-facet .item-label")]
    assert "Administration, Gouvernement, Finances publiques, Citoyenneté" in labels
    assert not [label for label in labels if label.endswith("...")]
    assert (
        app.get("/themes/administration").body.count("collectivites-past-last-page")
        == 0
    )
