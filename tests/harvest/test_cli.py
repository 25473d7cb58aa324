"""``ckan collectivites harvest run <source>``."""
from __future__ import annotations

import datetime

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckanext.harvest.logic import HarvestJobExists

from tests.harvest import payloads as P
from tests.harvest.conftest import action, datasets_of


def test_cli_runs_one_source_with_a_summary(cli, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.mount("dinan", P.scdl("dinan")) + "/catalogue.csv", org)
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert result.exit_code == 0, result.output
    assert "3 objet(s) à importer" in result.output
    assert "Bilan : 3 ajoutés, 0 mis à jour, 0 inchangés, 0 retirés, 0 en erreur" in (
        result.output)
    assert len(datasets_of(org)) == 3
    again = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert "0 ajoutés, 0 mis à jour, 3 inchangés" in again.output


def test_cli_reports_a_failed_source(cli, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.url("nulle-part"), org)
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert result.exit_code == 1
    assert "Aucun catalogue reconnu" in result.output


def test_cli_unknown_source(cli, plugins, clean_db):
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", "inconnue"])
    assert result.exit_code == 2
    assert "Source de moissonnage introuvable" in result.output


def _jobs(src) -> list:
    from ckanext.harvest.model import HarvestJob

    model.Session.expire_all()
    return (
        model.Session.query(HarvestJob)
        .filter(HarvestJob.source_id == src["id"])
        .order_by(HarvestJob.created)
        .all()
    )


def test_cli_takes_a_new_job_waiting_for_the_source(cli, server, commune, source):
    """A job created but never queued (status New) is run, not duplicated."""
    org = commune("ville-de-rennes")
    src = source(server.mount("dinan", P.scdl("dinan")) + "/catalogue.csv", org)
    waiting = action("harvest_job_create", source_id=src["id"], run=False)
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert result.exit_code == 0, result.output
    assert "Tâche de moissonnage en attente reprise" in result.output
    assert "Bilan : 3 ajoutés" in result.output
    assert [(j.id, j.status) for j in _jobs(src)] == [(waiting["id"], "Finished")]
    assert len(datasets_of(org)) == 3


@pytest.fixture
def gather_queue():
    """ckanext-harvest's Redis gather queue (the test's own Redis db), emptied."""
    from ckanext.harvest import queue

    consumer = queue.get_gather_consumer()
    consumer.queue_purge()
    yield queue.get_connection(), consumer.routing_key
    consumer.queue_purge()


def test_cli_refuses_in_french_when_reharvest_queued_a_job(
    app, cli, server, commune, source, gather_queue
):
    """"Reharvest" in the interface queues a Running job for the consumers."""
    redis, key = gather_queue
    org = commune("ville-de-rennes")
    src = source(server.mount("dinan", P.scdl("dinan")) + "/catalogue.csv", org)
    admin = factories.SysadminWithToken()
    app.post(
        f"/harvest/refresh/{src['id']}",
        headers={"Authorization": admin["token"]},
        follow_redirects=False,
    )
    (queued,) = _jobs(src)
    assert queued.status == "Running" and redis.llen(key) == 1

    result = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert result.exit_code == 3, result.output
    assert not isinstance(result.exception, HarvestJobExists)
    assert "Traceback" not in result.output
    assert "HarvestJobExists" not in result.output
    assert (
        f"Une tâche de moissonnage de la source « {src['name']} » attend déjà dans "
        "la file d'attente" in result.output
    )
    assert "ckan harvester gather-consumer" in result.output
    # nothing touched: the consumers still own their job
    assert [(j.id, j.status) for j in _jobs(src)] == [(queued.id, "Running")]
    assert redis.llen(key) == 1 and datasets_of(org) == []


def test_cli_refuses_while_a_gather_is_in_progress(cli, server, commune, source):
    from ckanext.harvest.model import HarvestJob

    org = commune("ville-de-rennes")
    src = source(server.mount("dinan", P.scdl("dinan")) + "/catalogue.csv", org)
    running = action("harvest_job_create", source_id=src["id"], run=False)
    job = HarvestJob.get(running["id"])
    job.status = "Running"
    job.gather_started = datetime.datetime(2026, 3, 2, 9, 15)
    job.save()
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert result.exit_code == 3, result.output
    assert "est déjà en cours (démarré le 02/03/2026 à 09:15 UTC)" in result.output
    assert f"ckan harvester job-abort {src['name']}" in result.output
    assert [j.status for j in _jobs(src)] == ["Running"]
