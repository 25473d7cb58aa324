"""compat.harvest_source_index: a reindexed harvest source keeps its harvest
fields (``source_type``, ``config``) in what ``package_show`` answers."""

from __future__ import annotations

from ckanext.harvest.logic.action.update import harvest_source_reindex as stock

from ckanext.opendata_collectivites.compat.harvest_source_index import (
    CALLER_VALIDATES,
    get_actions,
)
from tests.harvest.conftest import _context, action


def test_stock_reindex_loses_the_source_type_on_2_12_only(commune, source):
    org = commune("ville-de-rennes")
    src = source("https://catalogue.example.org/catalog.ttl", org)
    stock(_context(), {"id": src["id"]})
    shown = action("harvest_source_show", id=src["id"])
    if CALLER_VALIDATES:  # CKAN 2.12: the index keeps the unvalidated dict
        assert "source_type" not in shown
        assert set(get_actions()) == {"harvest_source_reindex"}
    else:  # CKAN 2.11 validates what it indexes: nothing to bridge
        assert shown["source_type"] == "collectivites"
        assert get_actions() == {}


def test_reindex_through_the_action_keeps_the_harvest_fields(commune, source):
    org = commune("ville-de-rennes")
    src = source("https://catalogue.example.org/catalog.ttl", org, {"grace_days": 3})
    action("harvest_source_reindex", id=src["id"])
    shown = action("harvest_source_show", id=src["id"])
    assert shown["source_type"] == "collectivites"
    assert '"grace_days": 3' in shown["config"]
    assert shown["title"] == src["title"]
