"""Per-process cache of search results (counts, page ids, facet counts).

Like Solr's queryResultCache: results are keyed by the index *generation*, a
database sequence bumped after every commit that changed the index, so a
cached result is never served once the index changed.  A session that has
uncommitted index writes bypasses the cache (it must see its own writes).
Stored documents are always read from the table, never from the cache.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import text

CACHE_OPTION = "ckanext.collectivites.search.cache_size"
DIRTY = "collectivites_search_dirty"
SEQUENCE = "collectivites_search_generation"

_lock = threading.Lock()
_entries: OrderedDict[tuple, Any] = OrderedDict()


def size() -> int:
    from ckan.common import config

    try:
        return max(0, int(config.get(CACHE_OPTION) or 0))
    except (TypeError, ValueError):
        return 0


def key(session: Any, sql: str, params: dict[str, Any]) -> tuple | None:
    """The cache key of a query, or ``None`` when it must not be cached."""
    if size() == 0 or session.info.get(DIRTY):
        return None
    generation = session.execute(
        text(f"SELECT last_value, is_called FROM {SEQUENCE}")  # noqa: S608
    ).first()
    frozen = json.dumps(params, sort_keys=True, default=str)
    return (generation[0], generation[1], sql, frozen)


def get(cache_key: tuple | None) -> Any:
    if cache_key is None:
        return None
    with _lock:
        value = _entries.get(cache_key)
        if value is not None:
            _entries.move_to_end(cache_key)
        return value


def put(cache_key: tuple | None, value: Any) -> None:
    if cache_key is None:
        return
    limit = size()
    with _lock:
        _entries[cache_key] = value
        _entries.move_to_end(cache_key)
        while len(_entries) > limit:
            _entries.popitem(last=False)


def mark_dirty(session: Any) -> None:
    """Record that ``session`` changed the index (bump on commit)."""
    session.info[DIRTY] = True


def after_commit(session: Any) -> None:
    # SQLAlchemy also sends after_commit when a savepoint is released (CKAN
    # 2.12's package_update): nothing is committed yet, the session stays dirty.
    if session.in_nested_transaction():
        return
    if session.info.pop(DIRTY, None):
        bump()


def after_rollback(session: Any, *args: Any) -> None:
    if session.in_nested_transaction():  # back to a savepoint: stay dirty
        return
    session.info.pop(DIRTY, None)


def bump() -> None:
    """Advance the index generation (in its own, immediately committed statement)."""
    from ckan.model import meta

    with _lock:
        _entries.clear()
    engine = meta.engine
    if engine is None:  # pragma: no cover - model not initialised
        return
    with engine.connect() as connection:
        connection.execute(text(f"SELECT nextval('{SEQUENCE}')"))
