"""API of the loader: ``collectivites_datastore_load`` (queue a new load,
editors of the dataset) and ``collectivites_datastore_status`` (the state as
the resource page shows it, whoever may see the resource)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.datastore import jobs, status


def _resource_id(data_dict: dict[str, Any]) -> str:
    rid = str(data_dict.get("id") or "").strip()
    if not rid:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    return rid


def datastore_load(context: dict[str, Any], data_dict: dict[str, Any]) -> dict:
    """Queue a new load of a CSV, XLSX or ODS resource into the DataStore.

    :param id: the resource id
    """
    from ckan import model

    rid = _resource_id(data_dict)
    tk.check_access("collectivites_datastore_load", context, {"id": rid})
    res = tk.get_action("resource_show")(dict(context), {"id": rid})
    if not jobs.is_tabular(res):
        raise tk.ValidationError(
            {
                "format": [
                    tk._("Only CSV, XLSX and ODS files are loaded into the DataStore.")
                ]
            }
        )
    status.save(rid, "pending", {"fingerprint": jobs.fingerprint(res)})
    model.Session.commit()
    job = jobs.enqueue(rid)
    return {"resource_id": rid, "state": "pending", "job_id": getattr(job, "id", None)}


def datastore_status(context: dict[str, Any], data_dict: dict[str, Any]) -> dict:
    """``state`` (``pending``, ``running``, ``complete``, ``error``), French
    ``message``, ``rows``; ``state`` is ``null`` for a resource never loaded.

    :param id: the resource id
    """
    from ckanext.opendata_collectivites.datastore import views

    rid = _resource_id(data_dict)
    tk.check_access("collectivites_datastore_status", context, {"id": rid})
    res = tk.get_action("resource_show")(dict(context), {"id": rid})
    shown = views.load_status(res) or {}
    return {
        "resource_id": rid,
        "state": shown.get("state"),
        "message": shown.get("message"),
        "rows": shown.get("rows"),
    }


def load_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Editors of the resource's dataset (and sysadmins)."""
    try:
        tk.check_access("resource_update", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {
            "success": False,
            "msg": tk._("Only the editors of this dataset can load its data again"),
        }
    return {"success": True}


def status_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whoever may see the resource (private datasets: their members only)."""
    try:
        tk.check_access("resource_show", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this resource")}
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {
        "collectivites_datastore_load": datastore_load,
        "collectivites_datastore_status": tk.side_effect_free(datastore_status),
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "collectivites_datastore_load": load_auth,
        "collectivites_datastore_status": tk.auth_allow_anonymous_access(status_auth),
    }
