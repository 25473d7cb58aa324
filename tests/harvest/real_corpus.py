"""The real-world corpus of ``tests/fixtures/harvest/real``: each document
mounted on the local payload server the way its platform serves it.

Documents are used as recorded (see ``PROVENANCE.md``). The only changes are
made here, at serving time, and are listed per document: absolute paging
URLs of the original host are pointed at the local server, and API envelopes
(udata organisation object, Opendatasoft listing) are built around recorded
dataset objects.
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Callable
from typing import Any

import yaml

from ckanext.opendata_collectivites.harvest.payload_server import (
    Catalogue,
    CkanCatalogue,
    FileCatalogue,
    OdsCatalogue,
    PayloadServer,
    UdataCatalogue,
)

REAL = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "harvest" / "real"
EXPECTATIONS = REAL / "expectations.yaml"
TYPES = {
    ".xml": "application/rdf+xml",
    ".rdf": "application/rdf+xml",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
}


def expectations() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(EXPECTATIONS.read_text(encoding="utf-8"))["documents"]


def record_expectations() -> dict[str, dict[str, Any]]:
    """Recorded dataset objects that cannot be harvested end to end (see
    ``RECORDED_OBJECTS``), read by their platform reader and the mapper."""
    return yaml.safe_load(EXPECTATIONS.read_text(encoding="utf-8"))["records"]


def _datagouv_v2_search() -> list[dict[str, Any]]:
    """data.gouv.fr's API v2 search answer recorded in udata-front's
    storybook: 20 production datasets. Their resource pages were not
    recorded, so each object is read with an empty resource list."""
    page = json.loads((REAL / "udata-front-search-stories.json").read_text("utf-8"))
    return [{**d, "resources": []} for d in page["data"]]


RECORDED_OBJECTS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "datagouv-v2-search-2024": _datagouv_v2_search,
}


def _file(name: str, served_as: str) -> FileCatalogue:
    body = (REAL / name).read_bytes()
    return FileCatalogue({served_as: (TYPES[pathlib.Path(name).suffix], body)})


def _hydra(server: PayloadServer, prefix: str) -> FileCatalogue:
    """udata's Hydra PagedCollection pages: ``http://data.test.org/catalog.jsonld``
    is the local mount."""
    local = f"{server.url(prefix)}/catalog.jsonld"
    pages = {}
    for n in (1, 2):
        text = (REAL / f"udata-paged-collection-{n}.jsonld").read_text(encoding="utf-8")
        pages[n] = text.replace("http://data.test.org/catalog.jsonld", local).encode()
    kind = "application/ld+json"
    return FileCatalogue(
        {
            "catalog.jsonld": (kind, pages[1]),
            "catalog.jsonld?page=1": (kind, pages[1]),
            "catalog.jsonld?page=2": (kind, pages[2]),
        }
    )


def _cassette_bodies(name: str) -> list[Any]:
    """The JSON bodies recorded in an ExVCR cassette (transport.data.gouv.fr)."""
    entries = json.loads((REAL / name).read_text(encoding="utf-8"))
    return [json.loads(e["response"]["body"]) for e in entries]


def _udata(versions: tuple[str, ...]) -> UdataCatalogue:
    """Angers Loire Métropole's datasets as data.gouv.fr answered in 2017; the
    organisation object is built from the datasets' own ``organization``."""
    datasets = _cassette_bodies(
        "transport-site-cassette-angers-organization-datasets.json"
    )[0]
    org = dict(datasets[0]["organization"])
    org["metrics"] = {"datasets": len(datasets)}
    return UdataCatalogue([org], datasets, versions)


def _ods_v1() -> OdsCatalogue:
    objects = [
        json.loads((REAL / f"udata-ods-{n}.json").read_text(encoding="utf-8"))
        for n in ("test-a", "test-b", "test-c", "with-attachments", "inspire")
    ]
    return OdsCatalogue([], ("v1",), v1_datasets=objects)


def _ods_economie(version: str) -> OdsCatalogue:
    """data.economie.gouv.fr's Explore v2.0 dataset objects (recorded January
    2023): the three of the catalogue listing and FANTOIR's (attachments,
    no records), served in the ``version`` envelope the server builds (v2.1
    ``results`` holds the same dataset objects as v2.0 ``datasets[].dataset``)."""
    listing = json.loads(
        (REAL / "nasqueron-ods-economie-catalog_datasets.json").read_text("utf-8")
    )
    fantoir = json.loads(
        (REAL / "nasqueron-ods-economie-catalog_dataset_fantoir.json").read_text(
            "utf-8"
        )
    )
    objects = [entry["dataset"] for entry in listing["datasets"]]
    return OdsCatalogue([*objects, fantoir["dataset"]], (version,))


def _udata_v2_local(server: PayloadServer, prefix: str) -> FileCatalogue:
    """udata 17.18.0's API v2 answers recorded by ``scripts/udata_v2_record.py``:
    each at its path, its server name pointed at the local mount; the v2
    listing (``/api/2/datasets/``) is also the answer of
    ``/api/2/datasets/search/``, which needs udata's search service."""
    recorded = json.loads((REAL / "udata-v2-local.json").read_text("utf-8"))
    origin = f"https://{recorded['server']}"
    local = server.url(prefix)
    files: dict[str, tuple[str, bytes]] = {}
    for path, body in recorded["answers"].items():
        text = json.dumps(body, ensure_ascii=False).replace(origin, local)
        path, _, query = path.partition("?")
        key = path.lstrip("/") + (
            "?" + "&".join(sorted(query.split("&"))) if query else ""
        )
        files[key] = ("application/json", text.encode())
        if path == "/api/2/datasets/":
            files[key.replace("datasets/?", "datasets/search/?")] = files[key]
    return FileCatalogue(files)


def _ckan() -> CkanCatalogue:
    dataset = json.loads(
        (REAL / "ckanext-dcat-ckan_full_dataset_dcat_ap.json").read_text("utf-8")
    )
    return CkanCatalogue([dataset])


Builder = Callable[[PayloadServer, str], tuple[Catalogue, str]]

BUILDERS: dict[str, Builder] = {
    "geonetwork": lambda s, p: (
        _file("udata-geonetwork.xml", "catalog.xml"),
        "/catalog.xml",
    ),
    "sig-oreme": lambda s, p: (
        _file("udata-sig.oreme.rdf", "catalog.rdf"),
        "/catalog.rdf",
    ),
    "datara": lambda s, p: (
        _file("udata-datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml", "dcat.rdf"),
        "/dcat.rdf",
    ),
    "vanves-ods-dcat": lambda s, p: (
        _file("udata-udata.xml", "catalog.xml"),
        "/catalog.xml",
    ),
    "udata-test-catalog": lambda s, p: (
        _file("udata-catalog.xml", "catalog.xml"),
        "/catalog.xml",
    ),
    "udata-bnodes": lambda s, p: (
        _file("udata-bnodes.xml", "catalog.xml"),
        "/catalog.xml",
    ),
    "evian-arcgis-dcat-us": lambda s, p: (
        _file("udata-evian.json", "data.json"),
        "/data.json",
    ),
    "hydra-paged": lambda s, p: (_hydra(s, p), "/catalog.jsonld"),
    "gob-es": lambda s, p: (
        _file("ckanext-dcat-dataset_gob_es.ttl", "catalog.ttl"),
        "/catalog.ttl",
    ),
    "gov-de": lambda s, p: (
        _file("ckanext-dcat-dataset_gov_de.rdf", "catalog.rdf"),
        "/catalog.rdf",
    ),
    "pod-jsonld": lambda s, p: (
        _file("ckanext-dcat-catalog_pod.jsonld", "catalog.jsonld"),
        "/catalog.jsonld",
    ),
    "ckan-dcat-ap": lambda s, p: (_ckan(), ""),
    "ods-v1": lambda s, p: (_ods_v1(), "/explore/"),
    "ods-dcat-economie": lambda s, p: (
        _file("nasqueron-ods-economie-catalog_exports.rdf", "catalog/exports/rdf"),
        "/catalog/exports/rdf",
    ),
    "ods-v2.0-economie": lambda s, p: (_ods_economie("v2.0"), "/explore/"),
    "ods-v2.1-economie": lambda s, p: (_ods_economie("v2.1"), "/explore/"),
    "udata-v2-local": lambda s, p: (
        _udata_v2_local(s, p),
        "/api/2/datasets/search/?organization=65f1a2b3c4d5e6f708192a3b",
    ),
    "udata-v1-angers": lambda s, p: (
        _udata(("1",)),
        "/fr/organizations/angers-loire-metropole/",
    ),
    "udata-v2-angers": lambda s, p: (
        _udata(("2",)),
        "/api/2/datasets/search/?organization=538346d6a3a72906c7ec5c36",
    ),
}


def mount(server: PayloadServer, name: str) -> str:
    """Mount document ``name`` and return the harvest source URL."""
    catalogue, path = BUILDERS[name](server, name)
    return server.mount(name, catalogue) + path
