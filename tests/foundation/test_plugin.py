"""The extension loads with the extensions it builds on and speaks French."""
from __future__ import annotations

import ckan.plugins as p
import pytest

EXPECTED = {
    "collectivites",
    "collectivites_search",
    "scheming_datasets",
    "scheming_organizations",
    "dcat",
    "harvest",
}


@pytest.mark.usefixtures("plugins")
def test_plugins_are_loaded():
    for name in EXPECTED:
        assert p.plugin_loaded(name), name


@pytest.mark.usefixtures("plugins")
def test_status_show_lists_plugins(app):
    result = app.get("/api/3/action/status_show").json["result"]
    assert EXPECTED <= set(result["extensions"])
    import ckan

    assert result["ckan_version"] == ckan.__version__
    assert result["ckan_version"].startswith(("2.11", "2.12"))
    assert result["locale_default"] == "fr"


@pytest.mark.usefixtures("plugins", "clean_db", "clean_index")
def test_home_page_is_french(app):
    response = app.get("/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.body
    assert "Jeux de données" in response.body


@pytest.mark.usefixtures("plugins", "clean_db", "clean_index")
def test_dataset_page_is_french(app):
    response = app.get("/dataset/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.body
    assert "Rechercher" in response.body
