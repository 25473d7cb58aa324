"""Template helpers of the resource page: the load status in French and a
copyable example of the records API."""

from __future__ import annotations

import json
import shlex
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.datastore import geojson, jobs, status
from ckanext.opendata_collectivites.dataviz import geodata


def load_status(res: dict[str, Any]) -> dict[str, Any] | None:
    """``{"state", "message", "rows"}`` of a tabular resource, else ``None``.
    The message is French and never carries internal details."""
    if not jobs.is_tabular(res):
        return None
    found = status.get(res["id"])
    if found is None:
        return None
    value = found["value"] or {}
    state = found["state"]
    if state == "complete":
        rows = int(value.get("rows") or 0)
        text = tk.ungettext(
            "Data loaded: %(n)s row, searchable and downloadable through the API.",
            "Data loaded: %(n)s rows, searchable and downloadable through the API.",
            rows,
            n=f"{rows:,}".replace(",", "\u202f"),
        )
    elif state == "error":
        text = tk._("The data could not be loaded for preview: ") + status.message(
            value
        )
    else:
        text = tk._("The data is being loaded for preview; come back in a moment.")
    return {"state": state, "message": text, "rows": value.get("rows")}


def api_example(res: dict[str, Any]) -> dict[str, str] | None:
    """URLs and ``curl`` commands of ``datastore_search`` (with a filter on the
    first text column when there is one) and ``datastore_search_sql``."""
    if not res.get("datastore_active"):
        return None
    base = tk.config.get("ckan.site_url", "").rstrip("/") + "/api/3/action/"
    params: dict[str, Any] = {"resource_id": res["id"], "limit": 5}
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": res["id"]})
        fields = info.get("fields") or []
    except Exception:  # noqa: BLE001 - the example is optional
        fields = []
    text_field = next((f["id"] for f in fields if f.get("type") == "text"), None)
    data_fields = [f for f in fields if not f["id"].startswith("_")]
    has_positions = bool(data_fields) and (
        geodata.table_has_positions(res["id"], data_fields) is not None
    )
    geo = (
        tk.url_for(
            "collectivites_datastore.geojson",
            id=res["package_id"],
            resource_id=res["id"],
            _external=True,
        )
        if has_positions
        else ""
    )
    search = base + "datastore_search?" + urlencode(params)
    filtered = None
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    dump = f"{site}/datastore/dump/{res['id']}"
    exports = {
        "export_csv": dump + "?format=csv",
        "export_json": dump + "?format=json",
        "export_geojson": geo,
    }
    if text_field:
        value = _first_value(res["id"], text_field)
        if value is not None:
            filters = json.dumps({text_field: value}, ensure_ascii=False)
            filtered = (
                base + "datastore_search?" + urlencode(dict(params, filters=filters))
            )
            for fmt in ("csv", "json"):
                exports[f"export_{fmt}"] = (
                    dump + "?" + urlencode({"format": fmt, "filters": filters})
                )
            if geo:
                exports["export_geojson"] = geo + "?" + urlencode({"filters": filters})
    sql = 'SELECT * FROM "' + res["id"] + '" LIMIT 5'  # noqa: S608 (shown only)
    sql_url = base + "datastore_search_sql?" + urlencode({"sql": sql})
    return {
        "search_url": search,
        "search_curl": "curl " + shlex.quote(search),
        "filter_url": filtered or "",
        "filter_curl": ("curl " + shlex.quote(filtered)) if filtered else "",
        "sql_url": sql_url,
        "sql_curl": "curl " + shlex.quote(sql_url),
        **exports,
    }


def _first_value(resource_id: str, field: str) -> str | None:
    try:
        found = tk.get_action("datastore_search")(
            {"ignore_auth": True},
            {"resource_id": resource_id, "limit": 1, "fields": [field]},
        )
    except Exception:  # noqa: BLE001
        return None
    records = found.get("records") or []
    value = records[0].get(field) if records else None
    return value if isinstance(value, str) and value else None


def reload(id: str, resource_id: str) -> Any:
    """POST: queue a new load (editors), back to the resource page."""
    context = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        tk.get_action("collectivites_datastore_load")(context, {"id": resource_id})
        tk.h.flash_success(tk._("The data will be loaded again in a few moments."))
    except tk.NotAuthorized:
        return tk.abort(
            403, tk._("Only the editors of this dataset can load its data again")
        )
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.ValidationError as exc:
        messages = [m for msgs in (exc.error_dict or {}).values() for m in msgs]
        tk.h.flash_error(" ".join(map(str, messages)))
    return tk.redirect_to("resource.read", id=id, resource_id=resource_id)


def export_geojson(id: str, resource_id: str) -> Any:
    """GET: the table's rows with a position as a GeoJSON FeatureCollection,
    filtered like ``/datastore/dump`` (see ``geojson.py``)."""
    from flask import Response, stream_with_context

    context = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        found, items = geojson.prepare(id, resource_id, dict(tk.request.args), context)
    except geojson.ExportError as exc:
        return Response(
            json.dumps({"error": exc.message}, ensure_ascii=False),
            status=exc.status,
            content_type="application/json; charset=utf-8",
            headers={"X-Content-Type-Options": "nosniff"},
        )
    name = found.resource.get("name") or found.resource["id"]
    return Response(
        stream_with_context(geojson.stream(items)),
        content_type=geojson.MEDIA_TYPE,
        headers={
            "Content-Disposition": geojson.disposition(name),
            "X-Content-Type-Options": "nosniff",
        },
    )


def get_blueprints() -> list[Any]:
    from flask import Blueprint

    blueprint = Blueprint("collectivites_datastore", __name__)
    blueprint.add_url_rule(
        "/dataset/<id>/resource/<resource_id>/geojson",
        endpoint="geojson",
        view_func=export_geojson,
        methods=["GET"],
    )
    blueprint.add_url_rule(
        "/dataset/<id>/resource/<resource_id>/datastore/charger",
        endpoint="reload",
        view_func=reload,
        methods=["POST"],
    )
    return [blueprint]


def can_reload(res: dict[str, Any]) -> bool:
    try:
        tk.check_access(
            "collectivites_datastore_load",
            {"user": tk.current_user.name if tk.current_user else ""},
            {"id": res["id"]},
        )
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def get_helpers() -> dict[str, Any]:
    return {
        "collectivites_datastore_status": load_status,
        "collectivites_datastore_api": api_example,
        "collectivites_datastore_can_reload": can_reload,
    }
