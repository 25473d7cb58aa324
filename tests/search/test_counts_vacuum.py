"""The facet counts table is vacuumed by the writing process: bulk writes
(a harvest) update the same count rows thousands of times, and PostgreSQL's
autovacuum may be off (it is on this project's CI machine) or too slow."""

from __future__ import annotations

import ckan.lib.search as search
import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from sqlalchemy import text

from ckanext.opendata_collectivites.search import terms
from tests.search.marks import SEARCH_MARKS

pytestmark = SEARCH_MARKS


def _vacuums() -> int:
    model.Session.execute(text("SELECT pg_stat_clear_snapshot()"))
    count = model.Session.execute(
        text(
            "SELECT vacuum_count + autovacuum_count FROM pg_stat_user_tables "
            "WHERE relname = :table"
        ),
        {"table": terms.COUNT_TABLE},
    ).scalar()
    model.Session.commit()
    return int(count or 0)


def test_counts_are_vacuumed_after_many_updates(monkeypatch):
    monkeypatch.setattr(terms, "VACUUM_EVERY", 10**9)
    dataset = factories.Dataset(title="Horaires des piscines", tags=[{"name": "sport"}])
    before = _vacuums()
    helpers.call_action("package_patch", id=dataset["id"], tags=[{"name": "musée"}])
    assert _vacuums() == before  # below the threshold: no VACUUM

    monkeypatch.setattr(terms, "VACUUM_EVERY", 1)
    # a title change leaves the counts unchanged: nothing to vacuum
    helpers.call_action("package_patch", id=dataset["id"], title="Horaires des parcs")
    assert _vacuums() == before
    helpers.call_action("package_patch", id=dataset["id"], tags=[{"name": "parc"}])
    assert _vacuums() == before + 1
    # the counts are still right
    found = helpers.call_action(
        "package_search", q="parcs", **{"facet.field": '["tags"]'}
    )
    assert found["count"] == 1
    assert found["search_facets"]["tags"]["items"] == [
        {"name": "parc", "display_name": "parc", "count": 1}
    ]
    search.clear_all()
    model.Session.commit()
