"""Shared fixtures: every project test runs with the plugins of test.ini."""
from __future__ import annotations

import pytest


@pytest.fixture
def plugins(with_plugins):
    """Load the plugin list of test.ini for the test (CKAN unloads them)."""
    return with_plugins
