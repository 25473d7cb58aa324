"""Identity and lifecycle of harvested datasets, on ckanext-harvest's tables.

Per source, the *current* harvest object of each remote id carries extras:
``fingerprint`` (content hash of the normalised record + mapper version),
``dedup`` (stable identifier keys) and ``missing_since`` (first complete
listing that lacked it). Rules:

* unchanged fingerprint → nothing is written to the dataset (a local edit
  stays until the remote record changes: newer remote data wins);
* a remote id missing from a *complete* listing is withdrawn once it has been
  missing for ``grace_days``; an unreachable or partly read source never
  reaches this code (gather aborts first);
* the same dataset reached through two paths (same stable identifier) is
  imported once; the later path is reported. Landing pages are not
  identities: datasets sharing one are all imported, with a note
  (``landing_shared``: the other remote ids of the listing).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.opendata_collectivites.harvest.record import Record, RecordError

MAPPER_VERSION = "2"
FINGERPRINT = "fingerprint"
DEDUP = "dedup"
MISSING_SINCE = "missing_since"
STATUS = "status"
LANDING_SHARED = "landing_shared"


@dataclass
class Current:
    object_id: str
    guid: str
    package_id: str | None
    fingerprint: str
    missing_since: str


@dataclass
class Plan:
    queued: list[str]
    unchanged: int
    withdrawn: int
    waiting_withdrawal: int
    duplicates_in_listing: int


def fingerprint(record: Record) -> str:
    return f"{MAPPER_VERSION}:{record.fingerprint()}"


def current_objects(source_id: str) -> dict[str, Current]:
    """The current object of each remote id of the source, with its extras."""
    ho = HarvestObject.__table__
    ex = HarvestObjectExtra.__table__
    rows = model.Session.execute(
        sa.select(ho.c.id, ho.c.guid, ho.c.package_id, ex.c.key, ex.c.value)
        .select_from(
            ho.outerjoin(
                ex,
                sa.and_(
                    ex.c.harvest_object_id == ho.c.id,
                    ex.c.key.in_([FINGERPRINT, MISSING_SINCE]),
                ),
            )
        )
        .where(ho.c.harvest_source_id == source_id, ho.c.current == sa.true())
    ).all()
    out: dict[str, Current] = {}
    for object_id, guid, package_id, key, value in rows:
        cur = out.setdefault(guid, Current(object_id, guid, package_id, "", ""))
        if key == FINGERPRINT:
            cur.fingerprint = value or ""
        elif key == MISSING_SINCE:
            cur.missing_since = value or ""
    return out


def plan(
    job: Any,
    items: list[Record | RecordError],
    grace_days: float,
    now: dt.datetime | None = None,
) -> Plan:
    """Create the harvest objects of a complete listing; return what to queue."""
    now = now or dt.datetime.utcnow()
    source_id = job.source.id
    current = current_objects(source_id)
    session = model.Session
    queued: list[str] = []
    unchanged_rows: list[dict[str, Any]] = []
    extras_rows: list[dict[str, Any]] = []
    object_rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    duplicates = 0
    shared = _shared_landing_pages(items)
    for item in items:
        if item.guid in seen:
            duplicates += 1
            continue
        seen.add(item.guid)
        cur = current.get(item.guid)
        object_id = str(uuid.uuid4())
        if isinstance(item, RecordError):
            content = json.dumps(
                {"__error__": item.msgid, "params": item.params}, ensure_ascii=False
            )
            object_rows.append(_object_row(object_id, item.guid, job, now, content))
            queued.append(object_id)
            continue
        fp = fingerprint(item)
        if cur and cur.fingerprint == fp and cur.package_id:
            unchanged_rows.append(
                {
                    **_object_row(object_id, item.guid, job, now, None),
                    "state": "COMPLETE",
                    "report_status": "not modified",
                    "package_id": cur.package_id,
                    "import_finished": now,
                }
            )
            continue
        object_rows.append(_object_row(object_id, item.guid, job, now, item.to_json()))
        extras_rows.append(_extra_row(object_id, FINGERPRINT, fp))
        for key in item.dedup_keys():
            extras_rows.append(_extra_row(object_id, DEDUP, key))
        others = [g for g in shared.get(item.landing_key(), ()) if g != item.guid]
        if others:
            extras_rows.append(
                _extra_row(object_id, LANDING_SHARED, " ".join(others[:3]))
            )
        queued.append(object_id)

    # Reappeared datasets are no longer missing.
    back = [c.object_id for g, c in current.items() if g in seen and c.missing_since]
    if back:
        session.execute(
            sa.delete(HarvestObjectExtra.__table__).where(
                HarvestObjectExtra.__table__.c.harvest_object_id.in_(back),
                HarvestObjectExtra.__table__.c.key == MISSING_SINCE,
            )
        )

    withdrawn = waiting = 0
    for guid, cur in current.items():
        if guid in seen or not cur.package_id:
            continue
        if not cur.missing_since:
            extras_rows.append(
                _extra_row(cur.object_id, MISSING_SINCE, now.isoformat())
            )
            since = now
        else:
            since = dt.datetime.fromisoformat(cur.missing_since)
        if now - since >= dt.timedelta(days=grace_days):
            object_id = str(uuid.uuid4())
            row = _object_row(object_id, guid, job, now, None)
            row["package_id"] = cur.package_id
            object_rows.append(row)
            extras_rows.append(_extra_row(object_id, STATUS, "delete"))
            queued.append(object_id)
            withdrawn += 1
        else:
            waiting += 1

    table = HarvestObject.__table__
    if object_rows:
        session.execute(sa.insert(table), object_rows)
    if unchanged_rows:
        session.execute(sa.insert(table), unchanged_rows)
    if extras_rows:
        session.execute(sa.insert(HarvestObjectExtra.__table__), extras_rows)
    session.commit()
    return Plan(queued, len(unchanged_rows), withdrawn, waiting, duplicates)


def _shared_landing_pages(items: list[Record | RecordError]) -> dict[str, list[str]]:
    """Landing page → remote ids of the listing, for pages shared by several."""
    by_page: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item, Record) and item.landing_key():
            by_page.setdefault(item.landing_key(), []).append(item.guid)
    return {page: sorted(set(g)) for page, g in by_page.items() if len(set(g)) > 1}


def _object_row(
    object_id: str, guid: str, job: Any, now: dt.datetime, content: str | None
) -> dict[str, Any]:
    return {
        "id": object_id,
        "guid": guid,
        "current": False,
        "gathered": now,
        "content": content,
        "state": "WAITING",
        "retry_times": 0,
        "harvest_job_id": job.id,
        "harvest_source_id": job.source.id,
        "package_id": None,
        "report_status": None,
    }


def _extra_row(object_id: str, key: str, value: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "harvest_object_id": object_id,
        "key": key,
        "value": value,
    }


def object_extra(obj: HarvestObject, key: str) -> str | None:
    for extra in obj.extras:
        if extra.key == key:
            return extra.value
    return None


def previous_current(obj: HarvestObject) -> HarvestObject | None:
    return (
        model.Session.query(HarvestObject)
        .filter(
            HarvestObject.harvest_source_id == obj.harvest_source_id,
            HarvestObject.guid == obj.guid,
            HarvestObject.current == sa.true(),
            HarvestObject.id != obj.id,
        )
        .first()
    )


def find_duplicate(obj: HarvestObject, keys: list[str]) -> HarvestObject | None:
    """A current object of another remote id (any source) sharing a key."""
    if not keys:
        return None
    ho = HarvestObject
    ex = HarvestObjectExtra
    return (
        model.Session.query(ho)
        .join(ex, ex.harvest_object_id == ho.id)
        .filter(
            ho.current == sa.true(),
            ex.key == DEDUP,
            ex.value.in_(keys),
            sa.or_(ho.harvest_source_id != obj.harvest_source_id, ho.guid != obj.guid),
        )
        .first()
    )


def retire(package_id: str, keep: HarvestObject) -> None:
    """Only ``keep`` stays current for the package; the missing mark goes."""
    model.Session.query(HarvestObject).filter(
        HarvestObject.package_id == package_id,
        HarvestObject.id != keep.id,
    ).update({"current": False}, synchronize_session=False)
