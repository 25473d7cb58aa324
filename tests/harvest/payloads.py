"""Load the recorded platform payloads of ``tests/fixtures/harvest`` into
catalogues of the local payload server."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from ckanext.opendata_collectivites.harvest.payload_server import (
    CkanCatalogue,
    FileCatalogue,
    OdsCatalogue,
    PayloadServer,
    UdataCatalogue,
)

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "harvest"


def load(platform: str, name: str) -> dict[str, Any]:
    return json.loads(
        (FIXTURES / platform / f"{name}.json").read_text(encoding="utf-8")
    )


def ods(name: str, versions: tuple[str, ...] = ("v2.1", "v2.0", "v1")) -> OdsCatalogue:
    return OdsCatalogue(load("ods", name)["datasets"], versions)


def ckan(name: str) -> CkanCatalogue:
    return CkanCatalogue(load("ckan", name)["datasets"])


def udata(name: str) -> UdataCatalogue:
    data = load("udata", name)
    return UdataCatalogue(data["organizations"], data["datasets"])


def lannion(server: PayloadServer, prefix: str = "lannion") -> FileCatalogue:
    """The two Hydra pages; page 1 points to page 2 on the local server."""
    page1 = (FIXTURES / "dcat" / "lannion-page1.ttl").read_text(encoding="utf-8")
    page1 = page1.replace("NEXT_PAGE", f"{server.url(prefix)}/catalog.ttl?page=2")
    page2 = (FIXTURES / "dcat" / "lannion-page2.ttl").read_bytes()
    return FileCatalogue(
        {
            "catalog.ttl": ("text/turtle", page1.encode()),
            "catalog.ttl?page=2": ("text/turtle", page2),
        }
    )


def morlaix() -> FileCatalogue:
    body = (FIXTURES / "dcat" / "morlaix.rdf").read_bytes()
    return FileCatalogue({"catalog.xml": ("application/rdf+xml", body)})


def scdl(name: str) -> FileCatalogue:
    body = (FIXTURES / "scdl" / f"{name}.csv").read_bytes()
    return FileCatalogue({"catalogue.csv": ("text/csv; charset=utf-8", body)})
