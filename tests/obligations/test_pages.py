"""The dashboard page and its CSV export (public data only)."""

from __future__ import annotations

import csv
import io

import pytest

from .conftest import DEPARTEMENT


@pytest.mark.ckan_config("ckanext.collectivites.departement", DEPARTEMENT)
def test_dashboard_page_and_csv(app, portal):
    body = app.get("/collectivites/obligations", query_string={"q": "saint-malo"}).body
    assert "Saint-Malo" in body and "non conforme" in body
    assert "Rennes</a>" not in body
    page = app.get("/collectivites/obligations").body
    assert "Obligations SCDL des collectivités" in page
    resp = app.get("/collectivites/obligations.csv", query_string={"obligees": "1"})
    assert resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.body.lstrip("\ufeff")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[:5] == [
        "territoire",
        "nom",
        "population",
        "obligation",
        "organisation",
    ]
    assert all(r[3] == "oui" for r in data)
    by_name = {r[1]: r for r in data}
    col = header.index("Subventions")
    assert by_name["Rennes"][col] == "conforme"
    assert by_name["Saint-Malo"][col] == "non conforme"
    assert by_name["Rennes"][header.index("Délibérations")] == "absent"  # private
