"""Map and chart views: which columns they read, which views a resource gets
by default, the data they draw (real CKAN app, PostgreSQL and DataStore),
and that a private dataset's map and chart stay private."""

from __future__ import annotations

import io

import ckan.plugins.toolkit as tk
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action
from werkzeug.datastructures import FileStorage

from ckanext.opendata_collectivites.dataviz import chart, columns, geodata

from .conftest import DEMO, run_jobs

EQUIPEMENTS = [
    "Centre aquatique du Naye",
    "Stade de Marville",
    "Gymnase de la Découverte",
    "Tennis club de Saint-Servan",
    "Skatepark de la Briantais",
]


def header(name: str) -> list[str]:
    first = (DEMO / name).read_text(encoding="utf-8").splitlines()[0]
    return first.split(";" if ";" in first else ",")


# Column detection ----------------------------------------------------------


def test_positions_of_real_french_files():
    equip = columns.position(header("equipements-sportifs.csv"))
    assert (equip.lat, equip.lon, equip.checked) == ("EQUIP_LAT", "EQUIP_LONG", False)
    bal = columns.position(header("bal-35115.csv"))  # long/lat, not Lambert x/y
    assert (bal.lat, bal.lon) == ("lat", "long")
    dae = columns.position(header("dae.csv"))
    assert (dae.lat, dae.lon) == ("lat_coor1", "long_coor1")
    assert columns.position(["Latitude", "Longitude"]) == columns.Position(
        "Latitude", "Longitude"
    )
    assert columns.position(["nom", "geo_point_2d"]).geometry == "geo_point_2d"
    assert columns.position(["nom", "X", "Y"]) == columns.Position("Y", "X", None, True)
    assert columns.position(header("prenoms-2010-2024.csv")) is None
    assert columns.position(header("subventions-2024.csv")) is None


def test_names_and_addresses():
    names = header("equipements-sportifs.csv")
    assert columns.name_column(names) == "EQUIP_NOM"  # not COLL_NOM
    assert columns.address_columns(names) == [
        "ADR_NUMERO",
        "ADR_NOMVOIE",
        "ADR_CODEPOSTAL",
        "ADR_COMMUNE",
    ]
    dae = header("dae.csv")
    assert columns.name_column(dae) == "nom"
    assert columns.address_columns(dae) == ["adr_num", "adr_voie", "com_cp", "com_nom"]


def test_chart_defaults():
    prenoms = [
        {"id": "COMMUNE_NOM", "type": "text"},
        {"id": "COLL_INSEE", "type": "text"},
        {"id": "ENFANT_SEXE", "type": "text"},
        {"id": "ENFANT_PRENOM", "type": "text"},
        {"id": "NOMBRE_OCCURRENCES", "type": "int8"},
        {"id": "ANNEE", "type": "int8"},
    ]
    assert columns.chart_defaults(prenoms) == columns.ChartDefaults(
        "ANNEE", "NOMBRE_OCCURRENCES", "line"
    )
    without_year = [f for f in prenoms if f["id"] != "ANNEE"]
    assert columns.chart_defaults(without_year) == columns.ChartDefaults(
        "COMMUNE_NOM", "NOMBRE_OCCURRENCES", "bar"
    )
    equipements = [
        {"id": "EQUIP_NOM", "type": "text"},
        {"id": "ERP_CATEGORIE", "type": "int8"},
        {"id": "EQUIP_LAT", "type": "numeric"},
    ]
    assert columns.chart_defaults(equipements).value is None  # nothing to sum


def test_geometry_cells():
    point = {"type": "Point", "coordinates": [-1.68, 48.11]}
    assert geodata.parse_geometry("48.11, -1.68") == point  # Opendatasoft
    assert geodata.parse_geometry('{"type": "Point", "coordinates": [-1.68, 48.11]}')
    assert geodata.parse_geometry({"type": "Feature", "geometry": point}) == point
    assert geodata.parse_geometry("rue de la Paix") is None
    assert geodata.parse_geometry("0, 0") is None
    # Lambert 93 metres in x/y columns: not a map.
    pos = columns.Position("y", "x", None, True)
    assert (
        geodata.from_records([{"x": "371245.1", "y": "6816350.2"}], ["x", "y"], pos)
        == []
    )
    degrees = geodata.from_records([{"x": "-1.2", "y": "48.35"}], ["x", "y"], pos)
    assert degrees[0]["geometry"]["coordinates"] == [-1.2, 48.35]


def test_chart_sql_quotes_identifiers_only():
    spec = chart.ChartSpec('Montant "TTC"', "Prix", "sum", "bar")
    statement = chart.sql("0b0f3d5e-7c59-4bd8-9d4f-3c6b7a3f2e10", spec, 30)
    assert statement == (
        'SELECT "Montant ""TTC""" AS category, SUM("Prix") AS value '
        'FROM "0b0f3d5e-7c59-4bd8-9d4f-3c6b7a3f2e10" '
        'WHERE "Montant ""TTC""" IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 31'
    )
    assert chart.format_number(1234.0) == "1\u202f234"
    assert chart.format_number(56.5) == "56,5"


# Views of real resources -------------------------------------------------


def views_of(res_id: str) -> list[str]:
    found = call_action("resource_view_list", {"ignore_auth": True}, id=res_id)
    return [v["view_type"] for v in found]


@pytest.fixture
def prenoms(dataset, serve, queue):
    def make(name: str = "prenoms-rennes", **extra):
        csv = (DEMO / "prenoms-2010-2024.csv").read_bytes()
        pkg = dataset(
            name,
            [{"name": "Prénoms", "url": serve("prenoms.csv", csv), "format": "CSV"}],
            conforms_to="https://schema.data.gouv.fr/schemas/scdl/prenoms/1.1.6/schema.json",
            **extra,
        )
        assert run_jobs(queue) == ["complete"]
        return pkg, pkg["resources"][0]["id"]

    return make


def view_id(res_id: str, view_type: str) -> str:
    found = call_action("resource_view_list", {"ignore_auth": True}, id=res_id)
    return next(v["id"] for v in found if v["view_type"] == view_type)


def test_table_with_positions_gets_a_map(app, equipements):
    pkg, res_id = equipements()
    assert views_of(res_id) == ["datatables_view", "collectivites_map"]
    found = call_action("resource_view_list", {"ignore_auth": True}, id=res_id)
    assert found[1]["title"] == "Carte"  # made by the worker, in French
    data = geodata.from_table(res_id, {"user": ""})
    assert [f["properties"]["name"] for f in data.features] == EQUIPEMENTS
    assert data.features[0]["geometry"]["coordinates"] == [-2.0115, 48.6433]
    assert data.features[0]["properties"]["address"] == (
        "1 Chemin du Naye 35400 Saint-Malo"
    )
    vid = view_id(res_id, "collectivites_map")
    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}?view_id={vid}")
    soup = BeautifulSoup(page.body, "html.parser")
    rows = soup.select("table.collectivites-map__list tbody tr")
    assert [r.th.get_text() for r in rows] == EQUIPEMENTS
    assert [c.get_text() for c in rows[0].select("td")] == [
        "1 Chemin du Naye 35400 Saint-Malo",
        "48,6433",
        "-2,0115",
    ]
    assert soup.select_one("[data-collectivites-map]")["data-tiles"].startswith(
        "http://127.0.0.1:9/"
    )
    assert "5 lieux sur la carte" in soup.get_text()
    # The view alone ("Plein écran", embedding).
    alone = app.get(f"/dataset/{pkg['name']}/resource/{res_id}/view/{vid}")
    soup = BeautifulSoup(alone.body, "html.parser")
    assert len(soup.select("table.collectivites-map__list tbody tr")) == 5
    assert soup.select_one("[data-collectivites-map]")


def test_uploaded_geojson_gets_a_map(app, dataset, queue):
    body = (DEMO / "equipements-sportifs.geojson").read_bytes()
    pkg = dataset("equipements-geojson", [])
    res = call_action(
        "resource_create",
        {"user": factories.Sysadmin()["name"]},
        package_id=pkg["id"],
        name="Équipements (GeoJSON)",
        format="GeoJSON",
        url="equipements.geojson",
        url_type="upload",
        upload=FileStorage(io.BytesIO(body), "equipements.geojson"),
    )
    assert views_of(res["id"]) == ["collectivites_map"]
    data = geodata.from_geojson(res)
    assert [f["properties"]["name"] for f in data.features] == EQUIPEMENTS
    page = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}")
    soup = BeautifulSoup(page.body, "html.parser")
    rows = soup.select("table.collectivites-map__list tbody th")
    assert [r.get_text() for r in rows] == EQUIPEMENTS
    headers = soup.select("table.collectivites-map__list thead th")
    assert [h.get_text() for h in headers] == ["Nom", "Latitude", "Longitude"]


def test_remote_geojson_through_the_address_policy(serve, ckan_config, monkeypatch):
    body = (DEMO / "equipements-sportifs.geojson").read_bytes()
    url = serve("equip.geojson", body)
    res = {"id": "r1", "url": url, "format": "GeoJSON", "last_modified": "1"}
    assert len(geodata.from_geojson(res).features) == 5
    monkeypatch.setitem(ckan_config, geodata.MAX_BYTES_KEY, 100)
    with pytest.raises(geodata.MapError, match="too-large"):
        geodata.from_geojson(dict(res, last_modified="2"))
    # Without 127.0.0.1 in the allowed hosts, the local address is refused.
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.harvest.allowed_hosts", "")
    monkeypatch.setitem(ckan_config, geodata.MAX_BYTES_KEY, 10**6)
    with pytest.raises(geodata.MapError, match="fetch-failed"):
        geodata.from_geojson(dict(res, last_modified="3"))


def test_prenoms_get_a_chart_by_year(app, prenoms):
    pkg, res_id = prenoms()
    assert views_of(res_id) == ["datatables_view", "collectivites_chart"]
    found = call_action("resource_view_list", {"ignore_auth": True}, id=res_id)
    assert found[1]["title"] == "Graphique"
    vid = view_id(res_id, "collectivites_chart")
    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}?view_id={vid}")
    soup = BeautifulSoup(page.body, "html.parser")
    table = soup.select_one("table.collectivites-chart__values")
    values = [(r.th.get_text(), r.td.get_text()) for r in table.select("tbody tr")]
    assert values == [("2022", "328"), ("2023", "219"), ("2024", "210")]
    assert table.caption.get_text() == (
        "Valeurs du graphique : Somme de NOMBRE_OCCURRENCES par ANNEE"
    )
    assert soup.select_one("canvas[data-collectivites-chart][role=img]")


def test_chart_settings_by_first_name(app, prenoms, org):
    pkg, res_id = prenoms()
    admin = {"user": org["admin"]["name"]}
    view = call_action(
        "resource_view_update",
        dict(admin),
        id=view_id(res_id, "collectivites_chart"),
        resource_id=res_id,
        view_type="collectivites_chart",
        title="Par prénom",
        category_field="ENFANT_PRENOM",
        value_field="NOMBRE_OCCURRENCES",
        aggregate="sum",
        chart_type="bar",
    )
    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}?view_id={view['id']}")
    rows = BeautifulSoup(page.body, "html.parser").select(
        "table.collectivites-chart__values tbody tr"
    )
    values = [(r.th.get_text(), r.td.get_text()) for r in rows]
    assert values[:3] == [("Gabriel", "172"), ("Louise", "118"), ("Jade", "107")]
    # The editors' form offers the table's columns, the current ones selected.
    token = factories.APIToken(user=org["admin"]["name"])["token"]
    form = app.get(
        f"/dataset/{pkg['name']}/resource/{res_id}/edit_view/{view['id']}",
        headers={"Authorization": token},
    )
    soup = BeautifulSoup(form.body, "html.parser")
    category = soup.select_one("select#field-category_field")
    assert category.find_previous("label").get_text() == "Catégorie (axe horizontal)"
    assert category.select_one("option[selected]")["value"] == "ENFANT_PRENOM"
    measures = [o["value"] for o in soup.select("select#field-value_field option")]
    assert measures == ["", "NOMBRE_OCCURRENCES", "ANNEE"]
    with pytest.raises(tk.ValidationError):
        call_action(
            "resource_view_update",
            dict(admin),
            id=view["id"],
            resource_id=res_id,
            view_type="collectivites_chart",
            title="x",
            aggregate="DROP TABLE",
        )


def test_private_map_and_chart_are_not_public(app, equipements, prenoms, org):
    pkg, map_res = equipements("equipements-prives", private=True)
    chart_pkg, chart_res = prenoms("prenoms-prives", private=True)
    outsider = factories.User()
    for who in ({"user": ""}, {"user": outsider["name"]}):
        with pytest.raises(tk.NotAuthorized):
            geodata.from_table(map_res, dict(who))
        spec = chart.ChartSpec("ANNEE", "NOMBRE_OCCURRENCES", "sum", "line")
        with pytest.raises(tk.NotAuthorized):
            chart.aggregate(chart_res, spec, dict(who))
    for name, res_id, kind in (
        (pkg["name"], map_res, "collectivites_map"),
        (chart_pkg["name"], chart_res, "collectivites_chart"),
    ):
        vid = view_id(res_id, kind)
        for url in (
            f"/dataset/{name}/resource/{res_id}?view_id={vid}",
            f"/dataset/{name}/resource/{res_id}/view/{vid}",
        ):
            page = app.get(url, expect_errors=True)
            assert page.status_code in (403, 404)
            assert "Gabriel" not in page.body and "Naye" not in page.body
    editor = {"user": org["editor"]["name"]}
    assert len(geodata.from_table(map_res, editor).features) == 5


def test_remote_geojson_resource_gets_a_map(app, dataset, serve):
    """As a harvested resource: a remote file, fetched server-side by the
    project's HTTP client when the page is shown."""
    body = (DEMO / "equipements-sportifs.geojson").read_bytes()
    url = serve("equipements.geojson", body)
    pkg = dataset("equipements-moissonnes", [{"name": "Points", "url": url,
                                              "format": "GeoJSON"}])  # fmt: skip
    res_id = pkg["resources"][0]["id"]
    assert views_of(res_id) == ["collectivites_map"]
    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}")
    rows = BeautifulSoup(page.body, "html.parser").select(
        "table.collectivites-map__list tbody th"
    )
    assert [r.get_text() for r in rows] == EQUIPEMENTS
    # GeoJSON by format, else by the file name.
    assert not geodata.is_geojson({"format": "CSV", "url": url})
    assert geodata.is_geojson({"format": "", "url": "https://a.fr/x.geojson?v=1"})
