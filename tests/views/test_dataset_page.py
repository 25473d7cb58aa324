"""Dataset and resource pages: no row for an empty optional field."""

from __future__ import annotations

from bs4 import BeautifulSoup

PRODUCER = "Producteur"
HVD = "Catégorie de données de forte valeur"
MEDIA_TYPE = "Type de média"


def rows(app, url: str) -> dict[str, str]:
    """The page's "additional information" rows: label → shown value."""
    page = BeautifulSoup(app.get(url).body, "html.parser")
    table = [
        (tr.th.get_text(" ", strip=True), tr.td.get_text(" ", strip=True))
        for tr in page.select("table tr")
        if tr.th is not None and tr.td is not None
    ]
    assert table
    return dict(table)


def test_empty_optional_fields_have_no_row(portal, app):
    org = portal.org("ville-de-rennes")
    bare = portal.dataset(org, ["environnement"], ["eau"])
    shown = rows(app, f"/dataset/{bare['name']}")
    assert PRODUCER not in shown and HVD not in shown
    assert [label for label, value in shown.items() if not value] == []
    assert shown["Thèmes"] == "Environnement"  # filled fields keep their row
    resource = rows(
        app, f"/dataset/{bare['name']}/resource/{bare['resources'][0]['id']}"
    )
    assert MEDIA_TYPE not in resource
    assert [label for label, value in resource.items() if not value] == []

    full = portal.dataset(
        org,
        ["environnement"],
        ["eau"],
        producer_name="Syndicat des eaux",
        hvd_category=["c_dd313021"],
        resources=[
            {
                "url": "https://example.org/x.csv",
                "format": "CSV",
                "mimetype": "text/csv",
            }
        ],
    )
    shown = rows(app, f"/dataset/{full['name']}")
    assert shown[PRODUCER] == "Syndicat des eaux"
    assert shown[HVD] == "Observation de la terre et environnement"
    resource = rows(
        app, f"/dataset/{full['name']}/resource/{full['resources'][0]['id']}"
    )
    assert resource[MEDIA_TYPE] == "text/csv"
