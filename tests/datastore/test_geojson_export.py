"""GeoJSON export of a DataStore table with positions
(``/dataset/<id>/resource/<resource_id>/geojson``): filtered like CKAN's
``/datastore/dump``, read through ``datastore_search`` with the reader's
rights, streamed as a FeatureCollection (real CKAN app and DataStore)."""

from __future__ import annotations

import json
import math
import pathlib
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites.datastore import geojson

from . import french_csv
from .conftest import run_jobs
from .test_dataviz import EQUIPEMENTS

# Comma decimals, and three rows without a usable position.
LIEUX = (
    b"nom;commune;latitude;longitude\n"
    b"Mairie;Rennes;48,1113;-1,6800\n"
    b"Gare;Rennes;48,1035;-1,6722\n"
    b"Sans position;Rennes;;\n"
    b"Parc des Gayeulles;Rennes;48,1334;-1,6305\n"
    b"Position inconnue;Rennes;inconnue;-1,6\n"
    b"Mairie;Brest;48,3904;-4,4861\n"
    b"Hors limites;Brest;95,0;-4,48\n"
    b"Port;Brest;48,3800;-4,4900\n"
    b"Mairie;Vannes;47,6559;-2,7603\n"
    b"Port;Vannes;47,6530;-2,7570\n"
    b"Mairie;Lorient;47,7482;-3,3702\n"
    b"Mairie;Quimper;47,9960;-4,1024\n"
)


def check_geojson(document: dict[str, Any]) -> list[dict[str, Any]]:
    """RFC 7946 shape of a FeatureCollection of points in WGS84 degrees."""
    assert document["type"] == "FeatureCollection"
    assert isinstance(document["features"], list)
    assert isinstance(document["skipped"], int) and document["skipped"] >= 0
    for feature in document["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], int)
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float | int) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    return document["features"]


def export(app, pkg: dict, res_id: str, status: int = 200, **kwargs: Any):
    url = f"/dataset/{pkg['name']}/resource/{res_id}/geojson"
    return app.get(url, status=status, **kwargs)


@pytest.fixture
def lieux(dataset, serve, queue):
    url = serve("lieux.csv", LIEUX)
    pkg = dataset("lieux-bretagne", [{"name": "Lieux", "url": url, "format": "CSV"}])
    assert run_jobs(queue) == ["complete"]
    return pkg, pkg["resources"][0]["id"]


def test_export_of_a_table_with_positions(app, equipements):
    pkg, res_id = equipements()
    response = export(app, pkg, res_id)
    assert response.headers["Content-Type"].startswith("application/geo+json")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Equipements.geojson"; '
        "filename*=UTF-8''%C3%89quipements.geojson"
    )
    features = check_geojson(json.loads(response.body))
    assert [f["properties"]["EQUIP_NOM"] for f in features] == EQUIPEMENTS
    # lon, lat order; the position columns are not repeated in properties.
    assert features[0]["geometry"]["coordinates"] == [-2.0115, 48.6433]
    assert features[3]["geometry"]["coordinates"] == [-2.0208, 48.6362]
    assert "EQUIP_LAT" not in features[0]["properties"]
    assert "EQUIP_LONG" not in features[0]["properties"]
    assert features[0]["properties"]["ADR_COMMUNE"] == "Saint-Malo"
    assert features[0]["properties"]["EQUIP_TYPE"] == "Piscine"
    assert json.loads(response.body)["skipped"] == 0


def test_filters_q_limit_offset_sort_fields(app, equipements):
    pkg, res_id = equipements()

    def names(**params: str) -> list[str]:
        body = export(app, pkg, res_id, query_string=params).body
        return [f["properties"]["EQUIP_NOM"] for f in check_geojson(json.loads(body))]

    filters = json.dumps({"EQUIP_TYPE": ["Stade", "Skatepark"]})
    found = call_action(
        "datastore_search",
        {"ignore_auth": True},
        resource_id=res_id,
        filters=json.loads(filters),
    )
    assert len(names(filters=filters)) == found["total"] == 2
    assert names(filters=filters) == ["Stade de Marville", "Skatepark de la Briantais"]
    assert names(q="Briantais") == ["Skatepark de la Briantais"]
    assert names(limit="2", offset="1") == EQUIPEMENTS[1:3]
    assert names(sort="EQUIP_NOM desc", limit="2") == [
        "Tennis club de Saint-Servan",
        "Stade de Marville",
    ]
    body = export(
        app, pkg, res_id, query_string={"fields": "EQUIP_NOM,ADR_COMMUNE", "limit": "1"}
    ).body
    (feature,) = check_geojson(json.loads(body))
    assert feature["properties"] == {
        "EQUIP_NOM": "Centre aquatique du Naye",
        "ADR_COMMUNE": "Saint-Malo",
    }
    assert feature["geometry"]["coordinates"] == [-2.0115, 48.6433]


def test_rows_without_position_are_skipped_across_pages(app, lieux, monkeypatch):
    pkg, res_id = lieux
    monkeypatch.setattr(geojson, "PAGE", 4)  # three pages of rows
    document = json.loads(export(app, pkg, res_id).body)
    features = check_geojson(document)
    assert document["skipped"] == 3
    assert len(features) == 9  # 12 rows, 3 without a usable position
    assert features[0]["properties"] == {"nom": "Mairie", "commune": "Rennes"}
    assert features[0]["geometry"]["coordinates"] == [-1.68, 48.1113]  # comma decimals
    assert [f["id"] for f in features] == [1, 2, 4, 6, 8, 9, 10, 11, 12]
    brest = json.loads(
        export(app, pkg, res_id, query_string={"filters": '{"commune": "Brest"}'}).body
    )
    assert [f["properties"]["nom"] for f in check_geojson(brest)] == ["Mairie", "Port"]
    assert brest["skipped"] == 1


def test_link_in_the_api_section_only_with_positions(
    app, equipements, dataset, serve, queue
):
    pkg, res_id = equipements()
    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}")
    api = BeautifulSoup(page.body, "html.parser").select_one(
        "section.collectivites-datastore-api"
    )
    link = api.select_one("a.api-export-geojson")
    assert link.get_text() == "GeoJSON"
    assert "un lieu par ligne" in link.parent.get_text()
    parts = urlsplit(link["href"])
    assert parts.path == f"/dataset/{pkg['id']}/resource/{res_id}/geojson"
    assert "filters=" in parts.query  # the same filter as the CSV and JSON links
    csv = urlsplit(api.select_one("a.api-export-csv")["href"])
    rows = app.get(f"{csv.path}?{csv.query}").body.strip().splitlines()
    features = check_geojson(json.loads(app.get(f"{parts.path}?{parts.query}").body))
    assert len(features) == len(rows) - 1 == 5

    # A table without positions: no link, and the address answers 404.
    url = serve("subventions.csv", french_csv.render(french_csv.rows(10)))
    other = dataset("subventions", [{"name": "s", "url": url, "format": "CSV"}])
    other_id = other["resources"][0]["id"]
    assert run_jobs(queue) == ["complete"]
    page = app.get(f"/dataset/{other['name']}/resource/{other_id}")
    soup = BeautifulSoup(page.body, "html.parser")
    assert soup.select_one("section.collectivites-datastore-api a.api-export-csv")
    assert soup.select_one("a.api-export-geojson") is None
    refused = export(app, other, other_id, status=404)
    assert refused.json["error"] == (
        "Ce tableau n'a pas de colonnes de position (latitude et longitude, ou "
        "géométrie) : il n'a pas d'export GeoJSON."
    )


def test_private_dataset_export_is_refused(app, equipements, org):
    pkg, res_id = equipements("equipements-prives", private=True)
    outsider = factories.APIToken(user=factories.User()["name"])["token"]
    editor = factories.APIToken(user=org["editor"]["name"])["token"]
    message = "Vous n'êtes pas autorisé à lire ces données."
    assert export(app, pkg, res_id, status=403).json["error"] == message
    refused = export(app, pkg, res_id, status=403, headers={"Authorization": outsider})
    assert refused.json["error"] == message
    assert "Centre aquatique" not in refused.body
    ok = export(app, pkg, res_id, headers={"Authorization": editor})
    assert len(check_geojson(json.loads(ok.body))) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"filters": "{EQUIP_TYPE: Stade"},
            "Le paramètre filters doit être un objet JSON, par exemple "
            '{"commune": "Rennes"}.',
        ),
        (
            {"filters": '["Stade"]'},
            "Le paramètre filters doit être un objet JSON, par exemple "
            '{"commune": "Rennes"}.',
        ),
        (
            {"filters": '{"inconnue": "x"}'},
            "Colonne inconnue dans filters : inconnue.",
        ),
        (
            {"filters": '{"EQUIP_TYPE": {"gt": 1}}'},
            "Les valeurs de filters doivent être des textes ou des nombres, ou "
            "des listes de textes ou de nombres.",
        ),
        (
            {"limit": "-1"},
            "Le paramètre limit doit être un nombre entier, 0 ou plus.",
        ),
        (
            {"offset": "deux"},
            "Le paramètre offset doit être un nombre entier, 0 ou plus.",
        ),
        (
            {"sort": "EQUIP_NOM; drop table"},
            "Le paramètre sort liste des colonnes, chacune suivie ou non de asc ou "
            'desc, par exemple "nom desc".',
        ),
        (
            {"fields": "EQUIP_NOM,mot_de_passe"},
            "Colonne inconnue dans fields : mot_de_passe.",
        ),
        (
            {"q": "Naye & | !", "plain": "false"},
            "Les paramètres de recherche ne sont pas valides (q, filters, sort, "
            "fields).",
        ),
        (
            {"q": "Naye", "language": "klingon"},
            "Les paramètres de recherche ne sont pas valides (q, filters, sort, "
            "fields).",
        ),
    ],
)
def test_bad_parameters_answer_400_in_french(app, equipements, params, message):
    pkg, res_id = equipements()
    response = export(app, pkg, res_id, status=400, query_string=params)
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json == {"error": message}


def test_unknown_resource_or_dataset_answers_404(app, equipements, dataset):
    pkg, res_id = equipements()
    other = dataset("autre-jeu", [])
    assert export(app, pkg, "inconnue", status=404).json["error"] == (
        "Ressource introuvable"
    )
    export(app, other, res_id, status=404)  # the resource of another dataset
    export(app, {"name": "jeu-inconnu"}, res_id, status=404)


def test_row_cap(app, equipements, ckan_config, monkeypatch):
    pkg, res_id = equipements()
    monkeypatch.setitem(ckan_config, geojson.MAX_ROWS_KEY, 3)
    refused = export(app, pkg, res_id, status=400)
    assert refused.json["error"] == (
        "Cet export compte 5 lignes, au-delà de la limite de 3 : réduisez-le "
        "avec filters ou q, ou lisez-le en plusieurs fois avec limit et offset."
    )
    parts = [
        check_geojson(
            json.loads(
                export(
                    app, pkg, res_id, query_string={"limit": "3", "offset": offset}
                ).body
            )
        )
        for offset in ("0", "3")
    ]
    assert [len(p) for p in parts] == [3, 2]


def test_interrupted_export_stays_valid_json(app):
    """A failure after the first byte (a page that cannot be read) ends the
    document with an ``error`` member instead of cutting it."""

    def items():
        yield {"type": "Feature", "id": 1, "geometry": None, "properties": {}}
        raise RuntimeError("la table a disparu")

    with app.flask_app.test_request_context():
        document = json.loads("".join(geojson.stream(items())))
    assert len(document["features"]) == 1
    assert document["error"] == "L'export a été interrompu : ce fichier est incomplet."


def test_geometry_column_and_projected_xy(app, dataset, serve, queue):
    """A ``geo_point_2d`` column ("lat, lon", Opendatasoft) is exported; x/y
    in Lambert 93 (metres, not degrees) have no GeoJSON export."""
    points = serve(
        "points.csv",
        b"nom;geo_point_2d\n"
        b'Mairie;"48.1113, -1.68"\n'
        b"Sans position;\n"
        b'Gare;"48.1035, -1.6722"\n',
    )
    lambert = serve(
        "lambert.csv", b"nom;X;Y\nMairie;351861.5;6789173.2\nGare;352410.0;6788312.0\n"
    )
    pkg = dataset(
        "points-et-lambert",
        [
            {"name": "Points", "url": points, "format": "CSV"},
            {"name": "Lambert", "url": lambert, "format": "CSV"},
        ],
    )
    assert run_jobs(queue) == ["complete", "complete"]
    points_id, lambert_id = (r["id"] for r in pkg["resources"])
    document = json.loads(export(app, pkg, points_id).body)
    features = check_geojson(document)
    assert [f["geometry"]["coordinates"] for f in features] == [
        [-1.68, 48.1113],
        [-1.6722, 48.1035],
    ]
    assert features[0]["properties"] == {"nom": "Mairie"}
    assert document["skipped"] == 1
    refused = export(app, pkg, lambert_id, status=404)
    assert "pas d'export GeoJSON" in refused.json["error"]


def test_every_export_message_is_translated():
    """Babel's own extraction of ``geojson.py`` (implicit concatenations
    included) against the shipped French catalogue, same placeholders."""
    import polib
    from babel.messages.extract import extract_python

    root = pathlib.Path(geojson.__file__).parents[1]
    with open(pathlib.Path(geojson.__file__), "rb") as source:
        found = {
            message
            for _, function, message, _ in extract_python(source, ["_"], [], {})
            if function == "_"
        }
    template = (root / "templates/datastore/snippets/api.html").read_text()
    found |= set(re.findall(r"_\('([^']+)'\)", template))
    assert "one place per row with a position" in found
    assert len(found) >= 12
    po = root / "i18n/fr/LC_MESSAGES/ckanext-opendata_collectivites.po"
    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(po))}
    for msgid in found:
        assert catalogue.get(msgid), msgid
        assert set(re.findall(r"%\(\w+\)s", msgid)) == set(
            re.findall(r"%\(\w+\)s", catalogue[msgid])
        ), msgid
