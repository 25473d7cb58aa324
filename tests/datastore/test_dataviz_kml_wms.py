"""KML, KMZ and WMS resources on the map view (real CKAN app, PostgreSQL,
local HTTP servers): Google's KML samples read into the same places as
GeoJSON, hostile XML refused, the address policy applied to remote files
and to WMS capabilities, and a recorded GeoServer GetCapabilities document
giving the layer and its text alternative."""

from __future__ import annotations

import io
import pathlib
import zipfile

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action
from werkzeug.datastructures import FileStorage

from ckanext.opendata_collectivites.dataviz import geodata, kml, wms

from .test_dataviz import views_of
from .wms_server import WmsServer

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "dataviz"
SAMPLES = (FIXTURES / "KML_Samples.kml").read_bytes()
CAPABILITIES = (FIXTURES / "wms_datageo_caps_130.xml").read_bytes()
POINTS = ["Simple placemark", "Floating placemark", "Extruded placemark",
          "Roll over this icon"]  # fmt: skip
LAYER = "Risco_Louveira"
LAYER_TITLE = (
    "IPT - Mapa de áreas de alto e muito alto risco a deslizamentos e "
    "inundações do Município de Louveira, SP"
)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&c;</name>
<Point><coordinates>-1.68,48.11</coordinates></Point></Placemark></kml>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&secret;</name>
<Point><coordinates>-1.68,48.11</coordinates></Point></Placemark></kml>"""


def upload(pkg: dict, name: str, body: bytes, fmt: str) -> dict:
    return call_action(
        "resource_create",
        {"user": factories.Sysadmin()["name"]},
        package_id=pkg["id"],
        name=name,
        format=fmt,
        url=name,
        url_type="upload",
        upload=FileStorage(io.BytesIO(body), name),
    )


def soup_of(app, pkg: dict, res_id: str) -> BeautifulSoup:
    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}")
    return BeautifulSoup(page.body, "html.parser")


@pytest.fixture
def wms_server():
    server = WmsServer(CAPABILITIES)
    yield server
    server.stop()


def test_kml_samples_as_places():
    features, placemarks = kml.parse(SAMPLES)
    assert placemarks == 20  # one "placeless placemark" has no geometry
    kinds = [f["geometry"]["type"] for f in features]
    counts = [kinds.count(k) for k in ("Point", "LineString", "Polygon")]
    assert counts == [4, 6, 9]
    assert [f["properties"]["name"] for f in features[:4]] == POINTS
    first = features[0]["geometry"]["coordinates"]
    assert first == [-122.0822035425683, 37.42228990140251]
    # The Pentagon: an outer ring and an inner one.
    pentagon = next(f for f in features if f["properties"]["name"] == "The Pentagon")
    assert len(pentagon["geometry"]["coordinates"]) == 2
    # MultiGeometry, and a description in HTML reduced to its text.
    multi, _ = kml.parse(
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>Deux</name>'
        b"<description><![CDATA[<b>Mairie</b> <script>alert(1)</script>"
        b"<img src=x onerror=alert(2)>]]></description><MultiGeometry>"
        b"<Point><coordinates>-1.68,48.11</coordinates></Point>"
        b"<LineString><coordinates>-1.6,48.1 -1.7,48.2</coordinates></LineString>"
        b"</MultiGeometry></Placemark></kml>"
    )
    assert multi[0]["geometry"]["type"] == "GeometryCollection"
    assert multi[0]["properties"]["description"] == "Mairie alert(1)"
    assert kml.kind({"format": "", "url": "https://a.fr/parcs.kml?v=2"}) == "kml"
    assert kml.kind({"format": "KMZ", "url": "https://a.fr/x"}) == "kmz"
    assert kml.kind({"format": "CSV", "url": "https://a.fr/x.kml"}) is None


def test_uploaded_kml_gets_a_map_with_its_list(app, dataset):
    pkg = dataset("exemples-kml", [])
    res = upload(pkg, "KML_Samples.kml", SAMPLES, "KML")
    assert views_of(res["id"]) == ["collectivites_map"]
    soup = soup_of(app, pkg, res["id"])
    rows = soup.select("table.collectivites-map__list tbody tr")
    assert len(rows) == 19
    assert [r.th.get_text() for r in rows[:4]] == POINTS
    headers = soup.select("table.collectivites-map__list th[scope=col]")
    headers = [h.get_text() for h in headers]
    assert headers == ["Nom", "Description", "Latitude", "Longitude"]
    assert [c.get_text() for c in rows[0].select("td")][1:] == [
        "37,42228990140251",
        "-122,0822035425683",
    ]
    assert "19 lieux sur la carte" in soup.get_text()
    # No HTML of the KML balloons in the page.
    assert not soup.select(".collectivites-dataviz :is(font, blockquote, hr)")


def test_uploaded_kmz_gets_a_map(app, dataset):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", SAMPLES)
    pkg = dataset("exemples-kmz", [])
    res = upload(pkg, "exemples.kmz", archive.getvalue(), "KMZ")
    assert views_of(res["id"]) == ["collectivites_map"]
    rows = soup_of(app, pkg, res["id"]).select("table.collectivites-map__list tbody tr")
    assert len(rows) == 19
    # A KMZ larger than the cap once decompressed (a zip bomb) is refused.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", b"<kml>" + b" " * 2_000_000 + b"</kml>")
    assert len(bomb.getvalue()) < 10_000
    with pytest.raises(kml.KmlError, match="too-large"):
        kml.unzip(bomb.getvalue(), 1_000_000)


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["entities", "external"])
def test_hostile_kml_is_refused(app, dataset, body):
    with pytest.raises(kml.KmlError, match="refused-xml"):
        kml.parse(body)
    pkg = dataset("kml-hostile", [])
    res = upload(pkg, "hostile.kml", body, "KML")
    soup = soup_of(app, pkg, res["id"])
    alert = soup.select_one(".collectivites-dataviz .alert-warning").get_text()
    assert alert == (
        "Le fichier a été refusé : il déclare une DTD ou des entités XML, "
        "ce qui n'est pas permis."
    )
    assert "root:" not in soup.get_text() and "aaaaaaaaaa" not in soup.get_text()
    assert not soup.select("table.collectivites-map__list")


def test_broken_and_empty_kml(app, dataset):
    pkg = dataset("kml-casses", [])
    broken = upload(pkg, "casse.kml", SAMPLES[:5000], "KML")
    soup = soup_of(app, pkg, broken["id"])
    assert soup.select_one(".collectivites-dataviz .alert-warning").get_text() == (
        "Le fichier n'est pas un KML (ou KMZ) valide."
    )
    empty = upload(
        pkg, "vide.kml", b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>',
        "KML",
    )  # fmt: skip
    box = soup_of(app, pkg, empty["id"]).select_one(".collectivites-dataviz")
    assert "Aucun lieu" in box.get_text()


def test_remote_kml_through_the_address_policy(serve, ckan_config, monkeypatch):
    url = serve("exemples.kml", SAMPLES)
    res = {"id": "k1", "url": url, "format": "KML", "last_modified": "1"}
    assert len(geodata.from_file(res).features) == 19
    monkeypatch.setitem(ckan_config, geodata.MAX_BYTES_KEY, 1000)
    with pytest.raises(geodata.MapError, match="too-large"):
        geodata.from_file(dict(res, last_modified="2"))
    # Without 127.0.0.1 in the allowed hosts, the private address is refused.
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.harvest.allowed_hosts", "")
    monkeypatch.setitem(ckan_config, geodata.MAX_BYTES_KEY, 10**6)
    with pytest.raises(geodata.MapError, match="fetch-failed"):
        geodata.from_file(dict(res, last_modified="3"))


def test_wms_layer_from_capabilities(app, dataset, wms_server):
    url = wms_server.url("/geoserver/iptwms/ows?SERVICE=WMS&REQUEST=GetCapabilities")
    pkg = dataset("risques-louveira", [{"name": "Risques (WMS)", "url": url,
                                        "format": "WMS"}])  # fmt: skip
    res_id = pkg["resources"][0]["id"]
    assert views_of(res_id) == ["collectivites_map"]
    soup = soup_of(app, pkg, res_id)
    box = soup.select_one("[data-collectivites-map]")
    assert box["data-wms"] == wms_server.url("/geoserver/iptwms/ows")
    assert box["data-wms-layers"] == LAYER
    assert box["data-wms-version"] == "1.3.0"
    south, west, north, east = map(float, box["data-bounds"].split(","))
    assert (round(south, 3), round(west, 3)) == (-23.103, -46.981)
    layers = soup.select_one("dl.collectivites-map__layers")
    assert layers.dt.get_text(" ", strip=True) == f"{LAYER_TITLE} ({LAYER})"
    assert layers.dd.get_text() == "Aucune description donnée par le service."
    link = soup.select_one(".collectivites-map__wms a")
    assert link["href"] == wms_server.url("/geoserver/iptwms/ows")
    text = soup.select_one(".collectivites-map__wms").get_text()
    assert "GeoServer Web Map Service" in text
    assert len(wms_server.asked("getcapabilities")) == 1
    # Capabilities kept a few minutes: the page again asks nothing.
    soup_of(app, pkg, res_id)
    assert len(wms_server.asked("getcapabilities")) == 1


def test_wms_layer_named_by_the_address(wms_server, ckan_config, monkeypatch):
    url = wms_server.url("/wms?map=/srv/risques.map&service=WMS&layers=zones,digues")
    res = {"id": "w1", "url": url, "format": ""}
    assert wms.is_wms(res)
    found = wms.wms_map(res)
    assert found.names == "zones,digues"
    assert found.url == wms_server.url("/wms?map=%2Fsrv%2Frisques.map")
    assert found.error is None
    # A private address, not allowed: the capabilities are not asked for,
    # the map still shows the named layers (the reader's browser asks them).
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.harvest.allowed_hosts", "")
    other = wms_server.url("/autre?service=WMS&layers=zones")
    refused = wms.wms_map({"id": "w2", "url": other, "format": "WMS"})
    assert refused.error == "fetch-failed" and refused.names == "zones"
    assert not any("autre" in str(r) for r in wms_server.requests)
    assert len(wms_server.requests) == 1
    # Nor a layer in the address nor capabilities: no map, a French message.
    nothing = wms.wms_map({"id": "w3", "url": wms_server.url("/vide?service=WMS")})
    assert nothing.layers == [] and nothing.error == "fetch-failed"


def test_hostile_capabilities_are_refused():
    with pytest.raises(wms.WmsError, match="refused-xml"):
        wms.parse(XXE.replace(b"kml", b"WMS_Capabilities"))
    with pytest.raises(wms.WmsError, match="invalid"):
        wms.parse(SAMPLES)


def test_private_addresses_never_asked(app, dataset):
    """127.0.0.2 is a loopback address not in test.ini's allow-list: neither
    the KML file nor the WMS capabilities are asked for, and the page says
    so in French."""
    from tests.harvest.servers import RecordingServer

    private = RecordingServer("127.0.0.2")
    try:
        private.files["/parcs.kml"] = ("application/vnd.google-earth.kml+xml", SAMPLES)
        private.files["/wms?SERVICE=WMS&REQUEST=GetCapabilities"] = (
            "text/xml",
            CAPABILITIES,
        )
        pkg = dataset(
            "adresses-privees",
            [
                {"name": "Parcs", "url": private.url("/parcs.kml"), "format": "KML"},
                {"name": "Carte", "url": private.url("/wms?service=WMS"),
                 "format": "WMS"},
            ],
        )  # fmt: skip
        kml_res, wms_res = (r["id"] for r in pkg["resources"])
        assert views_of(kml_res) == views_of(wms_res) == ["collectivites_map"]
        alert = soup_of(app, pkg, kml_res).select_one(".alert-warning").get_text()
        assert alert == "Le fichier n'a pas pu être récupéré pour afficher la carte."
        soup = soup_of(app, pkg, wms_res)
        assert soup.select_one(".alert-warning").get_text() == (
            "La description du service de carte (GetCapabilities) n'a pas pu "
            "être récupérée."
        )
        assert not soup.select("[data-wms]")
        assert private.requests == []
    finally:
        private.stop()
