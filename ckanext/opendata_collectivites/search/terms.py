"""Facet terms: exact values as integers, and per-partition facet counts.

Every value of a *term field* (the everyday exact fields of ``hot``, except
dates and names) gets a 64-bit id, a hash of ``(field, value)``: known without
a database round trip (migration cs0004 computes it in SQL).  A document row
keeps its ids in ``terms`` (GIN index): filters on term fields are array
containments and facet counting adds up integers instead of unnesting JSON.
``collectivites_search_term`` maps the ids back to their field and value
(facet labels).

The *partition* of a document is the set of its terms in the fields of the
base filters CKAN adds to every search (site, state, type, permission
labels...).  ``collectivites_search_count`` holds, per partition, the number of
documents having each term (:data:`DOC`: the number of documents), maintained
on every index write.  A search whose every condition is on partition fields
(the ``/dataset`` page, any match-all listing) reads its hit count and facet
counts from there: a few hundred rows, whatever the index size.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ckanext.opendata_collectivites.search import schema

TERM_TABLE = "collectivites_search_term"
PARTITION_TABLE = "collectivites_search_partition"
COUNT_TABLE = "collectivites_search_count"
DOC = 0  # pseudo-term counted once per document
PENDING = "collectivites_search_pending_counts"
# Every count update leaves a dead row version. Bulk writes (a harvest) update
# the same few hundred rows thousands of times, faster than autovacuum (when it
# is on at all) removes the versions, and each upsert then walks all of them
# (measured: 0.3 ms per dataset written at 1,000 datasets, 17 ms at 2,000). The
# writing process vacuums the table itself every VACUUM_EVERY row updates.
VACUUM_EVERY = 10_000
VACUUM_DUE = "collectivites_search_vacuum_due"
log = logging.getLogger(__name__)
_updates_since_vacuum = 0

# The base filters of CKAN's searches: fields whose values split the index
# into few partitions (a public dataset: site, active, dataset, public).
PARTITION_FIELDS = frozenset(
    [
        "site_id",
        "state",
        "entity_type",
        "dataset_type",
        "type",
        "capacity",
        "private",
        "permission_labels",
    ]
)

is_term_field = schema.is_term


def _hash64(data: str) -> int:
    return int.from_bytes(hashlib.md5(data.encode()).digest()[:8], "big", signed=True)  # noqa: S324 (not security)


def term_id(field: str, value: str) -> int:
    """The id of ``value`` in term field ``field``."""
    return _hash64(field + "\x1f" + value)


def partition_id(ids: Iterable[int]) -> int:
    """The id of the partition made of the term ids ``ids``."""
    return _hash64(",".join(map(str, sorted(ids))))


def document_terms(strings: dict[str, list[Any]]) -> tuple[tuple[int, str, str], ...]:
    """``((id, field, value), ...)`` of a document's term values, by id."""
    found = {
        term_id(name, value): (name, value)
        for name, values in strings.items()
        if is_term_field(name)
        for value in values
    }
    return tuple((i, *found[i]) for i in sorted(found))


def partition_of(terms: Iterable[tuple[int, str, str]]) -> tuple[int, list[int]]:
    """The partition id and partition term ids of a document's ``terms``."""
    ids = sorted(i for i, name, _ in terms if name in PARTITION_FIELDS)
    return partition_id(ids), ids


# -- maintenance of the counts --------------------------------------------------
class Pending:
    """Count changes of a session, written at its commit (:func:`flush`)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[int, int]] = Counter()
        self.partitions: dict[int, list[int]] = {}

    def add(self, part: int, ids: Iterable[int], sign: int) -> None:
        """Count (``sign`` = 1) or uncount (-1) one document."""
        self.counts[(part, DOC)] += sign
        for i in ids:
            self.counts[(part, i)] += sign


def pending(session: Any) -> Pending:
    """The count changes of ``session`` not yet written."""
    return session.info.setdefault(PENDING, Pending())


def discard(session: Any, *args: Any) -> None:
    session.info.pop(PENDING, None)


def flush(session: Any) -> None:
    """Write the pending count changes in one statement, in key order.

    Deferred to the commit and ordered, so that concurrent index writers lock
    count rows in the same order, for the shortest time.
    """
    changes: Pending | None = session.info.pop(PENDING, None)
    if changes is None:
        return
    rows = sorted((part, term, n) for (part, term), n in changes.counts.items() if n)
    parts = sorted(changes.partitions)
    if parts:
        session.execute(
            text(
                f"INSERT INTO {PARTITION_TABLE} (id, terms) "  # noqa: S608
                "SELECT p, CAST(t AS bigint[]) FROM unnest(CAST(:parts AS bigint[]), "
                "CAST(:terms AS text[])) AS x(p, t) ON CONFLICT DO NOTHING"
            ),
            {
                "parts": parts,
                "terms": [
                    "{" + ",".join(map(str, changes.partitions[p])) + "}" for p in parts
                ],
            },
        )
    if rows:
        session.execute(
            text(
                f"INSERT INTO {COUNT_TABLE} AS c (part, term, n) "  # noqa: S608
                "SELECT * FROM unnest(CAST(:parts AS bigint[]), "
                "CAST(:terms AS bigint[]), CAST(:ns AS integer[])) "
                "ON CONFLICT (part, term) DO UPDATE SET n = c.n + EXCLUDED.n"
            ),
            {
                "parts": [r[0] for r in rows],
                "terms": [r[1] for r in rows],
                "ns": [r[2] for r in rows],
            },
        )
        _count_updates(session, len(rows))


def _count_updates(session: Any, n: int) -> None:
    global _updates_since_vacuum
    _updates_since_vacuum += n
    if _updates_since_vacuum >= VACUUM_EVERY:
        _updates_since_vacuum = 0
        session.info[VACUUM_DUE] = True


def vacuum_if_due(session: Any, *args: Any) -> None:
    """After the commit that crossed VACUUM_EVERY: ``VACUUM`` the counts
    (outside any transaction, on a connection of its own; a few ms)."""
    if session.in_nested_transaction() or not session.info.pop(VACUUM_DUE, False):
        return  # (a released savepoint: nothing committed yet)
    from ckan.model import meta

    try:
        with meta.engine.connect().execution_options(  # type: ignore[union-attr]
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.execute(text(f"VACUUM {COUNT_TABLE}"))  # noqa: S608
    except SQLAlchemyError:  # the counts stay right, only slower to update
        log.warning("VACUUM of %s failed", COUNT_TABLE, exc_info=True)


def before_write(session: Any, cursor: Any, rows: list[Any]) -> set[str]:
    """Before writing ``rows`` (:class:`~.writer.Row`): record the labels of
    their terms, count them, and uncount the versions they replace.

    Returns the ids of the rows that replace an indexed version (locked until
    the commit).  The others are new: :func:`replaced` handles those that
    another transaction indexed meanwhile.
    """
    labels = {i: (f, v) for row in rows for i, f, v in row.terms}
    if labels:
        ids = sorted(labels)
        cursor.execute(
            f"INSERT INTO {TERM_TABLE} (id, field, value) "  # noqa: S608
            "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[]) "
            "ON CONFLICT DO NOTHING",
            (ids, [labels[i][0] for i in ids], [labels[i][1] for i in ids]),
        )
    changes = pending(session)
    for row in rows:
        changes.partitions.setdefault(row.part, row.partition)
        changes.add(row.part, (i for i, _, _ in row.terms), 1)
    return replaced(session, cursor, [row.index_id for row in rows])


def replaced(session: Any, cursor: Any, index_ids: list[str]) -> set[str]:
    """Lock the indexed versions of ``index_ids`` until the commit (their
    terms cannot change meanwhile) and uncount them; return the ids found."""
    cursor.execute(
        "SELECT index_id, part, terms FROM collectivites_search_doc "
        "WHERE index_id = ANY(%s) FOR UPDATE",
        (index_ids,),
    )
    found = cursor.fetchall()
    uncount(session, ((part, ids) for _, part, ids in found))
    return {index_id for index_id, _, _ in found}


def uncount(session: Any, removed: Iterable[tuple[int, list[int]]]) -> None:
    """Remove documents (their ``(part, terms)``) from the counts."""
    changes = pending(session)
    for part, ids in removed:
        changes.add(part, ids, -1)


RECOUNT = (
    f"DELETE FROM {COUNT_TABLE}",  # noqa: S608
    f"DELETE FROM {PARTITION_TABLE}",  # noqa: S608
    f"""INSERT INTO {PARTITION_TABLE} (id, terms)
        SELECT DISTINCT ON (d.part) d.part, ARRAY(
            SELECT t FROM unnest(d.terms) t JOIN {TERM_TABLE} l ON l.id = t
            WHERE l.field = ANY(:fields) ORDER BY t)
        FROM collectivites_search_doc d""",  # noqa: S608
    f"""INSERT INTO {COUNT_TABLE} (part, term, n)
        SELECT d.part, t, count(*) FROM collectivites_search_doc d,
            unnest(array_append(d.terms, CAST({DOC} AS bigint))) t
        GROUP BY d.part, t""",  # noqa: S608
)


def recount(connection: Any) -> None:
    """Recompute every partition count from the documents (after bulk SQL)."""
    for statement in RECOUNT:
        connection.execute(text(statement), {"fields": sorted(PARTITION_FIELDS)})
