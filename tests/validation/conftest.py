"""Fixtures of the validation tests: a clean portal with a collectivité, a local
HTTP server serving the real files, and a worker that runs CKAN's queued jobs."""

from __future__ import annotations

import pathlib
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.harvest.conftest import commune, source  # noqa: F401

# The harvest room's fixtures (a commune, a harvest source), shared not copied.
from tests.local_http import serve_directory

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "validation"
BASE = "https://schema.data.gouv.fr/schemas/"
STATIONNEMENT = BASE + "etalab/schema-stationnement/0.1.5/schema.json"
SUBVENTIONS = BASE + "scdl/subventions/2.1.1/schema.json"


@pytest.fixture
def files() -> Iterator[str]:
    """Base URL of a local server on 127.0.0.1 serving tests/fixtures/validation."""
    with serve_directory(FIXTURES) as server:
        yield server.base_url


@pytest.fixture
def queue(plugins, clean_db, clean_index):
    """CKAN's default jobs queue on the test Redis, emptied."""
    from ckan.lib import jobs

    q = jobs.get_queue()
    q.empty()
    yield q
    q.empty()


def run_jobs(queue) -> list[Any]:
    """Run the queued jobs with an rq SimpleWorker in this process (burst);
    returns the finished jobs' results."""
    from rq import SimpleWorker

    ids = list(queue.job_ids)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:  # rq installs its own handlers and leaves them in place
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    results = []
    for job_id in ids:
        job = queue.fetch_job(job_id)
        assert job is not None and job.is_finished, job and job.exc_info
        results.append(job.return_value())
    return results


@pytest.fixture
def org(queue) -> dict[str, Any]:
    admin = factories.Sysadmin()
    org = call_action(
        "organization_create",
        {"user": admin["name"]},
        name="ville-d-antibes",
        title="Ville d'Antibes",
        collectivite_type="commune",
        siren="210600045",
        territory="commune:06004",
    )
    return {"admin": admin, **org}


@pytest.fixture
def dataset(org) -> Callable[..., dict[str, Any]]:
    def make(
        name: str, resources: list[dict[str, Any]], **extra: Any
    ) -> dict[str, Any]:
        return call_action(
            "package_create",
            {"user": org["admin"]["name"]},
            name=name,
            title=name.replace("-", " ").capitalize(),
            notes="Jeu de données de test de la validation.",
            owner_org=org["id"],
            license_id="lov2",
            resources=resources,
            **extra,
        )

    return make
