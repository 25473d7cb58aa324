"""The theme and keyword pages in a real browser: render, links, keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot


@pytest.fixture
def catalogue(portal):
    rennes = portal.org("rennes-metropole")
    malo = portal.org("saint-malo-agglomeration")
    for i in range(3):
        portal.dataset(
            rennes,
            ["environnement"],
            ["eau", "qualité air"],
            title=f"Qualité de l'eau {i}",
        )
    portal.dataset(
        malo,
        ["environnement", "sante"],
        ["eau", "pollution"],
        title="Pollution du littoral",
    )
    portal.dataset(malo, ["transports-deplacements"], ["bus"], title="Lignes de bus")
    portal.dataset(rennes, ["sante"], ["secret"], private=True, title="Jeu privé")
    return portal


def test_home_page_sections_and_theme_tile(catalogue, live_server, page):
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Thèmes populaires")).to_be_visible()
    expect(page.get_by_role("heading", name="Nuage des mots-clés")).to_be_visible()
    expect(page.get_by_role("heading", name="Jeux de données récents")).to_be_visible()
    expect(page.locator(".theme-tile")).to_have_count(3)
    screenshot(page, "home")
    page.locator(".theme-tile", has_text="Environnement").click()
    expect(page).to_have_url(re.compile(r"/themes/environnement$"))
    expect(page.get_by_role("heading", level=1, name="Environnement")).to_be_visible()
    expect(page.locator(".dataset-item")).to_have_count(4)
    expect(page.get_by_text("Jeu privé")).to_have_count(0)
    screenshot(page, "theme-environnement")


@pytest.mark.ckan_config("ckan.datasets_per_page", "2")
def test_theme_paging_and_sorting_stay_on_the_theme_page(catalogue, live_server, page):
    page.goto(live_server + "/themes/environnement")
    page.locator(".pagination").get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/themes/environnement\?page=2$"))
    expect(page.get_by_role("heading", level=1, name="Environnement")).to_be_visible()
    expect(page.locator(".dataset-item")).to_have_count(2)
    screenshot(page, "theme-page-2")
    # (CKAN's JS modules stay idle here: test.ini's site_url is not served, so
    # the form is sent from the keyboard rather than by select-switch.)
    page.select_option("#field-order-by", "title_string asc")
    page.locator("#field-giant-search").press("Enter")
    expect(page).to_have_url(
        # a space: "+" on CKAN 2.11, "%20" on CKAN 2.12
        re.compile(r"/themes/environnement\?q=&sort=title_string(\+|%20)asc$")
    )
    first = page.locator(".dataset-heading a").first
    expect(first).to_have_text("Pollution du littoral")
    expect(page.locator(".collectivites-theme-header")).to_be_visible()


def test_keyword_cloud_link_leads_to_the_listing(catalogue, live_server, page):
    page.goto(live_server + "/mots-cles")
    expect(
        page.get_by_role("heading", level=1, name="Nuage des mots-clés")
    ).to_be_visible()
    cloud = page.get_by_role("list", name="Nuage des mots-clés")
    expect(cloud.get_by_role("listitem")).to_have_count(4)
    # Accessible name carries the count, not just the font size.
    link = cloud.get_by_role("link", name=re.compile(r"^eau .*4 jeux de données"))
    screenshot(page, "mots-cles")
    link.click()
    expect(page).to_have_url(re.compile(r"/dataset/?\?tags=eau$"))
    expect(page.locator(".dataset-item")).to_have_count(4)


def test_keyboard_navigation(catalogue, live_server, page):
    page.goto(live_server + "/themes")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#content")
    # Tab through the page until the first theme tile has the focus, then Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('theme-tile')"):
            break
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "/themes/environnement")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    screenshot(page, "themes-focus", full_page=False)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/themes/environnement$"))
    expect(page.locator(".collectivites-theme-header")).to_be_visible()


def test_pages_fit_a_phone_screen(catalogue, live_server, browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="fr-FR"
    )
    phone = context.new_page()
    try:
        for path in ("/", "/themes", "/mots-cles", "/themes/environnement"):
            phone.goto(live_server + path)
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth"
            )
            assert overflow <= 0, path
        screenshot(phone, "themes-mobile")
    finally:
        context.close()


WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.mark.parametrize(
    "path", ["/", "/themes", "/themes/environnement", "/mots-cles"]
)
def test_pages_have_no_wcag_aa_violations(catalogue, live_server, page, path):
    """axe-core (axe-playwright-python) finds no WCAG 2.1 A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(live_server + path)
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    report = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
    ]
    assert report == []
