"""Fixtures of the theme/keyword page tests: a clean portal and small factories."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites.logic import cache

_seq = itertools.count(1)

# Real collectivités (SIREN consistent with the territory, as the schema checks).
COLLECTIVITES = {
    "rennes-metropole": ("Rennes Métropole", "epci", "243500139", "epci:243500139"),
    "saint-malo-agglomeration": (
        "Saint-Malo Agglomération",
        "epci",
        "243500782",
        "epci:243500782",
    ),
    "ville-de-rennes": ("Ville de Rennes", "commune", "213502388", "commune:35238"),
    "ville-de-saint-malo": (
        "Ville de Saint-Malo",
        "commune",
        "213502883",
        "commune:35288",
    ),
}


@pytest.fixture
def portal(plugins, clean_db, clean_index):
    """A clean portal with the project's plugins; the page cache starts empty."""
    cache.invalidate()
    return Portal(factories.Sysadmin())


class Portal:
    """Creates collectivités and datasets through CKAN's actions."""

    def __init__(self, sysadmin: dict[str, Any]):
        self.sysadmin = sysadmin

    def context(self) -> dict[str, Any]:
        return {"user": self.sysadmin["name"], "ignore_auth": False}

    def org(
        self, name: str = "ville-de-rennes", title: str | None = None
    ) -> dict[str, Any]:
        default_title, kind, siren, territory = COLLECTIVITES[name]
        extra = {"epci_kind": "METRO" if name == "rennes-metropole" else "CA"}
        return call_action(
            "organization_create",
            self.context(),
            name=name,
            title=title or default_title,
            collectivite_type=kind,
            siren=siren,
            territory=territory,
            **(extra if kind == "epci" else {}),
        )

    def dataset(
        self, org: dict[str, Any], themes: list[str], tags: list[str], **extra: Any
    ) -> dict[str, Any]:
        n = next(_seq)
        data = {
            "name": f"jeu-{n}",
            "title": f"Jeu de données {n}",
            "notes": "Description du jeu de données.",
            "owner_org": org["id"],
            "license_id": "lov2",
            "themes": themes,
            "tags": [{"name": t} for t in tags],
            "resources": [{"url": f"https://example.org/{n}.csv", "format": "CSV"}],
        }
        data.update(extra)
        return call_action("package_create", self.context(), **data)


def anonymous_count(fq: str) -> int:
    """What a visitor finds with ``fq`` on the dataset listing."""
    return call_action(
        "package_search",
        {"user": "", "ignore_auth": False},
        q="*:*",
        fq=f"+dataset_type:dataset {fq}",
        rows=0,
    )["count"]
