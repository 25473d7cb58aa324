"""Imports in several processes (:mod:`harvest.parallel`), and new keywords
created once when two imports need them at the same time (:mod:`.concurrency`)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

import pytest
from ckan import model
from sqlalchemy import text

from ckanext.opendata_collectivites.harvest import concurrency, parallel
from ckanext.opendata_collectivites.harvest.payload_server import OdsCatalogue
from ckanext.opendata_collectivites.harvest.run import run_source
from tests.harvest.conftest import action, datasets_of

N = 60  # above parallel.MIN_OBJECTS


def _datasets(n: int, keyword: str) -> list[dict[str, Any]]:
    return [
        {
            "dataset_id": f"jeu-{i}",
            "dataset_uid": f"da_{i:06d}",
            "has_records": True,
            "features": [],
            "attachments": [],
            "metas": {
                "default": {
                    "title": f"Jeu de données n° {i}",
                    "description": f"Description du jeu {i}.",
                    "keyword": [keyword, f"{keyword} {i % 7}"],
                    "license": "Licence Ouverte v2.0 (Etalab)",
                    "modified": "2024-05-06T15:15:18+00:00",
                }
            },
        }
        for i in range(n)
    ]


@pytest.fixture
def pids(monkeypatch, tmp_path) -> set[int]:
    """The processes that imported objects (forked processes inherit the spy)."""
    original = parallel.import_one

    def spy(harvester, object_id):
        (tmp_path / f"{os.getpid()}-{object_id}").touch()
        return original(harvester, object_id)

    monkeypatch.setattr(parallel, "import_one", spy)
    return tmp_path


def _importers(tmp_path) -> dict[int, int]:
    found: dict[int, int] = {}
    for path in tmp_path.iterdir():
        if path.name.startswith("died-"):
            continue
        pid = int(path.name.split("-", 1)[0])
        found[pid] = found.get(pid, 0) + 1
    return found


def test_two_processes_import_every_record_once(pids, server, commune, source):
    org = commune("ville-de-rennes")
    keyword = f"nouveau-{uuid.uuid4().hex[:6]}"  # created by both processes at once
    src = source(server.mount("ods", OdsCatalogue(_datasets(N, keyword))), org)
    seen: list[str] = []
    summary = run_source(src["id"], on_object=seen.append, workers=2)
    model.Session.remove()
    assert summary.counts["added"] == N, summary.object_errors
    assert summary.counts["errors"] == 0 and not summary.object_errors
    assert sorted(seen) == ["added"] * N
    importers = _importers(pids)
    assert len(importers) == 2 and os.getpid() not in importers
    assert sum(importers.values()) == N
    datasets = datasets_of(org)
    assert len(datasets) == N
    assert all(keyword in {t["name"] for t in d["tags"]} for d in datasets)
    found = action("package_search", fq=f"tags:{keyword}", rows=0)
    assert found["count"] == N
    again = run_source(src["id"], workers=2)
    assert again.counts["unchanged"] == N and again.counts["added"] == 0


def test_the_records_of_a_dead_process_are_imported_by_the_parent(
    pids, server, commune, source, monkeypatch
):
    parent = os.getpid()
    spy = parallel.import_one

    def dies_once(harvester, object_id):
        if os.getpid() != parent and not list(pids.glob("died-*")):
            (pids / f"died-{os.getpid()}").touch()
            os._exit(9)
        return spy(harvester, object_id)

    monkeypatch.setattr(parallel, "import_one", dies_once)
    org = commune("ville-de-rennes")
    src = source(server.mount("ods", OdsCatalogue(_datasets(N, "relance"))), org)
    summary = run_source(src["id"], workers=2)
    model.Session.remove()
    assert summary.counts["added"] == N, summary.object_errors
    assert len(datasets_of(org)) == N
    died = int(next(pids.glob("died-*")).name.split("-")[1])
    importers = _importers(pids)
    assert died not in importers and importers.get(parent, 0) >= 1


def test_a_new_keyword_created_meanwhile_is_reused_not_repeated(
    server, commune, source
):
    """Another import creates the same new keyword and commits while ours
    waits on the keyword's lock: ours reuses it (CKAN's unique constraint does
    not hold for free keywords: without the lock, the keyword is stored twice)."""
    org = commune("ville-de-rennes")
    src = source(server.mount("ods", OdsCatalogue(_datasets(1, "collision"))), org)
    inserted, waited = threading.Event(), threading.Event()
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory' "
        "AND datname = current_database()"
    )

    def other_import() -> None:
        with model.meta.engine.connect() as conn, model.meta.engine.connect() as watch:
            concurrency.lock_keywords(conn, [{"name": "collision"}])
            conn.execute(
                text("INSERT INTO tag (id, name) VALUES (:id, 'collision')"),
                {"id": str(uuid.uuid4())},
            )
            inserted.set()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not waited.is_set():
                if watch.execute(waiting).scalar():
                    waited.set()  # our import waits for this transaction
                watch.rollback()
                time.sleep(0.05)
            conn.commit()

    thread = threading.Thread(target=other_import)
    thread.start()
    inserted.wait(5)
    summary = run_source(src["id"], workers=1)
    thread.join()
    model.Session.remove()
    assert waited.is_set()
    assert summary.counts["added"] == 1 and not summary.object_errors
    (dataset,) = datasets_of(org)
    assert "collision" in {t["name"] for t in dataset["tags"]}
    stored = model.Session.execute(
        text("SELECT count(*) FROM tag WHERE name = 'collision'")
    ).scalar()
    assert stored == 1


def test_two_processes_store_each_new_keyword_once(pids, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.mount("ods", OdsCatalogue(_datasets(N, "partage"))), org)
    summary = run_source(src["id"], workers=2)
    model.Session.remove()
    assert summary.counts["added"] == N
    rows = model.Session.execute(
        text(
            "SELECT name, count(*) FROM tag WHERE name LIKE 'partage%' "
            "AND vocabulary_id IS NULL GROUP BY name"
        )
    ).all()
    assert len(rows) == 8 and all(n == 1 for _name, n in rows)
