"""The validation report and the badges in Chromium: screenshots, axe-core."""

from __future__ import annotations

import pathlib

import pytest

from .conftest import STATIONNEMENT, run_jobs

pytestmark = pytest.mark.browser

ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "artifacts"
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=WCAG_AA).response["violations"]
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]


def test_report_and_badges_in_a_browser(dataset, files, queue, live_server, page):
    pkg = dataset(
        "stationnement-navigateur",
        [
            {
                "name": "Parkings 2022",
                "url": f"{files}/stationnement-exemple-valide.csv",
                "format": "CSV",
            },
            {
                "name": "Parkings 2021",
                "url": f"{files}/stationnement-exemple-invalide.csv",
                "format": "CSV",
            },
            {"name": "Parkings 2020", "url": f"{files}/supprime.csv", "format": "CSV"},
        ],
        conforms_to=STATIONNEMENT,
    )
    run_jobs(queue)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server}/dataset/{pkg['name']}")
    badges = page.locator(".collectivites-validation").all_inner_texts()
    assert sorted(b.strip() for b in badges) == [
        "Conforme au schéma Lieux de stationnement 0.1.5",
        "Non conforme : 3 erreurs",
        "Non vérifié",
    ]
    page.screenshot(path=str(ARTIFACTS / "validation-jeu.png"), full_page=True)
    assert _violations(page) == []

    page.get_by_text("Non conforme : 3 erreurs").click()
    page.wait_for_selector("h1:has-text('Rapport de validation')")
    rows = page.locator(".collectivites-validation-report__errors tbody tr")
    assert rows.count() == 3
    assert "num_siret" in rows.nth(1).inner_text()
    page.screenshot(path=str(ARTIFACTS / "validation-rapport.png"), full_page=True)
    assert _violations(page) == []
