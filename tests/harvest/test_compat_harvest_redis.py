"""compat.harvest_redis: ckanext-harvest's queue consumers wait for work
without dying (redis-py ≥ 6 reads with a 5 s timeout by default)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis
from ckanext.harvest import queue

from ckanext.opendata_collectivites.compat import harvest_redis

pytestmark = pytest.mark.usefixtures("with_plugins")


def _wait_then_push(client: redis.Redis, key: str, seconds: float) -> None:
    def push() -> None:
        time.sleep(seconds)
        client.rpush(key, "travail")

    threading.Thread(target=push, daemon=True).start()


def test_stock_connection_times_out_on_an_idle_queue_with_redis_py_6_and_later():
    stock = getattr(queue.get_connection_redis, "stock", queue.get_connection_redis)
    client = stock()
    key = f"test-idle-{uuid.uuid4().hex}"
    _wait_then_push(redis.Redis.from_url(_url(client)), key, 6)
    if harvest_redis.DEFAULT_TIMEOUT:  # redis-py 8 (CKAN 2.12): the difference
        with pytest.raises(redis.exceptions.TimeoutError):
            client.blpop(key)
    else:  # redis-py 5 (CKAN 2.11): no timeout, nothing to bridge
        assert client.blpop(key) == (key, "travail")
        assert harvest_redis.apply() is False


def test_consumer_connection_waits_for_work():
    client = queue.get_connection_redis()
    key = f"test-idle-{uuid.uuid4().hex}"
    _wait_then_push(redis.Redis.from_url(_url(client)), key, 6)
    assert client.blpop(key) == (key, "travail")


def _url(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"
