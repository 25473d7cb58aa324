"""Harvested resources (remote files on a commune's site) are loaded after
the harvest, through the harvester's HTTP client; an unreachable file is an
``error`` in French, and an unchanged catalogue queues nothing."""

from __future__ import annotations

from ckan.tests.helpers import call_action

from tests.harvest.conftest import by_title, commune, datasets_of, harvest, source
from tests.validation.test_harvest import site

from .conftest import FIXTURES, run_jobs

__all__ = ["commune", "site", "source"]  # fixtures shared with other rooms


def test_harvested_csv_files_are_loaded(queue, commune, source, site, app):
    org = commune("ville-de-rennes")
    src = source(f"{site}/catalog.ttl", org, config={"platform": "dcat"})
    assert harvest(src).ok
    parkings = by_title(datasets_of(org))["Parkings publics"]
    ids = {r["name"]: r["id"] for r in parkings["resources"]}
    assert queue.count == 3  # queued, not loaded during the harvest
    assert sorted(run_jobs(queue)) == ["complete", "complete", "error"]

    found = call_action(
        "datastore_search",
        {"ignore_auth": True},
        resource_id=ids["Parkings (valide)"],
        sort="_id",
    )
    source_rows = (FIXTURES / "validation/stationnement-exemple-valide.csv").read_text()
    assert found["total"] == len(source_rows.strip().splitlines()) - 1
    assert found["records"][0]["num_siret"] == "21920044100018"

    from ckanext.opendata_collectivites.datastore import status, views

    absent = status.get(ids["Parkings (supprimé)"])
    assert absent["state"] == "error" and absent["value"]["code"] == "fetch-failed"
    with app.flask_app.test_request_context():
        shown = views.load_status({"id": ids["Parkings (supprimé)"], "format": "CSV"})
    assert shown["message"].startswith("Les données n'ont pas pu être chargées")
    assert "404" in shown["message"]

    assert harvest(src).ok
    assert queue.count == 0
