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


@pytest.mark.ckan_config("ckanext.collectivites.departement", DEPARTEMENT)
def test_collectivite_page_shows_its_scdl_coverage(app, portal):
    """Beside its population and obligation, a collectivité's page lists the
    socle datasets it publishes and their state (public data only)."""
    import html
    import re

    def rows(org: str) -> dict[str, str]:
        body = html.unescape(app.get(f"/organization/about/{org}").body)
        section = body.split('id="collectivite-scdl-title"', 1)[1].split(
            "</section>", 1
        )[0]
        found = re.findall(
            r"<th scope=\"row\">([^<]+)</th>\s*<td>(.*?)</td>", section, re.S
        )
        return {
            label: re.sub(r"<[^>]+>", "", cell).strip() for label, cell in found
        }, section

    malo, section = rows("ville-de-saint-malo")
    assert "1 jeux du socle publiés sur 8" in section
    assert malo["Subventions"] == "publié, non conforme"
    assert malo["Délibérations"] == "non publié"
    rennes, _ = rows("ville-de-rennes")
    assert rennes["Subventions"] == "publié, conforme"
    assert rennes["Délibérations"] == "non publié"  # its délibérations are private
