"""Obligations counts equal a brute-force recount from anonymous
``package_search``; private datasets never count; collectivités without an
organisation are listed too."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites.obligations import coverage
from ckanext.opendata_collectivites.validation import schemas
from ckanext.opendata_collectivites.vocabularies import territories

from .conftest import DEPARTEMENT, run_jobs


def _brute_force() -> dict[str, set[str]]:
    """schema name → territories publishing it, from anonymous package_search."""
    found = call_action(
        "package_search",
        {"user": "", "ignore_auth": False},
        q="*:*",
        rows=1000,
        include_private=False,
    )
    out: dict[str, set[str]] = {}
    for pkg in found["results"]:
        org = call_action(
            "organization_show", {"ignore_auth": True}, id=pkg["owner_org"]
        )
        urls = [pkg.get("conforms_to")] + [
            r.get("conforms_to") for r in pkg["resources"]
        ]
        for url in urls:
            ref = schemas.resolve(url or "")
            if ref:
                out.setdefault(ref.name, set()).add(org["territory"])
    return out


@pytest.mark.ckan_config("ckanext.collectivites.departement", DEPARTEMENT)
def test_counts_equal_a_brute_force_recount(portal):
    result = call_action(
        "collectivites_obligations", {"user": "", "ignore_auth": False}
    )
    assert result["departement"] == "departement:35"
    expected_places = [
        t.id
        for t in territories.all_territories(["commune", "epci"])
        if "departement:35" in t.parents
    ]
    rows = {r["territory"]: r for r in result["collectivites"]}
    assert sorted(rows) == sorted(expected_places)
    brute = _brute_force()
    for item in result["socle"]:
        name = item["schema"]
        publishing = {t for t, r in rows.items() if r["datasets"][name]}
        assert publishing == brute.get(name, set()) & set(rows), name
        assert result["totals"]["by_schema"][name]["published"] == len(publishing)
    # The private délibérations of Rennes never count.
    assert rows["commune:35238"]["datasets"]["scdl/deliberations"] == []
    assert result["totals"]["by_schema"]["scdl/deliberations"]["published"] == 0
    # Non-socle schemas are not counted.
    assert "etalab/schema-stationnement" not in rows["commune:35238"]["datasets"]
    rennes = rows["commune:35238"]["datasets"]["scdl/subventions"][0]
    assert rennes["valid"] is True and rennes["up_to_date"] is True
    malo = rows["commune:35288"]["datasets"]["scdl/subventions"][0]
    assert malo["valid"] is False and malo["up_to_date"] is None
    assert result["totals"]["by_schema"]["scdl/subventions"]["valid"] == 1
    # A commune with no organisation on the portal is listed, with its obligation.
    vitre = rows["commune:35360"]
    assert vitre["organization"] is None and vitre["obliged"] is True
    assert (
        rows["commune:35238"]["obliged"]
        and rows["commune:35238"]["population"] > 200000
    )
    totals = result["totals"]
    assert totals["on_portal"] == 2
    assert totals["obliged"] == sum(1 for r in rows.values() if r["obliged"])
    assert totals["obliged_publishing"] == 2


@pytest.mark.ckan_config("ckanext.collectivites.departement", DEPARTEMENT)
def test_filters(portal):
    result = call_action(
        "collectivites_obligations",
        {"user": "", "ignore_auth": False},
        obliged_only=True,
    )
    assert result["collectivites"] and all(
        r["obliged"] for r in result["collectivites"]
    )
    one = call_action(
        "collectivites_obligations",
        {"user": "", "ignore_auth": False},
        territory="commune:35288",
    )
    assert [r["name"] for r in one["collectivites"]] == ["Saint-Malo"]


def test_up_to_date_rule():
    import datetime as dt

    today = dt.date(2026, 12, 5)
    assert coverage.up_to_date({"frequency": "ANNUAL", "modified": "2026-01-10"}, today)
    assert not coverage.up_to_date(
        {"frequency": "MONTHLY", "modified": "2026-09-01"}, today
    )
    assert (
        coverage.up_to_date({"frequency": "IRREG", "modified": "2020-01-01"}, today)
        is None
    )


@pytest.mark.ckan_config("ckanext.collectivites.departement", DEPARTEMENT)
@pytest.mark.ckan_config("ckanext.collectivites.pages.cache_ttl", "3600")
def test_cached_counts_follow_new_verdicts(portal, queue):
    """The dashboard is cached; a new verdict (the job) drops the cache."""
    anon = {"user": "", "ignore_auth": False}
    before = call_action(
        "collectivites_obligations", dict(anon), territory="commune:35288"
    )
    malo = before["collectivites"][0]["datasets"]["scdl/subventions"][0]
    assert malo["valid"] is False
    pkg = call_action("package_show", {"ignore_auth": True}, id=malo["name"])
    url = pkg["resources"][0]["url"].replace(
        "exemple_invalide_subventions_french_siret_error1.csv",
        "exemple_valide_subventions1.csv",
    )
    call_action(
        "resource_patch",
        {"user": factories.Sysadmin()["name"]},
        id=pkg["resources"][0]["id"],
        url=url,
    )
    pending = call_action(
        "collectivites_obligations", dict(anon), territory="commune:35288"
    )  # computed and cached while the new file is being checked
    assert (
        pending["collectivites"][0]["datasets"]["scdl/subventions"][0]["valid"] is None
    )
    run_jobs(queue)
    after = call_action(
        "collectivites_obligations", dict(anon), territory="commune:35288"
    )
    assert after["collectivites"][0]["datasets"]["scdl/subventions"][0]["valid"] is True
