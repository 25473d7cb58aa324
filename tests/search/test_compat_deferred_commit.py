"""compat.deferred_commit: datasets written with ``defer_commit`` are kept and
indexed (CKAN 2.12.0 alone skips the indexing and discards updates)."""

from __future__ import annotations

import random
from typing import Any

import ckan.lib.search as search
import ckan.model as model
import pytest
from ckan.logic.action.create import package_create as stock_create
from ckan.logic.action.update import package_update as stock_update
from ckan.tests import helpers
from sqlalchemy import text

from ckanext.opendata_collectivites.compat import deferred_commit
from ckanext.opendata_collectivites.demo import synthetic
from ckanext.opendata_collectivites.logic.context import site_context

pytestmark = [
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]
DIFFERS = deferred_commit.DEFERRED_WRITES_DIFFER


def _context(**extra: Any) -> dict[str, Any]:
    return {**site_context(), **extra}


def _found(name: str) -> int:
    return helpers.call_action("package_search", q=f"name:{name}")["count"]


def _committed_notes(package_id: str) -> str:
    """``notes`` as another connection sees it (what is committed)."""
    with model.meta.engine.connect() as conn:
        return conn.execute(
            text("SELECT notes FROM package WHERE id = :id"), {"id": package_id}
        ).scalar_one()


@pytest.fixture
def values() -> dict[str, Any]:
    env = synthetic.setup()
    return dict(synthetic.values(0, random.Random(1), env), private=False)


def test_stock_2_12_neither_indexes_nor_keeps_deferred_writes(values):
    ctx = _context(model=model, session=model.Session, defer_commit=True)
    created = stock_create(dict(ctx), dict(values, name="stock"))
    model.repo.commit()
    shown = helpers.call_action("package_show", id=created["id"])
    stock_update(dict(ctx), dict(shown, notes="Texte modifié"))
    model.repo.commit()
    if DIFFERS:  # CKAN 2.12.0: the differences
        assert _found("stock") == 0
        assert _committed_notes(created["id"]) == values["notes"]
        assert set(deferred_commit.get_actions()) == {
            "package_create",
            "package_update",
        }
        assert model.repo.commit is deferred_commit._commit
    else:  # CKAN 2.11: indexed and kept, nothing to bridge
        assert _found("stock") == 1
        assert _committed_notes(created["id"]) == "Texte modifié"
        assert deferred_commit.get_actions() == {}


def test_deferred_writes_are_kept_indexed_and_committed_by_the_caller(values):
    created = helpers.call_action(
        "package_create", _context(defer_commit=True), **dict(values, name="differe")
    )
    model.repo.commit()
    assert _found("differe") == 1
    helpers.call_action(
        "package_patch",
        _context(defer_commit=True),
        id=created["id"],
        notes="Texte modifié",
    )
    assert _committed_notes(created["id"]) == values["notes"]  # not yet committed
    model.repo.commit()
    assert _committed_notes(created["id"]) == "Texte modifié"
    assert search.show(created["name"])["notes"] == "Texte modifié"


def test_a_deferred_update_is_rolled_back_with_the_caller(values):
    created = helpers.call_action("package_create", _context(), **values)
    helpers.call_action(
        "package_patch", _context(defer_commit=True), id=created["id"], notes="Oublié"
    )
    model.Session.rollback()
    assert _committed_notes(created["id"]) == values["notes"]
    assert (
        helpers.call_action("package_show", id=created["id"])["notes"]
        == values["notes"]
    )


@pytest.mark.skipif(not DIFFERS, reason="CKAN 2.11 indexes deferred creates itself")
def test_a_deferred_create_reads_the_dataset_back_once(values, monkeypatch):
    from ckan import logic

    reads = []
    stock_read = logic.package_show_default_and_custom_schemas

    def counted(context: Any, package_id: str) -> Any:
        reads.append(package_id)
        return stock_read(context, package_id)

    monkeypatch.setattr(logic, "package_show_default_and_custom_schemas", counted)
    created = helpers.call_action(
        "package_create", _context(defer_commit=True), **dict(values, name="une-fois")
    )
    assert reads == [created["id"]]
    model.repo.commit()
    assert created == helpers.call_action("package_show", id=created["id"])
    assert _found("une-fois") == 1
    only_id = helpers.call_action(
        "package_create",
        _context(defer_commit=True, return_id_only=True),
        **dict(values, name="seulement-id"),
    )
    model.repo.commit()
    assert only_id == model.Package.by_name("seulement-id").id
    assert _found("seulement-id") == 1
