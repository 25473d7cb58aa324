"""When to validate: after a dataset or resource is created or updated.

CKAN's ``resource_create``/``resource_update`` go through ``package_update``,
so the dataset hooks see every change (web form, API, harvest).  Resources
whose file or declared schema changed (:func:`.jobs.fingerprint`) are marked
``pending`` in the same transaction and queued once it commits, so that the
worker never reads a dataset that is not saved yet, and a rolled-back change
queues nothing.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.validation import jobs, model

SESSION_KEY = "collectivites_validation_queue"
log = logging.getLogger(__name__)


def _declares_schema(pkg_dict: dict[str, Any]) -> bool:
    if pkg_dict.get("conforms_to"):
        return True
    return any(r.get("conforms_to") for r in pkg_dict.get("resources") or [])


def dataset_changed(pkg_dict: dict[str, Any]) -> None:
    """Mark and queue the resources of the dataset that need a (new) check."""
    from ckan import model as ckan_model

    if not _declares_schema(pkg_dict) or not pkg_dict.get("id"):
        return
    pkg = tk.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False}, {"id": pkg_dict["id"]}
    )
    resources = [r for r in pkg.get("resources") or [] if jobs.declared_schema(pkg, r)]
    stored = model.fingerprints([r["id"] for r in resources])
    queue = ckan_model.Session.info.setdefault(SESSION_KEY, [])
    for res in resources:
        url = jobs.declared_schema(pkg, res)
        fp = jobs.fingerprint(res, url)
        if stored.get(res["id"]) == fp or res["id"] in queue:
            continue
        model.mark_pending(res["id"], pkg["id"], url, fp)
        queue.append(res["id"])


def after_commit(session: Any) -> None:
    """Queue the checks; with Redis down the change stays saved (the rows stay
    ``pending``, an editor can ask again) instead of failing after the commit."""
    for resource_id in session.info.pop(SESSION_KEY, []):
        try:
            jobs.enqueue(resource_id)
        except Exception:  # noqa: BLE001 - the dataset is saved already
            log.exception("Cannot queue the validation of resource %s", resource_id)


def after_rollback(session: Any) -> None:
    session.info.pop(SESSION_KEY, None)


def listen_for_commits() -> None:
    """Install the commit/rollback listeners on CKAN's session (idempotent)."""
    from ckan import model as ckan_model
    from sqlalchemy import event

    if not event.contains(ckan_model.Session, "after_commit", after_commit):
        event.listen(ckan_model.Session, "after_commit", after_commit)
        event.listen(ckan_model.Session, "after_rollback", after_rollback)


# --- search index: the "Conformité au schéma" facet ---------------------------------

FACET = "vocab_validation"


def dataset_status(pkg_dict: dict[str, Any]) -> str:
    """``invalid`` if a file is, else ``valid`` if one is, else ``unchecked``;
    ``""`` when nothing declares a schema."""
    declared = [
        r["id"]
        for r in pkg_dict.get("resources") or []
        if r.get("id") and jobs.declared_schema(pkg_dict, r)
    ]
    if not declared:
        return ""
    found = set(model.statuses(declared).values())
    for status in ("invalid", "valid"):
        if status in found:
            return status
    return "unchecked"


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """CKAN has flattened the resources by now: read them back from the
    validated dict, only for datasets that declare a schema somewhere."""
    if not (
        pkg_dict.get("conforms_to")
        or pkg_dict.get("extras_conforms_to")
        or any(pkg_dict.get("res_extras_conforms_to") or [])
    ):
        return pkg_dict
    try:
        validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    except ValueError:
        return pkg_dict
    status = dataset_status(validated)
    if status:
        pkg_dict[FACET] = [status]
    return pkg_dict


def dataset_facets(facets: Any) -> Any:
    facets[FACET] = tk._("Conformity to the schema")
    return facets


FACET_LABELS = {
    "valid": "Conformant",
    "invalid": "Not conformant",
    "unchecked": "Not checked",
}


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    facet = (search_results.get("search_facets") or {}).get(FACET) or {}
    for item in facet.get("items", []):
        label = FACET_LABELS.get(item.get("name"))
        if label:
            item["display_name"] = tk._(label)
    return search_results
