"""Fixtures of the DCAT tests: collectivités, a dataset with every field, SHACL."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import pytest
from ckan import model

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.compat.extras import set_group_extras

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REFERENCE = os.path.join(REPO, "tests", "fixtures", "reference")  # see PROVENANCE.md
SHAPES = os.path.join(REFERENCE, "dcat-ap")
DATA = os.path.join(os.path.dirname(__file__), "data")
CHAIN = ["euro_dcat_ap_3", "collectivites_dcat_ap"]
SCDL_DELIBERATIONS = (
    "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json"
)


def make_org(name: str, title: str, **extras: str) -> dict[str, Any]:
    """An organisation with the collectivité fields stored as its extras.

    Written through the model (as organization_create stores them) so these
    tests do not depend on the collectivité form's validators.
    """
    group = model.Group(
        name=name, title=title, type="organization", is_organization=True
    )
    group.state = "active"
    model.Session.add(group)
    model.Session.flush()
    set_group_extras(group, extras)
    model.Session.commit()
    return {"id": group.id, "name": name, "title": title, **extras}


@pytest.fixture
def collectivites(clean_db, plugins) -> dict[str, dict[str, Any]]:
    dept = make_org(
        "departement-ille-et-vilaine",
        "Département d'Ille-et-Vilaine",
        collectivite_type="departement",
        siren="223500018",
        territory="departement:35",
        website="https://www.ille-et-vilaine.fr",
        email="opendata@ille-et-vilaine.fr",
    )
    rennes = make_org(
        "ville-de-rennes",
        "Ville de Rennes",
        collectivite_type="commune",
        siren=voc.territory("commune:35238").siren,
        territory="commune:35238",
        website="https://metropole.rennes.fr",
        email="opendata@rennes.fr",
    )
    return {"dept": dept, "rennes": rennes}


def full_dataset(org: dict[str, Any], hvd: bool = True, **over: Any) -> dict[str, Any]:
    """A package_show-shaped dataset with every field of the contract filled."""
    did = str(uuid.uuid4())
    d = {
        "id": did,
        "name": f"deliberations-{did[:8]}",
        "type": "dataset",
        "title": "Délibérations du conseil",
        "notes": "Liste des délibérations adoptées.",
        "url": "https://www.ille-et-vilaine.fr/deliberations",
        "owner_org": org["id"],
        "organization": {"id": org["id"], "name": org["name"], "title": org["title"]},
        "private": False,
        "state": "active",
        "metadata_created": "2025-01-02T10:00:00",
        "metadata_modified": "2025-03-04T10:00:00",
        "tags": [{"name": "délibérations"}, {"name": "conseil"}],
        "license_id": "lov2",
        "themes": ["administration", "environnement"],
        "frequency": "MONTHLY",
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        "territories": ["departement:35", "epci:243500139", "commune:35238"],
        "spatial_granularity": "communale",
        "contact_name": "Service open data",
        "contact_email": "opendata@ille-et-vilaine.fr",
        "producer_name": "Ville de Rennes",
        "producer_siren": "213502388",
        "conforms_to": SCDL_DELIBERATIONS,
        "issued": "2024-02-01",
        "modified": "2025-03-01",
        "language": ["FRA", "ENG"],
        "access_rights": "PUBLIC",
        "hvd_category": ["c_ac64a52d"] if hvd else [],
        "identifier": f"https://data.example.org/dataset/{did}",
        "resources": [
            {
                "id": str(uuid.uuid4()),
                "package_id": did,
                "name": "Délibérations 2024",
                "description": "Fichier CSV",
                "format": "CSV",
                "mimetype": "text/csv",
                "size": 123456,
                "url": f"http://test.ckan.net/dataset/{did}/resource/x/download/d.csv",
                "url_type": "upload",
                "conforms_to": SCDL_DELIBERATIONS,
                "temporal_resolution": "P1M",
            },
            {
                "id": str(uuid.uuid4()),
                "package_id": did,
                "name": "Délibérations (JSON)",
                "description": "Export JSON",
                "format": "JSON",
                "mimetype": "application/json",
                "size": 2048,
                "url": "https://example.org/deliberations.json",
                "access_url": "https://example.org/deliberations",
                "license_id": "odc-odbl",
            },
        ],
    }
    d.update(over)
    return d


def shacl(graph, *shape_files: str):
    """(conforms, number of violations, report text) of pyshacl on the graph."""
    import pyshacl
    from rdflib import Graph

    shapes = Graph()
    for name in shape_files:
        shapes.parse(os.path.join(SHAPES, name), format="turtle")
    # ranges.ttl lists a few property shapes it never defines (no sh:path):
    # pyshacl refuses such a shapes graph, so those dangling links are dropped.
    SH_ = "http://www.w3.org/ns/shacl#"
    from rdflib import URIRef

    for s_, o_ in list(shapes.subject_objects(URIRef(SH_ + "property"))):
        if (o_, URIRef(SH_ + "path"), None) not in shapes:
            shapes.remove((s_, URIRef(SH_ + "property"), o_))
    data = Graph()
    for triple in graph:
        data.add(triple[:3])
    conforms, report_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True
    )
    from rdflib.namespace import RDF, Namespace

    SH = Namespace("http://www.w3.org/ns/shacl#")
    violations = [
        r
        for r in report_graph.subjects(RDF.type, SH.ValidationResult)
        if (r, SH.resultSeverity, SH.Violation) in report_graph
    ]
    return conforms, len(violations), text


DCAT_AP_301 = ("3.0.1/dcat-ap-SHACL.ttl", "3.0.1/ranges.ttl")
HVD = ("3.0.0-hvd/hvd-SHACL.ttl",)


SCDL_CATALOGUE = os.path.join(
    REFERENCE, "schema.data.gouv.fr", "scdl", "catalogue", "0.1.3", "schema.json"
)
SIRET_COLUMNS = ("COLL_SIRET", "PRODUCTEUR_SIRET")


def _scdl_catalogue_schema() -> dict[str, Any]:
    with open(SCDL_CATALOGUE, encoding="utf-8") as f:
        return json.load(f)


def scdl_catalogue_errors(csv_text: str) -> list[str]:
    """What Validata would report on a ``scdl/catalogue`` 0.1.3 CSV: the Table
    Schema checks (frictionless) plus its ``french-siret-value`` checks."""
    import csv
    import io

    import frictionless
    from stdnum.fr import siret

    resource = frictionless.Resource(
        data=csv_text.encode("utf-8"),
        format="csv",
        encoding="utf-8",
        schema=frictionless.Schema.from_descriptor(_scdl_catalogue_schema()),
    )
    report = resource.validate()
    errors = [
        f"row {row}, {field}: {message}"
        for row, field, message in report.flatten(["rowNumber", "fieldName", "message"])
    ]
    for i, row in enumerate(csv.DictReader(io.StringIO(csv_text)), start=2):
        errors += [
            f"row {i}, {name}: invalid SIRET {row[name]!r}"
            for name in SIRET_COLUMNS
            if row.get(name) and not siret.is_valid(row[name])
        ]
    return errors
