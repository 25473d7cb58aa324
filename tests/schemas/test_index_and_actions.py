"""Index fields (vocab_*) and the JSON actions behind the pickers."""

from __future__ import annotations

import pytest
from ckan.tests.helpers import call_action

from tests.schemas.conftest import full_dataset, make_org


def test_vocab_fields_are_indexed(ctx, rennes_metropole):
    call_action(
        "package_create",
        dict(ctx),
        **full_dataset(
            rennes_metropole["id"],
            themes=["administration", "sante"],
            territories=["commune:35238"],
        ),
    )
    call_action(
        "package_create",
        dict(ctx),
        **full_dataset(
            rennes_metropole["id"],
            name="autre",
            themes=["environnement"],
            territories=["commune:75056"],
        ),
    )

    def names(fq: str) -> list[str]:
        res = call_action("package_search", dict(ctx), fq=fq)
        return sorted(p["name"] for p in res["results"])

    assert names('vocab_themes:"administration"') == ["deliberations-rennes-metropole"]
    assert names('vocab_eu_themes:"HEAL"') == ["deliberations-rennes-metropole"]
    assert names('vocab_eu_themes:"ENVI"') == ["autre"]
    assert names('vocab_territories:"commune:75056"') == ["autre"]
    assert names('vocab_territories_all:"departement:35"') == [
        "deliberations-rennes-metropole"
    ]
    facets = call_action(
        "package_search", dict(ctx), **{"facet.field": ["vocab_themes"], "rows": 0}
    )["search_facets"]
    counts = {i["name"]: i["count"] for i in facets["vocab_themes"]["items"]}
    assert counts == {"administration": 1, "sante": 1, "environnement": 1}


def test_territory_autocomplete_over_http(app, plugins):
    res = app.get(
        "/api/3/action/collectivites_territory_autocomplete",
        query_string={"q": "ajaccio"},
    ).json["result"]
    assert res[0]["id"] == "commune:2A004" and res[0]["label"] == "Ajaccio (2A004)"
    res = app.get(
        "/api/3/action/collectivites_territory_autocomplete",
        query_string={"q": "rennes", "kinds": "epci"},
    ).json["result"]
    assert res[0]["id"] == "epci:243500139" and {r["kind"] for r in res} == {"epci"}
    bad = app.get(
        "/api/3/action/collectivites_territory_autocomplete",
        query_string={"q": "x", "kinds": "planete"},
        status=409,
    ).json
    assert "kinds : type « planete » inconnu" in bad["error"]["kinds"][0]


def test_organization_autocomplete(app, ctx):
    make_org(ctx, "rennes-metropole")
    make_org(ctx, "ville-de-paris")
    res = app.get(
        "/api/3/action/collectivites_organization_autocomplete",
        query_string={"q": "renn"},
    ).json["result"]
    assert [(r["name"], r["siren"]) for r in res] == [("rennes-metropole", "243500139")]
    for wildcard in ("%", "_", "ville_de"):  # LIKE wildcards are plain characters
        res = app.get(
            "/api/3/action/collectivites_organization_autocomplete",
            query_string={"q": wildcard},
        ).json["result"]
        assert res == []
    res = app.get(
        "/api/3/action/collectivites_organization_autocomplete",
        query_string={"q": "VILLE-DE"},
    ).json["result"]
    assert [r["name"] for r in res] == ["ville-de-paris"]


@pytest.mark.parametrize("limit", ["abc", "-3"])
def test_autocomplete_limit(app, plugins, limit):
    resp = app.get(
        "/api/3/action/collectivites_territory_autocomplete",
        query_string={"q": "saint", "limit": limit},
        status=409 if limit == "abc" else 200,
    )
    if limit == "-3":
        assert len(resp.json["result"]) == 1
