"""Fixtures of the DataStore tests: a clean portal (CKAN and DataStore
databases), a collectivité with its editor, datasets, a local HTTP server
serving files, and CKAN's jobs queue run by an rq worker."""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

# The validation room's worker helper (an rq SimpleWorker in burst mode).
from tests.local_http import serve_directory
from tests.validation.conftest import run_jobs  # noqa: F401

DEMO = (
    pathlib.Path(__file__).parents[2] / "ckanext/opendata_collectivites/demo/data/files"
)

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def clean_datastore(plugins, clean_db, clean_index) -> None:
    """Drop the resources' tables of the DataStore database (CKAN's own
    objects made by ``set-permissions`` stay: they start with ``_``)."""
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_write_engine

    with get_write_engine().begin() as conn:
        tables = conn.execute(
            sa.text(
                "select tablename from pg_tables where schemaname = 'public' "
                "and tablename not like '\\_%'"
            )
        ).scalars()
        for table in list(tables):
            quoted = table.replace('"', '""')
            conn.execute(sa.text(f'drop table "{quoted}" cascade'))
        if conn.scalar(sa.text("select to_regclass('_table_stats')")):  # 2.12
            conn.execute(sa.text('delete from "_table_stats"'))


@pytest.fixture
def queue(clean_datastore):
    """The loads' jobs queue (``datastore``) on the test Redis, emptied."""
    from ckan.lib import jobs

    q = jobs.get_queue("datastore")
    q.empty()
    yield q
    q.empty()


@pytest.fixture
def serve(tmp_path) -> Iterator[Callable[[str, bytes], str]]:
    """``serve(name, content)``: the URL of ``content`` on a local server
    (127.0.0.1, allowed by test.ini's address policy)."""
    with serve_directory(tmp_path) as server:

        def put(name: str, content: bytes) -> str:
            (tmp_path / name).write_bytes(content)
            return server.url(f"/{name}")

        yield put


@pytest.fixture
def org(queue) -> dict[str, Any]:
    """A commune with an editor (member) and a sysadmin."""
    admin = factories.Sysadmin()
    editor = factories.User()
    org = call_action(
        "organization_create",
        {"user": admin["name"]},
        name="ville-de-rennes",
        title="Ville de Rennes",
        collectivite_type="commune",
        siren="213502388",
        territory="commune:35238",
        users=[{"name": editor["name"], "capacity": "editor"}],
    )
    return {"admin": admin, "editor": editor, **org}


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
            notes="Jeu de données de test du DataStore.",
            owner_org=org["id"],
            license_id="lov2",
            resources=resources,
            **extra,
        )

    return make


@pytest.fixture
def files_server() -> Iterator[str]:
    """Base URL of a local server on 127.0.0.1 serving tests/fixtures."""
    with serve_directory(FIXTURES) as server:
        yield server.base_url


@pytest.fixture
def equipements(dataset, serve, queue):
    def make(name: str = "equipements-saint-malo", **extra: Any):
        csv = (DEMO / "equipements-sportifs.csv").read_bytes()
        pkg = dataset(
            name,
            [{"name": "Équipements", "url": serve("equip.csv", csv), "format": "CSV"}],
            **extra,
        )
        assert run_jobs(queue) == ["complete"]
        return pkg, pkg["resources"][0]["id"]

    return make
