"""The outcome of a resource's load, kept in CKAN's ``task_status`` table
(one row per resource: ``task_type = 'datastore'``), and its French wording.

States: ``pending`` (queued), ``running``, ``complete``, ``error``. ``value``
holds JSON: the fingerprint of what was loaded, the row count, the encoding
and separator found, or the error code and its parameters.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

TASK_TYPE = "datastore"
KEY = "collectivites_datastore"

# Error codes → English msgid (French in i18n/src/datastore.fr.po).
MESSAGES = {
    "empty-file": "The file is empty: there is no table to show.",
    "not-csv": "The file is not a CSV table (binary content).",
    "bad-encoding": "The file cannot be read as text (%(encoding)s).",
    "malformed": "The file is not a valid CSV table: %(error)s",
    "too-many-cells": (
        "Line %(line)s has %(cells)s values for %(columns)s columns: "
        "the table cannot be loaded."
    ),
    "bad-spreadsheet": (
        "The spreadsheet cannot be read: the file is damaged, protected by a "
        "password or is not an XLSX or ODS file."
    ),
    "xls": (
        "Old Excel files (.xls) are not loaded for the preview: save the file "
        "as XLSX, ODS or CSV."
    ),
    "too-many-rows": (
        "The spreadsheet has more than %(limit)s rows: it cannot be previewed; "
        "it can still be downloaded."
    ),
    "too-many-columns": (
        "The spreadsheet has more than %(limit)s columns: it cannot be "
        "previewed; it can still be downloaded."
    ),
    "too-large": (
        "The file is too large to be previewed (%(size)s, limit %(limit)s); "
        "it can still be downloaded."
    ),
    "file-missing": "The uploaded file cannot be found on the portal.",
    "fetch-failed": "The file could not be fetched: %(error)s",
    "no-file": "The resource has no file to load.",
    "database": "The table could not be stored (%(error)s).",
    "internal-error": "An unexpected error stopped the load; the administrators "
    "have been notified in the logs.",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def get(resource_id: str) -> dict[str, Any] | None:
    """``{"state", "value": {...}, "error", "last_updated"}`` or ``None``."""
    from ckan import model

    task = (
        model.Session.query(model.TaskStatus)
        .filter_by(entity_id=resource_id, task_type=TASK_TYPE, key=KEY)
        .first()
    )
    if task is None:
        return None
    try:
        value = json.loads(task.value or "{}")
    except ValueError:
        value = {}
    return {
        "state": task.state,
        "value": value,
        "error": task.error or "",
        "last_updated": task.last_updated,
    }


def save(resource_id: str, state: str, value: dict[str, Any], error: str = "") -> None:
    """Insert or update the row (in the current session; the caller commits)."""
    from ckan import model

    task = (
        model.Session.query(model.TaskStatus)
        .filter_by(entity_id=resource_id, task_type=TASK_TYPE, key=KEY)
        .first()
    )
    if task is None:
        task = model.TaskStatus(
            entity_id=resource_id, entity_type="resource", task_type=TASK_TYPE, key=KEY
        )
        model.Session.add(task)
    task.state = state
    task.value = json.dumps(value)
    task.error = error
    task.last_updated = _now()


def message(value: dict[str, Any]) -> str:
    """The French message of an ``error`` state (request or site locale)."""
    from ckanext.opendata_collectivites.harvest.errors import translate

    code = value.get("code") or "internal-error"
    msgid = MESSAGES.get(code, MESSAGES["internal-error"])
    return translate(msgid, **(value.get("params") or {}))
