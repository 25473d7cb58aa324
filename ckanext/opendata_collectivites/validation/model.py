"""The ``collectivites_validation`` table: one row per validated resource.

Created by the plugin migration (``migration/collectivites_validation``,
``ckan db upgrade -p collectivites_validation``).  Statuses: ``pending``
(queued), ``valid``, ``invalid``, ``unchecked`` (the file or its schema could
not be read: ``reason`` says why; never reported as invalid).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

STATUSES = ("pending", "valid", "invalid", "unchecked")
# A constant: the only text formatted into the SQL below (values are bound).
_COLUMNS = (
    "resource_id, package_id, status, schema_url, schema_name, schema_title, "
    "schema_version, error_count, warning_count, reason, report, fingerprint, "
    "queued_at, checked_at"
)


@dataclass
class Result:
    resource_id: str
    package_id: str
    status: str
    schema_url: str = ""
    schema_name: str = ""
    schema_title: str = ""
    schema_version: str = ""
    error_count: int = 0
    warning_count: int = 0
    reason: str = ""
    report: dict[str, Any] | None = None
    fingerprint: str = ""
    queued_at: dt.datetime | None = None
    checked_at: dt.datetime | None = None

    def as_dict(self, with_report: bool = True) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if with_report or k != "report"}
        for key in ("queued_at", "checked_at"):
            value = out.get(key)
            out[key] = value.isoformat() if value else None
        return out


def _session() -> Any:
    from ckan import model

    return model.Session


def get(resource_id: str) -> Result | None:
    row = (
        _session()
        .execute(
            text(
                f"SELECT {_COLUMNS} FROM collectivites_validation "  # noqa: S608
                "WHERE resource_id = :id"
            ),
            {"id": resource_id},
        )
        .mappings()
        .first()
    )
    return Result(**dict(row)) if row else None


def for_package(package_id: str) -> list[Result]:
    rows = (
        _session()
        .execute(
            text(
                f"SELECT {_COLUMNS} FROM collectivites_validation "  # noqa: S608
                "WHERE package_id = :id ORDER BY resource_id"
            ),
            {"id": package_id},
        )
        .mappings()
        .all()
    )
    return [Result(**dict(r)) for r in rows]


def _by_resource(column: str, resource_ids: list[str]) -> dict[str, str]:
    """``column`` of each checked resource, in one query."""
    if column not in ("fingerprint", "status"):  # a name from this module only
        raise ValueError(column)
    if not resource_ids:
        return {}
    rows = (
        _session()
        .execute(
            text(
                f"SELECT resource_id, {column} FROM collectivites_validation "  # noqa: S608
                "WHERE resource_id = ANY(:ids)"
            ),
            {"ids": list(resource_ids)},
        )
        .all()
    )
    return {r[0]: r[1] for r in rows}


def fingerprints(resource_ids: list[str]) -> dict[str, str]:
    return _by_resource("fingerprint", resource_ids)


def statuses(resource_ids: list[str]) -> dict[str, str]:
    """Status of each checked resource, in one query (dashboards)."""
    return _by_resource("status", resource_ids)


def mark_pending(
    resource_id: str, package_id: str, schema_url: str, fingerprint: str
) -> None:
    """Queued: keep the previous verdict's counts until the job replaces them."""
    _session().execute(
        text(
            "INSERT INTO collectivites_validation "
            "(resource_id, package_id, status, schema_url, fingerprint, queued_at) "
            "VALUES (:rid, :pid, 'pending', :url, :fp, now()) "
            "ON CONFLICT (resource_id) DO UPDATE SET package_id = :pid, "
            "status = 'pending', schema_url = :url, fingerprint = :fp, queued_at = "
            "now()"
        ),
        {"rid": resource_id, "pid": package_id, "url": schema_url, "fp": fingerprint},
    )


def save(result: Result) -> None:
    values = dict(result.__dict__)
    values["report"] = json.dumps(result.report) if result.report is not None else None
    values["checked_at"] = result.checked_at or dt.datetime.now(dt.timezone.utc)
    _session().execute(
        text(
            f"INSERT INTO collectivites_validation ({_COLUMNS}) VALUES ("  # noqa: S608
            ":resource_id, :package_id, :status, :schema_url, :schema_name, "
            ":schema_title, "
            ":schema_version, :error_count, :warning_count, :reason, CAST(:report AS "
            "jsonb), "
            ":fingerprint, :queued_at, :checked_at) "
            "ON CONFLICT (resource_id) DO UPDATE SET package_id = EXCLUDED.package_id, "
            "status = EXCLUDED.status, schema_url = EXCLUDED.schema_url, "
            "schema_name = EXCLUDED.schema_name, schema_title = EXCLUDED.schema_title, "
            "schema_version = EXCLUDED.schema_version, error_count = "
            "EXCLUDED.error_count, "
            "warning_count = EXCLUDED.warning_count, reason = EXCLUDED.reason, "
            "report = EXCLUDED.report, checked_at = EXCLUDED.checked_at"
        ),
        values,
    )


def delete(resource_ids: list[str]) -> None:
    if resource_ids:
        _session().execute(
            text("DELETE FROM collectivites_validation WHERE resource_id = ANY(:ids)"),
            {"ids": list(resource_ids)},
        )
