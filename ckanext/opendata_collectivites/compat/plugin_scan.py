"""Compute CKAN's system-plugin list once per process.

CKAN 2.11.x calls ``ckan.plugins.core.find_system_plugins()`` every time a
``PluginImplementations`` object is iterated, i.e. many times per action.
2.11.5 re-scans the entry points of every installed distribution on each call;
2.11.6 caches the entry points but still re-``load()``s each of them. CKAN
2.12 removed the per-iteration call and system plugins altogether
(ckan/ckan#8395): there the patch is not applied. The system plugins
cannot change while a process runs, so the list is computed once here: same
names, same order, system plugins still loaded and included.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import ckan
from ckan.plugins import core

from ckanext.opendata_collectivites.compat import ckan_at_most

_ORIGINAL_ATTR = "_collectivites_original_find_system_plugins"


def has_defect(version: str = ckan.__version__) -> bool:
    """True for the CKAN versions whose plugin iteration re-scans entry points."""
    return ckan_at_most(version, 2, 11)


def _patchable() -> bool:
    """This CKAN has the defect and the function the patch replaces."""
    return has_defect() and hasattr(core, "find_system_plugins")


def is_applied() -> bool:
    return hasattr(core, _ORIGINAL_ATTR)


def apply() -> bool:
    """Install the memoised ``find_system_plugins``; return True if installed."""
    if is_applied() or not _patchable():
        return is_applied()
    original: Callable[[], list[str]] = core.find_system_plugins

    @functools.lru_cache(maxsize=1)
    def _names() -> tuple[str, ...]:
        return tuple(original())

    @functools.wraps(original)
    def find_system_plugins() -> list[str]:
        return list(_names())

    setattr(core, _ORIGINAL_ATTR, original)
    core.find_system_plugins = find_system_plugins
    return True


def _original_names() -> tuple[str, ...]:
    """The names CKAN's own function returns (for comparison in tests)."""
    original = getattr(core, _ORIGINAL_ATTR, core.find_system_plugins)
    return tuple(original())


def revert() -> None:
    """Restore CKAN's own function (used by the benchmark and the tests)."""
    original = getattr(core, _ORIGINAL_ATTR, None)
    if original is not None:
        core.find_system_plugins = original
        delattr(core, _ORIGINAL_ATTR)
