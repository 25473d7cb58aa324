"""The system-plugin list is computed once per process (CKAN 2.11 defect)."""

from __future__ import annotations

import importlib.metadata

import ckan.plugins as p
import pytest
from ckan.plugins import core

from ckanext.opendata_collectivites.compat import plugin_scan


@pytest.fixture
def entry_point_loads(monkeypatch):
    """Count EntryPoint.load() and entry_points() calls made by CKAN."""
    calls = {"load": 0, "scan": 0}
    original_load = importlib.metadata.EntryPoint.load
    original_scan = core.entry_points

    def load(self):
        calls["load"] += 1
        return original_load(self)

    def scan(*args, **kwargs):
        calls["scan"] += 1
        return original_scan(*args, **kwargs)

    monkeypatch.setattr(importlib.metadata.EntryPoint, "load", load)
    monkeypatch.setattr(core, "entry_points", scan)
    return calls


def _iterate(n: int) -> list[list[str]]:
    return [
        [type(x).__name__ for x in p.PluginImplementations(p.IConfigurer)]
        for _ in range(n)
    ]


#: CKAN 2.11 has the defect (and system plugins); 2.12 has neither.
ON_2_11 = hasattr(core, "find_system_plugins")


@pytest.mark.skipif(ON_2_11, reason="CKAN 2.12 side; the 2.11 side is the next test")
@pytest.mark.usefixtures("plugins")
def test_ckan_212_has_no_defect_and_no_patch(entry_point_loads):
    """2.12 fixed the scan upstream: nothing patched, and no entry point loaded."""
    assert not plugin_scan.has_defect()
    assert not plugin_scan.is_applied()
    assert not plugin_scan.apply()
    _iterate(20)
    assert entry_point_loads["load"] + entry_point_loads["scan"] == 0


@pytest.mark.skipif(not ON_2_11, reason="CKAN 2.11 side; 2.12 is the test above")
@pytest.mark.usefixtures("plugins")
def test_defect_present_without_fix_and_gone_with_it(entry_point_loads):
    assert plugin_scan.has_defect(), "pinned CKAN 2.11 has the per-iteration scan"
    plugin_scan.revert()
    try:
        without = _iterate(20)
        unfixed_calls = entry_point_loads["load"] + entry_point_loads["scan"]
        assert unfixed_calls >= 20  # at least one entry-point load per iteration
    finally:
        assert plugin_scan.apply()
    entry_point_loads.update(load=0, scan=0)
    with_fix = _iterate(20)
    # Computed once (by the first iteration after re-applying), then never again.
    assert entry_point_loads["load"] + entry_point_loads["scan"] <= 1
    # Behaviour unchanged: same plugins, same order.
    assert with_fix == without


@pytest.mark.skipif(not ON_2_11, reason="CKAN 2.12 has no system plugins")
def test_system_plugins_still_included():
    assert plugin_scan.is_applied()
    names = core.find_system_plugins()
    assert "synchronous_search" in names
    assert names == list(plugin_scan._original_names())  # same names, same order


def test_version_detection():
    assert plugin_scan.has_defect("2.11.5")
    assert plugin_scan.has_defect("2.11.6")
    assert not plugin_scan.has_defect("2.12.0")
    assert not plugin_scan.has_defect("2.13.0a0")
