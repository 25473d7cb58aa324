"""`ckan collectivites vocabularies update|check`."""

from __future__ import annotations

import importlib
import json

import pytest
import yaml
from ckan.cli.cli import ckan
from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.vocabularies import territories, themes
from tests.schemas.conftest import full_dataset, make_org


def _package(tmp_path):
    """A miniature @etalab/decoupage-administratif package (same file layout)."""
    data = tmp_path / "pkg" / "data"
    data.mkdir(parents=True)
    (tmp_path / "pkg" / "package.json").write_text('{"version": "9.9.9"}')
    files = {
        "regions": [{"code": "53", "nom": "Bretagne"}],
        "departements": [{"code": "35", "nom": "Ille-et-Vilaine", "region": "53"}],
        "communes": [
            {
                "code": "35238",
                "nom": "Rennes",
                "type": "commune-actuelle",
                "departement": "35",
                "region": "53",
                "siren": "213502388",
                "population": 230890,
                "codesPostaux": ["35000"],
            },
            {
                "code": "35001",
                "nom": "Acigné",
                "type": "commune-deleguee",
                "departement": "35",
                "region": "53",
            },
        ],
        "epci": [
            {
                "code": "243500139",
                "nom": "Rennes Métropole",
                "type": "METRO",
                "populationMunicipale": 473973,
                "membres": [{"code": "35238"}],
            }
        ],
        "ept": [],
    }
    for name, rows in files.items():
        (data / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")
    return tmp_path / "pkg"


def test_update_regenerates_the_territory_file(cli, tmp_path, monkeypatch):
    out = tmp_path / "territories.tsv.gz"
    result = cli.invoke(
        ckan,
        [
            "collectivites",
            "vocabularies",
            "update",
            "--source",
            str(_package(tmp_path)),
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "5 territoires" in result.output  # pays, région, dép., EPCI, 1 commune
    monkeypatch.setattr(territories, "DATA_FILE", str(out))
    territories.clear_cache()
    try:
        assert territories.source() == "@etalab/decoupage-administratif 9.9.9"
        rennes = voc.territory("commune:35238")
        assert rennes.parents == ("epci:243500139", "departement:35", "region:53")
        assert voc.territory("commune:35001") is None  # communes déléguées left out
        assert voc.territory("departement:35").population == 230890
    finally:
        territories.clear_cache()


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_check_reports_values_that_left_the_vocabularies(
    cli, ctx, tmp_path, monkeypatch
):
    org = make_org(ctx, "rennes-metropole")
    call_action(
        "package_create", dict(ctx), **full_dataset(org["id"], themes=["energie"])
    )
    ok = cli.invoke(ckan, ["collectivites", "vocabularies", "check"])
    assert ok.exit_code == 0, ok.output
    assert "0 valeur(s) hors vocabulaire" in ok.output
    # the deployer removes the "energie" theme from the portal's list
    raw = yaml.safe_load(open(themes.DEFAULT_FILE, encoding="utf-8"))
    raw["themes"] = [t for t in raw["themes"] if t["slug"] != "energie"]
    path = tmp_path / "themes.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(themes, "themes_file", lambda: str(path))
    themes.clear_cache()
    try:
        bad = cli.invoke(ckan, ["collectivites", "vocabularies", "check"])
    finally:
        themes.clear_cache()
    assert bad.exit_code == 1
    assert "deliberations-rennes-metropole : themes = 'energie' inconnu" in bad.output


def test_update_schemas_from_a_downloaded_catalogue(cli, tmp_path, monkeypatch):
    concepts = importlib.import_module(
        "ckanext.opendata_collectivites.vocabularies.concepts"
    )

    target = tmp_path / "schemas.json"
    monkeypatch.setattr(concepts, "SCHEMAS_FILE", str(target))
    downloaded = tmp_path / "download.json"
    downloaded.write_text(
        json.dumps(
            {
                "schemas": [
                    {
                        "name": "scdl/deliberations",
                        "title": "Délibérations",
                        "versions": [
                            {
                                "version_name": "2.2.0",
                                "schema_url": "https://schema.data.gouv.fr/schemas/scdl/"
                                "deliberations/2.2.0/schema.json",
                            }
                        ],
                    }
                ]
            }
        )
    )
    concepts.clear_cache()
    try:
        result = cli.invoke(
            ckan,
            ["collectivites", "vocabularies", "update", "--schemas", str(downloaded)],
        )
        assert result.exit_code == 0, result.output
        assert "1 versions de schémas" in result.output
        assert [r.version for r in voc.schema_versions("scdl/deliberations")] == [
            "2.2.0"
        ]
        bad = tmp_path / "bad.json"
        bad.write_text('{"hello": 1}')
        refused = cli.invoke(
            ckan, ["collectivites", "vocabularies", "update", "--schemas", str(bad)]
        )
        assert refused.exit_code != 0 and "schemas.json" in refused.output
        assert voc.schema_versions("scdl/deliberations")  # file left unchanged
    finally:
        concepts.clear_cache()
