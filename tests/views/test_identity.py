"""#16: the département's identity and navigation on every page: menu
(Jeux de données, Thèmes, Collectivités, Mots-clés, À propos; "Groupes" only
when used), footer links from the settings, a safe main colour, a French
about page, and each collectivité's own catalogue links."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.body, "html.parser")


def menu(app, url: str = "/") -> list[str]:
    nav = soup(app.get(url)).select("#main-navigation-toggle ul.navbar-nav li a")
    return [a.get_text(" ", strip=True) for a in nav]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_main_menu_speaks_the_portal_words(app):
    assert menu(app) == [
        "Jeux de données",
        "Thèmes",
        "Collectivités",
        "Mots-clés",
        "À propos",
    ]
    factories.Group(name="groupe-thematique")
    assert "Groupes" in menu(app)


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config(
    "ckanext.collectivites.identity.legal_notice_url", "https://www.exemple.fr/mentions"
)
@pytest.mark.ckan_config(
    "ckanext.collectivites.identity.accessibility_url", "https://www.exemple.fr/rgaa"
)
@pytest.mark.ckan_config(
    "ckanext.collectivites.identity.contact", "opendata@exemple.fr"
)
@pytest.mark.ckan_config("ckanext.collectivites.identity.primary_color", "#00577c")
def test_footer_links_and_colour_from_settings(app):
    page = soup(app.get("/"))
    links = {a.get_text(strip=True): a["href"] for a in page.select("footer a")}
    assert links["Mentions légales"] == "https://www.exemple.fr/mentions"
    assert (
        links["Accessibilité : partiellement conforme"] == "https://www.exemple.fr/rgaa"
    )
    assert links["Contact"] == "mailto:opendata@exemple.fr"
    assert "Catalogue DCAT (pour les agrégateurs)" in links
    assert not [h for h in links.values() if "ckan.org/" in h and "docs" in h]
    assert "background-color: #00577c" in str(page)


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config(
    "ckanext.collectivites.identity.primary_color", "red;}</style><script>x()</script>"
)
def test_a_colour_that_is_not_a_colour_is_ignored(app):
    body = app.get("/").body
    assert "<script>x()" not in body and "background-color: red" not in body


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_about_page_is_the_portal_own_text(app):
    page = soup(app.get("/about"))
    text = page.select_one("main, [role=main]").get_text(" ", strip=True)
    assert "données ouvertes du département" in text
    assert "CKAN is the world" not in text and "CKAN" not in text.split("API")[0]
    assert len(page.find_all("h1")) == 1


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_collectivite_page_links_its_catalogues(app):
    sysadmin = factories.Sysadmin()
    org = factories.Organization(
        name="ville-de-rennes",
        title="Ville de Rennes",
        collectivite_type="commune",
        siren="213502388",
        territory="commune:35238",
        user=sysadmin,
    )
    page = soup(app.get(f"/organization/about/{org['name']}"))
    hrefs = [a["href"] for a in page.select(".collectivite-catalogue a")]
    assert hrefs == [
        "/organization/ville-de-rennes/catalog.ttl",
        "/organization/ville-de-rennes/catalog.rdf",
        "/organization/ville-de-rennes/catalogue.csv",
    ]
    for href in hrefs:
        assert app.get(href).status_code == 200
