"""``ckan collectivites harvest run <source>``."""
from __future__ import annotations

from ckan.cli.cli import ckan

from tests.harvest import payloads as P
from tests.harvest.conftest import datasets_of


def test_cli_runs_one_source_with_a_summary(cli, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.mount("dinan", P.scdl("dinan")) + "/catalogue.csv", org)
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert result.exit_code == 0, result.output
    assert "3 objet(s) à importer" in result.output
    assert "Bilan : 3 ajoutés, 0 mis à jour, 0 inchangés, 0 retirés, 0 en erreur" in (
        result.output)
    assert len(datasets_of(org)) == 3
    again = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert "0 ajoutés, 0 mis à jour, 3 inchangés" in again.output


def test_cli_reports_a_failed_source(cli, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.url("nulle-part"), org)
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", src["name"]])
    assert result.exit_code == 1
    assert "Aucun catalogue reconnu" in result.output


def test_cli_unknown_source(cli, plugins, clean_db):
    result = cli.invoke(ckan, ["collectivites", "harvest", "run", "inconnue"])
    assert result.exit_code == 2
    assert "Source de moissonnage introuvable" in result.output
