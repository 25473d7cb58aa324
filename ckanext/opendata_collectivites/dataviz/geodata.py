"""The features of a map view: read from a GeoJSON file (CKAN's storage, or
the remote URL fetched by the project's HTTP client with its address policy
and a size cap), or from the DataStore table of a resource whose columns
hold positions (through ``datastore_search`` with the reader's own rights).

Every feature is reduced to its geometry and two properties, ``name`` and
``address``, which the page shows on the map and in the list beside it."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import resource_files
from ckanext.opendata_collectivites.dataviz import columns, kml
from ckanext.opendata_collectivites.harvest.http import Limits

MAX_FEATURES_KEY = "ckanext.collectivites.views.max_features"
MAX_BYTES_KEY = "ckanext.collectivites.views.geojson_max_bytes"
GEO_FORMATS = {"geojson", "application/geo+json", "application/vnd.geo+json"}
CACHE_SECONDS = 300
PAIR = re.compile(r"^\s*\[?\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*\]?\s*$")


class MapError(Exception):
    """``code``: ``too-large``, ``fetch-failed``, ``invalid``, ``no-file``,
    ``invalid-kml``, ``refused-xml``, ``no-positions`` (a table without
    coordinate columns)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class MapData:
    features: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0  # features in the source (more than shown when truncated)

    def collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features}


def max_features() -> int:
    return tk.asint(tk.config.get(MAX_FEATURES_KEY) or 2000)


def max_bytes() -> int:
    return tk.asint(tk.config.get(MAX_BYTES_KEY) or 10 * 1024 * 1024)


def is_geojson(res: dict[str, Any]) -> bool:
    fmt = (res.get("format") or "").strip().lower()
    if fmt:
        return fmt in GEO_FORMATS
    path = (res.get("url") or "").split("?")[0].lower()
    return path.endswith(".geojson")


# Table rows --------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", ".").replace("\u202f", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _valid(lat: float | None, lon: float | None) -> bool:
    return (
        lat is not None
        and lon is not None
        and -90 <= lat <= 90
        and -180 <= lon <= 180
        and (lat, lon) != (0.0, 0.0)
    )


def parse_geometry(value: Any) -> dict[str, Any] | None:
    """A GeoJSON geometry from a cell: GeoJSON text (geometry or Feature) or
    a ``"lat, lon"`` pair (Opendatasoft's ``geo_point_2d``)."""
    if isinstance(value, dict):
        found = value
    elif isinstance(value, str) and value.strip().startswith("{"):
        try:
            found = json.loads(value)
        except ValueError:
            return None
    elif isinstance(value, str | list):
        text = value if isinstance(value, str) else ",".join(map(str, value))
        match = PAIR.match(text)
        if not match:
            return None
        lat, lon = float(match[1]), float(match[2])
        if not -90 <= lat <= 90 and -90 <= lon <= 90:
            lat, lon = lon, lat
        return (
            {"type": "Point", "coordinates": [lon, lat]} if _valid(lat, lon) else None
        )
    else:
        return None
    if not isinstance(found, dict):
        return None
    if found.get("type") == "Feature":
        found = found.get("geometry") or {}
    if found.get("type") in (None, "Feature", "FeatureCollection"):
        return None
    return found if "coordinates" in found or "geometries" in found else None


def _label(record: dict[str, Any], name: str | None, address: list[str]) -> dict:
    parts = [str(record[a]).strip() for a in address if record.get(a) not in (None, "")]
    return {
        "name": str(record.get(name) or "").strip() if name else "",
        "address": " ".join(parts),
    }


def table_position(fields: list[dict[str, str]]) -> columns.Position | None:
    return columns.position([f["id"] for f in fields if not f["id"].startswith("_")])


def row_geometry(record: dict[str, Any], pos: columns.Position) -> dict | None:
    """The geometry of one DataStore record (a point in lon, lat order), or
    ``None`` when its position is missing or out of range."""
    if pos.geometry:
        return parse_geometry(record.get(pos.geometry))
    lat, lon = _number(record.get(pos.lat)), _number(record.get(pos.lon))
    if not _valid(lat, lon):
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def table_has_positions(
    resource_id: str, fields: list[dict[str, str]]
) -> columns.Position | None:
    """The position columns of a table, ``None`` without any; x/y columns
    only count when the first rows are WGS84 degrees."""
    pos = table_position(fields)
    if pos is None or not pos.checked:
        return pos
    try:
        sample = from_table(resource_id, {"ignore_auth": True}, limit=50)
    except (tk.ObjectNotFound, tk.ValidationError):
        return None
    return pos if sample.features else None


def from_records(
    records: list[dict[str, Any]], names: list[str], pos: columns.Position
) -> list[dict[str, Any]]:
    """Features of DataStore records; with x/y columns (``pos.checked``),
    none at all unless every position is in degrees."""
    name = columns.name_column(names)
    address = columns.address_columns(names)
    features = []
    for record in records:
        geometry = row_geometry(record, pos)
        if geometry is None:
            if (
                not pos.geometry
                and pos.checked
                and record.get(pos.lat) not in ("", None)
            ):
                return []
            continue
        if geometry:
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": _label(record, name, address),
                }
            )
    return features


def from_table(
    resource_id: str, context: dict[str, Any], limit: int | None = None
) -> MapData:
    """Raises ``NotAuthorized`` when the reader may not see the data,
    :class:`MapError` ``no-positions`` when the table has no coordinate
    columns (reloaded with another file since its map was made)."""
    info = tk.get_action("datastore_info")(dict(context), {"id": resource_id})
    fields = info.get("fields") or []
    pos = table_position(fields)
    if pos is None:
        raise MapError("no-positions")
    names = [f["id"] for f in fields if not f["id"].startswith("_")]
    wanted = [c for c in (pos.lat, pos.lon, pos.geometry) if c]
    wanted += [c for c in [columns.name_column(names), *columns.address_columns(names)]
               if c and c not in wanted]  # fmt: skip
    found = tk.get_action("datastore_search")(
        dict(context),
        {
            "resource_id": resource_id,
            "fields": wanted,
            "limit": limit or max_features(),
            "sort": "_id",
        },
    )
    features = from_records(found.get("records") or [], names, pos)
    return MapData(features, int(found.get("total") or len(features)))


# GeoJSON files -------------------------------------------------------------

_cache: dict[str, tuple[float, MapData]] = {}
_lock = threading.Lock()


def from_feature_collection(document: Any, limit: int) -> MapData:
    if not isinstance(document, dict):
        raise MapError("invalid")
    kind = document.get("type")
    if kind == "FeatureCollection":
        items = document.get("features")
    elif kind == "Feature":
        items = [document]
    else:
        items = [{"type": "Feature", "geometry": document, "properties": {}}]
    if not isinstance(items, list):
        raise MapError("invalid")
    features = []
    for item in items:
        geometry = (
            parse_geometry(item.get("geometry")) if isinstance(item, dict) else None
        )
        if not geometry:
            continue
        props = item.get("properties") or {}
        props = props if isinstance(props, dict) else {}
        keys = list(props)
        label = _label(props, columns.name_column(keys), columns.address_columns(keys))
        features.append({"type": "Feature", "geometry": geometry, "properties": label})
    return MapData(features[:limit], len(features))


def _page_limits(cap: int) -> Limits:
    """In a page request: one short attempt, no retry."""
    bounds = resource_files.limits(cap)
    bounds.retries = 0
    bounds.deadline = min(bounds.deadline, 15.0)
    bounds.read_timeout = min(bounds.read_timeout, 10.0)
    return bounds


def _read(res: dict[str, Any], cap: int) -> bytes:
    try:
        return resource_files.read_bytes(res, _page_limits(cap))
    except resource_files.FileError as exc:
        raise MapError("no-file" if exc.code == "file-missing" else exc.code) from None


def _fetch(url: str, cap: int) -> bytes:
    """The body at ``url`` (a map service's); raises ``too-large`` or
    ``fetch-failed``."""
    try:
        return resource_files.fetch_bytes(url, _page_limits(cap))
    except resource_files.FileError as exc:
        raise MapError(exc.code) from None


def is_map_file(res: dict[str, Any]) -> bool:
    """A GeoJSON, KML or KMZ file."""
    return is_geojson(res) or kml.kind(res) is not None


def _parse(res: dict[str, Any], body: bytes, limit: int, cap: int) -> MapData:
    found = kml.kind(res)
    if found is None:
        try:
            document = json.loads(body.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            raise MapError("invalid") from None
        return from_feature_collection(document, limit)
    try:
        if found == "kmz" or body[:4] == b"PK\x03\x04":
            body = kml.unzip(body, cap)
        features, _ = kml.parse(body)
    except kml.KmlError as exc:
        raise MapError(exc.code) from None
    return MapData(features[:limit], len(features))


def from_file(res: dict[str, Any]) -> MapData:
    """A GeoJSON, KML or KMZ file's features. Raises :class:`MapError`;
    remote files are kept 5 minutes in memory."""
    limit, cap = max_features(), max_bytes()
    upload = res.get("url_type") == "upload"
    url = res.get("url") or ""
    if not upload and not url.startswith(("http://", "https://")):
        raise MapError("no-file")
    key = json.dumps([res.get("id"), url, res.get("last_modified"), res.get("hash"),
                      res.get("format")])  # fmt: skip
    if not upload:
        with _lock:
            cached = _cache.get(key)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
    body = _read(res, cap)
    data = _parse(res, body, limit, cap)
    if not upload:
        with _lock:
            if len(_cache) > 64:
                _cache.clear()
            _cache[key] = (time.monotonic(), data)
    return data


from_geojson = from_file
