"""KML and WMS maps in Chromium: the KML samples' points as Leaflet markers
and their lines and polygons as paths, the WMS layer asked by the browser
to the local service with the layer named in its capabilities, and
axe-core WCAG 2.1 AA on both pages (screenshots in tests/artifacts/)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.validation.test_report_browser import _violations

from .test_dataviz_kml_wms import (
    LAYER,
    LAYER_TITLE,
    POINTS,
    SAMPLES,
    upload,
    wms_server,  # noqa: F401
)

pytestmark = pytest.mark.browser


def test_kml_map_in_the_browser(dataset, live_server, page):
    pkg = dataset("exemples-kml-carte", [])
    res = upload(pkg, "KML_Samples.kml", SAMPLES, "KML")
    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res['id']}")
    markers = page.locator(".collectivites-map .leaflet-marker-icon")
    markers.first.wait_for(timeout=20000)
    assert markers.count() == 4
    assert sorted(m.get_attribute("title") for m in markers.all()) == sorted(POINTS)
    # 6 lines and 9 polygons drawn as SVG paths.
    assert page.locator(".collectivites-map path.leaflet-interactive").count() == 15
    rows = page.locator("table.collectivites-map__list tbody tr")
    assert rows.count() == 19
    markers.first.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5000)
    assert popup.inner_text().split("\n")[0] in POINTS
    assert page.locator(".collectivites-dataviz font").count() == 0
    screenshot(page, "dataviz-kml")
    assert _violations(page) == []


def test_wms_map_in_the_browser(dataset, live_server, page, wms_server):  # noqa: F811
    url = wms_server.url("/geoserver/iptwms/ows?SERVICE=WMS&REQUEST=GetCapabilities")
    pkg = dataset("risques-louveira-carte", [{"name": "Risques", "url": url,
                                              "format": "WMS"}])  # fmt: skip
    res_id = pkg["resources"][0]["id"]
    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res_id}")
    page.wait_for_selector(f"[data-wms-drawn='{LAYER}']", timeout=20000)
    service = wms_server.url("/geoserver/iptwms/ows?")
    tiles = page.locator(f".collectivites-map img.leaflet-tile[src^='{service}']")
    tiles.first.wait_for(state="attached", timeout=20000)
    src = tiles.first.get_attribute("src")
    assert f"layers={LAYER}" in src and "request=GetMap" in src
    # The browser asked the service for the images of that layer.
    loaded = f".collectivites-map img.leaflet-tile-loaded[src^='{service}']"
    page.wait_for_selector(loaded, state="attached", timeout=20000)
    maps = wms_server.asked("getmap")
    assert maps and {m["LAYERS"] for m in maps} == {LAYER}
    assert {m["CRS"] for m in maps} == {"EPSG:3857"}
    text = page.locator(".collectivites-map__wms").inner_text()
    assert LAYER_TITLE in text and "GeoServer Web Map Service" in text
    screenshot(page, "dataviz-wms")
    assert _violations(page) == []
