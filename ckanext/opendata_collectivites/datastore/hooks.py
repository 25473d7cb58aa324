"""When to load: after a dataset is created or updated (web form, API,
harvest: ``resource_create``/``resource_update`` go through
``package_update``). Tabular resources whose file changed
(:func:`.jobs.fingerprint`) are marked ``pending`` in the same transaction
and queued once it commits."""

from __future__ import annotations

import logging
from typing import Any

from ckan.lib.dictization import model_dictize

from ckanext.opendata_collectivites.datastore import jobs, status

SESSION_KEY = "collectivites_datastore_queue"
log = logging.getLogger(__name__)


def dataset_changed(pkg_dict: dict[str, Any]) -> None:
    from ckan import model

    if not pkg_dict.get("id"):
        return
    # New resources have no id yet in the caller's dict: read them back
    # (dictized as resource_show does, without a whole package_show).
    if not any(jobs.is_tabular(r) for r in pkg_dict.get("resources") or []):
        return
    package = model.Package.get(pkg_dict["id"])
    if package is None:
        return
    context = {"model": model, "session": model.Session}
    queue = model.Session.info.setdefault(SESSION_KEY, [])
    for resource in package.resources:
        res = model_dictize.resource_dictize(resource, context)
        if not jobs.is_tabular(res) or res["id"] in queue:
            continue
        fp = jobs.fingerprint(res)
        known = status.get(res["id"])
        if known and (known["value"] or {}).get("fingerprint") == fp:
            continue
        status.save(res["id"], "pending", {"fingerprint": fp})
        queue.append(res["id"])


def after_commit(session: Any) -> None:
    """Queue the loads; with Redis down the dataset stays saved (``pending``)."""
    for resource_id in session.info.pop(SESSION_KEY, []):
        try:
            jobs.enqueue(resource_id)
        except Exception:  # noqa: BLE001 - the dataset is saved already
            log.exception("Cannot queue the DataStore load of %s", resource_id)


def after_rollback(session: Any) -> None:
    session.info.pop(SESSION_KEY, None)


def listen_for_commits() -> None:
    from ckan import model
    from sqlalchemy import event

    if not event.contains(model.Session, "after_commit", after_commit):
        event.listen(model.Session, "after_commit", after_commit)
        event.listen(model.Session, "after_rollback", after_rollback)
