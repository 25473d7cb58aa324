"""WMS resources on the map view: the reader's browser asks the service for
the images (Leaflet's ``L.tileLayer.wms``); the server only reads the
service's GetCapabilities document (through the project's HTTP client,
address policy, size cap, parsed by defusedxml, kept a few minutes) for the
layer names when the address names none, the layers' extent, and the text
alternative: a raster has no list of places, so the page gives the titles
and abstracts of the layers and a link to the service."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

WMS_FORMATS = {"wms", "ogc:wms", "ogc wms", "wms_srv", "ogc:wms-http-get-map"}
# Parameters of a WMS request, dropped from the service address (others,
# such as MapServer's ``map=``, are part of it).
REQUEST_PARAMS = {
    "service", "request", "version", "layers", "styles", "format", "bbox",
    "width", "height", "crs", "srs", "transparent", "bgcolor", "exceptions",
}  # fmt: skip
CACHE_SECONDS = 300
MAX_LAYERS = 20

_cache: dict[str, tuple[float, Capabilities]] = {}
_lock = threading.Lock()


class WmsError(Exception):
    """``code``: ``fetch-failed``, ``invalid``, ``refused-xml``, ``too-large``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Layer:
    name: str
    title: str = ""
    abstract: str = ""
    bounds: list[float] | None = None  # south, west, north, east


@dataclass
class Capabilities:
    title: str = ""
    abstract: str = ""
    version: str = ""
    layers: list[Layer] = field(default_factory=list)


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(urlsplit(url).query)}


def is_wms(res: dict[str, Any]) -> bool:
    fmt = (res.get("format") or "").strip().lower()
    url = res.get("url") or ""
    if not url.startswith(("http://", "https://")):
        return False
    return fmt in WMS_FORMATS or _query(url).get("service", "").lower() == "wms"


def service_url(url: str) -> str:
    """The service's address without the parameters of a WMS request."""
    parts = urlsplit(url)
    kept = [
        (k, v) for k, v in parse_qsl(parts.query) if k.lower() not in REQUEST_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(kept), fragment=""))


def layers_of_url(url: str) -> list[str]:
    return [n for n in _query(url).get("layers", "").split(",") if n.strip()]


def capabilities_url(url: str) -> str:
    base = service_url(url)
    joiner = "&" if urlsplit(base).query else "?"
    return f"{base}{joiner}SERVICE=WMS&REQUEST=GetCapabilities"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: Any, name: str) -> str:
    node = next((c for c in element if _local(c.tag) == name), None)
    return " ".join((node.text or "").split()) if node is not None else ""


def _bounds(layer: Any) -> list[float] | None:
    for child in layer:
        tag = _local(child.tag)
        try:
            if tag == "EX_GeographicBoundingBox":  # 1.3.0
                w, e, s, n = (float(_text(child, k)) for k in (
                    "westBoundLongitude", "eastBoundLongitude",
                    "southBoundLatitude", "northBoundLatitude"))  # fmt: skip
                return [s, w, n, e]
            if tag == "LatLonBoundingBox":  # 1.1.1
                w, s, e, n = (
                    float(child.get(k, "")) for k in ("minx", "miny", "maxx", "maxy")
                )
                return [s, w, n, e]
        except ValueError:
            return None
    return None


def parse(body: bytes) -> Capabilities:
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        root = DET.fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise WmsError("refused-xml") from None
    except Exception:  # noqa: BLE001 - any parse error: not a capabilities document
        raise WmsError("invalid") from None
    if _local(root.tag) not in ("WMS_Capabilities", "WMT_MS_Capabilities"):
        raise WmsError("invalid")
    service = next((c for c in root if _local(c.tag) == "Service"), None)
    found = Capabilities(version=root.get("version", ""))
    if service is not None:
        found.title, found.abstract = (
            _text(service, "Title"),
            _text(service, "Abstract"),
        )
    for layer in root.iter():
        if _local(layer.tag) == "Layer" and _text(layer, "Name"):
            found.layers.append(
                Layer(
                    _text(layer, "Name"),
                    _text(layer, "Title"),
                    _text(layer, "Abstract"),
                    _bounds(layer),
                )  # fmt: skip
            )
            if len(found.layers) >= MAX_LAYERS:
                break
    return found


def capabilities(url: str) -> Capabilities:
    """The service's capabilities, through the project's HTTP client."""
    from ckanext.opendata_collectivites.dataviz import geodata

    address = capabilities_url(url)
    with _lock:
        cached = _cache.get(address)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        body = geodata._fetch(address, geodata.max_bytes())
    except geodata.MapError as exc:
        raise WmsError(exc.code) from None
    found = parse(body)
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[address] = (time.monotonic(), found)
    return found


@dataclass
class WmsMap:
    url: str  # the service, for Leaflet and the link
    layers: list[Layer]
    version: str = "1.1.1"
    title: str = ""
    abstract: str = ""
    error: str | None = None  # code of WmsError when the capabilities failed

    @property
    def names(self) -> str:
        return ",".join(layer.name for layer in self.layers)

    @property
    def bounds(self) -> list[list[float]] | None:
        boxes = [layer.bounds for layer in self.layers if layer.bounds]
        if not boxes:
            return None
        s, w = min(b[0] for b in boxes), min(b[1] for b in boxes)
        n, e = max(b[2] for b in boxes), max(b[3] for b in boxes)
        return [[s, w], [n, e]]


def wms_map(res: dict[str, Any]) -> WmsMap:
    """What the page draws: the layers named by the address, else the first
    named layer of the capabilities; their titles when the capabilities can
    be read."""
    url = res.get("url") or ""
    wanted = layers_of_url(url)
    found, error = Capabilities(), None
    try:
        found = capabilities(url)
    except WmsError as exc:
        error = exc.code
    known = {layer.name: layer for layer in found.layers}
    if wanted:
        layers = [known.get(name) or Layer(name) for name in wanted]
    else:
        layers = found.layers[:1]
    version = found.version if found.version in ("1.1.1", "1.3.0") else "1.1.1"
    return WmsMap(service_url(url), layers, version, found.title, found.abstract, error)
