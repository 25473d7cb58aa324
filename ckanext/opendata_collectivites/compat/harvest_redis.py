"""ckanext-harvest's Redis queue consumers with redis-py ≥ 6 (CKAN 2.12).

ckanext-harvest 1.6.3's consumers wait for work with a blocking ``BLPOP`` and
no timeout. redis-py 6 gave every connection a 5-second socket timeout by
default (CKAN 2.12 installs redis-py 8; CKAN 2.11 redis-py 5, no default
timeout): ``ckan harvester gather-consumer`` and ``fetch-consumer`` then die
with ``TimeoutError: Timeout reading from socket`` after five idle seconds, and
harvest jobs started from the web interface never run. The queue's connections
are opened without a read timeout again, as with redis-py 5.
"""

from __future__ import annotations

from typing import Any

import redis

_DEFAULT_TIMEOUT = getattr(redis.connection, "DEFAULT_SOCKET_TIMEOUT", None)
#: True when redis-py gives connections a default read timeout (redis-py ≥ 6).
DEFAULT_TIMEOUT: bool = _DEFAULT_TIMEOUT is not None


def _wrap(stock: Any) -> Any:
    def get_connection_redis() -> Any:
        """ckanext-harvest's Redis connection, without a socket read timeout."""
        client = stock()
        client.connection_pool.connection_kwargs["socket_timeout"] = None
        return client

    get_connection_redis.stock = stock  # type: ignore[attr-defined]
    return get_connection_redis


def apply() -> bool:
    """Patch ``ckanext.harvest.queue.get_connection_redis``; return whether done."""
    if not DEFAULT_TIMEOUT:
        return False
    from ckanext.harvest import queue

    if not hasattr(queue.get_connection_redis, "stock"):
        queue.get_connection_redis = _wrap(queue.get_connection_redis)
    return True
