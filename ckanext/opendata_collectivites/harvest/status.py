"""What detection found for each source, shown on the source page.

Kept in Redis (CKAN's connection) under ``<site_id>:collectivites:harvest:<source>``:
a small JSON written at each gather, read by a template helper. Losing it
is harmless (the next gather writes it again).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from ckanext.opendata_collectivites.harvest.adapters.base import Detected
from ckanext.opendata_collectivites.harvest.detect import PLATFORM_LABELS


def _key(source_id: str) -> str:
    import ckan.plugins.toolkit as tk

    return f"{tk.config.get('ckan.site_id')}:collectivites:harvest:{source_id}"


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def save(
    source_id: str,
    detected: Detected | None,
    error: str = "",
    counts: dict[str, int] | None = None,
) -> None:
    data: dict[str, Any] = {
        "checked": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "error": error,
    }
    if detected:
        data.update(detected.describe())
        data["platform_label"] = PLATFORM_LABELS.get(
            detected.platform, detected.platform
        )
    if counts:
        data["counts"] = counts
    try:
        _redis().set(_key(source_id), json.dumps(data))
    except Exception:  # noqa: BLE001 - informative only, never fail a harvest
        pass


def load(source_id: str) -> dict[str, Any] | None:
    try:
        raw = _redis().get(_key(source_id))
    except Exception:  # noqa: BLE001
        return None
    return json.loads(raw) if raw else None
