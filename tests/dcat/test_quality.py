"""Metadata quality (data.europa.eu MQA grid): scores, hints, action, page."""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.opendata_collectivites.dcat import quality

from .conftest import full_dataset
from .test_feeds import _create


def test_grid_totals_405_points():
    assert (
        sum(i["points"] for i in quality.grid()["indicators"])
        == quality.MAX_SCORE
        == 405
    )


def test_complete_dataset_scores_the_maximum():
    result = quality.assess(full_dataset({"id": "o", "name": "o", "title": "O"}))
    assert result["score"] == 405
    assert result["rating"] == "excellent"
    assert result["improvements"] == []
    assert {d["key"]: d["max"] for d in result["dimensions"]} == {
        "findability": 100,
        "accessibility": 100,
        "interoperability": 110,
        "reusability": 75,
        "contextuality": 20,
    }


def test_sparse_dataset_scores_low_and_says_what_to_fill():
    d = {
        "title": "T",
        "notes": "",
        "owner_org": "o",
        "license_id": "notspecified",
        "resources": [],
    }
    result = quality.assess(d)
    assert result["rating"] == "bad"
    assert result["score"] <= 120
    hints = [i["hint"] for i in result["improvements"]]
    assert "Choose a licence." in hints
    assert "Write a description: DCAT-AP requires one." in hints
    points = [i["points"] for i in result["improvements"]]
    assert points == sorted(points, reverse=True)
    assert result["score"] + sum(points) == 405


def test_resources_count_in_proportion():
    base = full_dataset({"id": "o", "name": "o", "title": "O"})
    base["resources"][1].pop("size")
    result = quality.assess(base)
    assert result["score"] in (402, 403)  # 5 points x half the resources
    assert [i["indicators"] for i in result["improvements"]] == [["byte_size"]]


@pytest.fixture
def datasets(collectivites, clean_index):
    user = factories.Sysadmin()
    rennes = collectivites["rennes"]
    return {
        "public": _create(user, rennes, "qualite-public"),
        "private": _create(user, rennes, "qualite-prive", private=True),
    }


def test_action_respects_dataset_permissions_and_speaks_french(app, datasets):
    ok = app.get(
        "/api/3/action/collectivites_dataset_quality",
        query_string={"id": datasets["public"]["name"]},
    )
    assert ok.status_code == 200
    result = ok.json["result"]
    assert 0 < result["score"] <= 405
    assert result["rating_label"] in (
        "Excellente",
        "Bonne",
        "Suffisante",
        "Insuffisante",
    )
    assert {d["label"] for d in result["dimensions"]} >= {
        "Trouvabilité",
        "Réutilisabilité",
    }
    denied = app.get(
        "/api/3/action/collectivites_dataset_quality",
        query_string={"id": datasets["private"]["name"]},
    )
    assert denied.status_code == 403
    missing = app.get("/api/3/action/collectivites_dataset_quality")
    assert missing.status_code == 409
    assert "Valeur manquante" in missing.get_data(as_text=True)


def test_dataset_page_shows_the_indicator(app, datasets):
    page = app.get(f"/dataset/{datasets['public']['name']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Qualité des métadonnées" in html
    score = tk.get_action("collectivites_dataset_quality")(
        {"ignore_auth": True}, {"id": datasets["public"]["id"]}
    )["score"]
    assert f"{score} / 405" in html
