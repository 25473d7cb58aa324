"""Producer-facing quality hints only for users who may edit the dataset (#16).

Citizens see the score and its rating; the detail per dimension and the list of
what to fill go to the collectivité's editors and administrators.
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

HINTS = "Pour l'améliorer"


def _quality(app, name: str, user: dict[str, Any] | None) -> Any:
    headers = {"Authorization": user["token"]} if user else {}
    page = app.get(f"/dataset/{name}", headers=headers)
    assert page.status_code == 200
    return BeautifulSoup(page.body, "html.parser").find(id="dataset-quality")


@pytest.fixture
def scene(portal) -> dict[str, Any]:
    org = portal.org("ville-de-rennes")
    # no keyword, no period, no contact: there is something to improve
    dataset = portal.dataset(org, ["environnement"], [])
    users = {
        "editor": factories.UserWithToken(),
        "admin": factories.UserWithToken(),
        "member": factories.UserWithToken(),
        "stranger": factories.UserWithToken(),
        "sysadmin": factories.SysadminWithToken(),
    }
    for role in ("editor", "admin", "member"):
        call_action(
            "organization_member_create",
            portal.context(),
            id=org["id"],
            username=users[role]["name"],
            role=role,
        )
    return {"dataset": dataset, "users": users}


@pytest.mark.parametrize(
    ("who", "sees_hints"),
    [
        ("anonymous", False),
        ("stranger", False),
        ("member", False),  # may read, not edit
        ("editor", True),
        ("admin", True),
        ("sysadmin", True),
    ],
)
def test_hints_only_for_who_can_edit(app, scene, who, sees_hints):
    user = None if who == "anonymous" else scene["users"][who]
    section = _quality(app, scene["dataset"]["name"], user)
    score = call_action(
        "collectivites_dataset_quality",
        {"ignore_auth": True},
        id=scene["dataset"]["id"],
    )
    # everyone: the score and its rating badge
    assert f"{score['score']} / 405" in section.get_text(" ", strip=True)
    badge = section.select_one(".collectivites-quality__rating")
    assert f"collectivites-quality__rating--{score['rating']}" in badge["class"]
    assert badge.get_text(strip=True) in ("Excellente", "Bonne", "Suffisante")
    # producers only: what to fill, with the points it brings, and the detail
    hints = section.select(".collectivites-quality__todo li")
    dimensions = section.select(".collectivites-quality__dimensions li")
    if sees_hints:
        assert HINTS in section.get_text(" ", strip=True)
        assert "Ajoutez des mots-clés." in [li.contents[0].strip() for li in hints], [
            li.get_text() for li in hints
        ]
        assert len(dimensions) == len(score["dimensions"])
    else:
        assert HINTS not in section.get_text(" ", strip=True)
        assert hints == [] and dimensions == []
