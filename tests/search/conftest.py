"""Fixtures of the search engine tests."""

from __future__ import annotations

from typing import Any

import ckan.tests.factories as factories
import pytest


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(name="ville-de-test", title="Ville de Test")
