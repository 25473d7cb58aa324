"""Datasets imported side by side (several fetch consumers, :mod:`.parallel`).

Each record is its own transaction and touches its own rows, except CKAN's
free keywords: ``package_create`` looks a keyword up and inserts it when it is
new, and the table's unique constraint (name, vocabulary) does not hold for
free keywords (no vocabulary), so two imports creating the same new keyword
at once would store it twice. Each import first takes a transaction-level
advisory lock per *new* keyword name, in one order: the second import waits
for the first to commit, then finds the keyword and reuses it. Keywords the
portal already has (nearly all, after the first records) take no lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text

_EXISTING = text(
    "SELECT name FROM tag WHERE vocabulary_id IS NULL AND name = ANY(:names)"
)
_LOCK = text(
    "SELECT count(pg_advisory_xact_lock(k)) FROM ("
    " SELECT DISTINCT hashtextextended('ckan keyword ' || n, 0) AS k"
    " FROM unnest(CAST(:names AS text[])) AS n ORDER BY k) AS keys"
)


def lock_keywords(session: Any, tags: Iterable[dict[str, Any]]) -> None:
    """Lock the free keywords of ``tags`` the portal does not have yet, until
    the transaction ends (keywords already stored need no lock)."""
    names = {t["name"] for t in tags if t.get("name") and not t.get("vocabulary_id")}
    if not names:
        return
    known = {name for (name,) in session.execute(_EXISTING, {"names": list(names)})}
    new = sorted(names - known)
    if new:
        session.execute(_LOCK, {"names": new})
