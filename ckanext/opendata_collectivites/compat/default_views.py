"""Default resource views of a dataset without per-resource look-ups.

Every ``package_create`` creates the default views of its resources
(``ckan.lib.datapreview.add_views_to_dataset_resources``). For
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

CKAN's ``package_update`` creates no view at all: a resource added by an
update (a harvested dataset that gains a file, an API client sending the whole
dataset) had no preview, unlike one added by ``resource_create``.
:func:`update_views` (chained ``package_update``) gives the resources the
update *added* their default views; the views of existing resources are left
as they are (an administrator may have deleted some).
"""

from __future__ import annotations

from typing import Any

import ckan.lib.datapreview as datapreview
import ckan.plugins as p
import ckan.plugins.toolkit as tk
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


def _resource_ids(package_id: str | None) -> set[str]:
    """The active resources of a dataset (by id or name)."""
    if not package_id:
        return set()
    package = model.Package.get(package_id)
    if package is None:
        return set()
    rows = model.Session.query(model.Resource.id).filter(
        model.Resource.package_id == package.id, model.Resource.state == "active"
    )
    return {rid for (rid,) in rows}


def update_views(up_func: Any, context: Any, data_dict: Any) -> Any:
    """``package_update``, then the default views of the resources it added
    (committed with the update: ``defer_commit`` is kept)."""
    before = _resource_ids(data_dict.get("id") or data_dict.get("name"))
    result = up_func(context, data_dict)
    package_id = result if isinstance(result, str) else result["id"]
    added = _resource_ids(package_id) - before
    if not added:
        return result
    view_context = {
        "user": context.get("user"),
        "ignore_auth": True,
        "defer_commit": context.get("defer_commit", False),
    }
    dataset = result
    if not isinstance(dataset, dict):
        dataset = logic.get_action("package_show")(
            dict(view_context), {"id": package_id}
        )
    new = [r for r in dataset.get("resources", []) if r.get("id") in added]
    datapreview.add_views_to_dataset_resources(
        view_context, dict(dataset, resources=new)
    )
    return result


def get_actions() -> dict[str, Any]:
    """The chained ``package_update`` (see :func:`update_views`)."""
    return {"package_update": tk.chained_action(update_views)}


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
