"""Engine selection: PostgreSQL behind CKAN's Solr seam, or CKAN's Solr untouched."""

from __future__ import annotations

import ckan.lib.search as search
import pysolr
import pytest
from ckan.lib.search.common import make_connection

from ckanext.opendata_collectivites.search import engine
from ckanext.opendata_collectivites.search.connection import PostgresSolr


@pytest.fixture
def restore_engine():
    yield
    engine.configure(
        {engine.ENGINE_OPTION: "postgresql", "solr_url": engine.PLACEHOLDER_URL}
    )


def test_postgresql_engine_is_behind_make_connection():
    assert engine.active_engine() == "postgresql"
    assert isinstance(make_connection(), PostgresSolr)
    assert pysolr.SolrError.__module__ == "pysolr"  # CKAN catches the real class


def test_schema_check_does_not_contact_solr():
    assert search.check_solr_schema_version() is False


def test_solr_engine_leaves_ckan_solr_path(restore_engine):
    engine.configure(
        {engine.ENGINE_OPTION: "solr", "solr_url": "http://127.0.0.1:1/solr"}
    )
    conn = make_connection()
    assert isinstance(conn, engine._REAL_SOLR)
    assert not isinstance(conn, PostgresSolr)
    with pytest.raises(pysolr.SolrError):  # a real HTTP attempt, refused
        conn.search(q="*:*")


def test_placeholder_url_only_for_postgresql(restore_engine):
    config = {engine.ENGINE_OPTION: "postgresql"}
    engine.configure(config)
    assert config["solr_url"] == engine.PLACEHOLDER_URL
    config = {engine.ENGINE_OPTION: "solr"}
    engine.configure(config)
    assert "solr_url" not in config


def test_unknown_engine_is_rejected(restore_engine):
    with pytest.raises(ValueError, match="postgresql, solr"):
        engine.configure({engine.ENGINE_OPTION: "elasticsearch"})
