"""The batched ``search-index rebuild`` leaves exactly CKAN's per-dataset index."""

from __future__ import annotations

from typing import Any

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins as plugins
import pysolr
import pytest
from ckan.cli.cli import ckan as ckan_cli
from ckan.cli.search_index import rebuild as rebuild_command
from ckan.common import config
from ckan.lib.dictization import model_dictize
from ckan.tests import helpers
from sqlalchemy import event as sa_event
from sqlalchemy import text

from ckanext.opendata_collectivites.demo import synthetic
from ckanext.opendata_collectivites.logic import cache as pages_cache
from ckanext.opendata_collectivites.search import lookups, rebuild, writer

# CKAN 2.12 dropped ``--clear`` (a rebuild never clears; it removes orphans).
CLEAR = ["-c"] if any(o.name == "clear" for o in rebuild_command.params) else []

pytestmark = [
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_redis"),
]


@pytest.fixture
def datasets() -> list[dict[str, Any]]:
    """Varied scheming datasets: private, draft, deleted, without publisher,
    in groups, harvested, with a relationship."""
    created = list(synthetic.build(24))
    helpers.call_action(
        "package_relationship_create",
        subject=created[0]["id"],
        object=created[2]["id"],
        type="child_of",
    )
    return created


def _rows() -> dict[str, tuple]:
    return {
        r[0]: tuple(r[1:])
        for r in model.Session.execute(
            text(
                "SELECT index_id, site_id, stored - 'indexed_ts', "
                "strings - 'indexed_ts', tsv::text, hot - 'indexed_ts' "
                "FROM collectivites_search_doc"
            )
        )
    }


def _rebuilt(fn: Any, **kwargs: Any) -> dict[str, tuple]:
    search.clear_all()
    fn(defer_commit=True, quiet=True, **kwargs)
    search.commit()
    return _rows()


def test_rebuild_is_routed_through_the_batched_path():
    assert search.rebuild is rebuild.rebuild
    assert model_dictize._execute is rebuild._execute


def test_prefetched_dictize_equals_package_dictize(datasets):
    packages = model.Session.query(model.Package).all()
    prefetch = rebuild.Prefetch(model.Session, packages)
    for pkg in packages:
        plain = model_dictize.package_dictize(pkg, {"model": model, "package": pkg})
        served = model_dictize.package_dictize(
            pkg, {"model": model, "package": pkg, rebuild.PREFETCH: prefetch}
        )
        assert served == plain


def test_batched_and_parallel_rebuilds_equal_ckan_rebuild(datasets, monkeypatch):
    expected = _rebuilt(rebuild.STOCK_REBUILD)
    assert len(expected) == 24  # 24 + the harvest source, minus the deleted one
    monkeypatch.setitem(config, rebuild.WORKERS_OPTION, 1)
    assert _rebuilt(search.rebuild) == expected
    monkeypatch.setattr(rebuild, "CHUNK", 4)
    monkeypatch.setitem(config, rebuild.WORKERS_OPTION, 2)
    assert _rebuilt(search.rebuild) == expected


def _fail_on(monkeypatch: Any, name: str) -> None:
    build_row = writer.build_row

    def failing(doc: dict[str, Any]) -> writer.Row:
        if doc.get("name") == name:
            raise pysolr.SolrError("document refusé")
        return build_row(doc)

    monkeypatch.setattr(writer, "build_row", failing)


@pytest.mark.parametrize("workers", [1, 2])
def test_errors_are_reported_like_ckan(datasets, monkeypatch, workers):
    monkeypatch.setattr(rebuild, "CHUNK", 4)
    monkeypatch.setitem(config, rebuild.WORKERS_OPTION, workers)
    bad = datasets[9]["name"]
    _fail_on(monkeypatch, bad)
    search.clear_all()
    with pytest.raises(search.SearchIndexError, match="document refusé"):
        search.rebuild(defer_commit=True, quiet=True)
    model.Session.rollback()
    rows = _rebuilt(search.rebuild, force=True)
    assert len(rows) == 23
    assert search.show(datasets[10]["name"])["name"] == datasets[10]["name"]
    with pytest.raises(search.SearchError):
        search.show(bad)


def test_failing_parallel_rebuild_stops_when_the_process_catches_sigterm(
    datasets, monkeypatch
):
    """An rq job worker catches SIGTERM: the rebuild's workers must still stop."""
    import signal

    monkeypatch.setattr(rebuild, "CHUNK", 4)
    monkeypatch.setitem(config, rebuild.WORKERS_OPTION, 2)
    _fail_on(monkeypatch, datasets[9]["name"])
    previous = signal.signal(signal.SIGTERM, lambda *args: None)
    try:
        search.clear_all()
        with pytest.raises(search.SearchIndexError, match="document refusé"):
            search.rebuild(defer_commit=True, quiet=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        model.Session.rollback()


def test_cli_options(datasets, cli, monkeypatch):
    search.clear(datasets[4]["name"])
    model.Session.commit()
    result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-o", "-q"])
    assert result.exit_code == 0, result.output
    assert search.show(datasets[4]["name"])["id"] == datasets[4]["id"]
    _fail_on(monkeypatch, datasets[6]["name"])
    result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-q"])
    assert result.exit_code == 1 and "document refusé" in result.output
    if not CLEAR:  # CKAN 2.12: clear as ``--clear`` did
        search.clear_all()
        model.Session.commit()
    result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-i", "-e", "-q", *CLEAR])
    assert result.exit_code == 0, result.output
    result = cli.invoke(ckan_cli, ["search-index", "check"])
    assert "1 out of" in result.output  # the failing one


def test_pages_cache_is_invalidated_once_per_rebuild(datasets, monkeypatch):
    monkeypatch.setitem(config, rebuild.WORKERS_OPTION, 1)
    before = pages_cache.generation()
    search.rebuild(defer_commit=True, quiet=True)
    search.commit()
    assert pages_cache.generation() == before + 2  # now, and after the commit


class _Statements:
    """SQL statements sent to PostgreSQL while active."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __enter__(self) -> list[str]:
        sa_event.listen(model.meta.engine, "before_cursor_execute", self._seen)
        return self.sent

    def __exit__(self, *exc: Any) -> None:
        sa_event.remove(model.meta.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.sent.append(statement)


def _members(group_id: str) -> list[tuple]:
    group = model.Group.get(group_id)
    return sorted(
        (user.id, capacity)
        for user, capacity in model_dictize._get_members(
            {"model": model}, group, "users"
        )
    )


def _harvest_extras(package_id: str) -> dict[str, Any]:
    hook = plugins.get_plugin("harvest").before_dataset_index
    indexed = hook({"id": package_id, "data_dict": "{}", "validated_data_dict": "{}"})
    return {k: v for k, v in indexed.items() if k.startswith("harvest_")}


def test_lookups_answer_exactly_their_queries_from_the_chunk(datasets):
    packages = model.Session.query(model.Package).all()
    ids = [p.id for p in packages]
    groups = [g.id for g in model.Session.query(model.Group).all()]
    expected_harvest = {pid: _harvest_extras(pid) for pid in ids}
    expected_members = {gid: _members(gid) for gid in groups}
    assert any(expected_harvest.values()) and any(expected_members.values())
    model.Session.expunge_all()
    session = model.Session()
    with lookups.answering(session, ids[1:], groups[1:]):
        with _Statements() as sent:
            for pid in ids[1:]:
                assert _harvest_extras(pid) == expected_harvest[pid]
            for gid in groups[1:]:
                assert _members(gid) == expected_members[gid]
        assert not [s for s in sent if "harvest_object" in s or "JOIN member" in s]
        with _Statements() as sent:  # not prefetched: asked to PostgreSQL
            assert _harvest_extras(ids[0]) == expected_harvest[ids[0]]
            assert _members(groups[0]) == expected_members[groups[0]]
        assert len([s for s in sent if "harvest_object" in s]) == 1
        assert len([s for s in sent if "JOIN member" in s]) == 1
    with _Statements() as sent:  # outside: as usual
        assert _harvest_extras(ids[1]) == expected_harvest[ids[1]]
    assert len([s for s in sent if "harvest_object" in s]) == 1


def test_workers_default_to_one_per_core(monkeypatch):
    monkeypatch.setattr(rebuild.os, "cpu_count", lambda: 2)
    assert rebuild._workers(1000) == 2
    assert rebuild._workers(150) == 1  # one chunk of datasets: no worker
    monkeypatch.setitem(config, rebuild.WORKERS_OPTION, 1)
    assert rebuild._workers(1000) == 1


def test_datasets_are_shown_from_the_prefetch(datasets, monkeypatch):
    """No per-dataset resource query: each chunk's rows come from its prefetch
    (also on CKAN 2.12, which shows each dataset in a fresh context)."""
    monkeypatch.setitem(config, rebuild.WORKERS_OPTION, 1)
    monkeypatch.setattr(rebuild, "CHUNK", 8)
    search.clear_all()
    with _Statements() as sent:
        search.rebuild(defer_commit=True, quiet=True)
    search.commit()
    from_resource = [s for s in sent if "FROM resource" in s and "package_id" in s]
    assert 0 < len(from_resource) <= 4  # one per chunk of 8 (24 + the source)
