"""Fixtures of the search engine tests."""

from __future__ import annotations

from typing import Any

import ckan.tests.factories as factories
import pytest


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(name="ville-de-test", title="Ville de Test")


@pytest.fixture
def empty_index():
    """An empty index, emptied again after the test (writes committed or not)."""
    import ckan.lib.search as search
    import ckan.model as model

    search.clear_all()
    model.Session.commit()
    yield
    model.Session.rollback()
    search.clear_all()
    model.Session.commit()
