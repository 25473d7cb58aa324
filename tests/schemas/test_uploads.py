"""Uploaded files get their size, media type and SHA-256 checksum (issue #16).

Real uploads through the resource form and the action API (multipart), stored
by CKAN's uploader in the test storage path.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from tests.schemas.conftest import ORGS, full_dataset

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
CSV = "date;objet\n2024-01-15;Budget primitif\n2024-02-12;Subventions écoles\n".encode()
CSV_2025 = "date;objet\n2025-01-20;Décision modificative\n".encode()
GEOJSON = b'{"type": "FeatureCollection", "features": []}\n'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n"


@pytest.fixture
def user(plugins, clean_db, clean_index):
    return factories.SysadminWithToken()


@pytest.fixture
def dataset(user) -> dict[str, Any]:
    ctx = {"user": user["name"]}
    call_action(
        "organization_create", ctx, name="rennes-metropole", **ORGS["rennes-metropole"]
    )
    return call_action(
        "package_create", ctx, **full_dataset("rennes-metropole", resources=[])
    )


def _headers(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": user["token"]}


def _resources(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    return call_action("package_show", id=dataset["id"])["resources"]


def _form_fields(page: str) -> dict[str, Any]:
    """Every field the resource form of ``page`` would submit, with its value."""
    form = BeautifulSoup(page, "html.parser").find("form", id="resource-edit")
    data: dict[str, Any] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("file", "submit", "checkbox", "radio"):
            continue
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen.get("value", "") if chosen else ""
        else:
            data[name] = field.get("value", "")
    return data


def _stored(app, resource: dict[str, Any]) -> bytes:
    """The bytes CKAN serves for an uploaded resource."""
    return app.get(urlparse(resource["url"]).path).get_data()


def _upload_through_form(app, user, dataset, content: bytes, filename: str) -> None:
    page = app.get(
        f"/dataset/{dataset['name']}/resource/new", headers=_headers(user)
    ).body
    data = _form_fields(page)
    # the scheming form really posts these fields empty
    assert data["mimetype"] == "" and data["size"] == ""
    data.update(
        url="",
        upload=(io.BytesIO(content), filename),
        name="Délibérations 2024",
        save="go-metadata",
    )
    resp = app.post(
        f"/dataset/{dataset['name']}/resource/new",
        data=data,
        headers=_headers(user),
        follow_redirects=False,
    )
    assert resp.status_code == 302, resp.body


def test_form_upload_gets_size_media_type_and_sha256(app, user, dataset):
    _upload_through_form(app, user, dataset, CSV, "deliberations 2024.csv")
    (res,) = _resources(dataset)
    assert res["url_type"] == "upload"
    assert res["size"] == len(CSV)
    assert res["mimetype"] == "text/csv"
    assert res["hash"] == hashlib.sha256(CSV).hexdigest()
    assert res["hash_algorithm"] == SHA256
    # the checksum is the one of the file CKAN actually stored
    assert hashlib.sha256(_stored(app, res)).hexdigest() == res["hash"]


def test_form_edit_keeps_the_checksum_and_a_new_file_replaces_it(app, user, dataset):
    _upload_through_form(app, user, dataset, CSV, "deliberations.csv")
    (res,) = _resources(dataset)
    edit_url = f"/dataset/{dataset['name']}/resource/{res['id']}/edit"

    # metadata-only edit: the form has no checksum field, it must survive
    data = _form_fields(app.get(edit_url, headers=_headers(user)).body)
    data.update(name="Délibérations (révisé)", save="")
    app.post(edit_url, data=data, headers=_headers(user), follow_redirects=False)
    (edited,) = _resources(dataset)
    assert edited["name"] == "Délibérations (révisé)"
    for key in ("hash", "hash_algorithm", "size", "mimetype"):
        assert edited[key] == res[key], key

    # a new file: new size and checksum
    data = _form_fields(app.get(edit_url, headers=_headers(user)).body)
    data.update(upload=(io.BytesIO(CSV_2025), "deliberations.csv"), save="")
    app.post(edit_url, data=data, headers=_headers(user), follow_redirects=False)
    (replaced,) = _resources(dataset)
    assert replaced["size"] == len(CSV_2025)
    assert replaced["hash"] == hashlib.sha256(CSV_2025).hexdigest()
    assert hashlib.sha256(_stored(app, replaced)).hexdigest() == replaced["hash"]

    # the file replaced by a link: the old checksum no longer describes it
    data = _form_fields(app.get(edit_url, headers=_headers(user)).body)
    data.update(
        url="https://data.rennesmetropole.fr/deliberations.csv",
        clear_upload="true",
        url_type="",
        size="",
        save="",
    )
    app.post(edit_url, data=data, headers=_headers(user), follow_redirects=False)
    (linked,) = _resources(dataset)
    assert linked["url"] == "https://data.rennesmetropole.fr/deliberations.csv"
    assert linked["hash"] == "" and "hash_algorithm" not in linked


@pytest.mark.parametrize(
    ("content", "filename", "media_type"),
    [
        (GEOJSON, "perimetre.geojson", "application/geo+json"),  # portal's table
        (PDF, "rapport-annuel", "application/pdf"),  # no extension: sniffed
    ],
    ids=["geojson-by-extension", "pdf-by-content"],
)
def test_api_multipart_upload(app, user, dataset, content, filename, media_type):
    resp = app.post(
        "/api/3/action/resource_create",
        data={
            "package_id": dataset["id"],
            "name": "Fichier",
            "upload": (io.BytesIO(content), filename),
        },
        headers=_headers(user),
    )
    res = resp.json["result"]
    assert res["size"] == len(content)
    assert res["mimetype"] == media_type
    assert res["hash"] == hashlib.sha256(content).hexdigest()
    assert res["hash_algorithm"] == SHA256
    stored = call_action("resource_show", id=res["id"])
    assert (stored["size"], stored["mimetype"], stored["hash"]) == (
        len(content),
        media_type,
        res["hash"],
    )
    # a metadata patch through the API keeps the file's facts
    patched = app.post(
        "/api/3/action/resource_patch",
        json={"id": res["id"], "name": "Fichier renommé"},
        headers=_headers(user),
    ).json["result"]
    assert (patched["hash"], patched["hash_algorithm"], patched["size"]) == (
        res["hash"],
        SHA256,
        len(content),
    )


def test_api_upload_keeps_a_media_type_given_by_the_producer(app, user, dataset):
    resp = app.post(
        "/api/3/action/resource_create",
        data={
            "package_id": dataset["id"],
            "upload": (io.BytesIO(CSV), "deliberations.txt"),
            "mimetype": "text/csv",
            "size": "1",
        },
        headers=_headers(user),
    )
    res = resp.json["result"]
    assert res["mimetype"] == "text/csv"
    assert res["size"] == len(CSV)  # the real size, not the declared one


def test_feed_and_quality_use_the_uploaded_file_facts(app, user, dataset):
    _upload_through_form(app, user, dataset, PDF, "rapport-annuel")
    (res,) = _resources(dataset)
    assert res["format"] == ""  # nothing to guess the format from
    g = Graph().parse(
        data=app.get("/organization/rennes-metropole/catalog.ttl").body,
        format="turtle",
    )
    dist = next(d for d in g.objects(None, DCAT.distribution))
    assert g.value(dist, DCAT.byteSize) == Literal(
        len(PDF), datatype=XSD.nonNegativeInteger
    )
    assert g.value(dist, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/pdf"
    )
    quality = call_action("collectivites_dataset_quality", id=dataset["id"])
    penalised = {i for item in quality["improvements"] for i in item["indicators"]}
    assert not penalised & {"media_type", "byte_size"}
