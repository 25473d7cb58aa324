"""Harvest imports commit asynchronously (``synchronous_commit = off`` on the
harvester's connection), unless the site keeps the server's setting."""

from __future__ import annotations

import pytest
from ckan import model
from sqlalchemy import text

from ckanext.opendata_collectivites.harvest.harvester import CollectivitesHarvester
from tests.harvest import payloads as P
from tests.harvest.conftest import datasets_of, harvest

SHOW = text("SHOW synchronous_commit")


@pytest.fixture
def modes(monkeypatch) -> list[str]:
    """The commit mode of the session at each record's import."""
    seen: list[str] = []
    original = CollectivitesHarvester._import

    def spy(self, obj, record):
        seen.append(model.Session.execute(SHOW).scalar())
        return original(self, obj, record)

    monkeypatch.setattr(CollectivitesHarvester, "_import", spy)
    return seen


def _server_setting() -> str:
    return model.Session.execute(
        text("SELECT reset_val FROM pg_settings WHERE name = 'synchronous_commit'")
    ).scalar()


def test_imports_commit_asynchronously(modes, server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.mount("dinan", P.scdl("dinan")) + "/catalogue.csv", org)
    summary = harvest(src)
    assert summary.counts["added"] == 3 and len(datasets_of(org)) == 3
    assert modes == ["off"] * 3


@pytest.mark.ckan_config("ckanext.collectivites.harvest.asynchronous_commit", "false")
def test_the_server_setting_can_be_kept(modes, server, commune, source):
    server_setting = _server_setting()
    assert server_setting != "off"  # the test database commits synchronously
    org = commune("ville-de-rennes")
    src = source(server.mount("dinan", P.scdl("dinan")) + "/catalogue.csv", org)
    summary = harvest(src)
    assert summary.counts["added"] == 3 and len(datasets_of(org)) == 3
    assert modes == [server_setting] * 3
