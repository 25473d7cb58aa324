"""The two resource views (``IResourceView`` logic; ``plugin.py`` wires it):
``collectivites_map`` for GeoJSON, KML and KMZ files, WMS services and
tables with positions,
``collectivites_chart`` for DataStore tables with a category and a measure.

Both are drawn in the resource page itself (not in an iframe) with their
data inlined as JSON, and both come with an HTML table of the same data
(RGAA: the list of the map's places, the chart's values)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.dataviz import chart, columns, geodata, wms

log = logging.getLogger(__name__)

MAP = "collectivites_map"
CHART = "collectivites_chart"
TILES_URL_KEY = "ckanext.collectivites.views.tiles_url"
TILES_ATTRIBUTION_KEY = "ckanext.collectivites.views.tiles_attribution"


def _reader() -> dict[str, Any]:
    """The context of the person reading the page (CKAN renders views with
    an empty one): the DataStore actions check their rights."""
    user = getattr(tk.current_user, "name", "") or ""
    return {"user": user}


def _title(msgid: str) -> str:
    """A view title in the reader's language, or in the site's language when
    the view is made by the DataStore worker (no request)."""
    from flask import has_request_context

    from ckanext.opendata_collectivites.harvest.errors import translate

    return tk._(msgid) if has_request_context() else translate(msgid)


@dataclasses.dataclass
class Outcome:
    """What :func:`shown_errors` reports: the message for the template, if any."""

    error: str | None = None


@contextlib.contextmanager
def shown_errors(what: str, resource_id: str | None, failed: str) -> Iterator[Outcome]:
    """Turn a failure while reading a view's data into a message for the
    reader (``outcome.error``); a view never breaks the resource page.
    ``failed`` is the message of unexpected errors, logged as ``what``."""
    outcome = Outcome()
    try:
        yield outcome
    except geodata.MapError as exc:
        outcome.error = tk._(MAP_ERRORS[exc.code])
    except tk.NotAuthorized:
        outcome.error = tk._("You are not allowed to read these data.")
    except (tk.ObjectNotFound, tk.ValidationError):
        outcome.error = tk._("The data of this resource are not available.")
    except Exception:  # noqa: BLE001 - a view never breaks the resource page
        log.exception("%s of resource %s", what, resource_id)
        outcome.error = failed


def _fields(resource_id: str) -> list[dict[str, str]]:
    try:
        info = tk.get_action("datastore_info")(
            {"ignore_auth": True}, {"id": resource_id}
        )
    except (tk.ObjectNotFound, tk.ValidationError):
        return []
    return [f for f in info.get("fields") or [] if not f["id"].startswith("_")]


# Map ---------------------------------------------------------------------


MAP_TITLE = "Map"  # msgid of the default title


def map_info() -> dict[str, Any]:
    return {
        "name": MAP,
        "title": _title(MAP_TITLE),
        "icon": "map",
        "iframed": False,
        "always_available": False,
        "requires_datastore": False,
        "preview_enabled": True,
        "default_title": _title(MAP_TITLE),
        "schema": {},
    }


def map_can_view(data_dict: dict[str, Any]) -> bool:
    res = data_dict["resource"]
    if geodata.is_map_file(res) or wms.is_wms(res):
        return True
    if not res.get("datastore_active"):
        return False
    return geodata.table_has_positions(res["id"], _fields(res["id"])) is not None


def default_map_titles() -> set[str]:
    """The titles CKAN gives the maps it makes (``default_title``,
    translated when the view is made: the site's language in the worker,
    the reader's in a request), in every language of the site."""
    from ckanext.opendata_collectivites.harvest.errors import translate

    locales = {
        tk.config.get("ckan.locale_default") or "fr",
        *tk.aslist(tk.config.get("ckan.locales_offered")),
    }
    return {MAP_TITLE, *(translate(MAP_TITLE, locale) for locale in locales)}


def is_default_map(view: dict[str, Any]) -> bool:
    """A map view as CKAN made it: default title, no description (an
    administrator's own or renamed map is not)."""
    return (
        view.get("view_type") == MAP
        and view.get("title") in default_map_titles()
        and not view.get("description")
    )


def drop_stale_maps(res: dict[str, Any], context: dict[str, Any]) -> list[str]:
    """After a DataStore (re)load: delete the default map views of a table
    that can no longer be mapped (no coordinate columns any more); the
    maps an administrator made or renamed stay and explain why they are
    empty. Maps of GeoJSON, KML and WMS resources are never touched.
    Returns the ids of the deleted views."""
    if geodata.is_map_file(res) or wms.is_wms(res) or not res.get("datastore_active"):
        return []
    views = tk.get_action("resource_view_list")(dict(context), {"id": res["id"]})
    stale = [v["id"] for v in views if is_default_map(v)]
    if not stale or map_can_view({"resource": res}):
        return []
    for view_id in stale:
        tk.get_action("resource_view_delete")(dict(context), {"id": view_id})
    return stale


MAP_ERRORS = {
    "too-large": "The file is too large to be drawn on a map; download it.",
    "fetch-failed": "The file could not be fetched to draw the map.",
    "invalid": "The file is not valid GeoJSON.",
    "no-file": "The resource has no file to draw on a map.",
    "invalid-kml": "The file is not valid KML (or KMZ).",
    "refused-xml": "The file was refused: it declares a DTD or XML entities, "
    "which are not allowed.",
    "no-positions": "This table no longer has coordinate columns: "
    "the map cannot be shown.",
}
WMS_ERRORS = {
    "fetch-failed": "The description of the map service (GetCapabilities) "
    "could not be fetched.",
    "too-large": "The description of the map service (GetCapabilities) is too large.",
    "invalid": "The description of the map service (GetCapabilities) is not valid.",
    "refused-xml": "The description of the map service (GetCapabilities) was "
    "refused: it declares a DTD or XML entities.",
}


def _wms_variables(res: dict[str, Any]) -> dict[str, Any]:
    found = wms.wms_map(res)
    error = None
    if not found.layers:
        error = (
            tk._(WMS_ERRORS[found.error])
            if found.error
            else tk._("The map service names no layer to show.")
        )
    return {
        "map_wms": found,
        "map_wms_warning": tk._(WMS_ERRORS[found.error]) if found.error else None,
        "map_data": {"type": "FeatureCollection", "features": []},
        "map_features": [],
        "map_total": 0,
        "map_error": error,
    }


def map_variables(data_dict: dict[str, Any]) -> dict[str, Any]:
    res = data_dict["resource"]
    data = geodata.MapData()
    tiles = {
        "tiles_url": tk.config.get(TILES_URL_KEY) or "",
        "tiles_attribution": tk.config.get(TILES_ATTRIBUTION_KEY) or "",
        "map_wms": None,
    }
    failed = tk._("The map could not be drawn.")
    if wms.is_wms(res) and not geodata.is_map_file(res):
        with shown_errors("WMS map", res.get("id"), failed) as outcome:
            return {**tiles, **_wms_variables(res)}
        return {**tiles, "map_error": outcome.error, "map_features": [],
                "map_total": 0}  # fmt: skip
    with shown_errors("Map", res.get("id"), failed) as outcome:
        if geodata.is_map_file(res):
            data = geodata.from_file(res)
        elif res.get("datastore_active"):
            data = geodata.from_table(res["id"], _reader())
    return {
        "map_data": data.collection(),
        "map_features": data.features,
        "map_total": data.total,
        "map_error": outcome.error,
        **tiles,
    }


# Chart -------------------------------------------------------------------


def chart_info() -> dict[str, Any]:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    one_of = tk.get_validator("OneOf")
    return {
        "name": CHART,
        "title": _title("Chart"),
        "icon": "chart-bar",
        "iframed": False,
        "always_available": False,
        "requires_datastore": True,
        "preview_enabled": True,
        "default_title": _title("Chart"),
        "schema": {
            "category_field": [ignore_missing, unicode_safe],
            "value_field": [ignore_missing, unicode_safe],
            "aggregate": [ignore_missing, one_of(list(chart.AGGREGATES))],
            "chart_type": [ignore_missing, one_of(list(chart.CHART_TYPES))],
        },
    }


def chart_can_view(data_dict: dict[str, Any]) -> bool:
    """Tables with a category and a measure to sum (the default chart)."""
    res = data_dict["resource"]
    if not res.get("datastore_active"):
        return False
    defaults = columns.chart_defaults(_fields(res["id"]))
    return bool(defaults.category and defaults.value)


AGGREGATE_LABELS = {
    "sum": "Sum of %(value)s by %(category)s",
    "avg": "Mean of %(value)s by %(category)s",
    "count": "Number of rows by %(category)s",
}


def chart_variables(data_dict: dict[str, Any]) -> dict[str, Any]:
    res = data_dict["resource"]
    view = data_dict.get("resource_view") or {}
    fields = _fields(res["id"]) if res.get("datastore_active") else []
    spec = chart.resolve(view, fields)
    series, error, title = chart.Series(), None, ""
    if spec is None:
        error = tk._("This table has no column to draw a chart with.")
    else:
        title = tk._(AGGREGATE_LABELS[spec.aggregate]) % {
            "value": spec.value or "",
            "category": spec.category,
        }
        failed = tk._("The chart could not be drawn.")
        with shown_errors("Chart", res.get("id"), failed) as outcome:
            series = chart.aggregate(res["id"], spec, _reader())
        error = outcome.error
    rows = [
        {"label": label, "value": value, "display": chart.format_number(value)}
        for label, value in zip(series.labels, series.values, strict=True)
    ]
    return {
        "chart_spec": spec,
        "chart_title": title,
        "chart_rows": rows,
        "chart_data": {
            "type": spec.chart_type if spec else "bar",
            "labels": series.labels,
            "values": series.values,
            "label": (spec.value or tk._("Rows")) if spec else "",
            "title": title,
        },
        "chart_truncated": series.truncated,
        "chart_error": error,
    }


def chart_form_fields(resource_id: str) -> list[dict[str, str]]:
    """Template helper of the view form: the table's columns."""
    return _fields(resource_id)


def get_helpers() -> dict[str, Any]:
    return {"collectivites_chart_fields": chart_form_fields}
