"""Default resource views of a dataset without per-resource look-ups.

Every ``package_create`` and ``package_update`` creates the default views of
its resources (``ckan.lib.datapreview.add_views_to_dataset_resources``). For
*each resource*, CKAN ≤ 2.12 rebuilds the list of default view plugins
(``get_default_view_plugins`` calls every view plugin's ``info()`` for every
configured view type, translating their titles) and asks
``resource_view_list`` for the views the resource already has. A harvest of
2,000 datasets of three resources spends about a tenth of its time there.

The replacements create the same views in the same order:

* the default plugin list is computed once per configured list, flag and set
  of loaded view plugins;
* the view types the dataset's resources already have are read in one query;
* each plugin's ``info()`` is read once per dataset;
* views are still made by ``resource_view_create`` (its schema, auth and
  commit rules), when the plugin's ``can_view`` accepts the resource.

CKAN 2.11 and 2.12 have the same two functions, line for line.
"""

from __future__ import annotations

from typing import Any

import ckan.lib.datapreview as datapreview
import ckan.plugins as p
from ckan import logic, model
from ckan.common import _, config

_ORIGINAL_ATTR = "_collectivites_original_default_views"
_REPLACED = ("get_default_view_plugins", "add_views_to_dataset_resources")
_CACHE: dict[tuple[Any, ...], list[Any]] = {}


def default_view_plugins(get_datastore_views: bool = False) -> list[Any]:
    """``get_default_view_plugins``, computed once per configuration."""
    key = (
        tuple(config.get("ckan.views.default_views") or ()),
        bool(get_datastore_views),
        tuple(id(plugin) for plugin in p.PluginImplementations(p.IResourceView)),
    )
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) > 32:  # plugins loaded and unloaded (tests): start again
            _CACHE.clear()
        original = getattr(datapreview, _ORIGINAL_ATTR)["get_default_view_plugins"]
        found = _CACHE[key] = list(original(get_datastore_views))
    return list(found)


def _existing_view_types(resource_ids: list[str]) -> dict[str, set[str]]:
    """The view types each resource already has, in one query."""
    found: dict[str, set[str]] = {rid: set() for rid in resource_ids}
    if not resource_ids:
        return found
    rows = model.Session.query(
        model.ResourceView.resource_id, model.ResourceView.view_type
    ).filter(model.ResourceView.resource_id.in_(resource_ids))
    for resource_id, view_type in rows:
        found[resource_id].add(view_type)
    return found


def add_views_to_dataset_resources(
    context: Any,
    dataset_dict: dict[str, Any],
    view_types: list[str] | None = None,
    create_datastore_views: bool = False,
) -> list[dict[str, Any]]:
    """``add_views_to_dataset_resources`` with one look-up per dataset."""
    resources = [r for r in dataset_dict.get("resources", []) if r.get("id")]
    if view_types:
        plugins = datapreview.get_view_plugins(view_types)
    else:
        plugins = datapreview.get_default_view_plugins(create_datastore_views)
    if not plugins or not resources:
        return []
    existing = _existing_view_types([r["id"] for r in resources])
    infos = [(plugin, plugin.info()) for plugin in plugins]
    created = []
    for resource in resources:
        have = existing[resource["id"]]
        for plugin, info in infos:
            if info["name"] in have:
                continue
            if not plugin.can_view({"resource": resource, "package": dataset_dict}):
                continue
            view = {
                "resource_id": resource["id"],
                "view_type": info["name"],
                "title": info.get("default_title", _("View")),
                "description": info.get("default_description", ""),
            }
            created.append(logic.get_action("resource_view_create")(context, view))
    return created


def is_applied() -> bool:
    return hasattr(datapreview, _ORIGINAL_ATTR)


def apply() -> bool:
    """Install the replacements; return True if installed."""
    if is_applied():
        return True
    setattr(
        datapreview, _ORIGINAL_ATTR, {n: getattr(datapreview, n) for n in _REPLACED}
    )
    datapreview.get_default_view_plugins = default_view_plugins
    datapreview.add_views_to_dataset_resources = add_views_to_dataset_resources
    return True


def revert() -> None:
    """Put CKAN's functions back (for comparison in tests)."""
    for name, fn in getattr(datapreview, _ORIGINAL_ATTR, {}).items():
        setattr(datapreview, name, fn)
    if is_applied():
        delattr(datapreview, _ORIGINAL_ATTR)
    _CACHE.clear()
