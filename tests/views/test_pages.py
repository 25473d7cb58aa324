"""The pages: /themes, /themes/<slug>, /mots-cles, home page, collectivité page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup
from ckan.tests.helpers import call_action


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.body, "html.parser")


@pytest.fixture
def catalogue(portal):
    rennes = portal.org("ville-de-rennes")
    malo = portal.org("ville-de-saint-malo")
    env = [
        portal.dataset(rennes, ["environnement"], ["eau", "qualité air"])
        for _ in range(3)
    ]
    portal.dataset(malo, ["environnement", "sante"], ["eau", "pollution"])
    portal.dataset(malo, ["transports-deplacements"], ["bus"])
    portal.dataset(rennes, ["environnement"], ["confidentiel"], private=True)
    return portal, rennes, malo, env


def test_themes_page_lists_tiles_most_used_first(catalogue, app):
    page = soup(app.get("/themes"))
    assert page.html["lang"] == "fr"
    assert page.find("h1").get_text(strip=True) == "Thèmes populaires"
    tiles = page.select(".theme-tile")
    labels = [t.select_one(".theme-tile__label").get_text(strip=True) for t in tiles]
    assert labels[:3] == ["Environnement", "Santé", "Transports, Déplacements"]
    first = tiles[0]
    assert first["href"] == "/themes/environnement"
    assert (
        first.select_one(".theme-tile__count").get_text(strip=True)
        == "4 jeux de données"
    )
    assert (
        tiles[1].select_one(".theme-tile__count").get_text(strip=True)
        == "1 jeu de données"
    )
    assert first.select_one("svg")["aria-hidden"] == "true"
    assert len(tiles) == 16  # empty themes listed last
    assert "is-empty" in tiles[-1].parent["class"]
    assert page.find(attrs={"role": "main"}) is not None


@pytest.mark.ckan_config("ckanext.collectivites.themes.hide_empty", "true")
def test_empty_themes_hidden_by_config(catalogue, app):
    assert len(soup(app.get("/themes")).select(".theme-tile")) == 3


def test_theme_page_is_the_filtered_dataset_search(catalogue, app):
    page = soup(app.get("/themes/environnement"))
    header = page.select_one(".collectivites-theme-header")
    assert header.find("h1").get_text(strip=True) == "Environnement"
    assert "Qualité de l'air" in header.get_text()
    results = page.select(".dataset-item")
    assert len(results) == 4  # private one excluded
    assert "4 jeux de données trouvés" in page.get_text(" ", strip=True)
    feeds = {
        a.get_text(strip=True): a["href"]
        for a in header.select(".theme-header__feeds a")
    }
    assert parse_qs(urlparse(feeds["Atom"]).query) == {
        "vocab_themes": ["environnement"]
    }
    assert feeds["DCAT (Turtle)"] == "/themes/environnement/catalog.ttl"
    # CKAN's facets are there, with readable labels; organisation facet links
    # stay on the theme's listing.
    facet_text = page.get_text(" ", strip=True)
    for title in ("Collectivités", "Formats", "Licences", "Thèmes"):
        assert title in facet_text
    org_links = [
        a["href"] for a in page.select("a[href*='organization=ville-de-saint-malo']")
    ]
    assert org_links and all(h.startswith("/themes/environnement") for h in org_links)


def test_theme_page_facet_filter_sort_and_paging(catalogue, app, monkeypatch):
    narrowed = soup(
        app.get(
            "/themes/environnement",
            query_string={"organization": "ville-de-saint-malo"},
        )
    )
    assert len(narrowed.select(".dataset-item")) == 1
    sorted_page = soup(
        app.get("/themes/environnement", query_string={"sort": "title_string desc"})
    )
    titles = [a.get_text(strip=True) for a in sorted_page.select(".dataset-heading a")]
    assert titles == sorted(titles, reverse=True)


@pytest.mark.ckan_config("ckan.datasets_per_page", "2")
def test_theme_links_stay_on_the_theme_page(catalogue, app):
    """Paging, sorting and facet links of /themes/<slug> keep its address and
    header; only the links that drop the theme go to /dataset/."""
    url = "/themes/environnement"
    page = soup(app.get(url, query_string={"tags": "eau"}))
    pager = {a.get_text(strip=True): a["href"] for a in page.select(".pagination a")}
    assert pager["2"] == f"{url}?tags=eau&page=2"
    second = soup(app.get(pager["2"]))
    assert second.select_one(".collectivites-theme-header h1").get_text() == (
        "Environnement"
    )
    assert len(second.select(".dataset-item")) == 2
    assert second.select_one(".pagination a")["href"] == f"{url}?tags=eau&page=1"

    def href(css: str) -> str:
        return page.select_one(css)["href"]

    org = href("a[href*='organization=ville-de-saint-malo']")
    assert org == f"{url}?tags=eau&organization=ville-de-saint-malo"
    other_theme = href("a[href*='vocab_themes=sante']")
    assert other_theme == f"{url}?tags=eau&vocab_themes=sante"
    both = soup(app.get(other_theme))
    assert both.select_one(".collectivites-theme-header h1").get_text() == (
        "Environnement"
    )
    assert len(both.select(".dataset-item")) == 1  # environnement and santé
    # Removing the theme leaves the theme page; removing a keyword does not.
    pills = [p.get_text(strip=True) for p in page.select(".filter-list .pill")]
    assert pills == ["Environnement", "eau"]
    removals = [a["href"] for a in page.select(".filter-list a.remove")]
    assert removals == ["/dataset/?tags=eau", url]
    # The search form (query, sort) submits to the theme page itself.
    form = page.select_one("#dataset-search-form")
    assert not form.get("action")
    hidden = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    assert hidden == [("tags", "eau")]
    sorted_page = soup(
        app.get(url, query_string={"tags": "eau", "sort": "title_string desc"})
    )
    next_page = sorted_page.select(".pagination a")[-1]["href"]
    assert next_page == f"{url}?tags=eau&sort=title_string+desc&page=2"
    links = [a["href"] for a in page.select("a[href]")]
    assert len(links) > 20
    redundant = [h for h in links if "vocab_themes=environnement" in h]
    assert redundant == ["/feeds/custom.atom?vocab_themes=environnement"]


def test_unknown_theme_is_a_french_404(catalogue, app):
    response = app.get("/themes/inconnu", status=404)
    assert "Thème introuvable" in response.body


def test_keyword_page_cloud_links_to_listings(catalogue, app):
    page = soup(app.get("/mots-cles"))
    assert page.find("h1").get_text(strip=True) == "Nuage des mots-clés"
    items = page.select(".keyword-cloud__item")
    names = [i.find("a").contents[0].strip() for i in items]
    assert names == ["bus", "eau", "pollution", "qualité air"]
    eau = items[1]
    assert "keyword-size-5" in eau["class"]
    assert (
        eau.select_one(".visually-hidden").get_text(strip=True) == "(4 jeux de données)"
    )
    href = eau.find("a")["href"]
    assert parse_qs(urlparse(href).query) == {"tags": ["eau"]}
    listing = soup(app.get(href))
    assert len(listing.select(".dataset-item")) == 4
    assert "confidentiel" not in page.get_text()


def test_keyword_page_filtered_by_theme_and_collectivite(catalogue, app):
    by_theme = soup(app.get("/mots-cles", query_string={"theme": "sante"}))
    links = [a["href"] for a in by_theme.select(".keyword-cloud a")]
    assert len(links) == 2
    assert all(parse_qs(urlparse(h).query)["vocab_themes"] == ["sante"] for h in links)
    by_org = soup(
        app.get("/mots-cles", query_string={"organization": "ville-de-saint-malo"})
    )
    assert "Ville de Saint-Malo" in by_org.select_one(".collectivites-lead").get_text()
    assert len(by_org.select(".keyword-cloud__item")) == 3
    missing = app.get(
        "/mots-cles", query_string={"organization": "nulle-part"}, status=404
    )
    assert "Collectivité « nulle-part » inconnue" in missing.body


def test_home_page_sections(catalogue, app):
    page = soup(app.get("/"))
    assert page.html["lang"] == "fr"
    assert page.find("main", id="content") is not None
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    for heading in (
        "Thèmes populaires",
        "Nuage des mots-clés",
        "Jeux de données récents",
    ):
        assert heading in headings
    tiles = page.select(".theme-tile")
    assert [t["href"] for t in tiles] == [
        "/themes/environnement",
        "/themes/sante",
        "/themes/transports-deplacements",
    ]
    assert len(page.select(".keyword-cloud__item")) == 4
    assert len(page.select(".recent-datasets__item")) == 5
    assert page.select_one("form[role=search]")["action"] == "/dataset/"


def test_collectivite_page_shows_its_keyword_cloud(catalogue, app):
    page = soup(app.get("/organization/ville-de-rennes"))
    cloud = page.select_one(".collectivites-org-keywords")
    names = [a.contents[0].strip() for a in cloud.select(".keyword-cloud a")]
    assert names == ["eau", "qualité air"]
    assert all("organization=ville-de-rennes" in a["href"] for a in cloud.select("a"))


def test_html_in_theme_labels_and_names_is_escaped(
    portal, app, tmp_path, ckan_config, monkeypatch
):
    themes = tmp_path / "themes.yaml"
    themes.write_text(
        "icon_set: remixicon\nthemes:\n"
        "  - slug: environnement\n"
        '    label: "<script>alert(1)</script>Env"\n'
        '    description: "<b>gras</b>"\n'
        '    icon: "../../../etc/passwd"\n'
        "    eu_themes: [ENVI]\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.themes_file", str(themes))
    org = portal.org("ville-de-rennes", title="<em>Rennes</em>")
    portal.dataset(org, ["environnement"], ["eau"])
    for url in (
        "/themes",
        "/themes/environnement",
        "/",
        "/mots-cles?theme=environnement",
        "/mots-cles?organization=ville-de-rennes",
    ):
        body = app.get(url).body
        assert "<script>alert(1)" not in body, url
        assert "<b>gras</b>" not in body and "<em>Rennes</em>" not in body, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Env" in app.get("/themes").body
    assert "root:" not in app.get("/themes").body


def test_pages_follow_an_edit_without_stale_counts(catalogue, app):
    portal, _rennes, malo, env = catalogue
    assert (
        "1 jeu de données"
        in soup(app.get("/themes")).select(".theme-tile__count")[1].text
    )
    call_action("package_patch", portal.context(), id=env[0]["id"], themes=["sante"])
    counts = [
        c.get_text(strip=True)
        for c in soup(app.get("/themes")).select(".theme-tile__count")
    ]
    assert counts[:2] == ["3 jeux de données", "2 jeux de données"]
    call_action(
        "package_patch", portal.context(), id=env[1]["id"], tags=[{"name": "nouveau"}]
    )
    assert "nouveau" in soup(app.get("/mots-cles")).get_text()


def test_theme_feeds_list_the_theme_datasets(catalogue, app):
    header = soup(app.get("/themes/sante")).select_one(".collectivites-theme-header")
    feeds = {a.get_text(strip=True): a["href"] for a in header.select("a[type]")}
    atom = BeautifulSoup(app.get(feeds["Atom"]).body, "xml")
    assert [e.title.get_text() for e in atom.find_all("entry")] == [
        call_action("package_search", q="vocab_themes:sante")["results"][0]["title"]
    ]
    turtle = app.get(feeds["DCAT (Turtle)"])
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert turtle.body.count("a dcat:Dataset") == 1
    xml = app.get(feeds["DCAT (RDF/XML)"])
    assert xml.body.count("<dcat:Dataset ") == 1
    app.get("/themes/sante/catalog.exe", status=404)


def test_html_in_indexed_keywords_is_escaped(portal, app):
    """CKAN's tag validator refuses markup, but a keyword reaching the index by
    another route (a harvester, a re-index) is still shown as text."""
    import json
    import uuid

    from ckan.lib.search.common import make_connection
    from ckan.plugins import toolkit as tk

    dataset_id = str(uuid.uuid4())
    tag = '<img src=x onerror="alert(1)">'
    data = {
        "id": dataset_id,
        "name": "injecte",
        "title": "Injecté",
        "type": "dataset",
        "state": "active",
        "private": False,
        "tags": [{"name": tag}],
        "resources": [],
        "themes": ["environnement"],
    }
    site_id = tk.config["ckan.site_id"]
    make_connection().add(
        docs=[
            {
                "id": dataset_id,
                "index_id": f"{site_id}-{dataset_id}",
                "site_id": site_id,
                "entity_type": "package",
                "dataset_type": "dataset",
                "state": "active",
                "capacity": "public",
                "permission_labels": ["public"],
                "name": "injecte",
                "title": "Injecté",
                "tags": [tag],
                "vocab_themes": ["environnement"],
                "metadata_modified": "2026-01-01T00:00:00Z",
                "data_dict": json.dumps(data),
                "validated_data_dict": json.dumps(data),
            }
        ],
        commit=True,
    )
    from ckanext.opendata_collectivites.logic import cache

    cache.invalidate()
    for url in ("/mots-cles", "/", "/mots-cles?theme=environnement"):
        body = app.get(url).body
        assert tag not in body, url
        assert "&lt;img src=x onerror=" in body, url


def test_listing_descriptions_are_plain_text_and_memoised(portal, app):
    """The memoised ``markdown_extract`` gives CKAN's own text, once computed."""
    from ckan.lib import helpers as core

    from ckanext.opendata_collectivites.views import memo

    org = portal.org("ville-de-rennes")
    notes = "**Relevés** de la [qualité de l'eau](https://example.org) & <b>sites</b>"
    portal.dataset(org, ["environnement"], ["eau"], notes=notes)
    memo._extract.cache_clear()
    for _ in range(2):
        page = soup(app.get("/themes/environnement"))
        shown = page.select_one(".dataset-item .dataset-content div").get_text(
            strip=True
        )
        assert shown == core.markdown_extract(notes, extract_length=180)
    assert shown == "Relevés de la qualité de l'eau & sites"
    info = memo._extract.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_every_page_has_exactly_one_h1(catalogue, app):
    """RGAA 9.1 / axe ``page-has-heading-one``: one <h1> per page (CKAN's search
    form adds its own for the result count, on both 2.11 and 2.12)."""
    _portal, rennes, _malo, env = catalogue
    pages = {
        "/": None,
        "/themes": "Thèmes populaires",
        "/themes/environnement": "Environnement",
        "/themes/environnement?page=2": "Environnement",
        "/mots-cles": None,
        "/dataset/": "5 jeux de données trouvés",  # the private one is hidden
        "/dataset/?tags=eau": None,
        f"/dataset/{env[0]['name']}": env[0]["title"],
        "/organization/": None,
        f"/organization/{rennes['name']}": None,
    }
    for url, heading in pages.items():
        headings = soup(app.get(url)).find_all("h1")
        assert len(headings) == 1, (
            url,
            [h.get_text(" ", strip=True) for h in headings],
        )
        if heading:
            assert heading in headings[0].get_text(" ", strip=True), url


def test_dataset_edit_form_is_french(catalogue, app):
    """CKAN 2.12's edit form has an "Unpublish" button CKAN leaves untranslated."""
    from ckan.tests import factories

    _portal, _rennes, _malo, env = catalogue
    admin = factories.SysadminWithToken()
    page = app.get(
        f"/dataset/edit/{env[0]['name']}", headers={"Authorization": admin["token"]}
    )
    buttons = [b.get_text(strip=True) for b in soup(page).select("form button")]
    assert "Unpublish" not in buttons
    assert any("Mettre à jour" in b for b in buttons), buttons
    if any(
        b.get("value") == "go-metadata-unpublish" for b in soup(page).select("button")
    ):
        assert "Repasser en brouillon" in buttons  # CKAN 2.12
