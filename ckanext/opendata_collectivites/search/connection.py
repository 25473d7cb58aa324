"""A ``pysolr.Solr`` look-alike that keeps CKAN's index in PostgreSQL.

Writes go through ``ckan.model.Session``: when CKAN indexes from its
``before_commit`` hook the index change joins the dataset's transaction, and
searches in the same session see it.  ``commit()`` commits the session unless
it is already committing (the hook), as Solr's commit makes writes durable.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Optional

import pysolr
from sqlalchemy import event, exc as sa_exc, text

from ckanext.opendata_collectivites.search import querying, writer
from ckanext.opendata_collectivites.search.compiler import Compiler, Params
from ckanext.opendata_collectivites.search.parser import parse_lucene

log = logging.getLogger(__name__)
TABLE = querying.TABLE
_COMMITTING = "collectivites_search_committing"

_UPSERT = text(
    "INSERT INTO %s (index_id, site_id, stored, strings, tsv) VALUES "
    "(:index_id, :site_id, CAST(:stored AS jsonb), CAST(:strings AS jsonb), "
    "CAST(:tsv AS tsvector)) ON CONFLICT (index_id) DO UPDATE SET "
    "site_id = EXCLUDED.site_id, stored = EXCLUDED.stored, strings = EXCLUDED.strings, "
    "tsv = EXCLUDED.tsv, seq = nextval('%s_seq_seq')" % (TABLE, TABLE)
)


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
    _listening = True


def _wrap_db_errors(func: Any) -> Any:
    def wrapper(self: "PostgresSolr", *args: Any, **kwargs: Any) -> Any:
        try:
            return func(self, *args, **kwargs)
        except pysolr.SolrError:
            raise
        except sa_exc.DBAPIError as e:
            log.exception("Search index database error")
            # A failed statement aborts the transaction: roll back so the
            # session stays usable, and report a search error, not a 500.
            try:
                _session().rollback()
            except Exception:  # pragma: no cover - best effort
                pass
            raise pysolr.SolrError(
                "Search index error (%s): %s" % (type(e.orig).__name__, str(e.orig)[:300])
            ) from None
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


class PostgresSolr:
    """The subset of ``pysolr.Solr`` CKAN, ckanext-harvest and ckanext-dcat use."""

    def __init__(self, url: str = "", decoder: Any = None, timeout: Any = 60,
                 **kwargs: Any) -> None:
        self.url = url
        self.decoder = decoder
        self.timeout = timeout

    # -- reading -------------------------------------------------------------
    @_wrap_db_errors
    def search(self, q: Any = None, search_handler: Optional[str] = None,
               **kwargs: Any) -> pysolr.Results:
        response = querying.run(_session(), q, kwargs)
        hook = getattr(self.decoder, "object_hook", None)
        if hook is not None:
            response["response"]["docs"] = [hook(doc) for doc in response["response"]["docs"]]
        return pysolr.Results(response)

    # -- writing -------------------------------------------------------------
    @_wrap_db_errors
    def add(self, docs: Iterable[dict], boost: Any = None, fieldUpdates: Any = None,
            commit: Optional[bool] = None, **kwargs: Any) -> str:
        session = _session()
        rows = [writer.build_row(doc)._asdict() for doc in docs]
        if rows:
            session.execute(_UPSERT, rows)
        if commit:
            self._commit()
        return ""

    @_wrap_db_errors
    def delete(self, id: Any = None, q: Optional[str] = None,
               commit: Optional[bool] = None, **kwargs: Any) -> str:
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        session = _session()
        if id is not None:
            ids = [str(i) for i in (id if isinstance(id, (list, tuple)) else [id])]
            session.execute(text("DELETE FROM %s WHERE index_id = ANY(:ids)" % TABLE),
                            {"ids": ids})
        if q is not None:
            params = Params()
            cond = Compiler(params).condition(parse_lucene(str(q), "text", "OR"))
            session.execute(text("DELETE FROM %s d WHERE %s" % (TABLE, cond)), params.values)
        if commit:
            self._commit()
        return ""

    def commit(self, *args: Any, **kwargs: Any) -> str:
        self._commit()
        return ""

    @staticmethod
    def _commit() -> None:
        session = _session()
        if session.info.get(_COMMITTING):
            return  # the surrounding CKAN commit makes the change durable
        session.commit()

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def ping(self, *args: Any, **kwargs: Any) -> str:
        return "OK"
