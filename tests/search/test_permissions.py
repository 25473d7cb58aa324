"""Permission labels: private datasets never leak to anonymous users or outsiders."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.search.marks import SEARCH_MARKS

pytestmark = SEARCH_MARKS


@pytest.fixture
def datasets():
    member = factories.User()
    outsider = factories.User()
    org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    factories.Dataset(name="public-data", title="Registre public", owner_org=org["id"])
    factories.Dataset(
        name="private-data", title="Registre privé", owner_org=org["id"], private=True
    )
    return {"member": member, "outsider": outsider, "org": org}


def _names(user, **params):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    result = helpers.call_action(
        "package_search", context=context, include_private=True, **params
    )
    return sorted(d["name"] for d in result["results"]), result["count"]


def test_anonymous_sees_public_only(datasets):
    assert _names(None, q="registre") == (["public-data"], 1)
    assert _names(None, q="*:*", fq="capacity:private") == ([], 0)


def test_outsider_sees_public_only(datasets):
    assert _names(datasets["outsider"], q="registre") == (["public-data"], 1)


def test_member_sees_private(datasets):
    assert _names(datasets["member"], q="registre") == (
        ["private-data", "public-data"],
        2,
    )


def test_private_excluded_from_facet_counts(datasets):
    result = helpers.call_action(
        "package_search",
        context={"user": "", "ignore_auth": False},
        include_private=True,
        **{"facet.field": '["organization"]'},
    )
    assert result["facets"]["organization"] == {datasets["org"]["name"]: 1}
