"""Redis cache for the page aggregates, invalidated by a generation counter.

Every cached value's key contains the current *generation*. Any dataset change
bumps the generation (once immediately, once more after the transaction
commits, so a request racing with the commit cannot keep a stale value), which
makes all previous entries unreachable; they expire through their TTL.
When Redis is unavailable the values are computed on every call.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import flask
from ckan.lib.redis import connect_to_redis

log = logging.getLogger(__name__)

TTL_OPTION = "ckanext.collectivites.pages.cache_ttl"
DIRTY_FLAG = "collectivites_pages_dirty"


def _prefix() -> str:
    return f"{tk.config.get('ckan.site_id')}:collectivites:pages"


def _generation_key() -> str:
    return f"{_prefix()}:generation"


_MEMO = "_collectivites_pages_generation"


def generation() -> int:
    """Current generation (0 when never bumped), read once per request."""
    memo = flask.g if flask.has_app_context() else None
    if memo is not None and hasattr(memo, _MEMO):
        return getattr(memo, _MEMO)
    value = int(connect_to_redis().get(_generation_key()) or 0)
    if memo is not None:
        setattr(memo, _MEMO, value)
    return value


def invalidate() -> None:
    """Make every cached aggregate stale now (safe to call often)."""
    if flask.has_app_context():
        flask.g.pop(_MEMO, None)
    try:
        connect_to_redis().incr(_generation_key())
    except Exception as error:  # Redis down: nothing is cached either
        log.warning("Cannot invalidate the pages cache: %s", error)


def mark_session_dirty() -> None:
    """Invalidate now and again when the current DB transaction commits.

    The immediate bump happens once per transaction: further changes in the
    same transaction (a rebuild indexes thousands) are covered by the bump
    after the commit.
    """
    from ckan import model

    if model.Session.info.get(DIRTY_FLAG):
        return
    invalidate()
    model.Session.info[DIRTY_FLAG] = True


def after_commit(session: Any) -> None:
    """SQLAlchemy ``after_commit`` listener: second bump, after the commit."""
    if session.info.pop(DIRTY_FLAG, False):
        invalidate()


def after_rollback(session: Any) -> None:
    session.info.pop(DIRTY_FLAG, None)


def cached(name: str, params: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """Return ``compute()``, cached under ``name`` + ``params`` (JSON values)."""
    ttl = tk.config.get(TTL_OPTION)
    if not ttl or ttl <= 0:
        return compute()
    digest = hashlib.sha1(
        json.dumps(params, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    try:
        redis = connect_to_redis()
        key = f"{_prefix()}:{generation()}:{name}:{digest}"
        hit = redis.get(key)
    except Exception as error:
        log.warning("Pages cache unavailable: %s", error)
        return compute()
    if hit is not None:
        return json.loads(hit)
    value = compute()
    try:
        redis.setex(key, ttl, json.dumps(value))
    except Exception as error:
        log.warning("Cannot store in the pages cache: %s", error)
    return value


def listen_for_commits() -> None:
    """Install the commit/rollback listeners on CKAN's session (idempotent)."""
    from ckan import model
    from sqlalchemy import event

    if not event.contains(model.Session, "after_commit", after_commit):
        event.listen(model.Session, "after_commit", after_commit)
        event.listen(model.Session, "after_rollback", after_rollback)
