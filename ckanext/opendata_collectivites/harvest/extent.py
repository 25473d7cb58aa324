"""The extent (W, S, E, N in WGS 84) of a geometry given as text by a
catalogue: WKT (with an optional CRS URI, GeoSPARQL style), GeoJSON, or a
bounding box of four numbers. Points give none: a point is no coverage."""

from __future__ import annotations

import json
import re
from typing import Any

_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"({_NUMBER})\s+({_NUMBER})")
_CRS = re.compile(r"^\s*<([^>]*)>\s*")
_AREAL_WKT = re.compile(r"^\s*(MULTI)?POLYGON|^\s*ENVELOPE", re.IGNORECASE)
_SEP = r"\s*[, ]\s*"
_N = f"({_NUMBER})"
_BOX = re.compile(rf"^\s*{_N}{_SEP}{_N}{_SEP}{_N}{_SEP}{_N}\s*$")
MAX_POINTS = 200_000

Box = tuple[float, float, float, float]


def bbox_of(text: str) -> Box | None:
    """The extent of ``text``, or None (not a geometry, a point, out of range)."""
    value = (text or "").strip()
    if not value:
        return None
    if value.startswith("{"):
        return _geojson(value)
    crs = _CRS.match(value)
    lat_first = bool(crs and re.search(r"EPSG/0/4326$", crs.group(1)))
    wkt = value[crs.end() :] if crs else value
    if _AREAL_WKT.match(wkt):
        if wkt.lstrip().upper().startswith("ENVELOPE"):
            # ENVELOPE(minX, maxX, maxY, minY)
            nums = [float(n) for n in re.findall(_NUMBER, wkt)[:4]]
            if len(nums) != 4:
                return None
            return _checked((nums[0], nums[3], nums[1], nums[2]))
        pairs = [(float(a), float(b)) for a, b in _PAIR.findall(wkt)[:MAX_POINTS]]
        if lat_first:
            pairs = [(b, a) for a, b in pairs]
        return _extent(pairs)
    box = _BOX.match(value)
    if box:
        w, s, e, n = (float(x) for x in box.groups())
        return _checked((w, s, e, n))
    return None


def _geojson(value: str) -> Box | None:
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("type") not in (
        "Polygon",
        "MultiPolygon",
    ):
        return None
    pairs: list[tuple[float, float]] = []
    _collect(data.get("coordinates"), pairs)
    return _extent(pairs)


def _collect(node: Any, out: list[tuple[float, float]]) -> None:
    if len(out) >= MAX_POINTS or not isinstance(node, list):
        return
    if len(node) >= 2 and all(isinstance(v, (int, float)) for v in node[:2]):
        out.append((float(node[0]), float(node[1])))
        return
    for child in node:
        _collect(child, out)


def _extent(pairs: list[tuple[float, float]]) -> Box | None:
    if len(pairs) < 3:
        return None
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    return _checked((min(xs), min(ys), max(xs), max(ys)))


def _checked(box: Box) -> Box | None:
    w, s, e, n = box
    if -180 <= w < e <= 180 and -90 <= s < n <= 90:
        return box
    return None
