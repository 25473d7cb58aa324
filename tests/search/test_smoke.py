"""End-to-end: datasets created through CKAN's actions are found by package_search."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from tests.search.marks import SEARCH_MARKS

pytestmark = SEARCH_MARKS


def test_create_then_search(org):
    factories.Dataset(
        name="eau-potable",
        title="Qualité de l'eau potable",
        notes="Analyses des équipements",
        owner_org=org["id"],
        tags=[{"name": "eau"}, {"name": "santé"}],
        resources=[{"url": "http://example.com/a.csv", "format": "CSV"}],
    )
    factories.Dataset(
        name="budget-2024",
        title="Budget primitif 2024",
        notes="Délibérations budgétaires",
        owner_org=org["id"],
        tags=[{"name": "budget"}],
    )
    result = helpers.call_action("package_search", q="equipement")
    assert [d["name"] for d in result["results"]] == ["eau-potable"]
    result = helpers.call_action("package_search", q="deliberation")
    assert [d["name"] for d in result["results"]] == ["budget-2024"]
    result = helpers.call_action(
        "package_search",
        fq='organization:"ville-de-test" tags:"eau"',
        **{"facet.field": '["tags", "res_format", "organization"]'},
    )
    assert result["count"] == 1
    assert result["facets"]["tags"] == {"eau": 1, "santé": 1}
    assert result["facets"]["res_format"] == {"CSV": 1}
    result = helpers.call_action(
        "package_search", sort="score desc, metadata_modified desc"
    )
    assert [d["name"] for d in result["results"]] == ["budget-2024", "eau-potable"]
    shown = helpers.call_action("package_show", id="eau-potable")
    assert shown["title"] == "Qualité de l'eau potable"
