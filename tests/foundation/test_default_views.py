"""compat.default_views: the default resource views are the ones CKAN makes.

The same datasets are written once with the replacements and once with CKAN's
own functions (put back with ``revert``); the views created (per resource
position: type, title, order) must be identical, on create and when a resource is added.
"""

from __future__ import annotations

import random
from typing import Any

import ckan.lib.datapreview as datapreview
import ckan.model as model
import pytest
from ckan.tests import helpers

from ckanext.opendata_collectivites.compat import default_views
from ckanext.opendata_collectivites.demo import synthetic
from ckanext.opendata_collectivites.logic.context import site_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

RESOURCES = [
    {"name": "Plan", "url": "https://exemple.fr/plan.png", "format": "PNG"},
    {"name": "Tableau", "url": "https://exemple.fr/t.csv", "format": "CSV"},
    {"name": "Parcs", "url": "https://exemple.fr/parcs.geojson", "format": "GeoJSON"},
    {"name": "Notice", "url": "https://exemple.fr/notice.pdf", "format": "PDF"},
    {"name": "Pistes", "url": "https://exemple.fr/pistes.kml", "format": "KML"},
]
ADDED = {"name": "Photo", "url": "https://exemple.fr/photo.jpg", "format": "JPEG"}


@pytest.fixture
def values() -> dict[str, Any]:
    env = synthetic.setup()
    base = synthetic.values(0, random.Random(3), env)
    return dict(base, private=False, resources=[dict(r) for r in RESOURCES])


def _views(package_id: str) -> list[tuple[int, str, str, int]]:
    package = model.Package.get(package_id)
    model.Session.refresh(package)
    found = []
    for resource in package.resources:
        for view in model.Session.query(model.ResourceView).filter_by(
            resource_id=resource.id
        ):
            found.append((resource.position, view.view_type, view.title, view.order))
    return sorted(found)


def _call(action: str, **data: Any) -> Any:
    context = site_context()
    return helpers.call_action(action, context=context, **data)


def _create_and_update(values: dict[str, Any], name: str) -> tuple[list, list]:
    created = _call("package_create", **dict(values, name=name))
    after_create = _views(created["id"])
    _call("resource_create", package_id=created["id"], **ADDED)
    return after_create, _views(created["id"])


@pytest.fixture
def ckan_functions():
    """CKAN's own functions for the duration of a block."""

    class _Switch:
        def __enter__(self) -> None:
            default_views.revert()

        def __exit__(self, *exc: Any) -> None:
            default_views.apply()

    yield _Switch()
    default_views.apply()


def test_applied_with_the_extension():
    assert default_views.is_applied()
    assert datapreview.get_default_view_plugins is default_views.default_view_plugins
    assert (
        datapreview.add_views_to_dataset_resources
        is default_views.add_views_to_dataset_resources
    )


def test_same_views_as_ckan_on_create_and_resource_create(values, ckan_functions):
    ours = _create_and_update(values, "vues-extension")
    with ckan_functions:
        stock = _create_and_update(values, "vues-ckan")
    assert ours == stock
    created, updated = ours
    types = {view_type for _pos, view_type, _t, _o in created}
    # the PNG gets an image view, the GeoJSON and KML files a map
    assert {"image_view", "collectivites_map"} <= types
    assert (0, "image_view") in {(pos, t) for pos, t, _ti, _o in created}
    # the added image gets its view and duplicates none
    assert len(updated) == len(created) + 1
    assert (len(RESOURCES), "image_view") in {(pos, t) for pos, t, _ti, _o in updated}


def test_existing_views_are_not_repeated(values):
    created = _call("package_create", **dict(values, name="vues-deux"))
    before = _views(created["id"])
    shown = _call("package_show", id=created["id"])
    made = datapreview.add_views_to_dataset_resources(
        site_context(), shown
    )
    assert made == [] and _views(created["id"]) == before


def test_plugin_list_follows_the_configuration(monkeypatch):
    names = [p.info()["name"] for p in default_views.default_view_plugins()]
    assert "image_view" in names and "collectivites_map" in names
    assert "datatables_view" not in names  # needs the DataStore
    stored = [p.info()["name"] for p in default_views.default_view_plugins(True)]
    assert "datatables_view" in stored
    monkeypatch.setitem(
        datapreview.config, "ckan.views.default_views", ["collectivites_map"]
    )
    only = [p.info()["name"] for p in default_views.default_view_plugins()]
    assert only == ["collectivites_map"]


def test_package_update_gives_added_resources_their_views(values):
    """A resource added by ``package_update`` (a re-harvested dataset gaining a
    file) gets the views ``resource_create`` would have given it; CKAN's own
    ``package_update`` creates none."""
    by_resource_create = _create_and_update(values, "vues-par-ressource")[1]
    created = _call("package_create", **dict(values, name="vues-par-mise-a-jour"))
    shown = _call("package_show", id=created["id"])
    _call("package_update", **dict(shown, resources=shown["resources"] + [ADDED]))
    assert _views(created["id"]) == by_resource_create


def test_package_update_does_not_bring_back_deleted_views(values):
    created = _call("package_create", **dict(values, name="vues-supprimees"))
    image = model.Session.query(model.ResourceView).filter_by(
        resource_id=created["resources"][0]["id"], view_type="image_view"
    )
    _call("resource_view_delete", id=image.one().id)
    before = _views(created["id"])
    shown = _call("package_show", id=created["id"])
    _call("package_update", **dict(shown, title="Titre modifié"))
    assert _views(created["id"]) == before
    assert (0, "image_view") not in {(pos, t) for pos, t, _ti, _o in before}


def test_deferred_update_keeps_its_added_views_in_one_commit(values):
    """The harvester's path: ``defer_commit`` update, one commit by the caller."""
    created = _call("package_create", **dict(values, name="vues-differees"))
    shown = _call("package_show", id=created["id"])
    before = _views(created["id"])
    context = {**site_context(), "defer_commit": True}
    helpers.call_action(
        "package_update",
        context=context,
        **dict(shown, resources=shown["resources"] + [ADDED]),
    )
    model.Session.rollback()  # nothing committed yet: the update is undone
    assert _views(created["id"]) == before
    helpers.call_action(
        "package_update",
        context=dict(context),
        **dict(shown, resources=shown["resources"] + [ADDED]),
    )
    model.repo.commit()
    after = _views(created["id"])
    assert len(after) == len(before) + 1
    assert (len(RESOURCES), "image_view") in {(pos, t) for pos, t, _ti, _o in after}
