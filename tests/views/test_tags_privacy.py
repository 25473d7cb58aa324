"""Tags of private datasets are never revealed to who cannot see those datasets
(CKAN's tag actions read the tag table: anonymous users got them)."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action


@pytest.fixture
def tagged(portal):
    rennes = portal.org("ville-de-rennes")
    malo = portal.org("ville-de-saint-malo")
    portal.dataset(rennes, ["environnement"], ["eau", "secret-defense"], private=True)
    portal.dataset(malo, ["environnement"], ["eau", "littoral"])
    member = factories.User()
    call_action(
        "organization_member_create",
        portal.context(),
        id=rennes["id"],
        username=member["name"],
        role="member",
    )
    return member


def _api(app, action: str, user: dict | None = None, **params):
    headers = {}
    if user is not None:
        headers["Authorization"] = factories.APIToken(user=user["name"])["token"]
    return app.get(f"/api/3/action/{action}", query_string=params, headers=headers)


def test_anonymous_never_sees_a_private_only_tag(tagged, app):
    assert sorted(_api(app, "tag_list").json["result"]) == ["eau", "littoral"]
    names = [t["name"] for t in _api(app, "tag_list", all_fields=True).json["result"]]
    assert "secret-defense" not in names
    assert _api(app, "tag_autocomplete", q="secr").json["result"] == []
    assert _api(app, "tag_autocomplete", q="ea").json["result"] == ["eau"]
    found = _api(app, "tag_search", query="secret").json["result"]
    assert found == {"count": 0, "results": []}
    response = app.get(
        "/api/3/action/tag_show", query_string={"id": "secret-defense"}, status=404
    )
    assert response.json["success"] is False
    assert _api(app, "tag_show", id="littoral").json["result"]["name"] == "littoral"


def test_members_and_sysadmins_see_their_private_tags(tagged, portal, app):
    assert "secret-defense" in _api(app, "tag_list", user=tagged).json["result"]
    assert _api(app, "tag_autocomplete", user=tagged, q="secr").json["result"] == [
        "secret-defense"
    ]
    outsider = factories.User()
    assert "secret-defense" not in _api(app, "tag_list", user=outsider).json["result"]
    admin = portal.sysadmin
    assert "secret-defense" in _api(app, "tag_list", user=admin).json["result"]
