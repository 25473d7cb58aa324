"""The harvester under ckanext-harvest's own machinery: Redis gather/fetch
queues with their consumer callbacks, and ``ckan harvester run-test``."""
from __future__ import annotations

from ckan.cli.cli import ckan

from tests.harvest import payloads as P
from tests.harvest.conftest import action, datasets_of


def test_gather_and_fetch_consumers_on_redis(server, commune, source):
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob

    org = commune("ville-de-rennes")
    src = source(server.mount("rennes", P.ods("rennes")), org)
    gather = queue.get_gather_consumer()
    fetch = queue.get_fetch_consumer()
    redis = queue.get_connection()
    gather.queue_purge()
    fetch.queue_purge()

    job = action("harvest_job_create", source_id=src["id"], run=True)
    assert redis.llen(gather.routing_key) == 1
    method, header, body = next(gather.consume(queue.get_gather_queue_name()))
    queue.gather_callback(gather, method, header, body)

    assert redis.llen(fetch.routing_key) == 4
    messages = fetch.consume(queue.get_fetch_queue_name())
    for _ in range(4):
        method, header, body = next(messages)
        queue.fetch_callback(fetch, method, header, body)
    assert redis.llen(fetch.routing_key) == 0

    action("harvest_jobs_run", source_id=src["id"])
    assert HarvestJob.get(job["id"]).status == "Finished"
    assert len(datasets_of(org)) == 4
    shown = action("harvest_job_show", id=job["id"])
    assert shown["stats"]["added"] == 4


def test_ckan_harvester_run_test(cli, server, commune, source):
    org = commune("ville-de-saint-malo")
    url = server.mount("dgf", P.udata("saint-malo"))
    src = source(url + "/fr/organizations/ville-de-saint-malo/", org)
    result = cli.invoke(ckan, ["harvester", "run-test", src["name"]])
    assert result.exit_code == 0, result.output
    assert sorted(d["title"] for d in datasets_of(org)) == [
        "Délibérations du conseil municipal de Saint-Malo",
        "Fréquentation des plages", "Horaires des marées"]
