"""Import a job's objects in several processes (``harvest run``, demo, tests).

Writing a dataset is mostly Python work in CKAN (validation, dictization,
activity, index document): one process keeps one core busy and leaves the
others idle. After the gather, the objects are shared between ``workers``
forked processes, each with its own database connections, running the same
``fetch_and_import_stages`` as ckanext-harvest's fetch consumers (which can
likewise run side by side). Objects are independent: each is committed alone,
and the one thing two datasets may create at once, a new keyword, is
serialised (:mod:`.concurrency`).

A process that dies leaves its remaining objects waiting: they are imported by
the parent afterwards, one by one.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queue_module
from collections.abc import Callable, Sequence
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

log = logging.getLogger(__name__)

WORKERS_KEY = "ckanext.collectivites.harvest.import_workers"
#: Below this many objects, forking costs more than it saves.
MIN_OBJECTS = 40
_DONE = "__done__"


def workers() -> int:
    """How many processes import a job (``import_workers``, default 2)."""
    try:
        return max(1, int(tk.config.get(WORKERS_KEY) or 2))
    except (TypeError, ValueError):
        return 1


def _dispose_engines() -> None:
    """Close the pooled connections: a forked process must open its own."""
    model.Session.remove()
    model.meta.engine.dispose()
    try:
        from ckanext.datastore.backend import postgres as datastore
    except ImportError:  # pragma: no cover - DataStore not installed
        return
    for engine in list(getattr(datastore, "_engines", {}).values()):
        engine.dispose()


def import_one(harvester: Any, object_id: str) -> str:
    """Fetch and import one object; its report status."""
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestObject

    obj = HarvestObject.get(object_id)
    if obj is None:
        return "errored"
    queue.fetch_and_import_stages(harvester, obj)
    return obj.report_status or obj.state or ""


def _child(harvester: Any, ids: Sequence[str], out: Any) -> None:
    try:
        for object_id in ids:
            try:
                out.put(import_one(harvester, object_id))
            except Exception:  # noqa: BLE001 - the next objects still go
                log.exception("Import of harvest object %s failed", object_id)
                model.Session.rollback()
                out.put("errored")
    finally:
        model.Session.remove()
        out.put(_DONE)


def _waiting(ids: Sequence[str]) -> list[str]:
    """Objects of ``ids`` no process got to (a process died)."""
    from ckanext.harvest.model import HarvestObject

    rows = model.Session.query(HarvestObject.id).filter(
        HarvestObject.id.in_(list(ids)), HarvestObject.state == "WAITING"
    )
    waiting = {object_id for (object_id,) in rows}
    return [object_id for object_id in ids if object_id in waiting]


def import_objects(
    harvester: Any,
    ids: Sequence[str],
    on_object: Callable[[str], None] | None = None,
    processes: int | None = None,
) -> None:
    """Import ``ids``, in ``processes`` forked processes when worth it."""
    count = processes if processes is not None else workers()
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if count <= 1 or len(ids) < MIN_OBJECTS or not can_fork:
        for object_id in ids:
            status = import_one(harvester, object_id)
            if on_object:
                on_object(status)
        return
    context = multiprocessing.get_context("fork")
    model.Session.commit()
    _dispose_engines()
    out = context.Queue()
    children = [
        context.Process(target=_child, args=(harvester, ids[i::count], out))
        for i in range(count)
    ]
    for child in children:
        child.start()
    running = len(children)
    while running:
        try:
            status = out.get(timeout=1)
        except queue_module.Empty:
            if not any(child.is_alive() for child in children) and out.empty():
                break  # a process died without saying so
            continue
        if status == _DONE:
            running -= 1
        elif on_object:
            on_object(status)
    for child in children:
        child.join()
        if child.exitcode:
            log.error("Harvest import process exited with %s", child.exitcode)
    for object_id in _waiting(ids):
        status = import_one(harvester, object_id)
        if on_object:
            on_object(status)
