"""Actions collectivites_theme_list and collectivites_keyword_cloud."""

from __future__ import annotations

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action

from tests.views.conftest import anonymous_count


def theme_counts(**kwargs) -> dict[str, int]:
    return {
        t["slug"]: t["count"] for t in call_action("collectivites_theme_list", **kwargs)
    }


def keywords(**kwargs) -> dict[str, int]:
    cloud = call_action("collectivites_keyword_cloud", **kwargs)
    return {k["name"]: k["count"] for k in cloud["keywords"]}


@pytest.fixture
def catalogue(portal):
    rennes = portal.org("ville-de-rennes")
    malo = portal.org("ville-de-saint-malo")
    portal.dataset(rennes, ["environnement"], ["eau", "air"])
    portal.dataset(rennes, ["environnement", "sante"], ["air", "pollution"])
    portal.dataset(malo, ["transports-deplacements"], ["bus", "air"])
    portal.dataset(malo, ["environnement"], ["eau"])
    return portal, rennes, malo


def test_theme_counts_equal_package_search_counts(catalogue):
    themes = call_action("collectivites_theme_list")
    assert [t["slug"] for t in themes[:3]] == [
        "environnement",
        "sante",
        "transports-deplacements",
    ]
    for theme in themes:
        assert theme["count"] == anonymous_count(f'+vocab_themes:"{theme["slug"]}"')
    assert {t["slug"] for t in themes} >= {
        "energie",
        "administration",
    }  # empty ones too
    assert themes[-1]["count"] == 0
    env = themes[0]
    assert (
        env["label"] == "Environnement" and env["icon"] and env["eu_themes"] == ["ENVI"]
    )


def test_empty_themes_can_be_hidden(catalogue):
    slugs = [
        t["slug"] for t in call_action("collectivites_theme_list", include_empty=False)
    ]
    assert slugs == ["environnement", "sante", "transports-deplacements"]


def test_keyword_counts_sizes_and_order(catalogue):
    cloud = call_action("collectivites_keyword_cloud")
    names = [k["name"] for k in cloud["keywords"]]
    assert names == ["air", "bus", "eau", "pollution"]
    by_name = {k["name"]: k for k in cloud["keywords"]}
    for name, item in by_name.items():
        assert item["count"] == anonymous_count(f'+tags:"{name}"')
    assert by_name["air"]["size"] == 5 and by_name["bus"]["size"] == 1
    assert by_name["air"]["size"] > by_name["eau"]["size"] > by_name["bus"]["size"]


def test_keyword_filters_by_collectivite_and_theme(catalogue):
    assert keywords(organization="ville-de-saint-malo") == {
        "bus": 1,
        "air": 1,
        "eau": 1,
    }
    assert keywords(theme="sante") == {"air": 1, "pollution": 1}
    assert keywords(theme="environnement", organization="ville-de-rennes") == {
        "eau": 1,
        "air": 2,
        "pollution": 1,
    }
    assert list(keywords(limit=1)) == ["air"]


def test_private_and_draft_datasets_change_no_count_and_no_keyword(catalogue):
    portal, rennes, _malo = catalogue
    before_themes, before_keywords = theme_counts(), keywords()
    portal.dataset(rennes, ["energie", "environnement"], ["secret"], private=True)
    portal.dataset(rennes, ["energie"], ["brouillon"], state="draft")
    assert theme_counts() == before_themes
    assert keywords() == before_keywords
    assert keywords(organization="ville-de-rennes") == {
        "eau": 1,
        "air": 2,
        "pollution": 1,
    }


def test_edit_delete_and_publication_update_cached_counts(catalogue):
    portal, rennes, _malo = catalogue
    assert theme_counts()["energie"] == 0
    dataset = portal.dataset(rennes, ["energie"], ["solaire"], private=True)
    assert theme_counts()["energie"] == 0  # cached, and private
    call_action("package_patch", portal.context(), id=dataset["id"], private=False)
    assert theme_counts()["energie"] == 1
    assert keywords()["solaire"] == 1
    call_action(
        "package_patch",
        portal.context(),
        id=dataset["id"],
        themes=["sante"],
        tags=[{"name": "hopital"}],
    )
    counts = theme_counts()
    assert counts["energie"] == 0 and counts["sante"] == 2
    assert "solaire" not in keywords() and keywords()["hopital"] == 1
    call_action("package_delete", portal.context(), id=dataset["id"])
    assert theme_counts()["sante"] == 1
    assert "hopital" not in keywords()


def test_bulk_and_deferred_commit_changes_invalidate(catalogue):
    """Paths that skip the after_dataset_* hooks: a harvester-style import
    (defer_commit, one commit at the end) and the organisation bulk actions."""
    portal, rennes, _malo = catalogue
    assert theme_counts()["energie"] == 0
    context = dict(portal.context(), defer_commit=True)
    created = call_action(
        "package_create",
        context,
        name="moissonne-1",
        title="Moissonné",
        notes="Importé.",
        owner_org=rennes["id"],
        license_id="lov2",
        themes=["energie"],
        tags=[{"name": "eolien"}],
    )
    model.repo.commit()
    assert theme_counts()["energie"] == 1
    call_action(
        "bulk_update_private",
        portal.context(),
        datasets=[created["id"]],
        org_id=rennes["id"],
    )
    assert theme_counts()["energie"] == 0
    assert "eolien" not in keywords()
    call_action(
        "bulk_update_public",
        portal.context(),
        datasets=[created["id"]],
        org_id=rennes["id"],
    )
    assert theme_counts()["energie"] == 1


def test_results_are_cached_between_changes(catalogue, monkeypatch):
    from ckanext.opendata_collectivites.logic import aggregates

    theme_counts()
    keywords()
    calls = []
    monkeypatch.setattr(aggregates, "public_search", lambda *a, **k: calls.append(a))
    assert theme_counts()["environnement"] == 3
    assert keywords()["air"] == 3
    assert keywords(limit=2) == {"air": 3, "eau": 2}  # same cached search
    assert calls == []


def test_one_search_serves_themes_keywords_and_recent_datasets(catalogue, monkeypatch):
    from ckanext.opendata_collectivites.logic import aggregates
    from ckanext.opendata_collectivites.views import helpers

    calls = []
    real = aggregates.public_search
    monkeypatch.setattr(
        aggregates, "public_search", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    theme_counts()
    keywords()
    recent = helpers.recent_datasets()
    assert len(calls) == 1
    latest = call_action(
        "package_search", {"user": ""}, sort="metadata_modified desc", rows=6
    )["results"]
    assert [d["title"] for d in recent] == [d["title"] for d in latest]
    assert len(recent) == 4
    keywords(theme="sante")
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"theme": "nope"}, "theme", "Thème « nope » inconnu"),
        (
            {"organization": "nulle-part"},
            "organization",
            "Collectivité « nulle-part » inconnue",
        ),
        ({"limit": "abc"}, "limit", "Doit être un nombre entier."),
        ({"limit": 100000}, "limit", "Doit être compris entre 1 et 200."),
    ],
)
def test_invalid_parameters_answer_409_in_french(
    catalogue, app, params, field, message
):
    response = app.get(
        "/api/3/action/collectivites_keyword_cloud", query_string=params, status=409
    )
    error = response.json["error"]
    assert message in error[field][0]


def test_actions_are_public_through_the_api(catalogue, app):
    themes = app.get("/api/3/action/collectivites_theme_list").json["result"]
    assert themes[0] == {
        "slug": "environnement",
        "label": "Environnement",
        "label_en": "Environment",
        "description": themes[0]["description"],
        "description_en": "Air and water quality, waste, biodiversity, natural areas "
        "and climate.",
        "icon": "leaf-line",
        "eu_themes": ["ENVI"],
        "count": 3,
    }
    cloud = app.get(
        "/api/3/action/collectivites_keyword_cloud",
        query_string={"theme": "environnement"},
    ).json["result"]
    assert cloud["filters"] == {"organization": None, "theme": "environnement"}
    assert {k["name"] for k in cloud["keywords"]} == {"eau", "air", "pollution"}
    assert tk.check_access("collectivites_theme_list", {"user": ""}) is True
