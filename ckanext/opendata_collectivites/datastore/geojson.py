"""GeoJSON export of a DataStore table with positions, filtered like CKAN's
``/datastore/dump`` (``q``, ``filters``, ``limit``, ``offset``, ``sort``,
``fields``, ``plain``, ``language``).

The rows are read through ``datastore_search`` with the reader's own rights
(a private dataset's data stays its members'), page by page, and streamed as
a FeatureCollection: one Feature per row with a valid position, the other
columns as its properties; the rows without one are counted in the
``skipped`` foreign member at the end of the document. The position columns
are the map view's (``dataviz/columns.py``, ``dataviz/geodata.py``)."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.dataviz import columns, geodata

log = logging.getLogger(__name__)

MAX_ROWS_KEY = "ckanext.collectivites.datastore.geojson_max_rows"
PAGE = 10000
MEDIA_TYPE = "application/geo+json"


class ExportError(Exception):
    """``status`` (400, 403, 404) and a French message for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def max_rows() -> int:
    return tk.asint(tk.config.get(MAX_ROWS_KEY) or 100000)


@dataclass
class Query:
    """The search parameters, checked against the table's columns."""

    q: str | dict[str, str] | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    limit: int | None = None
    offset: int = 0
    sort: str = "_id"
    fields: list[str] | None = None
    plain: bool = True
    language: str | None = None


def _integer(args: dict[str, str], name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"\d{1,12}", raw):
        raise ExportError(
            400,
            tk._("The parameter %(name)s must be a whole number, 0 or more.")
            % {"name": name},
        )
    return int(raw)


def _json_object(raw: str, name: str) -> dict[str, Any]:
    try:
        found = json.loads(raw)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise ExportError(
            400,
            tk._(
                "The parameter %(name)s must be a JSON object, for example "
                '{"commune": "Rennes"}.'
            )
            % {"name": name},
        )
    return found


def _unknown(name: str, wanted: list[str], known: set[str]) -> None:
    missing = [w for w in wanted if w not in known]
    if missing:
        raise ExportError(
            400,
            tk._("Unknown column in %(name)s: %(columns)s.")
            % {"name": name, "columns": ", ".join(missing)[:200]},
        )


SORT_KEY = re.compile(r'^\s*(?:"([^"]+)"|([^\s"]+))(?:\s+(asc|desc))?\s*$', re.I)


def _sort_key(part: str, known: set[str]) -> str:
    match = SORT_KEY.match(part)
    if not match:
        raise ExportError(
            400,
            tk._(
                "The parameter sort lists columns, each optionally followed by "
                'asc or desc, for example "nom desc".'
            ),
        )
    name = match[1] or match[2]
    _unknown("sort", [name], known)
    return f'"{name}" {(match[3] or "asc").lower()}'


def parse(args: dict[str, str], names: list[str]) -> Query:
    """The request's parameters; :class:`ExportError` (400) when one is
    wrong, with a French message."""
    known = set(names) | {"_id"}
    query = Query(offset=_integer(args, "offset") or 0, limit=_integer(args, "limit"))
    if args.get("filters"):
        query.filters = _json_object(args["filters"], "filters")
        _unknown("filters", list(query.filters), known)
        for value in query.filters.values():
            items = value if isinstance(value, list) else [value]
            if not items or any(isinstance(v, dict | list) or v is None for v in items):
                raise ExportError(
                    400,
                    tk._(
                        "The values of filters must be texts or numbers, or "
                        "lists of them."
                    ),
                )
    raw_q = (args.get("q") or "").strip()
    if raw_q.startswith("{"):
        query.q = {str(k): str(v) for k, v in _json_object(raw_q, "q").items()}
        _unknown("q", list(query.q), known)
    elif raw_q:
        query.q = raw_q
    sort = (args.get("sort") or "").strip()
    if sort:
        keys = [_sort_key(part, known) for part in sort.split(",") if part.strip()]
        if not any(k.startswith('"_id" ') for k in keys):
            keys.append('"_id" asc')  # a stable order across pages
        query.sort = ", ".join(keys)
    if args.get("fields"):
        query.fields = [f.strip() for f in args["fields"].split(",") if f.strip()]
        _unknown("fields", query.fields, known)
    query.plain = (args.get("plain") or "true").strip().lower() not in ("false", "0")
    query.language = (args.get("language") or "").strip() or None
    return query


@dataclass
class Table:
    resource: dict[str, Any]
    names: list[str]  # columns, without CKAN's own (``_id``, ``_full_text``)
    position: columns.Position


def table(dataset_id: str, resource_id: str, context: dict[str, Any]) -> Table:
    """The resource of dataset ``dataset_id`` (name or id) and its position
    columns; :class:`ExportError` 403 when the reader may not see it, 404
    without a table with positions."""
    try:
        res = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        if res.get("package_id") != dataset_id:
            pkg = tk.get_action("package_show")(dict(context), {"id": dataset_id})
            if pkg["id"] != res.get("package_id"):
                raise tk.ObjectNotFound()
    except tk.NotAuthorized:
        raise ExportError(
            403, tk._("You are not allowed to read these data.")
        ) from None
    except (tk.ObjectNotFound, tk.ValidationError):
        raise ExportError(404, tk._("Resource not found")) from None
    if not res.get("datastore_active"):
        raise ExportError(
            404, tk._("The data of this resource are not loaded in the DataStore.")
        )
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": res["id"]})
    except (tk.ObjectNotFound, tk.ValidationError):
        raise ExportError(
            404, tk._("The data of this resource are not loaded in the DataStore.")
        ) from None
    fields = [f for f in info.get("fields") or [] if not f["id"].startswith("_")]
    pos = geodata.table_has_positions(res["id"], fields)
    if pos is None:
        raise ExportError(
            404,
            tk._("This table has no position columns (latitude and longitude, "
                 "or a geometry): it has no GeoJSON export."),
        )  # fmt: skip
    return Table(res, [f["id"] for f in fields], pos)


def _search(
    found: Table, query: Query, context: dict[str, Any], offset: int, limit: int,
    total: bool,
) -> dict[str, Any]:  # fmt: skip
    params: dict[str, Any] = {
        "resource_id": found.resource["id"],
        "offset": offset,
        "limit": limit,
        "sort": query.sort,
        "include_total": total,
    }
    if query.filters:
        params["filters"] = query.filters
    if query.q:
        params["q"] = query.q
        params["plain"] = query.plain
        if query.language:
            params["language"] = query.language
    if query.fields is not None:
        pos = found.position
        position = [c for c in (pos.lat, pos.lon, pos.geometry) if c]
        params["fields"] = ["_id", *position] + [
            f for f in query.fields if f not in position and f != "_id"
        ]
    return tk.get_action("datastore_search")(dict(context), params)


def _properties(record: dict[str, Any], found: Table, query: Query) -> dict:
    pos = found.position
    skip = {pos.lat, pos.lon, pos.geometry, "_id", "_full_text"}
    names = query.fields if query.fields is not None else found.names
    return {n: record.get(n) for n in names if n not in skip}


def features(
    found: Table, query: Query, first: dict[str, Any], context: dict[str, Any],
    wanted: int, page: int,
) -> Iterator[dict[str, Any] | int]:  # fmt: skip
    """The Features of ``wanted`` rows, then the number of skipped rows."""
    result, offset, skipped, read = first, query.offset, 0, 0
    while True:
        records = result.get("records") or []
        batch = records[: wanted - read]
        for record in batch:
            geometry = geodata.row_geometry(record, found.position)
            if geometry is None or not valid_geometry(geometry):
                skipped += 1
                continue
            yield {
                "type": "Feature",
                "id": record.get("_id"),
                "geometry": geometry,
                "properties": _properties(record, found, query),
            }
        read += len(batch)
        offset += len(batch)
        if read >= wanted or len(records) < page:
            break
        result = _search(found, query, context, offset, min(page, wanted - read), False)
    yield skipped


def _positions_ok(value: Any, depth: int) -> bool:
    if depth == 0:
        return (
            isinstance(value, list)
            and len(value) in (2, 3)
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in value
            )
            and -180 <= value[0] <= 180
            and -90 <= value[1] <= 90
        )
    return (
        isinstance(value, list)
        and bool(value)
        and all(_positions_ok(v, depth - 1) for v in value)
    )


DEPTHS = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def valid_geometry(geometry: dict[str, Any]) -> bool:
    """A GeoJSON geometry (RFC 7946) whose positions are WGS84 degrees."""
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        return (
            isinstance(parts, list)
            and bool(parts)
            and all(isinstance(g, dict) and valid_geometry(g) for g in parts)
        )
    if kind not in DEPTHS:
        return False
    return _positions_ok(geometry.get("coordinates"), DEPTHS[kind])


def stream(items: Iterator[dict[str, Any] | int]) -> Iterator[str]:
    """The FeatureCollection as text, one Feature a line; a failure after
    the first byte ends it with an ``error`` member (still valid JSON)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    separator = ""
    skipped = 0
    error = ""
    try:
        for item in items:
            if isinstance(item, int):
                skipped = item
                continue
            yield separator + json.dumps(item, ensure_ascii=False, default=str)
            separator = ",\n"
    except Exception:  # noqa: BLE001 - the status line is already sent
        log.exception("GeoJSON export interrupted")
        error = tk._("The export was interrupted: this file is incomplete.")
    end = {"skipped": skipped, **({"error": error} if error else {})}
    yield "\n], " + json.dumps(end, ensure_ascii=False)[1:] + "\n"


def prepare(
    dataset_id: str, resource_id: str, args: dict[str, str], context: dict[str, Any]
) -> tuple[Table, Iterator[dict[str, Any] | int]]:
    """Checks everything before the first byte is sent; raises
    :class:`ExportError`."""
    found = table(dataset_id, resource_id, context)
    query = parse(args, found.names)
    cap = max_rows()
    first_limit = min(PAGE, query.limit if query.limit is not None else PAGE)
    try:
        first = _search(found, query, context, query.offset, first_limit, True)
    except tk.NotAuthorized:
        raise ExportError(
            403, tk._("You are not allowed to read these data.")
        ) from None
    except tk.ValidationError:
        raise ExportError(
            400,
            tk._("The search parameters are not valid (q, filters, sort, fields)."),
        ) from None
    except tk.ObjectNotFound:
        raise ExportError(404, tk._("Resource not found")) from None
    remaining = max(int(first.get("total") or 0) - query.offset, 0)
    wanted = remaining if query.limit is None else min(query.limit, remaining)
    if wanted > cap:
        raise ExportError(
            400,
            tk._(
                "This export has %(n)s rows, more than the limit of %(max)s: "
                "narrow it with filters or q, or read it in parts with limit "
                "and offset."
            )
            % {"n": _french_number(wanted), "max": _french_number(cap)},
        )
    # datastore_search answers at most ckan.datastore.search.rows_max rows.
    page = min(first_limit, int(first.get("limit") or first_limit)) or 1
    return found, features(found, query, first, context, wanted, page)


def _french_number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def disposition(name: str) -> str:
    """``attachment`` with the resource's name, ASCII and UTF-8 (RFC 6266)."""
    base = re.sub(r"[\x00-\x1f\x7f\"\\/:*?<>|;]+", "_", name).strip(" ._") or "donnees"
    base = base[:100]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]+", "_", ascii_name).strip(" ._") or "donnees"
    return (
        f'attachment; filename="{ascii_name}.geojson"; '
        f"filename*=UTF-8''{quote(base + '.geojson')}"
    )
