"""A ``pysolr.Solr`` look-alike that keeps CKAN's index in PostgreSQL.

Writes go through ``ckan.model.Session``: when CKAN indexes from its
``before_commit`` hook the index change joins the dataset's transaction, and
searches in the same session see it.  ``commit()`` commits the session unless
it is already committing (the hook), as Solr's commit makes writes durable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2
import pysolr
from psycopg2.extras import execute_values
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc

from ckanext.opendata_collectivites.search import cache, querying, terms, writer
from ckanext.opendata_collectivites.search.compiler import Compiler, Params
from ckanext.opendata_collectivites.search.parser import parse_lucene

log = logging.getLogger(__name__)
TABLE = querying.TABLE
_COMMITTING = "collectivites_search_committing"
_BUFFER = "collectivites_search_buffer"

_UPSERT = (  # noqa: S608 (constant table name; rows go through execute_values)
    f"INSERT INTO {TABLE} "  # noqa: S608
    "(index_id, site_id, stored, strings, tsv, hot, terms, part, modified) VALUES %s "
    "ON CONFLICT (index_id) DO UPDATE SET site_id = EXCLUDED.site_id, "
    "stored = EXCLUDED.stored, strings = EXCLUDED.strings, tsv = EXCLUDED.tsv, "
    "hot = EXCLUDED.hot, terms = EXCLUDED.terms, part = EXCLUDED.part, "
    f"modified = EXCLUDED.modified, seq = nextval('{TABLE}_seq_seq')"
)
_UPSERT_ROW = (
    "(%s, %s, %s::jsonb, %s::jsonb, %s::tsvector, %s::jsonb, %s::bigint[], %s, %s)"
)
# documents not indexed yet (another transaction may be indexing them too)
_INSERT = _UPSERT[: _UPSERT.index(" ON CONFLICT")] + (
    " ON CONFLICT (index_id) DO NOTHING RETURNING index_id"
)


def _values(row: writer.Row) -> tuple:
    return (*row[:6], [i for i, _, _ in row.terms], row.part, row.modified)


def _session() -> Any:
    from ckan import model

    return model.Session


def _mark_committing(session: Any) -> None:
    session.info[_COMMITTING] = True


def _unmark(session: Any, *args: Any) -> None:
    session.info.pop(_COMMITTING, None)


_listening = False


def listen_session_events() -> None:
    """Track when CKAN's session is committing (idempotent)."""
    global _listening
    if _listening:
        return
    from ckan.model import meta

    for target in (meta.Session, meta.create_local_session):
        event.listen(target, "before_commit", _mark_committing, insert=True)
        event.listen(target, "after_commit", _unmark)
        event.listen(target, "after_rollback", _unmark)
        event.listen(target, "after_soft_rollback", _unmark)
        event.listen(target, "after_commit", cache.after_commit)
        event.listen(target, "after_rollback", cache.after_rollback)
        # after CKAN's own before_commit hook, which indexes
        event.listen(target, "before_commit", terms.flush)
        event.listen(target, "after_rollback", terms.discard)
        event.listen(target, "after_commit", terms.vacuum_if_due)
    _listening = True


@contextmanager
def buffered_writes() -> Iterator[None]:
    """Keep the rows ``add`` builds and write them in one INSERT on exit.

    Rows are still built (and rejected) by each ``add`` call; any other use of
    the index (``search``, ``delete``, ``commit``) writes the pending rows
    first, so the session always reads its own writes.  Nested uses share the
    outermost buffer.
    """
    session = _session()
    if _BUFFER in session.info:
        yield
        return
    session.info[_BUFFER] = {}
    try:
        yield
    finally:
        try:
            PostgresSolr().flush()
        finally:
            session.info.pop(_BUFFER, None)


def _wrap_db_errors(func: Any) -> Any:
    def wrapper(self: PostgresSolr, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(self, *args, **kwargs)
        except pysolr.SolrError:
            raise
        except (sa_exc.DBAPIError, psycopg2.Error) as e:
            log.exception("Search index database error")
            # A failed statement aborts the transaction: roll back so the
            # session stays usable, and report a search error, not a 500.
            try:
                _session().rollback()
            except Exception:  # pragma: no cover - best effort
                pass
            orig = getattr(e, "orig", e)
            raise pysolr.SolrError(
                f"Search index error ({type(orig).__name__}): {str(orig)[:300]}"
            ) from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


class PostgresSolr:
    """The subset of ``pysolr.Solr`` CKAN, ckanext-harvest and ckanext-dcat use."""

    def __init__(
        self, url: str = "", decoder: Any = None, timeout: Any = 60, **kwargs: Any
    ) -> None:
        self.url = url
        self.decoder = decoder
        self.timeout = timeout

    # -- reading -------------------------------------------------------------
    @_wrap_db_errors
    def search(
        self, q: Any = None, search_handler: str | None = None, **kwargs: Any
    ) -> pysolr.Results:
        self._flush(_session())
        response = querying.run(_session(), q, kwargs)
        hook = getattr(self.decoder, "object_hook", None)
        if hook is not None:
            response["response"]["docs"] = [
                hook(doc) for doc in response["response"]["docs"]
            ]
        return pysolr.Results(response)

    # -- writing -------------------------------------------------------------
    @_wrap_db_errors
    def add(
        self,
        docs: Iterable[dict],
        boost: Any = None,
        fieldUpdates: Any = None,
        commit: bool | None = None,
        **kwargs: Any,
    ) -> str:
        self._stage(map(writer.build_row, docs))
        if commit:
            self._commit()
        return ""

    @_wrap_db_errors
    def add_rows(self, rows: Iterable[writer.Row]) -> None:
        """Index rows already built by :func:`writer.build_row` (a rebuild worker's)."""
        self._stage(rows)

    def _stage(self, rows: Iterable[writer.Row]) -> None:
        """Write ``rows`` now, or keep them for the chunk's INSERT
        (:func:`buffered_writes`); the last version of a document wins, as in Solr."""
        by_id = {row.index_id: row for row in rows}
        if not by_id:
            return
        session = _session()
        cache.mark_dirty(session)
        pending = session.info.get(_BUFFER)
        if pending is not None:
            pending.update(by_id)
        else:
            self._write(session, list(by_id.values()))

    @_wrap_db_errors
    def flush(self) -> None:
        """Write the rows kept by :func:`buffered_writes` so far."""
        self._flush(_session())

    @classmethod
    def _flush(cls, session: Any) -> None:
        pending = session.info.get(_BUFFER)
        if pending:
            rows = list(pending.values())
            pending.clear()
            cls._write(session, rows)

    @staticmethod
    def _write(session: Any, rows: list[writer.Row]) -> None:
        cursor = session.connection().connection.cursor()
        indexed = terms.before_write(session, cursor, rows)
        new = [row for row in rows if row.index_id not in indexed]
        if new:
            inserted = execute_values(
                cursor, _INSERT, list(map(_values, new)), _UPSERT_ROW, 500, fetch=True
            )
            done = {index_id for (index_id,) in inserted}
            # indexed meanwhile by a transaction that has now committed
            raced = [row.index_id for row in new if row.index_id not in done]
            indexed |= terms.replaced(session, cursor, raced) if raced else set()
        values = [_values(row) for row in rows if row.index_id in indexed]
        if values:
            execute_values(cursor, _UPSERT, values, _UPSERT_ROW, page_size=500)
        if session.info.get(_COMMITTING):
            terms.flush(session)

    @_wrap_db_errors
    def delete(
        self,
        id: Any = None,
        q: str | None = None,
        commit: bool | None = None,
        **kwargs: Any,
    ) -> str:
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        session = _session()
        self._flush(session)
        cache.mark_dirty(session)
        if id is not None:
            ids = [str(i) for i in (id if isinstance(id, (list, tuple)) else [id])]
            removed = session.execute(
                text(
                    f"DELETE FROM {TABLE} WHERE index_id = ANY(:ids) "  # noqa: S608
                    "RETURNING part, terms"
                ),
                {"ids": ids},
            )
            terms.uncount(session, removed)
        if q is not None:
            params = Params()
            cond = Compiler(params).condition(parse_lucene(str(q), "text", "OR"))
            # the condition is compiled SQL with bound parameters only
            delete = text(
                f"DELETE FROM {TABLE} d WHERE {cond} RETURNING part, terms"  # noqa: S608
            )
            terms.uncount(session, session.execute(delete, params.values))
        if session.info.get(_COMMITTING):
            terms.flush(session)
        if commit:
            self._commit()
        return ""

    def commit(self, *args: Any, **kwargs: Any) -> str:
        self._commit()
        return ""

    @classmethod
    def _commit(cls) -> None:
        session = _session()
        cls._flush(session)
        if session.info.get(_COMMITTING):
            return  # the surrounding CKAN commit makes the change durable
        real = session() if hasattr(session, "registry") else session  # scoped
        if real.in_nested_transaction():
            # CKAN 2.12's package_create/update index inside their savepoint
            # and commit right after: committing here would close it.
            return
        session.commit()

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def ping(self, *args: Any, **kwargs: Any) -> str:
        return "OK"
