"""The obligations dashboard in Chromium: screenshot, axe-core."""

from __future__ import annotations

import pathlib

import pytest

from .conftest import DEPARTEMENT

pytestmark = pytest.mark.browser
ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "artifacts"
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.mark.ckan_config("ckanext.collectivites.departement", DEPARTEMENT)
def test_dashboard_in_a_browser(portal, live_server, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live_server}/collectivites/obligations?obligees=1&tri=covered")
    first = page.locator("table.collectivites-obligations tbody tr").first
    assert "Rennes" in first.inner_text() or "Saint-Malo" in first.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "obligations.png"), full_page=False)
    found = Axe().run(page, options=WCAG_AA).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found] == []


@pytest.mark.ckan_config("ckanext.collectivites.departement", DEPARTEMENT)
def test_collectivite_obligations_in_a_browser(portal, live_server, page):
    """A collectivité's own page: its SCDL socle, one row per socle dataset."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live_server}/organization/about/ville-de-saint-malo")
    section = page.locator(".collectivite-scdl")
    assert "publié, non conforme" in section.inner_text()
    assert page.locator(".collectivite-scdl__item").count() == 8
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / "obligations-collectivite.png"), full_page=True
    )
    rules = {
        **WCAG_AA,
        "runOnly": {
            "type": "tag",
            "values": [*WCAG_AA["runOnly"]["values"], "best-practice"],
        },
    }
    found = Axe().run(page, options=rules).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found] == []
