"""The harvest source page says which platform was detected behind the URL."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest

from tests.harvest import payloads as P
from tests.harvest.conftest import harvest


def test_source_page_shows_the_detected_platform(app, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.mount("rennes", P.ods("rennes")), org)
    before = app.get(f"/harvest/{src['name']}").body
    assert "Pas encore moissonnée" in before
    harvest(src)
    body = app.get(f"/harvest/{src['name']}").body
    assert "Catalogue détecté" in body
    assert "Opendatasoft (v2.1)" in body
    assert f"{server.url('rennes')}" in body
    assert "Jeux de données lus" in body


def test_source_page_shows_the_last_failure(app, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.url("absent"), org)
    harvest(src)
    body = app.get(f"/harvest/{src['name']}").body
    assert "Le dernier essai a échoué" in body
    assert "Aucun catalogue reconnu" in body


def test_source_type_is_offered_in_french(app, plugins, clean_db):
    from ckanext.opendata_collectivites.harvest.harvester import CollectivitesHarvester

    assert CollectivitesHarvester().info()["title"] == "Catalogue d'une collectivité"


def test_invalid_source_configuration_is_a_validation_error(commune, source):
    org = commune("ville-de-rennes")
    with pytest.raises(tk.ValidationError) as err:
        source("http://127.0.0.1:9/catalogue.csv", org, {"grace_days": -1})
    assert "grace_days doit être un nombre de jours" in str(err.value.error_dict)
