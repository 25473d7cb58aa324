"""The result cache never serves a result older than the index."""

from __future__ import annotations

import ckan.lib.search as search
import ckan.model as model
import pytest
from ckan.lib.search.common import make_connection
from sqlalchemy import text

from ckanext.opendata_collectivites.search import cache, terms
from ckanext.opendata_collectivites.search.terms import term_id
from tests.search.helpers import doc, index


@pytest.fixture
def empty_index():
    search.clear_all()
    yield
    model.Session.rollback()
    search.clear_all()


def _hits(q="tags:cache"):
    return make_connection().search(q=q, rows=0).hits


def test_cached_results_follow_index_changes(empty_index):
    assert cache.size() > 0
    index(doc("a", tags=["cache"]))
    assert _hits() == 1
    assert _hits() == 1  # served from the cache
    index(doc("b", tags=["cache"]))
    assert _hits() == 2
    make_connection().delete(q="name:a", commit=True)
    assert _hits() == 1


def test_a_session_sees_its_uncommitted_writes(empty_index):
    index(doc("a", tags=["cache"]))
    assert _hits() == 1
    make_connection().add(docs=[doc("b", tags=["cache"])], commit=False)
    assert _hits() == 2
    model.Session.rollback()
    assert _hits() == 1


def test_another_process_commit_invalidates(empty_index):
    index(doc("a", tags=["cache"]))
    assert _hits() == 1
    # another process changes the index and bumps the generation: this
    # process's cache entries become unreachable
    with model.meta.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE collectivites_search_doc "
                "SET terms = array_replace(terms, :old, :new)"
            ),
            {"old": term_id("tags", "cache"), "new": term_id("tags", "autre")},
        )
        terms.recount(connection)  # raw SQL bypasses the engine's counts
        connection.exec_driver_sql("SELECT nextval('collectivites_search_generation')")
    model.Session.commit()  # end this session's snapshot
    assert _hits() == 0
