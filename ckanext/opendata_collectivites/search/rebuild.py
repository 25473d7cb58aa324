"""Batched ``search-index rebuild`` for the PostgreSQL engine.

``ckan search-index rebuild`` (``ckan.lib.search.rebuild``) calls
``package_show`` then ``PackageSearchIndex.update_dict`` for each dataset.
This module keeps exactly that path (same actions, validation and plugin
hooks, so the same index documents) and removes its per-dataset round trips:

* the rows ``package_dictize`` reads (resources, tags, extras, groups,
  organisation, relationships) are fetched for a chunk of datasets with one
  set-based query each, and handed to CKAN's own ``package_dictize`` through
  its ``_execute`` seam, only for the dataset being shown, only for the exact
  queries it makes (anything else runs in SQL as usual);
* the per-dataset look-ups of plugins and ``group_dictize`` (harvest object,
  group members) are answered from per-chunk prefetches (``lookups``);
* the chunk's ``Package`` objects are loaded at once, so ``Package.get`` is
  served from the session's identity map;
* the engine's ``add`` keeps the built index rows and writes them with one
  multi-row INSERT per chunk (``connection.buffered_writes``);
* with ``ckanext.collectivites.search.rebuild_workers`` > 1 (0, the
  default: one per core; 1: none), forked workers show and index the chunks
  and send the rows back; this process writes them in order, in its single
  transaction.

Options, progress output and error handling are CKAN's: ``only_missing``,
``clear``, ``force`` (log and continue), ``defer_commit`` (commit per dataset
when false), ``package_id``/``package_ids``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from collections import defaultdict
from collections.abc import Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import ckan.lib.dictization.model_dictize as model_dictize
import ckan.lib.search as _search
import ckan.model as model
from ckan.common import config
from sqlalchemy import select
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.sql import visitors

from ckanext.opendata_collectivites.compat.extras import EXTRA_TABLES
from ckanext.opendata_collectivites.compat.index_dict import dict_to_index
from ckanext.opendata_collectivites.search import connection, engine, lookups

log = logging.getLogger(__name__)

STOCK_REBUILD = _search.rebuild
_STOCK_EXECUTE = model_dictize._execute
PREFETCH = "collectivites_search_prefetch"
WORKERS_OPTION = "ckanext.collectivites.search.rebuild_workers"
CHUNK = 100
#: The chunk's prefetch while it is indexed. CKAN 2.12 shows each dataset in a
#: ``fresh_context`` (``package_show_default_and_custom_schemas``), which does
#: not carry the rebuild's context keys, so the prefetch is found here too.
_CURRENT: ContextVar[Prefetch | None] = ContextVar(
    "collectivites_prefetch", default=None
)


def _rows(fields: list[str], values: list[tuple]) -> list[Any]:
    """Result rows with exactly ``fields`` (as the per-dataset query returns)."""
    return list(IteratorResult(SimpleResultMetaData(fields), iter(values)))


def _where_columns(q: Any) -> set[str]:
    return {
        element.name
        for element in visitors.iterate(q.whereclause)
        if getattr(element, "table", None) is not None and hasattr(element, "name")
    }


class Prefetch:
    """The rows ``package_dictize`` reads, for a chunk of packages at once."""

    def __init__(self, session: Any, packages: list[model.Package]) -> None:
        ids = [p.id for p in packages]
        self.ids = set(ids)
        res = model.resource_table
        self.resources = self._group(
            session.execute(select(res).where(res.c.package_id.in_(ids))), "package_id"
        )
        tag, pkg_tag = model.tag_table, model.package_tag_table
        self.tags = self._group_stripped(
            session.execute(
                select(tag, pkg_tag.c.state, pkg_tag.c.package_id)
                .join(pkg_tag, tag.c.id == pkg_tag.c.tag_id)
                .where(pkg_tag.c.package_id.in_(ids))
            )
        )
        self.extras = {}  # CKAN 2.12: extras are a column of the package row
        if EXTRA_TABLES:
            extra = model.package_extra_table
            self.extras = self._group(
                session.execute(select(extra).where(extra.c.package_id.in_(ids))),
                "package_id",
            )
        member, group = model.member_table, model.group_table
        self.groups = self._group_stripped(
            session.execute(
                select(group, member.c.capacity, member.c.table_id)
                .join(member, group.c.id == member.c.group_id)
                .where(
                    member.c.table_id.in_(ids),
                    member.c.state == "active",
                    group.c.is_organization == False,  # noqa: E712
                )
            )
        )
        owners = {p.owner_org for p in packages if p.owner_org}
        orgs = (
            {
                row.id: row
                for row in session.execute(
                    select(group)
                    .where(group.c.id.in_(owners))
                    .where(group.c.state == "active")
                )
            }
            if owners
            else {}
        )
        self.orgs = {
            p.id: [orgs[p.owner_org]] if p.owner_org in orgs else [] for p in packages
        }
        rel = model.package_relationship_table
        self.subject = self._group(
            session.execute(select(rel).where(rel.c.subject_package_id.in_(ids))),
            "subject_package_id",
        )
        self.object = self._group(
            session.execute(select(rel).where(rel.c.object_package_id.in_(ids))),
            "object_package_id",
        )

    @staticmethod
    def _group(result: Any, key: str) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = defaultdict(list)
        for row in result:
            out[getattr(row, key)].append(row)
        return out

    @staticmethod
    def _group_stripped(result: Any) -> dict[str, list[Any]]:
        """Group by the last column, then drop it from the rows."""
        fields = list(result.keys())[:-1]
        values: dict[str, list[tuple]] = defaultdict(list)
        for row in result:
            values[row[-1]].append(tuple(row[:-1]))
        return {pid: _rows(fields, vals) for pid, vals in values.items()}

    def answer(self, q: Any, table: Any, package_id: str) -> list[Any] | None:
        """Rows of one of ``package_dictize``'s queries, ``None`` if not prefetched."""
        if package_id not in self.ids:
            return None
        columns = _where_columns(q)
        if table is model.resource_table and columns == {"package_id"}:
            found = self.resources
        elif table is model.package_tag_table and columns == {"package_id"}:
            found = self.tags
        elif (
            EXTRA_TABLES
            and table is model.package_extra_table
            and columns == {"package_id"}
        ):
            found = self.extras
        elif table is model.member_table and columns == {
            "table_id",
            "state",
            "is_organization",
        }:
            found = self.groups
        elif table is model.group_table and columns == {"id", "state"}:
            found = self.orgs
        elif table is model.package_relationship_table and columns == {
            "subject_package_id"
        }:
            found = self.subject
        elif table is model.package_relationship_table and columns == {
            "object_package_id"
        }:
            found = self.object
        else:
            return None
        return list(found.get(package_id, ()))


def _execute(q: Any, table: Any, context: Any) -> Any:
    """``model_dictize._execute``, served from the rebuild's prefetch when it can."""
    prefetch = context.get(PREFETCH) or _CURRENT.get()
    package = context.get("package")
    if prefetch is not None and package is not None:
        rows = prefetch.answer(q, table, package.id)
        if rows is not None:
            return rows
    return _STOCK_EXECUTE(q, table, context)


def install() -> None:
    """Route ``ckan.lib.search.rebuild`` and ``package_dictize``'s reads here."""
    model_dictize._execute = _execute
    _search.rebuild = rebuild


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@contextmanager
def _prefetched(context: dict[str, Any], ids: list[str]) -> Iterator[None]:
    session = model.Session
    packages = (
        session.execute(select(model.Package).where(model.Package.id.in_(ids)))
        .scalars()
        .all()
    )
    prefetch = context[PREFETCH] = Prefetch(session, packages)
    token = _CURRENT.set(prefetch)
    try:
        with lookups.answering(
            session(), prefetch.ids, lookups.group_ids_of(prefetch.groups)
        ):
            yield
    finally:
        _CURRENT.reset(token)
        context.pop(PREFETCH, None)
        del packages


def _package_ids(only_missing: bool, clear: bool) -> list[str] | None:
    """The datasets to index, selected as CKAN does (``None``: nothing to do)."""
    packages = select(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        packages = packages.where(model.Package.state != "deleted")
    package_ids = list(model.Session.execute(packages).scalars())
    if only_missing:
        log.info("Indexing only missing packages...")
        package_query = _search.query_for(model.Package)
        indexed = set(package_query.get_all_entity_ids(max_results=len(package_ids)))
        package_ids = [i for i in package_ids if i not in indexed]
        if not package_ids:
            log.info("All datasets are already indexed")
            return None
    else:
        log.info("Rebuilding the whole index...")
        if clear:
            _search.index_for(model.Package).clear()
    return package_ids


def _index(context: dict[str, Any], pid: str, defer_commit: bool) -> None:
    """What CKAN's rebuild does for one dataset."""
    _search.index_for(model.Package).update_dict(
        dict_to_index(context, pid), defer_commit
    )


def _workers(total: int) -> int:
    """Worker processes for ``total`` datasets (option; 0: one per core)."""
    wanted = int(config.get(WORKERS_OPTION) or 0) or os.cpu_count() or 1
    return max(1, min(wanted, total // CHUNK))


def rebuild(
    package_id: str | None = None,
    only_missing: bool = False,
    force: bool = False,
    defer_commit: bool = False,
    package_ids: Collection[str] | None = None,
    quiet: bool = False,
    clear: bool = False,
) -> None:
    """``ckan.lib.search.rebuild`` with the batched path on the PostgreSQL engine."""
    if engine.active_engine() != "postgresql" or package_id:
        return STOCK_REBUILD(
            package_id,
            only_missing=only_missing,
            force=force,
            defer_commit=defer_commit,
            package_ids=package_ids,
            quiet=quiet,
            clear=clear,
        )
    log.info("Rebuilding search index...")
    context: dict[str, Any] = {
        "ignore_auth": True,
        "validate": False,
        "use_cache": False,
    }
    if package_ids is not None:
        package_index = _search.index_for(model.Package)
        for chunk in _chunks(list(package_ids)):
            with _prefetched(context, chunk), connection.buffered_writes():
                for pid in chunk:
                    pkg_dict = dict_to_index(context, pid)
                    log.info("Indexing just package %r...", pkg_dict["name"])
                    package_index.update_dict(pkg_dict, True)
        model.Session.commit()
        log.info("Finished rebuilding search index.")
        return
    ids = _package_ids(only_missing, clear)
    if ids is None:
        return
    progress = _Progress(len(ids), quiet)
    workers = _workers(len(ids)) if defer_commit else 1
    if workers > 1:
        _parallel(context, ids, workers, force, progress)
    else:
        for chunk in _chunks(ids):
            _index_chunk(context, chunk, defer_commit, force, progress)
    model.Session.commit()
    log.info("Finished rebuilding search index.")


class _Progress:
    """CKAN's "Indexing dataset i/n" line."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.quiet, self.count = total, quiet, 0

    def step(self, n: int = 1) -> None:
        self.count += n
        if not self.quiet:
            sys.stdout.write(f"\rIndexing dataset {self.count}/{self.total}")
            sys.stdout.flush()


def _index_chunk(
    context: dict[str, Any],
    chunk: list[str],
    defer_commit: bool,
    force: bool,
    progress: _Progress | None,
) -> list[str]:
    """Index ``chunk`` in this process, handling errors as CKAN does.

    Without ``progress`` (a worker) errors are not reported: the failed ids
    are returned, for the rebuilding process to index them itself.
    """
    failed = []
    with _prefetched(context, chunk), connection.buffered_writes():
        for pid in chunk:
            if progress is not None:
                progress.step()
            try:
                _index(context, pid, defer_commit)
            except Exception as e:
                if progress is None:
                    failed.append(pid)
                    continue
                log.error("Error while indexing dataset %s: %s", pid, repr(e))
                if force:
                    log.error(_search.text_traceback())
                    continue
                raise
    return failed


# -- worker processes ---------------------------------------------------------
# A worker (forked: same configuration and plugins) shows and indexes its
# chunks with its own read-only database connection; the index rows it builds
# are sent back instead of written, and the rebuilding process writes them in
# chunk order, in its own transaction.  A dataset that fails in a worker, or
# whose indexing would delete from the index, is indexed again by the
# rebuilding process, which reports errors as CKAN does.

_captured: list[Any] = []


def _capture(session: Any, rows: list[Any]) -> None:
    _captured.extend(rows)


def _refuse_delete(self: Any, *args: Any, **kwargs: Any) -> str:
    raise RuntimeError("index deletions are made by the rebuilding process")


def _worker_init() -> None:
    # A worker dies on SIGTERM or Ctrl-C even when the rebuilding process
    # catches them itself (an rq job worker does).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    model.meta.engine.dispose(close=False)  # the parent's connections stay its own
    model.Session.remove()
    connection.PostgresSolr._write = staticmethod(_capture)
    connection.PostgresSolr.delete = _refuse_delete


def _worker_chunk(chunk: list[str]) -> tuple[list[Any], list[str]]:
    context: dict[str, Any] = {
        "ignore_auth": True,
        "validate": False,
        "use_cache": False,
    }
    try:
        failed = _index_chunk(context, chunk, True, True, None)
    except Exception:  # the prefetch itself failed: all of it again, here
        log.exception("Rebuild worker failed on a chunk")
        model.Session.rollback()
        _captured.clear()
        return [], chunk
    rows = list(_captured)
    _captured.clear()
    return rows, failed


def _parallel(
    context: dict[str, Any],
    ids: list[str],
    workers: int,
    force: bool,
    progress: _Progress,
) -> None:
    """Index ``ids`` with ``workers`` forked processes.

    ``concurrent.futures`` rather than ``multiprocessing.Pool``: on an error
    the chunks not started are cancelled and the running ones finish, where
    ``Pool.terminate`` could hang for ever (its task thread blocked on the
    queue lock of a killed worker; seen in CI), and a worker that dies makes
    the rebuild fail (``BrokenProcessPool``) instead of waiting for it."""
    model.Session.commit()  # no connection in use while forking
    chunks = list(_chunks(ids[1:]))
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_init,
    )
    try:
        results = pool.map(_worker_chunk, chunks)
        # the first dataset here: the hooks' session-level effects (e.g. cache
        # invalidation after the commit) belong to this transaction
        _index_chunk(context, ids[:1], True, force, progress)
        for chunk, (rows, failed) in zip(chunks, results, strict=True):
            connection.PostgresSolr().add_rows(rows)
            progress.step(len(chunk) - len(failed))
            if failed:
                _index_chunk(context, failed, True, force, progress)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
