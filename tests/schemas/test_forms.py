"""The web forms render and submit in French with the new fields."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.schemas.conftest import ORGS


@pytest.fixture
def user(plugins, clean_db, clean_index):
    return factories.SysadminWithToken()


def _headers(user):
    return {"Authorization": user["token"]}


def _create_rennes_metropole(user) -> None:
    call_action(
        "organization_create",
        {"user": user["name"]},
        name="rennes-metropole",
        **ORGS["rennes-metropole"],
    )


def _create_rennes_dataset(user) -> dict:
    """Rennes Métropole and one dataset of it with every field filled."""
    from tests.schemas.conftest import full_dataset

    _create_rennes_metropole(user)
    return call_action(
        "package_create", {"user": user["name"]}, **full_dataset("rennes-metropole")
    )


def test_organization_form_renders_and_submits_in_french(app, user):
    page = app.get("/organization/new", headers=_headers(user))
    html = BeautifulSoup(page.body, "html.parser")
    labels = {lab.get_text(" ", strip=True) for lab in html.find_all("label")}
    assert any("Type de collectivité" in x for x in labels)
    assert any("Territoire" in x for x in labels)
    assert html.find("input", {"name": "territory"})["data-module"] == (
        "collectivites-picker"
    )
    data = {"name": "ville-de-paris", "save": "", **ORGS["ville-de-paris"]}
    # an EPCI SIREN as commune code: the form comes back with a French error
    bad = app.post(
        "/organization/new",
        data={**data, "territory": "commune:243500139"},
        headers=_headers(user),
    )
    assert "pas un code de commune" in bad.body
    assert call_action("organization_list", {}) == []
    app.post("/organization/new", data=data, headers=_headers(user))
    org = call_action("organization_show", {}, id="ville-de-paris")
    assert org["territory"] == "commune:75056" and org["population"] == 2103778


def test_dataset_form_renders_and_submits_in_french(app, user):
    _create_rennes_metropole(user)
    page = app.get("/dataset/new", headers=_headers(user))
    html = BeautifulSoup(page.body, "html.parser")
    text = html.get_text(" ", strip=True)
    for label in (
        "Couverture géographique",
        "Conforme au schéma",
        "Thèmes",
        "Fréquence de mise à jour",
        "Granularité géographique",
    ):
        assert label in text, label
    options = [o["value"] for o in html.select("select[name=license_id] option")]
    assert "lov2" in options and "odc-odbl" in options
    schema_opts = [o["value"] for o in html.select("select[name=conforms_to] option")]
    assert (
        "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json"
        in schema_opts
    )
    form = {
        "name": "budget-2024",
        "title": "Budget 2024",
        "notes": "Budget primitif 2024 de Rennes Métropole.",
        "owner_org": "rennes-metropole",
        "license_id": "lov2",
        "themes": ["administration", "economie-emploi"],
        "territories": "epci:243500139",
        "frequency": "ANNUAL",
        "access_rights": "PUBLIC",
        "language": "FRA",
        "save": "continue",
    }
    bad = app.post(
        "/dataset/new",
        data={**form, "territories": "commune:99999"},
        headers=_headers(user),
    )
    assert "Couverture géographique : territoire « commune:99999 » inconnu" in bad.body
    app.post("/dataset/new", data=form, headers=_headers(user), follow_redirects=False)
    pkg = call_action("package_show", {"user": user["name"]}, id="budget-2024")
    assert pkg["themes"] == ["administration", "economie-emploi"]
    assert pkg["territories"] == ["epci:243500139"]


def test_organization_about_page_shows_population_and_obligation(app, user):
    call_action(
        "organization_create",
        {"user": user["name"]},
        name="ville-de-paris",
        **ORGS["ville-de-paris"],
    )
    about = app.get("/organization/about/ville-de-paris").body
    assert "2\u202f103\u202f778 habitants" in about
    assert (
        "Obligation d'ouverture des données" in about
        or "Obligation d&#39;ouverture des données" in about
    )
    assert "217500016" in about
    read = app.get("/organization/ville-de-paris").body
    assert "2\u202f103\u202f778 habitants" in read


def test_dataset_page_shows_labels_not_codes(app, user):
    pkg = _create_rennes_dataset(user)
    body = app.get(f"/dataset/{pkg['name']}", headers=_headers(user)).body
    text = BeautifulSoup(body, "html.parser").get_text(" ", strip=True)
    assert "Rennes (35238)" in text and "Rennes Métropole" in text
    assert "Délibérations (scdl/deliberations 2.1.5)" in text
    assert "Administration, Gouvernement, Finances publiques, Citoyenneté" in text
    assert "Mensuelle" in text  # frequency label, not the MONTHLY code
    assert "Licence Ouverte / Open Licence version 2.0" in text
    res = pkg["resources"][0]
    page = app.get(
        f"/dataset/{pkg['name']}/resource/{res['id']}", headers=_headers(user)
    ).body
    assert "Délibérations (scdl/deliberations 2.1.5)" in page


def test_organization_edit_form_shows_labels_and_keeps_values(app, user):
    ctx = {"user": user["name"]}
    _create_rennes_metropole(user)
    call_action(
        "organization_create",
        ctx,
        name="ville-de-paris",
        parent="rennes-metropole",
        **ORGS["ville-de-paris"],
    )
    page = app.get("/organization/edit/ville-de-paris", headers=_headers(user))
    html = BeautifulSoup(page.body, "html.parser")
    territory = html.find("input", {"name": "territory"})
    assert territory["value"] == "commune:75056"
    assert json.loads(territory["data-module-labels"]) == {
        "commune:75056": "Paris (75056)"
    }
    parent = html.find("input", {"name": "parent"})
    assert json.loads(parent["data-module-labels"]) == {
        "rennes-metropole": "Rennes Métropole"
    }
    assert html.find("input", {"name": "population"}) is None  # read-only


def test_dataset_page_links_territories_to_search(app, user):
    pkg = _create_rennes_dataset(user)
    html = BeautifulSoup(app.get(f"/dataset/{pkg['name']}").body, "html.parser")
    link = html.find("a", string="Rennes (35238)")
    assert link["href"] == "/dataset/?vocab_territories_all=commune:35238"
    found = BeautifulSoup(app.get(link["href"]).body, "html.parser").get_text()
    assert "Délibérations du conseil de Rennes Métropole" in found
