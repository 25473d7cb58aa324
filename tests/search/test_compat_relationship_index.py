"""compat.relationship_index: a dataset with a relationship can be indexed on
CKAN 2.12 (stock 2.12 fails with ``KeyError: 'object_package_id'``)."""

from __future__ import annotations

import ckan.lib.search as search
import pytest
from ckan.logic import schema as ckan_schema
from ckan.tests import helpers

from ckanext.opendata_collectivites.compat import relationship_index
from ckanext.opendata_collectivites.compat.index_dict import dict_to_index
from ckanext.opendata_collectivites.demo import synthetic

pytestmark = [
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def child_and_parent() -> tuple[dict, dict]:
    child, _, parent, *_ = synthetic.build(3)
    helpers.call_action(
        "package_relationship_create",
        subject=child["id"],
        object=parent["id"],
        type="child_of",
    )
    return child, parent


def _index(package_id: str) -> None:
    context = {"ignore_auth": True, "validate": False, "use_cache": False}
    search.index_for("Package").update_dict(dict_to_index(context, package_id))


def test_stock_2_12_schema_cannot_index_a_relationship(child_and_parent, monkeypatch):
    child, _ = child_and_parent
    monkeypatch.setattr(
        ckan_schema, "default_show_package_schema", relationship_index._STOCK
    )
    if relationship_index.INDEXES_DEFAULT_SCHEMA:  # CKAN 2.12: the difference
        with pytest.raises(KeyError, match="object_package_id"):
            _index(child["id"])
    else:  # CKAN 2.11 indexes package_show's dict: nothing to bridge
        _index(child["id"])
        assert relationship_index.apply() is False


def test_both_ends_of_a_relationship_are_indexed(child_and_parent):
    child, parent = child_and_parent
    assert (
        ckan_schema.default_show_package_schema
        is relationship_index.default_show_package_schema
    ) == relationship_index.INDEXES_DEFAULT_SCHEMA
    for dataset in (child, parent):
        _index(dataset["id"])
    found = helpers.call_action(
        "package_search", q="child_of:*", rows=10, include_private=True
    )
    assert [d["id"] for d in found["results"]] == [child["id"]]
    found = helpers.call_action(
        "package_search", q="parent_of:*", rows=10, include_private=True
    )
    assert [d["id"] for d in found["results"]] == [parent["id"]]
