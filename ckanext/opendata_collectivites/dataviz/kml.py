"""KML and KMZ files read into the map's features (the same ``MapData`` as
GeoJSON): every ``Placemark`` with a ``Point``, ``LineString``, ``Polygon``
or ``MultiGeometry``, its ``name`` and its ``description`` reduced to plain
text (the HTML of KML balloons never reaches the page).

The XML is parsed by defusedxml with DTDs, entities and external
references forbidden (billion laughs, XXE); a KMZ is a zip archive whose
first ``.kml`` member is read, never more than the size cap once
decompressed."""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from html.parser import HTMLParser
from typing import Any

KML_FORMATS = {"kml", "application/vnd.google-earth.kml+xml"}
KMZ_FORMATS = {"kmz", "application/vnd.google-earth.kmz"}
DESCRIPTION_CHARS = 500
SPACES = re.compile(r"\s+")


class KmlError(Exception):
    """``code``: ``invalid-kml``, ``refused-xml``, ``too-large``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def kind(res: dict[str, Any]) -> str | None:
    """``"kml"``, ``"kmz"`` or None, by the format, else by the file name."""
    fmt = (res.get("format") or "").strip().lower()
    if fmt:
        return "kml" if fmt in KML_FORMATS else "kmz" if fmt in KMZ_FORMATS else None
    path = (res.get("url") or "").split("?")[0].lower()
    return "kml" if path.endswith(".kml") else "kmz" if path.endswith(".kmz") else None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(value: str | None) -> str:
    """The text of a KML ``description`` (often HTML in CDATA), tags dropped."""
    if not value:
        return ""
    parser = _Text()
    parser.feed(value)
    parser.close()
    text = SPACES.sub(" ", " ".join(parser.parts)).strip()
    return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS] + "…"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    return next((c for c in element if _local(c.tag) == name), None)


def _positions(element: Any) -> list[list[float]] | None:
    """``lon,lat[,alt]`` tuples of a ``coordinates`` child; None when one is
    not a position in degrees."""
    node = _child(element, "coordinates")
    if node is None or not (node.text or "").strip():
        return None
    found = []
    for item in node.text.split():
        parts = item.split(",")
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            return None
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        found.append([lon, lat])
    return found


def _ring(boundary: Any) -> list[list[float]] | None:
    ring = _child(boundary, "LinearRing") if boundary is not None else None
    return _positions(ring) if ring is not None else None


def geometry(element: Any) -> dict[str, Any] | None:
    name = _local(element.tag)
    if name == "Point":
        found = _positions(element)
        return {"type": "Point", "coordinates": found[0]} if found else None
    if name == "LineString":
        found = _positions(element)
        return (
            {"type": "LineString", "coordinates": found}
            if found and len(found) > 1
            else None
        )
    if name == "Polygon":
        outer = _ring(_child(element, "outerBoundaryIs"))
        if not outer or len(outer) < 4:
            return None
        inner = [_ring(b) for b in element if _local(b.tag) == "innerBoundaryIs"]
        rings = [outer, *[r for r in inner if r and len(r) >= 4]]
        return {"type": "Polygon", "coordinates": rings}
    if name == "MultiGeometry":
        parts = [g for g in (geometry(c) for c in element) if g]
        if not parts:
            return None
        return (
            parts[0]
            if len(parts) == 1
            else {"type": "GeometryCollection", "geometries": parts}
        )
    return None


def _text(element: Any, name: str) -> str:
    node = _child(element, name)
    return SPACES.sub(" ", node.text or "").strip() if node is not None else ""


def parse(body: bytes) -> tuple[list[dict[str, Any]], int]:
    """The features of a KML document (all of them) and the number of
    placemarks it holds."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        root = DET.fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise KmlError("refused-xml") from None
    except Exception:  # noqa: BLE001 - any parse error: not KML
        raise KmlError("invalid-kml") from None
    if _local(root.tag) != "kml":
        raise KmlError("invalid-kml")
    features, placemarks = [], 0
    for placemark in root.iter():
        if _local(placemark.tag) != "Placemark":
            continue
        placemarks += 1
        shape = next((g for g in (geometry(c) for c in placemark) if g), None)
        if shape is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": shape,
                "properties": {
                    "name": _text(placemark, "name"),
                    "address": _text(placemark, "address"),
                    "description": plain_text(_text(placemark, "description")),
                },
            }
        )
    return features, placemarks


def unzip(body: bytes, cap: int) -> bytes:
    """The KML of a KMZ archive (``doc.kml``, else its first ``.kml``)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        members = [i for i in archive.infolist() if i.filename.lower().endswith(".kml")]
        if not members:
            raise KmlError("invalid-kml")
        member = next(
            (i for i in members if i.filename.lower() == "doc.kml"), members[0]
        )
        if member.file_size > cap:
            raise KmlError("too-large")
        with archive.open(member) as stream:
            data = stream.read(cap + 1)  # the declared size may lie
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError,
            NotImplementedError, EOFError, ValueError, zlib.error):  # fmt: skip
        raise KmlError("invalid-kml") from None
    if len(data) > cap:
        raise KmlError("too-large")
    return data
