"""Feeds end to end: CKAN app, PostgreSQL search, real datasets."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckanext.dcat.profiles import DCAT, DCT, FOAF
from dateutil.parser import parse as parse_date
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ckanext.opendata_collectivites.dcat.rdf import HYDRA

from .conftest import DCAT_AP_301, SCDL_DELIBERATIONS, scdl_catalogue_errors, shacl


def _create(user, org, name, **over):
    data = {
        "name": name,
        "title": f"Jeu {name}",
        "notes": "Description du jeu de données.",
        "owner_org": org["id"],
        "license_id": "lov2",
        "themes": ["administration"],
        "frequency": "ANNUAL",
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        "territories": ["commune:35238"],
        "spatial_granularity": "communale",
        "contact_name": "Service open data",
        "contact_email": "opendata@rennes.fr",
        "conforms_to": SCDL_DELIBERATIONS,
        "issued": "2024-02-01",
        "modified": "2024-03-01",
        "language": ["FRA"],
        "access_rights": "PUBLIC",
        "tag_string": "délibérations,conseil",
        "resources": [
            {"name": "CSV", "url": "https://example.org/d.csv", "format": "CSV"}
        ],
    }
    data.update(over)
    return tk.get_action("package_create")(
        {"user": user["name"], "ignore_auth": True}, data
    )


@pytest.fixture
def portal(collectivites, clean_index):
    user = factories.Sysadmin()
    rennes, dept = collectivites["rennes"], collectivites["dept"]
    datasets = {
        "r1": _create(user, rennes, "rennes-un"),
        "r2": _create(user, rennes, "rennes-deux"),
        "d1": _create(user, dept, "dept-un", territories=["departement:35"]),
        "private": _create(user, rennes, "rennes-prive", private=True),
        "draft": _create(user, rennes, "rennes-brouillon", state="draft"),
    }
    return {"user": user, "orgs": collectivites, "datasets": datasets}


def _parse(response) -> Graph:
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def _dataset_names(g: Graph) -> set[str]:
    names = set()
    for ds in g.subjects(RDF.type, DCAT.Dataset):
        names.add(str(g.value(ds, DCAT.landingPage) or ds).rsplit("/", 1)[-1])
    return names


def _ids(g: Graph) -> set[str]:
    return {str(ds).rsplit("/", 1)[-1] for ds in g.subjects(RDF.type, DCAT.Dataset)}


def test_portal_catalogue_lists_public_active_datasets_only(app, portal):
    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    g = _parse(response)
    ds = portal["datasets"]
    assert _ids(g) == {ds["r1"]["id"], ds["r2"]["id"], ds["d1"]["id"]}
    catalog = URIRef("http://test.ckan.net")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    # This project's endpoint answers (not ckanext-dcat's): PartialCollectionView.
    assert list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
    conforms, violations, report = shacl(g, *DCAT_AP_301)
    assert violations == 0, report


def test_collectivite_catalogue(app, portal):
    response = app.get("/organization/ville-de-rennes/catalog.ttl")
    assert response.status_code == 200
    g = _parse(response)
    ds = portal["datasets"]
    assert _ids(g) == {ds["r1"]["id"], ds["r2"]["id"]}
    catalog = URIRef("http://test.ckan.net/organization/ville-de-rennes/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    publisher = g.value(catalog, DCT.publisher)
    assert str(g.value(publisher, FOAF.name)) == "Ville de Rennes"
    assert str(g.value(publisher, DCT.identifier)) == "213502388"
    assert (
        str(g.value(catalog, FOAF.homepage))
        == "http://test.ckan.net/organization/ville-de-rennes"
    )
    conforms, violations, report = shacl(g, *DCAT_AP_301)
    assert violations == 0, report


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_hydra_next_links_are_absolute_and_answer_200(app, portal):
    url = "/catalog.ttl"
    seen: list[str] = []
    pages = 0
    while url:
        response = app.get(url, follow_redirects=False)
        assert response.status_code == 200, url
        g = _parse(response)
        seen += sorted(_ids(g))
        pages += 1
        views = list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
        assert len(views) == 1
        assert (views[0], RDF.type, HYDRA.PagedCollection) in g
        nxt = g.value(views[0], HYDRA.next)
        if nxt is None:
            break
        assert str(nxt).startswith("http://test.ckan.net/catalog.ttl?")
        assert g.value(views[0], HYDRA.nextPage) == nxt
        parts = urlsplit(str(nxt))
        url = f"{parts.path}?{parts.query}"
    assert pages == 2, (seen, url)
    assert len(seen) == len(set(seen)) == 3


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "1")
def test_catalogue_modified_is_the_latest_on_every_page_with_few_searches(
    app, portal, monkeypatch
):
    from ckan.lib.search import query

    searches = []
    run = query.PackageSearchQuery.run

    def counting(self, *args, **kwargs):
        searches.append(args[0].get("rows") if args else None)
        return run(self, *args, **kwargs)

    monkeypatch.setattr(query.PackageSearchQuery, "run", counting)
    catalog = URIRef("http://test.ckan.net/organization/ville-de-rennes/catalog")
    first = _parse(app.get("/organization/ville-de-rennes/catalog.ttl"))
    assert len(searches) == 1  # the page itself; stock's own look-up is spared
    second = _parse(app.get("/organization/ville-de-rennes/catalog.ttl?page=2"))
    assert len(searches) == 3  # the page and one row for the latest date
    latest = max(portal["datasets"][k]["metadata_modified"] for k in ("r1", "r2"))
    for g in (first, second):
        (modified,) = g.objects(catalog, DCT.modified)
        assert parse_date(str(modified)) == parse_date(latest)


def test_modified_since(app, portal):
    assert len(_ids(_parse(app.get("/catalog.ttl?modified_since=2000-01-01")))) == 3
    assert _ids(_parse(app.get("/catalog.ttl?modified_since=2999-01-01"))) == set()
    bad = app.get("/catalog.ttl?modified_since=hier")
    assert bad.status_code == 400
    assert "ISO 8601" in bad.get_data(as_text=True)


def test_errors_are_clear_and_never_500(app, portal):
    assert app.get("/catalog.ttl?page=0").status_code == 400
    assert app.get("/catalog.ttl?page=abc").status_code == 400
    assert app.get("/catalog.ttl?page=9").status_code == 404
    assert app.get("/catalog.exe").status_code == 404
    unknown = app.get("/organization/nulle-part/catalog.ttl")
    assert unknown.status_code == 404
    assert unknown.get_data(as_text=True).strip()


def test_territory_uris_without_insee_uri_answer_with_their_datasets(app, portal):
    """EPCI URIs in the feeds are the portal's: 303 to the datasets about it."""
    response = app.get("/territoire/epci/243500139", follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.netloc and target.path == "/dataset/"
    assert parse_qs(target.query) == {"vocab_territories_all": ["epci:243500139"]}
    assert app.get(f"{target.path}?{target.query}").status_code == 200
    unknown = app.get("/territoire/epci/000000000", follow_redirects=False)
    assert unknown.status_code == 404
    assert "Territoire inconnu" in unknown.get_data(as_text=True)


@pytest.mark.parametrize(
    "fmt,ctype,parser",
    [
        ("rdf", "application/rdf+xml", "xml"),
        ("xml", "application/rdf+xml", "xml"),
        ("jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_other_formats(app, portal, fmt, ctype, parser):
    response = app.get(f"/organization/ville-de-rennes/catalog.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(ctype)
    g = Graph().parse(data=response.get_data(as_text=True), format=parser)
    assert len(_ids(g)) == 2


def test_content_negotiation_on_dataset_pages(app, portal):
    name = portal["datasets"]["r1"]["name"]
    rdf = app.get(f"/dataset/{name}", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 200
    assert rdf.headers["Content-Type"].startswith("text/turtle")
    assert _ids(_parse(rdf)) == {portal["datasets"]["r1"]["id"]}
    html = app.get(f"/dataset/{name}", headers={"Accept": "text/html"})
    assert html.status_code == 200
    assert "<html" in html.get_data(as_text=True)
    private = portal["datasets"]["private"]["name"]
    assert (
        app.get(f"/dataset/{private}", headers={"Accept": "text/turtle"}).status_code
        == 404
    )


# --- SCDL catalogue -------------------------------------------------------------


def test_scdl_catalogue_csv_is_valid(app, portal):
    from ckan import model

    org = portal["orgs"]["rennes"]
    from ckanext.opendata_collectivites.compat.extras import set_group_extras

    set_group_extras(model.Group.get(org["id"]), {"siret": "21350238800019"})
    model.Session.commit()
    response = app.get("/organization/ville-de-rennes/catalogue.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["ID"] for r in rows} == {"rennes-un", "rennes-deux"}
    assert scdl_catalogue_errors(body) == []
    assert {r["COLL_SIRET"] for r in rows} == {"21350238800019"}
    row = rows[0]
    assert row["LICENCE"] == "Licence Ouverte-LO"
    assert row["FREQ_MAJ"] == "Annuelle"
    assert row["COUV_SPAT_MAILLE"] == "Communale"
    assert row["MOTS_CLES"] in ("deliberations;conseil", "conseil;deliberations")
    assert row["URL"].startswith("http://test.ckan.net/dataset/")


def test_q_and_fq_filter_the_catalogue_and_paging_keeps_them(app, portal):
    resp = app.get(
        "/catalog.ttl", query_string={"fq": 'organization:"ville-de-rennes"'}
    )
    assert resp.status_code == 200
    rennes = portal["orgs"]["rennes"]["name"]
    resp = app.get("/catalog.ttl", query_string={"fq": f'organization:"{rennes}"'})
    names = _dataset_names(_parse(resp))
    assert names == {
        portal["datasets"]["r1"]["id"],
        portal["datasets"]["r2"]["id"],
    } or (names == {"rennes-un", "rennes-deux"})
    resp = app.get("/catalog.ttl", query_string={"q": "name:dept-un"})
    assert len(_dataset_names(_parse(resp))) == 1
    # Filters cannot reveal private or draft datasets.
    resp = app.get(
        "/catalog.ttl", query_string={"fq": "capacity:private OR state:draft"}
    )
    names = _dataset_names(_parse(resp))
    assert not names & {"rennes-prive", "rennes-brouillon"}
    for key in ("private", "draft"):
        assert portal["datasets"][key]["id"] not in names


def test_invalid_fq_is_a_clear_400(app, portal):
    resp = app.get("/catalog.ttl", query_string={"fq": "title:(unclosed"}, status=400)
    assert "Filtre de recherche invalide" in resp.get_data(as_text=True)
