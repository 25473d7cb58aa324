"""The index follows CKAN's writes: create, update, delete, transactions, CLI."""

from __future__ import annotations

import ckan.lib.search as search
import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan.cli.cli import ckan as ckan_cli
from sqlalchemy import event

from tests.search.marks import SEARCH_MARKS

pytestmark = SEARCH_MARKS


def _count(q="*:*"):
    return helpers.call_action("package_search", q=q)["count"]


def test_update_and_delete_reach_the_index():
    dataset = factories.Dataset(title="Horaires des piscines")
    assert _count("piscine") == 1
    helpers.call_action("package_patch", id=dataset["id"], title="Horaires des musées")
    assert _count("piscine") == 0 and _count("musée") == 1
    helpers.call_action("package_delete", id=dataset["id"])
    assert _count("musée") == 0


def test_index_write_is_rolled_back_with_the_dataset():
    """CKAN indexes in ``before_commit``: a commit failing afterwards leaves
    neither the dataset nor its index entry."""

    def fail(session):
        raise RuntimeError("commit refused")

    event.listen(model.meta.Session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError):
            factories.Dataset(name="cimetieres", title="Cimetières")
    finally:
        event.remove(model.meta.Session, "before_commit", fail)
    model.Session.rollback()
    assert model.Package.get("cimetieres") is None
    assert _count("cimetière") == 0
    factories.Dataset(name="cimetieres", title="Cimetières")
    assert _count("cimetière") == 1


def test_package_show_uses_the_index_as_cache():
    dataset = factories.Dataset(title="Marchés publics")
    doc = search.show(dataset["name"])
    assert doc["metadata_modified"][:22] == dataset["metadata_modified"][:22]
    assert (
        helpers.call_action("package_show", id=dataset["id"])["title"]
        == "Marchés publics"
    )


def test_cli_rebuild_check_show_clear(cli):
    datasets = [factories.Dataset(title=f"Jeu {k}") for k in range(3)]
    search.clear_all()
    assert _count() == 0
    result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _count() == 3
    result = cli.invoke(ckan_cli, ["search-index", "check"])
    assert result.exit_code == 0 and "0 out of 3" in result.output
    result = cli.invoke(ckan_cli, ["search-index", "show", datasets[0]["name"]])
    assert result.exit_code == 0 and datasets[0]["id"] in result.output
    result = cli.invoke(ckan_cli, ["search-index", "clear", datasets[0]["name"]])
    assert result.exit_code == 0
    assert _count() == 2


def test_dataset_lookup_by_id_or_name_is_one_indexed_statement():
    """``get_index`` (package_show's cache lookup) returns the same document
    as the general query path, by id and by name, and nothing for an unknown
    or deleted dataset; it is read in one statement plus the stored fields."""
    from ckan.common import config

    from ckanext.opendata_collectivites.search import querying

    dataset = factories.Dataset(name="marches-publics", title="Marchés publics")
    factories.Dataset(name="marches-publics-2", title="Autre")
    site = config.get("ckan.site_id")
    fq = f'+site_id:"{site}" +entity_type:package'
    for reference in (dataset["id"], dataset["name"]):
        q = f'name:"{reference}" OR id:"{reference}"'
        fast = querying.point_lookup(
            model.Session, q, {"rows": 1, "fq": fq, "wt": "json"}
        )
        general = querying.run(
            model.Session,
            f'(name:"{reference}" OR id:"{reference}")',
            {"rows": 1, "fq": fq},
        )
        assert fast["response"]["numFound"] == 1
        assert fast["response"]["docs"] == general["response"]["docs"]
        assert fast["response"]["docs"][0]["id"] == dataset["id"]
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(model.meta.engine, "before_cursor_execute", listener)
    try:
        doc = search.show(dataset["name"])
    finally:
        event.remove(model.meta.engine, "before_cursor_execute", listener)
    assert doc["id"] == dataset["id"]
    assert len(statements) <= 2, statements
    with pytest.raises(search.SearchError):
        search.show("n-existe-pas")
    helpers.call_action("package_delete", id=dataset["id"])
    with pytest.raises(search.SearchError):  # CKAN drops deleted datasets
        search.show(dataset["id"])
    other = {"rows": 1, "fq": fq, "sort": "title asc"}
    assert querying.point_lookup(model.Session, 'name:"x" OR id:"x"', other) is None
    assert (
        querying.point_lookup(
            model.Session, 'name:"x" OR id:"y"', {"rows": 1, "fq": fq}
        )
        is None
    )
