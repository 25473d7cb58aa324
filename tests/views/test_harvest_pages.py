"""A real harvest (the project's harvester on a local SCDL catalogue) updates
the cached theme counts and keyword cloud: no stale counts after a harvest."""

from __future__ import annotations

from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites.logic import cache
from tests.harvest import payloads
from tests.harvest.conftest import commune, harvest, server, source  # noqa: F401
from tests.views.conftest import anonymous_count


def test_harvest_updates_theme_counts_and_keywords(server, commune, source, app):  # noqa: F811
    cache.invalidate()
    org = commune("ville-de-rennes")
    before = {t["slug"]: t["count"] for t in call_action("collectivites_theme_list")}
    assert before["sante"] == 0 and before["administration"] == 0
    assert call_action("collectivites_keyword_cloud")["keywords"] == []
    app.get("/themes")  # cached now

    url = server.mount("dinan", payloads.scdl("dinan"))
    summary = harvest(source(url + "/catalogue.csv", org))
    assert summary.ok and summary.counts["added"] == 3

    after = {t["slug"]: t["count"] for t in call_action("collectivites_theme_list")}
    assert after["sante"] == 1 and after["administration"] == 1
    for slug, count in after.items():
        assert count == anonymous_count(f'+vocab_themes:"{slug}"')
    names = {k["name"] for k in call_action("collectivites_keyword_cloud")["keywords"]}
    assert {"subventions", "associations"} <= names
    body = app.get("/themes").body
    assert "Aucun jeu de données" in body and "1 jeu de données" in body
