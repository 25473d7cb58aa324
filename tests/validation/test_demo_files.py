"""The demo ships its files: every demo resource is an upload the portal
serves, and the validation job gives the verdicts the demo promises (all
SCDL files conformant except Saint-Malo's équipements, one wrong SIRET)."""

from __future__ import annotations

from ckan.tests import factories

from ckanext.opendata_collectivites.demo import data
from ckanext.opendata_collectivites.demo.loader import DemoContext
from ckanext.opendata_collectivites.demo.steps import datasets, organizations

from .conftest import run_jobs

EXPECTED = {  # dataset → verdict of its SCDL file(s)
    "deliberations-conseil-departemental": "valid",
    "subventions-associations-rennes": "valid",
    "prenoms-nouveaux-nes-rennes": "valid",
    "budget-primitif-rennes-metropole": "valid",
    "equipements-sportifs-saint-malo": "invalid",  # the CSV; its GeoJSON is not checked
}


def test_demo_files_are_served_and_checked(app, queue):
    admin = factories.Sysadmin()
    demo = DemoContext(admin=admin["name"])
    organizations.load(demo)
    datasets.load(demo)
    run_jobs(queue)
    files = datasets.FILES
    for spec in data.read("datasets.yaml"):
        pkg = app.get(
            "/api/3/action/package_show", query_string={"id": spec["name"]}
        ).json["result"]
        for resource, wanted in zip(pkg["resources"], spec["resources"], strict=True):
            assert resource["url_type"] == "upload", resource
            body = (files / wanted["file"]).read_bytes()
            assert int(resource["size"]) == len(body)
            download = app.get(resource["url"].replace("http://test.ckan.net", ""))
            assert download.status_code == 200 and download.data == body
        badges = app.get(
            "/api/3/action/collectivites_package_validation_list",
            query_string={"id": spec["name"]},
        ).json["result"]
        if spec["name"] in EXPECTED:
            scdl = [b["status"] for b in badges.values()]
            assert scdl and set(scdl) == {EXPECTED[spec["name"]]}, (
                spec["name"],
                badges,
            )
    equipements = app.get(
        "/api/3/action/package_show",
        query_string={"id": "equipements-sportifs-saint-malo"},
    ).json["result"]
    report = app.get(
        "/api/3/action/collectivites_resource_validation_show",
        query_string={"id": equipements["resources"][0]["id"]},
    ).json["result"]
    assert report["error_count"] == 1
    assert report["report"]["errors"][0]["code"] == "french-siret-value"
    # loading again keeps the files (no new upload, no new check)
    datasets.load(demo)
    assert list(queue.job_ids) == []


def test_a_geojson_of_a_tabular_schema_dataset_is_not_checked():
    """The dataset's table schema is not the GeoJSON's: only files whose
    format can follow the schema inherit it (like the DCAT feed)."""
    from ckanext.opendata_collectivites.validation.jobs import declared_schema

    schema = "https://schema.data.gouv.fr/schemas/scdl/equipements/0.1.5/schema.json"
    pkg = {"conforms_to": schema}
    assert declared_schema(pkg, {"format": "CSV"}) == schema
    assert declared_schema(pkg, {"format": "GeoJSON"}) == ""
    assert declared_schema(pkg, {"format": "PDF"}) == ""
    assert declared_schema(pkg, {"format": ""}) == schema  # unknown: checked
    assert declared_schema(pkg, {"format": "GeoJSON", "conforms_to": "x"}) == "x"
