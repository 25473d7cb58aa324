"""Fixtures of the search engine tests."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.tests.factories as factories


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(name="ville-de-test", title="Ville de Test")
