"""The harvester's indexes on ckanext-harvest's tables: created by the first
gather, and used by the per-record lookups (whose cost otherwise grows with
the number of harvested objects)."""

from __future__ import annotations

from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra
from sqlalchemy import text

from ckanext.opendata_collectivites.harvest import indexes, lifecycle
from tests.harvest import payloads as P
from tests.harvest.conftest import harvest


def _existing() -> set[str]:
    rows = model.Session.execute(
        text(
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename IN ('harvest_object', 'harvest_object_extra')"
        )
    )
    return {name for (name,) in rows}


def _plan(query) -> str:
    """The plan of an ORM query, index scans preferred whenever possible."""
    compiled = query.statement.compile(
        dialect=model.Session.bind.dialect, compile_kwargs={"literal_binds": True}
    )
    model.Session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = model.Session.execute(text(f"EXPLAIN {compiled}")).fetchall()
    return "\n".join(line for (line,) in plan)


def test_first_gather_creates_the_indexes_and_lookups_use_them(server, commune, source):
    for name in indexes.INDEXES:
        model.Session.execute(text(f"DROP INDEX IF EXISTS {name}"))
    model.Session.commit()
    assert not set(indexes.INDEXES) & _existing()

    org = commune("ville-de-rennes")
    src = source(server.mount("rennes", P.ods("rennes")), org)
    assert harvest(src).counts["added"] == 4
    assert set(indexes.INDEXES) <= _existing()
    assert indexes.ensure(model.Session) == []  # nothing left to create

    obj = (
        model.Session.query(HarvestObject)
        .filter(HarvestObject.current.is_(True))
        .first()
    )
    key = lifecycle.object_extra(obj, lifecycle.DEDUP)
    assert key
    duplicate = (
        model.Session.query(HarvestObject)
        .join(
            HarvestObjectExtra, HarvestObjectExtra.harvest_object_id == HarvestObject.id
        )
        .filter(
            HarvestObjectExtra.key == lifecycle.DEDUP,
            HarvestObjectExtra.value.in_([key]),
        )
    )
    assert "collectivites_harvest_object_extra_dedup_idx" in _plan(duplicate)
    extras = model.Session.query(HarvestObjectExtra).filter(
        HarvestObjectExtra.harvest_object_id == obj.id
    )
    assert "collectivites_harvest_object_extra_object_idx" in _plan(extras)
    model.Session.rollback()


def test_source_dataset_count_uses_the_current_objects_index(server, commune, source):
    """ckanext-harvest's count of a source's datasets (its status, read by every
    ``harvest_source_show``) reads the source's current objects by index."""
    org = commune("ville-de-rennes")
    src = source(server.mount("rennes", P.ods("rennes")), org)
    assert harvest(src).counts["added"] == 4
    count = (
        model.Session.query(model.Package)
        .join(HarvestObject, model.Package.id == HarvestObject.package_id)
        .filter(
            HarvestObject.harvest_source_id == src["id"],
            HarvestObject.current == True,  # noqa: E712 - ckanext-harvest's query
            model.Package.state == "active",
            model.Package.private.is_(False),
        )
    )
    assert count.count() == 4
    assert "collectivites_harvest_object_current_idx" in _plan(count)
    model.Session.rollback()
