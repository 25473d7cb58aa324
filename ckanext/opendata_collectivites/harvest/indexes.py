"""Indexes the harvester needs on ckanext-harvest's own tables.

ckanext-harvest indexes ``harvest_object`` but not ``harvest_object_extra``:
reading an object's extras and the cross-path duplicate lookup
(:func:`.lifecycle.find_duplicate`) then read the whole table for every
record, a cost that grows with the catalogue. Nor does it index the current
objects of a source: its own status (the number of datasets of a source,
counted on every ``harvest_source_show``, hence by the stock CKAN harvester for
every record) and :func:`.lifecycle.current_objects` join ``package`` with
them; without planner statistics PostgreSQL intersects two single-column
indexes for each dataset (560 ms for 4,000 datasets, 7 ms with this index).

The indexes cannot be a plugin migration (CKAN runs plugins' migrations in
name order, ``collectivites_harvest`` before ``harvest`` creates the table), so
the gather stage creates the missing ones, once, before the first records are
written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from ckanext.opendata_collectivites.harvest.lifecycle import DEDUP

assert DEDUP.isidentifier()  # written into the index predicate below

INDEXES = {
    # obj.extras (one object's extras)
    "collectivites_harvest_object_extra_object_idx": (
        "CREATE INDEX IF NOT EXISTS collectivites_harvest_object_extra_object_idx "
        "ON harvest_object_extra (harvest_object_id)"
    ),
    # a source's current objects: its dataset count, the gather's plan
    "collectivites_harvest_object_current_idx": (
        "CREATE INDEX IF NOT EXISTS collectivites_harvest_object_current_idx "
        "ON harvest_object (harvest_source_id, package_id) WHERE current"
    ),
    # find_duplicate: identifiers can be long URIs, hence a hash index (no
    # size limit, equality only)
    "collectivites_harvest_object_extra_dedup_idx": (
        "CREATE INDEX IF NOT EXISTS collectivites_harvest_object_extra_dedup_idx "
        f"ON harvest_object_extra USING hash (value) WHERE key = '{DEDUP}'"
    ),
}


def ensure(session: Any) -> list[str]:
    """Create the missing indexes (committed at once); return their names.

    The catalogue is read first: ``CREATE INDEX IF NOT EXISTS`` alone would
    lock the table against the fetch consumers' writes on every gather."""
    missing = [
        name
        for name in INDEXES
        if session.execute(
            text("SELECT to_regclass(:name) IS NULL"), {"name": name}
        ).scalar()
    ]
    for name in missing:
        session.execute(text(INDEXES[name]))
    if missing:
        session.commit()
    return missing
