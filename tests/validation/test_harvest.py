"""A harvested resource declaring a schema is validated after the harvest, by
the jobs queue (the harvest does not wait for it); a remote file that cannot
be fetched is "Non vérifié", not invalid."""

from __future__ import annotations

import shutil

import pytest

from tests.harvest.conftest import by_title, datasets_of, harvest
from tests.local_http import serve_directory

from .conftest import FIXTURES, STATIONNEMENT, run_jobs

CATALOGUE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{base}/catalog> a dcat:Catalog ; dct:title "Catalogue de la ville" ;
  dcat:dataset <{base}/ds/stationnement> .
<{base}/ds/stationnement> a dcat:Dataset ;
  dct:title "Parkings publics" ;
  dct:description "Lieux de stationnement de la ville, au schéma national." ;
  dct:identifier "{base}/ds/stationnement" ;
  dct:conformsTo <{schema}> ;
  dcat:distribution <{base}/dist/valide>, <{base}/dist/invalide>, <{base}/dist/absent> .
<{base}/dist/valide> a dcat:Distribution ; dct:title "Parkings (valide)" ;
  dcat:downloadURL <{base}/stationnement-exemple-valide.csv> ; dct:format "CSV" .
<{base}/dist/invalide> a dcat:Distribution ; dct:title "Parkings (invalide)" ;
  dcat:downloadURL <{base}/stationnement-exemple-invalide.csv> ; dct:format "CSV" .
<{base}/dist/absent> a dcat:Distribution ; dct:title "Parkings (supprimé)" ;
  dcat:downloadURL <{base}/supprime.csv> ; dct:format "CSV" .
"""


@pytest.fixture
def site(tmp_path):
    """A commune's site: a DCAT catalogue and the real CSV files."""
    for name in (
        "stationnement-exemple-valide.csv",
        "stationnement-exemple-invalide.csv",
    ):
        shutil.copy(FIXTURES / name, tmp_path / name)
    with serve_directory(tmp_path) as server:
        (tmp_path / "catalog.ttl").write_text(
            CATALOGUE.format(base=server.base_url, schema=STATIONNEMENT),
            encoding="utf-8",
        )
        yield server.base_url


def test_harvested_resources_are_validated_after_the_harvest(
    queue, commune, source, site, app
):
    org = commune("ville-de-rennes")
    src = source(f"{site}/catalog.ttl", org, config={"platform": "dcat"})
    summary = harvest(src)
    assert summary.ok, summary.gather_errors
    parkings = by_title(datasets_of(org))["Parkings publics"]
    assert parkings["conforms_to"] == STATIONNEMENT
    ids = {r["name"]: r["id"] for r in parkings["resources"]}
    assert len(ids) == 3
    # The harvest finished with the checks only queued.
    assert queue.count == 3
    assert sorted(run_jobs(queue)) == ["invalid", "unchecked", "valid"]

    def show(rid: str) -> dict:
        return app.get(
            "/api/3/action/collectivites_resource_validation_show",
            query_string={"id": rid},
        ).json["result"]

    assert show(ids["Parkings (valide)"])["status"] == "valid"
    assert (
        show(ids["Parkings (invalide)"])["badge"]["label"] == "Non conforme : 3 erreurs"
    )
    absent = show(ids["Parkings (supprimé)"])
    assert absent["status"] == "unchecked"
    assert absent["badge"]["label"] == "Non vérifié"

    # A second harvest of the unchanged catalogue queues nothing.
    assert harvest(src).ok
    assert queue.count == 0
